"""Scale-out: the parse stage on other Prefect task runners gives the same warehouse as the inline run."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from flows.ingest import (
    MAX_BATCH_FILES,
    MIN_BATCH_FILES,
    PROCESS_RUN_MIN_FILES,
    choose_runner,
    files_per_task,
    ingest,
    plan_batches,
)
from tests.conftest import ROOT, SAMPLES, star_contents

pytestmark = pytest.mark.flow


def test_auto_runner_uses_processes_only_when_it_pays():
    assert choose_runner("auto", 1) == "sequential"
    assert choose_runner("auto", PROCESS_RUN_MIN_FILES - 1) == "sequential"
    assert choose_runner("auto", 50_000) == ("processes" if (os.cpu_count() or 1) > 1 else "sequential")
    assert choose_runner("dask", 1) == "dask"


def test_the_last_two_rounds_of_a_long_run_are_half_size_batches():
    files = list(range(10_000))
    batches = plan_batches(files, 500, 2)  # type: ignore[arg-type]
    assert [len(b) for b in batches] == [500] * 16 + [250] * 8
    assert [f for b in batches for f in b] == files  # every file once, in order
    assert [len(b) for b in plan_batches(files[:4_000], 500, 2)] == [500] * 8  # four rounds or fewer: no tail


def test_tasks_are_sized_by_the_run_between_the_bounds():
    assert files_per_task(4_000, 2) == MIN_BATCH_FILES  # 250 per task would pay Prefect's per-task cost too often
    assert files_per_task(10_000, 2) == 625  # eight tasks per worker
    assert files_per_task(20_000, 2) == 1_250
    assert files_per_task(560_000, 2) == MAX_BATCH_FILES  # bounded: memory and progress stay fine-grained
    assert files_per_task(10_000, 0) == 1_250  # no worker count: treated as one


def test_threads_give_the_same_warehouse_as_the_inline_run(prefect_harness, tmp_path):
    inline = ingest(source_dir=SAMPLES, warehouse=tmp_path / "a.duckdb", parquet_dir=tmp_path / "pa", batch_size=1,
                    runner="sequential")
    fanned = ingest(source_dir=SAMPLES, warehouse=tmp_path / "b.duckdb", parquet_dir=tmp_path / "pb", batch_size=1,
                    runner="threads", workers=2)
    assert inline.files_loaded == fanned.files_loaded == 5
    assert star_contents(tmp_path / "a.duckdb") == star_contents(tmp_path / "b.duckdb")


@pytest.mark.parametrize("runner", ["processes", "dask"])
def test_process_runners_give_the_same_warehouse_as_the_inline_run(prefect_harness, tmp_path, runner):
    # These runs go through the CLI in a fresh interpreter, as users start them: spawned workers (process pool,
    # Dask LocalCluster) re-import the parent's __main__, which inside pytest may be another test's script.
    ingest(source_dir=SAMPLES, warehouse=tmp_path / "a.duckdb", parquet_dir=tmp_path / "pa", batch_size=1,
           runner="sequential")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "ingest", str(SAMPLES), "--warehouse",
                           str(tmp_path / "b.duckdb"), "--parquet-dir", str(tmp_path / "pb"), "--batch-size", "1",
                           "--runner", runner, "--workers", "2"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert star_contents(tmp_path / "a.duckdb") == star_contents(tmp_path / "b.duckdb")
