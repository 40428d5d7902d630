"""Planning a run: list the source files, set aside those whose content the warehouse already holds, and cut the
rest into batches, each described by a manifest file of its own (so no file list ever travels as a task argument,
and a worker reads only its batch's rows)."""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schemas.derive import arrow_schema
from schemas.lineage import STAGED_PRESENT, STAGED_UNCHANGED
from warehouse.shards import write_plan_table

if TYPE_CHECKING:
    from transforms.parts import Part

PART_TYPE = pa.struct([pa.field("layout", pa.string(), nullable=False)]
                      + [pa.field(name, pa.int64(), nullable=False)
                         for name in ("number", "of", "first_byte", "end_byte", "first_index", "records", "head_bytes")])
MANIFEST_SCHEMA = pa.schema([
    pa.field("path", pa.string(), nullable=False),  # where to read the file
    pa.field("rel", pa.string(), nullable=False),  # its path relative to the source root: its name in lineage
    pa.field("known_sha256", pa.string()),  # the content hash the warehouse holds for this path, if any
    pa.field("refused", pa.string()),  # why the file must not be read (a link leaving the source folder), if so
    # a file read in parts has a row per part (transforms.parts.Part), with what the plan found the file to be:
    pa.field("part", PART_TYPE),
    pa.field("sha256", pa.string()),
    pa.field("stamp", pa.string()),  # its stamp when the plan read it (a part of a file changed since is not read)
    pa.field("size_bytes", pa.int64()),
])


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """Which files a batch reads (the rows of its own manifest) and where it writes its shards."""

    batch_no: int
    manifest: str
    files: int
    staging: str
    run_id: str
    max_file_bytes: int
    bytes: int = 0  # the bytes it reads (a part's own, a whole file's size; 0 where the plan did not stat them)
    chunk_files: int = 250  # files transformed and written together (at most), to bound a worker's memory …
    chunk_bytes: int = 32 * 1024 * 1024  # … and about this many bytes of them (a larger file alone)
    keep_results: bool = False  # keep every table's GX result for Data Docs (else only failing ones)
    gazetteer: str | None = None  # a prebuilt city gazetteer to load instead of building one (see flows.batch)


MIN_BATCH_FILES, MAX_BATCH_FILES = 500, 5_000
# A batch pays ≈ 0.15 CPU-s for its task run and ≈ 1 CPU-s for its gate run (GX's cost is per expectation, not per
# row), so a worker takes one batch when the run is small enough; batches interleave the manifest's rows, so they
# cost alike. At most 5,000 keeps a worker's memory the same whatever the size of the run: the gate holds a batch's
# largest table at once (10,000-file batches: ≈ 90 MB more per worker, and no faster at 20,000 files when measured
# again in turns; docs/benchmarks.md).
BATCHES_PER_WORKER = 1
# … and a batch holds about this many bytes at most: a few exports of thousands of records each are a batch's work.
MAX_BATCH_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file found in the sources: where it is, its name in lineage, and why it must not be read (if so)."""

    path: str
    rel: str
    refused: str | None = None


@dataclass(slots=True)
class Listing:
    """The files of a run's sources; `complete` when the sources are a folder (files missing from it were removed)."""

    root: Path
    files: list[SourceFile]
    complete: bool

    def paths(self) -> set[str]:
        """Every listed file's path relative to the root."""
        return {f.rel for f in self.files}

    def missing(self, known: dict[str, str]) -> set[str]:
        """The paths the warehouse knows that are missing from this folder (files that were removed); none when the
        run names files."""
        return known.keys() - self.paths() if self.complete else set()

    def leaves_out(self, known: dict[str, str]) -> bool:
        """Whether a path the warehouse knows is missing from this folder (a file that was removed)."""
        return bool(self.missing(known))


class Unchanged(NamedTuple):
    """A listed file whose content the warehouse holds: its path, that content's hash and the file's stamp."""

    rel: str
    sha256: str
    stamp: str | None


@dataclass(slots=True)
class Plan:
    """What a run must read: the changed files, the unchanged ones and every path present."""

    changed: list[SourceFile]
    unchanged: list[Unchanged]
    present: list[str] | None  # every path in a complete listing; None when the run names files

    def reading_again(self, paths: set[str], listing: Listing) -> Plan:
        """This plan with the unchanged files in `paths` read again (in listing order, as the changed ones are)."""
        changed = {f.rel for f in self.changed} | paths
        return Plan([f for f in listing.files if f.rel in changed],
                    [u for u in self.unchanged if u.rel not in paths], self.present)


