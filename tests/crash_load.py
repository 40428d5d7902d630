"""Stage a folder as a run would and hold its load just before COMMIT, to be killed there (the crash test).

Usage: python -m tests.crash_load SOURCE_DIR WAREHOUSE STAGING MARKER — writes MARKER once the load's transaction is
fully written but not committed, then sleeps until killed.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

from flows.batch import run_batch
from flows.plan import batch_specs, list_sources, split_unchanged, stage_plan
from warehouse.load import LoadRequest, load_run
from warehouse.store import RunRecord, known_files


def main(source: Path, warehouse: Path, staging: Path, marker: Path) -> None:
    """Plan, run every batch in this process, then load with a hook that announces itself and waits."""
    listing = list_sources([source])
    known = known_files(warehouse)
    plan = stage_plan(split_unchanged(listing, known), known, staging, len(listing.files))
    for spec in batch_specs(plan.files_to_read, Path(plan.manifest), staging, "crash", 100, 10**8):
        run_batch(spec)

    def hold() -> None:
        marker.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(120)

    run = RunRecord("crash", datetime.now(), str(source), plan.files_seen)
    load_run(warehouse, LoadRequest(run, staging, plan.complete), before_commit=hold)


if __name__ == "__main__":
    main(*map(Path, sys.argv[1:5]))
