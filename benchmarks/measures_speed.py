"""Time `extract_measures` per criterion over the labelled criteria and the dev corpus's criteria (best of N runs).

Usage: .venv/bin/python benchmarks/measures_speed.py [--repeat 7] [--corpus ../shared/corpus/dev/truth]
       [--source OTHER_CHECKOUT]
`--source` imports `transforms.measures` from another checkout (e.g. an export of `main`) to time the code before a
change on the same texts: `git archive main | tar -x -C /tmp/main-src` then `--source /tmp/main-src`.
Prints µs per criterion for all texts, for those with a digit and for those without.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev" / "truth"
DIGIT = re.compile(r"\d")


def load_criteria(corpus: Path) -> list[tuple[str, str]]:
    """(text, kind) of every labelled criterion in tests/data/*.jsonl and every criterion of the corpus truth."""
    texts: list[tuple[str, str]] = []
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row["text"], row["kind"]))
    for path in sorted(corpus.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        for criterion in truth.get("criteria") or []:
            texts.append((criterion["text"], criterion["kind"]))
    return texts


def best_time(extract, texts: list[tuple[str, str]], repeat: int) -> float:
    """The fastest of `repeat` passes over `texts`, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for text, kind in texts:
            extract(text, kind)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--source", type=Path, default=ROOT, help="checkout whose transforms.measures is timed")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.source.resolve()))
    extract = importlib.import_module("transforms.measures").extract_measures
    texts = load_criteria(args.corpus)
    with_digit = [t for t in texts if DIGIT.search(t[0])]
    without_digit = [t for t in texts if not DIGIT.search(t[0])]
    best_time(extract, texts, 1)  # warm-up: lazy tables, caches
    print(f"transforms.measures from {args.source.resolve()}")
    for label, subset in (("all", texts), ("with a digit", with_digit), ("without a digit", without_digit)):
        seconds = best_time(extract, subset, args.repeat)
        print(f"{label:16} {len(subset):6d} criteria  {seconds * 1e6 / max(1, len(subset)):8.1f} µs per criterion"
              f"  ({seconds:.3f} s per pass, best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
