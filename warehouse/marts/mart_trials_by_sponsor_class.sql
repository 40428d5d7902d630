-- grain: one row per lead sponsor agency class × phase × overall status among current trials (UNSTATED where a trial does not say)
CREATE OR REPLACE VIEW mart_trials_by_sponsor_class AS
SELECT coalesce(s.agency_class, 'UNSTATED') AS agency_class, coalesce(t.phase, 'UNSTATED') AS phase,
       coalesce(t.overall_status, 'UNSTATED') AS overall_status, count(*) AS trial_count,
       sum(t.enrollment) AS total_enrollment
FROM trial t LEFT JOIN sponsor s ON s.trial_id = t.trial_id AND s.role = 'LEAD'
WHERE t.removed_at IS NULL
GROUP BY ALL;
