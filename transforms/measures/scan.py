"""Scanning a normalised criterion into expressions (numbers, units, comparators) and mentions (catalogue names)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from schemas.measures import CATALOGUE, PAIRED_ABBREVIATIONS, PAIRED_NAMES, SHARED_NAMES
from schemas.other_names import OTHER_ABBREVIATIONS, OTHER_NAMES
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
from transforms.measures.normalise import (
    GE,
    GT,
    LE,
    LOST,
    LT,
    POSTFIX,
    SYMBOL_PATTERNS,
    WORD_REPLACEMENTS,
    Text,
    lower,
    trie_pattern,
)
from transforms.measures.units import TIME_SYMBOLS, ULN_QUALIFIER, ULN_WORDS, UNIT_PATTERN, states_age, unit_symbol

# ---------------------------------------------------------------------------------------------------------------
# Expressions
# ---------------------------------------------------------------------------------------------------------------
# a number: not the tail of a name (`IL-6`, `COVID-19`), unless a unit ends the letters (`18 years-65 years`)
_NUM_BODY = (r"(?:\d+,\d{1,2}(?=\s*(?:[x×*]\s*10|(?:mg|g|mmol|umol)\s*/))|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
             r"|\d{1,3}(?: \d{3})+(?=\s*(?:/|cells|per\b|[x×*]\s*10))"
             # `50.000 /mmc`: dots as thousands separators (NCT04346355)
             r"|\d{1,3}(?:\.\d{3})+(?=\s*(?:/|cells|per\b))"
             r"|\d+(?:\.\d+)?)"
             r"(?![\d]|[.,]\d|\s*/\s*\d)")
_NUM = r"(?<![\w.,^/\\])(?<![A-Za-z]-)" + _NUM_BODY
_NUM_AFTER_UNIT = r"(?<![\w.,^/\\])(?(u1)|(?<![A-Za-z]-))" + _NUM_BODY
_CMP = rf"[≥≤<>{LOST}]"  # and `=` where an encoding lost the comparator (`assemble` reads its side)
_AGE_SUFFIX = r"(?:\s*-?\s*(?:old|of\s+age|of-age|age)(?![a-z]))"
_NO_WORD_AFTER = r"(?![a-z]|\s*/\s*[a-z])"
_SMALLER_TIME = r"(?:months?|weeks?|days?)(?![a-z])"
_BP_NUMBER = r"\d{2,3}(?![\d.,])"
# guard: an expression starts with a digit, a comparator, `within` before a number or `between`/`from`/`in the`/
# `the range`/`ranging` (whose first four characters the classes allow position by position), so the other positions
# fail on one lookahead instead of trying each alternative
_EXPR_RE = re.compile(
    rf"(?=[\d≥≤<>{LOST}]|[bfitr][ehnra][toen\s][wmgt\s]|within\s+\d)(?:"
    # `0, 1 or 2`, `0-1 or 2`: points of a scale (a range of them first only before `or` and a last point that no
    # word follows: `ECOG 0-1 and 2 prior lines` is two statements)
    r"(?P<list>(?<![\w.,^/])[0-5](?![\d]|\.\d)(?P<lrange>\s*-\s*[0-5](?![\d]|\.\d)(?=\s*,?\s*or\b))?"
    r"(?:\s*(?:,\s*(?:or|and)?|/|or|and|&)\s*[0-5](?![\d]|\.\d)){1,5}(?(lrange)(?!\s*[a-z%])))"
    rf"|(?P<bcmp>{_CMP})\s*(?P<buln>(?:the\s+)?{ULN_QUALIFIER}{ULN_WORDS})(?![a-z])"
    # `140/90 mmHg`, `80 x 50 mmHg`: a blood pressure pair
    rf"|(?:(?P<pcmp>{_CMP})\s*)?(?<![\w.,/])(?P<pa>{_BP_NUMBER})\s*(?:/|(?P<px>[x×]))\s*(?P<pb>{_BP_NUMBER})"
    r"(?:\s*(?P<pu>mm\s*/?\s*hg))?(?(px)(?<=g)|)(?!\s*/)"
    rf"(?:\s*(?P<ppost>[{POSTFIX}]))?"
    r"|(?:(?P<between>between|from|(?:in\s+)?the\s+range(?:\s+(?:of|from))?|ranging\s+(?:from|between)"
    # `within 3.5-5.0 mmol/L` is a range; `within 14 days` and `within 1-2 years` are windows of time
    r"|within(?=\s+\d[\d.,]*\s*(?:-|~|to)\s*\d[\d.,]*(?![\d.,])(?!\s*(?:y|mo|w|d|h|min)[a-z]*\b)))\s+)?"
    rf"(?:(?P<cmp>{_CMP})\s*(?:{_CMP}\s*)?)?"
    # `18 or more years` (the postfix comparator before the unit), `24-years-old`, `18 years and 0 days`
    rf"(?P<n1>{_NUM})(?:\s*(?P<post1>[{POSTFIX}]))?(?:\s*-?\s*(?P<u1>{UNIT_PATTERN}))?(?(u1)|{_NO_WORD_AFTER})"
    rf"(?(u1)(?:\s+and\s+(?P<x1>\d+)\s*(?P<xu1>{_SMALLER_TIME}))?|)(?P<a1>{_AGE_SUFFIX})?"
    rf"(?:\s*(?P<sep>-|~|to|through|thru|and|&)\s*(?P<cmp2>[≤<])?\s*(?P<n2>{_NUM_AFTER_UNIT})"
    rf"(?:\s*-?\s*(?P<u2>{UNIT_PATTERN}))?(?(u2)|{_NO_WORD_AFTER})"
    rf"(?(u2)(?:\s+and\s+(?P<x2>\d+)\s*(?P<xu2>{_SMALLER_TIME}))?|))?"
    rf"(?P<a2>{_AGE_SUFFIX})?(?:\s*(?P<post>[{POSTFIX}]))?)"
)  # on the lower-cased text: case-sensitive literals fail fast, units are told apart on the text as written
_DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")
_THOUSANDS_DOT_RE = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_COUNT_UNIT_NEXT_RE = re.compile(r"\s*(?:/|cells|per\b)")
_SCALE_POINT_RE = re.compile(r"[0-5]")
_VALUE_START_RE = re.compile(r"[\d≥≤<>]")
_LEAD = 24  # `in the range from ≥ `: the longest lead of an expression before its first digit or comparator
# an expression can only be a value if a name precedes it, it states an age, people precede a span of time
# (`men 18-75 years`), a count noun follows it (`2 prior lines`), or it continues one that can
COUNTED_NOUNS = {noun: var.name for var in CATALOGUE.values() for noun in var.counted}
COUNTED_RE = re.compile(
    r"\s+(?:(?:prior|previous|earlier|systemic|cytotoxic|chemotherapy|chemotherapeutic|anti-?cancer|treatment|therapy"
    r"|therapeutic|standard|different|platinum-based|lines?\s+of|regimens?\s+of|myeloma|mm|biologic(?:al)?|hormonal"
    r"|endocrine|targeted|immunotherapy|combination|salvage|induction|chemo)\s+){0,3}"
    r"(?P<noun>" + "|".join(sorted(COUNTED_NOUNS, key=len, reverse=True)) + r")\b")  # on lower-cased text
PERSON_NOUNS = (r"males?|females?|men|women|boys|girls|patients?|participants?|subjects?|volunteers?|adults?"
                r"|children|child|infants?|neonates?|newborns?|adolescents?|individuals?|persons?|people")
_PEOPLE_WORDS = PERSON_NOUNS + r"|who|are|is|be|were|healthy|and|or|of|either|sex|gender|both|must"
# Without a catalogue name, a criterion can still state an age (`18 years old`, `men 18-75 years`, `18-75 years` on
# its own) or a count (`2 prior lines`); if none of these cues occurs, nothing in it can be read.
_CUE_WORDS = {"old": r"\b", "of age": "", "of-age": "", "age": r"\b", "yo": r"\b",
              **dict.fromkeys(COUNTED_NOUNS, r"\b")}
# each alternative starts with its first letter, so that a search skips the other positions at once
_CUE_WORDS_RE = re.compile(
    "|".join(re.escape(w[0]) + (rf"(?<!\w{re.escape(w[0])})" if w in COUNTED_NOUNS or w == "yo" else "")
             + re.escape(w[1:]) + end for w, end in _CUE_WORDS.items()) + r"|y(?:\s*/\s*o|\.\s*o)")


def _cue_res(number: str, comparator: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The cues of an age or a count that need a number: the number within the first words, or after people."""
    people = [w for alt in _PEOPLE_WORDS.split("|") for w in ((alt[:-2], alt[:-1]) if alt.endswith("s?") else (alt,))]
    return (re.compile(rf"[\s\-*•·:(]*(?:[a-z]+\s+){{0,3}}{comparator}?{number}"),
            re.compile(trie_pattern(people, not_after=r"\w") + r"[\s,()]*(?:(?:between|from|ranging(?:\s+from|\s+between)?"
                       rf"|(?:in\s+)?the\s+range)\s+)?{comparator}?{number}"))


