"""Golden-file helpers shared by the golden test and scripts/make_golden.py."""
from __future__ import annotations

import hashlib

from schemas.derive import RECORD_COLUMN
from transforms.decode import decode
from transforms.layouts import parse_text
from transforms.record import ParsedTrial
from transforms.shape import SourceRecord, shape_trial

_LINEAGE = {RECORD_COLUMN, "run_id", "source_file", "source_layout", "source_sha256"}


def golden_record(data: bytes, source: str) -> tuple[str, dict]:
    """Parse raw bytes into (layout name, {"records": [...], "errors": [...]}) as golden JSON stores it; each record
    carries the `criterion_measure` rows of its criteria (lineage columns left out) under "measures"."""
    layout, results = parse_text(decode(data, source).text, source)
    sha256 = hashlib.sha256(data).hexdigest()
    records = []
    for index, result in enumerate(results):
        if not isinstance(result, ParsedTrial):
            continue
        rows = shape_trial(SourceRecord(result, source, sha256, index, "golden"))["criterion_measure"]
        records.append({**result.to_dict(),
                        "measures": [{k: v for k, v in row.items() if k not in _LINEAGE} for row in rows]})
    errors = [str(r) for r in results if not isinstance(r, ParsedTrial)]
    return layout, {"layout": layout, "records": records, "errors": errors}