@dataclass(frozen=True, slots=True)
class StagedPlan:
    """A plan written to the run's staging folder: the manifest of files to read and the counts the flow reports."""

    manifest: str
    files_seen: int
    files_to_read: int
    files_unchanged: int
    complete: bool
    parts: dict[str, int] = field(default_factory=dict)  # the files read in parts: how many parts each
    bytes_to_read: int = 0  # the bytes of the files and parts to read (when the plan looked: with a part size)
    reads: int = 0  # the manifest's rows: each a file read whole or a part of one


def hash_file(path: str | Path) -> str:
    """SHA-256 of a file read in 1 MiB blocks: never holds a large file in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# A stamp is kept only for a file that has not changed for this long: a write within the same tick of the file
# system's clock as the read would leave the stamp as it was (FAT's clock ticks every 2 s).
STAMP_SETTLE_NS = 2_000_000_000


def file_stamp(st: os.stat_result) -> str:
    """`inode:size:mtime_ns:ctime_ns`: what a change to the file's content changes (a write moves its change time,
    which no tool can set back)."""
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def settled_stamp(st: os.stat_result, now_ns: int | None = None) -> str | None:
    """The file's stamp, if it has not changed within `STAMP_SETTLE_NS` of `now_ns` (default: now); else None."""
    return file_stamp(st) if is_settled(st, time.time_ns() if now_ns is None else now_ns) else None


def is_settled(st: os.stat_result, now_ns: int) -> bool:
    """Whether the file has not changed within `STAMP_SETTLE_NS` of `now_ns`."""
    return st.st_mtime_ns < now_ns - STAMP_SETTLE_NS and st.st_ctime_ns < now_ns - STAMP_SETTLE_NS


def list_sources(sources: list[Path]) -> Listing:
    """Every regular, non-hidden file under a source folder (sorted), or the files named; links leaving the folder
    and linked folders are listed as refused, so they are accounted for but never read."""
    if len(sources) == 1 and sources[0].is_dir():
        root = sources[0].resolve()
        return Listing(root, sorted(_files_under(root), key=lambda f: f.rel), complete=True)
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"not a file or folder: {', '.join(missing[:5])}")
    paths = [p.resolve() for p in sources]
    root = Path(os.path.commonpath([p.parent for p in paths]))
    return Listing(root, sorted((SourceFile(str(p), p.relative_to(root).as_posix()) for p in paths),
                                key=lambda f: f.rel), complete=False)


def holds_a_file(sources: list[Path]) -> bool:
    """Whether `list_sources` would list any file, found without listing them all (a folder is walked up to its
    first file)."""
    if len(sources) == 1 and sources[0].is_dir():
        return next(_files_under(sources[0].resolve()), None) is not None
    return bool(list_sources(sources).files)


def _files_under(root: Path) -> Iterator[SourceFile]:
    """The files under `root`, as the walk finds them (not sorted)."""
    root_text = str(root)

    def visit(folder: str, prefix: str) -> Iterator[SourceFile]:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    yield from visit(entry.path, rel + "/")
                elif entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.isdir(target):
                        yield SourceFile(entry.path, rel, "a linked folder")
                    elif os.path.commonpath([root_text, target]) != root_text:
                        yield SourceFile(entry.path, rel, "a link pointing outside the source folder")
                    else:
                        yield SourceFile(entry.path, rel)
                else:
                    yield SourceFile(entry.path, rel)

    return visit(root_text, "")


# The hashes of the last split, by path and stamp: a command looks at a folder twice when a known file was edited
# (its nothing-to-do check, then the flow's plan), and hashes each file once. Only the last split's are kept.
_last_hashes: dict[tuple[str, str], str] = {}


