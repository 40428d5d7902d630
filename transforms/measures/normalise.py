"""Offset-preserving normalisation of a criterion: unicode and markdown clean-up, comparator and number words."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

GE, LE, GT, LT = "≥", "≤", ">", "<"
POST_GE, POST_LE = "\ue000", "\ue001"  # "or older", "or less": comparators written after the number
POST_BETTER, POST_WORSE = "\ue002", "\ue003"  # "1 or better": a direction the variable's scale decides
POSTFIX = POST_GE + POST_LE + POST_BETTER + POST_WORSE
LOST = "\ue004"  # `Platelets =100`: a comparator whose side an encoding lost (`≥` and `≤` both became `=`)

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

# Pass 2 (on the lower-cased text): comparator words → symbols (a postfix comparator before the bare words), number
# words → digits. Phrases are written with `{a|b}` for a choice and `[x]` for an optional part, expanded to literal
# phrases matched by one trie-shaped regex (longest phrase first); a phrase with a lookahead matches only where it
# holds.
# (nor the first word of `below/equal 32`, `above or equal to 18`)
_NOT_A_NUMBER_NEXT = r"(?! than\b)(?!\s*[≥≤<>]?\s*\.?\d)(?!(?: or|/)\s*equal\b)"
_ULN_NEXT = r"(?= [\d.,]+ ?(?:[x×*]|times)? ?(?:the )?(?:institutional )?(?:uln|upper))"
_MULTIPLIER_NEXT = r"(?= (?:the |of )?(?:uln|upper|normal|institutional))"  # `double-blind` is no multiplier
_COMPARATOR_PHRASES: tuple[tuple[str, str, str], ...] = (
    # postfix: "18 years or older", "18 and over", "60% or greater", "class II or worse"
    ("or {older|more|greater|above|over|higher}", POST_GE, _NOT_A_NUMBER_NEXT),
    ("and {older|above|over|up|greater|higher}", POST_GE, _NOT_A_NUMBER_NEXT),
    ("or {less|fewer|lower|below|under|younger}", POST_LE, _NOT_A_NUMBER_NEXT),
    ("and {under|below|younger|less}", POST_LE, _NOT_A_NUMBER_NEXT),
    ("or better", POST_BETTER, _NOT_A_NUMBER_NEXT),
    ("or worse", POST_WORSE, _NOT_A_NUMBER_NEXT),
    # two-word comparators with "equal"
    ("{greater|more|higher|larger|older} than or equal[ to]", GE, ""),
    ("equal [to ]or {greater|more|higher|above|larger|older}[ than]", GE, ""),
    ("{greater|more|higher} [or ]equal[ {to|than}]", GE, ""),
    ("{above|over|greater|higher}{ or |/}equal[ to]", GE, ""),  # `BMI above/equal 18 and below/equal 32`
    ("at or above", GE, ""),
    ("{less|lower|smaller|fewer|younger} than or equal[ to]", LE, ""),
    ("equal [to ]or {less|lower|below|smaller|fewer|younger}[ than]", LE, ""),
    ("less [or ]equal[ {to|than}]", LE, ""),
    ("{below|under|less|lower}{ or |/}equal[ to]", LE, ""),
    ("at or below", LE, ""),
    # negated comparators
    ("{not|no} {less|lower|fewer|smaller|younger} than", GE, ""),
    ("not {below|under}", GE, ""),
    ("{not|no} {more|greater|higher|larger|older} than", LE, ""),
    ("not {above|over|exceeding}", LE, ""),
    ("{does|do|should|must} not exceed", LE, ""),
    ("not [to ]exceed", LE, ""),
    ("{at least|a minimum of|minimum|minimum of|minimally}", GE, ""),
    ("{up to|up to and including|a maximum of|maximum|maximum of|at most}", LE, ""),
    ("{greater|more|higher|larger|older|longer} than", GT, ""),
    ("{in excess of|exceed|exceeds|exceeded|exceeding|above|over|superior to}", GT, ""),
    ("{less|lower|fewer|smaller|younger|shorter} than", LT, ""),
    ("{below|under|inferior to}", LT, ""),
    ("within", LE, _ULN_NEXT),
    ("{twice|double}", "2 times", _MULTIPLIER_NEXT),
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
_CHOICE_RE = re.compile(r"\{([^{}]*)\}|\[([^\[\]]*)\]")


def expand(phrase: str) -> list[str]:
    """Every literal phrase a `{a|b}` / `[optional]` pattern stands for."""
    m = _CHOICE_RE.search(phrase)
    if m is None:
        return [phrase]
    options = m.group(1).split("|") if m.group(1) is not None else [m.group(2), ""]
    return [out for option in options for out in expand(phrase[:m.start()] + option + phrase[m.end():])]


def _word_replacements() -> tuple[dict[str, str], dict[str, str]]:
    """Literal phrase → replacement, and phrase → the lookahead it needs."""
    replacements: dict[str, str] = {}
    lookaheads: dict[str, str] = {}
    for pattern, symbol, lookahead in _COMPARATOR_PHRASES:
        for phrase in expand(pattern):
            replacements.setdefault(phrase, f" {symbol} " if symbol in POSTFIX else symbol)
            if lookahead:
                lookaheads[phrase] = lookahead
    for word, value in _UNITS_WORDS.items():
        replacements[word] = str(value)
    for tens, value in _TENS_WORDS.items():
        replacements[tens] = str(value)
        for ones, one_value in list(_UNITS_WORDS.items())[1:10]:
            replacements[f"{tens}-{ones}"] = replacements[f"{tens} {ones}"] = str(value + one_value)
    return replacements, lookaheads


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
@dataclass(frozen=True, slots=True)
class _Pass:
    """The replacements one rewriting pass made: new span [new_starts[k], new_ends[k]) replaced old_spans[k]."""

    new_starts: list[int]
    new_ends: list[int]
    old_spans: list[tuple[int, int]]

    def span(self, i: int) -> tuple[int, int]:
        """The span of the previous text that character i of this pass's text came from."""
        k = bisect_right(self.new_starts, i) - 1
        if k < 0:
            return i, i + 1
        if i < self.new_ends[k]:
            return self.old_spans[k]
        old = self.old_spans[k][1] + i - self.new_ends[k]
        return old, old + 1


