"""Whom or what a bound is stated for, beyond the condition clauses `link` reads: one country's sites, one sex where
each sex has its own bound, or one of alternatives on different variables (joined by `or`, or `unless`).

The functions read the lower-cased criterion, as `link` does, and mark its expressions.
"""
from __future__ import annotations

import re
from typing import TypedDict

from schemas.measures import ENGINE_CONDITION_KINDS
from transforms.geo import country_name_code
from transforms.measures.model import Expr

# `80% of the predicted value`: what a percentage of a lung-function value is of, between the bound and what follows it
OF_PREDICTED = r"(?:of\s+(?:the\s+)?)?(?:normal\s+)?predicted(?:\s+normal)?(?:\s+values?)?"
# `creatinine ≤ 1.5 × ULN or calculated creatinine clearance ≥ 60 mL/min`, `… unless creatinine clearance ≥ 60`: the
# word that joins two bounds (after what the first was measured as: `FVC ≥ 50% of predicted value or pulse oximetry
# ≥ 90%`, `pulse oximetry ≥ 92% on room air or FVC ≥ 50%`), then the next bound's name
_JOIN_RE = re.compile(rf"[\s,]*(?:(?:{OF_PREDICTED}|on\s+room\s+air|at\s+rest)[\s,]*)?\(?\s*"
                      r"(?P<word>(?:and/)?or|unless)\s+(?:[a-z-]+\s+){0,3}")
_BOTH_RE = re.compile(r"\s+and\s+(?:[a-z-]+\s+){0,3}")  # no comma: `… < 7 and PSA …`, not `… < 7, and PSA …`
# `≥ 20 years in Japan`, `≥ 18 years in all other countries`: a bound for the sites of some countries only
_PLACE_TAIL_RE = re.compile(r"(?:in|for)\s+(?:(?:the|all)\s+)?(?P<place>[a-z][a-z .'-]{1,40}?)(?:\s+only)?"
                            r"(?=\s*(?:$|[,;)]|\b(?:and|or)\b))")
# places a country index does not resolve: regions, the rest, and names it finds ambiguous (`Korea`) or too short
_REGIONS_RE = re.compile(r"(?:other|remaining)\s+(?:countries|regions|territories|sites)|rest\s+of\s+the\s+world"
                         r"|korea|usa?|eu|europe(?:an\s+union)?|(?:north|south|latin)\s+america|asia|mainland\s+china")
# `must have at least one of the following:` (`≥ 1 of the following` once normalised), `any 2 of the following`,
# `either of the following`, `one risk factor such as age > 55, diabetes, …`: what comes after it is a list of
# alternatives or examples, none of them required alone
_ANY_OF_RE = re.compile(r"(?:\b(?:any|either)(?:\s+\d+)?|(?<![\d.])(?<!all\s)\d+(?:\s*\ue000)?)"
                        r"\s+of\s+the\s+following\b|\bsuch\s+as\b")
# how far after the cue its list reaches: criteria run together into one text (`… one of the following histologic
# types: … PATIENT CHARACTERISTICS: … Platelet count at least 100,000/mm3`) go on to other requirements
_LIST_REACH = 250
# `NYHA class III/IV, or syncope`, `creatinine clearance < 30 mL/min, or the need for chronic dialysis`: a bound
# followed by `or` and a clause that states no number is one of alternatives (not `or within normal range`, `or
# baseline`, `or equivalent`, nor an age's `or the legal adult age`)
_NOT_AN_ALTERNATIVE = r"(?!(?:within|normal|baseline|equivalent|higher|greater|lower|less|more|above|below|as\s+per" \
                      r"|according|per|the\s+(?:minimum|legal|local)|legal)\b)"
_OR_CLAUSE_AFTER_RE = re.compile(rf"[\s,;)]*\bor\b\s+{_NOT_AN_ALTERNATIVE}[^\d<>≤≥;.:()]{{3,80}}?"
                                 r"(?=[;.:]|$|,?\s*\bor\b)")
