"""The DuckDB warehouse: schema from schemas/, one-transaction loads from staged Parquet, lineage, marts."""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.derive import RECORD_COLUMN, arrow_schema, create_table_sql, select_list
from schemas.tables import ALL_TABLES, DIMENSION_TABLES, STAR_TABLES, TRACKED_ATTRIBUTES, TRIAL_SOURCE, Table
from schemas.vocabularies import label_of

MARTS_DIR = Path(__file__).parent / "marts"


@dataclass(frozen=True, slots=True)
class RunRecord:
    """The facts of one run that go into `ingest_run`."""

    run_id: str
    started_at: datetime
    source_dir: str
    files_seen: int


# DuckDB caches up to 80% of RAM by default; a cap (spilling to <warehouse>.tmp/) bounds the pipeline's memory: DuckDB
# fills whatever cap it has (a 50k-trial load peaked 510 MB above its start at 512MB, 310 MB at 256MB, for 1 s more).
# A load must still hold the primary-key indexes of the rows it inserts: measured ≈ 2.5 MB per 1,000 trials (a
# 100k-trial run failed at 256MB), so the load raises the cap to LOAD_BYTES_PER_TRIAL per staged trial when a run is
# that large. Override the base cap with TRIALHOUSE_DUCKDB_MEMORY.
MEMORY_LIMIT = os.environ.get("TRIALHOUSE_DUCKDB_MEMORY", "256MB")
LOAD_BYTES_PER_TRIAL = 5 * 1024  # twice the measured need


def load_memory_limit(staged_trials: int, base: str = "") -> str:
    """The DuckDB memory cap for a load of `staged_trials` trials: the base cap, or more when the run needs it."""
    base = base or MEMORY_LIMIT
    need_mb = staged_trials * LOAD_BYTES_PER_TRIAL // 2**20
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*", base, re.IGNORECASE)
    if not match:  # a form DuckDB understands but we do not (e.g. a percentage): leave it to DuckDB
        return base
    unit = match.group(2).upper().replace("I", "")
    base_mb = float(match.group(1)) * {"KB": 2**-10, "MB": 1, "GB": 2**10, "TB": 2**20}[unit]
    return base if need_mb <= base_mb else f"{need_mb}MB"


class LoadOutOfMemory(RuntimeError):
    """The load's transaction needed more memory than TRIALHOUSE_DUCKDB_MEMORY allows; nothing was loaded."""


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (creating its folder when writing), with a bounded memory budget."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only,
                          config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every declared table, fill the small dimensions and (re)create the mart views."""
    for table in ALL_TABLES:
        con.execute(create_table_sql(table))
    for table in DIMENSION_TABLES:
        code = table.primary_key[0]
        members = table.column(code).allowed or ()
        con.executemany(
            f'INSERT OR REPLACE INTO "{table.name}" ("{code}", label, sort_order) VALUES (?, ?, ?)',
            [(m, label_of(m), i) for i, m in enumerate(members, start=1)],
        )
    for sql_file in sorted(MARTS_DIR.glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))


def mart_grains() -> list[tuple[str, str]]:
    """(view name, grain sentence) of every mart, read from the `-- grain:` line of its SQL file."""
    out = []
    for sql_file in sorted(MARTS_DIR.glob("*.sql")):
        grain = next((line.split(":", 1)[1].strip() for line in sql_file.read_text(encoding="utf-8").splitlines()
                      if line.startswith("-- grain:")), "")
        out.append((sql_file.stem, grain))
    return out


def known_files(path: Path) -> dict[str, str]:
    """file_path → SHA-256 of every file content already accounted for (loaded, superseded or quarantined)."""
    if not path.exists():
        return {}
    con = connect(path, read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ingest_file'").fetchone()[0]:
            return {}
        rows = con.execute(
            """SELECT file_path, arg_max(file_sha256, last_seen_at) FROM ingest_file
               WHERE status NOT IN ('REMOVED', 'REPLACED') GROUP BY file_path"""
        ).fetchall()
        return dict(rows)
    finally:
        con.close()


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[str]] | pa.Table) -> None:
    """Create a temp table from an Arrow table, or VARCHAR columns given as Python lists, in one hand-off
    (executemany is slow at registry scale)."""
    data = columns if isinstance(columns, pa.Table) else pa.table(
        {k: pa.array(v, type=pa.string()) for k, v in columns.items()})
    con.register("_incoming", data)
    con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM _incoming')
    con.unregister("_incoming")


def _staged_rows(staging: Path, name: str) -> int:
    """Rows staged for one table, read from the Parquet footers (no data is read)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in (staging / name).glob("*.parquet"))


