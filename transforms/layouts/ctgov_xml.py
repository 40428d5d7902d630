"""Layout `ctgov_xml` (placeholder until its parser lands): declines every text."""
from __future__ import annotations

from transforms.errors import ParseError
from transforms.record import ParsedTrial

NAME = "ctgov_xml"
DESCRIPTION = "not implemented yet"


def detect(text: str) -> bool:
    """Never accepts: this layout is not implemented yet."""
    return False


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """Not implemented yet."""
    raise ParseError(source, NAME, "layout", "not implemented")
