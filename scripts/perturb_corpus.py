"""Write a perturbed copy of the dev corpus (same file names, truth copied unchanged) to stress the parsers.

Usage: python scripts/perturb_corpus.py [--corpus ../shared/corpus/dev] [--out /tmp/perturbed] [--seed 1]
                                        [--layout NAME] [--copies N]
Every raw file gets, from a seeded RNG, a random mix of the truth-preserving perturbations of tests/perturb.py
(re-spelled enums and dates, criteria bullets/numbers/headers, re-wrapping, blank lines, trailing spaces, NBSPs,
CRLF, BOM, cp1252/latin-1/UTF-16; optional sections left out, their truth set to null); JSON/XML/CSV files get only the byte-level ones. Then score it with
`python scripts/score_parse.py --corpus OUT --scorer ../shared/tools/score.py`. OUT/PERTURBATIONS.tsv says what
was done to each file. With --copies N each file is written N times under suffixed names (`x.txt` → `x~2.txt`)
with other random draws, truth copied for each (CSV exports, holding NCT ids, are written once).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.perturb import null_truth, perturb_file  # noqa: E402
from transforms.decode import decode  # noqa: E402


def _copy_name(name: str, copy: int) -> str:
    if copy == 1:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}~{copy}.{ext}" if dot else f"{name}~{copy}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    ap.add_argument("--out", default="/tmp/perturbed")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--layout", help="only this layout folder")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--drop", type=float, default=0.3,
                    help="probability of leaving out optional sections (their truth set to null)")
    args = ap.parse_args(argv)
    corpus, out = Path(args.corpus), Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    (out / "truth").mkdir(parents=True)
    log = ["file\tperturbations\ttruth set to null"]
    files = sorted(p for p in (corpus / "raw").rglob("*")
                   if p.is_file() and (not args.layout or p.parent.name == args.layout))
    truths = sorted((corpus / "truth").glob("*.json"))
    for path in files:
        layout = path.parent.name
        text = decode(path.read_bytes(), str(path)).text
        # a multi-trial export is written once: its copies would state the same NCT ids twice
        copies = 1 if layout == "ctgov_csv_export" else args.copies
        for copy in range(1, copies + 1):
            rng = random.Random(f"{args.seed}/{copy}/{layout}/{path.name}")
            data, applied, nulls = perturb_file(text, layout, rng, args.drop)
            name = _copy_name(path.name, copy)
            target = out / "raw" / layout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            log.append(f"{layout}/{name}\t{', '.join(applied)}\t{', '.join(nulls)}")
            for truth in truths:
                if truth.name == path.name + ".json":
                    doc = null_truth(json.loads(truth.read_text(encoding="utf-8")), nulls)
                    (out / "truth" / (name + ".json")).write_text(json.dumps(doc, ensure_ascii=False),
                                                                   encoding="utf-8")
                elif truth.name.startswith(path.name + "."):  # a CSV export: one truth per trial
                    doc = json.loads(truth.read_text(encoding="utf-8"))
                    doc["source_file"] = name
                    (out / "truth" / (name + truth.name[len(path.name):])).write_text(
                        json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (out / "PERTURBATIONS.tsv").write_text("\n".join(log) + "\n", encoding="utf-8")
    print(f"{len(log) - 1} files written to {out / 'raw'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
