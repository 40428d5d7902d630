"""Scanning a normalised criterion into expressions (numbers, units, comparators) and mentions (catalogue names)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from schemas.measures import (
    CATALOGUE,
    OTHER_ABBREVIATIONS,
    OTHER_NAMES,
    PAIRED_ABBREVIATIONS,
    PAIRED_NAMES,
    SHARED_NAMES,
)
from transforms.measures.model import (
    BARE_ULN,
    GRADE,
    LIST,
    NAME,
    OTHER,
    PAIR,
    PAIRED,
    PERFORMANCE,
    VALUE,
    Expr,
    Mention,
)
from transforms.measures.normalise import POSTFIX, lower
from transforms.measures.units import ULN_WORDS, UNIT_PATTERN, states_age, unit_symbol

# ---------------------------------------------------------------------------------------------------------------
# Expressions
# ---------------------------------------------------------------------------------------------------------------
_NUM = (r"(?<![\w.,^/\\])(?<![A-Za-z]-)"
        r"(?:\d+,\d{1,2}(?=\s*(?:[x×*]\s*10|(?:mg|g|mmol|umol)\s*/))|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
        r"|\d{1,3}(?: \d{3})+(?=\s*(?:/|cells|per\b|[x×*]\s*10))"
        r"|\d{1,3}(?:\.\d{3})+(?=\s*(?:/|cells|per\b))"  # `50.000 /mmc`: dots as thousands separators (NCT04346355)
        r"|\d+(?:\.\d+)?)"
        r"(?![\d]|[.,]\d|\s*/\s*\d)")
_CMP = r"[≥≤<>]"
_AGE_SUFFIX = r"(?:\s*-?\s*(?:old|of\s+age|of-age|age)(?![a-z]))"
_NO_WORD_AFTER = r"(?![a-z]|\s*/\s*[a-z])"
_BP_NUMBER = r"\d{2,3}(?![\d.,])"
# guard: an expression starts with a digit, a comparator or `between`/`from`/`in the`/`the range`/`ranging` (whose
# first four characters the classes allow position by position), so the other positions fail on one lookahead
# instead of trying each alternative
_EXPR_RE = re.compile(
    r"(?=[\d≥≤<>]|[bfitr][ehnra][toen\s][wmgt\s])(?:"
    r"(?P<list>(?<![\w.,^/])[0-5](?![\d]|\.\d)(?:\s*(?:,\s*(?:or|and)?|/|or|and|&)\s*[0-5](?![\d]|\.\d)){1,5})"
    rf"|(?P<bcmp>{_CMP})\s*(?P<buln>(?:the\s+)?{ULN_WORDS})(?![a-z])"
    # `140/90 mmHg`, `80 x 50 mmHg`: a blood pressure pair
    rf"|(?:(?P<pcmp>{_CMP})\s*)?(?<![\w.,/])(?P<pa>{_BP_NUMBER})\s*(?:/|(?P<px>[x×]))\s*(?P<pb>{_BP_NUMBER})"
    r"(?:\s*(?P<pu>mm\s*/?\s*hg))?(?(px)(?<=g)|)(?!\s*/)"
    rf"(?:\s*(?P<ppost>[{POSTFIX}]))?"
    r"|(?:(?P<between>between|from|(?:in\s+)?the\s+range(?:\s+(?:of|from))?|ranging\s+(?:from|between))\s+)?"
    rf"(?:(?P<cmp>{_CMP})\s*(?:{_CMP}\s*)?)?"
    rf"(?P<n1>{_NUM})(?:\s*(?P<u1>{UNIT_PATTERN}))?(?(u1)|{_NO_WORD_AFTER})(?P<a1>{_AGE_SUFFIX})?"
    rf"(?:\s*(?P<sep>-|~|to|through|thru|and|&)\s*(?P<cmp2>[≤<])?\s*(?P<n2>{_NUM})(?:\s*(?P<u2>{UNIT_PATTERN}))?"
    rf"(?(u2)|{_NO_WORD_AFTER}))?"
    rf"(?P<a2>{_AGE_SUFFIX})?(?:\s*(?P<post>[{POSTFIX}]))?)",
    re.IGNORECASE,
)
_DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")
_THOUSANDS_DOT_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SCALE_POINT_RE = re.compile(r"[0-5]")


def _span(m: re.Match[str], group: str) -> tuple[int, int] | None:
    return (m.start(group), m.end(group)) if m.group(group) else None


def _expression(m: re.Match[str]) -> Expr:
    """The typed expression of one match of the expression regex."""
    if m.group("list"):
        values = tuple(float(x) for x in _SCALE_POINT_RE.findall(m.group("list")))
        return Expr(m.start(), m.end(), LIST, values=values, n1_span=_span(m, "list"))
    if m.group("bcmp"):
        return Expr(m.start(), m.end(), BARE_ULN, cmp=m.group("bcmp"), u1_span=_span(m, "buln"))
    if m.group("pa"):
        return Expr(m.start(), m.end(), PAIRED, n1=float(m.group("pa")), n2=float(m.group("pb")),
                    n1_span=(m.start("pa"), m.end("pb")), u1="mmHg" if m.group("pu") else None,
                    u1_span=_span(m, "pu"), cmp=m.group("pcmp"), post=m.group("ppost"))
    n1 = m.group("n1")
    n2 = m.group("n2")
    thousands_dot = _THOUSANDS_DOT_RE.fullmatch
    return Expr(
        m.start(), m.end(), VALUE,
        n1=_read_number(n1, thousands_dot(n1) is not None),
        n2=_read_number(n2, thousands_dot(n2) is not None) if n2 else None,
        n1_span=_span(m, "n1"), n2_span=_span(m, "n2"),
        u1=unit_symbol(m.group("u1")), u2=unit_symbol(m.group("u2")), u1_span=_span(m, "u1"), u2_span=_span(m, "u2"),
        cmp=m.group("cmp"), cmp2=m.group("cmp2"), post=m.group("post"), sep=(m.group("sep") or "").lower() or None,
        between=bool(m.group("between")),
        states_age=bool(m.group("a1") or m.group("a2") or states_age(m.group("u1")) or states_age(m.group("u2"))))


def _read_number(raw: str, thousands_dot: bool) -> float | None:
    """The value of a number as written: `1,500` and `50.000 /mmc` are thousands, `1,5 mg/dL` a decimal comma."""
    raw = raw.strip()
    if thousands_dot and raw.count(".") >= 1 and len(raw.rsplit(".", 1)[1]) == 3:
        # the regex only lets a `d.ddd` through before a count unit (`/mm³`, `cells`), where it means thousands
        raw = raw.replace(".", "")
    elif _DECIMAL_COMMA_RE.fullmatch(raw):
        raw = raw.replace(",", ".")
    try:
        return float(raw.replace(",", "").replace(" ", ""))
    except ValueError:
        return None


def scan_expressions(text: str) -> list[Expr]:
    """Every value statement of a normalised criterion, in text order."""
    return [_expression(m) for m in _EXPR_RE.finditer(text)]


# ---------------------------------------------------------------------------------------------------------------
# Mentions: the catalogue's names (case-insensitive, on the lower-cased text with hyphens as blanks) and
# abbreviations (case-sensitive), each found by one trie-shaped regex so that a position costs one branch per
# character rather than one try per name.
# ---------------------------------------------------------------------------------------------------------------
_NAME_FOLD = str.maketrans({"-": " ", "_": " "})
_STRICT_NEXT = r"(?=\s*(?:[<>≤≥=:]|\(?\s*ml|\d))"  # a strict abbreviation is a name only before a value


def _fold(text: str) -> str:
    return lower(text).translate(_NAME_FOLD)


def _trie_pattern(words: Iterable[str], strict: frozenset[str] = frozenset()) -> str:
    """A regex matching any of `words`, longest first, shaped as a trie (shared prefixes written once)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = word in strict and "strict" or "end"

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        end = node.get("")
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")" if branches else ""
        if end is None:
            return body
        tail = _STRICT_NEXT if end == "strict" else ""
        if not body:
            return tail
        return f"(?:{body}|{tail})" if tail else f"(?:{body})?"

    return emit(trie)


