"""The csv module with room for a registry's longest cells (the CSV layouts and the cutter read through it)."""
from __future__ import annotations

import csv

# Criteria, outcome and location cells of large trials pass the csv module's 128 KiB default.
FIELD_LIMIT = 1 << 26


def allow_long_cells() -> None:
    """Raise the csv module's cell limit (it is process-wide) to FIELD_LIMIT, unless it is higher already."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