_LEAD_CUE_RE, _PEOPLE_CUE_RE = _cue_res(r"\d", r"(?:[≥≤<>]\s*)")
_CONTINUATION_REACH = 90  # characters between two expressions that continue one another (as link reads them)
PEOPLE_TAIL_RE = re.compile(r"(?:^|[\s,(])(?:(?:" + _PEOPLE_WORDS + r")[\s,()]*){1,6}$")  # on lower-cased text
_PEOPLE_ONLY_RE = re.compile(r"(?:(?:" + _PEOPLE_WORDS + r")\b[\s,()]*){1,8}")  # on lower-cased text
_PERSON_RE = re.compile(rf"\b(?:{PERSON_NOUNS})\b")


def is_whole_criterion(lowered: str, start: int, end: int) -> bool:
    """Whether a bound is all a criterion says, but for the people it is about before it (`Over 18`, `Adults 18 and
    over`, `Patients must be 18 or older`): such a bound on a bare number states an age."""
    head = lowered[:start].strip(" -*•·:(")
    if head and (_PEOPLE_ONLY_RE.fullmatch(head) is None or _PERSON_RE.search(head) is None):
        return False
    return not lowered[end:].strip(" .;,)")


def may_state_an_age_or_count(lowered: str) -> bool:
    """Whether a criterion without any catalogue name can still hold an age or a count (the cheap test)."""
    return _CUE_WORDS_RE.search(lowered) is not None or _LEAD_CUE_RE.match(lowered) is not None \
        or _PEOPLE_CUE_RE.search(lowered) is not None


