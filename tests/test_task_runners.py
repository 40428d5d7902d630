"""Scale-out: the parse stage on other Prefect task runners gives the same warehouse as the inline run."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from flows.ingest import choose_runner, ingest
from tests.conftest import SAMPLES

pytestmark = pytest.mark.flow
STAR = ("trial", "condition", "arm", "intervention", "arm_intervention", "criterion", "criterion_measure", "outcome",
        "site")


def _contents(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL" if t == "trial"
                               else f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in STAR}
    finally:
        con.close()


def test_auto_runner_uses_processes_only_when_it_pays():
    assert choose_runner("auto", 1) == "sequential"
    assert choose_runner("auto", 100) == ("processes" if (os.cpu_count() or 1) > 1 else "sequential")
    assert choose_runner("dask", 1) == "dask"


@pytest.mark.parametrize("runner", ["dask", "threads"])
def test_runner_gives_the_same_warehouse_as_the_inline_run(prefect_harness, tmp_path, runner):
    inline = ingest(source_dir=SAMPLES, warehouse=tmp_path / "a.duckdb", parquet_dir=tmp_path / "pa", batch_size=1,
                    runner="sequential")
    fanned = ingest(source_dir=SAMPLES, warehouse=tmp_path / "b.duckdb", parquet_dir=tmp_path / "pb", batch_size=1,
                    runner=runner, workers=2)
    assert inline.files_loaded == fanned.files_loaded == 5
    assert _contents(tmp_path / "a.duckdb") == _contents(tmp_path / "b.duckdb")
