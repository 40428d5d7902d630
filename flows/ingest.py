"""The `ingest` flow: discover → read → parse → stage Parquet → validate → load DuckDB → publish → record the run."""
from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from expectations.gate import Gate, GateResult
from transforms.decode import decode
from transforms.errors import TrialhouseError
from transforms.layouts import parse_text
from transforms.record import ParsedTrial
from transforms.shape import SourceRecord, shape_batch, trial_key
from warehouse.lineage import FileOutcome, lineage_tables
from warehouse.lock import writer_lock
from warehouse.store import (
    RunRecord,
    checkpoint_warehouse,
    known_files,
    load_run,
    publish_parquet,
    record_failed_run,
    snapshot_path,
    snapshot_warehouse,
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file found under the source root."""

    path: str  # the OS path as a string: building a Path per file was most of the listing time at 50k files
    rel: str
    size_bytes: int


@dataclass(slots=True)
class RawFile:
    """A file's bytes and hash, or why it could not be read."""

    rel: str
    sha256: str
    size_bytes: int | None
    data: bytes | None = None
    error: str | None = None


class FileListing:
    """The files of a run, handed between tasks as one object: Prefect walks every item of a list a task returns
    (measured: ≈ 0.3 s per 50k files), and would not walk this plain class."""

    __slots__ = ("files",)

    def __init__(self, files: list[SourceFile]):
        self.files = files

    def __len__(self) -> int:
        return len(self.files)


class FileBatch:
    """Files to parse with the known hashes of their paths: a plain class on purpose, so that Prefect passes it to
    a worker as one object instead of walking every file in it (walking and quoting both cost or break on Dask)."""

    __slots__ = ("files", "known")

    def __init__(self, files: list[SourceFile], known: dict[str, str]):
        self.files = files
        self.known = known


@dataclass(slots=True)
class StagedBatch:
    """One parsed batch: its lineage and its Arrow tables, before anything is written."""

    outcomes: list[FileOutcome]
    tables: dict[str, pa.Table]
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (path, hash) of files skipped as known
    transform_cpu_s: float = 0.0  # CPU seconds of the pure transform (decode, parse, shape) on its worker


@dataclass(slots=True)
class RunSummary:
    """What a run did, for the CLI, the Prefect artifact and tests."""

    run_id: str
    status: str
    files_seen: int = 0
    files_loaded: int = 0
    files_quarantined: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    records_quarantined: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    warehouse: str = ""
    data_docs: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    transform_cpu_s: float = 0.0  # CPU seconds spent in the pure transform, summed over workers


class LoadBlocked(RuntimeError):
    """A table-level expectation failed: nothing of this run was loaded."""


# Large task arguments are passed as quote(...): Prefect otherwise walks every element looking for futures
# (measured: 6 s for a 50k-file list, against 0.8 s for the task's own work).
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Prefect costs ≈ 0.15 CPU-s per parse task run on a process worker (context, client and settings rebuilt each time):
# without a batch size, a run is cut into about TASKS_PER_WORKER tasks per worker, of 500 to 1,500 files (larger
# batches were ≈ 5% faster at 50k files but held 60 MB more parsed results in flight).
TASKS_PER_WORKER = 8
MIN_BATCH_FILES, MAX_BATCH_FILES = 500, 1_500
PARSE_AHEAD_FILES_PER_WORKER = 3_000  # parsed or queued ahead per worker: covers a chunk's validation (≈ 2.5 s)
PROCESS_RUN_MIN_FILES = 4_000  # fewer files parse faster inline than worker processes start
VALIDATE_TRIALS = 10_000  # trials per expectation-suite run: bounds memory, amortises GX's per-call cost


def new_run_id() -> str:
    """UTC timestamp plus a random suffix: sortable and unique."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def chunks(items: list, size: int) -> Iterator[list]:
    """Consecutive slices of `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover_files(source_dir: Path) -> FileListing:
    """Every regular, non-hidden file under the source root, sorted; links leading outside the root and linked
    folders are listed as refused (so they are accounted for, never read)."""
    root = source_dir.resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"source folder {source_dir} does not exist or is not a folder")
    found: list[SourceFile] = []
    prefix = len(str(root)) + 1  # relative paths by slicing: pathlib's relative_to was half of the listing time
    folders = [str(root)]
    while folders:  # scandir's cached entry types: one stat per file, a resolve only for links
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = entry.path[prefix:] if os.sep == "/" else entry.path[prefix:].replace(os.sep, "/")
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                    continue
                if entry.is_symlink():
                    path = Path(entry.path)
                    if path.is_dir() or not path.resolve().is_relative_to(root):
                        found.append(SourceFile(entry.path, rel, -2))  # linked folder or escaping link: never read
                        continue
                    found.append(SourceFile(entry.path, rel, path.stat().st_size))
                elif entry.is_file(follow_symlinks=False):
                    found.append(SourceFile(entry.path, rel, entry.stat(follow_symlinks=False).st_size))
            except OSError:
                found.append(SourceFile(entry.path, rel, -1))
        folders.extend(reversed(subfolders))
    found.sort(key=lambda f: f.rel)
    return FileListing(found)


@task(cache_policy=NO_CACHE)
def read_known_files(warehouse: Path) -> dict[str, str]:
    """file path → content hash of everything the warehouse has already accounted for."""
    return known_files(warehouse)


def hash_file(path: str | Path) -> str:
    """SHA-256 of a file read in 1 MiB blocks: never holds a large file in memory."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY)  # unbuffered reads: a third faster than a file object on small files
    try:
        while block := os.read(fd, 1 << 20):
            digest.update(block)
    finally:
        os.close(fd)
    return digest.hexdigest()


def read_files(files: list[SourceFile], max_file_bytes: int) -> list[RawFile]:
    """Read and hash files; an unreadable, escaping or oversized file carries its reason instead of bytes."""
    out = []
    for f in files:
        if f.size_bytes == -2:
            out.append(RawFile(f.rel, EMPTY_SHA256, None,
                               error="refused: a linked folder, or a link pointing outside the source folder"))
            continue
        try:
            size = os.stat(f.path).st_size
            if size > max_file_bytes:
                out.append(RawFile(f.rel, hash_file(f.path), size,
                                   error=f"file too large: {size:,} bytes (limit {max_file_bytes:,}; "
                                         f"set TRIALHOUSE_MAX_FILE_BYTES to raise it)"))
                continue
            with open(f.path, "rb", buffering=0) as fh:
                data = fh.readall()
        except OSError as exc:
            out.append(RawFile(f.rel, EMPTY_SHA256, None, error=f"could not read the file: {exc.strerror or exc}"))
            continue
        out.append(RawFile(f.rel, hashlib.sha256(data).hexdigest(), len(data), data=data))
    return out


def parse_files(files: list[RawFile], run_id: str) -> StagedBatch:
    """Decode, detect, parse and shape a batch of files (pure: no I/O)."""
    started = time.thread_time()
    outcomes: list[FileOutcome] = []
    records: list[SourceRecord] = []
    for f in files:
        outcome = FileOutcome(f.rel, f.sha256, f.size_bytes, error=f.error)
        outcomes.append(outcome)
        if f.data is None:
            continue
        try:
            decoded = decode(f.data, f.rel)
            outcome.encoding = decoded.encoding
            outcome.layout, results = parse_text(decoded.text, f.rel)
        except TrialhouseError as exc:
            outcome.error = str(exc)
            continue
        except Exception as exc:  # a parser bug must not lose the file: quarantine it with the bug's message
            outcome.error = f"internal parser error ({type(exc).__name__}): {exc}"
            continue
        if not results:
            outcome.error = f"{f.rel}: {outcome.layout}: the file holds no trial record"
        for index, result in enumerate(results):
            if isinstance(result, ParsedTrial):
                record = SourceRecord(result, f.rel, f.sha256, index, run_id)
                records.append(record)
                outcome.records.append((index, trial_key(result, f.sha256, index), None))
            else:
                outcome.records.append((index, None, str(result)))
    tables = shape_batch(records)
    return StagedBatch(outcomes, tables, transform_cpu_s=time.thread_time() - started)


@task(retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def split_unchanged(listing: FileListing, known: dict[str, str]) -> tuple[FileListing, list[tuple[str, str]]]:
    """Hash every file whose path the warehouse knows (streaming, nothing kept); return the files to parse and the
    (path, hash) of those whose content is already accounted for."""
    changed: list[SourceFile] = []
    unchanged: list[tuple[str, str]] = []
    for f in listing.files:
        if f.rel not in known or f.size_bytes < 0:
            changed.append(f)
            continue
        try:
            digest = hash_file(f.path)
        except OSError:
            changed.append(f)  # the parse step reads it again and records why it cannot
            continue
        if digest == known[f.rel]:
            unchanged.append((f.rel, known[f.rel]))
        else:
            changed.append(f)
    return FileListing(changed), unchanged


@task(cache_policy=NO_CACHE)
def parse_batch(batch: FileBatch, run_id: str, max_file_bytes: int) -> StagedBatch:
    """Read one batch, skip files whose content is already known, parse and shape the rest (runs on a worker)."""
    known = batch.known
    raw = read_files(batch.files, max_file_bytes)
    changed = [f for f in raw if known.get(f.rel) != f.sha256 or f.error]
    staged = parse_files(changed, run_id)
    staged.unchanged = [(f.rel, f.sha256) for f in raw if known.get(f.rel) == f.sha256 and not f.error]
    return staged


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def stage_batch(batch: StagedBatch, staging: Path, batch_no: int) -> None:
    """Write a chunk's tables and lineage as Parquet (temp file, then rename)."""
    files, records = lineage_tables(batch.outcomes)
    for name, table in list(batch.tables.items()) + [("_files", files), ("_records", records)]:
        folder = staging / name
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".batch-{batch_no:06d}.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(folder / f"batch-{batch_no:06d}.parquet")


@task(cache_policy=NO_CACHE)
def validate_batch(batch: StagedBatch, gate: Gate) -> GateResult:
    """Run the expectation suites on one staged batch."""
    return gate.validate(batch.tables)


@task(retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_data_docs(gate: Gate, docs_dir: Path, keep_runs: int = 20) -> Path:
    """Render this run's GX Data Docs under the warehouse folder and prune all but the newest runs' docs."""
    index = gate.build_docs(docs_dir)
    runs = sorted(p for p in docs_dir.parent.iterdir() if p.is_dir())
    for old in runs[:-keep_runs]:
        shutil.rmtree(old, ignore_errors=True)
    return index


@task(cache_policy=NO_CACHE)
def load_warehouse(warehouse: Path, staging: Path, run: RunRecord, verdict: GateResult,
                   unchanged: list[tuple[str, str]], present: list[str]) -> dict:
    """Load every staged batch in one DuckDB transaction; refuse when a table-level expectation failed."""
    if verdict.blocked:
        raise LoadBlocked("load stopped by failed expectations, the warehouse is unchanged: "
                          + "; ".join(verdict.table_failures[:5]))
    return load_run(warehouse, staging, run, verdict.quarantined, unchanged, present)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def publish_tables(warehouse: Path, parquet_dir: Path) -> None:
    """Export the warehouse tables to the Parquet root for other engines."""
    publish_parquet(warehouse, parquet_dir)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def publish_snapshot(warehouse: Path) -> Path:
    """Copy the warehouse to a read-only snapshot for dashboards (temp file, then rename), so readers never
    contend with the next run's writer."""
    return snapshot_warehouse(warehouse)


@task(cache_policy=NO_CACHE)
def record_summary(summary: RunSummary) -> None:
    """Attach the run summary to the flow run as a markdown artifact."""
    rows = "\n".join(f"| {name} | {n:,} |" for name, n in sorted(summary.rows_written.items()))
    warn = "\n".join(f"- {name}: {n} rows" for name, n in sorted(summary.warnings.items())) or "- none"
    create_markdown_artifact(
        key="ingest-summary",
        description=f"trialhouse ingest run {summary.run_id}",
        markdown=(f"# Ingest run `{summary.run_id}`: {summary.status}\n\n"
                  f"| files | count |\n|---|---|\n| seen | {summary.files_seen} |\n| loaded | {summary.files_loaded} |\n"
                  f"| quarantined | {summary.files_quarantined} |\n| unchanged | {summary.files_unchanged} |\n"
                  f"| removed | {summary.files_removed} |\n\n"
                  f"| table | rows written |\n|---|---|\n{rows}\n\nExpectation warnings:\n{warn}\n"),
    )


def release_freed_memory() -> None:
    """Hand memory freed by a finished chunk back to the OS, so that peak RSS does not creep up chunk by chunk
    (Arrow's allocator and glibc's heap otherwise keep freed pages for reuse)."""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            pass


def progress_bar(enabled: bool):
    """A rich progress bar on stderr when enabled, else a do-nothing context."""
    if not enabled:
        return nullcontext(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    transient=False)


# Parsing allocates millions of short-lived objects and few reference cycles: with the young generation collected
# every 20,000 net allocations instead of every 700, the transform runs ≈ 10% faster (measured on 4,000 files).
PARSE_GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc_for_parsing() -> None:
    """Set the garbage collector's thresholds for a process that only parses (run once in each worker process)."""
    gc.set_threshold(*PARSE_GC_THRESHOLDS)


def make_task_runner(runner: str, workers: int | None, dask_address: str | None):
    """The Prefect task runner the parse stage fans out on: threads, processes, or Dask (existing or local cluster)."""
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "processes":
        return ProcessPoolTaskRunner(max_workers=workers or os.cpu_count(), initializer=tune_gc_for_parsing)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: expected sequential, threads, processes or dask")


def choose_runner(runner: str, n_files: int) -> str:
    """`auto` fans out on processes when there are cores to use and enough files to pay for starting them."""
    if runner != "auto":
        return runner
    return "processes" if (os.cpu_count() or 1) > 1 and n_files >= PROCESS_RUN_MIN_FILES else "sequential"


def files_per_task(n_files: int, workers: int) -> int:
    """Files per parse task when the run does not set it: about TASKS_PER_WORKER tasks per worker, within
    MIN_BATCH_FILES..MAX_BATCH_FILES (larger tasks pay Prefect's per-task cost less often, smaller ones balance)."""
    return max(MIN_BATCH_FILES, min(MAX_BATCH_FILES, -(-n_files // (max(workers, 1) * TASKS_PER_WORKER))))


@dataclass(slots=True)
class StageOutput:
    """What the parse stage hands to the load: the gate's verdict, unchanged files, and timings."""

    verdict: GateResult
    unchanged: list[tuple[str, str]]
    seconds: dict[str, float]
    transform_cpu_s: float = 0.0


def run_parse_stage(files: list[SourceFile], known: dict[str, str], staging: Path, docs_dir: Path, run_id: str,
                    batch_size: int | None, max_file_bytes: int, show_progress: bool, runner: str,
                    workers: int | None, dask_address: str | None) -> StageOutput:
    """Parse batches (inline, or fanned out on a Prefect task runner), staging and validating each as it arrives.

    The runner is entered here rather than given to a subflow: a subflow would send every file name to the
    Prefect API as a parameter, which the API refuses at registry scale."""
    chosen = choose_runner(runner, len(files))
    if chosen == "sequential":
        batches = list(chunks(files, batch_size or MIN_BATCH_FILES))
        return parse_stage(batches, known, staging, docs_dir, run_id, max_file_bytes, show_progress, None, 0)
    n_workers = workers or os.cpu_count() or 1  # an existing Dask cluster's size is not known here: a fair guess
    size = batch_size or files_per_task(len(files), n_workers)
    batches = plan_batches(files, size, n_workers)
    # Enough batches in flight to keep the workers busy while this process stages and validates a chunk; each
    # parsed batch is a few MB, so memory stays bounded.
    window = n_workers * max(2, -(-PARSE_AHEAD_FILES_PER_WORKER // size))
    final_round = sum(len(b) for b in batches[-n_workers:])
    with shared_api_for_workers(local=dask_address is None), \
            make_task_runner(chosen, workers, dask_address) as task_runner:
        return parse_stage(batches, known, staging, docs_dir, run_id, max_file_bytes, show_progress, task_runner,
                           window, final_round)


def plan_batches(files: list[SourceFile], size: int, workers: int) -> list[list[SourceFile]]:
    """Batches of `size` files for `workers` workers; in a run of more than four rounds, the last two rounds are cut
    to half-size batches, so that the workers finish close together and the last chunk to validate is small."""
    tail = 2 * workers * size if len(files) > 4 * workers * size else 0
    head = len(files) - tail
    return list(chunks(files[:head], size)) + list(chunks(files[head:], max(1, size // 2)))


@contextmanager
def shared_api_for_workers(local: bool) -> Iterator[None]:
    """Point local worker processes at this run's Prefect API: without it each worker starts a temporary API
    server of its own (measured: 15 s and ≈ 230 MB per worker, against 3 s shared)."""
    if not local or os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.client.orchestration import get_client

    os.environ["PREFECT_API_URL"] = str(get_client().api_url)
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def parsed_batches(batches: list[list[SourceFile]], known: dict[str, str], run_id: str, max_file_bytes: int,
                   task_runner, window: int) -> Iterator[tuple[int, StagedBatch]]:
    """(files in the batch, parsed batch) in order; on a task runner, `window` parse tasks run ahead and no
    more, so memory does not grow with the input."""
    def batch_of(files: list[SourceFile]) -> FileBatch:
        return FileBatch(files, {f.rel: known[f.rel] for f in files if f.rel in known})

    if task_runner is None:
        for batch in batches:
            yield len(batch), parse_batch(batch_of(batch), run_id, max_file_bytes)
        return
    pending: deque = deque()
    for batch in batches:
        parameters = {"batch": batch_of(batch), "run_id": run_id, "max_file_bytes": max_file_bytes}
        pending.append((len(batch), task_runner.submit(parse_batch, parameters)))
        if len(pending) >= window:
            size, future = pending.popleft()
            yield size, future.result()
    while pending:
        size, future = pending.popleft()
        yield size, future.result()


def parse_stage(batches: list[list[SourceFile]], known: dict[str, str], staging: Path, docs_dir: Path, run_id: str,
                max_file_bytes: int, show_progress: bool, task_runner, window: int,
                final_round: int = 0) -> StageOutput:
    """Parse every batch, stage and validate them in chunks in this process, and write the run's Data Docs.

    With workers, the chunk pending when only the last `final_round` files are still out is validated at once,
    while the workers parse those: what is left to validate after parsing ends is one small chunk."""
    # GX takes seconds to import and set up: build the gate on a thread while the first batches parse (a run with
    # nothing to parse never imports it)
    gate_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate")
    gate_future = gate_builder.submit(Gate) if batches else None
    gate_builder.shutdown(wait=False)
    verdict, unchanged = GateResult(), []
    seconds = {"parse": 0.0, "write": 0.0, "validate": 0.0}
    # Parsed batches are gathered into chunks of about VALIDATE_TRIALS trials, then staged and validated together:
    # Prefect's cost per task run and GX's per suite run are paid once per chunk, and memory stays one chunk.
    pending: list[StagedBatch] = []
    chunks_done = 0
    transform_cpu_s = 0.0
    outstanding = sum(len(b) for b in batches)
    closed_early = False

    def stage_and_validate_pending() -> None:
        nonlocal chunks_done
        clock = time.perf_counter()
        tables = {name: pa.concat_tables([b.tables[name] for b in pending]) for name in pending[0].tables}
        chunk = StagedBatch([o for b in pending for o in b.outcomes], tables)
        stage_batch(quote(chunk), staging, chunks_done)
        seconds["write"] += time.perf_counter() - clock
        release_freed_memory()  # the Parquet writer's buffers, before GX makes its own copies
        clock = time.perf_counter()
        assert gate_future is not None  # pending batches exist only when there were batches to parse
        verdict.merge(validate_batch(quote(chunk), gate_future.result()))
        seconds["validate"] += time.perf_counter() - clock
        pending.clear()
        chunks_done += 1
        release_freed_memory()

    with progress_bar(show_progress) as bar:
        bar_task = bar.add_task("parsing", total=sum(len(b) for b in batches)) if bar else None
        results = parsed_batches(batches, known, run_id, max_file_bytes, task_runner, window)
        while True:
            clock = time.perf_counter()
            item = next(results, None)
            seconds["parse"] += time.perf_counter() - clock
            if item is None:
                break
            size, staged = item
            transform_cpu_s += staged.transform_cpu_s
            outstanding -= size
            if staged.outcomes:
                pending.append(staged)
            last_round_out = not closed_early and 0 < outstanding <= final_round
            if pending and (last_round_out or sum(b.tables["trial"].num_rows for b in pending) >= VALIDATE_TRIALS):
                closed_early = closed_early or last_round_out
                stage_and_validate_pending()
            unchanged += staged.unchanged
            if bar:
                bar.advance(bar_task, size)
        if pending:
            stage_and_validate_pending()
    if gate_future is not None:
        clock = time.perf_counter()
        write_data_docs(gate_future.result(), docs_dir)
        seconds["validate"] += time.perf_counter() - clock
    # The GX context and the last chunk are garbage now: give their memory back before the load needs its own.
    gate_future = None
    pending.clear()
    gc.collect()
    release_freed_memory()
    return StageOutput(verdict, unchanged, seconds, transform_cpu_s)


@flow(name="ingest", log_prints=False, validate_parameters=True)
def ingest(source_dir: Path, warehouse: Path = Path("warehouse/trials.duckdb"),
           parquet_dir: Path = Path("warehouse/parquet"), batch_size: int | None = None, full_refresh: bool = False,
           max_file_bytes: int = 50 * 1024 * 1024, show_progress: bool = False,
           runner: Literal["auto", "sequential", "threads", "processes", "dask"] = "auto", workers: int | None = None,
           dask_address: str | None = None) -> RunSummary:
    """Ingest every file under `source_dir` into the warehouse; unchanged files are only hashed."""
    logger = get_run_logger()
    run = RunRecord(new_run_id(), datetime.now(), str(source_dir), 0)
    staging = parquet_dir / "_staging" / run.run_id
    docs_dir = warehouse.parent / "data_docs" / run.run_id
    seconds: dict[str, float] = {}
    with writer_lock(warehouse):
        clock = time.perf_counter()
        files = discover_files(source_dir)
        run = RunRecord(run.run_id, run.started_at, run.source_dir, len(files))
        known = {} if full_refresh else read_known_files(warehouse)
        changed, unchanged = split_unchanged(quote(files), quote(known))
        seconds["discover"] = time.perf_counter() - clock
        try:
            stage = run_parse_stage(changed.files, known, staging, docs_dir, run.run_id, batch_size, max_file_bytes,
                                    show_progress, runner, workers, dask_address)
            seconds.update(stage.seconds)
            clock = time.perf_counter()
            row = load_warehouse(warehouse, staging, run, quote(stage.verdict), quote(unchanged + stage.unchanged),
                                 quote([f.rel for f in files.files]))
            seconds["load"] = time.perf_counter() - clock
        except Exception as exc:
            record_failed_run(warehouse, run, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        clock = time.perf_counter()
        snapshot = snapshot_path(warehouse)
        changed = row["files_loaded"] or row["files_quarantined"] or row["files_removed"]
        if changed or not snapshot.exists() or not (parquet_dir / "trial" / "trial.parquet").exists():
            checkpoint_warehouse(warehouse)  # before the two readers below, which then only read the file
            copying = publish_snapshot.submit(warehouse)  # the copy runs on a thread beside the Parquet export
            publish_tables(warehouse, parquet_dir)
            copying.result()
        seconds["publish"] = time.perf_counter() - clock
    summary = RunSummary(
        run_id=run.run_id, status=row["status"], files_seen=row["files_seen"], files_loaded=row["files_loaded"],
        files_quarantined=row["files_quarantined"], files_unchanged=row["files_unchanged"],
        files_removed=row["files_removed"], records_quarantined=row["records_quarantined"],
        rows_written=json.loads(row["rows_written"]), warnings=dict(stage.verdict.warnings),
        warehouse=str(warehouse), data_docs=str(docs_dir / "index.html") if docs_dir.exists() else "",
        stage_seconds={k: round(v, 3) for k, v in seconds.items()}, transform_cpu_s=round(stage.transform_cpu_s, 3))
    record_summary(summary)
    logger.info("run %s: %s", summary.run_id, summary.status)
    return summary