def _span(m: re.Match[str], group: str) -> tuple[int, int] | None:
    start, end = m.span(group)
    return (start, end) if start >= 0 else None


def _expression(m: re.Match[str], text: str, lowered: str) -> Expr:
    """The typed expression of one match of the expression regex on the lower-cased text."""
    if m.group("n1"):
        return _value(m, text, lowered)
    if m.group("list"):
        values = tuple(float(x) for x in _SCALE_POINT_RE.findall(m.group("list")))
        return Expr(m.start(), m.end(), LIST, values=values, n1_span=_span(m, "list"))
    if m.group("bcmp"):
        return Expr(m.start(), m.end(), BARE_ULN, cmp=m.group("bcmp"), u1_span=_span(m, "buln"))
    if m.group("pa"):
        return Expr(m.start(), m.end(), PAIRED, n1=float(m.group("pa")), n2=float(m.group("pb")),
                    n1_span=(m.start("pa"), m.end("pb")), u1="mmHg" if m.group("pu") else None,
                    u1_span=_span(m, "pu"), cmp=m.group("pcmp"), post=m.group("ppost"))
    raise AssertionError("every alternative of the expression regex sets one of its groups")


def _value(m: re.Match[str], text: str, lowered: str) -> Expr:
    """A VALUE expression: a number or a range, with units and comparators."""
    n1, n2, u1, u2, cmp, cmp2, post, sep, between, a1, a2, post1 = m.group(
        "n1", "n2", "u1", "u2", "cmp", "cmp2", "post", "sep", "between", "a1", "a2", "post1")
    n1_span = m.span("n1")
    n2_span = m.span("n2") if n2 else None
    u1_span = m.span("u1") if u1 else None
    u2_span = m.span("u2") if u2 else None
    expr = Expr(
        m.start(), m.end(), VALUE, _read_number(n1, lowered, n1_span[1]),
        _read_number(n2, lowered, n2_span[1]) if n2_span else None, n1_span, n2_span,
        unit_symbol(text[u1_span[0]:u1_span[1]]) if u1_span else None,
        unit_symbol(text[u2_span[0]:u2_span[1]]) if u2_span else None,
        u1_span, u2_span, cmp, cmp2, post or post1, sep, bool(between),
        bool(a1 or a2 or (u1 and states_age(u1)) or (u2 and states_age(u2))))
    if m.group("x1") or m.group("x2"):
        expr.extra1 = (float(m.group("x1")), unit_symbol(m.group("xu1"))) if m.group("x1") else None
        expr.extra2 = (float(m.group("x2")), unit_symbol(m.group("xu2"))) if m.group("x2") else None
    return expr


