"""The ordered layout registry: the first layout whose `detect` accepts a text parses it.

A layout is a module with `NAME`, `DESCRIPTION`, `detect(text) -> bool` (cheap, looks at the head) and
`parse(text, source) -> list[ParsedTrial | ParseError]` (one item per record; a record that cannot be
built is a ParseError in the list so its siblings still load). Most specific layouts come first.
"""
from __future__ import annotations

from types import ModuleType

from transforms.errors import ParseError, UnrecognizedLayout
from transforms.infer import fill_stated_fields
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
    """The first registered layout that accepts the text, or None."""
    for layout in REGISTRY:
        if layout.detect(text):
            return layout
    return None


def parse_text(text: str, source: str) -> tuple[str, list[ParsedTrial | ParseError]]:
    """Detect the layout of one decoded file and parse it into records (or per-record errors)."""
    layout = detect_layout(text)
    if layout is None:
        raise UnrecognizedLayout(source, text.lstrip()[:200])
    results = layout.parse(text, source)
    return layout.NAME, [fill_stated_fields(r) if isinstance(r, ParsedTrial) else r for r in results]


def by_name(name: str) -> ModuleType:
    """The registered layout module called `name`."""
    for layout in REGISTRY:
        if layout.NAME == name:
            return layout
    raise KeyError(name)
