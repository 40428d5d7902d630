"""A trial's criteria read together: the bounds of the items listed under a lead-in to choices are alternatives, the
bounds under the heading of one cohort are that cohort's, criteria joined by an `or` that ends the first are
alternatives, and general bounds of one variable that no value can meet at once are alternatives.

`Healthy Volunteers must:` … `creatinine ≤ 1.5 mg/dL`, then `Patients must:` … `creatinine ≤ 2 mg/dL`: read as general
bounds, the volunteers' range would exclude the patients it was not written for. `Gleason score 2-6`, `Gleason score
7` and `Gleason score 8-10` in three criteria (one per risk group), `Age > 50 years` beside `Age =< 50 years` (one per
cohort): each row must admit the patient, so as general bounds they would exclude everyone; each is recorded as one of
the alternatives instead, as the extractor does within one criterion.
"""
from __future__ import annotations

import re
from dataclasses import replace

from schemas.measures import DISJOINT, EITHER_VARIABLE, LISTED
from transforms.measures.model import Measure, ends_below
from transforms.measures.qualify import PART_ID, PART_WORD, PART_WORDS, condition_fields

_PEOPLE = (r"(?:participants|subjects|patients|volunteers|children|adults|adolescents|infants|women|men|relatives"
           r"|donors|recipients)")
