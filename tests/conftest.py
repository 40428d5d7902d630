"""Shared fixtures: paths to the shared corpus and one Prefect test harness per session."""
from __future__ import annotations

import os
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
