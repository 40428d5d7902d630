"""The `trialhouse` command line: exit codes and one-line messages."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_missing_source_exits_2_and_says_why(tmp_path):
    done = _run("ingest", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "not a file or folder" in done.stderr and str(tmp_path / "missing") in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_a_warehouse_folder_that_cannot_be_created_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = _run("ingest", str(ROOT / "data" / "samples"), "--warehouse", str(blocker / "sub" / "w.duckdb"))
    assert done.returncode == 2
    assert "cannot use warehouse folder" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_layouts_names_those_read_in_parts_when_large():
    done = _run("layouts")
    in_parts = {line.split()[1] for line in done.stdout.splitlines() if "read in parts when large" in line}
    assert done.returncode == 0 and in_parts == {"ictrp_xml", "ictrp_csv", "ctgov_csv_export", "ctgov_json"}


def test_usage_errors_keep_their_exit_code():
    done = _run("no-such-command")
    assert done.returncode == 2
    assert "No such command" in done.stderr


def test_a_stage_under_way_is_named_on_a_terminal_and_nowhere_else(capfd, monkeypatch):
    import time

    from flows.ingest import showing

    monkeypatch.setenv("TTY_INTERACTIVE", "1")  # rich: draw live displays as on a terminal
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    with showing("loading the warehouse (one transaction)", True):
        time.sleep(0.2)
    assert "loading the warehouse (one transaction)" in capfd.readouterr().err
    with showing("loading the warehouse (one transaction)", False):
        pass
    assert capfd.readouterr().err == ""


def test_measures_prints_what_a_criterion_allows():
    done = _run("measures", "--json", "--exclusion", "ANC < 1.5 x 10^9/L", "Known HIV infection")
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["kind"] == "EXCLUSION" and second["measures"] == []
    (anc,) = first["measures"]
    assert (anc["variable"], anc["lower_value"], anc["lower_inclusive"], anc["upper_value"], anc["unit"]) == \
        ("anc", 1.5, True, None, "10^9/L")
    table = _run("measures", "Age 18-75 years", "Known HIV infection")
    assert "[18, 75] years" in table.stdout and "no range read" in table.stdout
