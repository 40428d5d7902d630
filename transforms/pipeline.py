"""Raw files' bytes → decoded text → parsed records → star-table rows: the pure part of a batch's work."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from schemas.derive import RECORD_COLUMN, arrow_schema
from schemas.lineage import STAGED_FILE, STAGED_RECORD
from transforms.decode import decode
from transforms.errors import ParseError, TrialhouseError
from transforms.layouts import by_name, parse_as, parse_text
from transforms.parts import Part
from transforms.record import ParsedTrial
from transforms.shape import SourceRecord, shape_batch, trial_key


@dataclass(slots=True)
class RawFile:
    """A file's bytes and hash, or why it could not be read."""

    rel: str  # path relative to the source root
    sha256: str
    size_bytes: int | None
    data: bytes | None = None
    error: str | None = None
    stamp: str | None = None  # the file's stamp when it was read, if it had settled (see ingest_file.stat_stamp)
    part: Part | None = None  # set when `data` is one part of the file (after the file's head), not all of it


@dataclass(slots=True)
class FileOutcome:
    """What parsing made of one file: its layout and records, or why it failed as a whole."""

    file_path: str
    file_sha256: str
    size_bytes: int | None
    encoding: str | None = None
    layout: str | None = None
    error: str | None = None
    records: list[tuple[int, str | None, str | None]] = field(default_factory=list)  # (index, trial_id, error)
    stamp: str | None = None
    part: Part | None = None  # the part of the file this outcome is of (the load folds a file's parts into one row)


def transform_files(files: Sequence[RawFile], run_id: str) -> tuple[list[FileOutcome], dict[str, pa.Table]]:
    """Decode, detect, parse and shape files (or parts of files): each one's outcome, and the staged rows of every
    table."""
    outcomes: list[FileOutcome] = []
    records: list[SourceRecord] = []
    for f in files:
        outcome = FileOutcome(f.rel, f.sha256, f.size_bytes, error=f.error, stamp=f.stamp, part=f.part,
                              layout=f.part.layout if f.part is not None else None)
        outcomes.append(outcome)
        results = _parse_file(f, outcome) if f.data is not None else []
        if f.part is not None and not _part_read(f.part, outcome, results):
            continue
        first = f.part.first_index if f.part is not None else 0
        for index, result in enumerate(results, start=first):
            if isinstance(result, ParsedTrial):
                records.append(SourceRecord(result, f.rel, f.sha256, index, run_id))
                outcome.records.append((index, trial_key(result, f.sha256, index), None))
            else:
                outcome.records.append((index, None, str(result)))
    return outcomes, shape_batch(records)


def _parse_file(f: RawFile, outcome: FileOutcome) -> list[ParsedTrial | ParseError]:
    """The file's records, its encoding and layout noted in its outcome; none, and the reason in the outcome, when
    the file cannot be read as a whole."""
    assert f.data is not None
    source = f.part.name(f.rel) if f.part is not None else f.rel
    try:
        decoded = decode(f.data, source)
        outcome.encoding = decoded.encoding
        if f.part is None:
            outcome.layout, results = parse_text(decoded.text, f.rel)
        else:
            layout = by_name(f.part.layout)
            text = layout.close_part(decoded.text) if hasattr(layout, "close_part") else decoded.text
            results = parse_as(layout, text, source)
    except TrialhouseError as exc:
        outcome.error = str(exc)
        return []
    except Exception as exc:  # a parser bug must not lose the file: quarantine it with the bug's message
        outcome.error = f"{source}: internal parser error ({type(exc).__name__}): {exc}"
        return []
    if not results:
        outcome.error = f"{source}: {outcome.layout}: the file holds no trial record"
    return results


def _part_read(part: Part, outcome: FileOutcome, results: list[ParsedTrial | ParseError]) -> bool:
    """Whether the part was read and yielded the records the plan counted in it; if not, each of those records is
    quarantined with the reason (the file's other parts load), so that every record of the file is accounted for."""
    if outcome.error is None and len(results) == part.records:
        return True
    reason = outcome.error or (f"{part.name(outcome.file_path)}: {outcome.layout}: yielded {len(results)} records "
                               f"where {part.records} begin; set TRIALHOUSE_PART_BYTES above the file's size to read "
                               "it whole")
    outcome.records = [(part.first_index + n, None, reason) for n in range(part.records)]
    outcome.error = None
    return False


def lineage_tables(outcomes: Sequence[FileOutcome]) -> dict[str, pa.Table]:
    """The staged lineage of a batch: one `_files` row per file or part of a file, and one `_records` row per record
    it yielded."""
    files = {"file_path": [o.file_path for o in outcomes], "file_sha256": [o.file_sha256 for o in outcomes],
             "size_bytes": [o.size_bytes for o in outcomes], "encoding": [o.encoding for o in outcomes],
             "layout": [o.layout for o in outcomes], "error": [o.error for o in outcomes],
             "stat_stamp": [o.stamp for o in outcomes],
             "part": [o.part.number if o.part is not None else None for o in outcomes]}
    triples = [(o, idx, tid, err) for o in outcomes for idx, tid, err in o.records]
    records = {"file_path": [o.file_path for o, *_ in triples], "file_sha256": [o.file_sha256 for o, *_ in triples],
               "record_index": [idx for _, idx, _, _ in triples],
               RECORD_COLUMN: [f"{o.file_path}#{idx}" for o, idx, _, _ in triples],
               "trial_id": [tid for *_, tid, _ in triples], "error": [err for *_, err in triples]}
    return {STAGED_FILE.name: pa.table(files, schema=arrow_schema(STAGED_FILE)),
            STAGED_RECORD.name: pa.table(records, schema=arrow_schema(STAGED_RECORD))}
