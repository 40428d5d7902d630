"""Criterion text → numeric/ordinal eligibility ranges with canonical units.

Segment, then assemble: the criterion is first normalised (comparator words → symbols, with a map back to the
original offsets), then cut into *mentions* (variable names, found by one alias regex) and *expressions*
(comparator + number + unit, ranges, ECOG lists, found by one expression regex). Each expression is then
assembled with its owner — the variable mention just before it, the expression it continues (`≥ 18 and ≤ 75`),
or the age it states itself (`18 years of age or older`) — converted to the variable's canonical unit, flipped
to the *allowed* range for an EXCLUSION criterion, and tagged with a condition when a clause such as
`if liver metastases present` or `for patients with Gilbert syndrome` qualifies it.

Precision first: a number whose unit does not fit the variable, or whose owner is unclear, yields nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# re's own parser (private, not in typeshed; stable since 3.11) tells how each alternative of a big regex can start
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

from schemas.measures import VARIABLES


@dataclass(frozen=True, slots=True)
class Measure:
    """One variable's allowed range found in one criterion, after applying the criterion's kind."""

    variable: str  # a key of VARIABLES
    lower_value: float | None
    lower_inclusive: bool | None
    upper_value: float | None
    upper_inclusive: bool | None
    unit: str | None  # canonical unit (VARIABLES[variable]) or "×ULN" when stated as a multiple of ULN
    raw_value: str | None  # the number(s) as written
    raw_unit: str | None  # the unit as written
    source_text: str  # the span the measure came from
    condition_text: str | None = None  # "if liver metastases present": a conditional bound


ULN = "×ULN"
_WEEKS_PER_YEAR = 52.1775
_DAYS_PER_YEAR = 365.25
_MAX_TEXT = 20_000  # a criterion longer than this is a mis-split document, not a criterion

# ---------------------------------------------------------------------------------------------------------------
# 0. First-character dispatch. Python's `re` tries every alternative of an alternation at every position it reaches
#    (a case-insensitive literal gets no quick reject), so the big alternations below are built with one branch per
#    first character that keeps, in their order, only the alternatives that can start with it: the same alternative
#    wins as in the plain alternation. re's own parser tells how an alternative can start (its first _PREFIX
#    characters); a position whose next characters fit none of its branch's alternatives fails before trying any.
# ---------------------------------------------------------------------------------------------------------------
_LETTER_KEYS = "atopscimdwhbfernlugvykqjxz"  # the most frequent word starts first: fewer classes to pass
_PREFIX = 3  # characters of an alternative's start that the dispatch checks (`and`, `the` fail before any is tried)
_CATEGORIES = {_sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_WORD: r"\w"}
# The first characters a match can start with: each a character, a class escape (`\s`) or None for any character;
# shorter than _PREFIX when the match can end sooner.
_Prefix = tuple[str | None, ...]


def _split_top(pattern: str) -> list[str]:
    """The top-level `|` alternatives of a pattern (brackets, classes and escapes respected)."""
    pieces: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 2 if pattern[i + 1:i + 2] == "]" else 1  # a `]` right after `[` is a member, not the end
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            pieces.append(pattern[start:i])
            start = i + 1
        i += 1
    pieces.append(pattern[start:])
    return pieces


def _chars(codes: Iterable[int], ignorecase: bool) -> set[str | None]:
    chars: set[str | None] = set()
    for code in codes:
        ch = chr(code)
        if ch.lower() == ch.upper() == ch or not ignorecase:
            chars.add(ch)
        elif ch.isascii():
            chars |= {ch.lower(), ch.upper()}  # so `ſ`, `K` (Kelvin), `ı`, `İ` go with theirs
        else:
            chars.add(None)
    return chars


def _concat(heads: set[_Prefix], tails: set[_Prefix]) -> set[_Prefix]:
    return {head if len(head) >= _PREFIX else (head + tail)[:_PREFIX] for head in heads for tail in tails}


def _prefixes(items, ignorecase: bool) -> set[_Prefix]:
    """The starts a match of re-parsed items can have (a superset: whatever is not understood may be anything)."""
    found: set[_Prefix] = {()}
    for op, av in items:
        if all(len(prefix) >= _PREFIX for prefix in found):
            break
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero-width: it can only narrow what follows
        step: set[_Prefix]
        if op is _sre.LITERAL:
            step = {(ch,) for ch in _chars([av], ignorecase)}
        elif op is _sre.IN:
            codes: list[int] = []
            escapes: set[str | None] = set()
            for kind, value in av:
                if kind is _sre.LITERAL:
                    codes.append(value)
                elif kind is _sre.RANGE:
                    codes.extend(range(value[0], value[1] + 1))
                else:  # a negated class or another category: any character
                    escapes.add(_CATEGORIES.get(value) if kind is _sre.CATEGORY else None)
            step = {(ch,) for ch in _chars(codes, ignorecase) | escapes}
        elif op is _sre.BRANCH:
            step = set().union(*(_prefixes(branch, ignorecase) for branch in av[1]))
        elif op is _sre.SUBPATTERN:
            _, add, delete, sub = av
            step = _prefixes(sub, (ignorecase or bool(add & re.IGNORECASE)) and not delete & re.IGNORECASE)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            low, high, sub = av
            once = _prefixes(sub, ignorecase)
            step = set()
            repeated: set[_Prefix] = {()}
            for count in range(min(high, _PREFIX) + 1):  # further repetitions only lengthen a full prefix
                if count >= min(low, _PREFIX):
                    step |= repeated
                repeated = _concat(repeated, once)
        else:
            return {(None,) * _PREFIX}
        found = _concat(found, step)
    return found


def _follow(starts: list[_Prefix]) -> str:
    """A lookahead for what every one of `starts` continues with after its first character ("" if anything)."""
    classes = ""
    for i in range(1, _PREFIX):
        chars = {start[i] if len(start) > i else None for start in starts}
        if None in chars:
            break
        members = sorted(ch for ch in chars if ch is not None)
        classes += "[" + "".join(ch if len(ch) > 1 else re.escape(ch) for ch in members) + "]"
    return f"(?={classes})" if classes else ""


def _alternation(alternatives: list[tuple[str, str, str]]) -> str:
    """`head(body)tail|…` for (head, body, tail) triples, one head and tail per run of neighbours sharing them."""
    runs: list[tuple[str, str, list[str]]] = []
    for head, body, tail in alternatives:
        if runs and runs[-1][0] == head and runs[-1][1] == tail:
            runs[-1][2].append(f"({body})")
        else:
            runs.append((head, tail, [f"({body})"]))
    return "(?:" + "|".join(f"{head}(?:{'|'.join(groups)}){tail}" for head, tail, groups in runs) + ")"


def _dispatch(alternatives: list[tuple[str, str, str, str]], keys: str, flags: int) -> tuple[str, tuple[str, ...]]:
    """The alternation of zero-width `head`, `(body)`, zero-width `tail` for each (label, head, body, tail), branched
    on the first character (which the caller's guard restricts to `keys`), and each capturing group's label."""
    # A lookahead sets an empty marker group for the key at the position when the next characters can continue one of
    # its alternatives (case-sensitive classes, which re rejects without a jump, unlike a branch of lookaheads); a
    # chain of `(?(marker)…)` conditionals then tries that key's alternatives. A key whose check fails marks `_idle`
    # and fails at once; a character outside the classes (`ſ`, Kelvin `K`: letters when case is ignored) tries all.
    ignorecase = bool(flags & re.IGNORECASE)
    split = [(label, head, tail, [(piece, _prefixes(_parser.parse(f"{head}(?:{piece}){tail}", flags), ignorecase))
                                  for piece in _split_top(body)])
             for label, head, body, tail in alternatives]
    tests: list[str] = []
    branches: list[tuple[str, str]] = []
    branch_labels: list[str] = []
    for n, key in enumerate(keys):
        firsts = {key.lower(), key.upper()}
        kept = []
        starts: list[_Prefix] = []
        for label, head, tail, pieces in split:
            chosen = []
            for piece, prefixes in pieces:
                mine = [p for p in prefixes if not p or p[0] is None or len(p[0]) > 1 or p[0] in firsts]
                if mine:
                    chosen.append(piece)
                    starts.extend(mine)
            if chosen:
                kept.append((head, "|".join(chosen), tail))
                branch_labels.append(label)
        if kept:
            tests.append(f"(?-i:[{re.escape(''.join(sorted(firsts)))}]){_follow(starts)}(?P<_k{n}>)")
            branches.append((f"_k{n}", _alternation(kept)))
    every_key = "".join(sorted({ch for key in keys for ch in (key.lower(), key.upper())}))
    tests.append(f"(?-i:[{re.escape(every_key)}])(?P<_idle>)")
    pattern = "(?(_idle)(?!)|" + _alternation([(head, body, tail) for _, head, body, tail in alternatives]) + ")"
    for marker, body in reversed(branches):
        pattern = f"(?({marker})(?:{body})|{pattern})"
    pattern = "(?=" + "|".join(tests) + "|)" + pattern
    # groups in the order they open: the markers, each key's alternatives, the whole alternation
    labels = ("", *([""] * len(tests)), *branch_labels, *(label for label, *_ in alternatives))
    return pattern, labels


# ---------------------------------------------------------------------------------------------------------------
# 1. Normalisation. Every rule maps a span of the input to a replacement; the offsets of every output character
#    are kept so that source_text / raw_value / condition_text can quote the original text.
# ---------------------------------------------------------------------------------------------------------------
_GE, _LE, _GT, _LT = "≥", "≤", ">", "<"
_POST_GE, _POST_LE = "\ue000", "\ue001"  # "or older", "or less": comparators written after the number

_CHAR_MAP = {
    "≧": _GE, "⩾": _GE, "≦": _LE, "⩽": _LE, "＞": _GT, "＜": _LT, "（": "(", "）": ")", "，": ",", "；": ";",
    "：": ":", "。": ". ", "～": "~", "–": "-", "—": "-", "−": "-", "‐": "-", "µ": "u", "μ": "u", "’": "'",
    "＝": "=", "﹤": _LT, "﹥": _GT, "≈": "~",
}
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_ENTITIES = {"&lt;": _LT, "&gt;": _GT, "&le;": _LE, "&ge;": _GE, "&amp;": "&", "&nbsp;": " "}

# Pass 1: characters, markdown escapes, entities, whitespace runs.
# guard: nothing starts at an ASCII letter or digit, nor at a lone space (most positions), which fail at once
_CHARS_RE = re.compile(
    r"(?=[^A-Za-z0-9 ]| \s)(?:"
    r"\\(?P<esc>[<>*^~\[\]()_#.+\-=|!&])"
    r"|(?P<ent>&(?:lt|gt|le|ge|amp|nbsp);)"
    r"|(?<=10)(?P<supexp>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹])"
    r"|(?P<char>[≧⩾≦⩽＞＜（）：，；。～–—−‐µμ’＝﹤﹥≈])"
    r"|(?P<ws>(?! (?!\s))\s+))"  # any run of blanks but a lone space, which is already normal
)

_S = r"\s+"
# Pass 2: comparator words → symbols (longest phrases first; a postfix comparator before the bare words).
_COMPARATOR_PHRASES: tuple[tuple[str, str], ...] = (
    # postfix: "18 years or older", "18 and over", "60% or greater"
    (r"(?:or\s+(?:older|more|greater|above|over|higher)|and\s+(?:older|above|over|up|greater|higher))"
     r"(?!\s+than\b)(?!\s*[≥≤<>]?\s*\.?\d)", _POST_GE),
    (r"(?:or\s+(?:less|fewer|lower|below|under|younger)|and\s+(?:under|below|younger|less))"
     r"(?!\s+than\b)(?!\s*[≥≤<>]?\s*\.?\d)", _POST_LE),
    # two-word comparators with "equal"
    (r"(?:greater|more|higher|larger|older)\s+than\s+or\s+equal(?:\s+to)?", _GE),
    (r"equal\s+(?:to\s+)?or\s+(?:greater|more|higher|above|larger|older)(?:\s+than)?", _GE),
    (r"greater\s+or\s+equal(?:\s+(?:to|than))?|at\s+or\s+above", _GE),
    (r"(?:less|lower|smaller|fewer|younger)\s+than\s+or\s+equal(?:\s+to)?", _LE),
    (r"equal\s+(?:to\s+)?or\s+(?:less|lower|below|smaller|fewer|younger)(?:\s+than)?", _LE),
    (r"less\s+or\s+equal(?:\s+(?:to|than))?|at\s+or\s+below", _LE),
    # negated comparators
    (r"(?:not|no)\s+(?:less|lower|fewer|smaller)\s+than|not\s+(?:below|under)", _GE),
    (r"(?:not|no)\s+(?:more|greater|higher|larger)\s+than|not\s+(?:above|over|exceeding)"
     r"|(?:does|do|should|must)\s+not\s+exceed|not\s+to\s+exceed|not\s+exceed", _LE),
    (r"at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?", _GE),
    (r"up\s+to(?:\s+and\s+including)?|a\s+maximum\s+of|maximum(?:\s+of)?", _LE),
    (r"(?:greater|more|higher|larger|older)\s+than|in\s+excess\s+of|exceed(?:s|ed|ing)?|above|over"
     r"|superior\s+to", _GT),
    (r"(?:less|lower|fewer|smaller|younger)\s+than|below|under|inferior\s+to", _LT),
    (r"within(?=\s+[\d.,]+\s*(?:[x×*]|times)?\s*(?:the\s+)?(?:institutional\s+)?(?:ULN|upper))", _LE),
)
_SYMBOL_PHRASES: tuple[tuple[str, str], ...] = (
    (r">\s*or\s*=|>\s*or\s+equal(?:\s+to)?|=\s*or\s*>|>\s*/\s*=|>\s*=|=\s*>|≥\s*/?\s*=", _GE),
    (r"<\s*or\s*=|<\s*or\s+equal(?:\s+to)?|=\s*or\s*<|<\s*/\s*=|<\s*=|=\s*<|≤\s*/?\s*=", _LE),
    (r">\s*than", _GT),
    (r"<\s*than", _LT),
)
_WORD_NUMBERS = {"twice": "2 times", "double": "2 times", "two": "2", "three": "3", "four": "4", "five": "5",
                 "ten": "10"}
# Group labels: the replacement of a phrase; empty for a word number (looked up in _WORD_NUMBERS).
_WORDS_SOURCE, _WORDS_GROUPS = _dispatch(
    [(f" {symbol} " if symbol in (_POST_GE, _POST_LE) else symbol, r"\b", p, r"\b")
     for p, symbol in _COMPARATOR_PHRASES]
    + [(symbol, "", p, "") for p, symbol in _SYMBOL_PHRASES]
    + [("", r"\b", r"twice|double|(?:two|three|four|five|ten)(?=\s+times\b)", r"\b")],
    _LETTER_KEYS + "<>=≥≤", re.IGNORECASE)
# guard: a phrase starts a word or is a symbol, so the other positions are skipped without trying each phrase
# (written as "not a letter after a word character" rather than as two alternatives, which cost a jump each)
_WORDS_RE = re.compile(r"(?<![A-Za-z0-9_](?=[A-Za-z]))(?=[A-Za-z<>=≥≤])" + _WORDS_SOURCE, re.IGNORECASE)
assert _WORDS_RE.groups == len(_WORDS_GROUPS) - 1, "a phrase must not capture"


@dataclass(slots=True)
class _Text:
    """Normalised text with, for every character, the start and end offset of what it replaced in the original."""

    text: str
    starts: Sequence[int]  # a range while nothing has been rewritten
    ends: Sequence[int]
    original: str

    def quote(self, start: int, end: int) -> str:
        """The original text behind normalised span [start, end)."""
        if end <= start or start >= len(self.text):
            return ""
        return self.original[self.starts[start]:self.ends[min(end, len(self.text)) - 1]].strip()


def _rewrite(src: _Text, pattern: re.Pattern[str], replace) -> _Text:
    """Apply `replace(match) -> str | None` to every match of `pattern`, keeping the offset maps."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    changed = False
    for m in pattern.finditer(src.text):
        new = replace(m)
        if new is None:
            continue
        changed = True
        out.append(src.text[pos:m.start()])
        starts.extend(src.starts[pos:m.start()])
        ends.extend(src.ends[pos:m.start()])
        if new:
            o_start, o_end = src.starts[m.start()], src.ends[m.end() - 1]
            out.append(new)
            starts.extend([o_start] * len(new))
            ends.extend([o_end] * len(new))
        pos = m.end()
    if not changed:  # the common case: nothing to rewrite, keep the maps as they are
        return src
    out.append(src.text[pos:])
    starts.extend(src.starts[pos:])
    ends.extend(src.ends[pos:])
    return _Text("".join(out), starts, ends, src.original)


def _replace_chars(m: re.Match[str]) -> str | None:
    if m.group("esc"):
        return m.group("esc")
    if m.group("ent"):
        return _ENTITIES[m.group("ent").lower()]
    if m.group("supexp"):
        return "^" + "".join(_SUPERSCRIPTS[c] for c in m.group("supexp"))
    if m.group("sup"):
        return _SUPERSCRIPTS[m.group("sup")]
    if m.group("char"):
        return _CHAR_MAP[m.group("char")]
    ws = m.group("ws")
    return None if ws == " " else " "


def _replace_words(m: re.Match[str]) -> str | None:
    index = m.lastindex or 0
    # IGNORECASE also lets `ı`/`ſ`/`K` match i/s/k: such a spelling is left as written rather than looked up
    return _WORDS_GROUPS[index] or _WORD_NUMBERS.get(m.group(index).lower())


_SPACES_RE = re.compile(r" {2,}")
_DIGIT_RE = re.compile(r"\d")


def _normalise(text: str) -> _Text:
    """Offset-preserving normalisation: unicode/markdown clean-up, then comparator words → symbols."""
    src = _Text(text, range(len(text)), range(1, len(text) + 1), text)
    src = _rewrite(src, _CHARS_RE, _replace_chars)
    src = _rewrite(src, _WORDS_RE, _replace_words)
    return _rewrite(src, _SPACES_RE, lambda m: " ") if "  " in src.text else src


# ---------------------------------------------------------------------------------------------------------------
# 2. Mentions: one alias regex. Silent aliases (`direct bilirubin`, `gestational age`, `HbA1c` before `Hb`, other
#    labs) are matched so that they block a shorter alias and break the link between an unrelated number and a
#    variable named further back. Abbreviations are case-sensitive (`(?-i:...)`): `EGFR` is a gene, `eGFR` a rate.
# ---------------------------------------------------------------------------------------------------------------
_SILENT = ""  # a recognised name that is not in the vocabulary
_PERF = "performance"  # "performance status" without a scale: ECOG or Karnofsky, decided by the value


def _cs(*abbreviations: str) -> str:
    """Case-sensitive abbreviations, bounded so that `Hb` does not match inside `HbA1c`."""
    return r"(?<![A-Za-z0-9])(?-i:" + "|".join(abbreviations) + r")(?![A-Za-z])"


# Order matters: at one position the first alternative that matches wins, so longer names come first.
_ALIASES: tuple[tuple[str, str], ...] = (
    (_SILENT, r"gestational\s+age|post-?menstrual\s+age|menstrual\s+age|corrected\s+age|bone\s+age|fetal\s+age"
              r"|age\s+of\s+(?:the\s+)?specimen|age\s+(?:at|of)\s+(?:onset|diagnosis)|onset\s+age|mean\s+age"
              r"|(?:child-?bearing|reproductive)\s+age|age-?appropriate|age-?adjusted|age\s+strata"
              r"|direct\s+bilirubin|conjugated\s+bilirubin|indirect\s+bilirubin|unconjugated\s+bilirubin"
              r"|urin(?:e|ary)\s+(?:albumin|creatinine(?!\s+clearance)|protein|bilirubin|white\s+blood\s+cells?)"
              r"|albumin(?:\s*[-/]\s*|\s+)(?:to\s*-?\s*)?creatinine\s+ratio|albumin[\s-]+bound|microalbumin\w*"
              r"|cd\s*\+?\s*4\+?(?:[\s+-]+(?:t[\s-]*)?(?:lymphocytes?|cells?|counts?|lymphocyte\s+counts?))*"
              r"|(?:cytotoxic\s+)?[tb][\s-]+lymphocytes?(?:\s+associated)?|tumou?r[\s-]+infiltrating\s+lymphocytes?"
              r"|lymphocyte\s+apheresis|human\s+leukocyte\s+antigen|leukocyte\s+esterase"
              r"|neutrophil[\s-]+(?:to[\s-]+)?lymphocyte\s+ratio|granulocyte[\s-]+(?:macrophage|colony)"
              r"|platelet[\s-]+(?:rich|transfusions?|growth|aggregation|function|inhibitors?|derived)"
              r"|fetal\s+ha?emoglobin|ha?emoglobin\s+[sfc]\b|mean\s+corpuscular\s+ha?emoglobin"
              r"|creatine\s+kinase|creatine\s+phosphokinase|fractional\s+shortening|ef\s+domain"
              r"|prothrombin\s+time|qt\s+interval(?!\s+corrected)|pr\s+interval|qrs"
              r"|calcium|potassium|sodium|magnesium|phosphorus|phosphate|glucose|cholesterol|triglycerides?"
              r"|hematocrit|haematocrit|testosterone|prolactin|amylase|lipase|uric\s+acid|ferritin|troponin"
              r"|fibrinogen|d-dimer|lactate\s+dehydrogenase|viral\s+load|body\s+weight|weight|height"
              r"|blood\s+pressure|heart\s+rate|oxygen\s+saturation|lansky|jansky|apgar|gleason|nyha"
              r"|dlco|fev1|fvc|ige|psa|lvesd|lvedd|iief(?:[\s-]*(?:ef|5|6|15))?|erectile\s+function"),
    (_SILENT, _cs("PT", "INRC", "Hct", "HCT", "CK", "CPK", "LDH", "GGT", "FPG", "BUN", "AFP", "CEA", "CRP", "ESR",
                  "FT3", "FT4", "T3", "T4", "RBC", "MCV", "NLR", "DBIL", "IBIL", "SpO2", "SBP", "DBP")),
    ("hba1c", r"(?:ha?emoglobin|hgb|hb)\s*a1c|glyc(?:ated|osylated)\s+ha?emoglobin(?:\s*a1c)?|glycohemoglobin"
              r"|a1c"),
    ("creatinine_clearance", r"creatinine\s+clearances?|clearance\s+of\s+creatinine|creatinine\s+cl(?![a-z])"
                             + "|" + _cs("CrCl", "CrCL", "CLcr", "CLCr", "CL cr", "CCr", "Ccr")),
    ("egfr", r"(?:estimated\s+)?glomerular\s+filtration\s+rates?|estimated\s+gfr"
             + "|" + _cs("eGFR", "GFR", "EGFR(?=\\s*[<>≤≥]|\\s*\\(?ml)")),
    ("creatinine", r"creatinine|" + _cs("Cr", "SCr", "sCr", "SCR", "CREA")),
    ("total_bilirubin", r"(?:total\s+)?(?:serum\s+)?bilirubin|" + _cs("TBIL", "TBil", "Tbil", "T-bil", "T\\.bil",
                                                                          "TB(?=\\s*[<>≤≥])", "STB")),
    ("transaminases", r"(?:serum\s+|liver\s+|hepatic\s+)?(?:transaminases?|aminotransferases)"),
    ("ast", r"aspartate\s+(?:amino\s*)?trans(?:aminase|ferase)|serum\s+glutamic[\s-]+oxal(?:o)?acetic\s+transaminase"
            + "|" + _cs("AST", "SGOT", "GOT", "ASAT", "AspAT")),
    ("alt", r"alanine\s+(?:amino\s*)?trans(?:aminase|ferase)|serum\s+glutamic[\s-]+pyruvic\s+transaminase"
            + "|" + _cs("ALT", "SGPT", "GPT", "ALAT", "AlAT")),
    ("alkaline_phosphatase", r"alkaline\s+phosphatase|alk\s+phos|" + _cs("ALP", "AKP", "ALKP")),
    ("albumin", r"(?:serum\s+)?albumin|" + _cs("ALB", "Alb")),
    ("anc", r"absolute\s+(?:peripheral\s+)?(?:neutrophils?|granulocytes?)(?:\s+counts?)?"
            r"|(?:neutrophils?|neutrophile?\s+granulocytes?|granulocytes?)(?:\s+counts?)?"
            + "|" + _cs("ANC", "AGC", "NEUT", "NE#", "NEU")),
    ("platelets", r"platelets?(?:\s+counts?)?|thrombocytes?(?:\s+counts?)?|" + _cs("PLT", "Plt", "PLTs")),
    ("hemoglobin", r"ha?emoglobin|" + _cs("Hb", "Hgb", "HGB", "HB(?=\\s*[<>≤≥])")),
    ("wbc", r"white\s+blood\s+cells?(?:\s+counts?)?|white\s+(?:blood\s+)?cell\s+counts?|(?:total\s+)?leu[ck]ocytes?"
            r"(?:\s+counts?)?|" + _cs("WBC", "WBCs", "TLC")),
    ("lymphocytes", r"(?:absolute\s+)?lymphocytes?(?:\s+counts?)?|" + _cs("ALC")),
    ("inr", r"international\s+normali[sz]ed\s+ratio|" + _cs("INR", "PT-INR", "PT/INR")),
    ("aptt", r"(?:activated\s+)?partial\s+thromboplastin\s+time|" + _cs("aPTT", "APTT", "PTT", "aPPT")),
    ("lvef", r"(?:left\s+ventricular|lv|cardiac)\s+ejection\s+fraction|ejection\s+fraction|"
             + _cs("LVEF")),
    ("qtc", r"(?:fridericia(?:'s)?[\s-]+)?corrected\s+qt(?:\s+interval)?|qt\s+interval\s+corrected|qtc[fb]?"
            r"(?:\s+interval)?"),
    ("bmi", r"body[\s-]+mass[\s-]+index|" + _cs("BMI")),
    ("tsh", r"thyroid[\s-]+stimulating\s+hormone|thyrotropin|" + _cs("TSH")),
    ("karnofsky", r"karnofsky|" + _cs("KPS")),
    ("ecog", r"eastern\s+cooperative\s+oncology\s+group|zubrod|who\s+performance\s+status|"
             + _cs("ECOG", "WHO(?=\\s+(?:PS\\b|[0-5]\\b))", "SWOG(?=\\s+[0-5]\\b)")),
    (_PERF, r"performance\s+(?:status|score)|physical\s+fitness\s+status"),
    ("life_expectancy", r"life[\s-]+expectancy|(?:expected|estimated|anticipated|predicted)\s+(?:survival|life\s*span)"
                        r"|survival\s+expectancy|expected\s+lifespan"),
    ("age", r"ages?|aged"),
)
# Every alias starts with a letter that does not continue a word: the guard lets the scanner skip the other
# positions, the first-letter dispatch tries only the aliases that can start with the letter found there.
_MENTION_SOURCE, _MENTION_GROUPS = _dispatch(
    [(variable, "", p, "") if p.startswith("(?<!") else (variable, r"(?<![\w-])", p, r"(?![a-z0-9])")
     for variable, p in _ALIASES], _LETTER_KEYS, re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z])" + _MENTION_SOURCE, re.IGNORECASE)