# `Ejection fraction > 40%; or shortening fraction ≥ 25%`: `or` and a bound of a variable outside the catalogue (one
# inside it is its own bound, joined by `mark_joined`)
_OR_OTHER_BOUND_AFTER_RE = re.compile(r"[\s,;)]*\bor\b\s+(?:[a-z][\w-]*\s+){1,4}?(?:of\s+|is\s+)?[<>≤≥]")
# `Normal blood glucose values OR blood glucose > 175 mg/dL`, `Normal renal function or creatinine clearance ≥ 60
# mL/min`: a clause that states no number, then `or` and the bound's name (from the clause's start: the criterion's, a
# stop or `and`)
_OR_CLAUSE_BEFORE_RE = re.compile(r"(?:^|[;:.]\s*|\band\s+)[a-z][^\d<>≤≥;.:()/]{2,80}?[\s,]*\bor\s+$")
# `Cohort B: ECOG 0-2`, `Part A (dose escalation): age ≥ 18 years; Part B: age ≥ 12 years`: a part of the study named
# as a heading; the bounds after it, up to the next heading, are that part's
# a part of the study named by a label: its word and its letter, number or roman numeral (`Cohort B`, `Part 2`, `Arm
# IIa`)
PART_WORDS = ("cohort", "part", "group", "arm", "module")
PART_WORD = "(?:" + "|".join(PART_WORDS) + ")"
PART_ID = r"(?:[a-z]|\d{1,2}[a-z]?|[ivx]{1,4})\b"
_PART_HEADING_RE = re.compile(rf"\b(?:{PART_WORD}s?|phases?)\s+{PART_ID}(?:\s*\([^()]{{0,40}}\))?(?=\s*:)")
SEX_WORDS = r"(?:fe)?males?|(?:wo)?men|girls|boys"
_FEMALE_PREFIXES = ("fe", "wo", "gi")
_PEOPLE = r"(?:\s+(?:patients?|participants?|subjects?|volunteers?))?"
# `women aged 18-50 and men aged 18-60`: the sex a bound is stated for, written before it (each bound's own)
_SEX_WORD_RE = re.compile(rf"\b(?P<sex>{SEX_WORDS}){_PEOPLE}\b")
# a condition that is one sex and nothing more: `for women`, `(men)`, `in male patients`
_SEX_ONLY_RE = re.compile(rf"(?:(?:for|in|among)\s+)?(?:the\s+)?(?P<sex>{SEX_WORDS}){_PEOPLE}")


def place_condition(text: str, pos: int) -> tuple[int, int] | None:
    """The span of `in <country>` (or `in other countries`) starting at `pos`, when the words name a place."""
    m = _PLACE_TAIL_RE.match(text, pos)
    if m is None:
        return None
    place = m.group("place").strip()
    if _REGIONS_RE.fullmatch(place) or country_name_code(place) is not None:
        return m.start(), m.end()
    return None


def sex_of(condition: str | None) -> str | None:
    """FEMALE or MALE when a bound's condition is only a sex (then it applies to every patient of that sex)."""
    if condition is None or (m := _SEX_ONLY_RE.fullmatch(condition.lower())) is None:
        return None
    return "FEMALE" if m.group("sex").startswith(_FEMALE_PREFIXES) else "MALE"


class ConditionFields(TypedDict):
    """The Measure fields that say what a bound's condition is."""

    condition_text: str | None
    condition_kind: str | None
    applies_to_sex: str | None


def condition_fields(condition: str | None) -> ConditionFields:
    """A bound's condition as its Measure fields: the text, its kind and, for one sex only, that sex."""
    kind = condition_kind(condition)
    return {"condition_text": condition, "condition_kind": kind,
            "applies_to_sex": sex_of(condition) if kind == "SEX" else None}


def condition_kind(condition: str | None) -> str | None:
    """The kind of a bound's condition (a key of `schemas.measures.CONDITION_KINDS`), None for a general bound."""
    if condition is None:
        return None
    if condition in ENGINE_CONDITION_KINDS:
        return ENGINE_CONDITION_KINDS[condition]
    if sex_of(condition) is not None:
        return "SEX"
    words = condition.lower().strip(" ,;()")
    if (span := place_condition(words, 0)) is not None and span[1] == len(words):
        return "PLACE"
    return "CLAUSE"


def mark_sex_groups(text: str, spans: list[tuple[Expr, int]]) -> None:
    """Give bounds of one variable stated each for one sex, both sexes in all, their sex as condition: read as general
    bounds, `women aged 18-50 and men aged 18-60` would exclude a man of 55 by the women's range. One sex alone
    (`Male subjects aged 18-55`) is whom the trial takes: no condition."""
    stated: list[tuple[Expr, bool, tuple[int, int], set[str]]] = []  # (bound, for women, the words, its variables)
    for expr, head_start in spans:
        if expr.condition is not None or expr.owner is None:
            continue
        words = list(_SEX_WORD_RE.finditer(text, head_start, expr.start))
        sexes = {m.group("sex").startswith(_FEMALE_PREFIXES) for m in words}
        if len(sexes) == 1:
            stated.append((expr, sexes.pop(), words[-1].span(), set(expr.owner.variables)))
    for expr, _, span, variables in stated:
        if len({female for _, female, _, others in stated if variables & others}) == 2:
            expr.condition = span


