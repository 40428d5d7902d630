"""Eligibility text → inclusion/exclusion criterion items, whatever the bullets, numbering, headers or wrapping.

Works on every shape the layouts hand over: CT.gov markdown (`* 1\\. item`, nested `  * sub`), the legacy XML
textblock (indented `-  item` with indented wrapped lines), text dumps re-wrapped at a fixed width (`- item` with
unindented continuation lines) and plain prose. Segment, then assemble: every line is first classified (blank,
header, item, text), then the lines are folded into criteria:

* a header (`Inclusion Criteria:`, `EXCLUSION CRITERIA`, `Key Exclusion Criteria -`, `Patients will be excluded
  if:`) sets the kind of what follows; text before any header, or with no header at all, is INCLUSION;
* the first item of a section fixes the top-level marker (indent + marker style); a later item with the same
  marker at the same indent starts a new criterion, a deeper or differently-marked item is a sub-item and is
  appended to its parent criterion (`a) … b) …` under `Laboratory values:`);
* a text line right after a line of the criterion is a wrapped continuation and is joined back; after a blank
  line it is joined only when indented under the item or when the criterion ends with `:`, otherwise it is a
  paragraph criterion of its own.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from transforms import vocab
from transforms.issues import field_parser
from transforms.record import Criterion

INCLUSION = "INCLUSION"
EXCLUSION = "EXCLUSION"

# ---------------------------------------------------------------- line shapes

# A bullet: `*`/`-`/`•`/`⁃`/`+`/`·`/… followed by a space (or the end of the line); `-`, `•`, `⁃` also glued to
# a word (`-Men with ED`, seen in legacy dumps). A markdown-escaped `\-` / `\*` bullet counts too.
_BULLET = re.compile(
    r"^(?:\\?[*+\-•⁃·▪◦●○■□–—‣∙➢►✓]+(?=\s|$)|[\-•⁃·▪◦●‣∙](?=[^\W\d_]|\())\s*"
)
# A number or letter marker: `1.`, `1\.`, `1)`, `(1)`, `1.2`, `a)`, `(a)`, `a.`, `iv.`, `IV)`; digits may be glued
# to the text (`1.Age`). The delimiter style is part of the marker class: `1.` items and `1)` items are two lists.
_NUMBERED = re.compile(
    r"^(?P<open>\()?(?P<tok>\d{1,3}(?:\.\d{1,2})*|[ivxIVX]{1,5}|[A-Za-z])(?P<close>\\?\.|\)|(?(open)\)|(?!)))"
    r"(?:\s+|(?<=[.)])(?=[^\W\d_]))"
)
# `* 1\. text`, `- (2) text`, `* 7, text`: the number CT.gov authors repeat inside a bullet.
_INNER_NUMBER = re.compile(r"^(?=\(?(?P<n>\d{1,3}))(?:\(\d{1,3}\)|\d{1,3}(?:\\?\.|\))|\d{1,3},(?=\s+[^\W\d_]))\s*")
# `1. -Infants between 24-36 months`: a dash the author put after the number.
_INNER_BULLET = re.compile(r"^[\-–•*·]\s*(?=[^\W\d_])")
_ROMAN = re.compile(r"^(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})$", re.I)  # i … xxxix

# ---------------------------------------------------------------- headers

_LEAD_WORDS = (r"(?:(?:key|main|major|general|additional|specific|other|study|trial|patients?|subjects?|"
               r"participants?|principal|primary|secondary|important|selection|medical|clinical)\s+)")
# `Inclusion Criteria:`, `KEY EXCLUSION CRITERIA`, `Exclusion criteria -`, `Inclusion criteria (cohort A): rest`.
_KIND_HEADER = re.compile(
    rf"^{_LEAD_WORDS}{{0,3}}(?P<kind>inclusion|inclusionary|inclusive|exclusion|exclusionary|exclusive)"
    r"(?P<both>\s*(?:and|&|/|or)\s*(?:inclusion|exclusion)(?:ary)?)?"
    r"(?:\s+(?P<noun>criteria|criterion|criterias|requirements?|conditions?)\b)?"
    r"(?P<qualifier>\s*\([^()]{0,60}\)|\s+(?:for|of|in|to)\s+[^:]{1,60}?)?"
    r"\s*(?:(?P<sep>[:：]|\s[-–—]|[.])\s*(?P<rest>.*)|(?P<end>))$",
    re.I,
)
# `Eligibility criteria:`, `Criteria:` — a header that names no kind.
_NEUTRAL_HEADER = re.compile(
    r"^(?:(?:key|main|general|study|patient|subject|participant)\s+)?(?:eligibility\s+)?"
    r"(?:criteria|eligibility)(?:\s+for\s+[^:]{1,40})?\s*[:：]?$",
    re.I,
)
# `Patients will be excluded if:`, `Subjects are not eligible if they:`, `You may be eligible if you:`.
_SENTENCE_HEADER = re.compile(
    r"^[^:]{0,80}?\b(?:(?:will|shall|may|must|can|are|is|were)\s+(?P<neg>not\s+)?(?:be\s+)?"
    r"(?P<what>included|excluded|eligible|ineligible|enrolled|considered)"
    r"|(?P<inel>ineligible|not\s+eligible))\b[^:]{0,60}[:：]$",
    re.I,
)


def _header(body: str, wrapped: bool = False, bulleted: bool = False) -> tuple[str | None, str] | None:
    """(kind or None for a kind-less header, text after the header) when the line is a header, else None.

    `wrapped`: the line directly follows criterion text, so it may be a wrapped piece of a sentence (`… meet all
    the\ninclusion criteria.`); only a capitalised header ending in `:` or naming `Criteria` is taken then.
    `bulleted`: the line wore a bullet or number, so only a plain `Inclusion Criteria:`-style header is taken.
    """
    bare = body.lstrip("*_# \t").rstrip("*_ \t")  # `**Inclusion Criteria:**`, `## Exclusion`
    if bare.isascii():  # then case-insensitive is `lower()`, and a line naming no header word is no header
        low = bare.lower()
        named = "clusi" in low or "criteria" in low or "eligibility" in low
    else:
        named = True
    m = _KIND_HEADER.match(bare) if named else None
    if m:
        sep, noun, ends = m.group("sep"), m.group("noun"), m.group("end") is not None
        colon = sep in (":", "：")
        if noun or colon or (ends and not m.group("qualifier")) or sep and sep.strip() in "-–—":
            # not prose such as `Exclusion. Patients who …` or `Inclusion of women`
            # after text only a capitalised header ending in `:`, or a bare `Exclusion criteria` / `Exclusion
            # criteria -` line (a double-spaced copy lost the blank line before it), is taken
            bare_header = noun and not m.group("rest") and (ends or sep and sep.strip() in "-–—")
            if not wrapped or bare[:1].isupper() and (colon or bare_header):
                kind = None if m.group("both") else (
                    INCLUSION if m.group("kind").lower().startswith("inclus") else EXCLUSION)
                return kind, (m.group("rest") or "").strip()
            return None
    if named and _NEUTRAL_HEADER.match(bare) and not (wrapped and bare[:1].islower()):  # `… any of the following\ncriteria:`
        return None, ""
    # A bulleted sentence (`* Patients who meet any of the following will be excluded:`) is a criterion. The
    # pattern only matches a line ending with a colon, so other lines skip its costly scan.
    m = None if wrapped or bulleted or not bare.endswith((":", "：")) else _SENTENCE_HEADER.match(bare)
    if m:
        what = (m.group("what") or "").lower()
        negative = bool(m.group("neg") or m.group("inel")) or what in ("excluded", "ineligible")
        return (EXCLUSION if negative else INCLUSION), ""
    return None


# ---------------------------------------------------------------- items


@dataclass(slots=True)
class _Item:
    """One list-item line: its marker class, its ordinal in its list, its text without the marker."""

    style: str  # marker class: "bullet", "num.", "num)", "(num)", "alpha.", "roman)", "sub." …
    ordinal: int | None  # 3 for `3.`/`c)`/`iii.` and for `* 3\.`; None for a plain bullet
    text: str
    glyph: str = ""  # a bullet's characters (`•`, `⁃`, `-`)


def _ordinal(tok: str, roman: bool) -> int:
    if tok.isdigit():
        return int(tok)
    if not roman:
        return ord(tok.lower()) - ord("a") + 1
    values = {"i": 1, "v": 5, "x": 10}
    low = tok.lower()
    return sum(-values[c] if n + 1 < len(low) and values[low[n + 1]] > values[c] else values[c]
               for n, c in enumerate(low))


def _marker(body: str) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """(bullet match, numbered match) at the start of the line; a bullet is looked for first."""
    bullet = _BULLET.match(body)
    return bullet, None if bullet else _NUMBERED.match(body)


def _item(body: str, last_alpha: int | None, marker: tuple[re.Match[str] | None, re.Match[str] | None]) -> _Item | None:
    """The line (with its `_marker`) as a list item, or None for plain text; `last_alpha` tells `i.` after `h.` from
    roman `i.`."""
    bullet, m = marker
    if bullet:
        text = body[bullet.end():]
        inner = _INNER_NUMBER.match(text)
        ordinal = int(inner.group("n")) if inner else None
        return _Item("bullet", ordinal, text[inner.end():] if inner else text, bullet.group().strip())
    if not m:
        return None
    tok = m.group("tok")
    shape = ("(" if m.group("open") else "") + m.group("close").lstrip("\\")
    low = tok.lower()
    if tok.isdigit():
        kind = "num"
    elif "." in tok:
        kind = "sub"
    elif _ROMAN.match(tok) and (len(tok) > 1 or low == "i" and last_alpha != 8 or low != "i" and last_alpha is None):
        kind = "roman"
    elif len(tok) == 1:
        kind = "alpha"
    else:
        return None  # letters that are no roman number (`VX.`, `IIX)`) start no item
    if kind != "num" and not m.group(0)[-1].isspace():
        return None  # only digits may be glued to their text (`1.Age`); `e.g.` is no item
    ordinal = None if kind == "sub" else _ordinal(tok, kind == "roman")
    text = body[m.end():]
    dash = _INNER_BULLET.match(text)  # a match, not a sub: an anchored sub would still try every later position
    return _Item(kind + shape, ordinal, text[dash.end():] if dash else text)


def marker_of(line: str) -> str:
    """The class of the list marker a line opens with (`•`, `-`, `num.`, `alpha)`), "" for none."""
    item = _item(line, None, _marker(line))
    return "" if item is None else item.glyph or item.style


# ---------------------------------------------------------------- assembly


@dataclass(slots=True)
class _Criterion:
    kind: str
    indent: int  # indent of its first line, to tell text nested under it from a new paragraph
    pieces: list[str]
    marker: str = ""  # Criterion.marker


@dataclass(slots=True)
class _Builder:
    """Folds classified lines into criteria; one section (header) at a time."""

    kind: str = INCLUSION
    built: list[_Criterion] = field(default_factory=list)
    current: _Criterion | None = None  # the criterion text lines are appended to
    top: tuple[int, str] | None = None  # (indent, marker class) of the section's first item
    top_ordinal: int | None = None  # number of the current top-level item (`3.` or `* 3\.`)
    sub_style: str | None = None  # marker class of the sub-items under the current criterion
    last_ordinal: dict[str, int] = field(default_factory=dict)  # last ordinal seen per marker class

    def header(self, kind: str | None) -> None:
        self.kind = kind or self.kind
        self.current = self.top = self.top_ordinal = self.sub_style = None
        self.last_ordinal = {}

    def starts_item(self, item: _Item, after_break: bool) -> bool:
        """A numbered line right after text must go on with its list (`2.` after `1.`), else it is wrapped text."""
        if item.ordinal is None or after_break or item.style == "bullet":
            return True
        last = self.last_ordinal.get(item.style)
        # one number may be skipped (`2.` then `4)` in a source list); more reads as a number in wrapped text
        return last is None or item.ordinal in (1, last + 1, last + 2)

    def add_item(self, item: _Item, indent: int, marker_indent: int) -> None:
        if item.ordinal is not None:
            self.last_ordinal["num." if item.style == "bullet" else item.style] = item.ordinal
            if item.style.startswith("alpha"):
                self.last_ordinal["alpha"] = item.ordinal
        text = item.text.strip()
        if not text:
            return  # a lone `-` before a numbered list (legacy seed 003): nothing to keep
        if self.current is not None and self.top is not None and self._is_sub_item(item, indent):
            self.current.pieces.append(text)
            self.sub_style = item.style
            return
        if self.top is None or self.current is None or indent < self.top[0] - 1:
            self.top = (indent, item.style)
        self.top_ordinal = item.ordinal
        self.sub_style = None
        self._start(text, indent, " " * marker_indent + (item.glyph or item.style))

    def _is_sub_item(self, item: _Item, indent: int) -> bool:
        """Deeper than the top marker, or another marker at its depth (dumps lose indentation), unless it goes on
        with the top numbering (`2. …` then `4) …`, `- 1. …` then `2. …`)."""
        top_indent, top_style = self.top  # type: ignore[misc]
        if indent > top_indent + 1:
            return True
        if indent < top_indent - 1 or item.style == top_style:
            return False
        if item.style == self.sub_style:
            return True
        return not (item.style.startswith("num") and self.top_ordinal is not None and item.ordinal is not None
                    and item.ordinal > self.top_ordinal)

    def add_text(self, body: str, indent: int, after_break: bool) -> None:
        cur = self.current
        if cur is not None and (not after_break or indent > cur.indent + 1 or cur.pieces[-1].endswith((":", "："))
                                or _MID_SENTENCE.search(cur.pieces[-1]) and _SENTENCE_GOES_ON.match(body)):
            cur.pieces.append(body)
        else:
            self._start(body, indent)

    def _start(self, text: str, indent: int, marker: str = "") -> None:
        self.current = _Criterion(self.kind, indent, [text], marker)
        self.built.append(self.current)


_WORDY = re.compile(r"[^\W_]")
# A wrapped line cut off by a stray blank line: the piece before stops mid-sentence (a word or a comma) and the
# next one goes on in lower case (`… with a documented positive straight leg raise (SLR) test or` / `femoral …`).
_MID_SENTENCE = re.compile(r"[\w,\-/(]$")
_SENTENCE_GOES_ON = re.compile(r"^[a-z(]")


_INCLUSION_HEADER = re.compile(r"^\W*inclusion\s+criteria\b[^\n]*$", re.I | re.M)
_EXCLUSION_HEADER = re.compile(r"^\W*exclusion\s+criteria\b[^\n]*$", re.I | re.M)


def unsplit_blocks(text: str | None, **_options: bool) -> list[Criterion]:
    """The fallback when splitting fails: the text as one block per kind, cut at an `Exclusion Criteria` line."""
    if not text or not text.strip():
        return []
    head = _EXCLUSION_HEADER.search(text)
    parts = [(INCLUSION, text[:head.start()]), (EXCLUSION, text[head.end():])] if head else [(INCLUSION, text)]
    parts[0] = (INCLUSION, _INCLUSION_HEADER.sub("", parts[0][1], count=1))
    return [Criterion(kind, " ".join(block.split())) for kind, block in parts if block.strip()]


def criteria_of_items(items: Iterable[tuple[str, str, str]]) -> list[Criterion]:
    """Criteria from list items a layout has segmented itself ((kind, text, marker) each, in order), read as
    `split_eligibility` reads such items written one per line under a header of their kind: a bare header among
    them (`Eligibility Criteria for Prescreening`) is no criterion and sets the kind of the items after it, and a
    number left at an item's start (`1. …` after its own marker) is not part of its text."""
    criteria: list[Criterion] = []
    section = kind = None
    started = after_break = False  # a criterion begun since the last header; the line before was a header
    for item_kind, item, marker in items:
        if item_kind != section:
            section = kind = item_kind
            started, after_break = False, True
        text = item.strip()
        header = _header(text, wrapped=started and not after_break, bulleted=True)
        if header is not None and not header[1]:
            kind = header[0] or kind
            started, after_break = False, True
            continue
        inner = _INNER_NUMBER.match(text)
        text = text[inner.end():].strip() if inner else text
        after_break = False
        if not text:
            continue
        started = True
        cleaned = vocab.clean(text)
        if cleaned and _WORDY.search(cleaned):
            criteria.append(Criterion(kind or INCLUSION, cleaned, marker))
    return criteria


