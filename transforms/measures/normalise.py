"""Offset-preserving normalisation of a criterion: unicode and markdown clean-up, comparator and number words."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

GE, LE, GT, LT = "≥", "≤", ">", "<"
POST_GE, POST_LE = "\ue000", "\ue001"  # "or older", "or less": comparators written after the number
POST_BETTER, POST_WORSE = "\ue002", "\ue003"  # "1 or better": a direction the variable's scale decides
POSTFIX = POST_GE + POST_LE + POST_BETTER + POST_WORSE

_CHAR_MAP = {
    "≧": GE, "⩾": GE, "≦": LE, "⩽": LE, "＞": GT, "＜": LT, "（": "(", "）": ")", "，": ",", "；": ";",
    "：": ":", "。": ". ", "～": "~", "–": "-", "—": "-", "−": "-", "‐": "-", "µ": "u", "μ": "u", "’": "'",
    "＝": "=", "﹤": LT, "﹥": GT, "≈": "~", "％": "%", "º": "°", "˚": "°",
}
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_ENTITIES = {"&lt;": LT, "&gt;": GT, "&le;": LE, "&ge;": GE, "&amp;": "&", "&nbsp;": " "}

# Pass 1: characters, markdown escapes, entities, whitespace runs.
# guard: nothing starts at an ASCII letter or digit, nor at a lone space (most positions), which fail at once
_CHARS_RE = re.compile(
    r"(?=[^A-Za-z0-9 ]| \s)(?:"
    r"\\(?P<esc>[<>*^~\[\]()_#.+\-=|!&])"
    r"|(?P<ent>&(?:lt|gt|le|ge|amp|nbsp);)"
    r"|(?<=10)(?P<supexp>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹])"
    r"|(?P<char>[≧⩾≦⩽＞＜（）：，；。～–—−‐µμ’＝﹤﹥≈％º˚])"
    r"|(?P<ws>(?! (?!\s))\s+))"  # any run of blanks but a lone space, which is already normal
)

# Pass 2 (on the lower-cased text): comparator words → symbols, longest phrases first, a postfix comparator before
# the bare words; number words → digits.
_NOT_A_NUMBER_NEXT = r"(?! than\b)(?!\s*[≥≤<>]?\s*\.?\d)"
_COMPARATOR_PHRASES: tuple[tuple[str, str], ...] = (
    # postfix: "18 years or older", "18 and over", "60% or greater", "class II or worse"
    (r"(?:or (?:older|more|greater|above|over|higher)|and (?:older|above|over|up|greater|higher))"
     + _NOT_A_NUMBER_NEXT, POST_GE),
    (r"(?:or (?:less|fewer|lower|below|under|younger)|and (?:under|below|younger|less))" + _NOT_A_NUMBER_NEXT,
     POST_LE),
    (r"or better" + _NOT_A_NUMBER_NEXT, POST_BETTER),
    (r"or worse" + _NOT_A_NUMBER_NEXT, POST_WORSE),
    # two-word comparators with "equal"
    (r"(?:greater|more|higher|larger|older) than or equal(?: to)?", GE),
    (r"equal (?:to )?or (?:greater|more|higher|above|larger|older)(?: than)?", GE),
    (r"(?:greater|more|higher) (?:or )?equal(?: (?:to|than))?|at or above", GE),
    (r"(?:less|lower|smaller|fewer|younger) than or equal(?: to)?", LE),
    (r"equal (?:to )?or (?:less|lower|below|smaller|fewer|younger)(?: than)?", LE),
    (r"less (?:or )?equal(?: (?:to|than))?|at or below", LE),
    # negated comparators
    (r"(?:not|no) (?:less|lower|fewer|smaller) than|not (?:below|under)", GE),
    (r"(?:not|no) (?:more|greater|higher|larger) than|not (?:above|over|exceeding)"
     r"|(?:does|do|should|must) not exceed|not to exceed|not exceed", LE),
    (r"at least|a minimum of|minimum(?: of)?|minimally", GE),
    (r"up to(?: and including)?|a maximum of|maximum(?: of)?|at most", LE),
    (r"(?:greater|more|higher|larger|older) than|in excess of|exceed(?:s|ed|ing)?|above|over|superior to", GT),
    (r"(?:less|lower|fewer|smaller|younger) than|below|under|inferior to", LT),
    (r"within(?= [\d.,]+ ?(?:[x×*]|times)? ?(?:the )?(?:institutional )?(?:uln|upper))", LE),
)
_SYMBOL_PHRASES: tuple[tuple[str, str], ...] = (
    (r">\s*or\s*=|>\s*or\s+equal(?:\s+to)?|=\s*or\s*>|>\s*/\s*=|>\s*=|=\s*>|≥\s*/?\s*=", GE),
    (r"<\s*or\s*=|<\s*or\s+equal(?:\s+to)?|=\s*or\s*<|<\s*/\s*=|<\s*=|=\s*<|≤\s*/?\s*=", LE),
    (r">\s*than", GT),
    (r"<\s*than", LT),
)
_UNITS_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90}
_NUMBER_WORDS = (rf"(?P<tens>{'|'.join(_TENS_WORDS)})(?:[ -](?P<ones>{'|'.join(list(_UNITS_WORDS)[1:10])}))?"
                 rf"|(?P<unit>{'|'.join(sorted(_UNITS_WORDS, key=len, reverse=True))})")
# `twice the ULN`, `double the upper limit`: a multiplier (`double-blind` is not one)
_MULTIPLIER_WORDS = r"(?P<twice>twice|double)(?= (?:the |of )?(?:uln|upper|normal|institutional))"
_PHRASES = [*_COMPARATOR_PHRASES, *_SYMBOL_PHRASES]
_WORDS_RE = re.compile(
    r"(?<![a-z0-9_])(?=[a-z])(?:"
    + "|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(_COMPARATOR_PHRASES))
    + rf"|{_MULTIPLIER_WORDS}|(?:{_NUMBER_WORDS}))(?![a-z])"
    + "|" + "|".join(f"(?P<p{i + len(_COMPARATOR_PHRASES)}>{p})" for i, (p, _) in enumerate(_SYMBOL_PHRASES))
)
_PHRASE_SYMBOLS = {f"p{i}": (f" {symbol} " if symbol in POSTFIX else symbol) for i, (_, symbol) in enumerate(_PHRASES)}
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# a criterion can hold a number (or a bound on a scale written in words) only if one of these occurs
_HINT_RE = re.compile(r"\d|\b(?:" + "|".join([*_UNITS_WORDS, *_TENS_WORDS, "twice", "double", "uln", "upper"])
                      + r")\b|child|nyha|new york|class|fitzpatrick", re.IGNORECASE)


@dataclass(slots=True)
class Text:
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


def _rewrite(src: Text, matches, replace: Callable[[re.Match[str]], str | None]) -> Text:
    """Apply `replace(match) -> str | None` to every match, keeping the offset maps."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in matches:
        new = replace(m)
        if new is None:
            continue
        out.append(src.text[pos:m.start()])
        starts.extend(src.starts[pos:m.start()])
        ends.extend(src.ends[pos:m.start()])
        if new:
            o_start, o_end = src.starts[m.start()], src.ends[m.end() - 1]
            out.append(new)
            starts.extend([o_start] * len(new))
            ends.extend([o_end] * len(new))
        pos = m.end()
    if not out:  # the common case: nothing to rewrite, keep the maps as they are
        return src
    out.append(src.text[pos:])
    starts.extend(src.starts[pos:])
    ends.extend(src.ends[pos:])
    return Text("".join(out), starts, ends, src.original)


