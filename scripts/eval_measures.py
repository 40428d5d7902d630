"""Precision and recall of transforms.measures.extract_measures per variable on the hand-labelled criteria.

Usage: .venv/bin/python scripts/eval_measures.py [--data tests/data/criteria_labelled.jsonl] [--show-errors] [--peer]

A predicted measure is correct when an expected one of the same criterion has the same variable, unit and
inclusivity and bounds within ±1% (each expected measure matches at most one prediction). `--peer` scores the
`peer_measures` a file carries (another extractor's readings, as in criteria_ctp_peer.jsonl) instead of ours.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.measures import VARIABLES, Measure, extract_measures  # noqa: E402


def _as_measure(row: dict) -> Measure:
    return Measure(row["variable"], row["lower_value"], row["lower_inclusive"], row["upper_value"],
                   row["upper_inclusive"], row["unit"], None, None, "")

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria_labelled.jsonl"


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def matches(pred: Measure, exp: dict) -> bool:
    """Whether a predicted measure equals an expected one (variable, unit, bounds ±1%, inclusivity)."""
    return (pred.variable == exp["variable"] and pred.unit == exp["unit"]
            and _close(pred.lower_value, exp["lower_value"]) and _close(pred.upper_value, exp["upper_value"])
            and (exp["lower_value"] is None or pred.lower_inclusive == exp["lower_inclusive"])
            and (exp["upper_value"] is None or pred.upper_inclusive == exp["upper_inclusive"]))


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(rows: list[dict], peer: bool = False
             ) -> tuple[dict[str, list[int]], list[tuple[dict, list[Measure], list[dict], list[Measure]]]]:
    """Per variable [true positives, predicted, expected], plus the criteria with errors."""
    counts: dict[str, list[int]] = {v: [0, 0, 0] for v in VARIABLES}
    errors = []
    for row in rows:
        preds = ([_as_measure(m) for m in row.get("peer_measures", [])] if peer
                 else extract_measures(row["text"], row["kind"]))
        expected = list(row["measures"])
        unmatched = list(expected)
        wrong: list[Measure] = []
        for p in preds:
            counts.setdefault(p.variable, [0, 0, 0])[1] += 1
            hit = next((e for e in unmatched if matches(p, e)), None)
            if hit is None:
                wrong.append(p)
            else:
                unmatched.remove(hit)
                counts[p.variable][0] += 1
        for e in expected:
            counts.setdefault(e["variable"], [0, 0, 0])[2] += 1
        if wrong or unmatched:
            errors.append((row, preds, unmatched, wrong))
    return counts, errors


def totals(counts: dict[str, list[int]]) -> tuple[float, float]:
    tp = sum(c[0] for c in counts.values())
    pred = sum(c[1] for c in counts.values())
    exp = sum(c[2] for c in counts.values())
    return (tp / pred if pred else 1.0), (tp / exp if exp else 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--peer", action="store_true", help="score the file's peer_measures instead of extract_measures")
    args = ap.parse_args(argv)
    rows = load(args.data)
    counts, errors = evaluate(rows, args.peer)
    print(f"{len(rows)} labelled criteria, {sum(1 for r in rows if not r['measures'])} without any measure")
    print(f"{'variable':22} {'TP':>4} {'pred':>5} {'exp':>5} {'precision':>9} {'recall':>7}")
    for var, (tp, pred, exp) in sorted(counts.items()):
        if pred or exp:
            p = f"{tp / pred:.3f}" if pred else "-"
            r = f"{tp / exp:.3f}" if exp else "-"
            print(f"{var:22} {tp:4d} {pred:5d} {exp:5d} {p:>9} {r:>7}")
    precision, recall = totals(counts)
    print(f"{'ALL':22} {sum(c[0] for c in counts.values()):4d} {sum(c[1] for c in counts.values()):5d} "
          f"{sum(c[2] for c in counts.values()):5d} {precision:9.3f} {recall:7.3f}")
    if args.show_errors:
        for row, _preds, missed, wrong in errors:
            print("\n---", row["kind"], row["text"][:300])
            for e in missed:
                print("  MISSED", e)
            for w in wrong:
                print("  WRONG ", w.variable, w.lower_value, w.lower_inclusive, w.upper_value, w.upper_inclusive,
                      w.unit, "|", w.source_text[:80], "|", w.condition_text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