def _name_table() -> dict[str, tuple[tuple[str, ...], str]]:
    """Folded name → (variables, kind), plural forms included."""
    table: dict[str, tuple[tuple[str, ...], str]] = {}

    def add(name: str, variables: tuple[str, ...], kind: str) -> None:
        folded = _fold(name)
        for form in (folded, folded + "s") if folded[-1].isalpha() and not folded.endswith("s") else (folded,):
            table.setdefault(form, (variables, kind))

    for var in CATALOGUE.values():
        for name in var.names:
            add(name, (var.name,), NAME)
    for name, variables in SHARED_NAMES.items():
        add(name, variables, NAME)
    for name, variables in PAIRED_NAMES.items():
        add(name, variables, PAIR)
    for name in ("performance status", "performance score", "physical fitness status", "performance",
                 "physical status score"):
        add(name, (), PERFORMANCE)
    for name in OTHER_NAMES:
        add(name, (), OTHER)
    return table


def _abbreviation_table() -> tuple[dict[str, tuple[tuple[str, ...], str]], frozenset[str]]:
    table: dict[str, tuple[tuple[str, ...], str]] = {}
    strict: set[str] = set()
    for var in CATALOGUE.values():
        for abbreviation in var.abbreviations:
            table.setdefault(abbreviation, ((var.name,), NAME))
        for abbreviation in var.strict_abbreviations:
            table.setdefault(abbreviation, ((var.name,), NAME))
            strict.add(abbreviation)
    for abbreviation, variables in PAIRED_ABBREVIATIONS.items():
        table.setdefault(abbreviation, (variables, PAIR))
    for abbreviation in OTHER_ABBREVIATIONS:
        table.setdefault(abbreviation, ((), OTHER))
    return table, frozenset(strict)


