"""Crash safety and concurrency: a run killed mid-load leaves the last good state; a second writer is refused."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import ROOT, SAMPLES
from warehouse.lock import WarehouseBusy, writer_lock


def _state(db: Path) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("trial", "criterion", "ingest_file", "ingest_run")]
    finally:
        con.close()


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


@pytest.mark.flow
def test_sigkill_during_load_keeps_last_good_state_and_next_run_completes(tmp_path):
    src, db = tmp_path / "src", tmp_path / "w.duckdb"
    src.mkdir()
    shutil.copy(SAMPLES / "003_04f502fd2d1a9b0e.txt", src)
    args = ("ingest", str(src), "--warehouse", str(db), "--parquet-dir", str(tmp_path / "p"))
    first = _cli(*args)
    assert first.wait(timeout=180) == 0, first.stdout.read()
    good = _state(db)

    for seed in SAMPLES.iterdir():
        shutil.copy(seed, src)
    marker = tmp_path / "in-load"
    victim = subprocess.Popen([sys.executable, "-m", "tests.crash_load", str(src), str(db), str(tmp_path / "staging"),
                               str(marker)], cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert victim.poll() is None, victim.stdout.read()
        assert time.monotonic() < deadline, "the run never reached the load step"
        time.sleep(0.2)
    os.killpg(victim.pid, signal.SIGKILL)  # as a crash would
    victim.wait(timeout=30)

    assert _state(db) == good, "a killed load changed the warehouse"
    again = _cli(*args)
    out = again.communicate(timeout=180)[0]
    assert again.returncode == 0, out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM trial").fetchone()[0] == 5


def _json_replicas(shared: Path, target: Path, n: int) -> None:
    """n CT.gov JSON files, each a distinct trial: the dev corpus's studies with new NCT IDs."""
    import re

    studies = sorted((shared / "corpus" / "dev" / "raw" / "ctgov_json").iterdir())
    target.mkdir()
    for i in range(n):
        text = re.sub(r"NCT\d{8}", f"NCT9{i:07d}", studies[i % len(studies)].read_text(encoding="utf-8"))
        (target / f"{i:05d}.json").write_text(text, encoding="utf-8")


@pytest.mark.flow
def test_sigterm_stops_the_batches_records_the_run_and_leaves_no_process_behind(tmp_path, shared_dir):
    import psutil

    src, db, parquet = tmp_path / "src", tmp_path / "w.duckdb", tmp_path / "p"
    _json_replicas(shared_dir, src, 3_000)
    run = _cli("ingest", str(src), "--warehouse", str(db), "--parquet-dir", str(parquet), "--workers", "2")
    deadline = time.monotonic() + 180
    while not list(parquet.glob("_staging/*/trial/batch-*.parquet")):  # the batches are under way
        assert run.poll() is None, run.stdout.read()
        assert time.monotonic() < deadline, "the batches never started"
        time.sleep(0.1)
    started = psutil.Process(run.pid).children(recursive=True)  # the Prefect API, the worker server, its workers
    assert len(started) >= 3
    run.send_signal(signal.SIGTERM)  # as a scheduler's timeout or `kill` does: to the command alone
    out = run.communicate(timeout=60)[0]

    assert run.returncode == 143, out
    assert "terminated (SIGTERM)" in out and "Traceback" not in out
    _gone, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, f"left running: {[p.cmdline()[:4] for p in alive]}"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT status, error FROM ingest_run").fetchall() == [("FAILED", "terminated by SIGTERM")]
    assert con.execute("SELECT count(*) FROM trial").fetchone()[0] == 0
    assert not list(parquet.glob("_staging/*"))  # the run's shards went with it


