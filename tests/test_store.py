"""Warehouse adapter: staged Parquet → DuckDB in one transaction, winners per trial, lineage, rollback."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.batch import STAGED_SCHEMAS
from schemas.derive import arrow_schema
from schemas.lineage import STAGED_PRESENT, STAGED_QUARANTINE, STAGED_UNCHANGED
from transforms.pipeline import FileOutcome, lineage_tables
from transforms.record import Criterion, MeshHeading, MeshLeaf, MeshTerm, ParsedTrial
from transforms.shape import SourceRecord, shape_batch
from warehouse.load import LoadOutOfMemory, LoadRequest, load_run
from warehouse.publish import publish_parquet, snapshot_warehouse
from warehouse.shards import ShardTables, ShardWriter, write_plan_table
from warehouse.store import RunRecord


def _stage(staging: Path, trials: list[tuple[str, ParsedTrial]], present: list[str] | None = None,
           quarantine: dict[str, str] | None = None) -> Path:
    """Stage trials as one batch's shards, with the plan's tables, as a run would."""
    recs = [SourceRecord(t, path, f"{n:064x}", 0, "run") for n, (path, t) in enumerate(trials)]
    outcomes = [FileOutcome(r.file_path, r.file_sha256, 10, "utf-8", r.trial.layout,
                            records=[(0, r.trial.nct_id, None)]) for r in recs]
    writer = ShardWriter(staging, 0, STAGED_SCHEMAS)
    quarantine = quarantine or {}
    writer.write({**shape_batch(recs), **lineage_tables(outcomes), STAGED_QUARANTINE.name: pa.table(
        {"_record": list(quarantine), "reason": list(quarantine.values())},
        schema=STAGED_SCHEMAS[STAGED_QUARANTINE.name])})
    writer.close()
    write_plan_table(staging, STAGED_UNCHANGED.name, STAGED_SCHEMAS[STAGED_UNCHANGED.name].empty_table())
    names = present if present is not None else [p for p, _ in trials]
    write_plan_table(staging, STAGED_PRESENT.name, pa.table({"file_path": names},
                                                            schema=arrow_schema(STAGED_PRESENT)))
    return staging


def _load(db: Path, staging: Path, run: RunRecord, memory_limit: str = "1GB") -> dict:
    return load_run(db, LoadRequest(run, staging, True, memory_limit)).row


def _run(n: int, files: int) -> RunRecord:
    return RunRecord(f"run-{n}", datetime(2026, 1, n), "src", files)


def _trial(nct: str, title: str, updated: date | None = None, phase: str | None = "PHASE2") -> ParsedTrial:
    return ParsedTrial(layout="ctgov_json", nct_id=nct, title=title, phase=phase, last_update_date=updated,
                       criteria=[Criterion("INCLUSION", "Adults")])


def _snapshot(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL").fetchall() if t == "trial"
                else con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("trial", "criterion", "condition")}
    finally:
        con.close()


def test_load_picks_newest_source_per_trial_and_records_lineage(tmp_path):
    db, staging = tmp_path / "w.duckdb", tmp_path / "staging"
    _stage(staging, [("a.json", _trial("NCT00000001", "old", date(2020, 1, 1))),
                     ("b.json", _trial("NCT00000001", "new", date(2021, 1, 1))),
                     ("c.json", _trial("NCT00000002", "other"))])
    row = _load(db, staging, _run(1, 3))
    assert row["status"] == "COMPLETED" and row["files_loaded"] == 3
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT trial_id, title, source_file FROM trial ORDER BY 1").fetchall() == [
        ("NCT00000001", "new", "b.json"), ("NCT00000002", "other", "c.json")]
    assert dict(con.execute("SELECT file_path, status FROM ingest_file").fetchall()) == {
        "a.json": "SUPERSEDED", "b.json": "LOADED", "c.json": "LOADED"}
    assert con.execute("SELECT count(*) FROM criterion").fetchone()[0] == 2


def test_reload_of_same_staging_is_idempotent(tmp_path):
    db = tmp_path / "w.duckdb"
    for n in (1, 2):
        staging = tmp_path / f"staging{n}"
        _stage(staging, [("a.json", _trial("NCT00000001", "t"))])
        _load(db, staging, _run(n, 1))
        if n == 1:
            first = _snapshot(db)
    assert _snapshot(db) == first


def test_failed_load_leaves_the_warehouse_as_it_was(tmp_path):
    db = tmp_path / "w.duckdb"
    _stage(tmp_path / "s1", [("a.json", _trial("NCT00000001", "good"))])
    _load(db, tmp_path / "s1", _run(1, 1))
    before = _snapshot(db)
    # A value the gate would have refused reaches the load: DuckDB's CHECK constraint aborts the transaction.
    _stage(tmp_path / "s2", [("a.json", _trial("NCT00000001", "changed", phase="PHASE9")),
                             ("b.json", _trial("NCT00000002", "new"))])
    with pytest.raises(duckdb.ConstraintException):
        _load(db, tmp_path / "s2", _run(2, 2))
    assert _snapshot(db) == before


def test_a_load_beyond_the_memory_cap_fails_clearly_and_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    _stage(tmp_path / "s1", [("a.json", _trial("NCT00000001", "good"))])
    _load(db, tmp_path / "s1", _run(1, 1))
    before = _snapshot(db)
    trials = [(f"f{i}.json", ParsedTrial(layout="ctgov_json", nct_id=f"NCT{i:08d}", title="t" * 200,
                                         criteria=[Criterion("INCLUSION", f"criterion {k} " * 20) for k in range(20)]))
              for i in range(2, 3000)]
    _stage(tmp_path / "s2", trials, present=["a.json"] + [p for p, _ in trials])
    with pytest.raises(LoadOutOfMemory, match="TRIALHOUSE_DUCKDB_MEMORY"):
        _load(db, tmp_path / "s2", _run(2, 3000), memory_limit="2MB")
    assert _snapshot(db) == before


def test_quarantined_records_do_not_load_and_removed_files_soft_delete(tmp_path):
    db = tmp_path / "w.duckdb"
    _stage(tmp_path / "s1", [("a.json", _trial("NCT00000001", "a")), ("b.json", _trial("NCT00000002", "b"))],
           quarantine={"b.json#0": "failed expectation: x"})
    row = _load(db, tmp_path / "s1", _run(1, 2))
    assert row["files_quarantined"] == 1 and row["status"] == "COMPLETED_WITH_QUARANTINE"
    _stage(tmp_path / "s2", [])
    row = _load(db, tmp_path / "s2", _run(2, 0))
    assert row["files_removed"] == 2 and row["trials_removed"] == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT trial_id, removed_at IS NOT NULL FROM trial").fetchall() == [("NCT00000001", True)]
    assert con.execute("SELECT DISTINCT status FROM ingest_record").fetchall() == [("REMOVED",)]


def test_publish_writes_one_parquet_per_table(tmp_path):
    db = tmp_path / "w.duckdb"
    _stage(tmp_path / "s", [("a.json", _trial("NCT00000001", "a"))])
    _load(db, tmp_path / "s", _run(1, 1))
    out = publish_parquet(db, tmp_path / "parquet")
    assert pq.read_table(out["trial"]).num_rows == 1
    assert not list((tmp_path / "parquet").rglob("*.tmp"))


def test_published_parquet_holds_exactly_each_tables_rows_after_an_update(tmp_path):
    """Publishing writes tables in storage order (an update appends its trial's new rows): every row, no other."""
    from schemas.tables import ALL_TABLES

    db = tmp_path / "w.duckdb"
    first = _trial("NCT00000001", "a", updated=date(2020, 1, 1))
    first.criteria = [Criterion("INCLUSION", "Adults"), Criterion("EXCLUSION", "Pregnancy")]
    _stage(tmp_path / "s1", [("a.json", first), ("b.json", _trial("NCT00000002", "b"))])
    _load(db, tmp_path / "s1", _run(1, 2))
    edited = _trial("NCT00000001", "a, edited", updated=date(2021, 1, 1))
    edited.criteria = [Criterion("INCLUSION", "Adults aged 18 or over")]
    _stage(tmp_path / "s2", [("a.json", edited)], present=["a.json", "b.json"])
    _load(db, tmp_path / "s2", _run(2, 2))
    out = publish_parquet(db, tmp_path / "parquet")
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ALL_TABLES:
            stored = con.execute(f'SELECT * FROM "{table.name}" ORDER BY ALL').fetchall()
            published = con.execute(f"SELECT * FROM read_parquet('{out[table.name]}') ORDER BY ALL").fetchall()
            assert published == stored, table.name
        criteria = con.execute(f"SELECT text FROM read_parquet('{out['criterion']}') ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert ("Pregnancy",) not in criteria and ("Adults aged 18 or over",) in criteria


def test_each_field_comes_from_the_newest_source_that_states_it(tmp_path):
    db = tmp_path / "w.duckdb"
    old = ParsedTrial(layout="ctgov_xml", nct_id="NCT00000001", title="Old title", phase="PHASE2", enrollment=10,
                      last_update_date=date(2020, 1, 1))
    new = ParsedTrial(layout="aggregator_page", nct_id="NCT00000001", title="New title", phase=None, enrollment=None,
                      last_update_date=date(2022, 1, 1), criteria=[Criterion("INCLUSION", "Adults")])
    _stage(tmp_path / "s1", [("old.xml", old)])
    _load(db, tmp_path / "s1", _run(1, 1))
    _stage(tmp_path / "s2", [("new.txt", new)], present=["old.xml", "new.txt"])
    _load(db, tmp_path / "s2", _run(2, 2))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT title, phase, enrollment, source_file FROM trial").fetchall() == [
        ("New title", "PHASE2", 10, "new.txt")]
    assert con.execute("SELECT count(*) FROM trial_source").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM criterion").fetchone()[0] == 1  # lists come from the newest source


def test_snapshot_of_a_warehouse_left_with_a_write_ahead_log_holds_its_rows(tmp_path):
    # A writer killed before its checkpoint leaves rows only in <file>.wal: the snapshot must fold them in first.
    import shutil

    live = tmp_path / "live.duckdb"
    writer = duckdb.connect(str(live), config={"checkpoint_threshold": "1GB"})
    writer.execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)")
    crashed = tmp_path / "crashed.duckdb"
    shutil.copyfile(live, crashed)
    shutil.copyfile(f"{live}.wal", f"{crashed}.wal")
    writer.close()
    snapshot = snapshot_warehouse(crashed)
    assert not Path(f"{crashed}.wal").exists()
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (1000,)


