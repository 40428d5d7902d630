"""Assembly: each linked expression read as a range of each of its variables, flipped to the allowed range for an
EXCLUSION criterion, converted to canonical units, and the ranges of one criterion merged into Measures."""
from __future__ import annotations

import re
from collections.abc import Iterable

from schemas.measures import (
    ADJOINING,
    CATALOGUE,
    DISJOINT,
    EITHER_SIDE,
    EITHER_VARIABLE,
    LISTED,
    LOOSER_ALTERNATIVE,
    LOST_COMPARATOR,
    PAIRED_NAMES,
    ULN,
)
from transforms.measures.conditions import COND_RE, CONNECTOR_TRIM_RE, WITHOUT_RE
from transforms.measures.convert import plausible, to_canonical
from transforms.measures.link import PERF, SILENT
from transforms.measures.model import (
    BARE_ULN,
    GRADE,
    LIST,
    OTHER,
    PAIR,
    PAIRED,
    VALUE,
    Expr,
    Group,
    Measure,
    Range,
    ends_below,
)
from transforms.measures.normalise import (
    GE,
    GT,
    LE,
    LOST,
    LT,
    POST_BETTER,
    POST_GE,
    POST_LE,
    POST_WORSE,
    Text,
    in_equals_pair,
)
from transforms.measures.qualify import condition_fields

# (lower, lower_inclusive, upper, upper_inclusive, unit, raw_value, raw_unit, is_range)
Span = tuple[int, int] | None  # a raw value's or unit's place in the normalised text, quoted when kept
Bounds = tuple[float | None, bool | None, float | None, bool | None, str, Span, Span, bool]

_PAIRS = {tuple(pair) for pair in PAIRED_NAMES.values()}
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# Expr.joined_by → its condition
_JOINED = {"or": EITHER_VARIABLE, "unless": EITHER_VARIABLE, "and": EITHER_VARIABLE, "listed": LISTED}
_OUTSIDE_RE = re.compile(r"\boutside\b")
_WORD_AFTER_RE = re.compile(r"\s*[A-Za-z]")
_ENDS_AFTER = frozenset({":", "of"})  # what may stand between a name and the two ends of its range joined by `and`


def _resolve_variables(group: Group, expr: Expr, text: str) -> list[str]:
    """The group's catalogue variables; a bare `performance status` becomes ECOG or Karnofsky by its value."""
    if group.last_kind == OTHER:
        return []  # the name just before the value is not a catalogue variable's
    named = [v for v in group.variables if v in CATALOGUE]
    if PAIR in group.kinds and group.named and expr.form != PAIRED:
        named = [v for v in named if v in group.named]  # `blood pressure systolic of < 105`: SBP only
    if PERF in group.variables and not any(v in ("ecog", "karnofsky") for v in named) and SILENT not in group.variables:
        values = [float(x) for x in _NUMBER_RE.findall(text[expr.start:expr.end])]
        if values and ("%" in expr.units or max(values) >= 10):
            named.append("karnofsky")
        elif values and max(values) <= 5:
            named.append("ecog")
    return named


_OR_GAP_RE = re.compile(r"[\s,;]*or\s*")


def paired_alternatives(text: str, read: list[tuple[Expr, list[tuple[str, Range]]]], exclusion: bool) -> None:
    """Make alternatives (`EITHER_VARIABLE`) of the general ranges of consecutive values of one name group joined by
    `or` that read as different variables (`Creatinine or creatinine clearance ≤ 1.5 × ULN or ≥ 60 mL/min`: each name
    its value, in turn): in an INCLUSION criterion either admits; in an EXCLUSION one each excludes."""
    if exclusion or " or " not in text:
        return
    for (a, a_read), (b, b_read) in zip(read, read[1:], strict=False):
        if a.owner is None or a.owner is not b.owner or a.negated or b.negated or a.ruled_out or b.ruled_out or \
                not a_read or not b_read or not _OR_GAP_RE.fullmatch(text, a.end, b.start) or \
                {v for v, _ in a_read} & {v for v, _ in b_read}:
            continue
        for _, rng in (*a_read, *b_read):
            if rng.condition is None:
                rng.condition = EITHER_VARIABLE


