"""Benchmark the real `trialhouse ingest` on an N-file corpus replicated from the dev corpus.

Usage: .venv/bin/python benchmarks/run.py --files 10000 [--corpus ../shared/corpus/dev/raw] [--workdir /tmp/th-bench]
Prints records/s, wall time per stage, peak RSS of the ingest process, the I/O floor (read + hash every file and
run one trivial regex) and the time of a no-change rerun, both as a plain CLI run (Prefect starts a temporary API
for it) and as a scheduled run does it, against a running Prefect server. Each replica gets a unique NCT ID (or a unique title
where the layout has no NCT ID) so every file is a distinct trial; CSV exports (many trials per file) are left out
so that N files are N trials.
"""
from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from flows.prefect_api import free_port  # noqa: E402
from flows.schedule import start_local_server  # noqa: E402

NCT = re.compile(r"NCT\d{8}")
NO_NCT_LAYOUTS = {"ctgov_csv_row", "ctgov_page_copy", "summary_with_criteria"}  # first line is the identity


def build_corpus(source: Path, target: Path, n_files: int) -> int:
    """Write n_files replicas of the corpus's single-trial files, all layouts mixed; return bytes written."""
    templates = sorted(p for p in source.rglob("*") if p.is_file() and p.parent.name != "ctgov_csv_export")
    if target.exists():
        shutil.rmtree(target)
    written = 0
    for i in range(n_files):
        template = templates[i % len(templates)]
        text = template.read_text(encoding="utf-8")
        new_id = f"NCT{90_000_000 + i:08d}"
        if template.parent.name in NO_NCT_LAYOUTS:
            first, _, rest = text.partition("\n")
            text = f"{first} (replica {i})\n{rest}"
        else:
            text = NCT.sub(new_id, text)
        folder = target / template.parent.name / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{i:06d}{template.suffix}").write_bytes(data)
        written += len(data)
    return written


def measure_floor(folder: Path) -> float:
    """Seconds to read and hash every file and run one trivial regex over it: the I/O floor."""
    pattern = re.compile(rb"NCT\d{8}")
    start = time.perf_counter()
    for dirpath, _, names in os.walk(folder):
        for name in names:
            data = (Path(dirpath) / name).read_bytes()
            hashlib.sha256(data).hexdigest()
            pattern.search(data)
    return time.perf_counter() - start


run_cpu: list[float] = []  # CPU seconds of each ingest run, in order


def run_ingest(corpus: Path, workdir: Path, extra: list[str]) -> tuple[dict, float, float]:
    """Run the CLI ingest in a child process; return its summary, wall seconds and peak RSS in MiB."""
    summary_path = workdir / "summary.json"
    cmd = [str(ROOT / ".venv" / "bin" / "trialhouse"), "ingest", str(corpus), "--warehouse",
           str(workdir / "trials.duckdb"), "--parquet-dir", str(workdir / "parquet"), "--summary-json",
           str(summary_path), *extra]
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"}
    start = time.perf_counter()
    log = workdir / "ingest.log"
    with log.open("w") as out:  # a file, not a pipe: a chatty child must never block on a full pipe
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest failed (see {log}): {log.read_text()[-2000:]}")
    # ru_maxrss of the child is in KiB on Linux; process-pool workers are its children and counted separately
    workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run_cpu.append(usage.ru_utime + usage.ru_stime)  # the child and every descendant it waited for
    return json.loads(summary_path.read_text()), wall, max(usage.ru_maxrss, workers_rss) / 1024


TABLE_HEAD = ("| date | machine | N files | runner | records/s | wall s | discover | parse | write | validate | load | "
              "publish | pure transform, % of cores × wall | peak RSS MiB | I/O floor s | no-change rerun s | "
              "rerun, running server s |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")