def _read_number(raw: str, lowered: str, end: int) -> float | None:
    """The value of a number as written: `1,500` and `50.000 /mmc` are thousands, `1,5 mg/dL` a decimal comma."""
    if "." in raw and _THOUSANDS_DOT_RE.fullmatch(raw) and _COUNT_UNIT_NEXT_RE.match(lowered, end):
        raw = raw.replace(".", "")  # `50.000 /mmc` (NCT04346355): dots as thousands separators before a count unit
    elif "," in raw and _DECIMAL_COMMA_RE.fullmatch(raw):
        raw = raw.replace(",", ".")
    try:
        return float(raw.replace(",", "").replace(" ", ""))
    except ValueError:
        return None


def _may_be_a_value(m: re.Match[str], lowered: str, named_from: int, previous_end: int) -> bool:
    """Whether anything could own this expression (the cheap test that spares building the ones nothing can)."""
    start = m.start()
    if start > named_from or start - previous_end <= _CONTINUATION_REACH:
        return True
    before_name = lowered[m.end():named_from]
    if not before_name.strip(" (") and any(c in m.group() for c in "<>≤≥"):
        return True  # a bound the first name follows may be of that name (`> 90 morphine milligram equivalents`)
    if before_name.strip() in ("≤", "<"):
        return True  # a lower bound written before the first name (`18 ≤ age ≤ 75`)
    if not m.group("n1"):
        return False
    if m.group("a1") or m.group("a2") or COUNTED_RE.match(lowered, m.end("n1")) or COUNTED_RE.match(lowered, m.end()):
        return True
    units = (m.group("u1") or "") + (m.group("u2") or "")
    if not units:
        return is_whole_criterion(lowered, start, m.end())  # `Over 18`, `Adults 18 and over`
    if not (states_age(units) or unit_symbol(m.group("u1")) in TIME_SYMBOLS
            or unit_symbol(m.group("u2")) in TIME_SYMBOLS):
        return False
    head = lowered[max(0, start - 80):start]
    return states_age(units) or PEOPLE_TAIL_RE.search(head) is not None or not head.rsplit(";", 1)[-1].strip(" -*•·:")


_AGE_COMPARATIVE_RE = re.compile(r"\b(?:younger|older)\b", re.IGNORECASE)


def mark_age_comparatives(doc: Text, exprs: list[Expr]) -> None:
    """Mark the spans of time written with `younger`/`older` (`younger than 6 months`, `6 months or older`), which
    the word rewrite made plain comparators: said of people, such a span is their age."""
    if _AGE_COMPARATIVE_RE.search(doc.original) is None:
        return
    for expr in exprs:
        if expr.form == VALUE and {expr.u1, expr.u2} & TIME_SYMBOLS:
            expr.age_comparative = _AGE_COMPARATIVE_RE.search(doc.quote(expr.start, expr.end)) is not None


def scan_expressions(text: str, lowered: str, named_from: int) -> list[Expr]:
    """Every value statement of a normalised criterion (given its lower-cased copy and where the first catalogue
    name starts) that something could own, in text order."""
    found: list[Expr] = []
    previous_end = -10 * _CONTINUATION_REACH
    pos = 0
    while (value := _VALUE_START_RE.search(lowered, pos)) is not None:
        # an expression starts at most `_LEAD` characters before its first digit or comparator (`in the range of`):
        # the words between two values are skipped, not tried position by position
        m = _EXPR_RE.search(lowered, max(pos, value.start() - _LEAD))
        if m is None:
            break
        if _may_be_a_value(m, lowered, named_from, previous_end):
            found.append(_expression(m, text, lowered))
            previous_end = m.end()
        pos = m.end()
    return found


