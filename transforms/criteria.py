"""Eligibility text → inclusion/exclusion criterion items (placeholder until the splitter lands)."""
from __future__ import annotations

from transforms.record import Criterion


def split_eligibility(text: str | None) -> list[Criterion]:
    """Split an eligibility block into criteria; placeholder returns nothing."""
    return []
