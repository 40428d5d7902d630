"""The run's bookkeeping tables: what became of each raw file and record (ingest_file, ingest_record), each run
(ingest_run), and the staging-only tables a batch hands to the load beside its star-table shards.

Declared like every table (schemas.model), and gathered with the others in schemas.tables.
"""
from __future__ import annotations

from schemas.model import RECORD_COLUMN, Column, Table

# Shared columns, defined once.
RUN_ID = Column("run_id", "VARCHAR", "the ingest run that wrote this row", nullable=False)
FILE_PATH = Column("file_path", "VARCHAR", "path relative to the source root", nullable=False)
FILE_SHA256 = Column("file_sha256", "VARCHAR", "SHA-256 of the file's bytes", nullable=False)
RECORD_INDEX = Column("record_index", "INTEGER", "0-based index of the record in its file", nullable=False, min_value=0)
RECORD_KEY = Column(RECORD_COLUMN, "VARCHAR", "record key `file_path#record_index`", nullable=False)

INGEST_FILE = Table(
    "ingest_file",
    "one row per raw file content seen (file path × SHA-256)",
    (
        FILE_PATH,
        Column("file_sha256", "VARCHAR", "SHA-256 of the file's bytes (empty-file hash when unreadable)", nullable=False),
        Column("size_bytes", "BIGINT", "file size in bytes", min_value=0),
        Column("encoding", "VARCHAR", "text encoding the file was decoded with (`utf-8+cp1252`: UTF-8 with a few "
               "Windows-1252 bytes; a file read in parts: the encoding that covers every part)"),
        Column("layout", "VARCHAR", "layout the file was recognised as, NULL when none"),
        Column("status", "VARCHAR", "LOADED; QUARANTINED (see error); UNCHANGED (re-seen, not re-read); SUPERSEDED (another source of its trial won); REPLACED (the path now holds other content); REMOVED (gone from the source)", nullable=False,
               allowed=("LOADED", "QUARANTINED", "UNCHANGED", "SUPERSEDED", "REPLACED", "REMOVED")),
        Column("trial_id", "VARCHAR", "the trial built from the file (first one for a multi-trial file), NULL when quarantined"),
        Column("record_count", "INTEGER", "trials the file yielded", min_value=0),
        Column("quarantined_records", "INTEGER", "records of the file that were quarantined", min_value=0),
        Column("error", "VARCHAR", "why the file (or some of its records) was quarantined"),
        RUN_ID,
        Column("first_seen_at", "TIMESTAMP", "first run that saw this content", nullable=False),
        Column("last_seen_at", "TIMESTAMP", "latest run that saw this content", nullable=False),
        Column("stat_stamp", "VARCHAR", "`inode:size:mtime_ns:ctime_ns` of the file when a run last read or hashed this "
               "content; a later run that finds the file with the same stamp takes it as unchanged without reading it "
               "(NULL when the file had changed within seconds of being read: the next run hashes it)"),
    ),
    primary_key=("file_path", "file_sha256"),
    kind="lineage",
)

INGEST_RECORD = Table(
    "ingest_record",
    "one row per record (trial) a raw file content yielded, loaded or quarantined",
    (
        FILE_PATH,
        FILE_SHA256,
        RECORD_INDEX,
        Column("trial_id", "VARCHAR", "the trial the record describes, NULL when it could not be built"),
        Column("status", "VARCHAR", "LOADED, SUPERSEDED (another source of the trial won) or QUARANTINED; REPLACED "
               "or REMOVED once its file content is (see ingest_file.status)",
               nullable=False, allowed=("LOADED", "SUPERSEDED", "QUARANTINED", "REPLACED", "REMOVED")),
        Column("error", "VARCHAR", "why the record was quarantined"),
        RUN_ID,
    ),
    primary_key=("file_path", "file_sha256", "record_index"),
    kind="lineage",
)