def sort_out(listing: Listing, known: dict[str, str], stamps: dict[str, str]) -> \
        Iterator[tuple[SourceFile, Unchanged | None]]:
    """Each listed file, in order, with what the warehouse holds of it: its `Unchanged` entry, or None when it must
    be read. A file with the stamp the warehouse kept for it is not read; the others it knows are hashed (streaming,
    nothing kept; not again if the last split hashed the file with this stamp). Lazy: a caller that stops early
    hashes no further."""
    global _last_hashes
    previous, _last_hashes = _last_hashes, {}
    now_ns = time.time_ns()
    for f in listing.files:
        if f.rel not in known or f.refused:
            yield f, None
            continue
        try:
            st = os.stat(f.path)
            stamp = file_stamp(st)
            if stamps.get(f.rel) == stamp:
                digest = known[f.rel]
            else:
                digest = _last_hashes[f.path, stamp] = previous.get((f.path, stamp)) or hash_file(f.path)
        except OSError:
            yield f, None  # the batch reads it again and records why it cannot
            continue
        held = digest == known[f.rel]
        yield f, Unchanged(f.rel, digest, stamp if is_settled(st, now_ns) else None) if held else None


def split_unchanged(listing: Listing, known: dict[str, str], stamps: dict[str, str] | None = None) -> Plan:
    """Set aside the listed files whose content the warehouse already holds (see `sort_out`)."""
    changed: list[SourceFile] = []
    unchanged: list[Unchanged] = []
    for f, same in sort_out(listing, known, stamps or {}):
        if same is None:
            changed.append(f)
        else:
            unchanged.append(same)
    present = [f.rel for f in listing.files] if listing.complete else None
    return Plan(changed, unchanged, present)


def plan_sources(sources: list[Path], warehouse: Path, full_refresh: bool = False) -> \
        tuple[Listing, dict[str, str], Plan]:
    """List the sources, read what the warehouse knows of them (nothing with `full_refresh`) and split them; the
    unchanged files that also state a trial of a file that changed or left the folder are read again, so that the
    trial is rebuilt from what its sources state now."""
    # here, not at the top: workers import this module and need no DuckDB
    from warehouse.store import known_files, other_sources_of_their_trials

    listing = list_sources(sources)
    known, stamps = ({}, {}) if full_refresh else known_files(warehouse)
    plan = split_unchanged(listing, known, stamps)
    stale = {f.rel for f in plan.changed if f.rel in known} | listing.missing(known)
    if stale:
        reread = other_sources_of_their_trials(warehouse, stale, {u.rel for u in plan.unchanged})
        if reread:
            known = {path: sha256 for path, sha256 in known.items() if path not in reread}
            plan = plan.reading_again(reread, listing)
    return listing, known, plan


