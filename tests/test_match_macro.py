"""trials_for_patient / patient_checks, the warehouse's matching rule, run in SQL on a hand-made warehouse.

Golden patients (tests/match_warehouse.py): one who fits, one excluded by each kind of bound, conditional bounds as
caveats, unstated bounds not excluding, ranking by values checked, and the trial filters.
"""
from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests import match_warehouse as w


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = w.build_match_warehouse(tmp_path_factory.mktemp("match") / "w.duckdb")
    connection = duckdb.connect(str(path), read_only=True)  # the macros are stored in the file
    yield connection
    connection.close()


def _match(con, patient: dict[str, float] | None = None, uln: dict[str, float] | None = None,
           **options: Any) -> list[dict[str, Any]]:
    """trials_for_patient's rows as dicts, patient maps bound as parameters."""
    patient = w.FITS if patient is None else patient
    uln = w.FITS_ULN if uln is None else uln
    named = "".join(f", {k} := ?" for k in options)
    cur = con.execute(f"SELECT * FROM trials_for_patient(map(?::VARCHAR[], ?::DOUBLE[]), "
                      f"uln := map(?::VARCHAR[], ?::DOUBLE[]){named}) ORDER BY match_rank",
                      [list(patient), list(patient.values()), list(uln), list(uln.values()), *options.values()])
    columns = [d[0] for d in cur.description]
    return [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["trial_id"] for r in rows]


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["trial_id"]: r for r in rows}


def test_the_fitting_patient_is_admitted_by_every_stated_bound_with_the_criterion_text(con):
    fit = _by_id(_match(con, sex=w.FITS_SEX))[w.FIT]
    assert fit["is_eligible"] and fit["excluded_by"] == []
    assert fit["checked_values"] == ["age", "anc", "ast ×ULN", "creatinine", "ecog", "egfr", "hemoglobin",
                                     "platelets", "sex"]
    verdicts = {(c["variable"], c["requirement"], c["verdict"], c["source_text"]) for c in fit["checks"]}
    assert ("anc", "≥ 1.5 10^9/L", "ADMITS", "ANC ≥ 1.5 × 10^9/L") in verdicts
    assert ("ecog", "≥ 0 and ≤ 1", "ADMITS", "ECOG performance status 0-1") in verdicts
    assert ("age", "≥ 18 and ≤ 75 years", "ADMITS", "registry age limits: minimum 18 years, maximum 75 years") in verdicts
    assert ("sex", "ALL", "ADMITS", "registry sex: ALL") in verdicts


def test_trials_rank_by_values_checked_then_fewest_caveats(con):
    assert _ids(_match(con, sex=w.FITS_SEX)) == w.ADMITTED
    rows = _match(con, sex=w.FITS_SEX)
    assert [r["match_rank"] for r in rows] == list(range(1, len(w.ADMITTED) + 1))
    assert [r["checked_count"] for r in rows] == [9, 2, 1, 0, 0, 0, 0]
    assert [r["caveat_count"] for r in rows] == [1, 0, 0, 0, 0, 1, 1]


def test_max_trials_gives_the_first_rows_of_the_whole_answer(con):
    # what the CLI and the dashboard ask for: only those trials' checks are gathered, not every trial's
    for include_excluded in (False, True):
        whole = _match(con, sex=w.FITS_SEX, include_excluded=include_excluded)
        assert len(whole) > 2
        for n in (1, 2, len(whole) + 5):
            assert _match(con, sex=w.FITS_SEX, include_excluded=include_excluded, max_trials=n) == whole[:n]


@pytest.mark.parametrize(("trial_id", "excluded_by"), sorted(w.EXCLUDED.items()))
def test_each_kind_of_bound_excludes_the_patient_outside_it(con, trial_id, excluded_by):
    assert trial_id not in _ids(_match(con, sex=w.FITS_SEX))
    row = _by_id(_match(con, sex=w.FITS_SEX, include_excluded=True))[trial_id]
    assert row["is_eligible"] is False and row["excluded_by"] == [excluded_by]
    [failing] = [c for c in row["checks"] if c["verdict"] == "EXCLUDES"]
    assert failing["variable"] == excluded_by.split()[0]


def test_inclusive_edges_admit_and_exclusive_edges_exclude_the_same_value(con):
    rows = _by_id(_match(con, sex=w.FITS_SEX, include_excluded=True))
    assert rows[w.INCLUSIVE_EDGES]["is_eligible"]  # platelets ≥ 150 and ECOG ≤ 1 admit 150 and 1
    assert rows[w.EXCLUSIVE_LOWER]["excluded_by"] == ["platelets"]  # platelets > 150
    assert rows[w.EXCLUSIVE_UPPER]["excluded_by"] == ["ecog"]  # ECOG < 1
    just_above = _by_id(_match(con, {**w.FITS, "platelets": 150.5, "ecog": 0.0}, include_excluded=True))
    assert just_above[w.EXCLUSIVE_LOWER]["is_eligible"] and just_above[w.EXCLUSIVE_UPPER]["is_eligible"]