@pytest.mark.flow
def test_a_run_cancelled_in_prefect_is_recorded_as_cancelled(tmp_path, shared_dir, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.settings import PREFECT_API_URL
    from prefect.states import Cancelling

    src, db, parquet = tmp_path / "src", tmp_path / "w.duckdb", tmp_path / "p"
    _json_replicas(shared_dir, src, 3_000)
    run = subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", str(src), "--warehouse", str(db),
                            "--parquet-dir", str(parquet), "--workers", "2"], cwd=ROOT, text=True,
                           env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()},  # a long-lived API's
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while not list(parquet.glob("_staging/*/trial/batch-*.parquet")):  # the batches are under way
        assert run.poll() is None, run.stdout.read() if run.stdout else ""
        assert time.monotonic() < deadline, "the batches never started"
        time.sleep(0.1)
    # what Prefect does to cancel a flow run (its UI's button, `prefect flow-run cancel`, a served run's runner):
    # the run's state becomes CANCELLING, then its process gets SIGTERM
    with get_client(sync_client=True) as client:
        [flow_run] = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING]))))
        client.set_flow_run_state(flow_run.id, Cancelling(), force=True)
    run.send_signal(signal.SIGTERM)
    out = run.communicate(timeout=60)[0]

    assert run.returncode == 143, out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT status, error FROM ingest_run").fetchall() == [
        ("FAILED", "cancelled in Prefect (from its UI, its API or `prefect flow-run cancel`)")]
    assert con.execute("SELECT count(*) FROM trial").fetchone()[0] == 0


@pytest.mark.flow
def test_what_the_command_started_ends_with_it_even_when_it_is_killed(tmp_path, shared_dir, monkeypatch):
    import psutil

    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # the command starts its own API
    src, parquet = tmp_path / "src", tmp_path / "p"
    _json_replicas(shared_dir, src, 3_000)
    run = subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", str(src), "--warehouse",
                            str(tmp_path / "w.duckdb"), "--parquet-dir", str(parquet), "--workers", "2"], cwd=ROOT,
                           start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while not list(parquet.glob("_staging/*/trial/batch-*.parquet")):  # the batches are under way
        assert run.poll() is None and time.monotonic() < deadline, "the batches never started"
        time.sleep(0.1)
    started = psutil.Process(run.pid).children(recursive=True)  # the Prefect API, the worker server, its workers
    assert len(started) >= 4
    run.kill()  # the command alone, as the OOM killer or `kill -9` would
    run.wait(timeout=30)
    _gone, alive = psutil.wait_procs(started, timeout=30)
    assert not alive, f"outlived the command: {[' '.join(p.cmdline())[:80] for p in alive]}"


def test_second_writer_is_refused_at_once(tmp_path):
    db = tmp_path / "w.duckdb"
    with writer_lock(db):
        with pytest.raises(WarehouseBusy, match="being written"):
            with writer_lock(db):
                pass
        result = CliRunner().invoke(app, ["ingest", str(SAMPLES), "--warehouse", str(db),
                                          "--parquet-dir", str(tmp_path / "p")])
    assert result.exit_code == 2
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "refused" in said and "being written" in said
    with writer_lock(db):  # released again
        pass


def test_a_killed_runs_staging_is_removed_by_the_next_run_and_other_warehouses_staging_kept(tmp_path):
    from warehouse.shards import OWNER_FILE, open_staging

    root, db, other = tmp_path / "_staging", tmp_path / "w.duckdb", tmp_path / "other.duckdb"
    killed, busy, staging = root / "20261203T000000Z-dead", root / "20261203T000000Z-busy", root / "20261203T000001Z-next"
    open_staging(killed, db)  # a run of this warehouse that never ended
    (killed / "trial").mkdir()
    (killed / "trial" / "batch-000000.parquet").write_bytes(b"shard")
    open_staging(busy, other)  # another warehouse's run, maybe under way
    unmarked = root / "something-else"
    unmarked.mkdir()

    abandoned = open_staging(staging, db)
    assert abandoned == 1 and not killed.exists()
    assert busy.exists() and unmarked.exists()
    assert (staging / OWNER_FILE).read_text(encoding="utf-8") == str(db.resolve())
