"""Milliseconds per record to decode, parse and shape a folder of raw files, for one or more checkouts in turns.

Usage: python benchmarks/transform_cost.py [--code .] [--code /tmp/before ...] [--files DIR] [--repeat 9]
       [--measures-fixed]
Each `--code` is a checkout (e.g. `git archive <commit> | tar -x -C /tmp/before`); all are imported into this one
process and timed pass after pass in turns, so that a busy machine slows them alike; the best pass of each is
reported. `--measures-fixed` replaces the measures engine by a lookup of its results, to time the rest alone.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("transforms", "schemas")


def load_transform(code: Path, measures_fixed: bool) -> Callable[[list[tuple[str, bytes]]], int]:
    """The decode → parse → shape pipeline of one checkout, as a function of (name, bytes) pairs → records."""
    for name in [m for m in sys.modules if m.split(".")[0] in PACKAGES]:
        del sys.modules[name]
    sys.path.insert(0, str(code.resolve()))
    try:
        decode = importlib.import_module("transforms.decode").decode
        parse_text = importlib.import_module("transforms.layouts").parse_text
        parsed_trial = importlib.import_module("transforms.record").ParsedTrial
        shape = importlib.import_module("transforms.shape")
    finally:
        sys.path.remove(str(code.resolve()))
    if measures_fixed:  # the engine's entry point as shape imports it (older checkouts: extract_measures)
        entry = next(name for name in ("read_criterion", "extract_measures") if hasattr(shape, name))
        extract, known = getattr(shape, entry), {}

        def looked_up(text: str, kind: str):
            if (text, kind) not in known:
                known[text, kind] = extract(text, kind)
            return known[text, kind]

        setattr(shape, entry, looked_up)

    def run(raw: list[tuple[str, bytes]]) -> int:
        records = []
        for name, data in raw:
            _layout, results = parse_text(decode(data, name).text, name)
            records += [shape.SourceRecord(r, name, "0" * 64, n, "run") for n, r in enumerate(results)
                        if isinstance(r, parsed_trial)]
        shape.shape_batch(records)
        return len(records)

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, action="append", help="a checkout to time (repeatable; default: this one)")
    ap.add_argument("--files", type=Path, default=ROOT.parent / "shared/corpus/dev/raw/ctgov_json")
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--measures-fixed", action="store_true", help="time everything but the measures engine")
    args = ap.parse_args()
    codes = args.code or [ROOT]
    raw = [(p.name, p.read_bytes()) for p in sorted(args.files.rglob("*")) if p.is_file()]
    runs = {code: load_transform(code, args.measures_fixed) for code in codes}
    best = dict.fromkeys(codes, float("inf"))
    records = 0
    for _ in range(args.repeat):
        for code, run in runs.items():
            started = time.perf_counter()
            records = run(raw)
            best[code] = min(best[code], time.perf_counter() - started)
    print(f"{args.files.name}: {len(raw)} files, {records} records, best of {args.repeat} passes in turns"
          f"{', measures engine fixed' if args.measures_fixed else ''}")
    for code, seconds in best.items():
        print(f"  {code}: {seconds / max(1, records) * 1e3:.3f} ms per record")
    return 0


if __name__ == "__main__":
    sys.exit(main())
