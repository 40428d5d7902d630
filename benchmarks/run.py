"""Benchmark the real `trialhouse ingest` on N files replicated from the dev corpus, beside DuckDB's own SQL.

Usage: .venv/bin/python benchmarks/run.py --files 20000 --kind json [--record docs/benchmarks.md]
  --kind json   CT.gov API v2 study JSON only; DuckDB's own SQL flattening of the same files runs in the same
                benchmark (benchmarks/duckdb_baseline.py) and the ratio is reported
  --kind text   the five text layouts (CSV-export rows, summaries, page copies, legacy dumps, aggregator pages)
  --kind mixed  every single-trial file of the corpus (text, JSON, XML)
  --kind ictrp-xml, ictrp-csv, ctgov-csv, ctgov-json
                one export of N records, a large file read in parts: the shared ICTRP sample's records replicated
                (each TrialID with a suffix `X<n>`) as XML or as ICTRP's CSV with a header row, the rows of the
                dev corpus's CT.gov search export (ctg-studies_urology.csv) replicated, or its JSON studies as one
                `ctg-studies.json` array (CT.gov's JSON download), each with an NCT ID of its own; for ctgov-json
                DuckDB's flattening of the same file runs beside it
  --repeat N    runs the ingest (on a fresh warehouse) and, for json, DuckDB's flattening N times in turns and reports
                the run with the median ratio (single runs on a shared 2-core VM vary by up to ±30%)
  --api running starts one Prefect API before the timed runs and points them at it, as a scheduled deployment runs
                against a long-lived server; by default each run starts its own, as a one-off command-line run does
The raw files are read once before the timed runs, so that every run, ours and DuckDB's, finds them in the page
cache. Prints records/s, seconds per stage, peak memory of the whole process tree (the CLI, its worker processes
and the temporary Prefect API, summed, sampled every 0.5 s), CPU seconds, and a no-change rerun. Each replica gets a
unique NCT ID (or a unique first line where the layout shows none), so N files are N distinct trials.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from flows.runtime import EarlyApi  # the CLI's own way of starting a Prefect API

ROOT = Path(__file__).resolve().parents[1]
NCT = re.compile(r"NCT\d{8}")
TEXT_LAYOUTS = ("ctgov_csv_row", "summary_with_criteria", "ctgov_page_copy", "ctgov_legacy_text", "aggregator_page")
NO_NCT_LAYOUTS = {"ctgov_csv_row", "ctgov_page_copy", "summary_with_criteria"}  # the first line is the identity
KINDS = {"json": ("ctgov_json",), "text": TEXT_LAYOUTS, "mixed": (*TEXT_LAYOUTS, "ctgov_json", "ctgov_xml"),
         "ictrp-xml": (), "ictrp-csv": (), "ctgov-csv": (), "ctgov-json": ()}
EXPORTS = ("ictrp-xml", "ictrp-csv", "ctgov-csv", "ctgov-json")  # kinds that write one file of N records
JSON_KINDS = ("json", "ctgov-json")  # kinds DuckDB's own flattening reads too
ICTRP_SAMPLE = ROOT.parent / "shared" / "corpus" / "ictrp" / "ictrp_dev.xml"
TRIAL_ID = re.compile(r"(<TrialID>\s*)([^<\s]+)")


def build_ctgov_export(sample: Path, target: Path, n_records: int) -> int:
    """Write one CT.gov search export of n_records rows replicated from `sample`, each with an NCT ID of its own."""
    header, _, body = sample.read_text(encoding="utf-8").partition("\n")
    starts = [m.start() for m in re.finditer(r"^NCT\d{8},", body, flags=re.M)]
    rows = [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with (target / "export.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(header + "\n")
        for n in range(n_records):
            out.write(NCT.sub(f"NCT{90_000_000 + n:08d}", rows[n % len(rows)]).rstrip("\n") + "\n")
    return (target / "export.csv").stat().st_size


def build_json_array(studies: Path, target: Path, n_records: int) -> int:
    """Write one `ctg-studies.json` (a JSON array of studies, as CT.gov's download writes it) of n_records studies
    replicated from the JSON files in `studies`, each with an NCT ID of its own; return bytes written."""
    templates = [p.read_text(encoding="utf-8").strip() for p in sorted(studies.glob("*.json"))]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    path = target / "ctg-studies.json"
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for n in range(n_records):
            out.write(("," if n else "") + NCT.sub(f"NCT{90_000_000 + n:08d}", templates[n % len(templates)]))
        out.write("\n]\n")
    return path.stat().st_size


def build_export(sample: Path, target: Path, n_records: int, as_csv: bool) -> int:
    """Write one ICTRP export of n_records replicas of the sample's records (each TrialID suffixed `X<n>`, so each
    is a record of its own) as XML, or as ICTRP's CSV with a header row; return bytes written."""
    text = sample.read_text(encoding="utf-8")
    head, first, _ = text.partition("<Trial>")
    body, last, tail = text[len(head):].rpartition("</Trial>")
    records = [r + last for r in body.split(last)] if first else []
    records = [r for r in records if "<Trial>" in r]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    xml = target / "export.xml"
    with xml.open("w", encoding="utf-8") as out:
        out.write(head)
        for n in range(n_records):
            out.write(TRIAL_ID.sub(rf"\g<1>\g<2>X{n}", records[n % len(records)], count=1))
        out.write(tail)
    if not as_csv:
        return xml.stat().st_size
    sys.path.insert(0, str(ROOT / "scripts"))
    from render_ictrp_csv import render

    with (target / "export.csv").open("w", encoding="utf-8", newline="") as out:
        render(xml, None, "fields", "all", out)
    xml.unlink()
    return (target / "export.csv").stat().st_size


