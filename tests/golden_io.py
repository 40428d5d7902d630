"""Golden-file helpers shared by the golden test and scripts/make_golden.py."""
from __future__ import annotations

from transforms.decode import decode
from transforms.layouts import parse_text
from transforms.record import ParsedTrial


def golden_record(data: bytes, source: str) -> tuple[str, dict]:
    """Parse raw bytes into (layout name, {"records": [...], "errors": [...]}) as golden JSON stores it."""
    layout, results = parse_text(decode(data, source).text, source)
    records = [r.to_dict() for r in results if isinstance(r, ParsedTrial)]
    errors = [str(r) for r in results if not isinstance(r, ParsedTrial)]
    return layout, {"layout": layout, "records": records, "errors": errors}