@dataclass(slots=True)
class Text:
    """Normalised text, and the rewriting passes that lead back to the original's offsets."""

    text: str
    original: str
    passes: tuple[_Pass, ...] = ()

    def quote(self, start: int, end: int) -> str:
        """The original text behind normalised span [start, end)."""
        if end <= start or start >= len(self.text):
            return ""
        first, last = start, min(end, len(self.text)) - 1
        for rewrite in reversed(self.passes):
            first, last = rewrite.span(first)[0], rewrite.span(last)[1] - 1
        return self.original[first:last + 1].strip()


def _rewrite(src: Text, matches, replace: Callable[[re.Match[str]], str | None]) -> Text:
    """Apply `replace(match) -> str | None` to every match, recording the replaced spans."""
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    old_spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for m in matches:
        new = replace(m)
        if new is None:
            continue
        kept = src.text[pos:m.start()]
        out.append(kept)
        length += len(kept)
        out.append(new)
        new_starts.append(length)
        length += len(new)
        new_ends.append(length)
        old_spans.append((m.start(), m.end()))
        pos = m.end()
    if not out:  # the common case: nothing to rewrite
        return src
    out.append(src.text[pos:])
    return Text("".join(out), src.original, (*src.passes, _Pass(new_starts, new_ends, old_spans)))


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
    found = m.group()
    replacement = _WORDS.get(found)
    if replacement is not None:
        return replacement
    return next(symbol for pattern, symbol in _SYMBOLS if pattern.fullmatch(found))


def trie_pattern(words: Iterable[str], lookaheads: Mapping[str, str] | None = None, not_after: str = "") -> str:
    """A regex matching any of `words`, longest first, shaped as a trie (shared prefixes written once, so a position
    costs one branch per character rather than one try per word); a word in `lookaheads` matches only where its
    lookahead holds; `not_after` (the inside of a character class) is what may not precede a match.

    Every top-level branch starts with its literal first character (the `not_after` test comes after it, as a
    lookbehind), so that a search skips the positions no word can start at without trying the pattern there."""
    lookaheads = lookaheads or {}
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = lookaheads.get(word, "")

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")" if branches else ""
        if "" not in node:
            return body
        tail = node[""]
        if not body:
            return tail
        return f"(?:{body}|{tail})" if tail else f"(?:{body})?"

    if not not_after:
        return emit(trie)
    return "(?:" + "|".join(re.escape(ch) + f"(?<![{not_after}].)" + emit(child)
                            for ch, child in sorted(trie.items()) if ch) + ")"


# a criterion can hold a number (or a bound on a scale written in words) only if it has a digit or one of these words
# (as a trie: a plain alternation of the words costs ≈ 14 µs on a criterion without a digit)
_HINT_WORDS = (*_UNITS_WORDS, *_TENS_WORDS, "twice", "double", "uln", "unl", "upper limit", "upper limits",
               "upper normal", "normal upper", "child pugh", "child-pugh", "childs pugh", "child's pugh",
               "child turcotte", "nyha", "new york heart", "fitzpatrick")
