"""Time `extract_measures` per criterion over the labelled criteria and the dev corpus's criteria (best of N runs).

Usage: .venv/bin/python benchmarks/measures_speed.py [--repeat 7] [--corpus ../shared/corpus/dev/truth]
       [--source OTHER_CHECKOUT] [--baseline MODULE_FILE]
`--source` imports `transforms.measures` from another checkout (e.g. an export of `main`) to time the code before a
change on the same texts: `git archive main | tar -x -C /tmp/main-src` then `--source /tmp/main-src`.
`--baseline` loads a single-file measures module (e.g. /tmp/main-src/transforms/measures.py) beside this checkout's
and times both in turns, pass after pass: on a shared machine the ratio of the two is steadier than two runs apart.
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


def load_baseline(path: Path):
    """`extract_measures` of a single-file module, loaded under its own name beside this checkout's package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("baseline_measures", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_measures"] = module
    spec.loader.exec_module(module)
    return module.extract_measures


def compare(extract, baseline, texts: list[tuple[str, str]], repeat: int) -> None:
    """Both extractors timed in turns; the best pass of each, and their ratio."""
    best = {"baseline": float("inf"), "this checkout": float("inf")}
    for _ in range(repeat):
        for name, run in (("baseline", baseline), ("this checkout", extract)):
            best[name] = min(best[name], best_time(run, texts, 1))
    for name, seconds in best.items():
        print(f"{name:16} {len(texts):6d} criteria  {seconds * 1e6 / max(1, len(texts)):8.1f} µs per criterion")
    print(f"baseline / this checkout: {best['baseline'] / best['this checkout']:.2f}×")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--source", type=Path, default=ROOT, help="checkout whose transforms.measures is timed")
    ap.add_argument("--baseline", type=Path, help="a single-file measures module to time in turns with this one")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.source.resolve()))
    extract = importlib.import_module("transforms.measures").extract_measures
    texts = load_criteria(args.corpus)
    with_digit = [t for t in texts if DIGIT.search(t[0])]
    without_digit = [t for t in texts if not DIGIT.search(t[0])]
    best_time(extract, texts, 1)  # warm-up: lazy tables, caches
    if args.baseline is not None:
        baseline = load_baseline(args.baseline)
        best_time(baseline, texts, 1)
        for label, subset in (("all", texts), ("with a digit", with_digit), ("without a digit", without_digit)):
            print(f"-- {label}")
            compare(extract, baseline, subset, args.repeat)
        return 0
    print(f"transforms.measures from {args.source.resolve()}")
    for label, subset in (("all", texts), ("with a digit", with_digit), ("without a digit", without_digit)):
        seconds = best_time(extract, subset, args.repeat)
        print(f"{label:16} {len(subset):6d} criteria  {seconds * 1e6 / max(1, len(subset)):8.1f} µs per criterion"
              f"  ({seconds:.3f} s per pass, best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
