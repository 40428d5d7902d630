"""The DuckDB warehouse file: connections, the schema (from schemas/), marts, and what the warehouse already knows."""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from schemas.derive import RECORD_COLUMN, create_table_sql, select_list
from schemas.measures import CATALOGUE
from schemas.tables import (
    ALL_TABLES,
    DIMENSION_TABLES,
    DIMENSION_VOCABULARIES,
    STAR_TABLES,
    UNINDEXED_KEY_TABLES,
    Table,
)
from schemas.therapeutic_areas import THERAPEUTIC_AREAS

MARTS_DIR = Path(__file__).parent / "marts"
DEFAULT_MEMORY_LIMIT = "1GB"


@dataclass(frozen=True, slots=True)
class RunRecord:
    """The facts of one run that go into `ingest_run`."""

    run_id: str
    started_at: datetime
    source_dir: str
    files_seen: int


def connect(path: Path, memory_limit: str = DEFAULT_MEMORY_LIMIT, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (creating its folder when writing) with a memory cap (DuckDB spills beyond it)."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only,
                          config={"memory_limit": memory_limit, "preserve_insertion_order": False})


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every declared table (adding the columns a warehouse of an earlier version lacks), fill the small
    dimensions and (re)create the mart views."""
    existing: dict[str, set[str]] = {}
    for table_name, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                          "WHERE schema_name = 'main' AND NOT internal").fetchall():
        existing.setdefault(table_name, set()).add(column)
    indexed = {name for (name,) in con.execute("SELECT table_name FROM duckdb_constraints() WHERE schema_name = "
                                                "'main' AND constraint_type = 'PRIMARY KEY'").fetchall()}
    checked = _checked_values(con)
    for table in ALL_TABLES:
        con.execute(create_table_sql(table))
        for column in table.columns:  # new nullable columns of a newer version: NULL for the rows already loaded
            if table.name in existing and column.name not in existing[table.name] and column.nullable:
                con.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column.type}')
        if (table.name in indexed and table.name in UNINDEXED_KEY_TABLES) or any(
                (table.name, c.name) in checked and checked[table.name, c.name] != set(c.allowed)
                for c in table.columns if c.allowed):
            _rebuild(con, table)
    for table in DIMENSION_TABLES:
        _upsert(con, table.name, (table.primary_key[0], "label", "sort_order"),
                [(m.value, m.label, m.sort_order) for m in DIMENSION_VOCABULARIES[table.name]])
    _upsert(con, "dim_therapeutic_area", ("mesh_id", "area_code", "label", "sort_order"),
            [(mesh_id, code, label, n) for n, (code, label, mesh_ids) in enumerate(THERAPEUTIC_AREAS, start=1)
             for mesh_id in mesh_ids])
    _upsert(con, "dim_measure_variable",
            ("variable", "label", "unit", "allows_uln", "plausible_min", "plausible_max", "sort_order"),
            [(var.name, var.label, var.unit, var.uln, _finite(var.plausible[0]), _finite(var.plausible[1]), n)
             for n, var in enumerate(CATALOGUE.values(), start=1)])
    for sql_file in sorted(MARTS_DIR.glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))


def _upsert(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert or replace `rows` in one statement (`executemany` runs one statement per row: ≈ 2 ms each)."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    row = "(" + ", ".join("?" for _ in columns) + ")"
    con.execute(f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES {", ".join(row for _ in rows)}',
                [value for r in rows for value in r])


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _checked_values(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    """(table, column) → the values its CHECK constraint allows, as the warehouse's tables were created."""
    found: dict[tuple[str, str], set[str]] = {}
    for table, columns, text in con.execute("""SELECT table_name, constraint_column_names, constraint_text
                                               FROM duckdb_constraints()
                                               WHERE schema_name = 'main' AND constraint_type = 'CHECK'""").fetchall():
        if len(columns) == 1:
            found[table, columns[0]] = {v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", text)}
    return found


def _rebuild(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Rebuild, in one transaction, a table an earlier version created otherwise: with a PRIMARY KEY index that this
    version does not keep, or with another closed vocabulary in a CHECK (a one-off on the first run after upgrading;
    rows unchanged, and a row whose value the new vocabulary lacks stops it with DuckDB's constraint error)."""
    kept = f"{table.name}__before_upgrade"
    columns = select_list(table)
    con.execute("BEGIN TRANSACTION")
    con.execute(f'ALTER TABLE "{table.name}" RENAME TO "{kept}"')
    con.execute(create_table_sql(table))
    con.execute(f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{kept}"')
    con.execute(f'DROP TABLE "{kept}"')
    con.execute("COMMIT")


def mart_grains() -> list[tuple[str, str]]:
    """(view name, grain sentence) of every mart, read from the `-- grain:` line of its SQL file."""
    out = []
    for sql_file in sorted(MARTS_DIR.glob("*.sql")):
        grain = next((line.split(":", 1)[1].strip() for line in sql_file.read_text(encoding="utf-8").splitlines()
                      if line.startswith("-- grain:")), "")
        out.append((sql_file.stem, grain))
    return out


def other_sources_of_their_trials(path: Path, files: set[str], present: set[str]) -> set[str]:
    """The `present` source files that also state a trial stated by one of `files` (files that left the folder or
    changed): read again with them, every source of such a trial is in the run, so the load rebuilds the trial from
    the sources that state it now (rather than keeping what a file no longer says, or marking it removed)."""
    rows = _read_if_loaded(path, "trial_source", """
        SELECT DISTINCT a.source_file, b.source_file FROM trial_source a
        JOIN trial_source b ON b.trial_id = a.trial_id AND b.source_file <> a.source_file""")
    return {other for stale, other in rows if stale in files and other in present}


def known_files(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """file_path → SHA-256 of every file content already accounted for (loaded, superseded or quarantined), and
    file_path → the stamp its file had when last read or hashed (where one was kept)."""
    rows = _read_if_loaded(path, "ingest_file", """
        SELECT file_path, file_sha256, {stat_stamp} FROM ingest_file WHERE status NOT IN ('REMOVED', 'REPLACED')
        QUALIFY row_number() OVER (PARTITION BY file_path ORDER BY last_seen_at DESC, file_sha256) = 1""",
                           newer_columns=("stat_stamp",))
    return {p: sha for p, sha, _ in rows}, {p: stamp for p, _, stamp in rows if stamp is not None}


def _read_if_loaded(path: Path, table: str, sql: str, newer_columns: tuple[str, ...] = ()) -> list[tuple]:
    """The rows of a read-only query on the warehouse; none when there is no warehouse yet or no `table` in it. Each
    of `newer_columns` is written `{name}` in the query and reads as NULL in a warehouse made before it existed (it
    is added by the next load)."""
    if not path.exists():
        return []
    con = connect(path, read_only=True)
    try:
        columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                             [table]).fetchall()}
        if not columns:
            return []
        return con.execute(sql.format_map({c: c if c in columns else "NULL" for c in newer_columns})).fetchall()
    finally:
        con.close()


def temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[str]] | pa.Table) -> None:
    """Create a temp table from an Arrow table, or VARCHAR columns given as Python lists, in one hand-off."""
    data = columns if isinstance(columns, pa.Table) else pa.table(
        {k: pa.array(v, type=pa.string()) for k, v in columns.items()})
    con.register("_incoming", data)
    con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM _incoming')
    con.unregister("_incoming")


def record_failed_run(warehouse: Path, run: RunRecord, error: str) -> None:
    """Write a FAILED ingest_run row (the data tables stay as they were)."""
    con = connect(warehouse)
    try:
        ensure_schema(con)
        con.execute("""INSERT OR REPLACE INTO ingest_run (run_id, started_at, finished_at, status, source_dir, files_seen,
                           files_loaded, files_quarantined, files_unchanged, files_removed, records_quarantined,
                           rows_written, error)
                       VALUES (?, ?, ?, 'FAILED', ?, ?, 0, 0, 0, 0, 0, NULL, ?)""",
                    [run.run_id, run.started_at, datetime.now().replace(microsecond=0), run.source_dir,
                     run.files_seen, error[:4000]])
    finally:
        con.close()


def iter_table_chunks(warehouse: Path, trials_per_chunk: int = 5000) -> Iterator[dict[str, pa.Table]]:
    """The star tables of a warehouse as Arrow tables, a chunk of trials at a time (for re-validation); `_record`
    is the trial id, since the warehouse holds one record per trial."""
    con = connect(warehouse, read_only=True)
    try:
        [(n_trials,)] = con.execute("SELECT count(*) FROM trial").fetchall()
        buckets = max(1, -(-n_trials // trials_per_chunk))
        for bucket in range(buckets):
            yield {table.name: con.execute(
                f'SELECT *, trial_id AS {RECORD_COLUMN} FROM "{table.name}" '
                f"WHERE hash(trial_id) % {buckets} = {bucket}").to_arrow_table() for table in STAR_TABLES}
    finally:
        con.close()