def test_identifiers_and_countries_are_the_union_of_the_live_sources(tmp_path):
    from transforms.record import CountryListing, Identifier, Site

    db = tmp_path / "w.duckdb"
    a = ParsedTrial(layout="ctgov_json", nct_id="NCT00000001", title="a", last_update_date=date(2020, 1, 1),
                    identifiers=[Identifier("NCT00000001", "PRIMARY", "CTGOV"), Identifier("ABC-1", "OTHER")],
                    sites=[Site("Clinic", "Paris", country="France")])
    b = ParsedTrial(layout="ictrp_xml", nct_id="NCT00000001", title="b", last_update_date=date(2021, 1, 1),
                    identifiers=[Identifier("EUCTR2020-000001-11-DE", "PRIMARY", "EUCTR"),
                                 Identifier("NCT00000001", "REGISTRY", "CTGOV")],
                    countries=[CountryListing("Germany"), CountryListing("France")])
    _stage(tmp_path / "s1", [("a.json", a), ("b.xml", b)])
    _load(db, tmp_path / "s1", _run(1, 2))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT identifier, registry, id_type FROM trial_identifier ORDER BY 1").fetchall() == [
        ("ABC-1", None, "OTHER"), ("EUCTR2020-000001-11-DE", "EUCTR", "PRIMARY"), ("NCT00000001", "CTGOV", "PRIMARY")]
    assert con.execute("SELECT country_code, source FROM trial_country ORDER BY 1").fetchall() == [
        ("DE", "REGISTRY"), ("FR", "SITE")]
    con.close()
    _stage(tmp_path / "s2", [], present=["a.json"])  # b.xml left the folder
    _load(db, tmp_path / "s2", _run(2, 1))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM trial_identifier").fetchone() == (3,)  # a removed source keeps history
    con.close()