def readings(doc: Text, expr: Expr, exclusion: bool) -> Iterable[tuple[str, Range]]:
    """(variable, allowed range) for every variable the expression constrains."""
    group = expr.owner
    if group is None:
        return
    text = doc.text
    gap = text[group.end:expr.start] if group.end <= expr.start else ""
    outside = _OUTSIDE_RE.search(gap.lower()) is not None
    condition = doc.quote(*expr.condition) if expr.condition else None
    if condition is not None:
        condition = CONNECTOR_TRIM_RE.sub("", condition) or None
        if condition is not None and WITHOUT_RE.search(condition.lower()) and \
                not (expr.continues is not None and expr.continues.condition is None):
            # `in patients without liver metastases`: the general population, unless the bound before already was
            # (`ECOG 0-1 (or 2 if no ascites)`)
            condition = None
    excluding = (exclusion or expr.ruled_out) != expr.negated  # the bound is turned round
    joined = expr.joined_by
    # `or`/`listed` alternatives admit only where the bound is read as stated; the two bounds an exclusion needs
    # together (`and`) only where they are turned round
    if joined == "unless" or (condition is None and joined is not None and (
            excluding if joined == "and" else not (exclusion or expr.ruled_out or expr.negated))):
        condition = _JOINED[joined]  # after `unless`, in place of the bare word the exception's span quotes
    span_start = min(group.start, expr.start) if group.end > group.start else expr.start
    if expr.continues is not None:
        span_start = min(span_start, expr.continues.start)
    variables = _resolve_variables(group, expr, text)
    if expr.form == PAIRED:
        if tuple(variables) not in _PAIRS:
            return
    elif group.kinds == {PAIR}:
        return  # `blood pressure > 140 mmHg`: one number for a pair of variables says neither
    for index, variable in enumerate(variables):
        for parsed in _parse_bounds(doc, expr, variable, index):
            lower, lower_inc, upper, upper_inc, unit, raw_value, raw_unit, _ = parsed
            if excluding and not expr.exception:
                flipped = _complement(variable, lower, lower_inc, upper, upper_inc, outside)
                if flipped is None:
                    continue
                lower, lower_inc, upper, upper_inc = flipped
            elif outside:
                continue
            yield variable, Range(lower, lower_inc, upper, upper_inc, unit, raw_value, raw_unit,
                                  (span_start, expr.end), condition or (LOST_COMPARATOR if expr.restored else None))


def restore_lost_comparators(doc: Text, exprs: list[Expr], exclusion: bool) -> None:
    """Read back each lone bound whose `≥` or `≤` an encoding turned into `=` as its variable's healthier side (a
    multiple of the ULN: at most), written the other way where the criterion rules it out, and mark it restored (a
    caveat, not a bound to apply); before `readings`, so that the bounds that continue it inherit the side. Only a
    single value, with its unit unless it is a scale's (not a formula's `eGFR = 175 × Scr^-1.154`); where its
    variables disagree, or trials take either side (age, BMI), it keeps no comparator and stays unread, as before."""
    for expr in exprs:
        if expr.cmp != LOST:
            continue
        expr.cmp, expr.lost = None, True
        if expr.owner is None or not (expr.n2 is None or (expr.form == GRADE and expr.n2 == expr.n1)):
            continue
        catalogued = [CATALOGUE[v] for v in _resolve_variables(expr.owner, expr, doc.text)]
        uln = ULN in (expr.u1, expr.u2) or expr.form == BARE_ULN
        sides = {"lower" if uln else var.better for var in catalogued}
        if len(sides) != 1 or None in sides or (expr.u1 is None and not uln and any(v.scale is None for v in catalogued)):
            continue
        turned = (exclusion or expr.ruled_out) != expr.negated and not expr.exception  # as `readings` turns it
        expr.cmp, expr.restored = (GE if (sides.pop() == "higher") != turned else LE), True


def unread_lost_comparators(doc: Text, exprs: list[Expr], exclusion: bool) -> list[str]:
    """The bounds whose lost comparator was not read back, as written: what each would read with `≥` in its place
    (after `restore_lost_comparators`)."""
    in_pair = in_equals_pair(doc.text)  # a pair of `=` left as written lost its comparators too
    written: list[str] = []
    for expr in exprs:
        lost = expr.lost or in_pair(expr.start)
        if lost and not expr.restored and expr.owner is not None and not expr.dropped:
            expr.cmp = GE
            written += (doc.quote(*rng.span) for _, rng in readings(doc, expr, exclusion))
            expr.cmp = None
    return list(dict.fromkeys(w for w in written if w))


