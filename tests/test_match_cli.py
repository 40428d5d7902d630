"""`trialhouse match`: values with units, the macro's answer as JSON and as a table, exit codes and one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests import match_warehouse as w
from tests.conftest import ROOT

FITS = ["--age", "64", "--sex", "female", "--ecog", "1", "--anc", "1.8", "--platelets", "150", "--egfr", "55",
        "--creatinine", "106.08203677510609", "--hemoglobin", "110", "--ast", "1.2xULN"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return w.build_match_warehouse(tmp_path_factory.mktemp("match_cli") / "w.duckdb")


def _run(*args: str):
    return CliRunner().invoke(app, ["match", *args])


def _json(warehouse, *args: str) -> dict:
    result = _run("-w", str(warehouse), "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_help_lists_the_named_values_and_the_generic_one():
    result = _run("--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for option in ("--age", "--sex", "--ecog", "--platelets", "--egfr", "--value", "--condition", "--status",
                   "--country", "--json", "--limit"):
        assert option in text, option
    assert "name=number[unit]" in text


def test_the_fitting_patient_gets_the_macros_ranking(warehouse):
    doc = _json(warehouse, *FITS)
    assert [t["trial_id"] for t in doc["trials"]] == w.ADMITTED
    assert (doc["eligible_count"], doc["candidate_count"]) == (len(w.ADMITTED), len(w.ADMITTED) + len(w.EXCLUDED))
    top = doc["trials"][0]
    assert top["checked_count"] == 9 and top["match_rank"] == 1
    assert {"variable": "anc", "value_name": "anc", "given": "1.8", "verdict": "ADMITS", "requirement": "≥ 1.5 10^9/L",
            "source_text": "ANC ≥ 1.5 × 10^9/L", "condition_text": None, "bound_source": "CRITERION",
            "criterion_id": f"{w.FIT}:inclusion:3"} in top["checks"]


def test_values_in_other_units_are_converted_before_matching(warehouse):
    doc = _json(warehouse, "--age", "64", "--sex", "female", "--ecog", "1", "--anc", "1800/µL",
                "--platelets", "150000/µL", "--egfr", "55", "--creatinine", "1.2mg/dL", "--hemoglobin", "11g/dL",
                "--value", "ast=1.2 x ULN")
    assert [t["trial_id"] for t in doc["trials"]] == w.ADMITTED
    values = {v["variable"]: (round(v["value"], 2), v["unit"], v["given"]) for v in doc["patient"]["values"]}
    assert values["creatinine"] == (106.08, "µmol/L", "1.2mg/dL")
    assert values["platelets"] == (150.0, "10^9/L", "150000/µL")
    assert values["ast"] == (1.2, "×ULN", "1.2 x ULN")
    lower = _json(warehouse, "--creatinine", "0.9mg/dL")  # 79.6 µmol/L: within the trial's ≤ 1.0 mg/dL
    assert w.UPPER in [t["trial_id"] for t in lower["trials"]]


def test_show_excluded_says_which_value_excluded_each_trial(warehouse):
    doc = _json(warehouse, *FITS, "--show-excluded", "--limit", "50")
    excluded = {t["trial_id"]: t["excluded_by"] for t in doc["trials"] if not t["is_eligible"]}
    assert excluded == {trial: [value] for trial, value in w.EXCLUDED.items()}


def test_limit_and_filters(warehouse):
    doc = _json(warehouse, *FITS, "--limit", "2")
    assert [t["trial_id"] for t in doc["trials"]] == w.ADMITTED[:2] and doc["eligible_count"] == len(w.ADMITTED)
    doc = _json(warehouse, *FITS, "--condition", "non-small cell lung", "--status", "recruiting", "--country", "KR")
    assert [t["trial_id"] for t in doc["trials"]] == [w.FIT] and doc["candidate_count"] == 1
    doc = _json(warehouse, *FITS, "--status", "RECRUITING", "--status", "NOT_YET_RECRUITING")
    assert [t["trial_id"] for t in doc["trials"]] == [w.FIT, w.INCLUSIVE_EDGES]


def test_the_table_shows_each_verdict_with_its_criterion_text(warehouse):
    result = _run("-w", str(warehouse), *FITS, "--limit", "1")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert w.FIT in text and w.INCLUSIVE_EDGES not in text
    assert "✓ anc 1.8: ≥ 1.5 10^9/L" in text and "ANC ≥ 1.5 × 10^9/L" in text
    assert "⚠ ast 1.2 ×ULN: ≤ 5 ×ULN only if liver metastases (not applied)" in text
    assert "7 of 14 trials admit the patient; 1 shown" in text
    assert "patient: age 64 years" in text and "sex FEMALE" in text


def test_a_verdict_two_criteria_state_alike_is_shown_once(capsys):
    from flows.match_cli import _print_result
    from transforms.patient import build_patient, read_value
    from warehouse.match import MatchResult

    check = {"verdict": "ADMITS", "variable": "age", "given": "64", "requirement": "≥ 18 and ≤ 65 years",
             "condition_text": None, "source_text": "18 years to 65 years"}
    trial = {"trial_id": "NCT05185011", "title": "Two cohorts", "overall_status": "COMPLETED", "is_eligible": True,
             "excluded_by": [], "checks": [check, dict(check), {**check, "source_text": "aged 18-65"}],
             "unchecked_variables": [], "match_rank": 1, "checked_count": 1}
    _print_result(build_patient([read_value("age", "64")]), MatchResult([trial], 1, 1), show_excluded=False)
    text = capsys.readouterr().out
    assert text.count("“18 years to 65 years”") == 1 and text.count("“aged 18-65”") == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--value", "plateletz=150"], "unknown variable 'plateletz': did you mean platelets?"),
    (["--creatinine", "1.2mmHg"], "'1.2mmHg' is in mmHg, which does not convert to µmol/L: expected one of"),
    (["--platelets", "150000"], "not a plausible platelet count: give the unit"),
    (["--value", "creatinine"], "expected name=number[unit]"),
    (["--sex", "x"], "expected female or male"),
    (["--age", "64", "--value", "age=65"], "age given twice"),
    ([], "nothing to match: give at least one value"),
])
def test_bad_values_exit_2_with_one_line_saying_what_was_expected(warehouse, args, message):
    result = _run("-w", str(warehouse), *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_missing_warehouse_or_one_without_the_macro_exits_2(tmp_path):
    result = _run("-w", str(tmp_path / "missing.duckdb"), "--age", "64")
    assert result.exit_code == 2 and "run `trialhouse ingest SOURCE_DIR` first" in result.stderr
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    old.execute("CREATE TABLE trial (trial_id VARCHAR)")
    old.close()
    result = _run("-w", str(tmp_path / "old.duckdb"), "--age", "64")
    assert result.exit_code == 2 and "run `trialhouse ingest` again" in result.stderr


def test_list_variables_prints_the_catalogue():
    result = _run("--list-variables")
    assert result.exit_code == 0
    assert "creatinine" in result.stdout and "mg/dL" in result.stdout and "total_bilirubin" in result.stdout


def test_the_installed_command_runs_match(warehouse):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "match", "-w", str(warehouse), "--json", *FITS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["trials"][0]["trial_id"] == w.FIT


def test_a_warehouse_whose_macro_predates_max_trials_gives_the_same_answer(tmp_path):
    # a snapshot published by an earlier version: its macro takes no `max_trials`, so the limit is the query's own
    path = w.build_match_warehouse(tmp_path / "old.duckdb")
    con = duckdb.connect(str(path))
    macro = next(sql for sql in (ROOT / "warehouse/marts/mart_eligibility_bounds.sql").read_text().split(";\n")
                 if "MACRO trials_for_patient" in sql)
    con.execute(macro.replace("MACRO trials_for_patient", "MACRO tfp_current"))
    con.execute("CREATE OR REPLACE MACRO trials_for_patient(patient, uln := NULL, sex := NULL, condition := NULL, "
                "statuses := NULL, countries := NULL, include_excluded := false) AS TABLE "
                "SELECT * FROM tfp_current(patient, uln := uln, sex := sex, condition := condition, "
                "statuses := statuses, countries := countries, include_excluded := include_excluded)")
    con.close()
    assert "max_trials" not in str(duckdb.connect(str(path), read_only=True).execute(
        "SELECT parameters FROM duckdb_functions() WHERE function_name = 'trials_for_patient'").fetchall())
    old, new = _json(path, *FITS, "--limit", "2"), _json(w.build_match_warehouse(tmp_path / "new.duckdb"), *FITS,
                                                          "--limit", "2")
    assert [t["trial_id"] for t in old["trials"]] == w.ADMITTED[:2] and old == new
