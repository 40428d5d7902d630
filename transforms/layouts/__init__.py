"""The layout registry: every layout rates a text with `detect`; the most confident one parses it.

A layout is a module with `NAME`, `DESCRIPTION`, `KIND` (`structured`: a registry's export format, read field by
field; `free_text`: a rendering for people, read by its shape), `detect(text) -> float` (cheap, looks at the head:
0 = not mine, 1 = certainly mine) and `parse(text, source) -> list[ParsedTrial | ParseError]` (one item per
record; a record that cannot be built is a ParseError in the list so its siblings still load). A layout of many
records may offer `record_starts(blocks) -> Iterator[int]`, the byte offset of each record, so that a large file
is read in parts (transforms.parts), and `close_part(text) -> str` when a part needs closing to parse alone.
Layouts know nothing of each other: ties go to the layout registered first, and a certain answer ends the search.
"""
from __future__ import annotations

from types import ModuleType

from transforms.errors import ParseError, UnrecognizedLayout
from transforms.infer import fill_stated_fields
from transforms.issues import collecting
from transforms.layouts import (
    aggregator_page,
    ctgov_csv_export,
    ctgov_csv_row,
    ctgov_json,
    ctgov_legacy_text,
    ctgov_page_copy,
    ctgov_xml,
    ictrp_csv,
    ictrp_xml,
    summary_with_criteria,
)
from transforms.record import ParsedTrial

REGISTRY: tuple[ModuleType, ...] = (
    ctgov_json,
    ctgov_xml,
    ictrp_xml, ictrp_csv,
    ctgov_csv_export,
    ctgov_legacy_text,
    aggregator_page,
    ctgov_page_copy,
    ctgov_csv_row,
    summary_with_criteria,
)


def detect_layout(text: str) -> ModuleType | None:
    """The layout most confident that the text is its own (the first registered among equals), or None."""
    best, best_confidence = None, 0.0
    for layout in REGISTRY:
        confidence = float(layout.detect(text))
        if confidence > best_confidence:
            best, best_confidence = layout, confidence
            if confidence >= 1.0:
                break
    return best


def parse_text(text: str, source: str) -> tuple[str, list[ParsedTrial | ParseError]]:
    """Detect the layout of one decoded file and parse it into records (or per-record errors)."""
    layout = detect_layout(text)
    if layout is None:
        raise UnrecognizedLayout(source, text.lstrip()[:200])
    return layout.NAME, parse_as(layout, text, source)


def parse_as(layout: ModuleType, text: str, source: str) -> list[ParsedTrial | ParseError]:
    """Parse one decoded text with the given layout into records (or per-record errors)."""
    with collecting() as issues:
        results = layout.parse(text, source)
    records = [r for r in results if isinstance(r, ParsedTrial)]
    for record in records:  # a layout of many records scopes its own; what is left belongs to the file's records
        record.issues += issues
    if layout.KIND == "structured":  # an export states its fields or leaves them out: nothing is read from prose
        return list(results)
    return [fill_stated_fields(r) if isinstance(r, ParsedTrial) else r for r in results]


def by_name(name: str) -> ModuleType:
    """The registered layout module called `name`."""
    for layout in REGISTRY:
        if layout.NAME == name:
            return layout
    raise KeyError(name)