@field_parser("criteria", unsplit_blocks)
def split_eligibility(text: str | None, *, indent_nests: bool = True) -> list[Criterion]:
    """Split an eligibility block into INCLUSION/EXCLUSION criteria, each without its bullet or number (`indent_nests`
    False: the lines' indent only goes into the markers, the items are split as if it were not there)."""
    if not text:
        return []
    builder = _Builder()
    after_break = True  # the previous line was blank or a header
    if "\t" in text:
        text = text.expandtabs(4)  # tab stops restart at each newline, as they would line by line
    for raw_line in text.split("\n"):
        line = raw_line.rstrip()
        if not line:
            after_break = True
            continue
        body = line.lstrip()
        written_indent = len(line) - len(body)
        indent = written_indent if indent_nests else 0
        wrapped = builder.current is not None and not after_break
        markers = _marker(body)
        marker = markers[0] or markers[1]
        header = _header(body[marker.end():] if marker else body, wrapped, bulleted=marker is not None)
        if marker and header and header[1]:
            header = None  # only a bare `* Exclusion Criteria:` / `2. Exclusion Criteria` is a header with a marker
        if header is not None:
            builder.header(header[0])
            after_break = True
            if not header[1]:
                continue
            body = header[1]  # `Inclusion Criteria: Age 18 or over` — the rest is the first criterion
            markers = _marker(body)
        item = _item(body, builder.last_ordinal.get("alpha"), markers)
        if item is not None and builder.starts_item(item, after_break):
            builder.add_item(item, indent, written_indent)
        else:
            builder.add_text(body, indent, after_break)
        after_break = False
    criteria = []
    for crit in builder.built:
        cleaned = vocab.clean(" ".join(crit.pieces))
        if cleaned and _WORDY.search(cleaned):
            criteria.append(Criterion(crit.kind, cleaned, crit.marker))
    return criteria
