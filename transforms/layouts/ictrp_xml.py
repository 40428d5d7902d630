"""Layout `ictrp_xml`: WHO ICTRP's "Export results to XML" file, `<Trials_downloaded_from_ICTRP>` with one `<Trial>`
per registry record (every element holds one field as text, trailing whitespace included).

Segment, then assemble: the text is first cut into `<Trial>…</Trial>` pieces by a linear scan, each piece is parsed
alone with defusedxml (which refuses entity-expansion and external-entity tricks), so a malformed or truncated record
becomes a ParseError in the list while its siblings load; the fields are then read by `ictrp_fields.build`. Both
the 2024 export (`Retrospective_flag`, DD/MM/YYYY `Date_registration`) and later ones (`Prospective_registration`,
YYYY-MM-DD) carry the same field names.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element

from transforms.errors import ParseError
from transforms.layouts.ictrp_fields import build, field_of
from transforms.markup import MARKUP_HEAD, parse_xml
from transforms.offsets import pattern_starts
from transforms.record import ParsedTrial

NAME = "ictrp_xml"
KIND = "structured"
DESCRIPTION = "WHO ICTRP XML export (<Trials_downloaded_from_ICTRP>, one <Trial> per registry record)"

_ROOT = re.compile(r"<Trials_downloaded_from_ICTRP[\s>/]")
# `<Trial>` and `<Trial …>`, not `<Trials_downloaded_from_ICTRP>` nor `<TrialID>`.
_TRIAL_OPEN = re.compile(r"<Trial(?=[\s>/])[^<>]{0,200}>")
# The same tag in the file's bytes (in UTF-8 and the single-byte code pages, markup is ASCII).
_TRIAL_OPEN_BYTES = re.compile(_TRIAL_OPEN.pattern.encode("ascii"))
_LONGEST_OPEN = len("<Trial>") + 200
_TRIAL_CLOSE = re.compile(r"</Trial\s*>")
_TRIAL_ID = re.compile(r"<TrialID>\s*([^<]{1,100}?)\s*</TrialID>")


def detect(text: str) -> float:
    """1.0 for markup rooted at `<Trials_downloaded_from_ICTRP>`; 0.8 for bare `<Trial>` records with a `<TrialID>`."""
    head = text[:4096]
    if not MARKUP_HEAD.match(head):
        return 0.0
    if _ROOT.search(head):
        return 1.0
    return 0.8 if _TRIAL_OPEN.search(head) and "<TrialID>" in head else 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """One ParsedTrial per `<Trial>`; a record that cannot be read is a ParseError in the list."""
    out: list[ParsedTrial | ParseError] = []
    for n, (piece, closed) in enumerate(_trial_pieces(text), start=1):
        found = _TRIAL_ID.search(piece)
        where = f"Trial {n}" + (f" ({found.group(1)})" if found else "")
        if not closed:
            out.append(ParseError(source, NAME, where, "the <Trial> element is never closed"))
            continue
        try:
            element = parse_xml(piece, source, NAME, where)
        except ParseError as exc:
            out.append(exc)
            continue
        try:
            out.append(build(_fields(element), NAME))
        except ValueError as exc:
            out.append(ParseError(source, NAME, where, str(exc)))
    if not out:
        raise ParseError(source, NAME, "xml", "expected <Trial> elements inside <Trials_downloaded_from_ICTRP>")
    return out


def record_starts(blocks: Iterable[bytes]) -> Iterator[int]:
    """The byte offset of every `<Trial>` open tag, where `parse` begins a record (so the file can be read in
    parts)."""
    return pattern_starts(_TRIAL_OPEN_BYTES, _LONGEST_OPEN, blocks)


def _trial_pieces(text: str) -> Iterator[tuple[str, bool]]:
    """(`<Trial>…</Trial>` text, closed) for each record, in one pass: a record whose close tag comes after the next
    record's open tag is unclosed."""
    close = None
    opening = _TRIAL_OPEN.search(text)
    while opening is not None:
        if opening.group(0).endswith("/>"):  # `<Trial/>`: an empty record
            yield opening.group(0), True
            opening = _TRIAL_OPEN.search(text, opening.end())
            continue
        following = _TRIAL_OPEN.search(text, opening.end())
        if close is None or close.start() < opening.end():  # close tags only move forward: the scan stays linear
            close = _TRIAL_CLOSE.search(text, opening.end())
        if close is not None and (following is None or close.end() <= following.start()):
            yield text[opening.start():close.end()], True
        else:
            end = following.start() if following is not None else len(text)
            yield text[opening.start():end], False
        opening = following


def _fields(element: Element) -> dict[str, str | None]:
    """Canonical field → raw text of the first element holding it (unknown elements are skipped)."""
    fields: dict[str, str | None] = {}
    for child in element:
        name = field_of(child.tag) if isinstance(child.tag, str) else None
        if name is not None and not fields.get(name):
            fields[name] = "".join(child.itertext())
    return fields
