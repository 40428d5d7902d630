-- grain: one row per part of a record (field) × severity among current trials: records that loaded without it, and an example of why
CREATE OR REPLACE VIEW mart_ingest_issues AS
SELECT i.field, i.severity, count(DISTINCT i.trial_id) AS trial_count, count(*) AS issue_count,
       min(i.message) AS example_message, min(i.source_file) AS example_file
FROM ingest_issue i JOIN trial t ON t.trial_id = i.trial_id
WHERE t.removed_at IS NULL
GROUP BY ALL;