def _asthma_registry_record(**mesh) -> ParsedTrial:
    """A registry record (NCT00000001) mapping its condition Asthma to MeSH D001249 and its one ancestor."""
    return ParsedTrial(layout="ctgov_json", nct_id="NCT00000001", title="a", conditions=["Asthma"],
                       condition_mesh=[MeshTerm("D001249", "Asthma", "DIRECT"),
                                       MeshTerm("D012140", "Respiratory Tract Diseases", "ANCESTOR")], **mesh)


def test_text_only_trials_learn_mesh_terms_and_their_ancestors_from_registry_records(tmp_path):
    registry = _asthma_registry_record(mesh_leaves=[MeshLeaf("Asthma", "D001249", "Asthma")])
    text_only = ParsedTrial(layout="ctgov_page_copy", nct_id="NCT00000002", title="b", conditions=["  ASTHMA "],
                            )
    fuzzy = ParsedTrial(layout="ctgov_page_copy", nct_id="NCT00000003", title="c", conditions=["Asthmatic cough"])
    _stage(tmp_path / "s", [("a.json", registry), ("b.txt", text_only), ("c.txt", fuzzy)])
    _load(tmp_path / "w.duckdb", tmp_path / "s", _run(1, 3))
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rows = con.execute("SELECT trial_id, mesh_id, relation, source FROM condition_mesh ORDER BY ALL").fetchall()
    assert rows == [("NCT00000001", "D001249", "DIRECT", "REGISTRY"), ("NCT00000001", "D012140", "ANCESTOR", "REGISTRY"),
                    ("NCT00000002", "D001249", "DIRECT", "LEARNED"), ("NCT00000002", "D012140", "ANCESTOR", "LEARNED")]
    assert con.execute("SELECT area_code FROM mart_trials_by_therapeutic_area WHERE trial_count > 0 "
                       "GROUP BY ALL ORDER BY ALL").fetchall() == [("C08",), ("UNCLASSIFIED",)]