# ---------------------------------------------------------------------------------------------------------------
# Mentions: the catalogue's names (case-insensitive, on the lower-cased text with hyphens as blanks) and
# abbreviations (case-sensitive), each found by one trie-shaped regex so that a position costs one branch per
# character rather than one try per name.
# ---------------------------------------------------------------------------------------------------------------
_STRICT_NEXT = r"(?=\s*(?:[<>≤≥=:]|\(?\s*ml|\d))"  # a strict abbreviation is a name only before a value


def _fold(name: str) -> str:
    """A catalogue name as the name regex sees the text: lower-cased, hyphens as blanks."""
    return lower(name).replace("-", " ")


_SPELLINGS: dict[str, list[str]] = {}
for _phrase, _digits in WORD_REPLACEMENTS.items():
    if _digits.isdigit():
        _SPELLINGS.setdefault(_digits, []).append(_phrase)


def _spelled(name: str) -> list[str]:
    """`hiv 1 rna` as written before its number word became a digit (`HIV-one RNA`): forms that only the cleaned
    text holds, so that the names found in it include every name of the normalised text (never found there)."""
    m = re.search(r"(?<![a-z0-9])\d+(?![a-z0-9])", name)
    if m is None:
        return []
    return [out for phrase in _SPELLINGS.get(m.group(), ()) for word in (phrase, phrase.replace("-", " "))
            for out in _spelled(name[:m.start()] + word + name[m.end():]) or [name[:m.start()] + word + name[m.end():]]]


def _name_table() -> dict[str, tuple[tuple[str, ...], str]]:
    """Folded name → (variables, kind), plural forms included."""
    table: dict[str, tuple[tuple[str, ...], str]] = {}

    def add(name: str, variables: tuple[str, ...], kind: str) -> None:
        folded = _fold(name)
        for form in (folded, folded + "s") if folded[-1].isalpha() and not folded.endswith("s") else (folded,):
            table.setdefault(form, (variables, kind))
            for spelled in _spelled(form):
                table.setdefault(spelled, (variables, kind))

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
            for spelled in _spelled(lower(abbreviation)):  # `IGF-one`: its cased forms
                for form in {spelled, spelled.upper(), spelled.capitalize()}:
                    table.setdefault(form, ((var.name,), NAME))
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
_NAME_RE = re.compile(r"(?<![a-z0-9])(?=[a-z0-9])" + trie_pattern(_NAMES) + r"(?![a-z0-9])")
_ABBREVIATION_RE = re.compile(trie_pattern(_ABBREVIATIONS, dict.fromkeys(STRICT_ABBREVIATIONS, _STRICT_NEXT),
                                           not_after="A-Za-z0-9") + r"(?![A-Za-z])")


def _name_starts() -> set[str]:
    """The letters each catalogue name or abbreviation starts with (up to its first non-letter), and the words an
    age, a duration or a count is written with: a criterion holding none of them at a word start has no measure."""
    starts = {"age", "aged", "old", "yo", "y", "year", "yr", "month", "mo", "mth", "week", "wk", "day", "hour", "h",
              *COUNTED_NOUNS}
    named = [*_NAMES.items(), *((word.lower(), entry) for word, entry in _ABBREVIATIONS.items())]
    for word, (_, kind) in named:
        if kind != OTHER:
            first = word.split(" ")[0]
            # `c reactive protein`, `d dimer`: a one-letter first word is too common to tell anything alone
            starts.add(word if len(first) == 1 and " " in word else first)
    return starts


_NAME_START_RE = re.compile(r"(?<![a-z0-9])(?=[a-z0-9])" + trie_pattern(_name_starts()))
_SHORT = 40  # `Over 18`: a criterion this short may be one bare bound, an age


def may_name_a_measure(text: str) -> bool:
    """Whether a criterion as written can hold a catalogue name, an age or a count (the cheap test before any
    normalisation: it errs on the side of yes)."""
    return len(text) <= _SHORT or _NAME_START_RE.search(text.lower()) is not None


