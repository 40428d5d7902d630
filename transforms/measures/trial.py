"""A trial's criteria read together: general bounds of one variable that no value can meet at once are alternatives.

`Gleason score 2-6`, `Gleason score 7` and `Gleason score 8-10` in three criteria (one per risk group), `Age > 50
years` beside `Age =< 50 years` (one per cohort): each row must admit the patient, so as general bounds they would
exclude everyone; each is recorded as one of the alternatives instead, as the extractor does within one criterion.
"""
from __future__ import annotations

from dataclasses import replace

from schemas.measures import DISJOINT, ENGINE_CONDITION_KINDS
from transforms.measures.model import Measure, ends_below


def wholly_below(a: Measure, b: Measure) -> bool:
    """Whether every value `a` admits is below every value `b` admits."""
    return ends_below(a.upper_value, a.upper_inclusive, b.lower_value, b.lower_inclusive)


def across_criteria(per_criterion: list[list[Measure]]) -> list[list[Measure]]:
    """Each criterion's measures, with the general bounds that share no value with a general bound of the same variable
    and unit in another criterion recorded as alternatives (`DISJOINT`)."""
    general = [(i, j, m) for i, measures in enumerate(per_criterion) for j, m in enumerate(measures)
               if m.condition_text is None]
    clash: set[tuple[int, int]] = set()
    for k, (i, j, a) in enumerate(general):
        for i2, j2, b in general[k + 1:]:
            if a.variable == b.variable and a.unit == b.unit and (wholly_below(a, b) or wholly_below(b, a)):
                clash |= {(i, j), (i2, j2)}
    if not clash:
        return per_criterion
    return [[replace(m, condition_text=DISJOINT, condition_kind=ENGINE_CONDITION_KINDS[DISJOINT])
             if (i, j) in clash else m for j, m in enumerate(measures)] for i, measures in enumerate(per_criterion)]
