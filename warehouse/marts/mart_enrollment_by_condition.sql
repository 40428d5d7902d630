-- grain: one row per condition (names compared case-insensitively) among current trials: trials, enrollment total / median / max, recruiting trials
CREATE OR REPLACE VIEW mart_enrollment_by_condition AS
WITH named AS (
    SELECT lower(c.name) AS condition_key, c.name, t.trial_id, t.enrollment, t.overall_status
    FROM condition c JOIN trial t ON t.trial_id = c.trial_id
    WHERE t.removed_at IS NULL
),
-- The spelling most trials use names the group ("Breast Cancer" over "breast cancer"); ties go to the first in sort order.
spelling AS (
    SELECT condition_key, first(name ORDER BY n DESC, name) AS condition
    FROM (SELECT condition_key, name, count(DISTINCT trial_id) AS n FROM named GROUP BY ALL)
    GROUP BY condition_key
),
per_trial AS (SELECT DISTINCT condition_key, trial_id, enrollment, overall_status FROM named)
SELECT s.condition, p.condition_key,
       count(*) AS trial_count,
       count(*) FILTER (WHERE p.overall_status = 'RECRUITING') AS recruiting_trial_count,
       count(p.enrollment) AS trials_with_enrollment,
       sum(p.enrollment) AS total_enrollment,
       median(p.enrollment) AS median_enrollment,
       max(p.enrollment) AS max_enrollment
FROM per_trial p JOIN spelling s USING (condition_key)
GROUP BY ALL;
