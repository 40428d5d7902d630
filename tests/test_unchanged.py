"""The command line's check for a run with nothing to do: it hashes the known files only when nothing is new."""
from __future__ import annotations

import shutil

import pytest

import flows.plan
import flows.unchanged
from flows.settings import IngestConfig
from flows.summary import RunSummary
from flows.unchanged import record_run_if_unchanged
from tests.conftest import SAMPLES, load_folder
from warehouse.publish import publish


def _load_and_publish(tmp_path) -> tuple:
    """The bundled samples copied to a folder, loaded into a warehouse and published (without Prefect)."""
    source = tmp_path / "raw"
    shutil.copytree(SAMPLES, source)
    db = tmp_path / "trials.duckdb"
    load_folder(source, db, tmp_path / "staging")
    publish(db, tmp_path / "parquet")
    return source, IngestConfig(sources=[source], warehouse=db, parquet_dir=tmp_path / "parquet")


@pytest.fixture()
def loaded(tmp_path):
    """The bundled samples copied to a folder, loaded into a warehouse and published (without Prefect)."""
    return _load_and_publish(tmp_path)


@pytest.fixture()
def hashed(monkeypatch) -> list[str]:
    """The paths the check hashes."""
    seen: list[str] = []
    real = flows.plan.hash_file

    def counting(path):
        seen.append(str(path))
        return real(path)

    monkeypatch.setattr(flows.plan, "hash_file", counting)
    return seen


def test_nothing_new_is_recorded_as_a_run_after_hashing_every_file(loaded, hashed):
    source, config = loaded
    summary = record_run_if_unchanged(config)
    assert isinstance(summary, RunSummary) and summary.files_unchanged == 5
    assert len(hashed) == 5


def test_a_warehouse_whose_publish_was_cut_short_goes_to_the_flow_though_nothing_is_new(loaded, hashed):
    source, config = loaded
    (config.parquet_dir / "_published.json").unlink()  # the load committed, the publish did not finish
    assert record_run_if_unchanged(config) == 0  # a run with nothing to read: the flow publishes
    assert hashed == []


def test_a_new_file_is_seen_without_hashing_the_known_ones(loaded, hashed):
    source, config = loaded
    (source / "new.txt").write_text("Trial Title: a new trial\n", encoding="utf-8")
    assert record_run_if_unchanged(config) == 1
    assert hashed == []


def test_a_file_that_left_is_seen_without_hashing(loaded, hashed):
    source, config = loaded
    next(p for p in sorted(source.rglob("*")) if p.is_file()).unlink()
    assert record_run_if_unchanged(config) == 0
    assert hashed == []


def test_an_edited_file_is_found_by_its_hash_and_the_check_hashes_no_further(loaded, hashed):
    source, config = loaded
    edited = sorted(p for p in source.rglob("*") if p.is_file())[1]
    edited.write_bytes(edited.read_bytes() + b"\n")
    assert record_run_if_unchanged(config) == 1  # at least one file to read: the flow's plan says how many
    assert len(hashed) == 2 and hashed[-1] == str(edited)  # the files after it are the plan's to look at


def test_the_flows_plan_after_the_check_hashes_only_what_changed_since(loaded, hashed):
    source, config = loaded
    edited = sorted(p for p in source.rglob("*") if p.is_file())[1]
    edited.write_bytes(edited.read_bytes() + b"\n")
    assert record_run_if_unchanged(config) == 1 and len(hashed) == 2  # the check hashed the first two
    _, _, plan = flows.plan.plan_sources(config.sources, config.warehouse)
    assert sorted(hashed) == sorted({*hashed}) and len(hashed) == 5  # the plan hashed the other three
    assert [f.rel for f in plan.changed] == [edited.relative_to(source).as_posix()]
    edited.write_bytes(edited.read_bytes() + b"\n")  # edited again between two looks: hashed again
    _, _, plan = flows.plan.plan_sources(config.sources, config.warehouse)
    assert hashed[5:] == [str(edited)] and len(plan.changed) == 1