def build_corpus(source: Path, target: Path, n_files: int, layouts: tuple[str, ...] = KINDS["mixed"]) -> int:
    """Write n_files replicas of the corpus's files of `layouts`, each a distinct trial; return bytes written.

    Every round of len(templates) files uses each template once, in an order shuffled anew each round (fixed seed):
    in template order, the batches — which take every k-th file of the sorted listing — would each see only the
    templates ≡ b (mod k), and cost unlike (JSON × 20,000, four batches: 0.89 to 1.24 ms of transform per study)."""
    templates = sorted(p for layout in layouts for p in (source / layout).iterdir() if p.is_file())
    if target.exists():
        shutil.rmtree(target)
    written = 0
    rng, round_order = random.Random(0), list(templates)
    for i in range(n_files):
        if i % len(templates) == 0:
            rng.shuffle(round_order)
        template = round_order[i % len(templates)]
        text = template.read_text(encoding="utf-8")
        if template.parent.name in NO_NCT_LAYOUTS:
            first, _, rest = text.partition("\n")
            text = f"{first} (replica {i})\n{rest}"
        else:
            text = NCT.sub(f"NCT{90_000_000 + i:08d}", text)
        folder = target / template.parent.name / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{i:06d}{template.suffix}").write_bytes(data)
        written += len(data)
    return written


