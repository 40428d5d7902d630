"""One trial across registries, at load time: records of this run and trials already in the warehouse that share a
registry identifier become one trial (the rule is `transforms.identity.resolve`), and their rows follow.

Only records and trials that share a registry key with another trial are fed to the rule: a run whose trials name
nobody else's identifiers costs one SQL query.
"""
from __future__ import annotations

import duckdb

from expectations.gate import GateResult
from schemas.derive import RECORD_COLUMN
from schemas.lineage import STAGED_RECORD
from schemas.tables import ALL_TABLES, STAGED_TABLES, TRIAL_HISTORY, Table
from transforms.identity import resolve
from warehouse.store import temp_table

WAREHOUSE_RECORD = "trial:"  # prefix of the key a warehouse trial gets as a record of the rule


def resolve_identities(con: duckdb.DuckDBPyConnection, verdict: GateResult) -> tuple[int, int]:
    """Fill temp tables `remap` (this run's records whose trial becomes another) and `renamed` (warehouse trials
    that join another id); count the conflicts as warnings. Returns (records remapped, trials renamed)."""
    rows = con.execute(f"""
        WITH run AS (
            SELECT r.{RECORD_COLUMN} AS rec, r.trial_id, i.identifier, i.id_type, i.match_key
            FROM raw_trial r LEFT JOIN raw_trial_identifier i USING ({RECORD_COLUMN})
            WHERE r.{RECORD_COLUMN} NOT IN (SELECT _record FROM q)),
        wh AS (
            SELECT '{WAREHOUSE_RECORD}' || trial_id AS rec, trial_id, identifier, id_type, match_key
            FROM trial_identifier WHERE trial_id IN (
                SELECT trial_id FROM trial_identifier WHERE match_key IN (SELECT match_key FROM run))),
        everyone AS (SELECT * FROM run UNION ALL SELECT * FROM wh),
        shared AS (SELECT match_key FROM everyone WHERE match_key IS NOT NULL
                   GROUP BY match_key HAVING count(DISTINCT trial_id) > 1),
        involved AS (SELECT DISTINCT trial_id FROM everyone WHERE match_key IN (SELECT match_key FROM shared))
        SELECT rec, trial_id, identifier, id_type FROM everyone
        WHERE trial_id IN (SELECT trial_id FROM involved) ORDER BY ALL""").fetchall()
    records: dict[str, tuple[str, list[str], list[str]]] = {}
    for rec, trial_id, identifier, id_type in rows:
        _, own, named = records.setdefault(rec, (trial_id, [], []))
        if identifier is not None and id_type != "OTHER":
            (own if id_type == "PRIMARY" else named).append(identifier)
    identity = resolve((rec, own, named) for rec, (_, own, named) in records.items())
    if identity.warnings:
        verdict.warnings["an identifier named by two different trials' records (not merged)"] += \
            len(identity.warnings)
    moved = {rec: new for rec, new in identity.trial_of.items() if new and new != records[rec][0]}
    remap = {rec: (records[rec][0], new) for rec, new in moved.items() if not rec.startswith(WAREHOUSE_RECORD)}
    renamed = {records[rec][0]: new for rec, new in moved.items() if rec.startswith(WAREHOUSE_RECORD)}
    temp_table(con, "remap", {RECORD_COLUMN: list(remap), "old_id": [o for o, _ in remap.values()],
                              "new_id": [n for _, n in remap.values()]})
    temp_table(con, "renamed", {"old_id": list(renamed), "new_id": list(renamed.values())})
    return len(remap), len(renamed)


def _moving(table: Table) -> list[str]:
    """The columns of a table that follow a trial to its new id: `trial_id` and the keys built from it."""
    return [c.name for c in table.columns if c.name == "trial_id" or c.scoped]


def _followed(column: str, alias: str, old: str, new: str) -> str:
    """SQL: the value of `column` (of the table aliased `alias`, or "" for none) once its row's trial moves from `old`
    to `new` (SQL expressions): the new id, or a key built from the old id rebuilt from the new one."""
    if column == "trial_id":
        return new
    value = f'{alias}"{column}"'
    return f"CASE WHEN starts_with({value}, {old} || ':') THEN {new} || substr({value}, length({old}) + 1) " \
           f"ELSE {value} END"


def remapped_views(con: duckdb.DuckDBPyConnection, remapping: bool) -> None:
    """The `st_<table>` views the load reads: the raw shards, with a moved record's trial id (and the keys built
    from it) replaced when any record moves."""
    for table in (*STAGED_TABLES, STAGED_RECORD):
        moving = _moving(table)
        if not remapping or not moving:
            con.execute(f'CREATE TEMP VIEW "st_{table.name}" AS SELECT * FROM "raw_{table.name}"')
            continue
        replaced = ", ".join(f'coalesce({_followed(c, "r.", "m.old_id", "m.new_id")}, r."{c}") AS "{c}"'
                             for c in moving)
        con.execute(f"""CREATE TEMP VIEW "st_{table.name}" AS
                        SELECT r.* REPLACE ({replaced}) FROM "raw_{table.name}" r
                        LEFT JOIN remap m USING ({RECORD_COLUMN})""")


def rename_trials(con: duckdb.DuckDBPyConnection) -> None:
    """Move warehouse trials that joined another trial id to that id. Lineage and source rows always move; a
    trial's own rows move when the target id holds none yet, else they give way to the target's (the load then
    merges the sources' fields and rebuilds the union tables)."""
    pairs = con.execute("SELECT old_id, new_id FROM renamed").fetchall()
    for old, new in pairs:
        target_exists = bool(con.execute("SELECT 1 FROM trial WHERE trial_id = ?", [new]).fetchall())
        for table in ALL_TABLES:
            if "trial_id" not in table.column_names:
                continue
            if target_exists and (table in STAGED_TABLES or table is TRIAL_HISTORY):
                if table is not TRIAL_HISTORY:  # the older id's history stays under its own id
                    con.execute(f'DELETE FROM "{table.name}" WHERE trial_id = ?', [old])
                continue
            _move_rows(con, table, old, new)


def _move_rows(con: duckdb.DuckDBPyConnection, table: Table, old: str, new: str) -> None:
    sets = ", ".join(f'"{c}" = {_followed(c, "", "$old", "$new")}' for c in _moving(table))
    con.execute(f'UPDATE "{table.name}" SET {sets} WHERE trial_id = $old', {"old": old, "new": new})
