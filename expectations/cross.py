"""Checks that need every batch of a run at once, in DuckDB SQL over the staged shards (views `st_<table>`).

They belong to the same gate as the per-batch GX suites, with the same levels: a `record` check quarantines the
records it returns, a `table` check that returns rows stops the load. They run inside the load's transaction: over
the staged rows (`STAGED`), once the winning record of each trial is chosen (`WINNERS`), and after the writes
(`WRITTEN`: the keys the warehouse keeps without an index are still unique), before COMMIT.
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas.derive import RECORD_COLUMN
from schemas.tables import ALL_TABLES, STAGED_TABLES, UNINDEXED_KEY_TABLES, Table

STAGED, WINNERS, WRITTEN = "staged", "winners", "written"  # when a check runs in the load


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """One cross-batch check: SQL returning offending `_record` keys (record scope) or offending rows (table scope)."""

    name: str
    level: str  # fail | warn
    scope: str  # record | table
    sql: str
    stage: str = STAGED  # STAGED | WINNERS (reads the `winner` table) | WRITTEN (reads the warehouse's tables)


def cross_batch_checks() -> list[CrossCheck]:
    """Every cross-batch check: records unique across batches, every row's record has its trial row, the winning
    records' keys unique across batches (`winner` holds the record chosen for each trial), and the keys of the
    trials this run touched unique in the warehouse once written."""
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
            f"GROUP BY ALL HAVING count(*) > 1", stage=WINNERS))
    for table in ALL_TABLES:
        if table.name not in UNINDEXED_KEY_TABLES:
            continue
        key = ", ".join(f'"{k}"' for k in table.primary_key)
        checks.append(CrossCheck(
            f"{table.name}({', '.join(table.primary_key)}) is unique in the warehouse", "fail", "table",
            f'SELECT {key} FROM "{table.name}" WHERE ({key}) IN (SELECT {key} FROM "{table.name}" '
            f"WHERE {_rewritten(table)}) GROUP BY ALL HAVING count(*) > 1", stage=WRITTEN))
    return checks


def _rewritten(table: Table) -> str:
    """SQL: the rows of `table` a load may have written — the touched trials', and the HEADING and LEARNED MeSH rows
    it rebuilds."""
    scope = "trial_id IN (SELECT trial_id FROM st_trial)"
    if "source" in table.column_names and "LEARNED" in (table.column("source").allowed or ()):
        scope += " OR source IN ('HEADING', 'LEARNED')"
    return scope
