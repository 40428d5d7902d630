"""Eligibility criteria of a WHO ICTRP record: its inclusion and exclusion fields → INCLUSION/EXCLUSION criteria.

ICTRP prefixes the fields with `Inclusion criteria: ` / `Exclusion criteria: `; a CT.gov record holds both sections
(with CT.gov's own headers, several copies joined by `;`) in the inclusion field; EU CTR appends the age groups of
its form (section F.1) to the inclusion criteria. Every bullet or number, at any depth, opens a criterion of its
own; a line without one is a criterion unless it continues the line before (hard-wrapped, indented under its item,
or joined by a lone `AND`/`OR`), or only introduces the list (`Participants are eligible … if all of the following
criteria apply:`, `Medical Conditions:`). Segment, then assemble: the lines are classified here, then written in
one plain shape (`Exclusion Criteria:` headers and `- item` lines) that `transforms.criteria.split_eligibility`
turns into criteria.
"""
from __future__ import annotations

import re

from transforms import vocab
from transforms.criteria import EXCLUSION, INCLUSION, split_eligibility
from transforms.layouts.ictrp_text import continues, is_placeholder, strip_marker
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
# Items an EU CTR export ran together on one line: `1. First  2. Second  3. Third`.
_RUN_TOGETHER = re.compile(r"\s{2,}(?=\d{1,2}[.)]\s)")
_FIRST_NUMBER = re.compile(r"^1[.)]\s")
_SEPARATOR_LINE = re.compile(r"^[;,]$")


def eligibility_text(inclusion: str | None, exclusion: str | None) -> str | None:
    """The two fields as one text, kept on the record for audit and re-splitting."""
    return "\n\n".join(p for p in (inclusion, exclusion) if p) or None


def criteria(inclusion: str | None, exclusion: str | None) -> list[Criterion]:
    """Criteria of both fields, each once (CT.gov records arrive with their eligibility text repeated)."""
    items: list[tuple[str, str]] = []
    for text, kind in ((inclusion, INCLUSION), (exclusion, EXCLUSION)):
        if text:
            items.extend(_items(text, kind))
    lines: list[str] = []
    current_kind = None
    for kind, item in items:
        if kind != current_kind:
            lines.append("Inclusion Criteria:" if kind == INCLUSION else "Exclusion Criteria:")
            current_kind = kind
        lines.append("- " + item)
    out, seen = [], set()
    for c in split_eligibility("\n".join(lines)):
        key = (c.kind, " ".join(c.text.casefold().split()).rstrip(" .;,"))
        if key not in seen and not is_placeholder(c.text):
            seen.add(key)
            out.append(c)
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    """(indent, line) pairs; EU CTR age-group lines and copy separators dropped, run-together items cut apart."""
    out = []
    for raw in text.split("\n"):
        line = raw.expandtabs(4).rstrip()
        body = line.strip()
        if _EU_AGE_GROUP_LINE.match(body):
            continue
        indent = len(line) - len(line.lstrip())
        if _SEPARATOR_LINE.match(body):
            body = ""
        parts = _RUN_TOGETHER.split(body) if _FIRST_NUMBER.match(body) else [body]
        out.extend((indent, part) for part in parts)
    return out


def _items(text: str, field_kind: str) -> list[tuple[str, str]]:
    """(kind, criterion text) in order, from one field."""
    found: list[list[str]] = []  # [kind, text]
    kind, join_next = field_kind, False
    logical = _logical_lines(_lines(text))
    for n, (header_kind, marked, body, after_break) in enumerate(logical):
        if header_kind is not None:
            kind, join_next = header_kind, False
            continue
        current = found[-1] if found and found[-1][0] == kind else None
        if current is not None and (join_next or _CONNECTIVE.match(body)):
            current[1] += " " + body
            join_next = bool(_CONNECTIVE.match(body))
            continue
        if not marked and body.endswith(":") and _introduces(body, after_break, logical[n + 1:]):
            kind = _kind_said(body, kind)
            continue
        found.append([kind, body])
    return [(k, t) for k, t in found if vocab.clean(t)]


def _logical_lines(lines: list[tuple[int, str]]) -> list[tuple[str | None, bool, str, bool]]:
    """(header kind or None, marked, text, after a break) per logical line: headers found, wrapped lines joined."""
    out: list[list] = []  # [header kind, marked, text, after_break, marker indent, last physical line]
    after_break = True
    for indent, line in lines:
        if not line:
            after_break = True
            continue
        header = _HEADER.match(line)
        if header and len((header.group("lead") or "").split()) <= _LEAD_WORDS:
            out.append([INCLUSION if header.group("kind").casefold() == "inclusion" else EXCLUSION, False, line,
                        True, None, line])
            rest = (header.group("rest") or "").strip()
            if rest:
                marked, body = strip_marker(rest)
                out.append([None, marked, body, True, indent if marked else None, rest])
            after_break = bool(not rest)
            continue
        marked, body = strip_marker(line)
        if not body.strip("-*•"):
            continue  # a lone bullet
        last = out[-1] if out and out[-1][0] is None else None
        if not marked and last is not None and not after_break and _wraps(last[4], last[5], indent, body):
            last[2] += " " + body
            last[5] = body
        else:
            out.append([None, marked, body, after_break, indent if marked else None, body])
        after_break = False
    return [(h, m, t, b) for h, m, t, b, _, _ in out]


def _introduces(line: str, after_break: bool, following: list[tuple[str | None, bool, str, bool]]) -> bool:
    """A line that only leads into the items after it: a sentence about the criteria, or a short sub-heading."""
    if not any(header is None for header, _, _, _ in following):
        return False
    return bool(_INTRODUCES.search(line)) or (after_break and len(line.split()) <= _SUBHEADING_WORDS)


def _kind_said(line: str, kind: str) -> str:
    if _SAYS_EXCLUSION.search(line):
        return EXCLUSION
    if _SAYS_INCLUSION.search(line):
        return INCLUSION
    return kind


def _wraps(marker_indent: int | None, previous: str, indent: int, line: str) -> bool:
    """The unmarked line goes on with the one before: indented under its bullet, or hard-wrapped mid-sentence."""
    if marker_indent is not None and indent > marker_indent:
        return True
    return len(previous) >= _WRAP_WIDTH and continues(previous, line)


# A line shorter than this ended where its author ended it, not where a wrapping width did.
_WRAP_WIDTH = 40
