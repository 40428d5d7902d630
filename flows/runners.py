"""Where a run's batches compute: an executor chosen from the configuration.

Prefect orchestrates: every batch is a Prefect task run in the flow's process (state, timing, logs). The work
itself goes to an executor with the `concurrent.futures` interface — one thread, threads, worker processes, or a
Dask cluster — whose workers run the plain batch function and know nothing of Prefect: they need no Prefect API,
and do not import it.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from flows.runtime import prepare_worker_process

if TYPE_CHECKING:
    from flows.plan import BatchSpec

T = TypeVar("T")

# What a worker process needs, imported once by the process it is forked from (the forkserver) rather than by each
# worker: Great Expectations alone takes ≈ 3 s to import, the transform (its compiled patterns) ≈ 1 s. The last one
# freezes what the others imported (see flows.runtime).
WORKER_MODULES = ["flows.batch", "transforms.pipeline", "great_expectations", "flows.worker_server"]
# A worker process is replaced after this many batches: what batches leave behind in a process (caches, allocator
# arenas) grew the two workers from 787 to 942 MiB between 20k and 100k JSON files; replaced every 4 batches, 891 at
# 100k, and a new worker is a fork of the server that already imported everything.
BATCHES_PER_PROCESS = 4


def _process_context() -> multiprocessing.context.BaseContext:
    """Worker processes forked from a clean server process that has imported `WORKER_MODULES` (never a copy of the
    flow's process and its threads)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    return context


def start_worker_server() -> None:
    """Start the server worker processes are forked from now, so that its imports overlap what the caller does
    next (the Prefect API's start-up, for the CLI); the process pool would start it on first use otherwise."""
    _process_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()


def end_with_parent() -> None:
    """End this process (a SIGTERM to itself) once the process that started it has ended, however it ended: the
    worker server of a command that was killed, a worker of a server that ended. Otherwise they outlive the command
    for good, each holding a worker's memory (a worker waits on a queue it holds both ends of)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _start_worker_process() -> None:
    """Prepare a new worker process. It ignores Ctrl-C, which the terminal sends to the command's whole process
    group: the command stops the batches itself (`flows.batch.request_stop`), so that no worker dies mid-write."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()
    prepare_worker_process()


class WorkerDied(RuntimeError):
    """A worker process ended before its batch did; the message says which batch and the usual causes."""

    def __init__(self, batch_no: int, files: int):
        super().__init__(
            f"a worker process died while it read batch {batch_no} ({files:,} files): it was killed (by a signal, or "
            "out of memory? try --batch-size smaller or --workers fewer), or a Python script that runs the flow "
            "lacks an `if __name__ == \"__main__\":` guard (each worker process runs the starting script again)")


def run_on(executor: Any, fn: Callable[[BatchSpec], T], spec: BatchSpec) -> T:
    """`fn(spec)` on the executor, waited for; a worker process that dies raises WorkerDied for `spec`'s batch."""
    try:
        return executor.submit(fn, spec).result()
    except BrokenProcessPool as exc:
        raise WorkerDied(spec.batch_no, spec.files) from exc


def choose_runner(runner: str, workers: int | None) -> str:
    """`auto` computes on worker processes whenever there are cores to use, however few the files: their server
    imports the transform and GX on another core while the command starts Prefect's API and imports the flow, where
    a run in the flow's process would do all of it one after the other (a pool starts no process before its first
    batch, so a run with nothing to read pays nothing for it)."""
    if runner != "auto":
        return runner
    return "processes" if (workers or os.cpu_count() or 1) > 1 else "sequential"


def worker_count(runner: str, workers: int | None) -> int:
    """How many batches run at once on this runner (for an existing Dask cluster: a guess, its size is not asked)."""
    return 1 if runner == "sequential" else workers or os.cpu_count() or 1


def local_runner(runner: str) -> str:
    """The runner that does the same work on this machine: what writes files beside the warehouse (Data Docs) runs
    there, never on a Dask cluster's workers, whose folders may be another machine's."""
    return "processes" if runner == "dask" else runner


class _DaskExecutor:
    """A Dask cluster behind the `submit(fn, *args) -> future with .result()` interface of concurrent.futures."""

    def __init__(self, client: Any):
        self.client = client

    def submit(self, fn: Any, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)


@contextmanager
def open_executor(runner: str, workers: int | None, dask_address: str | None) -> Iterator[Executor | _DaskExecutor]:
    """The executor for `runner` (sequential, threads, processes or dask), shut down when the block ends."""
    if runner in ("sequential", "threads"):
        with ThreadPoolExecutor(max_workers=worker_count(runner, workers), thread_name_prefix="batch") as pool:
            yield pool
    elif runner == "processes":
        with ProcessPoolExecutor(max_workers=worker_count(runner, workers), initializer=_start_worker_process,
                                 mp_context=_process_context(), max_tasks_per_child=BATCHES_PER_PROCESS) as pool:
            yield pool
    elif runner == "dask":
        from distributed import Client, LocalCluster

        if dask_address:
            with Client(dask_address) as client:
                yield _DaskExecutor(client)
        else:
            with LocalCluster(n_workers=worker_count(runner, workers), threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                client.run(prepare_worker_process)
                yield _DaskExecutor(client)
    else:
        raise ValueError(f"unknown runner {runner!r}: expected sequential, threads, processes or dask")
