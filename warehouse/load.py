"""The load: every shard of a run into the warehouse in one DuckDB transaction, with lineage and history.

Rows are read straight from the shards (`read_parquet` views, streamed into the inserts); nothing of a run is
visible before COMMIT, and a failure anywhere rolls everything back.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from expectations.cross import STAGED, WINNERS, WRITTEN, cross_batch_checks
from expectations.gate import GateResult
from schemas.derive import RECORD_COLUMN, arrow_schema, select_list
from schemas.lineage import STAGED_FILE, STAGED_PRESENT, STAGED_QUARANTINE, STAGED_RECORD, STAGED_UNCHANGED
from schemas.tables import BY_NAME, STAGED_TABLES, TRACKED_ATTRIBUTES, TRIAL_SOURCE, UNION_TABLES, Table
from transforms.decode import file_encoding
from warehouse.identity import remapped_views, rename_trials, resolve_identities
from warehouse.shards import staged_files
from warehouse.store import RunRecord, connect, ensure_schema, temp_table


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """What one load needs: the run, its staging folder (shards, and the plan's `_unchanged` and `_present` files),
    whether the run listed a whole folder (so files missing from `_present` were removed), DuckDB's memory cap."""

    run: RunRecord
    staging: Path
    complete: bool = True
    memory_limit: str = "1GB"


class LoadBlocked(RuntimeError):
    """A table-level expectation failed: nothing of this run was loaded."""

    def __init__(self, failures: list[str], verdict: GateResult | None = None):
        super().__init__("load stopped by failed expectations, the warehouse is unchanged: " + "; ".join(failures[:5]))
        self.failures = failures
        self.verdict = verdict if verdict is not None else GateResult()  # what the cross-batch checks found


class LoadOutOfMemory(RuntimeError):
    """The load's transaction needed more memory than its cap allows; nothing was loaded."""


def _stage_views(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
    """A view over every shard of each staged table (an empty typed table when no batch wrote one): `raw_<table>`
    for the tables whose rows may move to another trial (see warehouse.identity) and for `_files` (see
    `_fold_file_parts`), `st_<table>` for the others."""
    for table in (*STAGED_TABLES, STAGED_FILE, STAGED_RECORD, STAGED_QUARANTINE, STAGED_UNCHANGED, STAGED_PRESENT):
        name = f"raw_{table.name}" if table in (*STAGED_TABLES, STAGED_RECORD, STAGED_FILE) else f"st_{table.name}"
        files = staged_files(staging, table.name)
        if files:
            paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            con.execute(f'CREATE TEMP VIEW "{name}" AS SELECT * FROM read_parquet([{paths}])')
        else:
            staged = table in STAGED_TABLES
            temp_table(con, name, arrow_schema(table, staging=staged).empty_table())


def _fold_file_parts(con: duckdb.DuckDBPyConnection) -> None:
    """`st__files`: one row per file, a file read in parts given by its first part's row, with the encoding that
    covers every part (parts decode alone, in batches of their own: see transforms.decode.file_encoding)."""
    con.execute("CREATE TEMP TABLE st__files AS SELECT * EXCLUDE (part) FROM raw__files WHERE coalesce(part, 0) = 0")
    differing = con.execute("""SELECT file_path, file_sha256, list(encoding ORDER BY part) FROM raw__files
                               WHERE part IS NOT NULL GROUP BY ALL
                               HAVING count(DISTINCT coalesce(encoding, '')) > 1""").fetchall()
    for path, sha256, encodings in differing:
        con.execute("UPDATE st__files SET encoding = ? WHERE file_path = ? AND file_sha256 = ?",
                    [file_encoding(encodings), path, sha256])


def _run_cross_checks(con: duckdb.DuckDBPyConnection, verdict: GateResult, stage: str) -> None:
    """Run the cross-batch checks of one stage; quarantine what record checks return, stop on table failures."""
    for check in cross_batch_checks():
        if check.stage != stage:
            continue
        verdict.checks_run += 1
        rows = con.execute(check.sql).fetchall()
        verdict.cross_checks.append({"check": check.name, "level": check.level, "scope": check.scope,
                                     "stage": check.stage, "offending_rows": len(rows)})
        if not rows:
            continue
        if check.level == "warn":
            verdict.warnings[check.name] += len(rows)
        elif check.scope == "table":
            verdict.failures[check.name] += len(rows)
            verdict.table_failures.append(f"{check.name}: failed for {len(rows)} rows, e.g. {rows[:3]}")
        else:
            verdict.failures[check.name] += len(rows)
            con.executemany("INSERT INTO q VALUES (?, ?) ON CONFLICT DO NOTHING",
                            [(r[0], f"failed expectation: {check.name}") for r in rows])
    if verdict.table_failures:
        raise LoadBlocked(verdict.table_failures, verdict)


@dataclass(slots=True)
class LoadOutcome:
    """What a load wrote (its ingest_run row) and what the cross-batch checks found."""

    row: dict
    verdict: GateResult


def load_run(warehouse: Path, request: LoadRequest, before_commit: Callable[[], None] | None = None) -> LoadOutcome:
    """Run the cross-batch checks and load one run's shards into the warehouse in a single transaction, with its
    lineage and history; `before_commit` is called just before COMMIT (a test hook)."""
    run = request.run
    verdict = GateResult()
    con = connect(warehouse, request.memory_limit)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        now = datetime.now().replace(microsecond=0)
        _stage_views(con, request.staging)
        _fold_file_parts(con)
        con.execute("CREATE TEMP TABLE q (_record VARCHAR PRIMARY KEY, reason VARCHAR)")
        con.execute("INSERT INTO q SELECT _record, any_value(reason) FROM st__quarantine GROUP BY ALL")
        con.execute("CREATE TEMP VIEW present AS SELECT file_path FROM st__present")
        remapped, renamed = resolve_identities(con, verdict)
        remapped_views(con, remapping=remapped > 0)
        if renamed:
            rename_trials(con)
        _run_cross_checks(con, verdict, STAGED)
        _choose_winners(con, request.complete)
        _run_cross_checks(con, verdict, WINNERS)
        written = _replace_trials(con, request.complete)
        _merge_trial_fields(con, request.complete)
        _learn_mesh(con)
        _run_cross_checks(con, verdict, WRITTEN)
        removed, trials_removed = _mark_removed(con, run, now) if request.complete else (0, 0)
        trials_removed += _mark_dropped(con, now)
        _record_history(con, run)
        _record_lineage(con, run, now)
        row = _run_row(con, run, written, removed, trials_removed)
        _insert_run_row(con, row)
        if before_commit is not None:
            before_commit()
        con.execute("COMMIT")
        return LoadOutcome(row, verdict)
    except BaseException as exc:
        _rollback(con)
        if isinstance(exc, duckdb.OutOfMemoryException):
            raise LoadOutOfMemory(
                f"the load ran out of DuckDB memory ({request.memory_limit}; the warehouse is unchanged): set "
                f"TRIALHOUSE_DUCKDB_MEMORY higher (e.g. 4GB) or ingest the files in smaller runs. DuckDB said: "
                f"{str(exc).splitlines()[0]}") from exc
        raise
    finally:
        con.close()


def record_unchanged_run(warehouse: Path, run: RunRecord, unchanged: pa.Table, memory_limit: str = "1GB") -> dict:
    """Record a run that has nothing to read or remove: its ingest_run row and its files (`unchanged`: file_path,
    file_sha256, stat_stamp) marked seen, in one transaction: the rows `load_run` writes for such a run, without its
    steps over empty shards."""
    con = connect(warehouse, memory_limit)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        temp_table(con, "st__unchanged", unchanged)  # Arrow in one hand-off (lists of 560,000 paths took 2.6 s)
        _touch_unchanged(con, run, datetime.now().replace(microsecond=0))
        row = _ingest_run_row(run, dict.fromkeys((t.name for t in STAGED_TABLES), 0), unchanged=unchanged.num_rows)
        _insert_run_row(con, row)
        con.execute("COMMIT")
        return row
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.close()


def _choose_winners(con: duckdb.DuckDBPyConnection, complete: bool) -> None:
    """One winning record per trial among this run's records (newest last_update_date, then source path); a trial
    already loaded from another file that is still present and not re-read keeps its row when it ranks higher."""
    con.execute(f"""
        CREATE TEMP TABLE winner AS
        SELECT trial_id, {RECORD_COLUMN}, last_update_date, source_file FROM (
            SELECT *, row_number() OVER (PARTITION BY trial_id
                ORDER BY last_update_date DESC NULLS LAST, source_file, {RECORD_COLUMN}) AS rn
            FROM st_trial WHERE {RECORD_COLUMN} NOT IN (SELECT _record FROM q)) WHERE rn = 1""")
    still_there = _live("t.source_file", complete)
    con.execute(f"""
        DELETE FROM winner w WHERE EXISTS (
            SELECT 1 FROM trial t WHERE t.trial_id = w.trial_id AND t.removed_at IS NULL
              AND t.source_file <> w.source_file AND {still_there}
              AND t.source_file NOT IN (SELECT file_path FROM st__files)
              AND ((t.last_update_date IS NOT NULL AND (w.last_update_date IS NULL
                                                        OR t.last_update_date > w.last_update_date))
                   OR (t.last_update_date IS NOT DISTINCT FROM w.last_update_date AND t.source_file < w.source_file)))""")


def _replace_trials(con: duckdb.DuckDBPyConnection, complete: bool) -> dict[str, int]:
    """Replace every winning trial's rows in each per-trial table with its winning record's rows; the union tables
    are rebuilt from every live source of the touched trials instead."""
    written = {}
    for table in reversed(STAGED_TABLES):
        con.execute(f'DELETE FROM "{table.name}" WHERE trial_id IN (SELECT trial_id FROM winner)')
    for table in STAGED_TABLES:
        if table.name in UNION_TABLES:
            continue
        cols = select_list(table)
        [(written[table.name],)] = con.execute(
            f'INSERT INTO "{table.name}" ({cols}) SELECT {cols} FROM "st_{table.name}" '
            f"WHERE {RECORD_COLUMN} IN (SELECT {RECORD_COLUMN} FROM winner)").fetchall()
    for name, per_source in UNION_TABLES.items():
        written[name] = _rebuild_union(con, name, per_source, complete)
    return written


def _rebuild_union(con: duckdb.DuckDBPyConnection, name: str, per_source: Table, complete: bool) -> int:
    """Keep every loaded record's rows of a union table per source file, then rebuild the table for the trials this
    run touched as the union over their live sources (deterministic whatever the order the sources arrived in)."""
    table = BY_NAME[name]
    key = list(table.primary_key)
    others = [c for c in table.column_names if c not in key]

    # Where records disagree on a value, a fixed order decides: a vocabulary's first member (a PRIMARY identifier
    # over a REGISTRY one, a country seen at a site over a registry's list), FALSE for flags, else the least value.
    def pick(c: str) -> str:
        column = table.column(c)
        if column.allowed:
            members = ", ".join("'" + m + "'" for m in column.allowed)
            return f'arg_min("{c}", list_position([{members}], "{c}")) AS "{c}"'
        return f'bool_and("{c}") AS "{c}"' if column.type == "BOOLEAN" else f'min("{c}") AS "{c}"'

    picks = ", ".join(pick(c) for c in others)
    keys = ", ".join(f'"{k}"' for k in key)
    con.execute(f'DELETE FROM "{per_source.name}" WHERE source_file IN (SELECT file_path FROM st__files)')
    con.execute(f"""
        INSERT INTO "{per_source.name}" ({select_list(per_source)})
        SELECT trial_id, source_file, {", ".join(f'"{c}"' for c in table.column_names if c != "trial_id")} FROM (
            SELECT {keys}, source_file, {picks} FROM (
                SELECT s.*, t.source_file FROM "st_{name}" s JOIN st_trial t USING (trial_id, {RECORD_COLUMN})
                WHERE s.{RECORD_COLUMN} NOT IN (SELECT _record FROM q))
            GROUP BY ALL)""")
    con.execute(f'DELETE FROM "{name}" WHERE trial_id IN (SELECT trial_id FROM st_trial)')
    [(n,)] = con.execute(f"""
        INSERT INTO "{name}" ({select_list(table)})
        SELECT {", ".join(f'"{c}"' for c in table.column_names)} FROM (
            SELECT {keys}, {picks} FROM "{per_source.name}"
            WHERE trial_id IN (SELECT trial_id FROM st_trial) AND {_live("source_file", complete)}
              AND trial_id IN (SELECT trial_id FROM trial)
            GROUP BY ALL)""").fetchall()
    return n


def _live(column: str, complete: bool) -> str:
    """SQL: the file in `column` is a live source (in the folder now, or — for a run that named files — not removed)."""
    if complete:
        return f"{column} IN (SELECT file_path FROM present)"
    return f"{column} NOT IN (SELECT file_path FROM ingest_file WHERE status = 'REMOVED')"


def _merge_trial_fields(con: duckdb.DuckDBPyConnection, complete: bool) -> None:
    """Keep every source's values in trial_source, then set each scalar field of the trials stated by several
    present sources to the value of the newest source that states it (newest last_update_date, then path)."""
    cols = select_list(TRIAL_SOURCE)
    own = ", ".join(f'"{c}"' for c in TRIAL_SOURCE.column_names if c != "record_index")
    con.execute("DELETE FROM trial_source WHERE source_file IN (SELECT file_path FROM st__files)")
    con.execute(f"""
        INSERT INTO trial_source ({cols})
        SELECT {own}, CAST(regexp_extract({RECORD_COLUMN}, '#([0-9]+)$', 1) AS INTEGER) FROM st_trial
        WHERE {RECORD_COLUMN} NOT IN (SELECT _record FROM q)""")
    lineage = {"trial_id", "source_file", "source_layout", "source_sha256", "run_id", "record_index"}
    fields = [c for c in TRIAL_SOURCE.column_names if c not in lineage]
    picks = ",\n".join(
        f'first("{f}" ORDER BY last_update_date DESC NULLS LAST, source_file, record_index) '
        f'FILTER (WHERE "{f}" IS NOT NULL) AS "{f}"' for f in fields)
    assignments = ", ".join(f'"{f}" = m."{f}"' for f in fields)
    # A trial stated by one source already holds that source's values: only trials with several live sources merge.
    con.execute(f"""
        CREATE TEMP TABLE multi_source AS
        SELECT trial_id FROM trial_source
        WHERE {_live("source_file", complete)}
          AND trial_id IN (SELECT trial_id FROM st_trial WHERE {RECORD_COLUMN} NOT IN (SELECT _record FROM q))
        GROUP BY trial_id HAVING count(*) > 1""")
    con.execute(f"""
        UPDATE trial SET {assignments}
        FROM (SELECT trial_id, {picks} FROM trial_source
              WHERE {_live("source_file", complete)}
                AND trial_id IN (SELECT trial_id FROM multi_source)
              GROUP BY trial_id) AS m
        WHERE trial.trial_id = m.trial_id""")


def _learn_mesh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild what the warehouse learns from its registry records' MeSH mappings: the ID of each heading a record
    names without one (HEADING rows), the name → MeSH vocabulary, and LEARNED rows for trials with neither registry
    nor heading terms whose condition names match a learned name exactly (case and spacing aside; never a fuzzy
    guess); then the broader terms of both."""
    # a heading's ID: the one registry records give a term of that name (a name given two IDs is left unresolved)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE heading_id AS
        SELECT lower(term) AS term_key, min(mesh_id) AS mesh_id, min(term) AS term FROM (
            SELECT mesh_id, term FROM condition_mesh WHERE source = 'REGISTRY' AND relation = 'DIRECT'
            UNION ALL SELECT mesh_id, term FROM intervention_mesh WHERE source = 'REGISTRY' AND relation = 'DIRECT')
        WHERE term IS NOT NULL GROUP BY ALL HAVING count(DISTINCT mesh_id) = 1""")
    for table, applies_to in (("condition_mesh", "CONDITION"), ("intervention_mesh", "INTERVENTION")):
        con.execute(f"DELETE FROM {table} WHERE source = 'HEADING'")
        con.execute(f"""INSERT INTO {table} (trial_id, mesh_id, term, relation, source)
                        SELECT DISTINCT h.trial_id, d.mesh_id, d.term, 'DIRECT', 'HEADING'
                        FROM mesh_heading h JOIN heading_id d ON d.term_key = lower(h.term)
                        WHERE h.applies_to = '{applies_to}' AND h.trial_id NOT IN (SELECT trial_id FROM {table} WHERE source = 'REGISTRY')""")
    key = "lower(trim(regexp_replace({}, '\\s+', ' ', 'g')))"
    con.execute("DELETE FROM mesh_vocabulary")
    con.execute(f"""INSERT INTO mesh_vocabulary (name_key, mesh_id, term, trials)
                    SELECT {key.format('as_found')}, mesh_id, min(term), count(DISTINCT trial_id)
                    FROM mesh_leaf GROUP BY ALL""")
    con.execute("DELETE FROM condition_mesh WHERE source = 'LEARNED'")
    con.execute(f"""INSERT INTO condition_mesh (trial_id, mesh_id, term, relation, source)
                    SELECT DISTINCT c.trial_id, v.mesh_id, v.term, 'DIRECT', 'LEARNED'
                    FROM condition c JOIN mesh_vocabulary v ON v.name_key = {key.format('c.name')}
                    WHERE c.trial_id NOT IN (SELECT trial_id FROM condition_mesh
                                             WHERE source IN ('REGISTRY', 'HEADING'))""")
    # A learned or heading descriptor's broader terms: those of registry records whose only descriptor it is (CT.gov
    # derives a record's ancestors from its descriptors, so with one descriptor they are exactly its ancestors).
    for table in ("condition_mesh", "intervention_mesh"):
        con.execute(f"""
            INSERT INTO {table} (trial_id, mesh_id, term, relation, source)
            WITH single AS (
                SELECT trial_id, min(mesh_id) AS mesh_id FROM {table}
                WHERE relation = 'DIRECT' AND source = 'REGISTRY' GROUP BY trial_id HAVING count(*) = 1),
            ancestry AS (
                SELECT s.mesh_id, a.mesh_id AS ancestor_id, min(a.term) AS term
                FROM single s JOIN {table} a ON a.trial_id = s.trial_id
                WHERE a.relation = 'ANCESTOR' AND a.source = 'REGISTRY' GROUP BY ALL)
            SELECT DISTINCT l.trial_id, y.ancestor_id, y.term, 'ANCESTOR', l.source
            FROM {table} l JOIN ancestry y ON y.mesh_id = l.mesh_id
            WHERE l.source IN ('LEARNED', 'HEADING') AND l.relation = 'DIRECT'""")


def _mark_removed(con: duckdb.DuckDBPyConnection, run: RunRecord, now: datetime) -> tuple[int, int]:
    """Soft-delete the trials whose source file left the folder and mark those files REMOVED; how many files and
    trials."""
    trials = _number(con.execute("""UPDATE trial SET removed_at = ? WHERE removed_at IS NULL
                                    AND source_file NOT IN (SELECT file_path FROM present)""", [now]))
    gone = "status NOT IN ('REMOVED', 'REPLACED') AND file_path NOT IN (SELECT file_path FROM present)"
    removed = _number(con.execute(f"SELECT count(DISTINCT file_path) FROM ingest_file WHERE {gone}"))
    _retire(con, "REMOVED", gone, seen=(now, run.run_id))
    return removed, trials


def _retire(con: duckdb.DuckDBPyConnection, status: str, file_condition: str,
            seen: tuple[datetime, str] | None = None) -> None:
    """Mark the file contents that `file_condition` (on ingest_file) selects, and their records, `status` (REMOVED or
    REPLACED: no longer what the warehouse holds); `seen` = (time, run id) stamps the file rows as seen by this run."""
    con.execute(f"""UPDATE ingest_record SET status = ? WHERE (file_path, file_sha256) IN (
                        SELECT file_path, file_sha256 FROM ingest_file WHERE {file_condition})""", [status])
    stamp = ", last_seen_at = ?, run_id = ?" if seen else ""
    con.execute(f"UPDATE ingest_file SET status = ?{stamp} WHERE {file_condition}", [status, *(seen or ())])


def _number(result: duckdb.DuckDBPyConnection) -> int:
    """The number a statement returns: a count, or how many rows an UPDATE changed."""
    row = result.fetchone()
    return row[0] if row else 0


def _mark_dropped(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Soft-delete the trials whose winning file was read again and no longer states them (a trial taken out of a
    multi-record export), unless another record of this run won them; a file that could not be read as a whole, or
    one of whose records could not be read (that record may be the trial), says nothing, and keeps its trials. How
    many trials."""
    return _number(con.execute("""UPDATE trial SET removed_at = ? WHERE removed_at IS NULL
                   AND trial_id NOT IN (SELECT trial_id FROM winner)
                   AND source_file IN (SELECT file_path FROM st__files WHERE error IS NULL)
                   AND source_file NOT IN (SELECT file_path FROM st__records WHERE trial_id IS NULL)
                   AND (source_file, trial_id) NOT IN (
                       SELECT file_path, trial_id FROM st__records WHERE trial_id IS NOT NULL)""", [now]))


def _record_history(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """SCD type 2: close the current version and add a new one for every loaded trial whose tracked attributes
    changed (or that has no current version); close the versions of trials that were removed."""
    tracked = list(TRACKED_ATTRIBUTES)
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
                [run.started_at])
    cols = ", ".join(tracked)
    con.execute(f"""
        INSERT INTO trial_history (trial_id, version, valid_from, valid_to, is_current, {cols}, last_update_date,
                                   changed_attributes, source_file, source_sha256, run_id)
        SELECT trial_id, version, ?, NULL, true, {cols}, last_update_date, changed, source_file, source_sha256, ?
        FROM new_version""", [run.started_at, run.run_id])


def _record_lineage(con: duckdb.DuckDBPyConnection, run: RunRecord, now: datetime) -> None:
    """Upsert ingest_record and ingest_file rows for this run's files (and touch the unchanged ones)."""
    con.execute("""
        CREATE TEMP TABLE rec AS
        SELECT r.file_path, r.file_sha256, r.record_index, r.trial_id,
               CASE WHEN r.error IS NOT NULL OR q._record IS NOT NULL THEN 'QUARANTINED'
                    WHEN w._record IS NOT NULL THEN 'LOADED' ELSE 'SUPERSEDED' END AS status,
               coalesce(r.error, q.reason) AS error
        FROM st__records r LEFT JOIN q USING (_record) LEFT JOIN winner w USING (_record)""")
    # Older contents of a re-read path are kept for lineage, marked REPLACED.
    _retire(con, "REPLACED", """status NOT IN ('REMOVED', 'REPLACED') AND file_path IN (SELECT file_path FROM st__files)
                                AND (file_path, file_sha256) NOT IN (SELECT file_path, file_sha256 FROM st__files)""")
    con.execute("""DELETE FROM ingest_record WHERE (file_path, file_sha256) IN
                   (SELECT file_path, file_sha256 FROM st__files)""")
    con.execute("""INSERT INTO ingest_record (file_path, file_sha256, record_index, trial_id, status, error, run_id)
                   SELECT file_path, file_sha256, record_index,
                          CASE WHEN status = 'QUARANTINED' AND trial_id IS NULL THEN NULL ELSE trial_id END,
                          status, error, ? FROM rec""", [run.run_id])
    con.execute("""
        INSERT INTO ingest_file AS f (file_path, file_sha256, size_bytes, encoding, layout, status, trial_id,
                                      record_count, quarantined_records, error, run_id, first_seen_at, last_seen_at,
                                      stat_stamp)
        SELECT s.file_path, s.file_sha256, s.size_bytes, s.encoding, s.layout,
               CASE WHEN s.error IS NOT NULL OR coalesce(agg.ok, 0) = 0 THEN 'QUARANTINED'
                    WHEN agg.loaded > 0 THEN 'LOADED' ELSE 'SUPERSEDED' END,
               CASE WHEN s.error IS NULL THEN agg.first_trial END,
               coalesce(agg.n, 0), coalesce(agg.bad, 0),
               coalesce(s.error, agg.first_error), ?, ?, ?, s.stat_stamp
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
            last_seen_at = excluded.last_seen_at, stat_stamp = excluded.stat_stamp""", [run.run_id, now, now])
    _touch_unchanged(con, run, now)


def _touch_unchanged(con: duckdb.DuckDBPyConnection, run: RunRecord, now: datetime) -> None:
    """Mark the files of `st__unchanged` seen by this run, with their current stamps."""
    # A quarantined file stays QUARANTINED (with its reason) until its content changes.
    con.execute("""UPDATE ingest_file f SET last_seen_at = ?, run_id = ?, stat_stamp = u.stat_stamp,
                       status = CASE WHEN f.status = 'QUARANTINED' THEN f.status ELSE 'UNCHANGED' END
                   FROM st__unchanged u WHERE f.file_path = u.file_path AND f.file_sha256 = u.file_sha256""",
                [now, run.run_id])


def _run_row(con: duckdb.DuckDBPyConnection, run: RunRecord, written: dict[str, int], removed: int,
             trials_removed: int) -> dict:
    """The ingest_run row of a load that is about to commit."""
    counts = con.execute("""
        SELECT count(*) FILTER (WHERE status IN ('LOADED', 'SUPERSEDED')),
               count(*) FILTER (WHERE status = 'QUARANTINED')
        FROM ingest_file WHERE (file_path, file_sha256) IN (SELECT file_path, file_sha256 FROM st__files)""").fetchone()
    loaded, bad_files = counts if counts else (0, 0)
    bad_records = _number(con.execute("SELECT count(*) FROM ingest_record WHERE run_id = ? AND status = 'QUARANTINED'",
                                      [run.run_id]))
    return _ingest_run_row(run, written, loaded=loaded, bad_files=bad_files, bad_records=bad_records,
                           unchanged=_count(con, "st__unchanged"), removed=removed, trials_removed=trials_removed)


def _ingest_run_row(run: RunRecord, written: dict[str, int], *, loaded: int = 0, bad_files: int = 0,
                    bad_records: int = 0, unchanged: int = 0, removed: int = 0, trials_removed: int = 0) -> dict:
    """The ingest_run row of a run that is about to commit, from its counts."""
    return {"run_id": run.run_id, "started_at": run.started_at, "finished_at": datetime.now().replace(microsecond=0),
            "status": "COMPLETED" if bad_files == 0 and bad_records == 0 else "COMPLETED_WITH_QUARANTINE",
            "source_dir": run.source_dir, "files_seen": run.files_seen, "files_loaded": loaded,
            "files_quarantined": bad_files, "files_unchanged": unchanged, "files_removed": removed,
            "trials_removed": trials_removed,
            "records_quarantined": bad_records, "rows_written": json.dumps(written, sort_keys=True), "error": None}


def _insert_run_row(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    con.execute(f"INSERT INTO ingest_run ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                list(row.values()))


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll the open transaction back, if DuckDB still has one (a failed COMMIT has already ended it)."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return _number(con.execute(f'SELECT count(*) FROM "{relation}"'))
