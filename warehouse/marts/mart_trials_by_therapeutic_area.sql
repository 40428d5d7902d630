-- grain: one row per therapeutic area (top MeSH disease branch, UNCLASSIFIED when a trial has no MeSH term under one) × overall status × start year among current trials; a trial under several areas counts in each
CREATE OR REPLACE VIEW mart_trials_by_therapeutic_area AS
WITH areas AS (
    SELECT DISTINCT m.trial_id, d.area_code, d.label, d.sort_order
    FROM condition_mesh m JOIN dim_therapeutic_area d ON d.mesh_id = m.mesh_id
)
SELECT coalesce(a.area_code, 'UNCLASSIFIED') AS area_code, coalesce(a.label, 'Unclassified') AS therapeutic_area,
       coalesce(min(a.sort_order), 99) AS sort_order,
       coalesce(t.overall_status, 'UNSTATED') AS overall_status, year(t.start_date) AS start_year,
       count(DISTINCT t.trial_id) AS trial_count
FROM trial t LEFT JOIN areas a ON a.trial_id = t.trial_id
WHERE t.removed_at IS NULL
GROUP BY a.area_code, a.label, t.overall_status, year(t.start_date);
