-- grain: one row per raw file content still in the source that was quarantined whole or in part, with its reason
CREATE OR REPLACE VIEW mart_quarantined_files AS
SELECT f.file_path, f.file_sha256, f.layout, f.encoding, f.size_bytes, f.status AS file_status,
       f.status = 'QUARANTINED' AS is_whole_file, f.record_count, f.quarantined_records,
       quarantine_reason_kind(quarantine_reason(f.error, f.file_path)) AS reason_kind,
       quarantine_reason(f.error, f.file_path) AS reason,
       f.run_id AS last_run_id, f.first_seen_at, f.last_seen_at
FROM ingest_file f
WHERE f.status NOT IN ('REMOVED', 'REPLACED')
  AND (f.status = 'QUARANTINED' OR f.quarantined_records > 0);
