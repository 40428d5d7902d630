"""Marts: each view's numbers on a small hand-made warehouse (expected values follow from tests/dashboard_warehouse)."""
from __future__ import annotations

import duckdb
import pytest

from tests.dashboard_warehouse import RUN_1, RUN_2, build_small_warehouse
from warehouse.store import MARTS_DIR, ensure_schema, mart_grains


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_small_warehouse(tmp_path_factory.mktemp("marts") / "w.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_every_mart_file_starts_with_its_grain_and_creates_the_view_it_is_named_after():
    for sql_file in sorted(MARTS_DIR.glob("mart_*.sql")):
        text = sql_file.read_text(encoding="utf-8")
        assert text.splitlines()[0].startswith("-- grain: "), sql_file.name
        assert f"CREATE OR REPLACE VIEW {sql_file.stem} AS" in text, sql_file.name
    assert all(grain for _, grain in mart_grains())


def test_marts_are_recreated_idempotently():
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    ensure_schema(con)  # a second run (every ingest calls it) must not fail on the existing macros and views
    assert con.execute("SELECT count(*) FROM mart_quarantined_files").fetchone() == (0,)


def test_removed_trials_are_left_out_of_every_trial_mart(con):
    assert _rows(con, "SELECT count(*) FROM mart_trial_summary") == [(4,)]
    assert _rows(con, "SELECT count(*) FROM mart_trial_summary WHERE trial_id = 'NCT00000004'") == [(0,)]
    assert _rows(con, "SELECT sum(trial_count) FROM mart_trials_by_status_phase") == [(4,)]
    assert _rows(con, "SELECT count(*) FROM mart_sites_by_country WHERE country_code = 'FR'") == [(0,)]
    assert _rows(con, "SELECT max(max_enrollment) FROM mart_enrollment_by_condition") == [(120,)]
    assert _rows(con, "SELECT count(*) FROM mart_interventions_by_type_year WHERE start_year = 2019 "
                      "AND intervention_type = 'DRUG'") == [(0,)]


def test_trial_summary_counts_children_and_lists_countries(con):
    row = con.execute("""SELECT arm_count, intervention_count, site_count, country_count, primary_outcome_count,
                                criterion_count, conditions, intervention_types, countries, start_year
                         FROM mart_trial_summary WHERE trial_id = 'NCT00000001'""").fetchone()
    assert row == (2, 2, 3, 2, 1, 3, "Type 2 Diabetes; Obesity", "DEVICE; DRUG", "Canada; United States", 2021)


def test_trials_by_status_phase_codes_missing_values_as_unstated(con):
    assert _rows(con, "SELECT * FROM mart_trials_by_status_phase ORDER BY ALL") == [
        ("COMPLETED", "PHASE2", 1, 40), ("NOT_YET_RECRUITING", "EARLY_PHASE1", 1, 12),
        ("RECRUITING", "PHASE3", 1, 120), ("UNSTATED", "UNSTATED", 1, None)]


def test_sites_by_country_counts_trials_sites_and_recruiting_shares(con):
    rows = {r[0]: r[1:9] for r in _rows(con, "SELECT * FROM mart_sites_by_country")}
    # code: name, trials, sites, recruiting trials, recruiting trial share, recruiting sites, sites with status, share
    assert rows["US"] == ("United States", 2, 3, 1, 0.5, 1, 2, 0.5)  # "USA" and "United States" are one country
    assert rows["CA"] == ("Canada", 2, 2, 1, 0.5, 1, 1, 1.0)
    assert rows["UNSTATED"] == ("UNSTATED", 1, 1, 0, 0.0, 0, 0, None)
    assert set(rows) == {"US", "CA", "UNSTATED"}


def test_enrollment_by_condition_groups_spellings_and_names_the_group_by_the_commonest(con):
    rows = {r[0]: r[1:] for r in _rows(con, """
        SELECT condition, trial_count, recruiting_trial_count, trials_with_enrollment, total_enrollment,
               median_enrollment, max_enrollment FROM mart_enrollment_by_condition""")}
    # "Type 2 Diabetes" (1 current trial) and "type 2 diabetes" (2) are one condition, named as most trials spell it.
    assert rows["type 2 diabetes"] == (3, 1, 3, 172, 40.0, 120)
    assert rows["Asthma"] == (1, 0, 0, None, None, None)
    assert set(rows) == {"type 2 diabetes", "Obesity", "Asthma"}


def test_interventions_by_type_year(con):
    assert _rows(con, """SELECT intervention_type, intervention_type_label, start_year, intervention_count, trial_count
                         FROM mart_interventions_by_type_year ORDER BY ALL""") == [
        ("BEHAVIORAL", "Behavioral", 2019, 1, 1), ("DEVICE", "Device", 2021, 1, 1), ("DEVICE", "Device", 2024, 1, 1),
        ("DRUG", "Drug", 2021, 1, 1), ("UNSTATED", None, None, 1, 1)]


def test_quarantined_files_keep_current_contents_with_a_readable_reason(con):
    rows = {r[0]: r[1:] for r in _rows(con, """
        SELECT file_path, is_whole_file, quarantined_records, reason_kind, reason FROM mart_quarantined_files""")}
    assert set(rows) == {"bad/notes.txt", "bad/trunc.xml", "multi.csv"}  # the removed empty file is history
    assert rows["bad/trunc.xml"] == (True, 0, "ctgov_xml: xml: malformed XML",
                                     "ctgov_xml: xml: malformed XML: no element found: line 1, column 25")
    assert rows["bad/notes.txt"][2] == "no layout recognised this file"
    assert rows["multi.csv"][:3] == (False, 1, "ctgov_csv_export: row N: the row has no NCT Number")


def test_ingest_quality_has_one_row_per_run_with_its_reasons(con):
    rows = {r[0]: r[1:] for r in _rows(con, """
        SELECT run_id, duration_seconds, files_quarantined, quarantined_share, top_quarantine_reason,
               quarantine_reasons FROM mart_ingest_quality""")}
    assert rows[RUN_1] == (60, 0, 0.0, None, None)
    assert rows[RUN_2][:3] == (30, 2, 0.25)
    assert rows[RUN_2][4] == ("ctgov_csv_export: row N: the row has no NCT Number (1); ctgov_xml: xml: malformed XML (1); "
                              "no layout recognised this file (1)")


@pytest.mark.parametrize(("error", "path", "kind"), [
    ("a.txt: empty file (no text at all)", "a.txt", "empty file"),
    ("failed expectation: trial has a title", "a.txt", "failed expectation: trial has a title"),
    ("d/a.json: ctgov_json: studies[3]: not a study (got a list)", "d/a.json", "ctgov_json: studies[N]: not a study"),
    ("a.json: ctgov_json: the file holds no trial record", "a.json", "ctgov_json: the file holds no trial record"),
    ("file too large: 60,000,000 bytes (limit 50; set X)", "a", "file too large"),
    ("could not read the file: Permission denied", "a", "could not read the file"),
    ("refused: a link pointing outside the source folder", "a", "refused: a link pointing outside the source folder"),
    ("internal parser error (KeyError): 'x'", "a", "internal parser error"),
    (None, "a", None),
])
def test_quarantine_reason_kind(error, path, kind):
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    assert con.execute("SELECT quarantine_reason_kind(quarantine_reason(?, ?))", [error, path]).fetchone() == (kind,)
