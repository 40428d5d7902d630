-- grain: one row per overall status × phase among current trials, with trial count and total enrollment
CREATE OR REPLACE VIEW mart_trials_by_status_phase AS
SELECT coalesce(t.overall_status, 'UNSTATED') AS overall_status, coalesce(t.phase, 'UNSTATED') AS phase,
       count(*) AS trial_count, sum(t.enrollment) AS total_enrollment
FROM trial t
WHERE t.removed_at IS NULL
GROUP BY ALL;
