"""Run-time tuning that is measured to pay for itself, in one place, each with a switch to turn it off.

- Garbage collection in worker processes: parsing allocates millions of short-lived objects and few reference
  cycles; collecting the young generation every 20,000 net allocations instead of every 700 makes the transform
  ≈ 10% faster (measured on 4,000 files). `TRIALHOUSE_TUNE_GC=0` keeps Python's defaults.
- The objects the worker server imported are frozen before it forks workers (`freeze_imports`): a worker's
  collections skip them, and it does not copy the memory pages that hold them by touching their GC headers —
  Python's own advice for a process that forks without exec (see `gc.freeze`). Also off with `TRIALHOUSE_TUNE_GC=0`.
- The Prefect API of a command-line run, started early (`EarlyApi`, below); its flow runs send no heartbeats.
"""
from __future__ import annotations

import gc
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import AbstractContextManager, nullcontext

WORKER_GC_THRESHOLDS = (20_000, 20, 20)


def _gc_tuned() -> bool:
    """Whether the garbage-collection tuning is on (`TRIALHOUSE_TUNE_GC=0` turns it off)."""
    return os.environ.get("TRIALHOUSE_TUNE_GC", "1") != "0"


def freeze_imports() -> None:
    """Move every object this process holds now out of the garbage collector's reach (run where workers fork from)."""
    if _gc_tuned():
        gc.freeze()


def prepare_worker_process() -> None:
    """Run once in each worker process before its first batch."""
    if _gc_tuned():
        gc.set_threshold(*WORKER_GC_THRESHOLDS)


# ---------------------------------------------------------------- the Prefect API of a command-line run
#
# With no API configured, Prefect starts a temporary server when the flow starts: ≈ 3 s before the first task, with
# a core idle. Started here through Prefect's own command (`prefect server start`) and public setting
# (`PREFECT_API_URL`) as soon as the CLI knows there is work, it boots while the CLI imports the flow and the worker
# server imports the workers' modules: measured ≈ 3 s less wall per run (≈ 10% of a 20,000-file run).
# `TRIALHOUSE_START_API_EARLY=0` leaves it to Prefect.

API_START_TIMEOUT_S = 90
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs", "prefect.extra")  # where Prefect sends logs to its API


def launch_prefect_server(port: int, *options: str) -> subprocess.Popen:
    """`prefect server start` on 127.0.0.1:`port` in a child process that ends with this one (`flows.api_server`;
    does not wait for it to answer)."""
    # In a session of its own: a Ctrl-C in the terminal interrupts the command, which then reports the run's end
    # to the server and stops it; the server must not die first under the run's feet. Its stdin is a pipe this
    # process holds open, so that the server also stops when this process is killed.
    return subprocess.Popen([sys.executable, "-m", "flows.api_server", "--host", "127.0.0.1", "--port", str(port),
                             *options], start_new_session=True,
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def api_answers(url: str, server: subprocess.Popen, timeout_s: float) -> bool:
    """Wait until the API at `url` answers its health check; False if the server exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


class EarlyApi:
    """A Prefect server for this command's run, in a child process stopped when the command ends."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> EarlyApi:
        """Launch `prefect server start` on a free local port and point this process at it (does not wait)."""
        if os.environ.get("PREFECT_API_URL") or os.environ.get("TRIALHOUSE_START_API_EARLY", "1") == "0":
            return self
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = launch_prefect_server(port, "--no-ui", "--analytics-off", "--no-scheduler", "--no-late-runs")
        self.url = f"http://127.0.0.1:{port}/api"
        os.environ["PREFECT_API_URL"] = self.url
        return self

    def wait_ready(self) -> None:
        """Return once the API answers; if it cannot start, leave the run to Prefect's own temporary server."""
        if self.process is not None and not api_answers(self.url, self.process, API_START_TIMEOUT_S):
            self.stop()

    def run_settings(self) -> AbstractContextManager:
        """Prefect settings for a flow run against this API: no heartbeats. They let a long-lived server find runs
        that crashed; this one stops with the command, and the flow's end waits up to 1 s for the heartbeat
        thread's sleep (measured 0.6–0.9 s of idle cores per run)."""
        if self.process is None:
            return nullcontext()
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})

    def stop(self) -> None:
        """Send the run's last log lines, then stop the server (idempotent) and forget its URL."""
        process, self.process = self.process, None
        if process is not None:
            # Prefect ships run logs to the API in background batches; a batch still queued when the server stops
            # is retried against a closed port for a minute before the process can exit.
            for name in RUN_LOGGERS:
                for handler in logging.getLogger(name).handlers:
                    handler.flush()
        if os.environ.get("PREFECT_API_URL") == self.url:
            os.environ.pop("PREFECT_API_URL")
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
