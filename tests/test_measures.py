"""transforms.measures: numeric/ordinal eligibility ranges from criterion text (pure functions, inline data)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.measures import CATALOGUE, CONDITION_KINDS
from scripts.eval_measures import DEFAULT_DATA, evaluate, load, matches, totals
from tests.timing import assert_near_linear
from transforms.measures import ULN, VARIABLES, Measure, across_criteria, extract_measures, read_criterion
from transforms.measures.qualify import condition_kind

WEEK = 1 / 52.1775
GOLDEN_CASES = [json.loads(line) for line in DEFAULT_DATA.with_name("measures_golden.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


def _rounded(value: float | None) -> float | None:
    # 3 significant decimals: conversion factors from molar masses differ from the rounded textbook ones (17.1, 88.4)
    return None if value is None else float(f"{value:.4g}")


def _ranges(text: str, kind: str = "INCLUSION") -> set[tuple]:
    """(variable, lower, lower_inclusive, upper, upper_inclusive, unit) of every measure, values rounded."""
    return {(m.variable, _rounded(m.lower_value), m.lower_inclusive, _rounded(m.upper_value), m.upper_inclusive,
             m.unit) for m in extract_measures(text, kind)}


def _ge(var: str, value: float, unit: str) -> tuple:
    return (var, _rounded(value), True, None, None, unit)


def _gt(var: str, value: float, unit: str) -> tuple:
    return (var, _rounded(value), False, None, None, unit)


def _le(var: str, value: float, unit: str) -> tuple:
    return (var, None, None, _rounded(value), True, unit)


def _lt(var: str, value: float, unit: str) -> tuple:
    return (var, None, None, _rounded(value), False, unit)


def _between(var: str, lo: float, hi: float, unit: str) -> tuple:
    return (var, _rounded(lo), True, _rounded(hi), True, unit)


# --- the forms the issue lists --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Absolute neutrophil count ≥ 1.5 × 10^9/L", _ge("anc", 1.5, "10^9/L")),
    ("Absolute neutrophil count (ANC) ≥ 1.5 × 10^9/L", _ge("anc", 1.5, "10^9/L")),
    ("AST(SGOT) ≤2.5 × institutional upper limit of normal", _le("ast", 2.5, ULN)),
    ("Creatinine clearance (as estimated by Cockcroft-Gault for participants ≥ 18 yo) ≥ 70 mL/min",
     _ge("creatinine_clearance", 70, "mL/min")),
    ("ANC >= 1.5 x 10\\^9/L", _ge("anc", 1.5, "10^9/L")),
    ("Neutrophils ≧ 1.5x10~9/L", _ge("anc", 1.5, "10^9/L")),
    ("ANC => 1.5 × 109/L", _ge("anc", 1.5, "10^9/L")),
    ("Absolute neutrophil count at least 1,500/mm³", _ge("anc", 1.5, "10^9/L")),
    ("Platelet count no less than 100,000/µL", _ge("platelets", 100, "10^9/L")),
    ("Platelets ≥ 75 000/mm3", _ge("platelets", 75, "10^9/L")),
    ("Neutrophil count ≥ 1.0 G/L", _ge("anc", 1.0, "10^9/L")),
    ("WBC ≥ 3,000/mcL", _ge("wbc", 3.0, "10^9/L")),
    ("Absolute lymphocyte count ≥ 0.5 × 10^9/L", _ge("lymphocytes", 0.5, "10^9/L")),
    ("Hb ≥ 9 g/dL", _ge("hemoglobin", 90, "g/L")),
    ("Haemoglobin ≥ 5.6 mmol/L", _ge("hemoglobin", 5.6 * 16.1145, "g/L")),
    ("Serum albumin ≥ 3.0 g/dL", _ge("albumin", 30, "g/L")),
    ("Total bilirubin ≤ 1.5 mg/dL", _le("total_bilirubin", 1.5 * 17.104, "µmol/L")),
    ("Serum creatinine not more than 1.5 mg/dL", _le("creatinine", 1.5 * 88.402, "µmol/L")),
    ("Creatinine ≤ 133 µmol/L", _le("creatinine", 133, "µmol/L")),
    ("Total bilirubin ≤ 2.5 × ULN", _le("total_bilirubin", 2.5, ULN)),
    ("ALT no greater than 2.5 times the upper limit of normal", _le("alt", 2.5, ULN)),
    ("Creatinine clearance more than 60 mL/min (Cockcroft-Gault)", _gt("creatinine_clearance", 60, "mL/min")),
    ("eGFR ≥ 45 mL/min/1.73 m²", _ge("egfr", 45, "mL/min/1.73m²")),
    ("INR ≤ 1.5", _le("inr", 1.5, "ratio")),
    ("LVEF ≥ 50% by echocardiogram or MUGA", _ge("lvef", 50, "%")),
    ("QTcF ≤ 470 msec", _le("qtc", 470, "ms")),
    ("HbA1c between 7.0% and 10.5%", _between("hba1c", 7.0, 10.5, "%")),
    ("Body mass index 18.5–30 kg/m²", _between("bmi", 18.5, 30, "kg/m²")),
    ("TSH ≤ 1.5 × ULN", _le("tsh", 1.5, ULN)),
    ("ECOG 0-1", _between("ecog", 0, 1, "score")),
    ("ECOG performance status of 0 or 1", _between("ecog", 0, 1, "score")),
    ("Eastern Cooperative Oncology Group (ECOG) performance status of 0, 1 or 2", _between("ecog", 0, 2, "score")),
    ("ECOG ≤ 2", _le("ecog", 2, "score")),
    ("WHO performance status 0-1", _between("ecog", 0, 1, "score")),
    ("KPS ≥ 70", _ge("karnofsky", 70, "%")),
    ("Karnofsky performance status 60-100%", _between("karnofsky", 60, 100, "%")),
    ("Age between 18 and 75", _between("age", 18, 75, "years")),
    ("18-75 years", _between("age", 18, 75, "years")),
    ("Men or women aged 18 to 65", _between("age", 18, 65, "years")),
    ("18 years of age or older", _ge("age", 18, "years")),
    ("Over the age of 18", _gt("age", 18, "years")),
    ("Infants 6 to 12 weeks of age", _between("age", 6 * WEEK, 12 * WEEK, "years")),
    ("Life expectancy of at least 12 weeks", _ge("life_expectancy", 12 * WEEK, "years")),
    ("Expected survival > 6 months", _gt("life_expectancy", 0.5, "years")),
])
def test_stated_forms(text: str, expected: tuple) -> None:
    assert _ranges(text) == {expected}


def test_range_with_two_comparators() -> None:
    assert _ranges("Age ≥ 18 years and < 75 years") == {("age", 18, True, 75, False, "years")}
    assert _ranges("Patients older than 18 years old and younger than 70 years") == \
        {("age", 18, False, 70, False, "years")}


def test_exclusion_states_the_excluded_range() -> None:
    assert _ranges("ANC < 1.5 × 10^9/L", "EXCLUSION") == {_ge("anc", 1.5, "10^9/L")}
    assert _ranges("ECOG performance status ≥ 2", "EXCLUSION") == {_lt("ecog", 2, "score")}
    assert _ranges("QTcF > 470 ms", "EXCLUSION") == {_le("qtc", 470, "ms")}
    assert _ranges("Life expectancy less than 12 months", "EXCLUSION") == {_ge("life_expectancy", 1, "years")}
    # both ends excluded → the allowed range between them
    assert _ranges("Age <50 or >80 years", "EXCLUSION") == {_between("age", 50, 80, "years")}
    assert _ranges("BMI > 40 kg/m2 or BMI < 18.5 kg/m2", "EXCLUSION") == {_between("bmi", 18.5, 40, "kg/m²")}
    assert _ranges("Platelet count outside the normal range (150 to 400 × 109/L)", "EXCLUSION") == \
        {_between("platelets", 150, 400, "10^9/L")}
    # an excluded interior range has no single allowed range
    assert _ranges("HbA1c 6.5-10%", "EXCLUSION") == set()
    # … except at the end of a bounded scale
    assert _ranges("ECOG PS 3-4", "EXCLUSION") == {_lt("ecog", 3, "score")}


def test_several_variables_in_one_criterion() -> None:
    text = ("a) Neutrophils ≥ 1.5×10^9/L b) Platelets ≥ 100×10^9/L c) Hemoglobin ≥ 9 g/dL d) Total bilirubin "
            "≤ 1.5 × ULN e) AST and ALT ≤ 2.5 × ULN f) Creatinine clearance ≥ 50 mL/min")
    assert _ranges(text) == {
        _ge("anc", 1.5, "10^9/L"), _ge("platelets", 100, "10^9/L"), _ge("hemoglobin", 90, "g/L"),
        _le("total_bilirubin", 1.5, ULN), _le("ast", 2.5, ULN), _le("alt", 2.5, ULN),
        _ge("creatinine_clearance", 50, "mL/min")}


def test_conditional_bound_keeps_the_general_one() -> None:
    found = extract_measures("ALT ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases present)", "INCLUSION")
    general = [m for m in found if m.condition_text is None]
    conditional = [m for m in found if m.condition_text is not None]
    assert [(m.variable, m.upper_value) for m in general] == [("alt", 2.5)]
    assert [(m.variable, m.upper_value) for m in conditional] == [("alt", 5.0)]
    assert "liver metastases" in (conditional[0].condition_text or "")
    assert extract_measures("ALT ≤ 5×ULN if liver metastases present", "INCLUSION")[0].condition_text


def test_condition_that_is_itself_a_number_is_not_a_bound() -> None:
    text = "Performance status: Lansky ≥ 50 for patients ≤ 16 years old and Karnofsky ≥ 50% for patients > 16 years"
    found = extract_measures(text, "INCLUSION")
    assert [(m.variable, m.lower_value) for m in found] == [("karnofsky", 50.0)]
    assert found[0].condition_text is not None


def test_restatement_in_other_units_is_one_measure() -> None:
    assert _ranges("Absolute neutrophil count ≥1500/μL (≥1.5 x 109/L)") == {_ge("anc", 1.5, "10^9/L")}
    assert _ranges("Hemoglobin ≥9.0 g/dL or ≥5.6 mmol/L") == {_ge("hemoglobin", 90, "g/L")}


@pytest.mark.parametrize(("text", "expected"), [
    # an age in the definition of a status says what the status is, not who may enrol
    ("Postmenopausal women, defined as women over age 55 or with amenorrhea for 12 months", []),
    ("A postmenopausal state is defined as 12 months of amenorrhea in a woman over age 45 years.", []),
    ("Women of childbearing potential (defined as women ≤ 50 years of age) must use contraception", []),
    # an age group defined by its age is who may enrol
    ("Adults, defined as 18 years of age or older", [(18.0, None)]),
    ("Elderly patients defined as age ≥ 65 years", [(65.0, None)]),
    ("Children defined as aged 2 to 11 years", [(2.0, 11.0)]),
])
def test_ages_in_definitions(text: str, expected: list) -> None:
    assert [(m.lower_value, m.upper_value) for m in extract_measures(text, "INCLUSION") if m.variable == "age"] \
        == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("Prior chemotherapy within 4 weeks before the first dose", "EXCLUSION"),
    # a value that calls for a procedure does not bound who may enrol
    ("Participants with troponin levels above ULN at screening should have a cardiologic consultation before "
     "enrollment to rule out MI", "EXCLUSION"),
    ("Patients with ALT > 3 x ULN must undergo a hepatology evaluation", "EXCLUSION"),
    # Lesion size is not a catalogue variable: RECIST sentences give alternatives by imaging method and by nodal or
    # not, sums of diameters and areas, so that a reading was wrong 3 times in 5 on the dev corpus (../shared/corpus)
    ("At least one measurable lesion at least 20 mm by physical exam or x-ray or at least 10 mm by spiral CT scan",
     "INCLUSION"),
    ("The sum of the longest diameters of all measurable lesions must be not greater than 10 cm", "INCLUSION"),
    ("non-nodal lesions having a minimum size of 10 mm in the longest diameter by CT or MRI scan or ≥15 mm in short "
     "axis for nodal lesions", "INCLUSION"),
    ("At least 1 measurable lesion ≥ 10 mm per RECIST 1.1", "INCLUSION"),
    ("History of grade ≥ 3 immune-related adverse events", "EXCLUSION"),
    ("Any toxicity from prior therapy of grade ≥ 2 (CTCAE v5.0)", "EXCLUSION"),
    ("Gestational age below 32 weeks", "INCLUSION"),
    ("Parents must be 18 years of age or older", "INCLUSION"),
    ("Donors aged 18 to 65 years", "INCLUSION"),
    ("Family history of long QT syndrome or unexplained sudden death under 40 years of age", "EXCLUSION"),
    ("Birth weight < 1500 g", "INCLUSION"),
    ("Oxygen requirement of at least 2 L/min to maintain oxygen saturation ≥ 92%", "INCLUSION"),
    ("HIV viral load < 1.7 log10 copies/mL", "INCLUSION"),
    ("eGFR < 50 ml/min/kg", "EXCLUSION"),
    ("Uncontrolled or symptomatic hypercalcemia (ionized calcium > 1.5 mmol/L)", "EXCLUSION"),
    ("Platelet transfusion within 7 days before the first dose", "EXCLUSION"),
    ("IIEF score between 11 and 21", "INCLUSION"),  # which IIEF (5, EF domain or all 15 items) is not said
    ("Partners who are < 18 years of age", "EXCLUSION"),
    ("Subjects who have consumed more than 14 units of alcohol per week", "EXCLUSION"),
    ("Type 2 diabetes with World Health Organization (WHO) diagnosis (1999)", "INCLUSION"),
    ("Hemoglobin level greater than 18 ng/dl", "EXCLUSION"),
    ("Age of specimen: ≤ 24 hours", "INCLUSION"),
])
def test_numbers_that_are_not_measures(text: str, kind: str) -> None:
    assert extract_measures(text, kind) == []


def test_measure_fields_quote_the_original_text() -> None:
    [m] = extract_measures("Platelet count > or = 100,000/mcL", "INCLUSION")
    assert m.raw_value == "100,000"
    assert m.raw_unit == "/mcL"
    assert m.source_text == "Platelet count > or = 100,000/mcL"
    assert m.condition_text is None


def test_casing_and_wrapping_variants() -> None:
    expected = {_ge("anc", 1.5, "10^9/L")}
    assert _ranges("ABSOLUTE NEUTROPHIL COUNT AT LEAST 1,500/MM3") == expected
    assert _ranges("absolute neutrophil\ncount at least\n1,500/mm3") == expected
    assert _ranges("Absolute neutrophil count at least 1,500/mm3", "exclusion") == {_lt("anc", 1.5, "10^9/L")}


# --- the catalogue's variables (tests/data/measures_golden.jsonl: one or more forms per variable) ----------------
def _reads_as(found: Measure, expected: dict) -> bool:
    """The range matches (`matches`), and so do its condition, the condition's kind and the sex it applies to (absent:
    none)."""
    return matches(found, expected) and found.condition_text == expected.get("condition_text") and \
        found.applies_to_sex == expected.get("applies_to_sex") and found.condition_kind == expected.get("condition_kind")


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=[f"{c['case']}:{c['text'][:40]}" for c in GOLDEN_CASES])
def test_golden_criteria(case: dict) -> None:
    found = extract_measures(case["text"], case["kind"])
    expected = list(case["measures"])
    unmatched = [m for m in found if not any(_reads_as(m, e) for e in expected)]
    missing = [e for e in expected if not any(_reads_as(m, e) for m in found)]
    assert not unmatched and not missing and len(found) == len(expected), (found, expected)


def test_every_catalogue_variable_has_a_golden_case() -> None:
    covered = {m["variable"] for case in GOLDEN_CASES for m in case["measures"]}
    # read in the labelled criteria rather than in golden cases
    covered |= {"age", "ecog", "karnofsky", "life_expectancy", "anc", "platelets", "hemoglobin", "wbc", "lymphocytes",
                "albumin", "creatinine", "creatinine_clearance", "egfr", "inr", "aptt", "lvef", "qtc", "bmi", "tsh",
                "alkaline_phosphatase"}
    assert set(CATALOGUE) - covered <= {"hdl_cholesterol", "total_cholesterol", "fructosamine", "news2",
                                        "arm_circumference"}, set(CATALOGUE) - covered


def test_known_misses_of_issue_15() -> None:
    # `upper normal range`, `upper limit of the norm`, `/mmc`, `50.000`, `normal limit (ULN)` (NCT04344951,
    # NCT04346355, NCT04348032 of Clinical-Trial-Parser's input trials)
    assert _ranges("Serum AST values greater than 5 times the upper normal range", "EXCLUSION") == {_le("ast", 5, ULN)}
    assert _ranges("GPT or GOT > 5 times the upper limit of the norm", "EXCLUSION") == \
        {_le("alt", 5, ULN), _le("ast", 5, ULN)}
    assert _ranges("Neutrophils <500 /mmc", "EXCLUSION") == {_ge("anc", 0.5, "10^9/L")}
    assert _ranges("Platelets <50.000 /mmc", "EXCLUSION") == {_ge("platelets", 50, "10^9/L")}
    assert _ranges("total bilirubin<1.5 normal limit (ULN);") == {_lt("total_bilirubin", 1.5, ULN)}
    found = extract_measures("AST, ALT<2.5xULN, which is allowed<5xULN in patients with liver metastasis.", "INCLUSION")
    assert {(m.variable, m.upper_value, m.condition_text) for m in found} == {
        ("ast", 2.5, None), ("alt", 2.5, None), ("ast", 5.0, "in patients with liver metastasis"),
        ("alt", 5.0, "in patients with liver metastasis")}


def test_units_are_a_closed_set_per_variable() -> None:
    # AST in U/L keeps U/L (its canonical unit); a unit the variable cannot be converted from yields nothing
    assert _ranges("AST ≤ 100 U/L") == {_le("ast", 100, "U/L")}
    assert _ranges("Hemoglobin ≥ 9 ng/dL") == set()
    assert _ranges("Platelets ≥ 100 mg/dL") == set()
    assert _ranges("Creatinine clearance ≥ 60 mg") == set()
    # an area or a volume is not a length: `cm2` read as `cm` once made 30 cm² a 300 mm lesion
    assert _ranges("Waist circumference ≥ 80 cm2") == set()
    assert _ranges("Waist circumference ≥ 80 cm") == {_ge("waist_circumference", 80, "cm")}


def test_blood_pressure_pairs_and_postfix_names() -> None:
    assert _ranges("BP below 100 systolic or 70 diastolic", "EXCLUSION") == \
        {_ge("sbp", 100, "mmHg"), _ge("dbp", 70, "mmHg")}
    assert _ranges("SBP/DBP less than 90/50 mmHg", "EXCLUSION") == {_ge("sbp", 90, "mmHg"), _ge("dbp", 50, "mmHg")}
    assert _ranges("Blood pressure > 140 mmHg") == set()  # one number for a pair of variables says neither


def test_negated_clauses_turn_the_kind_round() -> None:
    assert _ranges("Cardiovascular: No significant heart disease (New York Heart Association class III or IV)") == \
        {_lt("nyha", 3, "class")}


# --- the labelled set -----------------------------------------------------------------------------------------
def test_labelled_set_meets_targets() -> None:
    rows = load(DEFAULT_DATA)
    assert len(rows) >= 150
    precision, recall = totals(evaluate(rows)[0])
    assert precision >= 0.95, precision
    assert recall >= 0.90, recall


@pytest.mark.parametrize(("name", "min_rows", "min_precision", "min_recall"), [
    # Hand-labelled from records the extractor was never tuned on (corpus history run_06), new variables added by
    # hand in the catalogue's second version; 2026-11-23 (24 variables): precision 0.940 / recall 0.916.
    ("criteria_heldout.jsonl", 150, 0.95, 0.95),
    # Labelled by hand from dev-corpus criteria before the catalogue's extractor first ran on them (issue 15).
    ("criteria_heldout_dev.jsonl", 600, 0.95, 0.92),  # first run: 0.911 / 0.875 (see the report of issue 15)
    # A second set, all dev layouts, labelled before the extractor ran on it (first run: 0.939 / 0.879).
    ("criteria_heldout_dev2.jsonl", 200, 0.95, 0.92),
    # Clinical-Trial-Parser's own input trials (data/input/clinical_trials.csv), labelled by hand.
    ("criteria_ctp_peer.jsonl", 150, 0.95, 0.95),
    # The numeric variables of Clinical-Trial-Parser's list that the catalogue lacked (non-HDL, troponin, UACR, …),
    # labelled before they were added (first run: 0.857 / 0.240; with the catalogue entries 1.000 / 1.000).
    ("criteria_heldout_peer_vocab.jsonl", 25, 0.95, 0.92),
    # The other registries' criteria in ICTRP's export (EU CTR, JPRN, DRKS, ChiCTR, CRIS, CTIS), labelled before the
    # extractor ran on them (first run 0.905 / 0.594, then one label mended against criteria_heldout_dev's: 0.929 /
    # 0.600; most misses were `=` where an encoding lost `≥` or `≤`).
    ("criteria_heldout_ictrp.jsonl", 240, 0.92, 0.80),
])
def test_held_out_sets_meet_their_floors(name: str, min_rows: int, min_precision: float, min_recall: float) -> None:
    rows = load(DEFAULT_DATA.with_name(name))
    assert len(rows) >= min_rows
    precision, recall = totals(evaluate(rows)[0])
    assert precision >= min_precision, precision
    assert recall >= min_recall, recall


@pytest.mark.parametrize("name", ["criteria_labelled.jsonl", "criteria_heldout.jsonl", "criteria_heldout_dev.jsonl",
                                  "criteria_heldout_dev2.jsonl", "criteria_ctp_peer.jsonl",
                                  "criteria_heldout_peer_vocab.jsonl", "criteria_heldout_ictrp.jsonl",
                                  "measures_golden.jsonl"])
def test_labelled_sets_are_well_formed(name: str) -> None:
    for row in load(DEFAULT_DATA.with_name(name)):
        assert row["kind"] in ("INCLUSION", "EXCLUSION")
        for m in row["measures"] + row.get("peer_measures", []):
            assert m["variable"] in VARIABLES
            assert m["unit"] in CATALOGUE[m["variable"]].allowed_units() or m in row.get("peer_measures", [])
            assert m["lower_value"] is not None or m["upper_value"] is not None


# --- robustness -------------------------------------------------------------------------------------------------
_ALPHABET = st.sampled_from(list("0123456789.,;:()[]/-~^*x×≥≤<>= %µ\\\n ") + [
    "ECOG ", "ANC ", "age ", "years ", "ULN", " times ", "platelets ", "mg/dL", "10^9/L", "between ", " and ",
    " or ", "if ", "for patients ", "(", "at least ", "no greater than ", "Karnofsky ", "g/dL", "months ",
    "NYHA class ", "II", "IV", "Child-Pugh ", "B", "C", "blood pressure ", "/", "mmHg", "systolic", "diastolic",
    "prior lines", "twenty", "one", "or better", "No ", "defined as ", "°F", "mmol/L", "/mmc", "50.000", "CD4 ",
    "potassium ", "mEq/L", "lbs", "which is allowed", "=", " and =", "=18 to =", "y-", " years-", "IL-"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.sampled_from(["INCLUSION", "EXCLUSION", "", "weird"]))
def test_never_raises_and_returns_valid_measures(text: str, kind: str) -> None:
    for m in extract_measures(text, kind):
        assert isinstance(m, Measure)
        assert m.variable in VARIABLES
        assert m.unit in CATALOGUE[m.variable].allowed_units()
        assert m.lower_value is not None or m.upper_value is not None
        if m.lower_value is not None and m.upper_value is not None:
            assert m.lower_value <= m.upper_value
        assert m.source_text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["INCLUSION", "EXCLUSION"]))
def test_never_raises_on_any_text(text: str, kind: str) -> None:
    assert isinstance(extract_measures(text, kind), list)


def test_not_a_string_yields_nothing() -> None:
    assert extract_measures("", "INCLUSION") == []
    assert extract_measures(None, "INCLUSION") == []  # type: ignore[arg-type]


@pytest.mark.parametrize("unit", [
    "ANC ≥ 1.5 × 10^9/L, platelets ≥ 100 × 10^9/L; AST ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases); age 18-75 years. ",
    "( " * 3 + "≥ 1 " + "x " * 3 + "10 ",
    "between 1 and " + "1 or " * 4,
    " " * 40 + "≥" + "9" * 6 + " ",
    "for patients with " + "a " * 10 + ", ",
])
def test_time_is_near_linear(unit: str) -> None:
    small, large = unit * 10, unit * 200
    assert_near_linear(lambda: extract_measures(small, "INCLUSION"), lambda: extract_measures(large, "INCLUSION"))


def test_unicode_letters_that_casefold_to_ascii_do_not_crash() -> None:
    # `ı` (dotless i) matches `i` under IGNORECASE, so `twıce` reaches the word-number table it is not in
    assert extract_measures("ALT twıce the ULN 5", "INCLUSION") is not None


def test_bounds_for_two_groups_keep_each_group_as_their_condition() -> None:
    found = extract_measures("Prolonged QTc interval (> 470 ms in women, > 450 ms in men)", "EXCLUSION")
    assert [(m.upper_value, m.condition_text) for m in found] == [(470.0, "in women"), (450.0, "in men")]


def test_bounds_either_side_of_a_band_are_alternatives_not_general_bounds() -> None:
    """Rows of one variable are read together (each must admit the patient): as general bounds, `< 8 or > 16` would
    exclude everyone."""
    found = extract_measures("Hemoglobin < 8 or > 16 g/dL", "INCLUSION")
    assert {(m.lower_value, m.upper_value) for m in found} == {(None, 80.0), (160.0, None)}
    assert all(m.condition_text and "either side of a band" in m.condition_text for m in found)
    excluded_band = extract_measures("Age ≥ 18 years, age ≤ 75 years", "EXCLUSION")
    assert excluded_band and all(m.condition_text for m in excluded_band)
    merged = extract_measures("BMI > 40 or BMI < 18.5", "EXCLUSION")  # one range between the two: still general
    assert [(m.lower_value, m.upper_value, m.condition_text) for m in merged] == [(18.5, 40.0, None)]


@pytest.mark.parametrize(("condition", "kind"), [
    (None, None),
    ("in Japan", "PLACE"), ("in the United States", "PLACE"), ("(in other countries)", "PLACE"),
    ("for women", "SEX"), ("male patients", "SEX"),
    ("for Gilbert's", "CLAUSE"), ("in patients with liver metastases", "CLAUSE"), ("in Japan if over 65", "CLAUSE"),
    ("for Cohort 2", "CLAUSE"), ("in men with prostate cancer", "CLAUSE"),
    ("one of bounds of different variables (either admits)", "EITHER_VARIABLE"),
])
def test_a_condition_is_filed_under_one_closed_kind(condition: str | None, kind: str | None) -> None:
    assert condition_kind(condition) == kind
    assert kind is None or kind in CONDITION_KINDS


def _lost(text: str) -> list[str]:
    return read_criterion(text, "INCLUSION").lost


def test_an_equals_sign_where_a_comparator_belongs_is_reported_when_it_cannot_be_read() -> None:
    # `≥` and `≤` both become `=` in an encoding's best-fit mapping (CT.gov CSV exports, EU CTR records via ICTRP)
    assert extract_measures("BMI =30 kg/m2", "INCLUSION") == []  # trials take either side of a BMI
    assert _lost("BMI =30 kg/m2") == ["BMI =30 kg/m2"]
    assert _lost("Age ≥ 18 years; age = 16 years with consent") == ["age = 16 years"]
    assert _lost("Hemoglobin =9 g/dL") == []  # read as its healthier side (below)
    assert _lost("ECOG = 1") == []  # ≤ 1, the healthier side (below)
    assert _lost("Fitzpatrick skin type = 3") == []  # a scale with no healthier side: one point, as written
    assert _lost("Enrolment in two groups (n=38 per group)") == []
    assert _lost("Age >= 18 years") == []


@pytest.mark.parametrize(("text", "kind", "expected"), [
    # EU CTR records in ICTRP's export (../shared/corpus/ictrp/ictrp_dev.xml, EUCTR2015-004318-14)
    ("Hemoglobin =9 g/dL", "INCLUSION", ("hemoglobin", 90, True, None, None, "g/L")),
    ("Platelet count =75 × 10e9/L", "INCLUSION", ("platelets", 75, True, None, None, "10^9/L")),
    ("Total bilirubin = 2 × the upper limit of normal (ULN)", "INCLUSION", ("total_bilirubin", None, None, 2, True, ULN)),
    # ruled out: the written side was the unhealthy one, so the healthier side is allowed without its edge
    ("Hemoglobin =9 g/dL", "EXCLUSION", ("hemoglobin", 90, False, None, None, "g/L")),
    ("Serum creatinine =2 mg/dL", "EXCLUSION", ("creatinine", None, None, 176.8, False, "µmol/L")),
    # a scale's point is as likely `≤ 1` (EU CTR) as one point (`ECOG = 2` trials): shown, not applied, either way
    ("ECOG =1", "INCLUSION", ("ecog", None, None, 1, True, "score")),
    ("Karnofsky Performance Status (KPS) of =70%", "INCLUSION", ("karnofsky", 70, True, None, None, "%")),
    ("New York Heart Association (NYHA) functional classification of = 3", "EXCLUSION",
     ("nyha", None, None, 3, False, "class")),
])
def test_a_lost_comparator_is_read_as_the_healthier_side_and_is_a_caveat(text: str, kind: str, expected: tuple) -> None:
    [read] = extract_measures(text, kind)
    got = (read.variable, read.lower_value, read.lower_inclusive, read.upper_value, read.upper_inclusive, read.unit)
    assert got[0] == expected[0] and got[2:] == expected[2:] or got[2] is None and got[4:] == expected[4:], got
    assert all(a == b or (a is not None and b is not None and abs(a - b) < 0.1) for a, b in
               ((got[1], expected[1]), (got[3], expected[3])))
    assert (read.source_text, read.condition_kind) == (text, "LOST_COMPARATOR")  # shown, not applied


@pytest.mark.parametrize("text", [
    "eGFR (ml/min/1.73 m2)= 175 x (Scr)^-1.154 x (Age)^-0.203",  # a formula, not a bound (heldout_dev2)
    "NT-proBNP =1800 pg/mL",  # a disease marker: trials take either side
    "Age =18 years",  # an adult's trial or a child's: the registry's age limits say which
    "Creatinine clearance =60",  # no unit: an assignment as likely as a bound
])
def test_an_equals_sign_whose_side_is_not_known_is_not_read(text: str) -> None:
    assert extract_measures(text, "INCLUSION") == []


def test_a_range_whose_two_comparators_became_equals_signs_is_read_lower_end_first() -> None:
    # the lower end first can only be `≥ low … ≤ high` (the ICTRP export: `female =18 to =90 years of age`)
    text = "NT-proBNP =650 pg/mL and =5000 pg/mL"
    [read] = extract_measures(text, "INCLUSION")
    assert (read.variable, read.lower_value, read.upper_value, read.source_text) == ("nt_probnp", 650, 5000, text)
    assert _lost(text) == []  # read as a range, so no end of it is reported
    assert [(m.lower_value, m.upper_value) for m in extract_measures("Age =18 to =90 years", "INCLUSION")] == [
        (18, 90)]
    assert extract_measures("Age =65 to =18 years", "INCLUSION") == []  # high end first: which was which is unknown
    assert _lost("Age =65 to =18 years") != []

@settings(max_examples=100, deadline=None)
@given(st.integers(1, 99), st.integers(1, 99), st.sampled_from([" to ", " and ", "-", " - "]),
       st.sampled_from([("Age ", " years", "age"), ("Platelets ", " × 10^9/L", "platelets")]))
def test_two_equals_signs_frame_a_range_only_with_the_lower_end_first(low: int, high: int, between: str,
                                                                       named: tuple[str, str, str]) -> None:
    name, unit, variable = named
    text = f"{name}={low}{between}={high}{unit}"
    read = [(m.variable, m.lower_value, m.upper_value) for m in extract_measures(text, "INCLUSION")]
    assert read == ([(variable, low, high)] if low < high else [])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([("ALT", "alt"), ("Total bilirubin", "total_bilirubin"), ("AST", "ast")]),
       st.integers(1, 9), st.integers(1, 9),
       st.sampled_from(["liver metastases are present", "Gilbert's syndrome", "in patients with liver involvement",
                        "due to tumour"]),
       st.sampled_from(["unless", "except"]), st.sampled_from([", in which case", " in which case", ", then"]),
       st.sampled_from([", ", " ", " ("]))
def test_an_exceptions_own_bound_is_a_caveat_quoting_the_exception(named: tuple[str, str], general: int, looser: int,
                                                                   exception: str, word: str, then: str,
                                                                   before: str) -> None:
    name, variable = named
    text = f"{name} ≤ {general} × ULN{before}{word} {exception}{then} ≤ {general + looser} × ULN"
    read = [(m.variable, m.upper_value, m.condition_kind, m.condition_text) for m in extract_measures(text, "INCLUSION")]
    assert read == [(variable, general, None, None),
                    (variable, general + looser, "CLAUSE", f"{word} {exception}{then}")]


def _general(variable: str, lower: float | None, upper: float | None, unit: str = "score") -> Measure:
    return Measure(variable, lower, None if lower is None else True, upper, None if upper is None else True, unit,
                   None, None, f"{variable} {lower}-{upper}")


def test_bounds_no_value_meets_across_criteria_are_alternatives() -> None:
    # one criterion per risk group (`Gleason score 2-6`, `… 7`, `… 8-10`) beside a general age and a stricter bound
    read = [[_general("gleason_score", 2, 6), _general("age", 18, None, "years")], [_general("gleason_score", 7, 7)],
            [_general("gleason_score", 8, 10)], [_general("age", None, 75, "years")]]
    together = across_criteria(read)
    assert [[m.condition_kind for m in measures] for measures in together] == [
        ["DISJOINT", None], ["DISJOINT"], ["DISJOINT"], [None]]
    assert across_criteria(read[1:2] + read[3:]) == read[1:2] + read[3:]  # nothing clashes: unchanged


@pytest.mark.parametrize(("previous", "text", "read"), [
    ("PATIENT CHARACTERISTICS: Age:", "18 and over Performance status:", [("age", 18.0, None, "18 and over")]),
    # a bare `performance status` heading: the value says which scale
    ("18 and over Performance status:", "0-2 Life expectancy:", [("ecog", 0.0, 2.0, "0-2")]),
    ("Performance status:", "60-100%", [("karnofsky", 60.0, 100.0, "60-100%")]),
    ("Total bilirubin", "<=1.5 × ULN", [("total_bilirubin", None, 1.5, "<=1.5 × ULN")]),
    ("Total bilirubin", "Within normal limits", []),  # a row's value that opens with no comparator
    ("Hematopoietic:", "Not specified", []),
    ("… the maximum serum creatinine listed below by age:", "1 to <2 years: 0.6", []),  # no heading: in a sentence
])
def test_a_value_read_under_the_name_that_ends_the_criterion_before(previous, text, read) -> None:
    from transforms.measures import read_under_heading

    assert [(m.variable, m.lower_value, m.upper_value, m.source_text)
            for m in read_under_heading(text, "INCLUSION", previous)] == read


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([("Hemoglobin", "g/dL", "hemoglobin", "higher", (7, 14)),
                        ("Platelet count", "× 10^9/L", "platelets", "higher", (50, 150)),
                        ("Serum creatinine", "mg/dL", "creatinine", "lower", (1, 3)),
                        ("ALT", "× ULN", "alt", "lower", (1, 5)),
                        ("eGFR", "mL/min/1.73 m2", "egfr", "higher", (30, 90))]),
       st.data(), st.sampled_from(["INCLUSION", "EXCLUSION"]), st.sampled_from(["=", " =", " = ", "= "]))
def test_a_lone_equals_sign_reads_as_the_healthier_side_turned_round_only_in_its_edge(
        named: tuple[str, str, str, str, tuple[int, int]], data: st.DataObject, kind: str, equals: str) -> None:
    name, unit, variable, better, (low, high) = named
    value = data.draw(st.integers(low, high))
    text = f"{name}{equals}{value} {unit}"
    [read] = extract_measures(text, kind)
    assert (read.variable, read.condition_kind, read.source_text) == (variable, "LOST_COMPARATOR", text)
    bound, inclusive = (read.lower_value, read.lower_inclusive) if better == "higher" else \
        (read.upper_value, read.upper_inclusive)
    other = read.upper_value if better == "higher" else read.lower_value
    assert bound is not None and other is None and inclusive == (kind == "INCLUSION"), read
