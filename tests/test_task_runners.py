"""Scale-out: the parse stage on other Prefect task runners gives the same warehouse as the inline run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.plan import MAX_BATCH_FILES, MIN_BATCH_FILES, SourceFile, cut_batches, files_per_batch, write_manifest
from flows.runners import WorkerDied, choose_runner, local_runner, run_on
from tests.conftest import ROOT, SAMPLES, run_ingest, star_contents

pytestmark = pytest.mark.flow


def test_auto_runner_uses_processes_when_there_are_cores():
    many = "processes" if (os.cpu_count() or 1) > 1 else "sequential"
    assert choose_runner("auto", None) == many  # the workers' imports overlap the API's start: pays at any size
    assert choose_runner("auto", 2) == "processes"
    assert choose_runner("auto", 1) == "sequential"  # one worker: nothing to fan out to
    assert choose_runner("dask", None) == "dask"


def _die(_spec) -> None:
    os._exit(1)  # a worker killed mid-batch (the kernel's OOM killer, or a script re-run without a main guard)


def test_a_worker_that_dies_names_its_batch_and_the_usual_causes(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    [spec] = cut_batches(_manifest_of(12, tmp_path), tmp_path, "run", 500, 10**8)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        with pytest.raises(WorkerDied, match=r"batch 0 \(12 files\).*out of memory.*__name__ == \"__main__\""):
            run_on(pool, _die, spec)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        assert run_on(pool, str, spec) == str(spec)  # a batch that ends comes back as it is


def test_what_writes_beside_the_warehouse_runs_on_this_machine():
    assert [local_runner(r) for r in ("sequential", "threads", "processes", "dask")] == \
        ["sequential", "threads", "processes", "processes"]


def _manifest_of(n_files: int, staging: Path) -> Path:
    return write_manifest([SourceFile(f"/src/{i:06d}.json", f"{i:06d}.json") for i in range(n_files)], {}, staging)[0]


def test_batches_cover_the_manifest_once_each_taking_every_nth_file_into_a_manifest_of_its_own(tmp_path):
    import pyarrow.parquet as pq

    specs = cut_batches(_manifest_of(10_001, tmp_path), tmp_path, "run", 1_000, 100)
    rows = {s.batch_no: pq.read_table(s.manifest).column("rel").to_pylist() for s in specs}
    assert sorted(r for batch in rows.values() for r in batch) == [f"{i:06d}.json" for i in range(10_001)]
    assert len(specs) == 11 and len({s.manifest for s in specs}) == 11  # a worker reads its batch's rows only
    assert rows[1][:3] == ["000001.json", "000012.json", "000023.json"]  # every 11th: a mix of layouts (by path)
    assert {s.files for s in specs} == {910, 909} and all(s.files == len(rows[s.batch_no]) for s in specs)
    assert [s.keep_results for s in specs[:2]] == [True, False]  # Data Docs show every table of the first batch


def test_batches_are_sized_by_the_run_between_the_bounds():
    assert files_per_batch(1_000, 2, None) == MIN_BATCH_FILES  # smaller batches would pay the gate's fixed cost
    assert files_per_batch(8_000, 2, None) == 4_000  # one batch per worker
    assert files_per_batch(20_000, 2, None) == MAX_BATCH_FILES  # a worker's memory does not grow with the run
    assert files_per_batch(560_000, 2, None) == MAX_BATCH_FILES  # bounded: progress stays fine-grained
    assert files_per_batch(560_000, 2, 700) == 700  # as configured


def test_threads_give_the_same_warehouse_as_the_inline_run(prefect_harness, tmp_path):
    inline = run_ingest(SAMPLES, tmp_path / "a.duckdb", tmp_path / "pa", batch_size=1, runner="sequential")
    fanned = run_ingest(SAMPLES, tmp_path / "b.duckdb", tmp_path / "pb", batch_size=1, runner="threads", workers=2)
    assert inline.files_loaded == fanned.files_loaded == 5
    assert star_contents(tmp_path / "a.duckdb") == star_contents(tmp_path / "b.duckdb")


@pytest.mark.parametrize("runner", ["processes", "dask"])
def test_process_runners_give_the_same_warehouse_as_the_inline_run(prefect_harness, tmp_path, runner):
    # These runs go through the CLI in a fresh interpreter, as users start them: spawned workers (process pool,
    # Dask LocalCluster) re-import the parent's __main__, which inside pytest may be another test's script.
    run_ingest(SAMPLES, tmp_path / "a.duckdb", tmp_path / "pa", batch_size=1, runner="sequential")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "ingest", str(SAMPLES), "--warehouse",
                           str(tmp_path / "b.duckdb"), "--parquet-dir", str(tmp_path / "pb"), "--batch-size", "1",
                           "--runner", runner, "--workers", "2"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert star_contents(tmp_path / "a.duckdb") == star_contents(tmp_path / "b.duckdb")
    assert len(list((tmp_path / "data_docs").glob("*/index.html"))) == 2  # both runs' reports, beside the warehouse


def test_workers_share_the_worker_servers_imports_frozen():
    # in a fresh interpreter, as the command runs it: a forked worker re-imports its parent's __main__, and pytest's
    # may be another test's script by now
    code = ("import gc\nfrom flows.runners import open_executor\nif __name__ == '__main__':\n"
            "    with open_executor('processes', 1, None) as pool:\n        print(pool.submit(gc.get_freeze_count).result())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert int(out) > 10_000  # GX, pandas and the transform at least


def test_a_worker_process_is_replaced_after_its_share_of_batches():
    # what batches leave in a process (caches, allocator arenas) must not grow with the run: a new fork takes over
    code = ("import os\nfrom flows.runners import BATCHES_PER_PROCESS, open_executor\nif __name__ == '__main__':\n"
            "    with open_executor('processes', 1, None) as pool:\n"
            "        print(len({pool.submit(os.getpid).result() for _ in range(2 * BATCHES_PER_PROCESS + 1)}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert int(out) == 3


def test_workers_find_the_conversions_and_the_gate_built_by_their_server():
    # built once in the server, not by each worker on its first batch (≈ 0.4 CPU-s a worker)
    probe = ("__import__('transforms.measures.convert', fromlist=['_'])._conversion.cache_info().currsize, "
             "__import__('flows.batch', fromlist=['_']).process_gate.cache_info().currsize")
    code = ("from flows.runners import open_executor\nif __name__ == '__main__':\n"
            "    with open_executor('processes', 1, None) as pool:\n"
            f"        print(*pool.submit(eval, {probe!r}).result())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    conversions, gates = map(int, out.split())
    assert conversions > 100 and gates == 1


def test_the_gc_switch_leaves_imports_unfrozen():
    code = "import gc; from flows.runtime import freeze_imports; freeze_imports(); print(gc.get_freeze_count())"
    counts = [int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 env={**os.environ, "TRIALHOUSE_TUNE_GC": tune}).stdout) for tune in ("1", "0")]
    assert counts[0] > 0 and counts[1] == 0


def test_a_batch_ends_at_its_next_chunk_once_the_run_asks_it_to_stop(tmp_path):
    from flows.batch import BatchStopped, request_stop, run_batch
    from flows.plan import list_sources, split_unchanged, stage_plan

    plan = split_unchanged(list_sources([SAMPLES]), {})
    staged = stage_plan(plan, {}, tmp_path / "staging", len(plan.changed))
    [spec] = cut_batches(Path(staged.manifest), tmp_path / "staging", "run", 500, 10**8)
    assert run_batch(spec).files == len(plan.changed)  # goes to its end when nobody asks
    request_stop(tmp_path / "staging")
    with pytest.raises(BatchStopped, match="batch 0 stopped early"):
        run_batch(spec)


def test_exports_too_small_to_cut_are_shared_among_the_workers() -> None:
    mib = 1024 * 1024
    assert files_per_batch(12, 2, None, 92 * mib, 16 * mib) == 6  # 12 exports of 7.7 MiB: a batch per worker
    assert files_per_batch(12, 2, None, 1_000 * mib, 16 * mib) == 2  # as many batches as their bytes need
    assert files_per_batch(5, 2, None, 200_000, 16 * mib) == 5  # the demo: one batch
    assert files_per_batch(20_000, 2, None, 454 * mib, 16 * mib) == MAX_BATCH_FILES  # 20,000 JSON studies: as before
    assert files_per_batch(12, 2, None, 92 * mib) == 12  # no part size given: by count alone, one batch


def test_a_batch_transforms_its_files_in_chunks_of_bounded_count_and_bytes():
    from flows.batch import chunks

    entries = [{"size_bytes": size, "part": None} for size in (10, 10, 30, 5, None, 50, 1)]
    assert [[e["size_bytes"] for e in chunk] for chunk in chunks(entries, 3, 40)] == \
        [[10, 10], [30, 5, None], [50], [1]]
    part = {"size_bytes": 20, "part": {"number": 0}}  # a part of a 20-byte file: a chunk of its own, whatever its size
    assert [[e["size_bytes"] for e in chunk] for chunk in chunks([entries[0], part, part, entries[1]], 3, 40)] == \
        [[10], [20], [20], [10]]
