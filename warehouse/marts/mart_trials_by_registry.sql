-- grain: one row per registry of a trial's identifiers (its own and those other registries gave it) × overall status among current trials; a trial registered in several registries counts in each
CREATE OR REPLACE VIEW mart_trials_by_registry AS
SELECT coalesce(i.registry, 'UNSTATED') AS registry, coalesce(t.overall_status, 'UNSTATED') AS overall_status,
       count(DISTINCT t.trial_id) AS trial_count,
       count(DISTINCT t.trial_id) FILTER (WHERE i.id_type = 'PRIMARY') AS primary_record_count
FROM trial t LEFT JOIN trial_identifier i ON i.trial_id = t.trial_id AND i.id_type IN ('PRIMARY', 'REGISTRY')
WHERE t.removed_at IS NULL
GROUP BY ALL;
