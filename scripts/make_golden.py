"""Write a golden pair tests/golden/<layout>/<case>.txt + .json from a raw file, using the current parser.

Usage: python scripts/make_golden.py RAW_FILE [--case NAME]
Check the JSON by hand against the raw text (and the corpus truth) before committing it: it is the spec.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.golden_io import golden_record  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw")
    ap.add_argument("--case")
    args = ap.parse_args()
    raw = Path(args.raw)
    layout, record = golden_record(raw.read_bytes(), raw.name)
    case = args.case or raw.stem
    out = ROOT / "tests" / "golden" / layout
    out.mkdir(parents=True, exist_ok=True)
    suffix = raw.suffix if raw.suffix in (".json", ".xml", ".csv") else ".txt"
    target = out / f"{case}{suffix}"
    if raw.resolve() != target.resolve():  # regenerating an existing golden reuses its raw file
        shutil.copyfile(raw, target)
    (out / f"{case}.expected.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(out / f"{case}.expected.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
