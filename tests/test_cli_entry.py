"""The `trialhouse` entry point ends the process itself: exit codes and messages must survive that."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_failed_ingest_exits_1_and_says_why(tmp_path):
    done = _run("ingest", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert done.returncode == 1
    assert "does not exist or is not a folder" in done.stderr
    assert "Error logging to API" not in done.stderr  # Prefect's last logs went out before its API stopped
    assert not (tmp_path / "w.duckdb").exists()


def test_usage_errors_keep_their_exit_code():
    done = _run("no-such-command")
    assert done.returncode == 2
    assert "No such command" in done.stderr
