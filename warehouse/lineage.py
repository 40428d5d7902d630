"""Lineage rows staged next to the data: what happened to every file and every record of a run."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

FILE_SCHEMA = pa.schema([
    pa.field("file_path", pa.string(), nullable=False),
    pa.field("file_sha256", pa.string(), nullable=False),
    pa.field("size_bytes", pa.int64()),
    pa.field("encoding", pa.string()),
    pa.field("layout", pa.string()),
    pa.field("error", pa.string()),
])

RECORD_SCHEMA = pa.schema([
    pa.field("file_path", pa.string(), nullable=False),
    pa.field("file_sha256", pa.string(), nullable=False),
    pa.field("record_index", pa.int32(), nullable=False),
    pa.field("_record", pa.string(), nullable=False),
    pa.field("trial_id", pa.string()),
    pa.field("error", pa.string()),
])


@dataclass(slots=True)
class FileOutcome:
    """What parsing made of one file: its layout and records, or why it failed as a whole."""

    file_path: str
    file_sha256: str
    size_bytes: int | None
    encoding: str | None = None
    layout: str | None = None
    error: str | None = None
    records: list[tuple[int, str | None, str | None]] = field(default_factory=list)  # (index, trial_id, error)


def lineage_tables(outcomes: list[FileOutcome]) -> tuple[pa.Table, pa.Table]:
    """Arrow tables of file outcomes and record outcomes for staging."""
    files = [{"file_path": o.file_path, "file_sha256": o.file_sha256, "size_bytes": o.size_bytes,
              "encoding": o.encoding, "layout": o.layout, "error": o.error} for o in outcomes]
    records = [{"file_path": o.file_path, "file_sha256": o.file_sha256, "record_index": idx,
                "_record": f"{o.file_path}#{idx}", "trial_id": tid, "error": err}
               for o in outcomes for idx, tid, err in o.records]
    return pa.Table.from_pylist(files, schema=FILE_SCHEMA), pa.Table.from_pylist(records, schema=RECORD_SCHEMA)
