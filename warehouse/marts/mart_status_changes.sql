-- grain: one row per change of a trial's overall status between two consecutive versions in trial_history
CREATE OR REPLACE VIEW mart_status_changes AS
SELECT h.trial_id, p.overall_status AS from_status, h.overall_status AS to_status,
       h.valid_from AS changed_at, h.last_update_date AS registry_updated_on, p.version AS from_version,
       h.version AS to_version
FROM trial_history h
JOIN trial_history p ON p.trial_id = h.trial_id AND p.version = h.version - 1
WHERE p.overall_status IS DISTINCT FROM h.overall_status;
