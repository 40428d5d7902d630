"""Shared fixtures: paths to the shared corpus and one Prefect test harness per session."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "data" / "samples"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Streamlit's AppTest installs the app as `__main__` and leaves it there; a worker process started afterwards
    would run it (multiprocessing runs the parent's main module in each new child)."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session", autouse=True)
def _prefect_logs_to_the_sessions_stderr():
    """Prefect sets up its console log handler once per process, on whatever stderr is then: left to the first flow
    run, inside a CliRunner call, it would write to that call's stream, closed once the call returns ("Logging
    error" in a later test's output)."""
    from prefect.logging.configuration import setup_logging

    setup_logging()


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API for the session's flow runs (≈ 8 s once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout (CI provides it); tests that need it skip loudly without it."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not found: tests that score against the shared corpus need it beside the repo")
    return SHARED


def star_contents(db: Path) -> dict[str, list]:
    """Every row of every star table, sorted (trial without its run_id): equal contents ⇔ equal warehouses."""
    import duckdb

    from schemas.tables import STAR_TABLES

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t.name: con.execute(f'SELECT * EXCLUDE (run_id) FROM "{t.name}" ORDER BY ALL' if t.name == "trial"
                                    else f'SELECT * FROM "{t.name}" ORDER BY ALL').fetchall() for t in STAR_TABLES}
    finally:
        con.close()


def run_ingest(source, warehouse: Path, parquet_dir: Path, **options):
    """Run the real `ingest` flow on a folder (or a list of files) with the given IngestConfig options."""
    from flows.ingest import ingest
    from flows.settings import IngestConfig

    sources = list(source) if isinstance(source, list | tuple) else [source]
    return ingest(IngestConfig(sources=sources, warehouse=warehouse, parquet_dir=parquet_dir, **options))


def load_folder(source: Path, warehouse: Path, staging: Path, files: list[str] | None = None, before_commit=None,
                part_bytes: int | None = None):
    """Plan, run every batch in this process and load, as the flow does but without Prefect (adapter tests);
    `files` limits the run to those names of the folder (a run that names files); `before_commit` is the load's
    test hook; `part_bytes` cuts larger files of many records in parts."""
    from datetime import datetime

    from flows.batch import run_batch
    from flows.plan import cut_batches, plan_sources, stage_plan
    from flows.summary import new_run_id
    from warehouse.load import LoadRequest, load_run
    from warehouse.store import RunRecord

    run_id = new_run_id()
    staging = staging / run_id
    listing, known, split = plan_sources([source / f for f in files] if files else [source], warehouse)
    plan = stage_plan(split, known, staging, len(listing.files), part_bytes)
    for spec in cut_batches(Path(plan.manifest), staging, run_id, 1000, 10**8):
        run_batch(spec)
    return load_run(warehouse, LoadRequest(RunRecord(run_id, datetime.now(), str(source), plan.files_seen), staging,
                                           plan.complete), before_commit)
