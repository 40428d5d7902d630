"""Eligibility criteria of a WHO ICTRP record: its inclusion and exclusion fields → INCLUSION/EXCLUSION criteria.

ICTRP prefixes the fields with `Inclusion criteria: ` / `Exclusion criteria: `; a CT.gov record holds both sections
(with CT.gov's own headers, several copies joined by `;`) in the inclusion field; EU CTR appends the age groups of
its form (section F.1) to the inclusion criteria. Every bullet or number, at any depth, opens a criterion of its
own; a line without one is a criterion unless it continues the line before (hard-wrapped, indented under its item,
or joined by a lone `AND`/`OR`), or only introduces the list (`Participants are eligible … if all of the following
criteria apply:`, `Medical Conditions:`). Segment, then assemble: the lines are classified here into items, which
`transforms.criteria.criteria_of_items` turns into criteria as `split_eligibility` reads a list (once: they are
not written out and split again).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms import vocab
from transforms.criteria import EXCLUSION, INCLUSION, criteria_of_items, marker_of
from transforms.layouts.ictrp_text import (
    continues,
    is_placeholder,
    next_where,
    stops_open,
    strip_marker,
    superseded_heading,
)
from transforms.record import Criterion

# `Inclusion criteria:`, `Polyneuropathy Exclusion Criteria (UK only):`, `3.1.1.b. Exclusion criteria`,
# `Inclusion criteria: 1. Age 18 or over` (the rest is the first criterion).
_HEADER = re.compile(r"^(?P<lead>[^:]{0,60}?\s)?(?P<kind>inclusion|exclusion)\s+criteria\s*(?:\([^()]{0,40}\))?\s*"
                     r"(?::\s*(?P<rest>.*)|(?P<end>))$", re.I)
_LEAD_WORDS = 8
# A sentence that introduces the list: it speaks of the criteria themselves, not of the participants' condition.
_INTRODUCES = re.compile(r"\b(?:criteri(?:a|on)|eligible|ineligible|included|excluded|inclusion|exclusion|"
                         r"enter the study|following (?:\w+ )?apply)\b", re.I)
_SAYS_EXCLUSION = re.compile(r"\b(?:exclu\w*|ineligible|not (?:be )?eligible|may not|must not|cannot)\b", re.I)
_SAYS_INCLUSION = re.compile(r"\b(?:inclu\w*|eligible)\b", re.I)
_SUBHEADING_WORDS = 6
_CONNECTIVE = re.compile(r"^(?:and|or|and/or)$", re.I)
# EU CTR's age groups of form section F.1, appended to the inclusion criteria.
_EU_AGE_GROUP_LINE = re.compile(r"^(?:are the trial subjects under 18\?|number of subjects for this age range|"
                                r"F\.1(?:\.\d+)+\b)", re.I)
# Items run together on one line: `1. First  2. Second` (EU CTR), `… (CKD); ii. decreased …`, `features - i. …`.
_RUN_TOGETHER = re.compile(r"\s{2,}(?=\d{1,2}[.)]\s)|(?<=;)\s+(?=(?:[ivx]{1,4}|[a-z]|\d{1,2})[.)]\s)|"
                           r"\s[-–]\s(?=(?:[ivx]{1,4}|[a-z]|\d{1,2})[.)]\s)")
_ITEM_MARK = re.compile(r"[.)]\s")  # what every cut above looks ahead to: most lines have none (searched first)
# ICTRP joins the copies of a CT.gov eligibility text it holds with a `;` line.
_COPY_SEPARATOR = re.compile(r"\n[ \t]*;[ \t]*(?=\n)")
_ITEM_NUMBER = re.compile(r"^\(?(\d{1,2})[.)]")  # a line opening with a number: `1.`, `2)`, `(3)`
# the next items of a numbered line, run together on it with single blanks (ChiCTR: `(1) age 20-80 (2) knee OA`):
# cut only where the numbers go on from the line's own, in its marker's style
_INLINE_NUMBER = {"num()": re.compile(r"\s\((\d{1,2})\)\s"), "num)": re.compile(r"\s(\d{1,2})\)\s"),
                  "num.": re.compile(r"\s(\d{1,2})\.\s(?=\D)")}
# `OR • The participant …`: a connective in front of a bullet.
_CONNECTIVE_PREFIX = re.compile(r"^(?:and|or|and/or)\s+(?=[-•*·▪◦–]\s)", re.I)
_NAMES_BOTH_LISTS = re.compile(r"inclusion criteria.*exclusion criteria|exclusion criteria.*inclusion criteria", re.I)


def eligibility_text(inclusion: str | None, exclusion: str | None) -> str | None:
    """The two fields as one text, kept on the record for audit and re-splitting."""
    return "\n\n".join(p for p in (inclusion, exclusion) if p) or None


def criteria(inclusion: str | None, exclusion: str | None) -> list[Criterion]:
    """Criteria of both fields, in order."""
    items = [item for text, field_kind in ((inclusion, INCLUSION), (exclusion, EXCLUSION)) if text
             for item in _items(_one_copy(text), field_kind)]
    return [c for c in criteria_of_items(items) if not is_placeholder(c.text)]


def _one_copy(text: str) -> str:
    """The text with repeated copies (ICTRP's `;`-joined repeats of a CT.gov eligibility text) left out."""
    copies, seen = [], set()
    for copy in _COPY_SEPARATOR.split(text):
        key = " ".join(copy.split())
        if key and key not in seen:
            seen.add(key)
            copies.append(copy)
    return "\n\n".join(copies)


@dataclass(slots=True)
class _Line:
    """A logical line: a header, a lead-in ending in `:`, a connective, or criterion text (wrapped lines joined)."""

    text: str  # the first physical line's text until `_logical_lines` joins the pieces
    marked: bool = False
    marker: str = ""  # Criterion.marker of a marked line
    header: str | None = None  # the kind a header line sets
    lead_in: bool = False  # a short or criteria-naming line ending in `:`
    after_break: bool = True
    marker_indent: int | None = None
    last: str = ""  # the last physical line joined in
    more: list[str] = field(default_factory=list)  # wrapped lines joined in after the first
    number: int | None = None  # a numbered line's own number


def _items(text: str, field_kind: str) -> list[tuple[str, str, str]]:
    """(kind, criterion text, its marker) in order, from one field."""
    logical = _logical_lines(text)
    found: list[tuple[str, list[str], str]] = []  # (kind, pieces, marker)
    kind, join_next = field_kind, False
    after = next_where(logical, lambda x: x.header is None)
    for n, line in enumerate(logical):
        if line.header is not None:
            kind, join_next = line.header, False
            continue
        following = logical[after[n]] if after[n] < len(logical) else None
        if line.lead_in and following is not None:
            kind, join_next = _kind_said(line.text, kind), False
            continue
        current = found[-1] if found and found[-1][0] == kind else None
        if _CONNECTIVE.match(line.text):
            # a lone AND/OR joins its neighbours, unless a new item or a lead-in follows (then it only separates)
            if current is not None and following is not None and not (
                    following.marked or following.lead_in or following.text.endswith(":")):
                current[1].append(line.text)
                join_next = True
            continue
        if current is not None and join_next and not line.marked:
            current[1].append(line.text)
        else:
            found.append((kind, [line.text], line.marker))
        join_next = False
    return [(k, text, marker) for k, pieces, marker in found if vocab.clean(text := " ".join(pieces))]


def _logical_lines(text: str) -> list[_Line]:
    """Physical lines classified, wrapped lines joined, run-together items cut apart."""
    out: list[_Line] = []
    after_break, superseded = True, False
    for indent, line in _physical_lines(text):
        if not line:
            after_break = True
            continue
        if (history := superseded_heading(line)) is not None:
            superseded, after_break = history, True  # replaced criteria are left out up to the next heading
            continue
        header = _HEADER.match(line)
        superseded = superseded and header is None
        if superseded:
            continue
        if header and len((header.group("lead") or "").split()) <= _LEAD_WORDS:
            out.append(_Line(line, header=INCLUSION if header.group("kind").casefold() == "inclusion" else EXCLUSION))
            line = (header.group("rest") or "").strip()
            after_break = True
            if not line:
                continue
        line = _CONNECTIVE_PREFIX.sub("", line)
        marked, body = strip_marker(line)
        if not body.strip("-*•·"):
            continue  # a lone bullet
        last = out[-1] if out and out[-1].header is None and not out[-1].lead_in else None
        if last is not None and _wraps(last, indent, line, marked, after_break):
            last.more.append(line)
            last.last = line
        elif not marked and body.endswith(":") and len(body.split()) <= _SUBHEADING_WORDS:
            out.append(_Line(body, lead_in=True, after_break=after_break))
        else:
            out.append(_Line(body, marked, marker_of(line) if marked else "", after_break=after_break,
                             marker_indent=indent if marked else None, last=line,
                             number=int(m.group(1)) if marked and (m := _ITEM_NUMBER.match(line)) else None))
        after_break = False
    for joined in out:  # a lead-in may have been wrapped over two lines: judged once whole
        if joined.more:
            joined.text = " ".join([joined.text, *joined.more])
        if joined.header is None and not joined.marked and (joined.text.endswith(":") and _INTRODUCES.search(
                joined.text) or _NAMES_BOTH_LISTS.search(joined.text)):
            joined.lead_in = True
    return [piece for joined in out for piece in _cut_run_together(joined)]


def _physical_lines(text: str) -> list[tuple[int, str]]:
    """(indent, trimmed line); EU CTR age-group lines dropped."""
    out = []
    for raw in text.split("\n"):
        line = raw.expandtabs(4).rstrip()
        body = line.strip()
        if not _EU_AGE_GROUP_LINE.match(body):
            out.append((len(line) - len(line.lstrip()), body))
    return out


def _wraps(last: _Line, indent: int, line: str, marked: bool, after_break: bool) -> bool:
    """The line goes on with the logical line before: directly under a bulleted item, indented under it, or
    hard-wrapped mid-sentence (a number opening the line is then part of the sentence: `(stage 1 or` / `2) not …`)."""
    if after_break:
        return False
    if marked:
        return bool(_ITEM_NUMBER.match(line)) and len(last.last) >= _WRAP_WIDTH and stops_open(last.last)
    if last.marker_indent is not None:
        return True
    return len(last.last) >= _WRAP_WIDTH and continues(last.last, line)


def _cut_run_together(line: _Line) -> list[_Line]:
    if line.header is not None or line.lead_in or not _ITEM_MARK.search(line.text):
        return [line]
    parts = _RUN_TOGETHER.split(line.text)
    if len(parts) == 1 and line.number is not None and line.marker in _INLINE_NUMBER:
        parts = _next_numbers(line.text, line.number, _INLINE_NUMBER[line.marker])
    return [line] if len(parts) == 1 else [
        _Line(strip_marker(p)[1] if n else p, marked=line.marked or n > 0, marker=marker_of(p) if n else line.marker,
              after_break=line.after_break)
        for n, p in enumerate(parts) if p.strip()]


def _next_numbers(text: str, number: int, inline: re.Pattern[str]) -> list[str]:
    """The text cut before each inline item that numbers on from `number` (each piece keeps its marker)."""
    cuts: list[int] = []
    for m in inline.finditer(text):
        if int(m.group(1)) == number + 1 + len(cuts):
            cuts.append(m.start() + 1)
    return [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _kind_said(line: str, kind: str) -> str:
    if _SAYS_EXCLUSION.search(line):
        return EXCLUSION
    if _SAYS_INCLUSION.search(line):
        return INCLUSION
    return kind


# A line shorter than this ended where its author ended it, not where a wrapping width did.
_WRAP_WIDTH = 40
