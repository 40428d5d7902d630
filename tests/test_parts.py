"""A large export read in parts on several workers: every record keeps its index, the staged rows and the warehouse
are those of the file read whole, and a part that cannot be read quarantines its own records with the reason."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.batch import _part_if_content_is, read_file, read_part
from flows.plan import SourceFile, cut_batches, cut_file, files_per_batch, write_manifest
from flows.summary import summary_markdown
from scripts.render_ictrp_csv import render as render_csv
from tests.conftest import load_folder, run_ingest, star_contents
from transforms.decode import MIXED_UTF8, decode, file_encoding
from transforms.layouts import ctgov_csv_export, ctgov_json, ictrp_csv, ictrp_xml
from transforms.offsets import Uncuttable, csv_rows, pattern_starts
from transforms.parts import Part, cut_parts, layout_of_head
from transforms.pipeline import lineage_tables, transform_files

_TOKENS = [b"<Trial>", b"<Trial id='7'>", b"<Trial/>", b"<TrialID>", b"<Trials_downloaded_from_ICTRP>", b"</Trial>",
           b"x" * 50, b"\n", b"<", b">", b"<Trial", b" "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=60), st.lists(st.integers(1, 40), min_size=1, max_size=8))
def test_record_starts_found_block_by_block_are_those_of_one_search(tokens, sizes):
    data = b"".join(tokens)
    blocks, at = [], 0
    while at < len(data):
        size = sizes[len(blocks) % len(sizes)]
        blocks.append(data[at:at + size])
        at += size
    expected = [m.start() for m in ictrp_xml._TRIAL_OPEN_BYTES.finditer(data)]
    assert list(ictrp_xml.record_starts(iter(blocks))) == expected
    assert list(pattern_starts(re.compile(rb"ab"), 2, [b"a", b"b", b"ab", b"a"])) == [0, 2]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=80), st.integers(1, 3000), st.integers(0, 100))
def test_parts_begin_at_records_cover_the_file_and_count_each_record_once(lengths, part_bytes, head):
    data = b"h" * head + b"".join(b"<Trial>" + b"x" * n + b"</Trial>\n" for n in lengths)
    starts = [m.start() for m in re.finditer(rb"<Trial>", data)]
    parts = cut_parts("ictrp_xml", iter([data[i:i + 97] for i in range(0, len(data), 97)]), len(data), part_bytes)
    wanted = -(-len(data) // part_bytes)
    if not parts:  # one part's worth, or no record begins where a second part would
        assert wanted < 2 or all(s < starts[0] + max((len(data) - starts[0]) // wanted, 1) for s in starts)
        return
    assert parts[0].first_byte == 0 and parts[-1].end_byte == len(data)
    assert all(a.end_byte == b.first_byte for a, b in zip(parts, parts[1:], strict=False))
    assert all(p.first_byte in starts for p in parts[1:])
    assert [p.first_index for p in parts] == [sum(p.records for p in parts[:n]) for n in range(len(parts))]
    assert sum(p.records for p in parts) == len(starts)
    assert all(p.records >= 1 and p.of == len(parts) for p in parts)
    assert [p.head_bytes for p in parts] == [0] + [starts[0]] * (len(parts) - 1)
    assert len(parts) <= wanted


def test_only_a_large_file_of_a_layout_that_can_be_cut_and_in_an_ascii_encoding_is_cut(shared_dir, tmp_path):
    text = (shared_dir / "corpus" / "ictrp" / "ictrp_dev.xml").read_text(encoding="utf-8")
    assert layout_of_head(text.encode("utf-8")) == "ictrp_xml"
    assert layout_of_head(text.encode("utf-16")) is None  # a byte search would not find its tags
    assert layout_of_head(b"<clinical_study><id_info>") is None  # a legacy CT.gov XML study: one record
    assert layout_of_head(b'{"protocolSection": {}}') == "ctgov_json"  # a study array may be cut; one study is not:
    assert cut_parts("ctgov_json", [b'{"protocolSection": {}}'], 10**6, 10) == []
    assert layout_of_head(b"\x89PNG\r\n") is None  # not text: read whole, quarantined with the usual reason
    (tmp_path / "e.xml").write_text(text, encoding="utf-8")
    assert cut_file(str(tmp_path / "e.xml"), len(text.encode("utf-8"))) is None  # not larger than one part
    sha256, _, size, parts = cut_file(str(tmp_path / "e.xml"), 40_000)
    assert size == (tmp_path / "e.xml").stat().st_size and len(parts) == -(-size // 40_000)
    assert sum(p.records for p in parts) == 48


_CELL = st.text(st.sampled_from('ab ,"\n\t'), max_size=12)  # a bare CR: below


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.lists(_CELL, min_size=2, max_size=2)), min_size=1, max_size=12),
       st.integers(1, 50), st.sampled_from([",", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_csv_record_starts_are_the_rows_the_parser_reads_in_blocks_of_any_size(rows, block, delimiter, newline):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["NCT Number", "Study Title", "Study Status"])
    for n, (blank, cells) in enumerate(rows):
        if blank:
            out.write(newline)
        writer.writerow([f"NCT{n:08d}", *cells])
    data = out.getvalue().encode()
    starts = list(ctgov_csv_export.record_starts(data[i:i + block] for i in range(0, len(data), block)))
    assert starts == list(ctgov_csv_export.record_starts([data]))
    assert [data[s:s + 11].decode() for s in starts] == [f"NCT{n:08d}" for n in range(len(rows))]
    assert len(ctgov_csv_export.parse(decode(data).text, "e.csv")) == len(starts)
    ictrp = b"".join(b",".join([b'"NCT%08d"' % n] + [b'"x"'] * (len(ictrp_csv.FIELD_ORDER) - 1)) + b"\n"
                     for n in range(len(rows)))
    assert list(ictrp_csv.record_starts(ictrp[i:i + block] for i in range(0, len(ictrp), block))) == \
        [ictrp.index(b'"NCT%08d"' % n) for n in range(len(rows))]


_JSON_TEXT = st.lists(st.sampled_from(['{"protocolSection":', ',', '[', '{', '"', "\\", "a", " ", "\n"]),
                      max_size=12).map("".join)  # what a study's text may hold: escaped, never its structure
_STUDY = st.tuples(st.dictionaries(st.sampled_from(["a", "b"]), _JSON_TEXT, max_size=3),
                   st.dictionaries(st.sampled_from(["hasResults", "derivedSection"]), st.just({"x": [{}, {"y": 1}]}))
                   ).map(lambda ps: {"protocolSection": ps[0], **ps[1]})  # the key CT.gov writes first, first


@settings(max_examples=200, deadline=None)
@given(st.lists(_STUDY, min_size=1, max_size=12), st.sampled_from([None, 0, 2]), st.integers(1, 60), st.booleans())
def test_json_array_record_starts_are_its_studies_and_each_part_parses_alone(studies, indent, block, bom):
    text = json.dumps(studies, indent=indent, separators=None if indent is not None else (",", ":"))
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    starts = list(ctgov_json.record_starts(data[i:i + block] for i in range(0, len(data), block)))
    assert len(starts) == len(studies) and all(data[s:s + 1] == b"{" for s in starts)
    ends = [*starts[1:], len(data)]
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):  # each study as the part of its own
        part = decode(data[:starts[0]] + data[start:end]).text
        assert json.loads(ctgov_json.close_part(part)) == [studies[n]]


@pytest.mark.parametrize("document", [
    {"studies": [{"protocolSection": {}}, {"protocolSection": {}}]},  # an API page: read whole
    [{"derivedSection": {}, "protocolSection": {}}, {"protocolSection": {}}],  # the first study opens otherwise
    [{"protocolSection": {}}, {"derivedSection": {}, "protocolSection": {}}, {"protocolSection": {}}],  # one after
    [{"protocolSection": {"note": "protocolSection"}}, {"protocolSection": {}}],  # the name as a value: not sure
])
def test_a_json_document_that_is_not_an_array_of_studies_opening_with_their_protocol_is_not_cut(document):
    data = json.dumps(document, indent=2).encode()
    with pytest.raises(Uncuttable):
        list(ctgov_json.record_starts(data[i:i + 7] for i in range(0, len(data), 7)))
    assert cut_parts("ctgov_json", [data], len(data), 10) == []  # read whole


@pytest.fixture(scope="module")
def export(shared_dir: Path, tmp_path_factory) -> Path:
    """The ICTRP sample (48 records, 386 KB) as the one file of a folder."""
    folder = tmp_path_factory.mktemp("export")
    (folder / "ictrp.xml").write_bytes((shared_dir / "corpus" / "ictrp" / "ictrp_dev.xml").read_bytes())
    return folder


@pytest.fixture(scope="module", params=["ictrp-xml", "ictrp-xml-mixed", "ictrp-csv", "ictrp-csv-header-crlf",
                                        "ctgov-csv", "ctgov-json"])
def any_export(request, shared_dir: Path, tmp_path_factory) -> tuple[Path, int]:
    """A large export and how many records it holds: the ICTRP sample as XML, as the full-data CSV (headerless,
    every cell quoted) and as a search export's CSV (a header row, cells quoted only when they must be, CRLF rows);
    a CT.gov search export (CSV) of the dev corpus, and its JSON studies as one `ctg-studies.json` array."""
    folder = tmp_path_factory.mktemp(request.param)
    sample = shared_dir / "corpus" / "ictrp" / "ictrp_dev.xml"
    if request.param == "ictrp-xml":
        (folder / "ictrp.xml").write_bytes(sample.read_bytes())
        return folder / "ictrp.xml", 48
    if request.param == "ictrp-xml-mixed":  # one record's `–` in cp1252, the rest UTF-8: decoded alike in parts
        data = sample.read_bytes()
        assert data.count("–".encode()) == 1
        (folder / "ictrp.xml").write_bytes(data.replace("–".encode(), "–".encode("cp1252")))
        return folder / "ictrp.xml", 48
    if request.param == "ctgov-csv":
        return shared_dir / "corpus" / "dev" / "raw" / "ctgov_csv_export" / "ctg-studies_urology.csv", 369
    if request.param == "ctgov-json":
        studies = sorted((shared_dir / "corpus" / "dev" / "raw" / "ctgov_json").glob("*.json"))
        (folder / "ctg-studies.json").write_text(
            "[\n" + ",\n".join(p.read_text(encoding="utf-8").strip() for p in studies) + "\n]\n", encoding="utf-8")
        return folder / "ctg-studies.json", len(studies)
    with (folder / "ictrp.csv").open("w", encoding="utf-8", newline="") as out:
        header, quoting = ("fields", "minimal") if request.param == "ictrp-csv-header-crlf" else ("none", "all")
        assert render_csv(sample, None, header, quoting, out) == 48
    return folder / "ictrp.csv", 48


def _entries(path: Path, part_bytes: int) -> list[dict]:
    sha256, stamp, size, parts = cut_file(str(path), part_bytes)
    return [{"path": str(path), "rel": path.name, "part": asdict(p), "sha256": sha256, "stamp": stamp,
             "size_bytes": size} for p in parts]


def test_a_file_read_in_parts_stages_the_rows_it_stages_read_whole(any_export):
    path, n_records = any_export
    whole_outcomes, whole = transform_files([read_file(str(path), path.name, None, 10**9)], "run")
    outcomes, tables = [], []
    entries = _entries(path, 30_000)
    assert len(entries) >= 7
    for entry in entries:
        o, t = transform_files([read_part(entry, 10**9)], "run")
        outcomes += o
        tables.append(t)
    assert [o.layout for o in outcomes] == [whole_outcomes[0].layout] * len(entries)
    for name, table in whole.items():
        assert pa.concat_tables([t[name] for t in tables]).equals(table), name
    in_parts, read_whole = lineage_tables(outcomes), lineage_tables(whole_outcomes)
    assert in_parts["_records"].equals(read_whole["_records"]) and len(in_parts["_records"]) == n_records
    # a row per part, the first one the file's (a stamp says whether the file had settled); the encoding the load
    # records is the one that covers every part: the whole file's
    assert in_parts["_files"]["part"].to_pylist() == list(range(len(entries)))
    assert read_whole["_files"]["part"].to_pylist() == [None]
    same = ["file_path", "file_sha256", "size_bytes", "layout", "error"]
    assert in_parts["_files"].select(same).slice(0, 1).equals(read_whole["_files"].select(same))
    assert file_encoding(in_parts["_files"]["encoding"].to_pylist()) == whole_outcomes[0].encoding


def test_a_csv_export_whose_rows_cannot_be_told_apart_is_read_whole(tmp_path):
    def row(n: int) -> str:
        return ",".join([f'"NCT{n:08d}"'] + ['"a cell"'] * (len(ictrp_csv.FIELD_ORDER) - 1)) + "\n"

    good = "".join(row(n) for n in range(200)).encode()
    blocks = [good[i:i + 1000] for i in range(0, len(good), 1000)]
    assert len(cut_parts("ictrp_csv", iter(blocks), len(good), 4000)) == -(-len(good) // 4000)
    open_quote = good[:len(good) // 2] + b'"NCT99999999","a quote left open\n' + good[len(good) // 2:]
    short_row = good[:len(good) // 2] + b'"NCT99999999","two cells"\n' + good[len(good) // 2:]
    for broken in (open_quote, short_row):
        with pytest.raises(Uncuttable, match="cells, expected 58 or 59 or 62"):
            list(ictrp_csv.record_starts(iter([broken])))
        assert cut_parts("ictrp_csv", iter([broken]), len(broken), 4000) == []
    assert [start for start, _ in csv_rows([b'a,"b\nc"\r\n', b"d\n\xef"])] == [0, 9, 11]
    with_bom = b"\xef\xbb\xbfTrialID,public_title\r\n" + b"".join(b"NCT%08d,t\r\n" % n for n in range(3))
    assert list(ictrp_csv.record_starts([with_bom])) == [25, 40, 55]  # the header named through its byte-order mark
    with pytest.raises(Uncuttable, match="new-line character seen in unquoted field"):  # decode makes it a line break
        list(ctgov_csv_export.record_starts([b"NCT Number,Study Title\nNCT00000001,a\rb\n"]))


def test_a_part_that_cannot_be_read_quarantines_its_own_records_with_the_reason(export, tmp_path):
    path = tmp_path / "ictrp.xml"
    path.write_bytes((export / "ictrp.xml").read_bytes())
    entries = _entries(path, 100_000)
    second = entries[1]["part"]
    miscounted = {**entries[1], "part": {**second, "records": second["records"] + 1}}
    [outcome], _ = transform_files([read_part(miscounted, 10**9)], "run")
    assert [i for i, _, _ in outcome.records] == list(range(second["first_index"],
                                                            second["first_index"] + second["records"] + 1))
    assert all(tid is None and f"yielded {second['records']} records where {second['records'] + 1} begin" in err
               and "part 2 of" in err for _, tid, err in outcome.records)
    assert outcome.error is None and outcome.part is not None and outcome.part.number == 1
    too_large = read_part(entries[1], 1000)
    assert too_large.data is None and "part too large" in (too_large.error or "")
    as_planned = [read_part(e, 10**9).data for e in entries]
    os.utime(path, ns=(1, 1))  # touched: the stamp moved, the content did not, so every part reads as planned
    assert [read_part(e, 10**9).data for e in entries] == as_planned and all(as_planned)
    with path.open("ab") as fh:
        fh.write(b"\n")
    changed = read_part(entries[0], 10**9)
    assert changed.data is None and "content changed after the run planned its parts" in (changed.error or "")
    [first], _ = transform_files([changed], "run")
    assert first.part is not None and first.part.number == 0 and first.error is None and first.layout == "ictrp_xml"
    assert len(first.records) == entries[0]["part"]["records"] and all(e for *_, e in first.records)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.data(), st.integers(1, 40))
def test_a_part_taken_while_hashing_the_file_is_the_part_read_directly(data, draw, block_size):
    head = draw.draw(st.integers(0, len(data)))
    first = draw.draw(st.integers(head, len(data)))
    end = draw.draw(st.integers(first, len(data)))
    part = Part("ictrp_xml", 1, 2, first, end, 0, 1, head)
    assert _part_if_content_is(io.BytesIO(data), part, hashlib.sha256(data).hexdigest(), block_size) == \
        data[:head] + data[first:end]
    assert _part_if_content_is(io.BytesIO(data + b"x"), part, hashlib.sha256(data).hexdigest(), block_size) is None


def test_the_parts_of_a_file_are_dealt_among_the_batches_like_files(export, tmp_path):
    other = tmp_path / "small.json"
    other.write_text("{}")
    files = [SourceFile(str(export / "ictrp.xml"), "ictrp.xml"), SourceFile(str(other), "small.json")]
    plan, _ = write_manifest(files, {}, tmp_path / "staging", 100_000, workers=2)
    specs = cut_batches(plan, tmp_path / "staging", "run", 2, 10**8)
    assert [s.files for s in specs] == [2, 2, 1]  # four parts, then the whole file: each batch every third row
    rows = [pq.read_table(s.manifest).to_pylist() for s in specs]
    assert [[r["part"]["number"] if r["part"] else None for r in batch] for batch in rows] == [[0, 3], [1, None], [2]]
    size = (export / "ictrp.xml").stat().st_size  # the progress bar counts bytes: a part is its share of the file
    assert sum(s.bytes for s in specs) == size + 2 and all(s.bytes for s in specs)
    whole, _ = write_manifest(files, {}, tmp_path / "whole", None)
    assert [s.files for s in cut_batches(whole, tmp_path / "whole", "run", 500, 10**8)] == [2]


def test_an_export_in_parts_is_one_batch_per_worker_not_one_per_part():
    mib = 1 << 20
    assert files_per_batch(14, 2, None, 204 * mib, 16 * mib) == 7  # a 204 MiB JSON array in 14 parts: 2 batches
    assert files_per_batch(24, 2, None, 369 * mib, 16 * mib) == 6  # 369 MiB: 3 batches' bytes, 4 on 2 workers
    assert files_per_batch(4, 2, None, 37 * mib, 16 * mib) == 2
    assert files_per_batch(2, 2, None, 23 * mib, 16 * mib) == 1  # a 23 MiB export in 2 parts: one on each worker


def test_a_file_the_cutter_fails_on_is_read_whole(export, tmp_path, monkeypatch):
    def broken(blocks):
        raise RuntimeError("a bug")
        yield 0

    monkeypatch.setattr(ictrp_xml, "record_starts", broken)
    manifest, _ = write_manifest([SourceFile(str(export / "ictrp.xml"), "ictrp.xml")], {}, tmp_path, 50_000)
    assert [r["part"] for r in pq.read_table(manifest).to_pylist()] == [None]


@pytest.mark.parametrize("stray_byte", [False, True])
def test_the_warehouse_of_an_export_read_in_parts_is_that_of_the_export_read_whole(export, stray_byte, tmp_path):
    if stray_byte:  # one cp1252 `–` half-way through a UTF-8 export: only a later part holds it, yet the file's
        # lineage says what reading it whole says, `utf-8+cp1252`
        data = (export / "ictrp.xml").read_bytes()
        assert data.count("–".encode()) == 1 and data.index("–".encode()) > 100_000
        export = tmp_path / "export"
        export.mkdir()
        (export / "ictrp.xml").write_bytes(data.replace("–".encode(), "–".encode("cp1252")))
    whole, parts = tmp_path / "whole.duckdb", tmp_path / "parts.duckdb"
    load_folder(export, whole, tmp_path / "s1")
    outcome = load_folder(export, parts, tmp_path / "s2", part_bytes=50_000)
    assert (outcome.row["files_loaded"], outcome.row["files_quarantined"], outcome.row["records_quarantined"]) == \
        (1, 0, 0)
    assert star_contents(parts) == star_contents(whole)
    lineage = "SELECT * EXCLUDE (run_id{}) FROM {} ORDER BY ALL"
    with duckdb.connect(str(whole), read_only=True) as a, duckdb.connect(str(parts), read_only=True) as b:
        for table, more in (("ingest_file", ", first_seen_at, last_seen_at, stat_stamp"),
                                                  ("ingest_record", "")):  # a stamp: whether it had settled
            assert a.execute(lineage.format(more, table)).fetchall() == b.execute(lineage.format(more, table)).fetchall()
        assert b.execute("SELECT count(*), max(record_index) FROM ingest_record").fetchone() == (48, 47)
        assert b.execute("SELECT encoding FROM ingest_file").fetchall() == [(MIXED_UTF8 if stray_byte else "utf-8",)]


@pytest.mark.flow
def test_the_ingest_flow_reads_a_large_export_in_parts_on_its_workers(export, tmp_path, prefect_harness):
    summary = run_ingest(export, tmp_path / "w.duckdb", tmp_path / "p", part_bytes=60_000, runner="processes",
                         workers=2)
    assert (summary.files_loaded, summary.files_quarantined, summary.records_quarantined) == (1, 0, 0)
    assert summary.parts == {"ictrp.xml": 8}  # 386 KB in parts of at most 60 KB: 7, then a multiple of 2 workers
    assert "Read in parts: ictrp.xml (8 parts)" in summary_markdown(summary)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("SELECT status, record_count, layout FROM ingest_file").fetchall() == \
            [("LOADED", 48, "ictrp_xml")]
    again = run_ingest(export, tmp_path / "w.duckdb", tmp_path / "p", part_bytes=60_000)
    assert (again.files_unchanged, again.files_loaded, again.parts) == (1, 0, {})


def test_a_part_keeps_the_file_s_head_so_it_parses_alone(export):
    entries = _entries(export / "ictrp.xml", 100_000)
    part = read_part(entries[2], 10**9)
    assert part.data is not None and part.data.startswith(b"<?xml") and b"<Trials_downloaded_from_ICTRP" in part.data
    assert part.data.count(b"<Trial>") == entries[2]["part"]["records"]