def test_headings_named_without_ids_take_the_ids_registry_records_give_them(tmp_path):
    registry = _asthma_registry_record(intervention_mesh=[MeshTerm("D000068759", "Omalizumab", "DIRECT")])
    legacy = ParsedTrial(layout="ctgov_xml", nct_id="NCT00000002", title="b", conditions=["Severe asthma"],
                         mesh_headings=[MeshHeading("CONDITION", "Asthma"), MeshHeading("CONDITION", "Status Asthmaticus"),
                                        MeshHeading("INTERVENTION", "omalizumab")])
    both = ParsedTrial(layout="ctgov_xml", nct_id="NCT00000003", title="c",
                       mesh_headings=[MeshHeading("CONDITION", "Asthma")],
                       condition_mesh=[MeshTerm("D001249", "Asthma", "DIRECT")])
    _stage(tmp_path / "s", [("a.json", registry), ("b.xml", legacy), ("c.xml", both)])
    _load(tmp_path / "w.duckdb", tmp_path / "s", _run(1, 3))
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rows = [con.execute(f"SELECT trial_id, mesh_id, relation, source FROM {t} WHERE trial_id <> 'NCT00000001' "
                        "ORDER BY ALL").fetchall() for t in ("condition_mesh", "intervention_mesh")]
    # `Status Asthmaticus` is a heading no registry record names: it stays unresolved (no guess)
    assert rows == [[("NCT00000002", "D001249", "DIRECT", "HEADING"), ("NCT00000002", "D012140", "ANCESTOR", "HEADING"),
                     ("NCT00000003", "D001249", "DIRECT", "REGISTRY")],
                    [("NCT00000002", "D000068759", "DIRECT", "HEADING")]]
    assert con.execute("SELECT count(*) FROM mesh_heading").fetchone() == (4,)


def test_shard_tables_read_each_table_when_asked_with_only_its_columns(tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(pa.table({"x": [1, 2], "y": ["p", "q"], "z": [0.5, 1.5]}), a)
    tables = ShardTables({"a": a, "b": b}, {"a": {"y", "x", "missing"}})
    assert sorted(tables) == ["a", "b"] and len(tables) == 2 and "b" in tables
    assert tables["a"].column_names == ["x", "y"]  # a column the shard lacks is skipped
    with pytest.raises(FileNotFoundError):
        tables["b"]  # not read before it is asked for
