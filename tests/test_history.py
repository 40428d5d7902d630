"""Incremental runs over real successive versions of studies: trial_history shows each real change and nothing else."""
from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from schemas.tables import TRACKED_ATTRIBUTES
from tests.conftest import run_ingest

pytestmark = pytest.mark.flow


def _as_value(attr: str, value):
    if value is None or not attr.endswith("_date"):
        return value
    return date.fromisoformat(value if len(value) == 10 else value + "-01")  # month-only dates are the 1st


@pytest.fixture(scope="module")
def history_warehouse(prefect_harness, shared_dir, tmp_path_factory):
    """The six nightly states of corpus/history ingested in order, one run each."""
    root = shared_dir / "corpus" / "history"
    out = tmp_path_factory.mktemp("history")
    db = out / "trials.duckdb"
    summaries = [run_ingest(run, db, out / "parquet")
                 for run in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("run_"))]
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    return db, summaries, truth


def test_history_has_exactly_the_real_changes(history_warehouse):
    db, _, truth = history_warehouse
    con = duckdb.connect(str(db), read_only=True)
    cols = ", ".join(TRACKED_ATTRIBUTES)
    mismatches = []
    for nct, study in truth.items():
        expected = [study["versions"][0]]
        expected_changes = [None]
        for change in study["changes"]:
            if change["changed"]:
                expected.append(study["versions"][change["to_version"]])
                expected_changes.append(set(change["changed"]))
        rows = con.execute(f"SELECT {cols}, changed_attributes, is_current FROM trial_history "
                           f"WHERE trial_id = ? ORDER BY version", [nct]).fetchall()
        got = [dict(zip(TRACKED_ATTRIBUTES, r[:-2], strict=True)) for r in rows]
        want = [{a: _as_value(a, v[a]) for a in TRACKED_ATTRIBUTES} for v in expected]
        got_changes = [set(r[-2].split(",")) if r[-2] else None for r in rows]
        if got != want or got_changes != expected_changes or [r[-1] for r in rows][-1:] != [True]:
            mismatches.append((nct, got, want))
    assert not mismatches, mismatches[:2]


def test_unchanged_studies_cost_no_reparse(history_warehouse, shared_dir):
    _, summaries, _ = history_warehouse
    runs = sorted(p for p in (shared_dir / "corpus" / "history").iterdir() if p.name.startswith("run_"))
    assert summaries[0].files_loaded == 46
    for before, after, summary in zip(runs, runs[1:], summaries[1:], strict=False):
        same = sum((before / f.name).read_bytes() == f.read_bytes() for f in after.iterdir())
        assert (summary.files_seen, summary.files_unchanged, summary.files_loaded) == (46, same, 46 - same)


def test_status_changes_mart(history_warehouse):
    db, _, truth = history_warehouse
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT trial_id, from_status, to_status FROM mart_status_changes ORDER BY ALL").fetchall()
    want = sorted((nct, *c["changed"]["overall_status"]) for nct, s in truth.items() for c in s["changes"]
                  if "overall_status" in c["changed"])
    assert got == want and want, (got, want)