def _gap_end(a: Expr, b: Expr) -> int | None:
    """Where the name of bound `b` starts, when it follows bound `a` and constrains none of `a`'s variables (else
    None): the text between `a` and that name is what joins them."""
    if a.owner is None or b.owner is None or not a.end <= b.owner.start <= b.start or \
            set(a.owner.variables) & set(b.owner.variables):
        return None
    return b.owner.start


def mark_joined(text: str, owned: list[Expr]) -> None:
    """Mark bounds of different variables joined by `or` or `unless` with the word (`creatinine ≤ 1.5 × ULN or
    creatinine clearance ≥ 60`): in an INCLUSION criterion either admits the patient, and after `unless` in either
    kind, so neither is a bound the patient must meet."""
    for a, b in zip(owned, owned[1:], strict=False):
        if (end := _gap_end(a, b)) is not None and (m := _JOIN_RE.fullmatch(text, a.end, end)) is not None:
            a.joined_by = b.joined_by = "unless" if m.group("word") == "unless" else "or"


def mark_joint_exclusion(text: str, owned: list[Expr], exclusion: bool) -> None:
    """Mark the two bounds that a criterion rules out together, when it states exactly two, of different variables,
    joined by a bare `and`: an EXCLUSION criterion (`Gleason score < 7 and PSA < 10 ng/mL`) or an inclusion's `No …`
    (`No Gleason score < 7 and PSA < 10 ng/mL`, whose `no` rules out the second bound too). Only who meets both is
    ruled out, so either bound turned round admits the patient. With a comma or a third bound it is a list, each item
    ruled out on its own."""
    if len(owned) != 2:
        return
    a, b = owned
    if not exclusion and not (a.negated and not b.negated):
        return
    if a.joined_by or b.joined_by or (end := _gap_end(a, b)) is None:
        return
    if _BOTH_RE.fullmatch(text, a.end, end) is not None:
        a.joined_by = b.joined_by = "and"
        b.negated = a.negated


def mark_listed(text: str, owned: list[Expr]) -> None:
    """Mark the bounds listed after `one of the following` or `such as` (`Patients must have one of the following:
    Creatinine ≥ 2 mg/dL Total bilirubin ≥ 2 mg/dL ECOG 3 or 4`) as alternatives: in an INCLUSION criterion any one
    admits (the cue's own number, `≥ 1` of `at least one of the following`, is no bound)."""
    if "following" not in text and "such" not in text:
        return
    cues = list(_ANY_OF_RE.finditer(text))
    for expr in owned:
        if any(expr.start < cue.end() and expr.end > cue.start() for cue in cues):
            expr.dropped = True
        elif any(cue.end() <= expr.start <= cue.end() + _LIST_REACH for cue in cues) and expr.joined_by is None:
            expr.joined_by = "listed"


def mark_or_clauses(text: str, owned: list[Expr]) -> None:
    """Mark the bounds followed by `or` and a clause that states no number (`NYHA class III/IV, or syncope`), or that
    follow one (`Normal blood glucose values OR blood glucose > 175 mg/dL`), as alternatives: in an INCLUSION criterion
    either admits. An age is left alone (`≥ 18 years or the legal adult age` restates it)."""
    if "or" not in text:
        return
    for n, expr in enumerate(owned):
        if expr.joined_by is not None or expr.owner is None or "age" in expr.owner.variables:
            continue
        clause = _OR_CLAUSE_AFTER_RE.match(text, expr.end) or _OR_OTHER_BOUND_AFTER_RE.match(text, expr.end)
        if clause is not None and not any(clause.start() <= other.start < clause.end() for other in owned):
            expr.joined_by = "listed"  # (a grade states no digit: `Child-Pugh A or Child-Pugh B` is read elsewhere)
            continue
        name = expr.owner.start
        before = _OR_CLAUSE_BEFORE_RE.search(text, max(0, name - 100), name) \
            if expr.start > name and text.endswith(("or ", "or\n"), max(0, name - 4), name) else None
        if before is not None and (n == 0 or owned[n - 1].end <= before.start()):
            expr.joined_by = "listed"


def mark_study_parts(text: str, owned: list[Expr]) -> None:
    """Give the bounds after a heading that names a part of the study (`Cohort B: ECOG 0-2`) that heading as their
    condition: read as general bounds, one cohort's range would exclude the patients of another."""
    if ":" not in text:
        return
    headings = list(_PART_HEADING_RE.finditer(text))
    for expr in owned:
        heading = next((h for h in reversed(headings) if h.end() <= expr.start), None)
        if heading is not None and expr.condition is None:
            expr.condition = heading.span()
