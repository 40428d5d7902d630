-- grain: one wide row per current (not removed) trial: status, phase, age range, counts of arms, interventions, sites, countries (one per ISO code, sites' and registry lists'), outcomes
CREATE OR REPLACE VIEW mart_trial_summary AS
SELECT t.trial_id, t.nct_id, t.title, t.overall_status, t.phase, t.study_type, t.primary_purpose, t.enrollment,
       t.start_date, t.completion_date, year(t.start_date) AS start_year, t.last_update_date,
       t.min_age_years, t.max_age_years, t.sex, t.healthy_volunteers, t.lead_sponsor,
       (SELECT count(*) FROM arm a WHERE a.trial_id = t.trial_id) AS arm_count,
       (SELECT count(*) FROM intervention i WHERE i.trial_id = t.trial_id) AS intervention_count,
       (SELECT count(*) FROM site s WHERE s.trial_id = t.trial_id) AS site_count,
       (SELECT count(*) FROM trial_country c WHERE c.trial_id = t.trial_id AND NOT c.removed) AS country_count,
       (SELECT count(*) FROM outcome o WHERE o.trial_id = t.trial_id AND o.kind = 'PRIMARY') AS primary_outcome_count,
       (SELECT count(*) FROM criterion c WHERE c.trial_id = t.trial_id) AS criterion_count,
       (SELECT string_agg(c.name, '; ' ORDER BY c.ordinal) FROM condition c WHERE c.trial_id = t.trial_id) AS conditions,
       (SELECT string_agg(DISTINCT i.intervention_type, '; ' ORDER BY i.intervention_type) FROM intervention i
         WHERE i.trial_id = t.trial_id) AS intervention_types,
       (SELECT string_agg(c.country_name, '; ' ORDER BY c.country_name) FROM trial_country c
         WHERE c.trial_id = t.trial_id AND NOT c.removed) AS countries,
       t.source_layout, t.source_file
FROM trial t
WHERE t.removed_at IS NULL;