# a criterion that is only a heading naming one group of the trial's people: `Cohort B:`, `Module 1 specific inclusion
# criteria:`, `Healthy Volunteers must:`, `Hepatic Insufficiency Participants：`, `Patients with renal impairment:`,
# `Age 65-70 years:`, `Under 65 years:` (not `Patients with any of the following:`, nor `All subjects:`)
_COHORT_HEADING_RE = re.compile(
    rf"(?:.*\b(?:{PART_WORD}s?|stages?)\s+{PART_ID}.*"
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
_ONLY_ASIDE_RE = re.compile(r"\s*\([^()]*\)\s*")
_OPENING_LABEL_RE = re.compile(rf"{PART_WORD}\s+{PART_ID}(?![.,]\d)", re.IGNORECASE)
_LABEL_INITIALS = frozenset(c for word in PART_WORDS for c in (word[0], word[0].upper()))  # the label regex's cheap gate
_HEADING_TAIL_RE = re.compile(r"(?:\s+(?:must|should)(?:\s+(?:have|be|meet))?)?\s*[:：]\s*$", re.IGNORECASE)


def as_listed(criteria: list[tuple[str, str]], markers: list[str],
              per_criterion: list[list[Measure]]) -> list[list[Measure]]:
    """Each criterion's measures read with the list they stand in (`criteria`: each one's (kind, text), `markers`: its
    `Criterion.marker`): the items under a lead-in to choices, then the criteria under a group's heading, then
    criteria joined by an `or` that ends the first."""
    return joined_by_or(criteria, in_cohorts(criteria, in_lists(criteria, markers, per_criterion)))


def in_cohorts(criteria: list[tuple[str, str]], per_criterion: list[list[Measure]]) -> list[list[Measure]]:
    """Each criterion's measures (`criteria`: its (kind, text)), those under the heading of one of two or more groups
    in its kind's list — the heading's own included — given that heading as their condition (when they have none); a
    heading that opens a criterion (`Normal Volunteers: The desired age range is 18 to 55 years.`) heads that one
    only."""
    headings = _group_headings(criteria)
    if not headings:
        return per_criterion
    out: list[list[Measure]] = []
    group: dict[str, str | None] = {}  # each kind's group in force
    for i, ((kind, _), measures) in enumerate(zip(criteria, per_criterion, strict=True)):
        heading = group.get(kind)
        if i in headings:
            name, opens = headings[i]
            if opens:
                heading = name
            else:
                group[kind] = heading = name
        out.append(measures if heading is None else _with_condition(measures, heading))
    return out


def _group_headings(criteria: list[tuple[str, str]]) -> dict[int, tuple[str | None, bool]]:
    """By position, every heading that sets or ends a group in a kind's list naming two or more groups (one of them by
    a heading proper): the group it names (None: a heading of everyone) and whether it opens the criterion it heads."""
    # each kind's number of group headings proper, and its headings as written, as named and whether they open
    found: dict[str, tuple[int, dict[int, tuple[str, str | None, bool]]]] = {}
    for i, (kind, text) in enumerate(criteria):
        if (heading := _heading(text)) is None:
            continue
        text, aside, opens = heading
        strong, named = found.get(kind, (0, {}))
        everyone = _EVERYONE_HEADING_RE.fullmatch(text) is not None
        if _COHORT_HEADING_RE.fullmatch(text):
            strong += 1
        elif not (everyone or _PEOPLE_HEADING_RE.fullmatch(text)):
            continue
        # `Healthy Volunteers must:` → `Healthy Volunteers`
        named[i] = text, None if everyone else _HEADING_TAIL_RE.sub("", text) + aside, opens
        found[kind] = strong, named
    headings: dict[int, tuple[str | None, bool]] = {}
    for strong, named in found.values():
        if strong and len({text.casefold() for text, name, _ in named.values() if name is not None}) >= 2:
            headings.update({i: (name, opens) for i, (_, name, opens) in named.items()})
    return headings


def _heading(text: str) -> tuple[str, str, bool] | None:
    """The heading a criterion is or opens with: its words up to the colon, the group's description when that is all
    the rest holds, and whether it opens the criterion (heads that one only); None for a criterion with no colon near
    its start and no group's label."""
    text = text.strip()
    # a heading ends at the first colon; a group's label may open its criterion without one (`Group 3 Healthy Control
    # A. Healthy control aged 1-25 year`)
    if (colon := text.find(":", 0, _MAX_HEADING)) < 0:
        colon = text.find("：", 0, _MAX_HEADING)
    label = None
    if colon < 0 and (text[:1] not in _LABEL_INITIALS or (label := _OPENING_LABEL_RE.match(text)) is None):
        return None
    if len(text) <= _MAX_HEADING and text.endswith((":", "：")):
        return text, "", False
    heading, rest = (text[:colon + 1], text[colon + 1:]) if label is None else \
        (label.group() + ":", text[label.end():])
    # `GROUP 2 (PATIENTS AGED =< 65)`: a heading whose rest only describes the group heads the criteria after it, and
    # names the group with its description
    if _ONLY_ASIDE_RE.fullmatch(rest) is None:
        return heading, "", True
    return heading, " " + " ".join(rest.split()), False


# a lead-in to a list of choices, not of requirements: `… if the subject meets any of the following:`, `One of the
# following diagnoses:`, `At least 3 of the following risk factors:` (not `all of the following`)
_CHOICE_LEAD_IN_RE = re.compile(
    r".*\b(?P<count>any|either|one|1|(?:at\s+least\s+)?(?:one|two|three|four|[1-9]))(?:\s+or\s+more)?\s+of\s+the\s+"
    r"(?:following|below)\b[^:：]{0,60}[:：]", re.IGNORECASE | re.DOTALL)
_ANY_ONE_RE = re.compile(r"any|either|(?:at\s+least\s+)?(?:one|1)", re.IGNORECASE)
# a lead-in to the exceptions of an exclusion: `Active malignancy with the exception of any of the following:`
_EXCEPTIONS_LEAD_IN_RE = re.compile(
    r".*\b(?:except(?:ion)?|other\s+than|unless|excluding)\b.*\bfollowing\b[^:：]{0,60}[:：]", re.IGNORECASE | re.DOTALL)


def in_lists(criteria: list[tuple[str, str]], markers: list[str],
             per_criterion: list[list[Measure]]) -> list[list[Measure]]:
    """Each criterion's measures (`markers`: each one's list marker, `Criterion.marker`), those of the items listed
    under a lead-in to choices given a condition when they have none: `LISTED` under `any`/`one of the following:`,
    else the lead-in; in EXCLUSION, the lead-in to its exceptions (`… with the exception of any of the following:`).

    The items are the criteria after the lead-in marked otherwise than it (`5. … any of the following:` then `- Is
    over 75 years of age`), up to one marked as it is: the layouts that keep a nested item as a criterion of its own
    keep its marker, and where the markers do not tell the list's end, nothing is read as an item."""
    out = list(per_criterion)
    for i in range(len(criteria) - 1, -1, -1):  # the nearest lead-in's condition first
        kind, text = criteria[i]
        text = text.strip()
        if not text.endswith((":", "：")):
            continue
        choice = _CHOICE_LEAD_IN_RE.fullmatch(text) if kind == "INCLUSION" else None
        if choice is not None:
            condition = LISTED if _ANY_ONE_RE.fullmatch(choice.group("count")) else text.rstrip(":：")
        elif kind == "EXCLUSION" and _EXCEPTIONS_LEAD_IN_RE.fullmatch(text):
            condition = text.rstrip(":：")
        else:
            continue
        j = i + 1
        while j < len(criteria) and criteria[j][0] == kind and markers[j] and markers[j] != markers[i]:
            out[j] = _with_condition(out[j], condition)
            j += 1
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
            out[i] = _with_condition(out[i], text)
    return out


def _ends_with_or(text: str) -> bool:
    """Whether the text ends with the word `or` (`… mg/dL OR`, `… and/or`), a stop after it aside."""
    tail = text.rstrip(" \t:;,.")
    return tail[-2:].lower() == "or" and (len(tail) == 2 or not tail[-3].isalnum())


def _with_condition(measures: list[Measure], condition: str) -> list[Measure]:
    """The measures, those without a condition given this one."""
    return [replace(m, **condition_fields(condition)) if m.condition_text is None else m for m in measures]


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
    return [[replace(m, **condition_fields(DISJOINT)) if (i, j) in clash else m for j, m in enumerate(measures)]
            for i, measures in enumerate(per_criterion)]