def record_row(path: Path, r: dict) -> None:
    """Append one result row to the benchmark table in `path` (created with its header when missing)."""
    st = r["stages"]
    machine = f"{platform.machine()}, {r['cores']} cores"
    row = (f"| {time.strftime('%Y-%m-%d')} | {machine} | {r['files']:,} | {r['runner']} | {r['records_per_s']:,} | "
           f"{r['wall_s']:.1f} | " + " | ".join(f"{st.get(k, 0):.1f}" for k in
                                               ("discover", "parse", "write", "validate", "load", "publish"))
           + f" | {r.get('transform_share', 0):.0%} | {r['peak_rss_mib']:,} | {r['floor_s']:.1f} | {r['rerun_wall_s']:.1f} | "
             f"{r['served_rerun_wall_s']:.1f} |\n")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if TABLE_HEAD.splitlines()[0] not in text:
        text += ("\n" if text else "") + TABLE_HEAD
    path.write_text(text + row, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10_000, help="number of files to generate")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev" / "raw")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/trialhouse-bench"))
    ap.add_argument("--runner", default="auto", help="passed to `trialhouse ingest --runner`")
    ap.add_argument("--batch-size", type=int, help="passed to `trialhouse ingest --batch-size` [default: its own]")
    ap.add_argument("--record", type=Path, help="append the result as a row of this markdown table (docs/benchmarks.md)")
    args = ap.parse_args()

    work = args.workdir / f"n{args.files}"
    corpus = work / "raw"
    clock = time.perf_counter()
    size = build_corpus(args.corpus, corpus, args.files)
    print(f"built {args.files:,} files ({size / 2**20:.0f} MiB) in {time.perf_counter() - clock:.1f} s")
    for stale in ("trials.duckdb", "trials.snapshot.duckdb", "parquet", "data_docs"):
        target = work / stale
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)

    # An installed package runs from compiled bytecode; this checkout may never have written it (e.g. with
    # PYTHONDONTWRITEBYTECODE set), which would make every process compile the project's modules again.
    for package in ("flows", "transforms", "schemas", "expectations", "warehouse"):
        compileall.compile_dir(ROOT / package, quiet=1)
    floor = measure_floor(corpus)
    extra = ["--runner", args.runner] + (["--batch-size", str(args.batch_size)] if args.batch_size else [])
    summary, wall, rss = run_ingest(corpus, work, extra)
    rerun, rerun_wall, _ = run_ingest(corpus, work, extra)
    # A scheduled run goes through a running Prefect server (`trialhouse serve`): no temporary API to start.
    server = start_local_server(port=free_port())
    try:
        served, served_wall, _ = run_ingest(corpus, work, extra)
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.terminate()
        server.wait(timeout=30)
    records = summary["rows_written"].get("trial", 0)
    stages = summary["stage_seconds"]
    cores = os.cpu_count() or 1
    # The pure transform runs on every core at once while this process stages, validates and waits: its share is
    # measured against the machine's time (cores × wall), the time a single-core run would spend being wall time.
    transform_share = summary.get("transform_cpu_s", 0) / (wall * cores) if wall else 0
    waiting_share = stages.get("parse", 0) / wall if wall else 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"N = {args.files:,}: {records:,} trials in {wall:.1f} s wall = {records / wall:,.0f} records/s, "
          f"peak RSS {rss:,.0f} MiB, runner {args.runner}")
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    print(f"CPU: {run_cpu[0]:.0f} s over {wall:.0f} s wall on {cores} cores ({run_cpu[0] / wall / cores:.0%} busy)")
    print(f"pure transform (decode, parse, shape): {summary.get('transform_cpu_s', 0):.0f} CPU-s = "
          f"{transform_share:.0%} of the machine's time ({cores} cores × wall), "
          f"{summary.get('transform_cpu_s', 0) / run_cpu[0]:.0%} of the run's CPU; "
          f"flow waiting for parsed batches: {waiting_share:.0%} of wall")
    print(f"I/O floor (read + hash + one regex): {floor:.1f} s; pipeline / floor = {wall / floor:.0f}×")
    print(f"no-change rerun: {rerun_wall:.1f} s wall, {rerun['files_unchanged']:,} unchanged, "
          f"{rerun['files_loaded']} loaded")
    print(f"no-change rerun against a running Prefect server (a scheduled run): {served_wall:.1f} s wall, "
          f"{served['files_unchanged']:,} unchanged, {served['files_loaded']} loaded")
    result = {"files": args.files, "records": records, "wall_s": round(wall, 2), "records_per_s": round(records / wall),
              "peak_rss_mib": round(rss), "stages": stages, "floor_s": round(floor, 2),
              "rerun_wall_s": round(rerun_wall, 2), "served_rerun_wall_s": round(served_wall, 2),
              "cpu_s": round(run_cpu[0], 1), "transform_cpu_s": summary.get("transform_cpu_s", 0),
              "transform_share": round(transform_share, 3),
              "runner": args.runner, "cores": os.cpu_count()}
    (work / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    if args.record:
        record_row(args.record, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
