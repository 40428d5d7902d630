"""Criterion text → numeric/ordinal eligibility ranges with canonical units.

Four stages, one module each, all knowledge of the variables in the catalogue (`schemas.measures`):
- `normalise`: unicode/markdown clean-up, comparator and number words → symbols and digits, with a map back to the
  original offsets (so that source_text / raw_value / condition_text quote the criterion as written);
- `scan`: expressions (comparator + number + unit, ranges, scale lists, `140/90`, grades such as `Child-Pugh B`)
  and mentions (the catalogue's names and abbreviations);
- `link` + `conditions` + `assemble`: each expression is given its owner — the name just before it, the expression
  it continues (`≥ 18 and ≤ 75`), the count noun after it (`2 prior lines`) or the age it states itself (`18 years
  old`) —, conditions (`if liver metastases`, `for cohort B`) are attached — with `qualify`, also a country's sites,
  one sex, and alternatives joined by `or` —, and each reading is flipped to the *allowed* range for an EXCLUSION
  criterion;
- `convert`: values → the variable's canonical unit (pint for dimensions, molar masses and valences for
  concentrations), plausibility;
- `trial`: a trial's criteria read together (general bounds in different criteria that no value meets at once are
  alternatives).

Precision first: a number whose unit does not convert to the variable's unit, or whose owner is unclear, yields
nothing.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import NamedTuple

from schemas.measures import CATALOGUE, ULN, VARIABLES
from transforms.measures.assemble import (
    measures,
    paired_alternatives,
    readings,
    restore_lost_comparators,
    unread_lost_comparators,
)
from transforms.measures.conditions import find_conditions
from transforms.measures.convert import converter
from transforms.measures.link import assign_owners, group_mentions
from transforms.measures.model import OTHER, Measure, Range
from transforms.measures.normalise import clean, lower, may_hold_a_measure, rewrite_words
from transforms.measures.scan import (
    STRICT_ABBREVIATIONS,
    find_names,
    mark_age_comparatives,
    may_name_a_measure,
    may_state_an_age_or_count,
    may_yield,
    scan_expressions,
    scan_grades,
    scan_mentions,
)
from transforms.measures.trial import across_criteria, as_listed, in_cohorts, in_lists, joined_by_or

__all__ = ["CATALOGUE", "ULN", "VARIABLES", "Measure", "across_criteria", "as_listed", "converter",
           "extract_measures", "in_cohorts", "in_lists", "joined_by_or", "read_criterion", "read_under_heading",
           "unread"]

MAX_TEXT = 20_000  # a criterion longer than this is a mis-split document, not a criterion
_OPENS_WITH_COMPARATOR_RE = re.compile(r"\s*(?:[<>≤≥]|(?:at\s+(?:least|most)|(?:greater|more|less|fewer)\s+than)\b)",
                                       re.IGNORECASE)
_TRAILING_BRACKET_RE = re.compile(r"\s*\([^()]{1,20}\)\s*$")  # `Absolute neutrophil count (ANC)`
# a catalogue name → its variable, when the name is one variable's only; a bare `performance status` is either scale
# (its value says which)
_NAME_USES = Counter(name for var in CATALOGUE.values() for name in {*var.names, var.label.casefold()})
_NAMED = {name: (var.name,) for var in CATALOGUE.values() for name in (*var.names, var.label.casefold())
          if _NAME_USES[name] == 1} | {"performance status": ("ecog", "karnofsky")}


class Reading(NamedTuple):
    """What one criterion states: its ranges, and the bounds left unread because `=` stands where `≥` or `≤` belongs
    (both become `=` when a text passes through an encoding without them), as written."""

    measures: list[Measure]
    lost: list[str]


def extract_measures(text: str, kind: str) -> list[Measure]:
    """Every variable range stated in one criterion (`kind` INCLUSION or EXCLUSION), as its allowed range."""
    return read_criterion(text, kind).measures


def read_criterion(text: str, kind: str) -> Reading:
    """Every variable range stated in one criterion (`kind` INCLUSION or EXCLUSION), as its allowed range, and the
    bounds it left unread for a lost comparator."""
    if not isinstance(text, str) or not may_hold_a_measure(text):
        return Reading([], [])  # lists of its own: a caller may extend them
    src = clean(text[:MAX_TEXT])
    lowered = lower(src.text)
    folded = lowered.replace("-", " ")
    found = find_names(src.text, folded)
    if not may_yield(found, src.text, folded) or not may_name_a_measure(text):
        return Reading([], [])
    doc = rewrite_words(src, lowered)
    if doc is src:  # no word rewritten: the names found are the normalised text's
        mentions = scan_mentions(doc.text, lowered, found)
    else:
        lowered = lower(doc.text)
        mentions = scan_mentions(doc.text, lowered)
    named_from = next((men.start for men in mentions if men.kind != OTHER), len(lowered) + 1)
    if named_from > len(lowered) and not may_state_an_age_or_count(lowered):
        return Reading([], [])
    exprs = scan_expressions(doc.text, lowered, named_from)
    grades = scan_grades(doc.text, mentions)
    if grades:
        exprs = sorted(exprs + grades, key=lambda e: e.start)
    if not exprs:
        return Reading([], [])
    mark_age_comparatives(doc, exprs)
    exclusion = str(kind or "").strip().upper().startswith("EX")
    groups = group_mentions(mentions, lowered, doc.text, STRICT_ABBREVIATIONS)
    assign_owners(lowered, exprs, groups)
    find_conditions(lowered, doc, exprs, exclusion)
    restore_lost_comparators(doc, exprs, exclusion)
    lost = [w for w in unread_lost_comparators(doc, exprs, exclusion) if w in text]
    read = [(expr, list(readings(doc, expr, exclusion)))
            for expr in exprs if expr.owner is not None and not expr.dropped]
    paired_alternatives(lowered, read, exclusion)
    ranges: dict[str, list[Range]] = {}
    for order, (_, expr_ranges) in enumerate(read):
        for variable, rng in expr_ranges:
            rng.order = order
            ranges.setdefault(variable, []).append(rng)
    stated = measures(doc, ranges)
    return Reading(stated, unread(lost, stated))


def unread(lost: list[str], read: list[Measure]) -> list[str]:
    """The lost-comparator bounds that no range read covers (`=650 and =5000` may be read as one)."""
    return [w for w in lost if not any(w in m.source_text for m in read)] if lost else []


def read_under_heading(text: str, kind: str, previous: str) -> list[Measure]:
    """The ranges of a criterion that states a value without naming it when the criterion before it ends with the
    name: as a heading (`… PATIENT CHARACTERISTICS: Age:` then `18 and over Performance status:`, PDQ's headings and
    values on lines of their own), or as a table's row name before a value that opens with its comparator (`Absolute
    neutrophil count (ANC)` then `>= 1500/μL`), split into criteria. Only that variable's ranges, quoted from the
    criterion itself."""
    ending = previous[-60:].rstrip()
    heading_like = ending.endswith((":", "："))
    if heading_like:
        ending = ending[:-1]
    elif not _OPENS_WITH_COMPARATOR_RE.match(text):
        return []
    words = _TRAILING_BRACKET_RE.sub("", ending).split()[-4:]  # `… CHARACTERISTICS: Age`, `Total bilirubin`
    # the longest name ending the words; a heading is written as one (`Age:`, not `… listed below by age:`)
    heading = next((name for k in range(len(words), 0, -1) if (name := " ".join(words[-k:]).casefold()) in _NAMED
                    and (words[-k][0].isupper() or not heading_like)), None)
    if heading is None:
        return []
    prefix = f"{heading}: "
    return [replace(found, source_text=found.source_text.removeprefix(prefix))
            for found in extract_measures(prefix + text, kind)
            if found.variable in _NAMED[heading] and found.source_text.startswith(prefix)]