_HINT_DIGIT_RE = re.compile(r"\d")
_HINT_WORDS_RE = re.compile(trie_pattern(_HINT_WORDS, not_after="a-z") + r"(?![a-z])")
_WORDS, _WORD_LOOKAHEADS = _word_replacements()
_SYMBOLS = [(re.compile(p), symbol) for p, symbol in _SYMBOL_PHRASES]
_WORDS_RE = re.compile(
    r"(?<![a-z0-9_])(?=[a-z])" + trie_pattern(_WORDS, lookaheads=_WORD_LOOKAHEADS) + r"(?![a-z])"
    + "|" + "|".join(f"(?:{p})" for p, _ in _SYMBOL_PHRASES)
)
_SPACES_RE = re.compile(r" {2,}")
# Pass 3: `=18 to =90 years`, `=650 pg/mL and =5000 pg/mL`: a range whose two comparators an encoding's best-fit
# mapping turned into `=` (ICTRP's export); the lower end first, so the first was `≥` and the second `≤`
_LONE_EQUALS = r"(?<![<>≤≥=!])=(?!=)"  # an `=` that is no part of `<=`, `>=`, `==` or `!=`
_EQUALS_PAIR_RE = re.compile(
    rf"{_LONE_EQUALS}\s*(?P<low>\d[\d,]*(?:\.\d+)?)(?P<between>[^=<>≤≥;()\d]{{0,20}}?\s*(?:-|~|\bto\b|\band\b)\s*)"
    r"=(?!=)\s*(?P<high>\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)
# a lone `=` before a number (or a class's roman numeral) that no range pairs with another: the comparator is lost
_BARE_EQUALS_RE = re.compile(rf"{_LONE_EQUALS}(?=\s*(?:\d|(?:I{{1,3}}|IV|V)\b))")
WORD_REPLACEMENTS = _WORDS  # phrase → what the second pass writes for it
SYMBOL_PATTERNS = tuple(p for p, _ in _SYMBOL_PHRASES)
_LETTERS_ONLY = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_HINT_FIRST_WORDS = frozenset(re.split(rb"[^a-z]+", word.encode())[0] for word in _HINT_WORDS)


def may_hold_a_measure(text: str) -> bool:
    """Whether a criterion holds a digit, a number word or a scale written in words (the cheap pre-filter)."""
    if _HINT_DIGIT_RE.search(text) is not None:
        return True
    lowered = lower(text)
    # most criteria without a digit hold none of the hint words' first words: a set test on their words, in C
    words = lowered.encode("ascii", "replace").translate(_LETTERS_ONLY).split()
    return not _HINT_FIRST_WORDS.isdisjoint(words) and _HINT_WORDS_RE.search(lowered) is not None


def clean(text: str) -> Text:
    """The first pass alone: unicode and markdown clean-up, blank runs (what the pre-filter of names reads)."""
    src = Text(text, text)
    if text.isascii() and "\\" not in text and "&" not in text and "  " not in text and "\n" not in text \
            and "\t" not in text and "\r" not in text:
        return src  # plain ASCII has nothing to clean
    return _rewrite(src, _CHARS_RE.finditer(src.text), _replace_chars)


def rewrite_words(src: Text, lowered: str) -> Text:
    """The second pass on a cleaned text (given its lower-cased copy): comparator and number words."""
    src = _rewrite(src, _WORDS_RE.finditer(lowered), _replace_words)
    if "=" in src.text:
        src = _rewrite(src, _EQUALS_PAIR_RE.finditer(src.text), _restore_range_ends)
        src = _rewrite(src, _lone_equals(src.text), lambda _: LOST)
    return _rewrite(src, _SPACES_RE.finditer(src.text), lambda m: " ") if "  " in src.text else src


def _lone_equals(text: str) -> Iterable[re.Match[str]]:
    """Each `=` before a number outside a pair of them."""
    in_pair = in_equals_pair(text)
    return (m for m in _BARE_EQUALS_RE.finditer(text) if not in_pair(m.start()))


def in_equals_pair(text: str) -> Callable[[int], bool]:
    """Whether an offset of the text lies in a pair of `=` (after `_restore_range_ends`, the pairs left are those
    whose higher end comes first: which was `≥` is unknown)."""
    pairs = [m.span() for m in _EQUALS_PAIR_RE.finditer(text)] if "=" in text else []
    return lambda at: any(start <= at < end for start, end in pairs)


def _restore_range_ends(m: re.Match[str]) -> str | None:
    low, high = (float(m.group(end).replace(",", "")) for end in ("low", "high"))
    return f"{GE}{m.group('low')}{m.group('between')}{LE}{m.group('high')}" if low < high else None


def lower(text: str) -> str:
    """The text lower-cased with the same length and offsets (`İ` would lengthen under str.lower: ASCII only then)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_LOWER)