def test_a_value_on_an_edge_stays_on_it_whatever_the_last_bits_of_a_unit_conversion(con):
    below, above = 150 - 3e-14, 150 + 3e-14  # 150 × 10^9/L reached through another unit
    rows = _by_id(_match(con, {**w.FITS, "platelets": below}, include_excluded=True))
    assert rows[w.INCLUSIVE_EDGES]["is_eligible"]  # ≥ 150 admits it
    rows = _by_id(_match(con, {**w.FITS, "platelets": above}, include_excluded=True))
    assert rows[w.EXCLUSIVE_LOWER]["excluded_by"] == ["platelets"]  # > 150 does not
    assert _by_id(_match(con, {**w.FITS, "platelets": 150.001}))[w.EXCLUSIVE_LOWER]["is_eligible"]


def test_excluded_trials_rank_after_the_admitted_ones(con):
    rows = _match(con, sex=w.FITS_SEX, include_excluded=True)
    assert _ids(rows)[:len(w.ADMITTED)] == w.ADMITTED
    assert set(_ids(rows)[len(w.ADMITTED):]) == set(w.EXCLUDED)


def test_a_uln_bound_is_compared_only_with_a_value_given_as_a_multiple_of_uln(con):
    rows = _by_id(_match(con, sex=w.FITS_SEX))
    other = rows[w.OTHER_UNIT]  # creatinine ≤ 1.5 × ULN, the patient's creatinine absolute: not compared
    assert other["is_eligible"] and other["checked_count"] == 0 and other["caveat_count"] == 1
    assert [c["verdict"] for c in other["checks"]] == ["OTHER_UNIT"]
    both = _by_id(_match(con, uln={"ast": 1.2, "creatinine": 2.0}, include_excluded=True))
    assert both[w.OTHER_UNIT]["excluded_by"] == ["creatinine ×ULN"]
    assert both[w.FIT]["is_eligible"]  # its creatinine bound is absolute and the absolute value is still given
    ast_absolute = _by_id(_match(con, {**w.FITS, "ast": 150.0}, uln={}, include_excluded=True))
    assert ast_absolute[w.ULN_BOUND]["excluded_by"] == ["ast"]  # ≤ 100 U/L applies, ≤ ULN is a caveat
    assert {c["verdict"] for c in ast_absolute[w.ULN_BOUND]["checks"]} == {"EXCLUDES", "OTHER_UNIT"}


def test_a_conditional_bound_is_a_caveat_and_not_applied(con):
    rows = _by_id(_match(con, sex=w.FITS_SEX))
    [check] = rows[w.CONDITIONAL]["checks"]  # ANC ≥ 2.0 if receiving chemotherapy; the patient's ANC is 1.8
    assert rows[w.CONDITIONAL]["is_eligible"]
    assert (check["verdict"], check["condition_text"]) == ("CONDITIONAL", "if receiving chemotherapy")
    [fit_caveat] = [c for c in rows[w.FIT]["checks"] if c["verdict"] == "CONDITIONAL"]
    assert fit_caveat["requirement"] == "≤ 5 ×ULN" and fit_caveat["condition_text"] == "if liver metastases"


def test_a_bound_stated_for_one_sex_applies_to_a_patient_of_that_sex_only(con):
    # Hemoglobin ≥ 12 g/dL for men, ≥ 10 g/dL for women; the golden patient's hemoglobin is 11 g/dL
    woman = _by_id(_match(con, sex="female", include_excluded=True))[w.PER_SEX]
    assert woman["is_eligible"] and woman["checked_values"] == ["hemoglobin"]
    assert [(c["verdict"], c["condition_text"]) for c in woman["checks"]] == [("ADMITS", "for women")]
    man = _by_id(_match(con, sex="MALE", include_excluded=True))[w.PER_SEX]
    assert man["excluded_by"] == ["hemoglobin"]
    assert [(c["verdict"], c["condition_text"]) for c in man["checks"]] == [("EXCLUDES", "for men")]
    unknown = _by_id(_match(con))[w.PER_SEX]  # no sex given: both are caveats
    assert unknown["is_eligible"] and unknown["checked_count"] == 0 and unknown["caveat_count"] == 2
    assert {c["verdict"] for c in unknown["checks"]} == {"CONDITIONAL"}
    # not given the hemoglobin, a woman is told the trial asks for it; with no sex given, it is only a caveat
    assert _by_id(_match(con, {}, {}, sex="FEMALE"))[w.PER_SEX]["unchecked_variables"] == ["hemoglobin"]
    assert _by_id(_match(con, {}, {}))[w.PER_SEX]["unchecked_variables"] == []


def test_patient_checks_says_whether_a_conditional_bound_would_hold(con):
    rows = con.execute("SELECT verdict, is_within FROM patient_checks(MAP {'anc': 1.8}) WHERE trial_id = ?",
                       [w.CONDITIONAL]).fetchall()
    assert rows == [("CONDITIONAL", False)]


