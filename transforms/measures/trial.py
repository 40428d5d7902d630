"""A trial's criteria read together: the bounds under the heading of one cohort are that cohort's, criteria joined by
an `or` that ends the first are alternatives, and general bounds of one variable that no value can meet at once are
alternatives.

`Healthy Volunteers must:` … `creatinine ≤ 1.5 mg/dL`, then `Patients must:` … `creatinine ≤ 2 mg/dL`: read as general
bounds, the volunteers' range would exclude the patients it was not written for. `Gleason score 2-6`, `Gleason score
7` and `Gleason score 8-10` in three criteria (one per risk group), `Age > 50 years` beside `Age =< 50 years` (one per
cohort): each row must admit the patient, so as general bounds they would exclude everyone; each is recorded as one of
the alternatives instead, as the extractor does within one criterion.
"""
from __future__ import annotations

import re
from dataclasses import replace

from schemas.measures import DISJOINT, EITHER_VARIABLE, ENGINE_CONDITION_KINDS, LISTED
from transforms.measures.model import Measure, ends_below
from transforms.measures.qualify import condition_kind, sex_of

_PEOPLE = (r"(?:participants|subjects|patients|volunteers|children|adults|adolescents|infants|women|men|relatives"
           r"|donors|recipients)")
# a criterion that is only a heading naming one group of the trial's people: `Cohort B:`, `Module 1 specific inclusion
# criteria:`, `Healthy Volunteers must:`, `Hepatic Insufficiency Participants：`, `Patients with renal impairment:`,
# `Age 65-70 years:`, `Under 65 years:` (not `Patients with any of the following:`, nor `All subjects:`)
_COHORT_HEADING_RE = re.compile(
    r"(?:.*\b(?:cohorts?|parts?|groups?|arms?|modules?|stages?)\s+(?:[a-z]|\d{1,2}[a-z]?|[ivx]{1,4})\b.*"
    r"|(?:for\s+)?(?!(?:all|the|any|each|every|both|these|such|eligible|other|additional|study|potential)\b)"
    rf"(?:[\w'-]+\s+){{1,4}}{_PEOPLE}(?:\s+(?:must|should)(?:\s+(?:have|be|meet))?)?"
    rf"|{_PEOPLE}\s+(?:with|who\s+have|having)\s+(?!.*\bfollowing\b)[^:]{{3,60}}"
    r"|(?:(?:patients|participants|subjects|children)\s+)?(?:age[ds]?\s*)?"
    r"(?:(?:under|over|below|above|younger\s+than|older\s+than|[<>≤≥]=?)\s*)?\d{1,3}(?:\s*(?:-|–|to)\s*\d{1,3})?\s*"
    r"(?:years?|yrs?|months?)(?:\s+(?:of\s+age|old|and\s+(?:older|over|above|younger|under)))?)"
    r"\s*[:：]", re.IGNORECASE)
# the group named by a heading alone once another heading names one: `Patients must:` after `Healthy Volunteers must:`
_PEOPLE_HEADING_RE = re.compile(rf"{_PEOPLE}(?:\s+(?:must|should)(?:\s+(?:have|be|meet))?)?\s*[:：]", re.IGNORECASE)
# a heading for every group again: `All participants:`, `For all subjects:`, `Both groups:`
_EVERYONE_HEADING_RE = re.compile(r"(?:for\s+)?(?:all|both|every|each)\b[^:：]{0,60}[:：]", re.IGNORECASE)
_MAX_HEADING = 80
_HEADING_TAIL_RE = re.compile(r"(?:\s+(?:must|should)(?:\s+(?:have|be|meet))?)?\s*[:：]\s*$", re.IGNORECASE)


def in_cohorts(criteria: list[tuple[str, str]], per_criterion: list[list[Measure]]) -> list[list[Measure]]:
    """Each criterion's measures (`criteria`: its (kind, text)), those under the heading of one of two or more groups
    in its kind's list — the heading's own included — given that heading as their condition (when they have none)."""
    found: dict[str, tuple[int, dict[int, str]]] = {}  # each kind's strong headings, and all its group headings
    for i, (kind, text) in enumerate(criteria):
        if len(text) > _MAX_HEADING + 10 or not (text := text.strip()).endswith((":", "：")) or len(text) > _MAX_HEADING:
            continue
        strong, named = found.get(kind, (0, {}))
        if _COHORT_HEADING_RE.fullmatch(text):
            strong += 1
            named[i] = text
        elif _PEOPLE_HEADING_RE.fullmatch(text) or _EVERYONE_HEADING_RE.fullmatch(text):
            named[i] = text
        found[kind] = strong, named
    headings: dict[int, str] = {}
    for strong, named in found.values():
        if strong and len({t.casefold() for t in named.values() if not _EVERYONE_HEADING_RE.fullmatch(t)}) >= 2:
            headings.update(named)
    if not headings:
        return per_criterion
    out: list[list[Measure]] = []
    group: dict[str, str | None] = {}  # each kind's group heading in force
    for i, ((kind, _), measures) in enumerate(zip(criteria, per_criterion, strict=True)):
        if i in headings:
            text = _HEADING_TAIL_RE.sub("", headings[i])  # `Healthy Volunteers must:` → `Healthy Volunteers`
            group[kind] = None if _EVERYONE_HEADING_RE.fullmatch(headings[i]) else text
        heading = group.get(kind)
        out.append(measures if heading is None else [m if m.condition_text is not None else _for_group(m, heading)
                                                     for m in measures])
    return out




def joined_by_or(criteria: list[tuple[str, str]], per_criterion: list[list[Measure]]) -> list[list[Measure]]:
    """Each criterion's measures, those of consecutive INCLUSION criteria joined by an `or` that ends the first
    (`Creatinine less than 2.0 mg/dL OR` / `Creatinine clearance greater than 50 mL/min`) recorded as alternatives
    (either admits) when they have no condition: of different variables `EITHER_VARIABLE`, else `LISTED`."""
    runs: list[list[int]] = []  # runs of criteria joined by `or`, by position
    for i, (kind, text) in enumerate(criteria[:-1]):
        if kind == "INCLUSION" and criteria[i + 1][0] == kind and _ends_with_or(text):
            if runs and runs[-1][-1] == i:
                runs[-1].append(i + 1)
            else:
                runs.append([i, i + 1])
    if not runs:
        return per_criterion
    out = list(per_criterion)
    for run in runs:
        # (a side that states no bound, `Creatinine within normal limits OR`, is an alternative all the same)
        variables = [found for i in run if (found := {m.variable for m in out[i] if m.condition_text is None})]
        text = EITHER_VARIABLE if len(variables) > 1 and all(
            a.isdisjoint(b) for a, b in zip(variables, variables[1:], strict=False)) else LISTED
        for i in run:
            out[i] = [replace(m, condition_text=text, condition_kind=ENGINE_CONDITION_KINDS[text])
                      if m.condition_text is None else m for m in out[i]]
    return out


def _ends_with_or(text: str) -> bool:
    """Whether the text ends with the word `or` (`… mg/dL OR`, `… and/or`), a stop after it aside."""
    tail = text.rstrip(" \t:;,.")
    return tail[-2:].lower() == "or" and (len(tail) == 2 or not tail[-3].isalnum())


def _for_group(m: Measure, heading: str) -> Measure:
    kind = condition_kind(heading)
    return replace(m, condition_text=heading, condition_kind=kind,
                   applies_to_sex=sex_of(heading) if kind == "SEX" else None)


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
