"""Checks that need every batch of a run at once, in DuckDB SQL over the staged shards (views `st_<table>`).

They belong to the same gate as the per-batch GX suites, with the same levels: a `record` check quarantines the
records it returns, a `table` check that returns rows stops the load. They run inside the load's transaction,
before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas.derive import RECORD_COLUMN
from schemas.tables import STAGED_TABLES


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """One cross-batch check: SQL returning offending `_record` keys (record scope) or offending rows (table scope)."""

    name: str
    level: str  # fail | warn
    scope: str  # record | table
    sql: str
    needs_winners: bool = False  # reads the `winner` table, so runs once the winning records are chosen


def cross_batch_checks() -> list[CrossCheck]:
    """Every cross-batch check: records unique across batches, every row's record has its trial row, and the
    winning records' keys unique across batches (`winner` holds the record chosen for each trial)."""
    checks = [CrossCheck("a record is staged by one batch only", "fail", "table",
                         f"SELECT {RECORD_COLUMN} FROM st__records GROUP BY ALL HAVING count(*) > 1")]
    for table in STAGED_TABLES:
        if table.name == "trial":
            continue
        checks.append(CrossCheck(
            f"every {table.name} row's record has its trial row (across batches)", "fail", "record",
            f"SELECT DISTINCT {RECORD_COLUMN} FROM st_{table.name} "
            f"WHERE {RECORD_COLUMN} NOT IN (SELECT {RECORD_COLUMN} FROM st_trial)"))
    for table in STAGED_TABLES:
        key = ", ".join(f'"{k}"' for k in table.primary_key)
        checks.append(CrossCheck(
            f"{table.name}({', '.join(table.primary_key)}) is unique across batches", "fail", "table",
            f'SELECT {key} FROM "st_{table.name}" WHERE {RECORD_COLUMN} IN (SELECT {RECORD_COLUMN} FROM winner) '
            f"GROUP BY ALL HAVING count(*) > 1", needs_winners=True))
    return checks
