"""What a run did, as the CLI prints it, the Prefect artifact shows it and tests read it."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


def new_run_id() -> str:
    """UTC timestamp plus a random suffix: sortable and unique."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@dataclass(slots=True)
class RunSummary:
    """The outcome of one ingest run."""

    run_id: str
    status: str
    files_seen: int = 0
    files_loaded: int = 0
    files_quarantined: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    trials_removed: int = 0  # trials marked removed: their file left or no longer states them (no other file does)
    records_quarantined: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    warehouse: str = ""
    data_docs: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    transform_cpu_s: float = 0.0  # CPU seconds spent in the pure transform, summed over workers
    validate_cpu_s: float = 0.0  # CPU seconds spent in the per-batch gate, summed over workers
    parts: dict[str, int] = field(default_factory=dict)  # the large files read in parts: how many parts each

    @classmethod
    def from_row(cls, row: dict, warehouse: Path, **extra) -> RunSummary:
        """The summary of a run from its ingest_run row, plus what the row does not hold."""
        return cls(run_id=row["run_id"], status=row["status"], files_seen=row["files_seen"],
                   files_loaded=row["files_loaded"], files_quarantined=row["files_quarantined"],
                   files_unchanged=row["files_unchanged"], files_removed=row["files_removed"],
                   trials_removed=row.get("trials_removed") or 0,
                   records_quarantined=row["records_quarantined"], rows_written=json.loads(row["rows_written"]),
                   warehouse=str(warehouse), **extra)


def summary_markdown(summary: RunSummary) -> str:
    """The run summary as markdown (the Prefect artifact)."""
    rows = "\n".join(f"| {name} | {n:,} |" for name, n in sorted(summary.rows_written.items()))
    warn = "\n".join(f"- {name}: {n} rows" for name, n in sorted(summary.warnings.items())) or "- none"
    return (f"# Ingest run `{summary.run_id}`: {summary.status}\n\n"
            f"| files | count |\n|---|---|\n| seen | {summary.files_seen} |\n| loaded | {summary.files_loaded} |\n"
            f"| quarantined | {summary.files_quarantined} |\n| unchanged | {summary.files_unchanged} |\n"
            f"| removed | {summary.files_removed} |\n\ntrials marked removed: {summary.trials_removed}\n\n"
            f"| table | rows written |\n|---|---|\n{rows}\n\nExpectation warnings:\n{warn}\n"
            + (f"\nRead in parts: {read_in_parts(summary)}\n" if summary.parts else ""))


def read_in_parts(summary: RunSummary) -> str:
    """The files read in parts, as the summary names them: `export.xml (12 parts)`."""
    return ", ".join(f"{path} ({n} parts)" for path, n in sorted(summary.parts.items()))