assert _MENTION_RE.groups == len(_MENTION_GROUPS) - 1, "an alias must not capture"

# ---------------------------------------------------------------------------------------------------------------
# 3. Expressions: numbers with units, ranges, comparator prefixes/postfixes, ECOG lists, bare `≤ ULN`.
# ---------------------------------------------------------------------------------------------------------------
_MULT = r"(?:[x×*]|times(?:\s*\(\s*x\s*\))?|-?\s*fold)"
_QUAL = r"(?:(?:the\s+)?(?:institutional|institution's|local|laboratory|lab|site|reference)\s+)?"
_ULN_WORDS = (r"(?:ULN|UNL|ULRR|upper\s+limits?\s+of\s+(?:the\s+)?(?:institutional\s+)?normal(?:\s+(?:range|values?|limits?))?"
              r"|upper\s+normal\s+limits?|normal\s+upper\s+limits?|upper\s+limit\s+of\s+(?:the\s+)?reference(?:\s+range)?)")
# (unit kind, pattern). One table drives both matching (alternation, in order) and classification.
_UNITS: tuple[tuple[str, str], ...] = (
    ("e9", r"[x×*]\s*10\s*(?:\^|~|\*\*?|e)?\s*\(?\s*9\s*\)?\s*(?:cells?\s*)?(?:/|per\s+)\s*l(?:iter|itre)?"),
    ("e9", r"[x×*]\s*10\s*(?:\^|~|\*\*?|e)?\s*\(?\s*3\s*\)?\s*(?:cells?\s*)?(?:/|per\s+)?\s*"
           r"(?:ul|mcl|mm\s*\^?\s*\(?3\)?|micro\s*-?\s*l(?:iter|itre)?|microlit(?:er|re))"),
    ("e6", r"[x×*]\s*10\s*(?:\^|~|\*\*?|e)?\s*\(?\s*6\s*\)?\s*(?:cells?\s*)?/\s*l"),
    ("e9", r"(?-i:G\s*/\s*[Ll]|Gpt\s*/\s*L)|/\s*nl|k\s*/\s*(?:ul|mcl|mm3)"),
    ("per_ul", r"(?:cells?|platelets?|neutrophils?|granulocytes?|leu[ck]ocytes?|lymphocytes?)?\s*(?:/|per)\s*"
               r"(?:ul|mcl|mm\s*\^?\s*\(?3\)?|cu\.?\s*mm|cmm|cubic\s+mm|micro\s*-?\s*lit(?:er|re)s?|micro\s*l)"),
    ("per_ul", r"(?:cells?\s*)?mm\s*\^?\s*\(\s*3\s*\)"),
    ("uln", rf"{_MULT}?\s*(?:the\s+)?{_QUAL}{_ULN_WORDS}(?:\s*\((?:ULN|UNL)\))?"),
    ("uln", rf"{_MULT}\s*(?:the\s+)?{_QUAL}normal(?:\s+(?:values?|limits?|range))?"),
    ("uln", r"(?-i:N)"),
    ("ml_min_bsa", r"(?:ml|cc)\s*/\s*min(?:ute)?\.?\s*(?:/|per)\s*[1l][.,]73\s*"
                   r"(?:m\s*\^?\s*\(?\s*2\s*\)?|sq\.?\s*m|square\s+met(?:er|re)s?|m)"),
    ("ml_min", r"(?:ml|cc)\s*/\s*min(?:ute)?"),
    ("ml_s", r"ml\s*/\s*s(?:ec)?"),
    ("kg_m2", r"kg\s*/\s*(?:m\s*\^?\s*\(?\s*2\s*\)?|sq\.?\s*m|square\s+met(?:er|re)s?|m)|kg\s*m-2"),
    ("mg_dl", r"mg\s*[/\\]\s*dl|mg\s*(?:/|per)\s*(?:100\s*ml|deciliter|decilitre)|mg\s*%|mg\s+per\s+dl"),
    ("umol_l", r"(?:u|mc|micro)\s*-?\s*mol(?:es)?\s*(?:/|per)\s*l(?:iter|itre)?|micromolar(?:\s*/\s*l)?|um"),
    ("mmol_mol", r"mmol\s*/\s*mol"),
    ("mmol_l", r"mmol\s*/\s*l"),
    ("g_dl", r"g(?:m|r|rams?)?\s*(?:/|per)\s*(?:dl|deciliter|decilitre|100\s*ml)|g\s*%|g\s*percent"),
    ("g_l", r"g(?:m|r|rams?)?\s*(?:/|per)\s*l(?:iter|itre)?"),
    ("miu_l", r"m\s*i?\s*u\s*/\s*l|u\s*i?u\s*/\s*ml"),
    ("u_l", r"(?:i\.?u\.?|u|units?)\s*/\s*l"),
    ("year", r"years?\s*-\s*old|year-old|yr-old|years?|yrs?\.?|y\.\s*o\.?|y\s*/\s*o|yo|y(?=\s*(?:old|of\s+age))"),
    ("month", r"months?\s*-\s*old|months?|mos?\.?|mths?"),
    ("week", r"weeks?\s*-\s*old|weeks?|wks?\.?"),
    ("day", r"days?\s*-\s*old|days?"),
    ("hour", r"hours?|hrs?|h"),
    ("percent", r"%|percent|per\s*cent|pct"),
    ("ms", r"msecs?|ms|milli\s*-?\s*seconds?|millisec(?:ond)?s?"),
    ("sec", r"sec(?:ond)?s?"),
    ("score", r"points?"),
    ("other", r"kg|lbs?|pounds?|mg\s*/\s*m\s*\^?\s*2|mg\s*/\s*kg|mg|ug|mcg|ng\s*/\s*(?:ml|dl|l)|pg\s*/\s*ml|ng"
              r"|mmhg|mm|cm|ml|l|min(?:utes?)?|cells?|copies|ku(?:a)?\s*/\s*l|bpm|beats|cigarettes?"
              r"|pack\s*-?\s*years?|units?|iu|mio|cgy|gy|mci|mbq|g|fold|times|doses?|cycles?|mmol|mol|°c"),
)
# Classification: the first unit pattern matching the whole unit, found in one alternation (group i+1 = _UNITS[i]).
_UNIT_KIND_RE = re.compile("|".join(f"({p})" for _, p in _UNITS), re.IGNORECASE)
assert _UNIT_KIND_RE.groups == len(_UNITS), "a unit pattern must not capture"
_UNIT = "(?:" + "|".join(p for _, p in _UNITS) + r")(?![a-z])"
_NUM = (r"(?<![\w.,^/\\])(?<![A-Za-z]-)"
        r"(?:\d+,\d{1,2}(?=\s*(?:[x×*]\s*10|(?:mg|g|mmol|umol)\s*/))|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
        r"|\d{1,3}(?: \d{3})+(?=\s*(?:/|cells|per\b|[x×*]\s*10))|\d+(?:\.\d+)?)"
        r"(?![\d]|[.,]\d|\s*/\s*\d)")