_NAMES = _name_table()
_ABBREVIATIONS, STRICT_ABBREVIATIONS = _abbreviation_table()
_NAME_RE = re.compile(r"(?<![a-z0-9])(?=[a-z0-9])" + _trie_pattern(_NAMES) + r"(?![a-z0-9])")
_ABBREVIATION_RE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z])" + _trie_pattern(_ABBREVIATIONS, STRICT_ABBREVIATIONS)
                              + r"(?![A-Za-z])")


def scan_mentions(text: str) -> list[Mention]:
    """Every catalogue name and abbreviation in a normalised criterion; where two overlap the earlier, then the
    longer, wins (`direct bilirubin` over `bilirubin`, `HbA1c` over `Hb`)."""
    found = [Mention(m.start(), m.end(), *_NAMES[m.group()]) for m in _NAME_RE.finditer(_fold(text))]
    found += [Mention(m.start(), m.end(), *_ABBREVIATIONS[m.group()]) for m in _ABBREVIATION_RE.finditer(text)]
    if not found:
        return found
    found.sort(key=lambda men: (men.start, men.start - men.end))
    kept = [found[0]]
    for men in found[1:]:
        if men.start >= kept[-1].end:
            kept.append(men)
    return kept


# ---------------------------------------------------------------------------------------------------------------
# Grades: `NYHA class III or IV`, `Child-Pugh B or C`, `Fitzpatrick skin type I-III` right after a scale's name
# ---------------------------------------------------------------------------------------------------------------
_GRADE_LEAD = (r"[\s:,(]*(?:(?:(?:functional|heart\s+failure|skin)\s+)?(?:class(?:ification)?s?|grades?|stages?"
               r"|scores?|categor(?:y|ies)|types?|phototypes?)(?:\s+of)?\s*)*")
_GRADE_SEP = r"\s*(?:-|to|through|or|and|/|,\s*(?:or|and)?)\s*(?:(?:class|grade|type)\s+)?"


def _grade_re(grades: Iterable[str]) -> re.Pattern[str]:
    token = "(?:" + "|".join(sorted(map(re.escape, grades), key=len, reverse=True)) + r")(?![A-Za-z])"
    return re.compile(rf"{_GRADE_LEAD}(?P<cmp>{_CMP}\s*)?(?P<grades>{token}(?:{_GRADE_SEP}{token})*)"
                      rf"(?:\s*(?P<post>[{POSTFIX}]))?")


_GRADE_RES = {var.name: (_grade_re(var.grades), re.compile("|".join(sorted(map(re.escape, var.grades), key=len,
                                                                              reverse=True)) + r"(?![A-Za-z])"))
              for var in CATALOGUE.values() if var.grades}


def scan_grades(text: str, mentions: list[Mention]) -> list[Expr]:
    """The grades written right after the name of a scale that has them, as expressions of their score range."""
    found: list[Expr] = []
    for men in mentions:
        if len(men.variables) != 1 or men.variables[0] not in _GRADE_RES:
            continue
        variable = men.variables[0]
        grade_re, token_re = _GRADE_RES[variable]
        m = grade_re.match(text, men.end)
        if m is None:
            continue
        grades = CATALOGUE[variable].grades
        ranges = [grades[t.group()] for t in token_re.finditer(m.group("grades"))]
        found.append(Expr(m.start("grades"), m.end(), GRADE, n1=min(r[0] for r in ranges),
                          n2=max(r[1] for r in ranges), n1_span=(m.start("grades"), m.end("grades")),
                          cmp=(m.group("cmp") or "").strip() or None, post=m.group("post"), grade_variable=variable))
    return found


__all__ = ["STRICT_ABBREVIATIONS", "scan_expressions", "scan_grades", "scan_mentions"]