def test_a_stamp_is_kept_only_for_a_file_that_has_settled(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("x", encoding="utf-8")
    st = path.stat()
    changed_at = max(st.st_mtime_ns, st.st_ctime_ns)
    assert flows.plan.settled_stamp(st, changed_at + flows.plan.STAMP_SETTLE_NS // 2) is None
    stamp = flows.plan.settled_stamp(st, changed_at + flows.plan.STAMP_SETTLE_NS + 1)
    assert stamp == f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


@pytest.fixture()
def settled_at_once(monkeypatch) -> None:
    """Files count as settled as soon as they are written (the tests' files are seconds old at most)."""
    monkeypatch.setattr(flows.plan, "STAMP_SETTLE_NS", -10**12)


def test_files_with_the_stamps_the_warehouse_kept_are_not_read_again(settled_at_once, tmp_path, monkeypatch):
    source, config = _load_and_publish(tmp_path)  # the batches stamp what they read
    seen: list[str] = []
    real = flows.plan.hash_file
    monkeypatch.setattr(flows.plan, "hash_file", lambda path: seen.append(str(path)) or real(path))
    summary = record_run_if_unchanged(config)
    assert isinstance(summary, RunSummary) and summary.files_unchanged == 5 and seen == []
    edited = next(p for p in sorted(source.rglob("*")) if p.is_file())
    edited.write_bytes(edited.read_bytes() + b"\n")  # a new stamp: hashed, and found changed
    assert record_run_if_unchanged(config) == 1 and seen == [str(edited)]
    edited.write_bytes(edited.read_bytes()[:-1])  # back to the content the warehouse holds, under a new stamp
    summary = record_run_if_unchanged(config)
    assert isinstance(summary, RunSummary) and summary.files_unchanged == 5
    seen.clear()
    summary = record_run_if_unchanged(config)  # the run recorded the file's new stamp
    assert isinstance(summary, RunSummary) and seen == []


def test_a_file_changed_within_seconds_of_being_read_is_hashed_by_the_next_run(loaded, hashed):
    source, config = loaded  # written just now: no stamp was kept
    import duckdb

    con = duckdb.connect(str(config.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM ingest_file WHERE stat_stamp IS NOT NULL").fetchone()[0] == 0
    con.close()
    assert isinstance(record_run_if_unchanged(config), RunSummary) and len(hashed) == 5


def _lineage(db) -> dict[str, list]:
    """Everything a run records, but its own id and clock."""
    import duckdb

    from tests.conftest import star_contents

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {**star_contents(db),
                "ingest_file": con.execute("SELECT file_path, file_sha256, status, stat_stamp, trial_id, record_count, "
                                           "error FROM ingest_file ORDER BY ALL").fetchall(),
                "ingest_record": con.execute("SELECT * EXCLUDE (run_id) FROM ingest_record ORDER BY ALL").fetchall(),
                "ingest_run": con.execute("SELECT * EXCLUDE (run_id, started_at, finished_at) FROM ingest_run "
                                          "ORDER BY started_at").fetchall(),
                "trial_history": con.execute("SELECT * EXCLUDE (valid_from, valid_to) FROM trial_history "
                                             "ORDER BY ALL").fetchall()}
    finally:
        con.close()


def test_a_run_with_nothing_new_records_what_the_load_would(settled_at_once, tmp_path):
    source, config = _load_and_publish(tmp_path)
    (source / "unreadable.txt").write_text("neither a trial nor anything else\n", encoding="utf-8")
    load_folder(source, config.warehouse, tmp_path / "staging")  # one file quarantined, the others unchanged
    publish(config.warehouse, config.parquet_dir)
    twin = tmp_path / "twin.duckdb"
    shutil.copy(config.warehouse, twin)

    summary = record_run_if_unchanged(config)  # recorded without the load
    load_folder(source, twin, tmp_path / "staging")  # the same run through the whole load

    assert isinstance(summary, RunSummary) and summary.files_unchanged == 6
    assert _lineage(config.warehouse) == _lineage(twin)
    assert ("QUARANTINED",) in {row[2:3] for row in _lineage(twin)["ingest_file"]}


def test_a_run_with_nothing_new_removes_the_staging_of_a_killed_run(loaded):
    from warehouse.shards import open_staging

    source, config = loaded
    killed = config.staging_root / "killed-run"
    open_staging(killed, config.warehouse)  # a run of this warehouse that never ended
    (killed / "criterion").mkdir()
    assert isinstance(record_run_if_unchanged(config), RunSummary)
    assert not killed.exists()


def test_a_first_run_goes_to_the_flow_after_walking_to_the_first_file_only(tmp_path, monkeypatch):
    source = tmp_path / "raw"
    shutil.copytree(SAMPLES, source / "nested")
    config = IngestConfig(sources=[source], warehouse=tmp_path / "trials.duckdb", parquet_dir=tmp_path / "parquet")
    monkeypatch.setattr(flows.unchanged, "list_sources", lambda _: pytest.fail("the flow lists them, not the check"))
    assert record_run_if_unchanged(config) == 1
    (empty := tmp_path / "empty").mkdir()
    (empty / ".hidden").write_text("x")
    assert record_run_if_unchanged(IngestConfig(sources=[empty], warehouse=config.warehouse,
                                                parquet_dir=config.parquet_dir)) == 0