# The names of the cleaned text (before comparator and number words are rewritten) include every name of the
# normalised text, strict abbreviations found whatever follows them; with the cues of an age or a count written in
# words too, a criterion holding none of them cannot yield a measure.
_ANY_ABBREVIATION_RE = re.compile(trie_pattern(_ABBREVIATIONS, not_after="A-Za-z0-9") + r"(?![A-Za-z])")
_STRICT_NEXT_RE = re.compile(_STRICT_NEXT)
_REWRITTEN_WORD_RE = re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(WORD_REPLACEMENTS) + r")(?![a-z])")
_REWRITTEN_OTHERS = frozenset(name for name, (_, kind) in _NAMES.items()
                              if kind == OTHER and _REWRITTEN_WORD_RE.search(name))  # `minimum legal adult age`
_WORD_NUMBER = r"(?:\d|" + trie_pattern({_fold(w) for w, out in WORD_REPLACEMENTS.items() if out[0].isdigit()}) + ")"
_WORD_CMP = (r"(?:(?:[≥≤<>]|" + "|".join(f"(?:{p})" for p in SYMBOL_PATTERNS) + "|" + trie_pattern(
    {_fold(w) for w, out in WORD_REPLACEMENTS.items() if out in (GE, LE, GT, LT)}) + r")\s*)")
_WRITTEN_LEAD_CUE_RE, _WRITTEN_PEOPLE_CUE_RE = _cue_res(_WORD_NUMBER, _WORD_CMP)  # on the cleaned folded text

Found = tuple[int, int, tuple[tuple[str, ...], str], bool]  # start, end, (variables, kind), a strict abbreviation


def find_names(text: str, folded: str) -> list[Found]:
    """The names and abbreviations of a cleaned criterion (`folded`: lower-cased, hyphens as blanks), overlaps and
    strict abbreviations not yet decided."""
    found = [(*m.span(), _NAMES[m.group()], False) for m in _NAME_RE.finditer(folded)]
    for m in _ANY_ABBREVIATION_RE.finditer(text):
        found.append((*m.span(), _ABBREVIATIONS[m.group()], m.group() in STRICT_ABBREVIATIONS))
    return found


def may_yield(found: list[Found], text: str, folded: str) -> bool:
    """Whether a cleaned criterion holds a catalogue name or the cue of an age or a count (the precise pre-filter:
    a criterion without either yields nothing once normalised)."""
    for start, end, (_, kind), _strict in found:
        if kind != OTHER or folded[start:end] in _REWRITTEN_OTHERS:
            return True
    return _CUE_WORDS_RE.search(folded) is not None or _WRITTEN_LEAD_CUE_RE.match(folded) is not None \
        or _WRITTEN_PEOPLE_CUE_RE.search(folded) is not None


def scan_mentions(text: str, lowered: str, found: list[Found] | None = None) -> list[Mention]:
    """Every catalogue name and abbreviation in a normalised criterion (`found`: `find_names` of it when it is its
    own cleaned text); where two overlap the earlier, then the longer, wins (`direct bilirubin` over `bilirubin`,
    `HbA1c` over `Hb`)."""
    if found is None:
        found = find_names(text, lowered.replace("-", " "))
    items = []
    for start, stop, entry, strict in found:
        if strict and not _STRICT_NEXT_RE.match(text, stop):
            m = _ABBREVIATION_RE.match(text, start)  # a shorter abbreviation at its place, if any
            if m is None:
                continue
            start, stop, entry = m.start(), m.end(), _ABBREVIATIONS[m.group()]
        items.append((start, stop, entry))
    items.sort(key=lambda item: (item[0], -item[1]))
    kept: list[Mention] = []
    end = -1
    for start, stop, (variables, kind) in items:
        if start >= end:
            kept.append(Mention(start, stop, variables, kind))
            end = stop
    return kept


# ---------------------------------------------------------------------------------------------------------------
# Grades: `NYHA class III or IV`, `Child-Pugh B or C`, `Fitzpatrick skin type I-III` right after a scale's name
# ---------------------------------------------------------------------------------------------------------------
_GRADE_LEAD = (r"[\s:,(]*(?:(?:of|is)\s+)?(?:(?:(?:functional|heart\s+failure|skin)\s+)?(?:class(?:ification)?s?|grades?|stages?"
               r"|scores?|categor(?:y|ies)|types?|phototypes?)(?:\s+of)?\s*)*")
