"""Bad input: every file ends LOADED or QUARANTINED with a clear reason, nothing is lost, nothing escapes the root."""
from __future__ import annotations

import csv
import itertools
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.batch import read_file
from flows.plan import list_sources
from tests.conftest import SAMPLES, run_ingest

SEED_JSONLIKE = '{"protocolSection": {"identificationModule": {"nctId": "NCT0'


def _make_bad_folder(root: Path, outside: Path) -> dict[str, str]:
    """Write one file per bad-input case; return file name → the words its quarantine reason must contain."""
    root.mkdir()
    shutil.copy(SAMPLES / "003_04f502fd2d1a9b0e.txt", root / "good_legacy.txt")
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b"  \n\n\t  \r\n")
    (root / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (root / "truncated.json").write_text(SEED_JSONLIKE, encoding="utf-8")
    (root / "not_a_trial.json").write_text('{"hello": "world"}', encoding="utf-8")
    (root / "nameless.json").write_text('{"protocolSection": {"statusModule": {"overallStatus": "RECRUITING"}}}',
                                        encoding="utf-8")
    (root / "nameless.xml").write_text("<clinical_study><overall_status>Recruiting</overall_status></clinical_study>",
                                       encoding="utf-8")
    (root / "broken.xml").write_text("<clinical_study><brief_title>x</brief", encoding="utf-8")
    (root / "bomb.xml").write_text('<!DOCTYPE z [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                                   "<clinical_study><brief_title>&b;</brief_title></clinical_study>", encoding="utf-8")
    (root / "unknown.txt").write_text("Dear diary,\ntoday nothing happened.\n", encoding="utf-8")
    half = (SAMPLES / "004_78907bef003bf639.txt").read_bytes()
    (root / "half_aggregator.txt").write_bytes(half[: len(half) // 2])
    latin = (SAMPLES / "003_04f502fd2d1a9b0e.txt").read_text(encoding="utf-8").replace("≤", "<=").replace("≥", ">=")
    (root / "cp1252_legacy.txt").write_bytes(latin.replace("Low-dose", "Café low-dose").encode("cp1252", "replace"))
    with (root / "huge.txt").open("wb") as fh:  # sparse: 200 MB on paper, no disk used
        fh.truncate(200 * 1024 * 1024)
    outside.write_text("secret", encoding="utf-8")
    (root / "escape.txt").symlink_to(outside)
    return {"empty.txt": "empty file", "blank.txt": "whitespace", "picture.txt": "binary",
            "truncated.json": "malformed JSON", "not_a_trial.json": "expected a CT.gov study",
            "nameless.json": "names no trial", "nameless.xml": "names no trial",
            "broken.xml": "malformed XML", "bomb.xml": "unsafe XML", "unknown.txt": "no layout recognised",
            "huge.txt": "file too large", "escape.txt": "refused"}


def test_every_bad_file_is_accounted_for(prefect_harness, tmp_path):
    expected = _make_bad_folder(tmp_path / "src", tmp_path / "outside.txt")
    db = tmp_path / "w.duckdb"
    summary = run_ingest(tmp_path / "src", db, tmp_path / "p", max_file_bytes=10_000_000)
    con = duckdb.connect(str(db), read_only=True)
    status = {p: (s, e) for p, s, e in con.execute("SELECT file_path, status, error FROM ingest_file").fetchall()}
    assert set(status) == {p.name for p in (tmp_path / "src").iterdir()}, "a file was lost"
    for name, words in expected.items():
        assert status[name][0] == "QUARANTINED", name
        assert words in status[name][1], (name, status[name][1])
    for name in ("good_legacy.txt", "half_aggregator.txt", "cp1252_legacy.txt"):
        assert status[name][0] in ("LOADED", "SUPERSEDED"), (name, status[name])
    assert summary.files_seen == summary.files_loaded + summary.files_quarantined + summary.files_unchanged
    assert "secret" not in str(con.execute("SELECT * FROM trial").fetchall())
    assert con.execute("SELECT encoding FROM ingest_file WHERE file_path = 'cp1252_legacy.txt'").fetchone()[0] == "cp1252"


def test_csv_export_with_a_broken_row_loads_the_others(prefect_harness, tmp_path, shared_dir):
    src = tmp_path / "src"
    src.mkdir()
    export = shared_dir / "corpus" / "dev" / "raw" / "ctgov_csv_export" / "ctg-studies_urology.csv"
    with export.open(newline="", encoding="utf-8") as fh:
        rows = list(itertools.islice(csv.reader(fh), 4))  # header + three real trials
    with (src / "export.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
        fh.write("NCT99999999,only two cells\n")
    db = tmp_path / "w.duckdb"
    summary = run_ingest(src, db, tmp_path / "p")
    con = duckdb.connect(str(db), read_only=True)
    records = con.execute("SELECT status, count(*) FROM ingest_record GROUP BY ALL ORDER BY ALL").fetchall()
    assert records == [("LOADED", 3), ("QUARANTINED", 1)]
    assert summary.records_quarantined == 1 and summary.files_loaded == 1
    assert con.execute("SELECT count(*) FROM trial").fetchone()[0] == 3


def test_a_file_that_disappears_before_it_is_read_is_quarantined(tmp_path):
    raw = read_file(str(tmp_path / "gone.txt"), "gone.txt", None, 1000)
    assert raw.data is None and "could not read" in raw.error


def test_discover_refuses_links_leaving_the_root(tmp_path):
    root = tmp_path / "src"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("x")
    (root / ".hidden").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (root / "linked_dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "inside_link.txt").symlink_to(root / "sub" / "a.txt")
    found = {f.rel: f.refused for f in list_sources([root]).files}
    assert found == {"sub/a.txt": None, "linked_dir": "a linked folder", "inside_link.txt": None}


def test_missing_source_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a file or folder"):
        list_sources([tmp_path / "nope"])
