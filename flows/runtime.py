"""Process tuning that is measured to pay for itself, in one place, each with a switch to turn it off.

- Garbage collection in worker processes: parsing allocates millions of short-lived objects and few reference
  cycles; collecting the young generation every 20,000 net allocations instead of every 700 makes the transform
  ≈ 10% faster (measured on 4,000 files). `TRIALHOUSE_TUNE_GC=0` keeps Python's defaults.
"""
from __future__ import annotations

import gc
import os

WORKER_GC_THRESHOLDS = (20_000, 20, 20)


def prepare_worker_process() -> None:
    """Run once in each worker process before its first batch."""
    if os.environ.get("TRIALHOUSE_TUNE_GC", "1") != "0":
        gc.set_threshold(*WORKER_GC_THRESHOLDS)
