"""End-to-end runs of the real Prefect `ingest` flow (under a temporary Prefect API)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import SAMPLES, run_ingest, star_contents

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def seeded(prefect_harness, tmp_path_factory):
    """The five bundled samples ingested once, then ingested again unchanged."""
    root = tmp_path_factory.mktemp("seeded")
    db, parquet = root / "trials.duckdb", root / "parquet"
    first = run_ingest(SAMPLES, db, parquet)
    snapshot = star_contents(db)
    second = run_ingest(SAMPLES, db, parquet)
    return db, parquet, first, second, snapshot


def test_every_sample_file_loads(seeded):
    db, parquet, first, _, _ = seeded
    assert (first.files_seen, first.files_loaded, first.files_quarantined) == (5, 5, 0)
    assert first.status == "COMPLETED"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM ingest_file WHERE status IN ('LOADED', 'UNCHANGED') AND trial_id IS NOT NULL"
                       ).fetchone()[0] == 5
    assert (parquet / "trial" / "trial.parquet").exists()
    assert not (parquet / "_staging").exists() or not any((parquet / "_staging").iterdir())


def test_rerun_is_idempotent_and_reports_unchanged(seeded):
    db, _, _, second, snapshot = seeded
    assert (second.files_unchanged, second.files_loaded, second.files_quarantined) == (5, 0, 0)
    assert star_contents(db) == snapshot
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT files_seen, files_loaded + files_quarantined + files_unchanged FROM ingest_run").fetchall()
    assert all(seen == accounted for seen, accounted in runs)


def test_seed_gold_score(seeded, shared_dir):
    db = seeded[0]
    out = subprocess.run([sys.executable, str(shared_dir / "tools" / "score.py"), "--warehouse", str(db),
                          "--truth", str(shared_dir / "corpus" / "dev" / "seeds_gold"), "--json"],
                         capture_output=True, text=True, check=True)
    score = json.loads(out.stdout)["overall"]["score"]
    assert score >= 0.95, out.stdout


def test_unrecognised_and_broken_files_are_quarantined_with_reasons(prefect_harness, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLES / "003_04f502fd2d1a9b0e.txt", src / "good.txt")
    (src / "notes.txt").write_text("Shopping list:\nmilk\neggs\n", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = CliRunner().invoke(app, ["ingest", str(src), "--warehouse", str(tmp_path / "w.duckdb"),
                                      "--parquet-dir", str(tmp_path / "p"), "--strict"])
    assert result.exit_code == 3, result.output  # --strict: the run completed but quarantined files
    assert "quarantined" in result.output
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT files_seen, files_loaded, files_quarantined FROM ingest_run").fetchall() == [(4, 1, 3)]
    errors = dict(con.execute("SELECT file_path, error FROM ingest_file WHERE status = 'QUARANTINED'").fetchall())
    assert "no layout recognised" in errors["notes.txt"]
    assert "empty file" in errors["empty.txt"]
    assert "binary" in errors["image.txt"]


def test_default_relative_paths_work_as_in_the_demo(prefect_harness, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "warehouse" / "trials.duckdb").exists()
    assert list((tmp_path / "warehouse" / "data_docs").glob("*/index.html"))
    assert (tmp_path / "warehouse" / "parquet" / "trial" / "trial.parquet").exists()


def test_an_interrupted_run_says_so_is_recorded_failed_and_changes_no_data(seeded, tmp_path, monkeypatch):
    db, _, _, _, snapshot = seeded
    copy = tmp_path / "trials.duckdb"
    shutil.copy(db, copy)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # what Ctrl-C raises in the flow's thread, here while the load runs

    monkeypatch.setattr("flows.ingest.load_run", interrupted)
    result = CliRunner().invoke(app, ["ingest", str(SAMPLES), "--warehouse", str(copy), "--parquet-dir",
                                      str(tmp_path / "parquet"), "--full-refresh"])
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output and "Traceback" not in result.output
    assert star_contents(copy) == snapshot
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT status, error FROM ingest_run ORDER BY started_at DESC LIMIT 1").fetchone() == \
            ("FAILED", "KeyboardInterrupt: interrupted")


def test_a_publish_that_fails_after_the_load_says_so_and_the_next_run_publishes(seeded, tmp_path, monkeypatch):
    copy, parquet = tmp_path / "trials.duckdb", tmp_path / "parquet"
    shutil.copy(seeded[0], copy)
    args = ["ingest", str(SAMPLES), "--warehouse", str(copy), "--parquet-dir", str(parquet)]

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("warehouse.publish.publish_parquet", disk_full)
    result = CliRunner().invoke(app, [*args, "--full-refresh"])
    said = " ".join(result.output.split())
    assert result.exit_code == 4, result.output
    assert "publish failed" in said and "is loaded" in said and "No space left on device" in said
    con = duckdb.connect(str(copy), read_only=True)
    assert con.execute("SELECT status FROM ingest_run ORDER BY started_at DESC, run_id DESC LIMIT 1").fetchone() == \
        ("COMPLETED",)
    con.close()
    assert not (parquet / "trial" / "trial.parquet").exists()

    monkeypatch.undo()
    result = CliRunner().invoke(app, args)  # nothing new, but the published files are behind the warehouse
    assert result.exit_code == 0, result.output
    assert pq.read_table(parquet / "trial" / "trial.parquet").num_rows == 5
    assert (parquet / "_published.json").exists()


def test_the_runs_data_docs_show_the_cross_batch_checks_with_their_counts(seeded):
    db = seeded[0]
    pages = sorted((db.parent / "data_docs").glob("*/validations/cross_batch_checks/**/*.html"))
    assert pages  # one per run that read files
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "a record is staged by one batch only" in text
        assert "is unique in the warehouse" in text  # the checks after the writes, too


def test_a_load_that_fails_still_leaves_the_runs_data_docs(seeded, tmp_path, monkeypatch):
    db, _, _, _, _ = seeded
    copy = tmp_path / "trials.duckdb"
    shutil.copy(db, copy)

    def failing(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("flows.ingest.load_run", failing)
    with pytest.raises(OSError, match="No space left"):
        run_ingest(SAMPLES, copy, tmp_path / "parquet", full_refresh=True)
    assert list((tmp_path / "data_docs").glob("*/index.html"))