def _replace_chars(m: re.Match[str]) -> str | None:
    kind = m.lastgroup
    value = m.group(kind) if kind else ""
    if kind == "esc":
        return value
    if kind == "ent":
        return _ENTITIES[value.lower()]
    if kind == "supexp":
        return "^" + "".join(_SUPERSCRIPTS[c] for c in value)
    if kind == "sup":
        return _SUPERSCRIPTS[value]
    if kind == "char":
        return _CHAR_MAP[value]
    return None if value == " " else " "


def _replace_words(m: re.Match[str]) -> str:
    kind = m.lastgroup or ""
    if kind in _PHRASE_SYMBOLS:
        return _PHRASE_SYMBOLS[kind]
    if kind == "twice":
        return "2 times"
    if m.group("tens"):
        return str(_TENS_WORDS[m.group("tens")] + (_UNITS_WORDS[m.group("ones")] if m.group("ones") else 0))
    return str(_UNITS_WORDS[m.group("unit")])


_SPACES_RE = re.compile(r" {2,}")


def may_hold_a_measure(text: str) -> bool:
    """Whether a criterion holds a digit, a number word or a scale written in words (the cheap pre-filter)."""
    return _HINT_RE.search(text) is not None


def normalise(text: str) -> Text:
    """Offset-preserving normalisation: unicode/markdown clean-up, then comparator and number words."""
    src = Text(text, range(len(text)), range(1, len(text) + 1), text)
    src = _rewrite(src, _CHARS_RE.finditer(src.text), _replace_chars)
    src = _rewrite(src, _WORDS_RE.finditer(src.text.translate(_LOWER)), _replace_words)
    return _rewrite(src, _SPACES_RE.finditer(src.text), lambda m: " ") if "  " in src.text else src


def lower(text: str) -> str:
    """ASCII letters lower-cased, every other character kept (same length, same offsets)."""
    return text.translate(_LOWER)
