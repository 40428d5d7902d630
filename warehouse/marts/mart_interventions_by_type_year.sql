-- grain: one row per intervention type (UNSTATED when unknown) × start year of the trial (NULL when unstated) among current trials
CREATE OR REPLACE VIEW mart_interventions_by_type_year AS
SELECT coalesce(i.intervention_type, 'UNSTATED') AS intervention_type,
       d.label AS intervention_type_label, d.sort_order AS intervention_type_sort_order,
       year(t.start_date) AS start_year,
       count(*) AS intervention_count,
       count(DISTINCT i.trial_id) AS trial_count
FROM intervention i
JOIN trial t ON t.trial_id = i.trial_id
LEFT JOIN dim_intervention_type d ON d.intervention_type = i.intervention_type
WHERE t.removed_at IS NULL
GROUP BY ALL;
