"""Outcome cells of the CSV layouts (`measure, description, time frame|…`) → Outcome items (placeholder)."""
from __future__ import annotations

from transforms.record import Outcome


def split_outcome_cell(cell: str | None, kind: str) -> list[Outcome]:
    """Split one `|`-joined outcome cell into outcomes of the given kind; placeholder returns nothing."""
    return []