_GRADE_SEP = r"\s*(?:-|to|through|or|and|/|,\s*(?:or|and)?)\s*(?:(?:class|grade|type)\s+)?"


def _grade_token(grades: Iterable[str], named: bool = False) -> str:
    """A grade, and the score it stands for when one is written right after it (`Child-Pugh B7`: a score of 7)."""
    grade, score = ("?P<grade>", "?P<score>") if named else ("?:", "?:")
    return (f"({grade}" + "|".join(sorted(map(re.escape, grades), key=len, reverse=True)) + rf")({score}\d{{1,2}})?"
            r"(?![A-Za-z\d])")


def _grade_re(grades: Iterable[str]) -> re.Pattern[str]:
    token = _grade_token(grades)
    return re.compile(rf"(?:\s*(?P<cmp0>{_CMP}))?{_GRADE_LEAD}(?P<cmp>{_CMP}\s*)?(?P<grades>{token}(?:{_GRADE_SEP}{token})*)"
                      rf"(?:\s*(?P<post>[{POSTFIX}]))?")


def _conditional_grade_re(grades: Iterable[str]) -> re.Pattern[str]:
    """Grades in parentheses right after a grade, stated under a condition: `NYHA class I-II (III if stable)`."""
    token = _grade_token(grades)
    return re.compile(rf"\s*\(\s*(?:or\s+)?(?:(?:class|grade|stage)\s+)?(?P<grades>{token}(?:{_GRADE_SEP}{token})*)"
                      r"(?=\s+(?:(?:is|are)\s+)?(?:allowed\s+|permitted\s+)?(?:if|when|for|in|provided)\b)")


_GRADE_RES = {var.name: (_grade_re(var.grades), re.compile(_grade_token(var.grades, named=True)),
                         _conditional_grade_re(var.grades))
              for var in CATALOGUE.values() if var.grades}


def _grade_range(grades: Mapping[str, tuple[float, float]], token: re.Match[str]) -> tuple[float, float] | None:
    """The score range of one grade token: the grade's, or the one score written after it (None when that score is
    not one of the grade's)."""
    low, high = grades[token.group("grade")]
    if token.group("score") is None:
        return low, high
    score = float(token.group("score"))
    return (score, score) if low <= score <= high else None


def scan_grades(text: str, mentions: list[Mention]) -> list[Expr]:
    """The grades written right after the name of a scale that has them, as expressions of their score range."""
    found: list[Expr] = []
    for men in mentions:
        if len(men.variables) != 1 or men.variables[0] not in _GRADE_RES:
            continue
        variable = men.variables[0]
        grade_re, token_re, conditional_re = _GRADE_RES[variable]
        m = grade_re.match(text, men.end)
        if m is None:
            continue
        grades = CATALOGUE[variable].grades
        cmp = (m.group("cmp") or m.group("cmp0") or "").strip() or None
        expr = _grade_expr(m, grades, token_re, variable, cmp=cmp, post=m.group("post"))
        if expr is None:
            continue  # `Child-Pugh B12`: no score of the grade, so not read as one
        found.append(expr)
        if (cond := conditional_re.match(text, m.end())) and (then := _grade_expr(cond, grades, token_re, variable)):
            then.continues = expr  # its condition follows it: `(III if stable)`
            found.append(then)
    return found


def _grade_expr(m: re.Match[str], grades: Mapping[str, tuple[float, float]], token_re: re.Pattern[str],
                variable: str, cmp: str | None = None, post: str | None = None) -> Expr | None:
    """The score range of the grades a match holds (its group `grades`), None if a score is not one of its grade's."""
    ranges = [_grade_range(grades, t) for t in token_re.finditer(m.group("grades"))]
    scores = [r for r in ranges if r is not None]
    if len(scores) < len(ranges):
        return None
    return Expr(m.start("grades"), m.end(), GRADE, n1=float(min(r[0] for r in scores)),
                n2=float(max(r[1] for r in scores)), n1_span=(m.start("grades"), m.end("grades")), cmp=cmp,
                post=post, grade_variable=variable)


__all__ = ["STRICT_ABBREVIATIONS", "mark_age_comparatives", "scan_expressions", "scan_grades", "scan_mentions"]