class TreeMemory:
    """Peak memory of a process and all its descendants — their proportional set sizes summed (PSS: a page that
    processes share, as forked workers share their server's imports, counts once in all) — and their CPU seconds,
    sampled on a thread (workers forked by a forkserver are not the CLI's children to wait for: rusage misses them).
    Reading a process's PSS walks its page tables: sampled every 0.1 s, the probe took ≈ 19% of a core from the run
    it measured (on 2 cores); every 0.5 s, ≈ 4%. `cpu_self_s` is what the probe itself spent."""

    def __init__(self, pid: int, every_s: float = 0.5):
        self.peak_mib = 0.0
        self.peak_by_role: dict[str, float] = {}  # MiB per kind of process at the sample where the tree peaked
        self.role_peaks: dict[str, float] = {}  # each kind of process's own peak, MiB
        self.cpu_s: dict[int, float] = {}
        self.roles: dict[int, str] = {}  # pid -> what the process is (see `role`)
        self.timeline: list[tuple[float, dict[str, float]]] = []  # (seconds since start, CPU-s so far by role)
        self.cpu_self_s = 0.0
        self._root = psutil.Process(pid)
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every_s,), daemon=True)
        self._thread.start()

    def _sample(self, every_s: float) -> None:
        started = time.thread_time()
        try:
            self._sample_until_stopped(every_s)
        finally:
            self.cpu_self_s = time.thread_time() - started

    def _sample_until_stopped(self, every_s: float) -> None:
        while not self._stop.is_set():
            try:
                procs = [self._root, *self._root.children(recursive=True)]
                total = 0
                by_role: dict[str, float] = {}
                for p in procs:
                    try:
                        pss = p.memory_full_info().pss
                        total += pss
                        times = p.cpu_times()
                        self.cpu_s[p.pid] = times.user + times.system
                        if p.pid not in self.roles:
                            self.roles[p.pid] = role(p, self._root.pid)
                        by_role[self.roles[p.pid]] = by_role.get(self.roles[p.pid], 0.0) + pss / 2**20
                    except psutil.Error:
                        pass
                for name, mib in by_role.items():
                    self.role_peaks[name] = max(self.role_peaks.get(name, 0.0), round(mib))
                if total / 2**20 > self.peak_mib:
                    self.peak_mib = total / 2**20
                    self.peak_by_role = {k: round(v) for k, v in sorted(by_role.items())}
                self.timeline.append((time.perf_counter() - self._started, self.cpu_by_role()))
            except psutil.Error:
                return
            self._stop.wait(every_s)

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds summed per kind of process."""
        out: dict[str, float] = {}
        for pid, seconds in self.cpu_s.items():
            name = self.roles.get(pid, "other")
            out[name] = out.get(name, 0.0) + seconds
        return {k: round(v, 1) for k, v in sorted(out.items())}

    def stop(self) -> float:
        """Stop sampling; the peak in MiB."""
        self._stop.set()
        self._thread.join()
        return self.peak_mib


def busy_by_interval(timeline: list[tuple[float, dict[str, float]]], every_s: float = 2.0) -> list[dict]:
    """Cores kept busy per interval of the run, by kind of process (from the probe's cumulative CPU samples)."""
    out: list[dict] = []
    last_t, last = 0.0, dict[str, float]()
    for n, (t, cpu) in enumerate(timeline, start=1):
        if t - last_t >= every_s or n == len(timeline):  # the last sample closes a shorter interval
            spent = {k: (v - last.get(k, 0.0)) / max(t - last_t, 1e-9) for k, v in cpu.items()}
            out.append({"from_s": round(last_t, 1), "to_s": round(t, 1),
                        **{k: round(v, 2) for k, v in spent.items() if v >= 0.01}})
            last_t, last = t, cpu
    return out


def role(process: psutil.Process, root: int) -> str:
    """What a process of an ingest's tree is: the command, its Prefect API, the worker server, or a worker."""
    if process.pid == root:
        return "command"
    line = " ".join(process.cmdline())
    if "flows.api_server" in line:
        return "prefect_api"
    if "forkserver" in line:
        return "worker" if "forkserver" in " ".join(process.parent().cmdline()) else "worker_server"
    return "other"


def run_ingest(corpus: Path, workdir: Path, extra: list[str]) -> dict:
    """Run the CLI ingest in a child process; its summary, wall seconds, CPU seconds and peak tree memory."""
    summary_path = workdir / "summary.json"
    cmd = [str(ROOT / ".venv" / "bin" / "trialhouse"), "ingest", str(corpus), "--warehouse",
           str(workdir / "trials.duckdb"), "--parquet-dir", str(workdir / "parquet"), "--summary-json",
           str(summary_path), *extra]
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"}
    log = workdir / "ingest.log"
    start = time.perf_counter()
    with log.open("w") as out:  # a file, not a pipe: a chatty child must never block on a full pipe
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        memory = TreeMemory(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    peak = memory.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest failed (see {log}): {log.read_text()[-2000:]}")
    waited = usage.ru_utime + usage.ru_stime  # the CLI and the children it waited for
    sampled = sum(memory.cpu_s.values())  # every process of the tree, as last seen alive
    return {"summary": json.loads(summary_path.read_text()), "wall_s": wall, "peak_mib": peak,
            "cpu_s": max(waited, sampled), "probe_cpu_s": memory.cpu_self_s, "cpu_by_role": memory.cpu_by_role(),
            "peak_mib_by_role": memory.peak_by_role, "role_peaks_mib": dict(sorted(memory.role_peaks.items())),
            "busy": busy_by_interval(memory.timeline)}


def median_run(runs: list[tuple[dict, int, float]]) -> tuple[dict, int, float]:
    """Of (ingest result, DuckDB's studies, DuckDB's seconds) runs, the one whose ratio to DuckDB — or, without
    DuckDB, whose wall time — is the median (the upper one of an even count)."""
    ordered = sorted(runs, key=lambda r: r[0]["wall_s"] / r[2] if r[2] else r[0]["wall_s"])
    return ordered[len(ordered) // 2]


def clear_warehouse(work: Path) -> None:
    """Remove an earlier run's warehouse, exports and reports, so that the next run starts fresh."""
    for stale in ("trials.duckdb", "trials.snapshot.duckdb", "parquet", "data_docs", "trials.duckdb.wal"):
        target = work / stale
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)


def read_every_file(folder: Path) -> int:
    """Read every file under `folder` once (so that the timed runs find them in the page cache); bytes read."""
    size = 0
    for path in folder.rglob("*"):
        if path.is_file():
            size += len(path.read_bytes())
    return size


def edit_files(folder: Path, n: int) -> int:
    """Edit `n` files spread evenly over the folder (a blank line appended: a new content hash, the same record), as
    a registry's daily changes would; how many were edited."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files[::max(1, len(files) // n)][:n]:
        path.write_bytes(path.read_bytes() + b"\n")
    return min(n, len(files))


def run_duckdb_baseline(corpus: Path) -> tuple[int, float]:
    """DuckDB's own SQL flattening of the JSON files (a fresh process): (studies, seconds)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "duckdb_baseline.py"), f"{corpus}/**/*.json"],
                          capture_output=True, text=True, check=True)
    studies, seconds = done.stdout.split()[:2]
    return int(studies), float(seconds)


TABLE_HEAD = ("| date | machine | kind | N files | records/s | wall s | plan | parse+validate | load | publish | "
              "transform CPU-s | validate CPU-s | CPU s | peak tree RSS MiB | no-change rerun s | DuckDB SQL s | "
              "× DuckDB |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")


def cpu_model() -> str:
    """The processor's model name (Linux's /proc/cpuinfo; else what `platform` says): rows of one host compare, and
    a VM's host can change between sessions."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def record_row(path: Path, r: dict) -> None:
    """Append one result row to the benchmark table in `path` (created with its header when missing)."""
    st = r["stages"]
    duck = f"{r['duckdb_s']:.1f} | {r['wall_s'] / r['duckdb_s']:.2f}×" if r.get("duckdb_s") else "– | –"
    row = (f"| {time.strftime('%Y-%m-%d')} | {platform.machine()} ({r['cpu']}), {r['cores']} cores | {r['kind']} | "
           f"{r['files']:,} | {r['records_per_s']:,} | {r['wall_s']:.1f} | "
           + " | ".join(f"{st.get(k, 0):.1f}" for k in ("plan", "parse_and_validate", "load", "publish"))
           + f" | {r['transform_cpu_s']:.0f} | {r['validate_cpu_s']:.0f} | {r['cpu_s']:.0f} | {r['peak_mib']:,} | "
             f"{r['rerun_wall_s']:.1f} | {duck} |\n")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if TABLE_HEAD.splitlines()[0] not in text:
        text += ("\n" if text else "") + TABLE_HEAD
    path.write_text(text + row, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20_000, help="number of files to generate (records, for ictrp-*)")
    ap.add_argument("--kind", choices=sorted(KINDS), default="json", help="which layouts to replicate")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev" / "raw")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/trialhouse-bench"))
    ap.add_argument("--reuse", action="store_true", help="reuse the replicated files of an earlier run")
    ap.add_argument("--record", type=Path, help="append the result as a row of this markdown table (docs/benchmarks.md)")
    ap.add_argument("--api", choices=("per-run", "running"), default="per-run",
                    help="per-run: each `trialhouse ingest` starts its own Prefect API (a one-off CLI run); running: "
                         "one API started beforehand serves every run (a scheduled deployment's long-lived server)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="fresh runs (and DuckDB's, for json) in turns; the one with the median ratio is reported")
    ap.add_argument("--edit", type=int, default=0, metavar="N",
                    help="after the no-change rerun, edit N files spread over the corpus and time the run that "
                         "loads them (a scheduled run's daily changes)")
    ap.add_argument("ingest_args", nargs="*", help="passed to `trialhouse ingest` (after --)")
    args = ap.parse_args()

    work = args.workdir / f"{args.kind}-{args.files}"
    corpus = work / "raw"
    if not (args.reuse and corpus.exists()):
        clock = time.perf_counter()
        if args.kind in EXPORTS:
            if args.kind == "ctgov-csv":
                size = build_ctgov_export(args.corpus / "ctgov_csv_export" / "ctg-studies_urology.csv", corpus,
                                          args.files)
            elif args.kind == "ctgov-json":
                size = build_json_array(args.corpus / "ctgov_json", corpus, args.files)
            else:
                size = build_export(ICTRP_SAMPLE, corpus, args.files, args.kind == "ictrp-csv")
            print(f"built one export of {args.files:,} records ({size / 2**20:.0f} MiB) in "
                  f"{time.perf_counter() - clock:.1f} s")
        else:
            size = build_corpus(args.corpus, corpus, args.files, KINDS[args.kind])
            print(f"built {args.files:,} files ({size / 2**20:.0f} MiB) in {time.perf_counter() - clock:.1f} s")
    # Both sides read the files from the page cache: the first timed run would otherwise read them from disk
    # (≈ 15 MB/s here once the cache lost them: JSON × 20,000 took 50 s against 27 s warm), DuckDB's after it not.
    clock = time.perf_counter()
    size = read_every_file(corpus)
    print(f"read {size / 2**20:.0f} MiB of raw files once, into the page cache, in {time.perf_counter() - clock:.1f} s")
    # An installed package runs from compiled bytecode; a checkout may never have written it.
    for package in ("flows", "transforms", "schemas", "expectations", "warehouse"):
        compileall.compile_dir(ROOT / package, quiet=1)

    api = EarlyApi()
    if args.api == "running":
        os.environ.pop("PREFECT_API_URL", None)
        api.start().wait_ready()
        if not api.url or api.process is None:
            raise SystemExit("could not start a Prefect API for --api running")
    runs: list[tuple[dict, int, float]] = []
    try:
        for _ in range(max(1, args.repeat)):
            clear_warehouse(work)
            ingest = run_ingest(corpus, work, args.ingest_args)
            duck = run_duckdb_baseline(corpus) if args.kind in JSON_KINDS else (0, 0.0)
            runs.append((ingest, *duck))
            if args.repeat > 1:
                print(f"run {len(runs)}: {ingest['wall_s']:.1f} s" + (f", DuckDB {duck[1]:.1f} s" if duck[1] else ""))
        rerun = run_ingest(corpus, work, args.ingest_args)
        edited = run_ingest(corpus, work, args.ingest_args) if args.edit and edit_files(corpus, args.edit) else None
    finally:
        api.stop()
    reported, duck_studies, duck_s = median_run(runs)
    summary = reported["summary"]
    records = summary["rows_written"].get("trial", 0)
    cores = os.cpu_count() or 1
    kind = args.kind if args.api == "per-run" else f"{args.kind}, API running"
    result = {"kind": kind, "files": args.files, "records": records, "wall_s": round(reported["wall_s"], 2),
              "records_per_s": round(records / reported["wall_s"]), "stages": summary["stage_seconds"],
              "transform_cpu_s": summary.get("transform_cpu_s", 0), "validate_cpu_s": summary.get("validate_cpu_s", 0),
              "cpu_s": round(reported["cpu_s"], 1), "peak_mib": round(reported["peak_mib"]),
              "probe_cpu_s": round(reported["probe_cpu_s"], 2), "cpu_by_role": reported["cpu_by_role"],
              "peak_mib_by_role": reported["peak_mib_by_role"], "role_peaks_mib": reported["role_peaks_mib"],
              "busy": reported["busy"],
              "rerun_wall_s": round(rerun["wall_s"], 2),
              "rerun_unchanged": rerun["summary"]["files_unchanged"],
              **({"edited_files": edited["summary"]["files_loaded"], "edited_run_s": round(edited["wall_s"], 2),
                  "edited_run_stages": edited["summary"]["stage_seconds"],
                  "edited_run_peak_mib": round(edited["peak_mib"])} if edited else {}),
              "duckdb_s": round(duck_s, 2), "duckdb_studies": duck_studies, "cores": cores, "cpu": cpu_model(),
              "runs": [[round(r[0]["wall_s"], 2), round(r[2], 2)] for r in runs]}
    print(f"machine: {platform.machine()} ({result['cpu']}), {cores} cores, Python {platform.python_version()}")
    print(f"{kind} × {args.files:,}: {records:,} trials in {reported['wall_s']:.1f} s = "
          f"{result['records_per_s']:,} records/s; peak memory of the process tree {reported['peak_mib']:,.0f} MiB")
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in summary["stage_seconds"].items()))
    print(f"CPU: {reported['cpu_s']:.0f} s ({reported['cpu_s'] / reported['wall_s'] / cores:.0%} of {cores} cores × "
          "wall); "
          f"transform {result['transform_cpu_s']:.0f} CPU-s, per-batch validation {result['validate_cpu_s']:.0f} CPU-s; "
          f"the memory probe took {result['probe_cpu_s']:.1f} CPU-s")
    print("CPU-s by process: " + ", ".join(f"{k} {v:.1f}" for k, v in result["cpu_by_role"].items()))
    print("memory at the peak, MiB by process: "
          + ", ".join(f"{k} {v:,}" for k, v in result["peak_mib_by_role"].items())
          + "; each kind's own peak: " + ", ".join(f"{k} {v:,.0f}" for k, v in result["role_peaks_mib"].items()))
    print("cores busy, by interval and process:")
    for row in result["busy"]:
        shares = {k: v for k, v in row.items() if not k.endswith("_s")}
        print(f"  {row['from_s']:6.1f}–{row['to_s']:6.1f} s  {sum(shares.values()):4.2f}  "
              + " ".join(f"{k} {v:.2f}" for k, v in shares.items()))
    print(f"no-change rerun: {rerun['wall_s']:.1f} s, {result['rerun_unchanged']:,} files unchanged")
    if edited:
        print(f"a run after {args.edit:,} files were edited: {edited['wall_s']:.1f} s, "
              f"{edited['summary']['files_loaded']:,} files loaded, peak memory {edited['peak_mib']:,.0f} MiB; stage "
              "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in edited["summary"]["stage_seconds"].items()))
    if duck_s:
        print(f"DuckDB's own SQL flattening of the same files: {duck_studies:,} studies in {duck_s:.1f} s; "
              f"trialhouse takes {reported['wall_s'] / duck_s:.2f}× its time")
    (work / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    if args.record:
        record_row(args.record, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
