"""Where a run's batches execute: the Prefect task runner chosen from the configuration."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.runtime import prepare_worker_process

PROCESS_RUN_MIN_FILES = 2_000  # fewer files are read faster by one process than worker processes start


def choose_runner(runner: str, n_files: int, workers: int | None) -> str:
    """`auto` fans out on processes when there are cores to use and enough files to pay for starting them."""
    if runner != "auto":
        return runner
    cores = workers or os.cpu_count() or 1
    return "processes" if cores > 1 and n_files >= PROCESS_RUN_MIN_FILES else "sequential"


def worker_count(runner: str, workers: int | None) -> int:
    """How many batches run at once on this runner."""
    return 1 if runner == "sequential" else workers or os.cpu_count() or 1


def make_task_runner(runner: str, workers: int | None, dask_address: str | None) -> TaskRunner:
    """The Prefect task runner for `runner`: one thread, threads, processes, or Dask (an existing or a local cluster)."""
    if runner == "sequential":
        return ThreadPoolTaskRunner(max_workers=1)
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "processes":
        return ProcessPoolTaskRunner(max_workers=workers or os.cpu_count(), initializer=prepare_worker_process)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: expected sequential, threads, processes or dask")


@contextmanager
def api_shared_with_workers(runner: str, dask_address: str | None) -> Iterator[None]:
    """Point local worker processes at this run's Prefect API (`PREFECT_API_URL`): without it each worker process
    would start a temporary API server of its own (measured: 15 s and ≈ 230 MB per worker)."""
    if runner not in ("processes", "dask") or dask_address or os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect import get_client

    os.environ["PREFECT_API_URL"] = str(get_client().api_url)
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
