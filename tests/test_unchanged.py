"""The command line's check for a run with nothing to do: it hashes the known files only when nothing is new."""
from __future__ import annotations

import shutil

import pytest

import flows.plan
from flows.settings import IngestConfig
from flows.summary import RunSummary
from flows.unchanged import record_run_if_unchanged
from tests.conftest import SAMPLES, load_folder


@pytest.fixture()
def loaded(tmp_path):
    """The bundled samples copied to a folder and loaded into a warehouse (without Prefect)."""
    source = tmp_path / "raw"
    shutil.copytree(SAMPLES, source)
    db = tmp_path / "trials.duckdb"
    load_folder(source, db, tmp_path / "staging")
    return source, IngestConfig(sources=[source], warehouse=db, parquet_dir=tmp_path / "parquet")


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


def test_an_edited_file_is_found_by_its_hash(loaded, hashed):
    source, config = loaded
    edited = next(p for p in sorted(source.rglob("*")) if p.is_file())
    edited.write_bytes(edited.read_bytes() + b"\n")
    assert record_run_if_unchanged(config) == 1
    assert len(hashed) == 5


def test_the_flows_plan_after_the_check_hashes_only_what_changed_since(loaded, hashed):
    source, config = loaded
    edited = next(p for p in sorted(source.rglob("*")) if p.is_file())
    edited.write_bytes(edited.read_bytes() + b"\n")
    assert record_run_if_unchanged(config) == 1  # the check hashed all five
    _, _, plan = flows.plan.plan_sources(config.sources, config.warehouse)
    assert len(hashed) == 5 and [f.rel for f in plan.changed] == [edited.relative_to(source).as_posix()]
    edited.write_bytes(edited.read_bytes() + b"\n")  # edited again between two looks: hashed again
    _, _, plan = flows.plan.plan_sources(config.sources, config.warehouse)
    assert hashed[5:] == [str(edited)] and len(plan.changed) == 1