def files_per_batch(n_files: int, workers: int, batch_size: int | None, n_bytes: int = 0,
                    part_bytes: int | None = None) -> int:
    """Files (or parts of files) per batch: as configured, else about BATCHES_PER_WORKER batches per worker within
    the bounds (each batch pays a fixed cost for its task run and its gate run); files of many records (exports, and
    the parts of those cut) are few but much work, so there are as many batches as their bytes (`n_bytes` in all)
    need, and one per worker once they hold more than a part's worth in all. More than one batch come in a multiple
    of the workers, so that none runs alone at the end."""
    if batch_size:
        return batch_size
    workers = max(workers, 1)
    by_count = max(MIN_BATCH_FILES, min(MAX_BATCH_FILES, -(-n_files // (workers * BATCHES_PER_WORKER))))
    batches = max(-(-n_files // by_count), -(-n_bytes // MAX_BATCH_BYTES),
                  min(workers, -(-n_bytes // part_bytes)) if part_bytes else 0)
    if batches > 1:
        batches = -(-batches // workers) * workers
    return -(-n_files // batches) if n_files else by_count


def write_manifest(files: list[SourceFile], known: dict[str, str], staging: Path,
                   part_bytes: int | None = None, workers: int = 1) -> tuple[Path, pa.Table]:
    """The run's manifest, and where it is written: one row per file to read, in order (sorted by path), or one per
    part of a file larger than `part_bytes` whose layout can be cut, in a multiple of `workers` parts (none is cut
    when it is None)."""
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / "manifest.parquet"
    rows = [row for f in files for row in _manifest_rows(f, known.get(f.rel), part_bytes, workers)]
    pq.write_table(table := pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA), path)
    return path, table


def _manifest_rows(f: SourceFile, known_sha256: str | None, part_bytes: int | None, workers: int) -> list[dict]:
    row: dict[str, str | int | None] = {"path": f.path, "rel": f.rel, "known_sha256": known_sha256,
                                        "refused": f.refused}
    if f.refused or part_bytes is None:
        return [row]
    try:
        row["size_bytes"] = size = os.stat(f.path).st_size
        cut = cut_file(f.path, part_bytes, workers) if size > part_bytes else None
    except Exception:  # unreadable, or a cutter's bug: the batch reads it whole (and records why it cannot)
        cut = None
    if cut is None:
        return [row]
    sha256, stamp, size, parts = cut
    return [{**row, "part": asdict(p), "sha256": sha256, "stamp": stamp, "size_bytes": size} for p in parts]


def cut_file(path: str, part_bytes: int, workers: int = 1) -> tuple[str, str, int, list[Part]] | None:
    """A large file's hash, stamp, size and parts when its layout can be cut (transforms.parts), else None; read
    once, in blocks."""
    from transforms.parts import HEAD_BYTES, cut_parts, layout_of_head

    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        head = fh.read(HEAD_BYTES)
        layout = layout_of_head(head)
        if layout is None:
            return None
        digest = hashlib.sha256()

        def blocks() -> Iterator[bytes]:
            block = head
            while block:
                digest.update(block)
                yield block
                block = fh.read(1 << 20)

        stream = blocks()
        parts = cut_parts(layout, stream, st.st_size, part_bytes, workers)
        if not parts:
            return None
        for _ in stream:  # the hash is of every byte, whether or not the cutter needed to read to the end
            pass
        if file_stamp(os.fstat(fh.fileno())) != file_stamp(st):
            return None  # written to while the plan read it: read whole, as any file
    return digest.hexdigest(), file_stamp(st), st.st_size, parts


def cut_batches(manifest: Path, staging: Path, run_id: str, size: int, max_file_bytes: int,
                gazetteer: Path | None = None) -> list[BatchSpec]:
    """Cut the run's manifest into batches of about `size` rows (files read whole, parts of files), each taking every
    n-th row into a manifest of its own: the manifest is sorted by path, so files of one layout (which cost alike)
    and the parts of one file sit together, and consecutive ranges would give one worker the costliest layouts. The
    first batch keeps every GX result for Data Docs."""
    table = pq.read_table(manifest)
    n_batches = -(-table.num_rows // size)
    groups = [table.take(pa.array(range(n, table.num_rows, n_batches), pa.int64())) for n in range(n_batches)]
    folder = staging / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    specs = []
    for n, rows in enumerate(groups):
        pq.write_table(rows, path := folder / f"batch-{n:06d}.parquet")
        specs.append(BatchSpec(batch_no=n, manifest=str(path), files=rows.num_rows, staging=str(staging),
                               run_id=run_id, max_file_bytes=max_file_bytes, bytes=_bytes_read(rows),
                               keep_results=n == 0, gazetteer=str(gazetteer) if gazetteer else None))
    return specs


def _bytes_read(rows: pa.Table) -> int:
    """The bytes a batch of manifest rows reads: each part's own, each whole file's size."""
    part = rows["part"]
    own = pc.subtract(pc.struct_field(part, "end_byte"), pc.struct_field(part, "first_byte"))
    return pc.sum(pc.if_else(pc.is_valid(part), own, rows["size_bytes"])).as_py() or 0


def unchanged_table(unchanged: list[Unchanged]) -> pa.Table:
    """The unchanged files as the load reads them (`_unchanged`): path, content hash and stamp."""
    return pa.table({"file_path": [u.rel for u in unchanged], "file_sha256": [u.sha256 for u in unchanged],
                     "stat_stamp": [u.stamp for u in unchanged]}, schema=arrow_schema(STAGED_UNCHANGED))


def stage_plan(plan: Plan, known: dict[str, str], staging: Path, files_seen: int,
               part_bytes: int | None = None, workers: int = 1) -> StagedPlan:
    """Write the plan to the staging folder: the manifest (large files cut in parts of at most about `part_bytes`,
    a multiple of `workers` of them), the unchanged files and (for a folder) every path present, which the load
    reads from there."""
    manifest, rows = write_manifest(plan.changed, known, staging, part_bytes, workers)
    write_plan_table(staging, STAGED_UNCHANGED.name, unchanged_table(plan.unchanged))
    write_plan_table(staging, STAGED_PRESENT.name, pa.table({"file_path": plan.present or []},
                                                            schema=arrow_schema(STAGED_PRESENT)))
    cut = rows.select(["rel", "part"]).filter(pc.is_valid(pc.field("part"))).to_pylist()
    return StagedPlan(str(manifest), files_seen, len(plan.changed), len(plan.unchanged), plan.present is not None,
                      {row["rel"]: row["part"]["of"] for row in cut}, _bytes_read(rows), rows.num_rows)
