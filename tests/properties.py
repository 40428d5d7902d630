"""Shared property-test step: any text through a layout's detect and parse ends in records or typed errors."""
from __future__ import annotations

from types import ModuleType

from transforms.errors import ParseError, TrialhouseError
from transforms.record import ParsedTrial


def parse_or_typed_error(layout: ModuleType, text: str, source: str = "prop.txt") -> list | None:
    """Run detect and parse on arbitrary text; None when parse raised a typed error, else its (checked) results."""
    layout.detect(text)
    try:
        out = layout.parse(text, source)
    except TrialhouseError:
        return None
    assert all(isinstance(r, (ParsedTrial, ParseError)) for r in out)
    return out