_CMP = r"[≥≤<>]"
_AGE_SUFFIX = r"(?:\s*-?\s*(?:old|of\s+age|of-age|age)(?![a-z]))"
# guard: an expression starts with a digit, a comparator or `between`/`from`/`in the`/`the range`/`ranging` (whose
# first four characters the classes allow position by position), so the other positions fail on one lookahead
# instead of trying each alternative
_EXPR_RE = re.compile(
    r"(?=[\d≥≤<>]|[bfitr][ehnra][toen\s][wmgt\s])(?:"
    r"(?P<list>(?<![\w.,^/])[0-5](?![\d]|\.\d)(?:\s*(?:,\s*(?:or|and)?|/|or|and|&)\s*[0-5](?![\d]|\.\d)){1,5})"
    rf"|(?P<bcmp>{_CMP})\s*(?P<buln>(?:the\s+)?{_QUAL}{_ULN_WORDS})(?![a-z])"
    r"|(?:(?P<between>between|from|(?:in\s+)?the\s+range(?:\s+(?:of|from))?|ranging\s+(?:from|between))\s+)?"
    rf"(?:(?P<cmp>{_CMP})\s*(?:{_CMP}\s*)?)?"
    rf"(?P<n1>{_NUM})(?:\s*(?P<u1>{_UNIT}))?(?(u1)|(?![a-z]|\s*/\s*[a-z]))(?P<a1>{_AGE_SUFFIX})?"
    rf"(?:\s*(?P<sep>-|~|to|through|thru|and|&)\s*(?P<cmp2>[≤<])?\s*(?P<n2>{_NUM})(?:\s*(?P<u2>{_UNIT}))?"
    r"(?(u2)|(?![a-z]|\s*/\s*[a-z])))?"
    rf"(?P<a2>{_AGE_SUFFIX})?(?:\s*(?P<post>[{_POST_GE}{_POST_LE}]))?)",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------------------------
# 4. Assembly rules: filler between a name and its number, continuations, conditions.
# ---------------------------------------------------------------------------------------------------------------
_GROUP_GAP_RE = re.compile(r"(?:[\s,/&()\[\]:-]|\b(?:and/or|and|or|serum|plasma|blood|the|both|either|total|levels?"
                           r"|counts?|values?|concentrations?)\b)*", re.IGNORECASE)
_GROUP_GAP_WORDS_RE = re.compile(r"[\s,/()]*(?:[a-z-]{4,}\s+){0,2}(?:and/or|and|or)\s+(?:[a-z-]{4,}\s+){0,2}",
                                 re.IGNORECASE)
_FILLER_BLOCK_RE = re.compile(
    r"\d|;|\.\s|\b(?:grade|ctcae|toxicit\w*|within|prior|previous\w*|history|since|after|before|during|doses?"
    r"|cycles?|days?|weeks?|months?|years?|hours?|for|if|unless|except|no|not|cannot|nor|neither|without|than"
    r"|dose|mg|times)\b|,\s*\w+\s+\w+",
    re.IGNORECASE)
_CONTINUATION_RE = re.compile(
    r"[\s,;:()]*(?:and/or|and|or|but|&)?[\s,;(]*"
    r"|[\s,;:()]*(?:for|in|if|when|with|among|on)\s[^;\d<>≤≥]{0,60}?[\s,;)]*(?:\b(?:and/or|and|or|but)\b|;)[\s,;(]*"
    r"|[\s,;:]*(?:except|unless)\s[^;\d<>≤≥()]{0,60}?[\s,;]*\(\s*"
    r"|[\s,;:]*\([^()\d;<>≤≥]{1,40}\)[\s,;]*(?:\b(?:and/or|and|or|but)\b|;)[\s,;(]*",
    re.IGNORECASE)
_SUBORDINATE = (r"if|when(?:ever)?|where|provided(?:\s+that)?|in\s+(?:the\s+)?cases?\s+of|in\s+the\s+(?:presence"
                r"|setting|context|event)\s+of|(?:for|in|among)\s+(?:those|patients?|participants?|subjects?|people"
                r"|persons?|individuals?|children|adults?|men|women|males?|females?|pts|cases?)")
_NOUN_CONDITION = (r"(?:fe)?males?(?=\s*\))|(?:wo)?men(?=\s*\))"
                   r"|(?:with|in)\s+(?:\w+\W{1,2}){0,3}?(?:metasta\w*|involvement|gilbert\w*|infiltration)"
                   r"|(?:due|secondary|attributable)\s+to|(?:on|receiving|taking)\s+(?:\w+\s+)?anticoagula\w*")
_COND_RE = re.compile(rf"\b(?:{_SUBORDINATE}|{_NOUN_CONDITION})\b", re.IGNORECASE)
_SUBORDINATE_RE = re.compile(rf"(?:{_SUBORDINATE})", re.IGNORECASE)
_SUBJECT_COND_RE = re.compile(r"\b(?:patients?|participants?|subjects?|those)\s+with\b", re.IGNORECASE)
_EXCEPTION_RE = re.compile(r"\b(?:unless|except|excluding|other\s+than|with\s+the\s+exception\s+of)\b", re.IGNORECASE)
_SUBJECT_ONLY_RE = re.compile(
    r"(?:[\s,≥≤<>]|\b(?:patients?|participants?|subjects?|those|people|persons?|individuals?|children|adults?|men"
    r"|women|males?|females?|who|whose|are|is|be|were|was|aged|of|the|a|an|with|pts|younger|older)\b)*",
    re.IGNORECASE)
_PEOPLE_TAIL_RE = re.compile(
    r"(?:^|[\s,(])(?:(?:males?|females?|men|women|boys|girls|patients?|participants?|subjects?|volunteers?|adults?"
    r"|children|child|infants?|neonates?|newborns?|adolescents?|individuals?|persons?|people|who|are|is|be|were"
    r"|healthy|and|or|of|either|sex|gender|both|must)[\s,()]*){1,6}$", re.IGNORECASE)
_PEOPLE_RE = re.compile(
    r"(?:[\s,()]|\b(?:males?|females?|men|women|boys|girls|patients?|participants?|subjects?|volunteers?|adults?"
    r"|children|individuals?|persons?|people|healthy|and|or|of|either|sex|gender|both|inclusive)\b)*",
    re.IGNORECASE)
_INFANTS_RE = re.compile(r"\b(?:children|child|infants?|neonates?|newborns?|toddlers?|babies|baby)\b", re.IGNORECASE)
_OTHER_PERSON_RE = re.compile(
    r"\b(?:partners?|spouses?|relatives?|mothers?|fathers?|parents?|siblings?|donors?|caregivers?|guardians?"
    r"|offspring)\b", re.IGNORECASE)
_DEFINITION_TAIL_RE = re.compile(r"[^;.]{0,40}?\b(?:would|will)\s+be\s+(?:considered|defined|deemed)\b",
                                 re.IGNORECASE)
_IF_RE = re.compile(r"\b(?:if|when(?:ever)?|where|provided|in\s+(?:the\s+)?cases?\s+of)\b", re.IGNORECASE)
_AGE_TAIL_RE = re.compile(r"\s*(?:$|[,;().:]|(?:with|who|and|or|of|at|in|inclusive|old|from|on|having|both|either|any"
                          r"|males?|females?|men|women|diagnosed|presenting|undergoing|suffering|scheduled|eligible"
                          r"|are|is|were|must|will|should|can|may|that|whose|without)\b)", re.IGNORECASE)
_CLAUSE_CONNECTOR_RE = re.compile(r"\b(?:and|or|but)\b|[,;]", re.IGNORECASE)
_WITHOUT_RE = re.compile(r"\b(?:without|no)\b", re.IGNORECASE)
_BOUNDARY_CHARS = ";()"
_PREFIX_CMP_RE = re.compile(rf"(?P<cmp>{_CMP})\s*(?:the\s+)?$")
_BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_OUTSIDE_RE = re.compile(r"\boutside\b", re.IGNORECASE)
_CONNECTOR_TRIM_RE = re.compile(r"^[\s,;:(]+|[\s,;:(]+$|\s+(?:and/or|and|or)$", re.IGNORECASE)

# Plausible canonical values per (variable, unit): outside these a reading is a mis-association.
_PLAUSIBLE: dict[tuple[str, str], tuple[float, float]] = {
    ("age", "years"): (0, 120), ("ecog", "score"): (0, 5), ("karnofsky", "%"): (0, 100),
    ("life_expectancy", "years"): (0, 50), ("anc", "10^9/L"): (0, 50), ("platelets", "10^9/L"): (1, 2000),
    ("wbc", "10^9/L"): (0, 500), ("lymphocytes", "10^9/L"): (0, 100), ("hemoglobin", "g/L"): (30, 250),
    ("albumin", "g/L"): (10, 80), ("total_bilirubin", "µmol/L"): (1, 1000), ("creatinine", "µmol/L"): (10, 2000),
    ("creatinine_clearance", "mL/min"): (5, 250), ("egfr", "mL/min/1.73m²"): (5, 250), ("inr", "ratio"): (0.5, 10),
    ("aptt", "s"): (10, 200), ("lvef", "%"): (5, 95), ("qtc", "ms"): (250, 800), ("bmi", "kg/m²"): (10, 100),
    ("hba1c", "%"): (3, 25), ("tsh", "mIU/L"): (0.001, 200), ("ast", "U/L"): (1, 5000), ("alt", "U/L"): (1, 5000),
    ("alkaline_phosphatase", "U/L"): (1, 5000),
}
_ULN_RANGE = (0.1, 100.0)
_ULN_VARIABLES = frozenset({"ast", "alt", "alkaline_phosphatase", "total_bilirubin", "creatinine", "aptt", "inr",
                            "tsh"})
_SCALE_MAX = {"ecog": 4.0, "karnofsky": 100.0}
_COUNTS = frozenset({"anc", "platelets", "wbc", "lymphocytes"})
_TIME_TO_YEARS = {"year": 1.0, "month": 1 / 12, "week": 1 / _WEEKS_PER_YEAR, "day": 1 / _DAYS_PER_YEAR}


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    variable: str


@dataclass(slots=True)
class _Group:
    """Adjacent mentions sharing one constraint: `AST/ALT`, `ALT (SGPT) and AST (SGOT)`."""

    start: int
    end: int
    variables: list[str]
    prefix_cmp: str | None = None
    between: bool = False


@dataclass(slots=True)
class _Expr:
    match: re.Match[str]
    start: int
    end: int
    owner: _Group | None = None
    continues: _Expr | None = None
    age_intrinsic: bool = False
    dropped: bool = False
    inside: bool = False  # the expression is the condition of another bound
    inside_if: bool = False  # … of an `if`/`when` clause, which the next `or`/`and` bound continues
    exception: bool = False  # stated inside `except …`: in an EXCLUSION criterion, an allowed range as written
    tail_end: int | None = None
    condition: tuple[int, int] | None = None


@dataclass(slots=True)
class _Range:
    lower: float | None
    lower_inclusive: bool | None
    upper: float | None
    upper_inclusive: bool | None
    unit: str
    raw_value: str | None
    raw_unit: str | None
    span: tuple[int, int]
    condition: str | None
    alternative: bool = False
    order: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def extract_measures(text: str, kind: str) -> list[Measure]:
    """Every variable range stated in one criterion (`kind` INCLUSION or EXCLUSION), as its allowed range."""
    if not isinstance(text, str) or not _DIGIT_RE.search(text) and "ULN" not in text:
        return []
    doc = _normalise(text[:_MAX_TEXT])
    exclusion = str(kind or "").strip().upper().startswith("EX")
    exprs = [_Expr(m, m.start(), m.end()) for m in _EXPR_RE.finditer(doc.text)]
    if not exprs:  # no value to read: skip the (costly) variable-name scan
        return []
    groups = _group(_mentions(doc.text, exprs), doc.text)
    _assign_owners(doc.text, exprs, groups)
    _find_conditions(doc.text, exprs)
    ranges: dict[str, list[_Range]] = {}
    for order, expr in enumerate(exprs):
        if expr.owner is None or expr.dropped:
            continue
        for variable, rng in _readings(doc, expr, exclusion):
            rng.order = order
            ranges.setdefault(variable, []).append(rng)
    return _assemble(doc, ranges)


# --- segmentation ---------------------------------------------------------------------------------------------
def _mentions(text: str, exprs: list[_Expr]) -> list[_Mention]:
    """Variable names, minus those inside an expression (`100,000 platelets/mm3` names its unit, not a variable)."""
    spans = [(e.start, e.end) for e in exprs]
    found: list[_Mention] = []
    j = 0
    for m in _MENTION_RE.finditer(text):
        if m.start() >= spans[-1][0]:
            # a name after the last expression owns nothing, nor joins a name before it (the expression's digit or
            # comparator is no filler), so the rest of the text need not be scanned
            break
        while j < len(spans) and spans[j][1] <= m.start():
            j += 1
        if j < len(spans) and spans[j][0] < m.end():
            continue
        found.append(_Mention(m.start(), m.end(), _MENTION_GROUPS[m.lastindex or 0]))
    return found


def _group(mentions: list[_Mention], text: str) -> list[_Group]:
    groups: list[_Group] = []
    for men in mentions:
        variables = ["ast", "alt"] if men.variable == "transaminases" else [men.variable]
        if groups and men.start - groups[-1].end <= 40 and _joinable(groups[-1], variables, text, men.start) and (
                _GROUP_GAP_RE.fullmatch(text, groups[-1].end, men.start)
                or (_GROUP_GAP_WORDS_RE.fullmatch(text, groups[-1].end, men.start)
                    and not _FILLER_BLOCK_RE.search(text, groups[-1].end, men.start))):
            groups[-1].end = men.end
            groups[-1].variables.extend(v for v in variables if v not in groups[-1].variables)
            continue
        before = text[max(0, men.start - 16):men.start]
        prefix = _PREFIX_CMP_RE.search(before)
        groups.append(_Group(men.start, men.end, variables, prefix.group("cmp") if prefix else None,
                             bool(_BETWEEN_BEFORE_RE.search(text[max(0, men.start - 14):men.start]))))
    return groups


def _joinable(group: _Group, variables: list[str], text: str, start: int) -> bool:
    """Names separated by blanks only are one name (`ECOG performance status`); other pairs need a connector
    (`AST/ALT`, `ALT and AST`), so that `Age: Any age Performance status: 0-2` keeps age out of ECOG."""
    if text[group.end:start].strip():
        return True
    family = {_PERF, "ecog", "karnofsky", _SILENT}
    return set(variables) <= set(group.variables) or (set(variables) | set(group.variables)) <= family


def _strip_parentheticals(gap: str) -> str:
    """The gap without its closed (...) / [...] groups and without brackets: `(as estimated by … ≥ 18yo)` is an
    aside, but the words after a bracket that is still open belong to the gap."""
    keep = [ch not in "()[]" for ch in gap]
    opened: list[int] = []
    for i, ch in enumerate(gap):
        if ch in "([":
            opened.append(i)
        elif ch in ")]":
            # a bracket closing one opened before the gap: what precedes it is the rest of that aside
            start = opened.pop() if opened else 0
            for k in range(start, i + 1):
                keep[k] = False
    return "".join(ch if keep[i] else " " for i, ch in enumerate(gap))


def _is_filler(text: str, start: int, end: int, strict: bool) -> bool:
    """Whether text[start:end] can separate a variable name from its value (`count of`, `(ANC) is`, `: `)."""
    gap = text[start:end]
    if len(gap) > 260:
        return False
    bare = " ".join(_strip_parentheticals(gap).split())
    if strict:
        return len(bare.strip(" :=-")) == 0
    words = bare.split()
    return len(bare) <= 60 and len(words) <= 8 and not _FILLER_BLOCK_RE.search(bare)


def _inside_closed_paren(text: str, start: int, end: int) -> bool:
    """Whether a parenthesis opened before `start` closes within text[start:end] (the mention was in an aside)."""
    depth = 0
    for ch in text[start:end]:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return True
    return False


def _in_aside(text: str, grp: _Group, end: int) -> bool:
    """Whether the name sits in a parenthesis that closes before `end` (`(e.g., creatinine clearance; mGFR) is
    required: ≥ 60`) — unless the parenthesis holds nothing but the name (`aminotransferase (AST) > 100 IU/L`)."""
    depth = 0
    for k in range(grp.start, end):
        ch = text[k]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return bool(text[grp.end:k].strip()) or not text[:grp.start].rstrip().endswith(("(", "["))
    return False


def _assign_owners(text: str, exprs: list[_Expr], groups: list[_Group]) -> None:
    """Give each expression its variable group: itself (age), the name before it, or the expression it continues."""
    gi = 0
    prev: _Expr | None = None
    for expr in exprs:
        m = expr.match
        if (m.group("a1") or m.group("a2") or _is_age_unit(m.group("u1")) or _is_age_unit(m.group("u2"))) and \
                not m.group("list"):
            expr.age_intrinsic = True
        while gi < len(groups) and groups[gi].end <= expr.start:
            gi += 1
        candidates: list[_Group] = []
        for k in range(gi - 1, max(-1, gi - 4), -1):
            grp = groups[k]
            strict = grp.variables == ["ecog"] and text[grp.start:grp.end].isupper() and \
                text[grp.start:grp.end] in ("WHO", "SWOG")
            if prev is not None and prev.end > grp.end and not _inside_closed_paren(text, prev.end, expr.start):
                break
            if _in_aside(text, grp, expr.start):
                continue  # the name sits in an aside that closes before the number: look further back
            if _is_filler(text, grp.end, expr.start, strict):
                candidates.append(grp)
            break
        cont = None
        if prev is not None and prev.owner is not None and expr.start - prev.end <= 90 and \
                _CONTINUATION_RE.fullmatch(text, prev.end, expr.start) and \
                not (candidates and candidates[0].start > prev.end):
            cont = prev
        if expr.age_intrinsic:
            age_group = next((g for g in candidates if "age" in g.variables), None)
            expr.owner = age_group or _Group(expr.start, expr.start, ["age"])
            if cont is not None and cont.owner is not None and "age" in cont.owner.variables:
                expr.continues = cont
        elif cont is not None and cont.owner is not None and _fits_any(cont.owner, m):
            expr.owner, expr.continues = cont.owner, cont
        elif candidates:
            expr.owner = candidates[0]
        elif _implicit_age(text, expr):
            expr.owner = _Group(expr.start, expr.start, ["age"])
            expr.age_intrinsic = True
        prev = expr


def _implicit_age(text: str, expr: _Expr) -> bool:
    """`Men 18-75 years`, `who are between 18 and 55 years`, `Adults (≥ 18 years)`: a span of years right after
    the people it describes is their age (a duration follows a verb or `for`, not a person)."""
    m = expr.match
    if m.group("list") or m.group("bcmp"):
        return False
    kinds = {_unit_kind(m.group("u1")), _unit_kind(m.group("u2"))} - {"none"}
    if not kinds or not kinds <= {"year", "month", "week", "day"}:
        return False
    head = text[max(0, expr.start - 80):expr.start]
    if not _AGE_TAIL_RE.match(text, expr.end):
        return False  # `women who are less than 1 year postmenopausal`
    if _PEOPLE_TAIL_RE.search(head):
        return kinds == {"year"} or bool(_INFANTS_RE.search(head))
    # `18-75 years` as a whole criterion: nothing before it, nothing but people after it
    tail = text[expr.end:_tail_boundary(text, expr.end, len(text))]
    return kinds == {"year"} and not head.strip(" -*•·:") and (not tail.strip() or bool(_PEOPLE_RE.fullmatch(tail)))


_AGE_UNIT_RE = re.compile(r"old|\byo\b|y\s*/\s*o|y\.\s*o", re.IGNORECASE)


def _is_age_unit(unit: str | None) -> bool:
    return bool(unit) and _AGE_UNIT_RE.search(unit or "") is not None


def _fits_any(group: _Group, m: re.Match[str]) -> bool:
    """Whether the expression's unit could belong to one of the group's variables (continuations must agree)."""
    unit = m.group("u1") or m.group("u2")
    if not unit and not m.group("list") and not m.group("bcmp"):
        return True  # a bare number continues in the unit of the bound before it
    kind = _unit_kind(unit)
    return any(_accepts(v, kind) for v in group.variables if v)


def _find_conditions(text: str, exprs: list[_Expr]) -> None:
    """Mark expressions that are themselves a condition (`for patients who are > 16 years old`) as dropped, and
    attach a condition span to those a clause qualifies (`≤ 5 × ULN if liver metastases`)."""
    prev_end = 0
    prev_tail_end = 0
    prev_owned: _Expr | None = None
    for i, expr in enumerate(exprs):
        if expr.owner is None:
            prev_end = max(prev_end, expr.end)
            continue
        real_group = expr.owner.end > expr.owner.start
        anchor = expr.owner.start if real_group and expr.owner.start >= prev_end and expr.continues is None \
            else expr.start
        head_start = max(prev_end, _last_boundary(text, anchor), anchor - 200)
        head = text[head_start:anchor]
        if _OTHER_PERSON_RE.search(head) or _DEFINITION_TAIL_RE.match(text, expr.end, min(len(text), expr.end + 60)):
            expr.dropped = True
        cond = _head_condition(head)
        if cond == "inside":
            # `Karnofsky ≥ 50 for patients who are > 16 years old`, `if < 2 years old, a level > 5 kUA/L`: the
            # number is the condition of another bound. Kept (as conditional) only when it stands in a clause of
            # its own: `patients with Gilbert syndrome may be included if total bilirubin ≤ 3 × ULN`.
            own_clause = head_start > 0 and text[head_start - 1] in ";." and head_start > prev_end
            if "age" in expr.owner.variables or not own_clause:
                expr.dropped = True
                expr.inside = True
                expr.inside_if = bool(_IF_RE.search(head))
            else:
                expr.condition = (head_start, anchor)
        elif prev_owned is not None and prev_owned.inside and prev_owned.inside_if and \
                _GROUP_GAP_RE.fullmatch(text, prev_owned.end, anchor):
            expr.dropped = expr.inside = True  # `if ANC < 1,000/mm3 or platelets < 75,000/mm3`
        elif isinstance(cond, tuple) and head_start + cond[0] >= prev_tail_end:
            expr.condition = (head_start + cond[0], head_start + cond[1])
        exception = _EXCEPTION_RE.search(head)
        if exception is not None:
            expr.exception = True
            expr.condition = (head_start + exception.start(), anchor)
        limit = len(text)
        if i + 1 < len(exprs):
            nxt = exprs[i + 1]
            new_clause = _CLAUSE_CONNECTOR_RE.search(text, expr.end, max(expr.end, nxt.start))
            if nxt.owner is not None and nxt.owner.end > nxt.owner.start and nxt.owner.start >= expr.end:
                if new_clause:
                    limit = nxt.owner.start
            elif nxt.continues is expr or (nxt.owner is not None and not nxt.age_intrinsic and new_clause):
                limit = nxt.start
        tail_end = _tail_boundary(text, expr.end, limit)
        tail = text[expr.end:tail_end]
        lead = len(tail) - len(tail.lstrip(" ,("))
        if not _EXCEPTION_RE.match(tail, lead):
            found = _COND_RE.match(text, expr.end + lead)
            if found and expr.condition is None:
                expr.condition = (expr.end + lead, tail_end)
                prev_tail_end = tail_end
        if expr.continues is not None and expr.condition is None:
            gap_start = expr.continues.end
            marker = _COND_RE.search(text, gap_start, expr.start) or _EXCEPTION_RE.search(text, gap_start, expr.start)
            if marker is not None and marker.start() >= prev_tail_end:
                expr.condition = (marker.start(), expr.start)
        if expr.continues is not None and expr.condition is None and "(" in text[expr.continues.end:expr.start]:
            expr.dropped = True  # `ANC ≥ 1500/µL (≥ 1.5 × 10^9/L)`: a restatement in other units
        prev_end = expr.end
        prev_owned = expr


def _last_boundary(text: str, pos: int) -> int:
    lo = max(0, pos - 200)
    best = lo
    for k in range(pos - 1, lo - 1, -1):
        ch = text[k]
        if ch in _BOUNDARY_CHARS or (ch == "." and (k + 1 >= len(text) or text[k + 1] == " ")
                                     and not (k > 0 and text[k - 1].isdigit() and k + 2 < len(text)
                                              and text[k + 2].isdigit())):
            return k + 1
    return best


def _tail_boundary(text: str, start: int, limit: int) -> int:
    end = min(limit, start + 120)
    for k in range(start, end):
        ch = text[k]
        if ch in ";)" or (ch == "." and (k + 1 >= len(text) or text[k + 1] == " ")) or ch == ",":
            return k
    return end


def _head_condition(head: str) -> tuple[int, int] | str | None:
    """The condition clause in the text before a mention: "inside" when the mention is the condition's own subject
    (`if < 2 years old`), a span when a condition qualifies the measure, None when there is none."""
    last = None
    for m in _COND_RE.finditer(head):
        last = m
    if last is not None and len(head) - last.end() > 60:
        last = None  # a condition far back qualifies something else (`… has been irradiated … PATIENT …: Age:`)
    if last is not None:
        between = head[last.end():]
        if _SUBJECT_ONLY_RE.fullmatch(between) and _SUBORDINATE_RE.fullmatch(last.group(0)) \
                and "," not in between and ":" not in between:
            return "inside"
        if _EXCEPTION_RE.search(head[:last.start()]) and not re.search(r"[,;:]", head[:last.start()]):
            return None
        cut = re.search(r"[,:]", between)
        end = last.end() + (cut.start() if cut else len(between))
        return last.start(), end
    subject = None
    for m in _SUBJECT_COND_RE.finditer(head):
        subject = m
    if subject is not None and len(head) - subject.end() <= 60:
        rest = head[subject.end():]
        if rest.strip() and not _SUBJECT_ONLY_RE.fullmatch(rest) and not re.search(r"\b(?:an?|the|known|severe)\s*$",
                                                                                   rest):
            cut = re.search(r"[,:]", rest)
            return subject.start(), subject.end() + (cut.start() if cut else len(rest))
    return None


# --- reading one expression -------------------------------------------------------------------------------------
def _unit_kind(unit: str | None) -> str:
    if not unit:
        return "none"
    m = _UNIT_KIND_RE.fullmatch(unit.strip())
    return _UNITS[m.lastindex - 1][0] if m and m.lastindex else "other"


def _accepts(variable: str, kind: str) -> bool:
    """Whether a unit kind can express the variable at all."""
    return _to_canonical(variable, 1000.0, kind) is not None or _to_canonical(variable, 1.0, kind) is not None \
        or _to_canonical(variable, 50.0, kind) is not None


def _to_canonical(variable: str, value: float, kind: str) -> tuple[float, str] | None:
    """Convert one value to the variable's canonical unit; None when the unit does not fit the variable."""
    if kind == "uln":
        return (value, ULN) if variable in _ULN_VARIABLES else None
    if variable in _COUNTS:
        if kind == "e9":
            return value, "10^9/L"
        if kind == "e6":
            return value / 1000, "10^9/L"
        if kind == "per_ul":
            return value / 1000, "10^9/L"
        if kind == "none":
            threshold = 5000 if variable == "platelets" else 100
            return (value / 1000, "10^9/L") if value >= threshold else (value, "10^9/L")
        return None
    if variable in ("hemoglobin", "albumin"):
        factor = {"g_dl": 10.0, "g_l": 1.0}.get(kind)
        if variable == "hemoglobin" and kind == "mmol_l":
            factor = 16.114
        if kind == "none":
            limit = 25 if variable == "hemoglobin" else 10
            factor = 10.0 if value <= limit else 1.0
        return (value * factor, "g/L") if factor is not None else None
    if variable in ("total_bilirubin", "creatinine"):
        mg = 17.1 if variable == "total_bilirubin" else 88.4
        if kind == "mg_dl" or (kind == "none" and value <= (10 if variable == "total_bilirubin" else 15)):
            return value * mg, "µmol/L"
        if kind == "umol_l" or (kind == "none" and value >= 17):
            return value, "µmol/L"
        if kind == "mmol_l" and variable == "creatinine":
            return value * 1000, "µmol/L"
        return None
    if variable == "creatinine_clearance" or variable == "egfr":
        unit = VARIABLES[variable]
        if kind in ("ml_min", "ml_min_bsa", "none"):
            return value, unit
        if kind == "ml_s":
            return value * 60, unit
        return None
    if variable in ("ast", "alt", "alkaline_phosphatase"):
        return (value, "U/L") if kind == "u_l" else None
    if variable == "age":
        if kind == "none":
            return value, "years"
        factor = _TIME_TO_YEARS.get(kind)
        return (value * factor, "years") if factor is not None else None
    if variable == "life_expectancy":
        factor = _TIME_TO_YEARS.get(kind)
        return (value * factor, "years") if factor is not None else None
    if variable == "ecog":
        return (value, "score") if kind in ("none", "score") else None
    if variable in ("karnofsky", "lvef"):
        return (value, "%") if kind in ("none", "percent") else None
    if variable == "hba1c":
        if kind == "mmol_mol":
            return value * 0.09148 + 2.152, "%"
        return (value, "%") if kind in ("none", "percent") else None
    if variable == "qtc":
        if kind in ("none", "ms"):
            return value, "ms"
        return (value * 1000, "ms") if kind == "sec" else None
    if variable == "bmi":
        return (value, "kg/m²") if kind in ("none", "kg_m2") else None
    if variable == "inr":
        return (value, "ratio") if kind == "none" else None
    if variable == "aptt":
        return (value, "s") if kind == "sec" else None
    if variable == "tsh":
        return (value, "mIU/L") if kind == "miu_l" else None
    return None


def _plausible(variable: str, value: float, unit: str) -> bool:
    lo, hi = _ULN_RANGE if unit == ULN else _PLAUSIBLE.get((variable, unit), (float("-inf"), float("inf")))
    return lo <= value <= hi


_DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")


def _number(raw: str) -> float | None:
    raw = raw.strip()
    if _DECIMAL_COMMA_RE.fullmatch(raw):
        raw = raw.replace(",", ".")
    try:
        return float(raw.replace(",", "").replace(" ", ""))
    except ValueError:
        return None


def _resolve_variables(group: _Group, m: re.Match[str]) -> list[str]:
    """The group's vocabulary variables; a bare `performance status` becomes ECOG or Karnofsky by its value."""
    named = [v for v in group.variables if v and v not in (_PERF, _SILENT)]
    if _PERF in group.variables and not any(v in ("ecog", "karnofsky") for v in named) and \
            not any(v == _SILENT for v in group.variables):
        numbers = [_number(x) for x in re.findall(r"\d+(?:\.\d+)?", m.group(0))]
        values = [x for x in numbers if x is not None]
        units = (m.group("u1") or "") + (m.group("u2") or "")
        if values and ("%" in units or max(values) >= 10):
            named.append("karnofsky")
        elif values and max(values) <= 5:
            named.append("ecog")
    if _SILENT in group.variables and any(v in ("karnofsky",) for v in named):
        return named  # `Lansky/Karnofsky ≥ 50`: the silent name is the paediatric twin scale
    return named


def _readings(doc: _Text, expr: _Expr, exclusion: bool) -> Iterable[tuple[str, _Range]]:
    """(variable, allowed range) for every variable the expression constrains."""
    m = expr.match
    group = expr.owner
    if group is None:
        return
    text = doc.text
    gap = text[group.end:expr.start] if group.end <= expr.start else ""
    outside = bool(_OUTSIDE_RE.search(gap))
    condition = doc.quote(*expr.condition) if expr.condition else None
    if condition is not None:
        condition = _CONNECTOR_TRIM_RE.sub("", condition) or None
        if condition is not None and _WITHOUT_RE.search(condition):
            condition = None  # `in patients without liver metastases`: the general population
    span_start = min(group.start, expr.start) if group.end > group.start else expr.start
    if expr.continues is not None:
        span_start = min(span_start, expr.continues.start)
    for variable in _resolve_variables(group, m):
        parsed = _parse_bounds(doc, expr, variable)
        if parsed is None:
            continue
        lower, lower_inc, upper, upper_inc, unit, raw_value, raw_unit, is_range = parsed
        if exclusion and not expr.exception:
            flipped = _complement(variable, lower, lower_inc, upper, upper_inc, is_range, outside)
            if flipped is None:
                continue
            lower, lower_inc, upper, upper_inc = flipped
        elif outside:
            continue
        yield variable, _Range(lower, lower_inc, upper, upper_inc, unit, raw_value, raw_unit,
                               (span_start, expr.end), condition)


def _parse_bounds(doc: _Text, expr: _Expr, variable: str):
    """The stated range of one expression for one variable, in canonical units (before the kind is applied)."""
    m = expr.match
    q = doc.quote
    if m.group("list"):
        if variable != "ecog":
            return None
        values = sorted(float(x) for x in re.findall(r"[0-5]", m.group("list")))
        return values[0], True, values[-1], True, "score", q(m.start("list"), m.end("list")), None, True
    if m.group("bcmp"):
        if variable not in _ULN_VARIABLES:
            return None
        bare_cmp = m.group("bcmp")
        bare_unit = q(m.start("buln"), m.end("buln"))
        if bare_cmp in (_GE, _GT):
            return 1.0, bare_cmp == _GE, None, None, ULN, None, bare_unit, False
        return None, None, 1.0, bare_cmp == _LE, ULN, None, bare_unit, False
    n1 = _number(m.group("n1"))
    n2 = _number(m.group("n2")) if m.group("n2") else None
    if n1 is None:
        return None
    u1, u2 = m.group("u1"), m.group("u2")
    k1, k2 = _unit_kind(u1), _unit_kind(u2)
    if expr.continues is not None and not u1 and not u2:
        prev = expr.continues.match
        prev_kind = _unit_kind(prev.group("u2") or prev.group("u1")) if not prev.group("list") else "none"
        if prev_kind != "none":
            # `≤ 1.5 mg/dL (≤ 3 if Gilbert)` shares the unit; `≤ 1.5 mg/dL; ≤ 1 plus proteinuria` is another thing
            after = doc.text[m.end():m.end() + 40]
            if re.match(r"\s*[A-Za-z]", after) and not _COND_RE.match(after.lstrip(" ,(")):
                return None
            k1 = k2 = prev_kind
    cmp: str | None = m.group("cmp") or (expr.owner.prefix_cmp if expr.owner and expr.continues is None else None)
    post = m.group("post")
    sep = (m.group("sep") or "").lower()
    if n2 is not None and sep in ("and", "&") and not (m.group("cmp2") or m.group("between") or
                                                       (expr.owner and expr.owner.between)):
        n2 = None  # `18 years and 0 days`: not a range
    if n2 is not None:
        if k1 == "none" and k2 != "none":
            k1 = k2
        elif k2 == "none":
            k2 = k1
        a = _to_canonical(variable, n1, k1)
        b = _to_canonical(variable, n2, k2)
        if a is None or b is None or a[1] != b[1] or not (_plausible(variable, *a) and _plausible(variable, *b)):
            return None
        if a[0] > b[0]:
            return None
        lower_inc = cmp != _GT
        upper_inc = m.group("cmp2") != _LT
        raw_value = q(m.start("n1"), m.end("n2"))
        range_unit = q(m.start("u2"), m.end("u2")) if u2 else (q(m.start("u1"), m.end("u1")) if u1 else None)
        return a[0], lower_inc, b[0], upper_inc, a[1], raw_value, range_unit, True
    if post:
        cmp = _GE if post == _POST_GE else _LE
    if cmp is None:
        if variable == "ecog" and k1 == "none" and n1 == int(n1) and 0 <= n1 <= 5 and expr.continues is None:
            return n1, True, n1, True, "score", q(m.start("n1"), m.end("n1")), None, True
        if expr.continues is not None and expr.condition is not None:
            inherited = _inherited_cmp(expr.continues)
            if inherited is None:
                return None
            cmp = inherited
        else:
            return None
    conv = _to_canonical(variable, n1, k1)
    if conv is None or not _plausible(variable, *conv):
        return None
    if variable == "ecog" and n1 != int(n1):
        return None
    raw_value = q(m.start("n1"), m.end("n1"))
    raw_unit: str | None = q(m.start("u1"), m.end("u1")) if u1 else None
    value, unit = conv
    if cmp in (_GE, _GT):
        return value, cmp == _GE, None, None, unit, raw_value, raw_unit, False
    return None, None, value, cmp == _LE, unit, raw_value, raw_unit, False


def _inherited_cmp(expr: _Expr) -> str | None:
    m = expr.match
    if m.group("post"):
        return _GE if m.group("post") == _POST_GE else _LE
    return m.group("cmp") or m.group("bcmp")


def _complement(variable: str, lower, lower_inc, upper, upper_inc, is_range: bool, outside: bool):
    """The allowed range of an EXCLUSION criterion that states the excluded range."""
    if outside:
        return (lower, lower_inc, upper, upper_inc) if lower is not None and upper is not None else None
    if lower is not None and upper is not None:
        scale_max = _SCALE_MAX.get(variable)
        if scale_max is not None and upper >= scale_max and lower > 0:
            return None, None, lower, False  # `ECOG 3-4` excluded: ECOG < 3 allowed
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


def _same(a: _Range, b: _Range) -> bool:
    return a.unit == b.unit and _close(a.lower, b.lower) and _close(a.upper, b.upper) and \
        (a.lower is None or a.lower_inclusive == b.lower_inclusive) and \
        (a.upper is None or a.upper_inclusive == b.upper_inclusive)


def _assemble(doc: _Text, ranges: dict[str, list[_Range]]) -> list[Measure]:
    out: list[tuple[int, Measure]] = []
    for variable, found in ranges.items():
        kept: list[_Range] = []
        for rng in found:
            if any(_same(rng, k) for k in kept):
                continue  # `ANC ≥ 1500/µL (≥ 1.5 × 10^9/L)`: one statement in two units
            kept.append(rng)
        kept = _merge_sides(kept)
        kept = [r for r in kept if not _contradicts_general(r, kept)]
        _mark_looser(kept, doc)
        for rng in kept:
            out.append((rng.order, Measure(
                variable=variable, lower_value=_round(rng.lower), lower_inclusive=rng.lower_inclusive,
                upper_value=_round(rng.upper), upper_inclusive=rng.upper_inclusive, unit=rng.unit,
                raw_value=rng.raw_value or None, raw_unit=rng.raw_unit or None,
                source_text=doc.quote(*rng.span) or doc.original.strip()[:200],
                condition_text=rng.condition)))
    out.sort(key=lambda pair: pair[0])
    return [mes for _, mes in out]


def _contradicts_general(rng: _Range, kept: list[_Range]) -> bool:
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


def _merge_sides(kept: list[_Range]) -> list[_Range]:
    """`Age ≥ 18 … and ≤ 75`, `BMI > 40 or BMI < 18.5` (excluded): one-sided bounds of one variable make a range."""
    result: list[_Range] = []
    for rng in kept:
        partner = None
        if rng.condition is None and (rng.lower is None) != (rng.upper is None):
            for other in result:
                if other.condition is None and other.unit == rng.unit and \
                        (other.lower is None) != (other.upper is None) and (other.lower is None) != (rng.lower is None):
                    lo = rng if rng.lower is not None else other
                    hi = rng if rng.upper is not None else other
                    if lo.lower is not None and hi.upper is not None and lo.lower <= hi.upper:
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
        partner.raw_value = " … ".join(x for x in (lo.raw_value, hi.raw_value) if x)
        partner.raw_unit = lo.raw_unit or hi.raw_unit
    return result


def _mark_looser(kept: list[_Range], doc: _Text) -> None:
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
            looser.condition = "alternative to a stricter bound in the same criterion"
