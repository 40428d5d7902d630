"""Render records of a WHO ICTRP XML export as ICTRP's CSV export (test files: no real CSV sample exists).

Usage: python scripts/render_ictrp_csv.py EXPORT.xml [--ids ID,...] [--header xml|fields|none] [--quoting all|minimal]
Each record becomes one row in ICTRP's CSV field order (`ictrp_csv.FIELD_ORDER`); a cell holds the element's text as
the XML export has it (entities decoded once by the XML parser, `<br>` line breaks kept, trailing whitespace
trimmed).
Columns the XML export has no element for (the public/scientific contact split, results, bridging) stay empty.
`--header fields` writes the field names as a header row, `--header xml` the XML element names with spaces for
underscores (`Public title`), `--header none` (default) no header, as ICTRP's full-data CSV.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from defusedxml.ElementTree import parse as parse_xml  # noqa: E402

from transforms.layouts.ictrp_csv import FIELD_ORDER  # noqa: E402
from transforms.layouts.ictrp_fields import FIELD_ALIASES, field_of  # noqa: E402


def render(xml_path: Path, wanted: list[str] | None, header: str, quoting: str, out) -> int:
    """Write the CSV; returns the number of records written."""
    root = parse_xml(xml_path).getroot()
    if quoting == "all":
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    else:  # a cell holding a line break (CR included) is quoted, rows end in CRLF
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    if header == "fields":
        writer.writerow(FIELD_ORDER)
    elif header == "xml":
        writer.writerow([FIELD_ALIASES[field_of(name)][0].replace("_", " ") if field_of(name) else name
                         for name in FIELD_ORDER])
    written = 0
    by_id = {}
    for trial in root.iter("Trial"):
        cells = {field_of(child.tag): "".join(child.itertext()).rstrip() for child in trial if field_of(child.tag)}
        by_id[(cells.get("trial_id") or "").strip()] = cells
    for trial_id in wanted or list(by_id):
        cells = by_id[trial_id]
        writer.writerow([cells.get(field_of(name), "") if field_of(name) else "" for name in FIELD_ORDER])
        written += 1
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("xml", type=Path)
    ap.add_argument("--ids", help="comma-separated TrialIDs, in the order wanted (default: every record)")
    ap.add_argument("--header", choices=("none", "fields", "xml"), default="none")
    ap.add_argument("--quoting", choices=("all", "minimal"), default="all")
    args = ap.parse_args()
    sys.stdout.reconfigure(newline="")
    render(args.xml, args.ids.split(",") if args.ids else None, args.header, args.quoting, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
