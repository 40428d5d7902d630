-- grain: one row per ingest run: files seen / loaded / quarantined / unchanged and the most common quarantine reason
CREATE OR REPLACE VIEW mart_ingest_quality AS
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.files_seen, r.files_loaded, r.files_quarantined,
       r.files_unchanged, r.files_removed, r.records_quarantined,
       (SELECT mode(split_part(f.error, ':', 1)) FROM ingest_file f
         WHERE f.run_id = r.run_id AND f.status = 'QUARANTINED') AS top_quarantine_reason
FROM ingest_run r;
