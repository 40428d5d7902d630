"""The run with nothing to do: every file's content is already in the warehouse and none left the folder.

It is decided from the warehouse's hashes alone and recorded as a run in `ingest_run` (`record_unchanged_run`: the
rows the load writes for a run without shards, in one transaction), without starting Prefect, workers or the
validation gate: what a scheduled no-change run costs is listing the files and hashing those whose stamp moved. A
run with something to read pays for that check only up to the first file that changed.
"""
from __future__ import annotations

import time
from datetime import datetime

from flows.plan import holds_a_file, list_sources, sort_out, unchanged_table
from flows.settings import IngestConfig
from flows.summary import RunSummary, new_run_id
from warehouse.load import record_unchanged_run
from warehouse.lock import writer_lock
from warehouse.publish import is_published
from warehouse.shards import remove_abandoned_staging
from warehouse.store import RunRecord, known_files


def record_run_if_unchanged(config: IngestConfig) -> RunSummary | int:
    """Record the run and return its summary when the sources hold nothing new; else how many files the run will
    read at least (new files are seen without hashing anything; an edited file is found by going through the known
    files up to the first that changed, and the flow's plan then hashes again only those that moved since)."""
    if config.full_refresh or not config.warehouse.exists():
        return int(holds_a_file(config.sources))  # the flow lists them: a walk to the first file is enough here
    clock = time.perf_counter()
    with writer_lock(config.warehouse):
        listing = list_sources(config.sources)
        known, stamps = known_files(config.warehouse)
        new = sum(f.rel not in known or f.refused is not None for f in listing.files)
        if new:
            return new
        if listing.leaves_out(known) or not is_published(config.warehouse, config.parquet_dir):
            return 0  # files to mark removed, or Parquet files and snapshot to publish again: the flow's job
        unchanged = []
        for _, same in sort_out(listing, known, stamps):
            if same is None:
                return 1
            unchanged.append(same)
        remove_abandoned_staging(config.staging_root, config.warehouse)
        run = RunRecord(new_run_id(), datetime.now(), ", ".join(map(str, config.sources)), len(listing.files))
        row = record_unchanged_run(config.warehouse, run, unchanged_table(unchanged), config.duckdb_memory)
    return RunSummary.from_row(row, config.warehouse,
                               stage_seconds={"unchanged_run": round(time.perf_counter() - clock, 3)})