def test_unstated_bounds_do_not_exclude(con):
    rows = _by_id(_match(con, sex=w.FITS_SEX))
    assert rows[w.NOTHING_STATED]["checks"] == [] and rows[w.NOTHING_STATED]["checked_count"] == 0
    assert rows[w.OTHER_VARIABLE]["unchecked_variables"] == ["bmi"]  # stated, but the patient gave no BMI
    assert rows[w.FIT]["unchecked_variables"] == []
    assert _ids(_match(con, {}, {})) == sorted(t["trial_id"] for t in w.TRIALS if t["trial_id"] != w.REMOVED)


def test_sex_is_checked_against_the_registry_field_only_when_given(con):
    assert w.SEX not in _ids(_match(con, sex="female"))
    assert _by_id(_match(con, sex="MALE"))[w.SEX]["checked_values"] == ["ecog", "sex"]
    assert _by_id(_match(con))[w.SEX]["checked_values"] == ["ecog"]


def test_registry_age_limits_are_inclusive(con):
    assert w.REGISTRY_AGE in _ids(_match(con, {**w.FITS, "age": 60.0}))
    assert w.REGISTRY_AGE not in _ids(_match(con, {**w.FITS, "age": 60.5}))
    assert w.FIT in _ids(_match(con, {**w.FITS, "age": 75.0}))
    [row] = [r for r in _match(con, {**w.FITS, "age": 76.0}, include_excluded=True) if r["trial_id"] == w.FIT]
    assert row["excluded_by"] == ["age"]
    assert {(c["bound_source"], c["verdict"]) for c in row["checks"] if c["variable"] == "age"} == {
        ("CRITERION", "ADMITS"), ("REGISTRY", "EXCLUDES")}


def test_removed_trials_are_never_listed(con):
    assert w.REMOVED not in _ids(_match(con, include_excluded=True))
    assert con.execute("SELECT count(*) FROM mart_eligibility_bounds WHERE trial_id = ?", [w.REMOVED]).fetchone() == (0,)


@pytest.mark.parametrize(("options", "expected"), [
    ({"condition": "non-small cell lung"}, [w.FIT, w.INCLUSIVE_EDGES]),  # a condition, and a MeSH term
    ({"condition": "SMALL-CELL lung"}, [w.FIT, w.INCLUSIVE_EDGES, w.NOTHING_STATED]),
    ({"statuses": ["recruiting"]}, [w.FIT]),
    ({"statuses": ["RECRUITING", "NOT_YET_RECRUITING"]}, [w.FIT, w.INCLUSIVE_EDGES]),
    ({"countries": ["kr"]}, [w.FIT]),  # the other trial's KR is a removed registry country
    ({"countries": ["United States", "FR"]}, [w.INCLUSIVE_EDGES]),
    ({"condition": "lung", "statuses": ["COMPLETED"]}, [w.NOTHING_STATED]),
    ({"statuses": []}, w.ADMITTED),  # an empty list does not filter
])
def test_filters_narrow_the_trials_considered(con, options, expected):
    assert _ids(_match(con, sex=w.FITS_SEX, **options)) == expected


def test_the_bounds_view_holds_criterion_ranges_and_registry_age_limits(con):
    rows = con.execute("SELECT bound_source, variable, requirement, is_uln, is_conditional FROM mart_eligibility_bounds "
                       "WHERE trial_id = ? ORDER BY ALL", [w.FIT]).fetchall()
    assert ("REGISTRY", "age", "≥ 18 and ≤ 75 years", False, False) in rows
    assert ("CRITERION", "ast", "≤ 5 ×ULN", True, True) in rows
    assert ("CRITERION", "ecog", "≥ 0 and ≤ 1", False, False) in rows  # scores need no unit
    assert len(rows) == sum(1 for b in w.BOUNDS if b[0] == w.FIT) + 1
    kinds = con.execute("SELECT DISTINCT condition_kind, applies_to_sex FROM mart_eligibility_bounds WHERE trial_id = ? "
                        "ORDER BY ALL", [w.PER_SEX]).fetchall()
    assert kinds == [("SEX", "FEMALE"), ("SEX", "MALE")]  # the kind of each condition, for BI filters


@pytest.mark.parametrize("patient, uln, unknown", [({"age": 64, "platelet": 150}, {}, "platelet"),
                                                    ({"age": 64}, {"astt": 1.0}, "astt")])
def test_a_key_that_is_no_catalogue_variable_is_an_error_naming_it(con, patient, uln, unknown):
    with pytest.raises(duckdb.InvalidInputException, match=f"unknown patient variable.*{unknown}.*dim_measure_variable"):
        _match(con, patient, uln)


def test_the_variable_dimension_lists_the_catalogue_with_its_units(con):
    from schemas.measures import CATALOGUE

    rows = con.execute("SELECT variable, unit, allows_uln FROM dim_measure_variable ORDER BY sort_order").fetchall()
    assert rows == [(v.name, v.unit, v.uln) for v in CATALOGUE.values()]
