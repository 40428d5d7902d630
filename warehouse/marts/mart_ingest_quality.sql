-- grain: one row per ingest run: files seen / loaded / quarantined / unchanged / removed, the trials it marked removed, the run's quarantine reasons, and the records it loaded with a part left unread (ingest_issue)
-- Quarantine reasons are stored as "<file path>: <what went wrong>"; these two macros turn them into a readable reason
-- and a short, groupable kind (mart_quarantined_files uses them too: marts are created in file-name order).
CREATE OR REPLACE MACRO quarantine_reason(error, file_path) AS
    CASE WHEN starts_with(error, file_path || ': ') THEN substr(error, length(file_path) + 3) ELSE error END;
-- The kind is what a reason says without its specifics, so that reasons group: a parse error's layout, field and the
-- lead phrase of its reason ("ctgov_xml: xml: malformed XML"), a gate failure's expectation ("failed expectation:
-- <name>"), otherwise the reason's lead phrase ("empty file"); numbers become N ("row at line N").
CREATE OR REPLACE MACRO quarantine_reason_kind(reason) AS
    regexp_replace(trim(
        CASE WHEN starts_with(reason, 'failed expectation: ') THEN reason
             WHEN regexp_matches(reason, '^[a-z][a-z0-9_]*: ')
                 THEN regexp_extract(reason, '^[a-z][a-z0-9_]*: [^:(;]*(: [^:(;]*)?')
             ELSE regexp_extract(reason, '^[^:(;]*') END), '[0-9]+', 'N', 'g');
CREATE OR REPLACE VIEW mart_ingest_quality AS
WITH reasons AS (
    SELECT f.run_id, quarantine_reason_kind(quarantine_reason(f.error, f.file_path)) AS reason_kind,
           count(*) AS file_count
    FROM ingest_file f
    WHERE f.error IS NOT NULL AND (f.status = 'QUARANTINED' OR f.quarantined_records > 0)
    GROUP BY ALL
)
SELECT r.run_id, r.started_at, r.finished_at, date_diff('second', r.started_at, r.finished_at) AS duration_seconds,
       r.status, r.source_dir, r.files_seen, r.files_loaded, r.files_quarantined, r.files_unchanged, r.files_removed,
       r.records_quarantined, r.trials_removed,
       (SELECT count(DISTINCT i.trial_id) FROM ingest_issue i JOIN trial t ON t.trial_id = i.trial_id
         WHERE t.run_id = r.run_id) AS records_with_issues,
       round(r.files_quarantined / nullif(r.files_seen, 0), 4) AS quarantined_share,
       (SELECT first(x.reason_kind ORDER BY x.file_count DESC, x.reason_kind) FROM reasons x
         WHERE x.run_id = r.run_id) AS top_quarantine_reason,
       (SELECT string_agg(x.reason_kind || ' (' || x.file_count || ')', '; ' ORDER BY x.file_count DESC, x.reason_kind)
          FROM reasons x WHERE x.run_id = r.run_id) AS quarantine_reasons,
       r.error
FROM ingest_run r;