def _staged(con: duckdb.DuckDBPyConnection, staging: Path, name: str, table: Table | None, schema=None) -> None:
    """Create temp table st_<name> from the staged Parquet files (empty, typed, when there are none)."""
    files = sorted((staging / name).glob("*.parquet"))
    if files:
        paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        # A view, not a table: the staged rows stream from Parquet into the inserts, so the load's memory does not
        # grow with the run (a temp table held every staged row: 1.9 GB peak at 50k files).
        con.execute(f'CREATE TEMP VIEW "st_{name}" AS SELECT * FROM read_parquet([{paths}])')
    else:
        _temp_table(con, f"st_{name}", (schema or arrow_schema(table, staging=True)).empty_table())  # type: ignore[arg-type]


def load_run(warehouse: Path, staging: Path, run: RunRecord, quarantined: dict[str, str],
             unchanged: list[tuple[str, str]], present: list[str]) -> dict:
    """Load one run's staged batches into the warehouse in a single transaction and record its lineage.

    `quarantined` maps staged record keys to the reason the expectations gave; `unchanged` lists (path, hash) of files
    seen with known content; `present` every file path found in the source (to soft-delete trials whose file left).
    Returns the ingest_run row that was written.
    """
    from warehouse.lineage import FILE_SCHEMA, RECORD_SCHEMA

    con = connect(warehouse)
    limit = load_memory_limit(_staged_rows(staging, "trial"))
    try:
        con.execute(f"SET memory_limit = '{limit}'")
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        now = datetime.now().replace(microsecond=0)
        for table in STAR_TABLES:
            _staged(con, staging, table.name, table)
        _staged(con, staging, "_files", None, FILE_SCHEMA)
        _staged(con, staging, "_records", None, RECORD_SCHEMA)
        _temp_table(con, "q", {"_record": list(quarantined), "reason": list(quarantined.values())})
        _temp_table(con, "present", {"file_path": present})

        # One winner per trial among this run's records (newest last_update_date, then source path: documented rule).
        con.execute(f"""
            CREATE TEMP TABLE winner AS
            SELECT trial_id, {RECORD_COLUMN}, last_update_date, source_file FROM (
                SELECT *, row_number() OVER (PARTITION BY trial_id
                    ORDER BY last_update_date DESC NULLS LAST, source_file, {RECORD_COLUMN}) AS rn
                FROM st_trial WHERE {RECORD_COLUMN} NOT IN (SELECT _record FROM q)) WHERE rn = 1""")
        # A trial already loaded from another file that is still present and not re-read keeps its row when it ranks higher.
        con.execute("""
            DELETE FROM winner w WHERE EXISTS (
                SELECT 1 FROM trial t WHERE t.trial_id = w.trial_id AND t.removed_at IS NULL
                  AND t.source_file <> w.source_file
                  AND t.source_file IN (SELECT file_path FROM present)
                  AND t.source_file NOT IN (SELECT file_path FROM st__files)
                  AND ((t.last_update_date IS NOT NULL AND (w.last_update_date IS NULL
                                                            OR t.last_update_date > w.last_update_date))
                       OR (t.last_update_date IS NOT DISTINCT FROM w.last_update_date AND t.source_file < w.source_file)))""")
        written = {}
        for table in reversed(STAR_TABLES):
            con.execute(f'DELETE FROM "{table.name}" WHERE trial_id IN (SELECT trial_id FROM winner)')
        for table in STAR_TABLES:
            cols = select_list(table)
            con.execute(f'INSERT INTO "{table.name}" ({cols}) SELECT {cols} FROM "st_{table.name}" '
                        f"WHERE {RECORD_COLUMN} IN (SELECT {RECORD_COLUMN} FROM winner)")
            written[table.name] = con.execute(
                f'SELECT count(*) FROM "st_{table.name}" WHERE {RECORD_COLUMN} IN (SELECT {RECORD_COLUMN} FROM winner)'
            ).fetchone()[0]

        _merge_trial_fields(con)
        # Trials whose source file left the folder are kept, marked removed (history is never deleted).
        con.execute("""
            UPDATE trial SET removed_at = ? WHERE removed_at IS NULL
              AND source_file NOT IN (SELECT file_path FROM present)""", [now])
        _record_history(con, run)
        removed = con.execute("""
            SELECT count(DISTINCT file_path) FROM ingest_file
            WHERE status NOT IN ('REMOVED', 'REPLACED') AND file_path NOT IN (SELECT file_path FROM present)""").fetchone()[0]
        con.execute("""UPDATE ingest_file SET status = 'REMOVED', last_seen_at = ?, run_id = ?
                       WHERE status NOT IN ('REMOVED', 'REPLACED') AND file_path NOT IN (SELECT file_path FROM present)""",
                    [now, run.run_id])

        _record_lineage(con, run, now, unchanged)
        counts = con.execute("""
            SELECT count(*) FILTER (WHERE status IN ('LOADED', 'SUPERSEDED')),
                   count(*) FILTER (WHERE status = 'QUARANTINED')
            FROM ingest_file WHERE (file_path, file_sha256) IN (SELECT file_path, file_sha256 FROM st__files)""").fetchone()
        records_quarantined = con.execute(
            "SELECT count(*) FROM ingest_record WHERE run_id = ? AND status = 'QUARANTINED'", [run.run_id]).fetchone()[0]
        status = "COMPLETED" if counts[1] == 0 and records_quarantined == 0 else "COMPLETED_WITH_QUARANTINE"
        row = {"run_id": run.run_id, "started_at": run.started_at, "finished_at": datetime.now().replace(microsecond=0),
               "status": status, "source_dir": run.source_dir, "files_seen": run.files_seen,
               "files_loaded": counts[0], "files_quarantined": counts[1], "files_unchanged": len(unchanged),
               "files_removed": removed, "records_quarantined": records_quarantined,
               "rows_written": json.dumps(written, sort_keys=True), "error": None}
        con.execute(f"INSERT INTO ingest_run ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
        _hold_for_crash_test()
        con.execute("COMMIT")
        return row
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        if isinstance(exc, duckdb.OutOfMemoryException):
            raise LoadOutOfMemory(
                f"the load ran out of DuckDB memory ({limit}; the warehouse is unchanged): set "
                f"TRIALHOUSE_DUCKDB_MEMORY higher (e.g. 4GB) or ingest the files in smaller runs. DuckDB said: "
                f"{str(exc).splitlines()[0]}") from exc
        raise
    finally:
        con.close()


def _merge_trial_fields(con: duckdb.DuckDBPyConnection) -> None:
    """Keep every source's values in trial_source, then set each scalar field of the touched trials to the value
    of the newest source that states it (newest last_update_date, then source path; documented rule)."""
    cols = select_list(TRIAL_SOURCE)
    con.execute("DELETE FROM trial_source WHERE source_file IN (SELECT file_path FROM st__files)")
    # The first record per (trial, file) is picked on the narrow key columns: ordering the wide rows cost 0.7 s per
    # 50k trials.
    con.execute(f"""
        INSERT INTO trial_source ({cols})
        SELECT {cols} FROM st_trial WHERE {RECORD_COLUMN} IN (
            SELECT min({RECORD_COLUMN}) FROM st_trial WHERE {RECORD_COLUMN} NOT IN (SELECT _record FROM q)
            GROUP BY trial_id, source_file)""")
    lineage = {"trial_id", "source_file", "source_layout", "source_sha256", "run_id"}
    fields = [c for c in TRIAL_SOURCE.column_names if c not in lineage]
    picks = ",\n".join(
        f'first("{f}" ORDER BY last_update_date DESC NULLS LAST, source_file) FILTER (WHERE "{f}" IS NOT NULL) AS "{f}"'
        for f in fields)
    assignments = ", ".join(f'"{f}" = m."{f}"' for f in fields)
    # A trial stated by one source already holds that source's values: only trials with several present sources
    # are merged (rewriting every wide row, or ordering every field of every source, cost more than the whole load).
    con.execute(f"""
        CREATE TEMP TABLE multi_source AS
        SELECT trial_id FROM trial_source
        WHERE source_file IN (SELECT file_path FROM present)
          AND trial_id IN (SELECT trial_id FROM st_trial WHERE {RECORD_COLUMN} NOT IN (SELECT _record FROM q))
        GROUP BY trial_id HAVING count(*) > 1""")
    con.execute(f"""
        UPDATE trial SET {assignments}
        FROM (SELECT trial_id, {picks} FROM trial_source
              WHERE source_file IN (SELECT file_path FROM present)
                AND trial_id IN (SELECT trial_id FROM multi_source)
              GROUP BY trial_id) AS m
        WHERE trial.trial_id = m.trial_id""")


def _record_history(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """SCD type 2: close the current version and add a new one for every loaded trial whose tracked attributes
    changed (or that has no current version); close the versions of trials that were removed."""
    tracked = list(TRACKED_ATTRIBUTES)
    at = run.started_at
    con.execute("""
        CREATE TEMP TABLE state AS
        SELECT t.trial_id, t.overall_status, t.phase, t.enrollment, t.start_date, t.completion_date,
               (SELECT count(*) FROM arm a WHERE a.trial_id = t.trial_id) AS arm_count,
               (SELECT count(*) FROM site s WHERE s.trial_id = t.trial_id) AS site_count,
               t.last_update_date, t.source_file, t.source_sha256
        FROM trial t WHERE t.trial_id IN (SELECT trial_id FROM winner)""")
    differs = " OR ".join(f"h.{a} IS DISTINCT FROM s.{a}" for a in tracked)
    changed_list = " || ".join(f"CASE WHEN h.{a} IS DISTINCT FROM s.{a} THEN ',{a}' ELSE '' END" for a in tracked)
    con.execute(f"""
        CREATE TEMP TABLE new_version AS
        SELECT s.*, coalesce(h.version, (SELECT max(version) FROM trial_history x WHERE x.trial_id = s.trial_id), 0)
                    + 1 AS version,
               CASE WHEN h.trial_id IS NULL THEN NULL ELSE nullif(ltrim({changed_list}, ','), '') END AS changed
        FROM state s LEFT JOIN trial_history h ON h.trial_id = s.trial_id AND h.is_current
        WHERE h.trial_id IS NULL OR {differs}""")
    con.execute("""UPDATE trial_history SET valid_to = ?, is_current = false
                   WHERE is_current AND (trial_id IN (SELECT trial_id FROM new_version)
                                         OR trial_id IN (SELECT trial_id FROM trial WHERE removed_at IS NOT NULL))""",
                [at])
    cols = ", ".join(tracked)
    con.execute(f"""
        INSERT INTO trial_history (trial_id, version, valid_from, valid_to, is_current, {cols}, last_update_date,
                                   changed_attributes, source_file, source_sha256, run_id)
        SELECT trial_id, version, ?, NULL, true, {cols}, last_update_date, changed, source_file, source_sha256, ?
        FROM new_version""", [at, run.run_id])


def _hold_for_crash_test() -> None:
    """Fault-injection hook for the crash test: with TRIALHOUSE_FAULT_HOLD_BEFORE_COMMIT=<marker path>, announce
    that the load transaction is fully written but not committed, then wait to be killed."""
    marker = os.environ.get("TRIALHOUSE_FAULT_HOLD_BEFORE_COMMIT")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(120)


def _record_lineage(con: duckdb.DuckDBPyConnection, run: RunRecord, now: datetime,
                    unchanged: list[tuple[str, str]]) -> None:
    """Upsert ingest_record and ingest_file rows for this run's files (and touch the unchanged ones)."""
    con.execute("""
        CREATE TEMP TABLE rec AS
        SELECT r.file_path, r.file_sha256, r.record_index, r.trial_id,
               CASE WHEN r.error IS NOT NULL OR q._record IS NOT NULL THEN 'QUARANTINED'
                    WHEN w._record IS NOT NULL THEN 'LOADED' ELSE 'SUPERSEDED' END AS status,
               coalesce(r.error, q.reason) AS error
        FROM st__records r LEFT JOIN q USING (_record) LEFT JOIN winner w USING (_record)""")
    # Older contents of a re-read path are kept for lineage, marked REPLACED.
    con.execute("""UPDATE ingest_file SET status = 'REPLACED'
                   WHERE status NOT IN ('REMOVED', 'REPLACED') AND file_path IN (SELECT file_path FROM st__files)
                     AND (file_path, file_sha256) NOT IN (SELECT file_path, file_sha256 FROM st__files)""")
    con.execute("""DELETE FROM ingest_record WHERE (file_path, file_sha256) IN
                   (SELECT file_path, file_sha256 FROM st__files)""")
    con.execute("""INSERT INTO ingest_record (file_path, file_sha256, record_index, trial_id, status, error, run_id)
                   SELECT file_path, file_sha256, record_index,
                          CASE WHEN status = 'QUARANTINED' AND trial_id IS NULL THEN NULL ELSE trial_id END,
                          status, error, ? FROM rec""", [run.run_id])
    con.execute("""
        INSERT INTO ingest_file AS f (file_path, file_sha256, size_bytes, encoding, layout, status, trial_id,
                                      record_count, quarantined_records, error, run_id, first_seen_at, last_seen_at)
        SELECT s.file_path, s.file_sha256, s.size_bytes, s.encoding, s.layout,
               CASE WHEN s.error IS NOT NULL OR coalesce(agg.ok, 0) = 0 THEN 'QUARANTINED'
                    WHEN agg.loaded > 0 THEN 'LOADED' ELSE 'SUPERSEDED' END,
               CASE WHEN s.error IS NULL THEN agg.first_trial END,
               coalesce(agg.n, 0), coalesce(agg.bad, 0),
               coalesce(s.error, agg.first_error), ?, ?, ?
        FROM st__files s LEFT JOIN (
            SELECT file_path, count(*) AS n,
                   count(*) FILTER (WHERE status <> 'QUARANTINED') AS ok,
                   count(*) FILTER (WHERE status = 'LOADED') AS loaded,
                   count(*) FILTER (WHERE status = 'QUARANTINED') AS bad,
                   min(trial_id ORDER BY record_index) FILTER (WHERE status <> 'QUARANTINED') AS first_trial,
                   min(error ORDER BY record_index) FILTER (WHERE status = 'QUARANTINED') AS first_error
            FROM rec GROUP BY file_path) agg USING (file_path)
        ON CONFLICT (file_path, file_sha256) DO UPDATE SET
            size_bytes = excluded.size_bytes, encoding = excluded.encoding, layout = excluded.layout,
            status = excluded.status, trial_id = excluded.trial_id, record_count = excluded.record_count,
            quarantined_records = excluded.quarantined_records, error = excluded.error, run_id = excluded.run_id,
            last_seen_at = excluded.last_seen_at""", [run.run_id, now, now])
    if unchanged:
        _temp_table(con, "unchanged", {"file_path": [p for p, _ in unchanged], "file_sha256": [h for _, h in unchanged]})
        # A quarantined file stays QUARANTINED (with its reason) until its content changes.
        con.execute("""UPDATE ingest_file SET last_seen_at = ?, run_id = ?,
                           status = CASE WHEN status = 'QUARANTINED' THEN status ELSE 'UNCHANGED' END
                       WHERE (file_path, file_sha256) IN (SELECT file_path, file_sha256 FROM unchanged)""",
                    [now, run.run_id])


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


def publish_parquet(warehouse: Path, parquet_dir: Path) -> dict[str, Path]:
    """Export every table to `<parquet_dir>/<table>/<table>.parquet` (temp file, then rename: never half-written)."""
    con = connect(warehouse, read_only=True)
    out = {}
    try:
        # Sorting the wide trial tables for export spills to disk under the base cap once a warehouse is large
        # (100k trials: 13 s at 256MB, 2.8 s at 488MB): the export gets the cap a load of that size would get.
        trials = con.execute("SELECT count(*) FROM trial").fetchone()[0]  # type: ignore[index]
        con.execute(f"SET memory_limit = '{load_memory_limit(trials)}'")
        for table in ALL_TABLES:
            folder = parquet_dir / table.name
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{table.name}.parquet"
            tmp = folder / f".{table.name}.parquet.tmp"
            order = ", ".join(f'"{k}"' for k in table.primary_key)
            con.execute(f"COPY (SELECT * FROM \"{table.name}\" ORDER BY {order}) TO '{tmp}' (FORMAT parquet)")
            tmp.replace(final)
            out[table.name] = final
    finally:
        con.close()
    return out


def snapshot_path(warehouse: Path) -> Path:
    """Where the dashboards' read-only copy of a warehouse lives: `<stem>.snapshot.duckdb` beside it."""
    return warehouse.with_name(f"{warehouse.stem}.snapshot.duckdb")


def checkpoint_warehouse(warehouse: Path) -> None:
    """Fold a left-over write-ahead log into the warehouse file, so that the file is complete on its own."""
    if not Path(f"{warehouse}.wal").exists():  # a closed connection has checkpointed already
        return
    con = connect(warehouse)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def snapshot_warehouse(warehouse: Path) -> Path:
    """Copy the (closed) warehouse file to its snapshot path atomically."""
    target = snapshot_path(warehouse)
    tmp = target.with_name(f".{target.name}.tmp")
    checkpoint_warehouse(warehouse)
    shutil.copyfile(warehouse, tmp)
    tmp.replace(target)
    return target


def iter_table_frames(warehouse: Path, trials_per_chunk: int = 5000):
    """The star tables of a warehouse as pandas DataFrames, a chunk of trials at a time (for re-validation);
    `_record` is the trial id, since the warehouse holds one record per trial."""
    con = connect(warehouse, read_only=True)
    try:
        n_trials = con.execute("SELECT count(*) FROM trial").fetchone()[0]
        buckets = max(1, -(-n_trials // trials_per_chunk))
        for bucket in range(buckets):
            yield {table.name: con.execute(
                f'SELECT *, trial_id AS {RECORD_COLUMN} FROM "{table.name}" '
                f"WHERE hash(trial_id) % {buckets} = {bucket}").df() for table in STAR_TABLES}
    finally:
        con.close()
