"""Seconds to decode, parse and shape a folder of raw files, best of N, with the code of a given checkout.

Usage: python benchmarks/transform_cost.py [--code .] [--files ../shared/corpus/dev/raw/ctgov_json] [--repeat 5]
Run it once with `--code` pointing at a checkout of the code before a change and once after: the same files, the
same interpreter. Every repeat runs in the same process, so one-off costs (the gazetteer's first load) fall in the
first run and the best of N is the steady per-study cost.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--files", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared/corpus/dev/raw/ctgov_json")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    from transforms.decode import decode
    from transforms.layouts import parse_text
    from transforms.record import ParsedTrial
    from transforms.shape import SourceRecord, shape_batch

    raw = [(p.name, p.read_bytes()) for p in sorted(args.files.rglob("*")) if p.is_file()]
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        records = []
        for name, data in raw:
            _layout, results = parse_text(decode(data, name).text, name)
            records += [SourceRecord(t, name, "0" * 64, n, "run") for n, t in enumerate(results)
                        if isinstance(t, ParsedTrial)]
        shape_batch(records)
        runs.append(time.perf_counter() - started)
    per_record_ms = min(runs) / max(1, len(records)) * 1e3
    print(f"{len(raw)} files, {len(records)} records: best {min(runs):.3f} s ({per_record_ms:.2f} ms per record), "
          f"runs {', '.join(f'{r:.3f}' for r in runs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
