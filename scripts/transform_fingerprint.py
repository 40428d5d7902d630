"""Write every staged table the pure transform makes of a set of raw files, to compare two versions of the code.

Usage: .venv/bin/python scripts/transform_fingerprint.py OUT_DIR [FOLDER ...]   (default: ../shared/corpus)
       .venv/bin/python scripts/transform_fingerprint.py --compare DIR_A DIR_B
A speed change to `transforms/` must leave every table identical: run it before (with the old code) and after,
then `--compare`. Tables are written sorted by all their columns, so the file order does not matter.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.batch import read_file  # noqa: E402
from transforms.pipeline import lineage_tables, transform_files  # noqa: E402


def _sorted(table: pa.Table) -> pa.Table:
    keys = [(name, "ascending") for name, type_ in zip(table.column_names, table.schema.types, strict=True)
            if not pa.types.is_nested(type_)]
    return table.sort_by(keys) if keys else table


def write(out: Path, folders: list[Path]) -> None:
    """Transform every file under `folders` in chunks and write each table, sorted, to `out`."""
    paths = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    gathered: dict[str, list[pa.Table]] = {}
    for i in range(0, len(paths), 250):
        files = [read_file(str(p), str(p), None, 1 << 30) for p in paths[i:i + 250]]
        outcomes, tables = transform_files(files, "fingerprint")
        for name, table in {**tables, **lineage_tables(outcomes)}.items():
            gathered.setdefault(name, []).append(table)
    out.mkdir(parents=True, exist_ok=True)
    for name, tables in gathered.items():
        pq.write_table(_sorted(pa.concat_tables(tables)), out / f"{name}.parquet")
    print(f"{len(paths)} files → {len(gathered)} tables in {out}")


def compare(a: Path, b: Path) -> int:
    """0 when both folders hold the same tables with the same rows; else 1, naming what differs."""
    names = sorted({p.stem for p in a.glob("*.parquet")} | {p.stem for p in b.glob("*.parquet")})
    differ = 0
    for name in names:
        if not (a / f"{name}.parquet").exists() or not (b / f"{name}.parquet").exists():
            print(f"{name}: only in one folder")
            differ += 1
            continue
        left, right = pq.read_table(a / f"{name}.parquet"), pq.read_table(b / f"{name}.parquet")
        if not left.equals(right):
            differ += 1
            print(f"{name}: differs ({left.num_rows} vs {right.num_rows} rows)")
            lrows, rrows = left.to_pylist(), right.to_pylist()
            shown = 0
            for lrow, rrow in zip(lrows, rrows, strict=False):
                if lrow != rrow and shown < 3:
                    print("   -", {k: v for k, v in lrow.items() if rrow.get(k) != v})
                    print("   +", {k: v for k, v in rrow.items() if lrow.get(k) != v})
                    shown += 1
    print("identical" if not differ else f"{differ} table(s) differ")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--compare", action="store_true", help="compare two folders written earlier")
    args = ap.parse_args()
    if args.compare:
        return compare(*args.paths[:2])
    write(args.paths[0], args.paths[1:] or [ROOT.parent / "shared" / "corpus"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