INGEST_RUN = Table(
    "ingest_run",
    "one row per pipeline run",
    (
        Column("run_id", "VARCHAR", "run identifier (UTC timestamp + random suffix)", nullable=False),
        Column("started_at", "TIMESTAMP", "when the run started", nullable=False),
        Column("finished_at", "TIMESTAMP", "when the run finished"),
        Column("status", "VARCHAR", "how the run ended", nullable=False,
               allowed=("RUNNING", "COMPLETED", "COMPLETED_WITH_QUARANTINE", "FAILED")),
        Column("source_dir", "VARCHAR", "the source folder the run read"),
        Column("files_seen", "INTEGER", "files found in the source folder", nullable=False, min_value=0),
        Column("files_loaded", "INTEGER", "files whose records were loaded", nullable=False, min_value=0),
        Column("files_quarantined", "INTEGER", "files quarantined (nothing loaded from them)", nullable=False, min_value=0),
        Column("files_unchanged", "INTEGER", "files skipped because their content was already loaded", nullable=False,
               min_value=0),
        Column("files_removed", "INTEGER", "files gone from the source since the previous run", nullable=False,
               min_value=0),
        Column("records_quarantined", "INTEGER", "records quarantined (in files that loaded otherwise too)",
               nullable=False, min_value=0),
        Column("trials_removed", "INTEGER", "trials marked removed: their file left the source or no longer states "
               "them, and no other file does (NULL for runs before this column)", min_value=0),
        Column("rows_written", "VARCHAR", "JSON object: rows written per table"),
        Column("error", "VARCHAR", "why the run failed"),
    ),
    primary_key=("run_id",),
    kind="lineage",
)

STAGED_FILE = Table(
    "_files",
    "staging only: one row per raw file a batch read (its outcome as a whole), or per part of a file read in parts "
    "(the load folds them into the file's row)",
    (
        FILE_PATH,
        FILE_SHA256,
        Column("size_bytes", "BIGINT", "file size in bytes"),
        Column("encoding", "VARCHAR", "text encoding the file (or the part) was decoded with"),
        Column("layout", "VARCHAR", "layout the file was recognised as"),
        Column("error", "VARCHAR", "why the file as a whole could not be loaded"),
        Column("stat_stamp", "VARCHAR", "the file's stamp when it was read (see ingest_file.stat_stamp)"),
        Column("part", "INTEGER", "which part of the file the row is of (0 first), NULL when it was read whole"),
    ),
    primary_key=("file_path", "file_sha256", "part"),
    kind="staging",
)

STAGED_RECORD = Table(
    "_records",
    "staging only: one row per record a raw file yielded",
    (
        FILE_PATH,
        FILE_SHA256,
        RECORD_INDEX,
        RECORD_KEY,
        Column("trial_id", "VARCHAR", "the trial the record describes, NULL when it could not be built"),
        Column("error", "VARCHAR", "why the record could not be built"),
    ),
    primary_key=(RECORD_COLUMN,),
    kind="staging",
)

STAGED_QUARANTINE = Table(
    "_quarantine",
    "staging only: one row per record the gate refused, with the reason",
    (
        RECORD_KEY,
        Column("reason", "VARCHAR", "the failed expectation", nullable=False),
    ),
    primary_key=(RECORD_COLUMN,),
    kind="staging",
)

STAGED_UNCHANGED = Table(
    "_unchanged",
    "staging only: one row per file seen whose content the warehouse already holds (not read again)",
    (
        FILE_PATH,
        FILE_SHA256,
        Column("stat_stamp", "VARCHAR", "the file's stamp when it was seen (see ingest_file.stat_stamp)"),
    ),
    primary_key=("file_path",),
    kind="staging",
)

STAGED_PRESENT = Table(
    "_present",
    "staging only: one row per file in the source folder (a run over a folder; files missing from it were removed)",
    (FILE_PATH,),
    primary_key=("file_path",),
    kind="staging",
)
