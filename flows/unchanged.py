"""The run with nothing to do: every file's content is already in the warehouse and none left the folder.

It is decided from the warehouse's hashes alone and recorded as a run in `ingest_run` by the same load as any
other run (with no shards), without starting Prefect, workers or the validation gate: what a scheduled no-change
run costs is listing and hashing the files.
"""
from __future__ import annotations

import shutil
import time
from datetime import datetime

from flows.plan import list_sources, split_unchanged, stage_plan
from flows.settings import IngestConfig
from flows.summary import RunSummary, new_run_id
from warehouse.load import LoadRequest, load_run
from warehouse.lock import writer_lock
from warehouse.publish import is_published
from warehouse.shards import open_staging
from warehouse.store import RunRecord, known_files


def record_run_if_unchanged(config: IngestConfig) -> RunSummary | int:
    """Record the run and return its summary when the sources hold nothing new; else about how many files the run
    will read (new files are seen without hashing anything; an edited file is found by hashing the known files,
    and the flow's plan then hashes again only those that moved since)."""
    if config.full_refresh or not config.warehouse.exists():
        return len(list_sources(config.sources).files)
    clock = time.perf_counter()
    with writer_lock(config.warehouse):
        listing = list_sources(config.sources)
        known, stamps = known_files(config.warehouse)
        new = sum(f.rel not in known or f.refused is not None for f in listing.files)
        if new:
            return new
        if listing.leaves_out(known) or not is_published(config.warehouse, config.parquet_dir):
            return 0  # files to mark removed, or Parquet files and snapshot to publish again: the flow's job
        plan = split_unchanged(listing, known, stamps)
        if plan.changed:
            return len(plan.changed)
        run_id = new_run_id()
        staging = config.staging_root / run_id
        open_staging(staging, config.warehouse)
        try:
            staged = stage_plan(plan, known, staging, len(listing.files))
            run = RunRecord(run_id, datetime.now(), ", ".join(map(str, config.sources)), len(listing.files))
            outcome = load_run(config.warehouse, LoadRequest(run, staging, staged.complete, config.duckdb_memory))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return RunSummary.from_row(outcome.row, config.warehouse,
                               stage_seconds={"unchanged_run": round(time.perf_counter() - clock, 3)})