def _quote(doc: Text, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The span of a raw value or unit; quoted from the original only for the ranges that become Measures."""
    return span or None


def _quoted(doc: Text, raw: tuple[int, int] | str | None) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw or None
    return doc.quote(*raw) or None


def _post_comparator(post: str | None, variable: str) -> str | None:
    """The comparator a postfix marker means for this variable (`1 or better`: ≤ for ECOG, ≥ for Karnofsky)."""
    if post == POST_GE:
        return GE
    if post == POST_LE:
        return LE
    better = CATALOGUE[variable].better
    if post in (POST_BETTER, POST_WORSE) and better is not None:
        return GE if (post == POST_BETTER) == (better == "higher") else LE
    return None


def _one_sided(cmp: str, value: float, unit: str, raw_value: Span, raw_unit: Span) -> Bounds:
    if cmp in (GE, GT):
        return value, cmp == GE, None, None, unit, raw_value, raw_unit, False
    return None, None, value, cmp == LE, unit, raw_value, raw_unit, False


def _parse_bounds(doc: Text, expr: Expr, variable: str, index: int) -> list[Bounds]:
    """The stated ranges of one expression for one variable, in canonical units (before the kind is applied): one,
    or two for `> 160 and < 100 mmHg` (two bounds that make no range)."""
    if expr.form == VALUE and expr.n1 is not None and expr.n2 is not None and expr.cmp in (GT, GE) and \
            expr.cmp2 in (LT, LE) and expr.n1 > expr.n2:
        first = _value_bounds(doc, expr, variable, single=1)
        second = _value_bounds(doc, expr, variable, single=2)
        return [b for b in (first, second) if b is not None]
    bounds = _bounds(doc, expr, variable, index)
    return [] if bounds is None else [bounds]


def _bounds(doc: Text, expr: Expr, variable: str, index: int) -> Bounds | None:
    var = CATALOGUE[variable]
    if expr.form == LIST:
        if var.scale is None or var.unit != "score" or not all(var.scale[0] <= x <= var.scale[1] for x in expr.values):
            return None
        return min(expr.values), True, max(expr.values), True, var.unit, _quote(doc, expr.n1_span), None, True
    if expr.form == BARE_ULN:
        if not var.uln:
            return None
        return _one_sided(expr.cmp or LE, 1.0, ULN, None, _quote(doc, expr.u1_span))
    if expr.form == GRADE:
        return _grade_bounds(doc, expr, variable)
    if expr.form == PAIRED:
        value = expr.n1 if index == 0 else expr.n2
        conv = to_canonical(variable, value, expr.u1) if value is not None else None
        cmp = expr.cmp or _post_comparator(expr.post, variable)
        if conv is None or cmp is None or not plausible(variable, *conv):
            return None
        return _one_sided(cmp, conv[0], conv[1], _quote(doc, expr.n1_span), _quote(doc, expr.u1_span))
    return _value_bounds(doc, expr, variable)


def _grade_bounds(doc: Text, expr: Expr, variable: str) -> Bounds | None:
    """`Child-Pugh B or C` → 7–15; `class II or higher` → ≥ 2; `≥ B` → ≥ 7."""
    low, high = expr.n1, expr.n2
    if low is None or high is None:
        return None
    unit = CATALOGUE[variable].unit
    raw = _quote(doc, expr.n1_span)
    cmp = expr.cmp or _post_comparator(expr.post, variable)
    if cmp is None:
        return low, True, high, True, unit, raw, None, True
    return _one_sided(cmp, low if cmp in (GE, LT) else high, unit, raw, None)


def _listed_ends(doc: Text, expr: Expr, cmp: str | None) -> bool:
    """Whether `A and B` are the two ends of a range written after its name and a colon or `of`, with no comparator
    and the lower end first (`Blood glucose: 70 mg/dl and 99 mg/dl`, `a BMI of 30.0 and 34.9`: `between` left
    out)."""
    return cmp is None and expr.post is None and expr.continues is None and expr.owner is not None \
        and expr.n2 is not None and expr.n1 is not None and expr.n1 < expr.n2 \
        and doc.text[expr.owner.end:expr.start].strip().lower() in _ENDS_AFTER


def _value_bounds(doc: Text, expr: Expr, variable: str, single: int = 0) -> Bounds | None:
    """A number or range with its unit and comparators (`single` 1 or 2: only that number, with its comparator)."""
    if expr.n1 is None:
        return None
    var = CATALOGUE[variable]
    k1, k2 = expr.u1, expr.u2
    if single:
        value, unit = (expr.n1, k1 or k2) if single == 1 else (expr.n2, k2 or k1)
        cmp_single = expr.cmp if single == 1 else expr.cmp2
        span = expr.n1_span if single == 1 else expr.n2_span
        conv = to_canonical(variable, value, unit) if value is not None and cmp_single else None
        if conv is None or cmp_single is None or not plausible(variable, *conv):
            return None
        return _one_sided(cmp_single, conv[0], conv[1], _quote(doc, span), _quote(doc, expr.u2_span or expr.u1_span))
    if expr.continues is not None and not k1 and not k2:
        prev = expr.continues
        prev_unit = (prev.u2 or prev.u1) if prev.form == VALUE else None
        if prev_unit is not None:
            # `≤ 1.5 mg/dL (≤ 3 if Gilbert)` shares the unit; `≤ 1.5 mg/dL; ≤ 1 plus proteinuria` is another thing
            after = doc.text[expr.end:expr.end + 40]
            if _WORD_AFTER_RE.match(after) and not COND_RE.match(after.lstrip(" ,(").lower()):
                return None
            k1 = k2 = prev_unit
    cmp: str | None = expr.cmp or (expr.owner.prefix_cmp if expr.owner and expr.continues is None else None)
    if cmp is None and expr.comparator_from is not None:
        cmp = expr.comparator_from.cmp
    n1, n2 = expr.n1, expr.n2
    if n2 is not None and expr.sep in ("and", "&") and not (expr.cmp2 or expr.between or
                                                             (expr.owner and expr.owner.between)) \
            and not _listed_ends(doc, expr, cmp):
        n2 = None  # `18 years and 0 days`: not a range
    if n2 is not None:
        if k1 is None and k2 is not None:
            k1 = k2
        elif k2 is None:
            k2 = k1
        a = _with_extra(to_canonical(variable, n1, k1), variable, expr.extra1)
        b = _with_extra(to_canonical(variable, n2, k2), variable, expr.extra2)
        if a is None or b is None or a[1] != b[1] or not (plausible(variable, *a) and plausible(variable, *b)):
            return None
        if a[0] > b[0]:
            a, b = b, a  # `ECOG 2-0`, `75-18 years`: a range written high to low
        lower_inc = cmp != GT
        upper_inc = expr.cmp2 != LT
        raw_value = (expr.n1_span[0], expr.n2_span[1]) if expr.n1_span and expr.n2_span else None
        range_unit = _quote(doc, expr.u2_span) or _quote(doc, expr.u1_span)
        if var.unit == "score" and var.scale is not None and not (var.scale[0] <= a[0] and b[0] <= var.scale[1]):
            return None
        return a[0], lower_inc, b[0], upper_inc, a[1], raw_value, range_unit, True
    post_cmp = _post_comparator(expr.post, variable)
    if post_cmp is not None:
        cmp = post_cmp
    elif expr.post is not None:
        return None  # `or better` on a variable without a direction
    if cmp is None and expr.continues is not None and expr.condition is not None:
        cmp = _inherited_cmp(expr.continues, variable)  # `≤ 1.5 mg/dL (3 if Gilbert)`
    if cmp is None:
        # `ECOG 1`, and a scale point stated under a condition after a range (`ECOG 0-1 (or 2 if due to pain)`)
        if var.scale is not None and k1 is None and n1 == int(n1) and var.scale[0] <= n1 <= var.scale[1] \
                and (expr.continues is None or expr.condition is not None) and var.unit in ("score", "class"):
            return n1, True, n1, True, var.unit, _quote(doc, expr.n1_span), None, True
        return None
    conv = _with_extra(to_canonical(variable, n1, k1), variable, expr.extra1)
    if conv is None or not plausible(variable, *conv):
        return None
    if var.unit in ("score", "class", "count") and conv[1] == var.unit and n1 != int(n1):
        return None  # `ECOG 1.5`: scale points and counts are whole numbers
    return _one_sided(cmp, conv[0], conv[1], _quote(doc, expr.n1_span), _quote(doc, expr.u1_span))


def _with_extra(conv: tuple[float, str] | None, variable: str, extra: tuple[float, str | None] | None):
    """`24 years and 364 days`: the smaller unit's part added (None when it cannot be)."""
    if conv is None or extra is None:
        return conv
    part = to_canonical(variable, extra[0], extra[1])
    return (conv[0] + part[0], conv[1]) if part is not None and part[1] == conv[1] else None


def _inherited_cmp(expr: Expr, variable: str) -> str | None:
    if expr.post:
        return _post_comparator(expr.post, variable)
    return expr.cmp


def _complement(variable: str, lower, lower_inc, upper, upper_inc, outside: bool):
    """The allowed range of an EXCLUSION criterion that states the excluded range."""
    if outside:
        return (lower, lower_inc, upper, upper_inc) if lower is not None and upper is not None else None
    if lower is not None and upper is not None:
        scale = CATALOGUE[variable].scale
        if scale is not None and upper >= scale[1] and lower > scale[0]:
            return None, None, lower, False  # `ECOG 3-4` excluded: ECOG < 3 allowed
        if scale is not None and lower <= scale[0] and upper < scale[1]:
            return upper, False, None, None  # `Karnofsky 0-50` excluded: > 50 allowed
        return None
    if lower is not None:
        return None, None, lower, not lower_inc
    if upper is not None:
        return upper, not upper_inc, None, None
    return None


# --- assembling the ranges of one criterion -----------------------------------------------------------------------
def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def _same(a: Range, b: Range) -> bool:
    return a.unit == b.unit and _close(a.lower, b.lower) and _close(a.upper, b.upper) and \
        (a.lower is None or a.lower_inclusive == b.lower_inclusive) and \
        (a.upper is None or a.upper_inclusive == b.upper_inclusive)


def measures(doc: Text, ranges: dict[str, list[Range]]) -> list[Measure]:
    """The Measures of one criterion: repeated statements once, one-sided bounds merged, looser ones marked."""
    out: list[tuple[int, Measure]] = []
    for variable, found in ranges.items():
        kept: list[Range] = []
        for rng in found:
            if any(_same(rng, k) for k in kept):
                continue  # `ANC ≥ 1500/µL (≥ 1.5 × 10^9/L)`: one statement in two units
            kept.append(rng)
        kept = _merge_sides(kept, doc)
        _mark_disjoint(kept)
        kept = [r for r in kept if not _implied(r, kept)]
        kept = [r for r in kept if not _contradicts_general(r, kept)]
        _mark_looser(kept)
        for rng in kept:
            out.append((rng.order, Measure(
                variable=variable, lower_value=_round(rng.lower), lower_inclusive=rng.lower_inclusive,
                upper_value=_round(rng.upper), upper_inclusive=rng.upper_inclusive, unit=rng.unit,
                raw_value=_quoted(doc, rng.raw_value), raw_unit=_quoted(doc, rng.raw_unit),
                source_text=doc.quote(*rng.span) or doc.original.strip()[:200],
                **condition_fields(rng.condition))))
    out.sort(key=lambda pair: pair[0])
    return [mes for _, mes in out]


def _implied(rng: Range, kept: list[Range]) -> bool:
    """`ECOG 0 or 1 … (ie, ECOG PS > 1)` ruled out: a general one-sided bound that a general range of the same
    criterion already states."""
    if rng.condition is not None or (rng.lower is None) == (rng.upper is None):
        return False
    for other in kept:
        if other is rng or other.condition is not None or other.lower is None or other.upper is None \
                or other.unit != rng.unit:
            continue
        if rng.upper is not None and _close(other.upper, rng.upper) and other.upper_inclusive == rng.upper_inclusive:
            return True
        if rng.lower is not None and _close(other.lower, rng.lower) and other.lower_inclusive == rng.lower_inclusive:
            return True
    return False


def _contradicts_general(rng: Range, kept: list[Range]) -> bool:
    """`Total bilirubin ≤ 1.5 × ULN (Gilbert's syndrome with a total bilirubin > 1.5 × ULN … permitted)`: a
    conditional bound on the opposite side of the general one describes the exception, not an allowed range."""
    if rng.condition is None or (rng.lower is None) == (rng.upper is None):
        return False
    for other in kept:
        if other.condition is None and other.unit == rng.unit and (other.lower is None) != (other.upper is None) \
                and (other.lower is None) != (rng.lower is None):
            return True
    return False


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _merge_sides(kept: list[Range], doc: Text) -> list[Range]:
    """`Age ≥ 18 … and ≤ 75`, `BMI > 40 or BMI < 18.5` (excluded): one-sided bounds of one variable make a range."""
    result: list[Range] = []
    for rng in kept:
        partner = None
        if rng.condition is None and (rng.lower is None) != (rng.upper is None):
            for other in result:
                if other.condition is None and other.unit == rng.unit and \
                        (other.lower is None) != (other.upper is None) and (other.lower is None) != (rng.lower is None):
                    lo = rng if rng.lower is not None else other
                    hi = rng if rng.upper is not None else other
                    if lo.lower is not None and hi.upper is not None and (
                            lo.lower < hi.upper or lo.lower == hi.upper and lo.lower_inclusive and hi.upper_inclusive):
                        partner = other
                        break
        if partner is None:
            result.append(rng)
            continue
        lo = rng if rng.lower is not None else partner
        hi = rng if rng.upper is not None else partner
        partner.lower, partner.lower_inclusive = lo.lower, lo.lower_inclusive
        partner.upper, partner.upper_inclusive = hi.upper, hi.upper_inclusive
        partner.span = (min(lo.span[0], hi.span[0]), max(lo.span[1], hi.span[1]))
        partner.raw_value = " … ".join(x for x in (_quoted(doc, lo.raw_value), _quoted(doc, hi.raw_value)) if x)
        partner.raw_unit = lo.raw_unit or hi.raw_unit
    return result


def _mark_disjoint(kept: list[Range]) -> None:
    """General ranges with no value in common: `Age < 18 or > 75` admitted (`≥ 18 … ≤ 75` excluded: either side of a
    band), `Age 18-30 or 50-65`, a table of limits by age band (`1 to <2 years: 0.6, 2 to <6 years: 0.8`). Rows are
    read together (each must admit the patient), so as general bounds they would exclude everyone: each is recorded
    as one of the alternatives instead; so are ranges that share one end and nothing else (`aged 0 to 6 years or
    6 to 12 years`: as general rows, a child of 9 would be excluded by the first)."""
    general = [r for r in kept if r.condition is None]
    for i, a in enumerate(general):
        for b in general[i + 1:]:
            if a.unit != b.unit:
                continue
            if _wholly_below(a, b) or _wholly_below(b, a):
                rays = (a.lower is None) != (a.upper is None) and (b.lower is None) != (b.upper is None)
                a.condition = b.condition = EITHER_SIDE if rays else DISJOINT
            elif _meet_end_to_end(a, b) or _meet_end_to_end(b, a):
                a.condition = b.condition = ADJOINING


def _wholly_below(a: Range, b: Range) -> bool:
    """Whether every value `a` admits is below every value `b` admits."""
    return ends_below(a.upper, a.upper_inclusive, b.lower, b.lower_inclusive)


def _meet_end_to_end(a: Range, b: Range) -> bool:
    """Whether two bounded ranges share only one value: `a`'s upper end, `b`'s lower end."""
    return None not in (a.lower, a.upper, b.lower, b.upper) and a.upper == b.lower and a.lower != b.upper


def _mark_looser(kept: list[Range]) -> None:
    """Two general bounds on the same side: the stricter stays general, the looser is recorded as an alternative."""
    general = [r for r in kept if r.condition is None]
    for i, a in enumerate(general):
        for b in general[i + 1:]:
            if a.unit != b.unit or a.condition is not None or b.condition is not None:
                continue
            if a.lower is not None and b.lower is not None and a.upper is None and b.upper is None:
                looser = a if a.lower < b.lower else b
            elif a.upper is not None and b.upper is not None and a.lower is None and b.lower is None:
                looser = a if a.upper > b.upper else b
            else:
                continue
            looser.condition = LOOSER_ALTERNATIVE


__all__ = ["readings", "measures", "GRADE", "VALUE"]
