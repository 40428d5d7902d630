"""The command line's own Prefect API: it outlives the run's last log lines."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

from flows.runtime import RUN_LOGGERS, EarlyApi


class _RecordingHandler(logging.Handler):
    """Notes whether it was flushed while the server process was still alive."""

    def __init__(self, api: EarlyApi) -> None:
        super().__init__()
        self.process = api.process
        self.flushed_while_alive: bool | None = None

    def emit(self, record: logging.LogRecord) -> None:  # pragma: no cover - nothing is logged here
        pass

    def flush(self) -> None:
        assert self.process is not None
        self.flushed_while_alive = self.process.poll() is None


def test_stop_flushes_run_logs_before_the_server_stops() -> None:
    api = EarlyApi()
    api.process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    handlers = {name: _RecordingHandler(api) for name in RUN_LOGGERS}
    for name, handler in handlers.items():
        logging.getLogger(name).addHandler(handler)
    try:
        api.stop()
    finally:
        for name, handler in handlers.items():
            logging.getLogger(name).removeHandler(handler)
    assert all(h.flushed_while_alive for h in handlers.values())
    assert api.process is None


def test_the_runs_api_server_is_out_of_reach_of_the_terminals_ctrl_c(monkeypatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("TRIALHOUSE_START_API_EARLY", raising=False)
    api = EarlyApi().start()
    try:
        assert api.process is not None
        assert os.getpgid(api.process.pid) != os.getpgid(0)  # a Ctrl-C reaches the command's process group only
    finally:
        api.stop()


def test_runs_against_the_commands_own_api_send_no_heartbeats() -> None:
    from prefect.settings import get_current_settings

    default = get_current_settings().flows.heartbeat_frequency
    with EarlyApi().run_settings():  # no server of its own: an API someone else runs keeps Prefect's heartbeats
        assert get_current_settings().flows.heartbeat_frequency == default
    api = EarlyApi()
    api.process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with api.run_settings():
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency == default
    finally:
        api.stop()
