"""A small, hand-made warehouse for matching a patient to trials: one trial per kind of bound (no parsing, no Prefect).

Every bound is written out (the allowed range, as `criterion_measure` holds it), so the expected verdicts follow from
the rows below. The golden patient `FITS` is admitted by the trials in `ADMITTED` (in rank order) and excluded by
each trial of `EXCLUDED` for the one value named there. Trial ids are chosen so that rank order is not id order.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.store import ensure_schema

ULN = "×ULN"
FIT, INCLUSIVE_EDGES = "NCT10000099", "NCT10000090"
LOWER, UPPER, EXCLUSIVE_LOWER, EXCLUSIVE_UPPER = "NCT10000002", "NCT10000003", "NCT10000005", "NCT10000006"
ULN_BOUND, OTHER_UNIT, SEX, REGISTRY_AGE = "NCT10000007", "NCT10000008", "NCT10000009", "NCT10000010"
CONDITIONAL, NOTHING_STATED, OTHER_VARIABLE, REMOVED = "NCT10000011", "NCT10000012", "NCT10000013", "NCT10000014"
PER_SEX = "NCT10000015"  # a bound for each sex: the women's admits the (female) golden patient, the men's would not

# the golden patient, in canonical units (creatinine 1.2 mg/dL = 106.08 µmol/L, hemoglobin 11 g/dL = 110 g/L)
FITS = {"age": 64.0, "ecog": 1.0, "anc": 1.8, "platelets": 150.0, "egfr": 55.0, "creatinine": 106.08203677510609,
        "hemoglobin": 110.0}
FITS_ULN = {"ast": 1.2}
FITS_SEX = "FEMALE"
ADMITTED = [FIT, INCLUSIVE_EDGES, PER_SEX, NOTHING_STATED, OTHER_VARIABLE, OTHER_UNIT, CONDITIONAL]
EXCLUDED = {LOWER: "anc", UPPER: "creatinine", EXCLUSIVE_LOWER: "platelets", EXCLUSIVE_UPPER: "ecog",
            ULN_BOUND: "ast ×ULN", SEX: "sex", REGISTRY_AGE: "age"}


def _trial(trial_id: str, **values: Any) -> dict[str, Any]:
    return {"trial_id": trial_id, "nct_id": trial_id, "title": f"Trial {trial_id[-2:]}", "source_file": "f.json",
            "source_layout": "ctgov_json", "source_sha256": "0" * 64, "run_id": "run", **values}


TRIALS = [
    _trial(FIT, overall_status="RECRUITING", sex="ALL", min_age_years=18.0, max_age_years=75.0),
    _trial(INCLUSIVE_EDGES, overall_status="NOT_YET_RECRUITING"),
    *[_trial(t, overall_status="COMPLETED") for t in (LOWER, UPPER, EXCLUSIVE_LOWER, EXCLUSIVE_UPPER, ULN_BOUND,
                                                      OTHER_UNIT, CONDITIONAL, NOTHING_STATED, OTHER_VARIABLE,
                                                      PER_SEX)],
    _trial(SEX, overall_status="COMPLETED", sex="MALE"),
    _trial(REGISTRY_AGE, overall_status="COMPLETED", sex="ALL", min_age_years=18.0, max_age_years=60.0),
    _trial(REMOVED, overall_status="RECRUITING", removed_at=datetime(2026, 1, 2)),
]

# (trial, variable, lower, lower inclusive, upper, upper inclusive, unit, source text, condition)
BOUNDS: list[tuple[str, str, float | None, bool | None, float | None, bool | None, str, str, str | None]] = [
    (FIT, "age", 18, True, None, None, "years", "Age ≥ 18 years", None),
    (FIT, "ecog", 0, True, 1, True, "score", "ECOG performance status 0-1", None),
    (FIT, "anc", 1.5, True, None, None, "10^9/L", "ANC ≥ 1.5 × 10^9/L", None),
    (FIT, "platelets", 100, True, None, None, "10^9/L", "Platelets ≥ 100,000/µL", None),
    (FIT, "egfr", 45, True, None, None, "mL/min/1.73m²", "eGFR ≥ 45 mL/min/1.73 m²", None),
    (FIT, "hemoglobin", 90, True, None, None, "g/L", "Hemoglobin ≥ 9 g/dL", None),
    (FIT, "creatinine", None, None, 132.6, True, "µmol/L", "Creatinine ≤ 1.5 mg/dL", None),
    (FIT, "ast", None, None, 2.5, True, ULN, "AST ≤ 2.5 × ULN", None),
    (FIT, "ast", None, None, 5, True, ULN, "AST ≤ 5 × ULN", "if liver metastases"),
    (LOWER, "anc", 2.0, True, None, None, "10^9/L", "ANC ≥ 2,000/mm³", None),
    (UPPER, "creatinine", None, None, 88.4, True, "µmol/L", "Serum creatinine ≤ 1.0 mg/dL", None),
    (INCLUSIVE_EDGES, "platelets", 150, True, None, None, "10^9/L", "Platelets ≥ 150 × 10^9/L", None),
    (INCLUSIVE_EDGES, "ecog", None, None, 1, True, "score", "ECOG ≤ 1", None),
    (EXCLUSIVE_LOWER, "platelets", 150, False, None, None, "10^9/L", "Platelets > 150 × 10^9/L", None),
    (EXCLUSIVE_UPPER, "ecog", None, None, 1, False, "score", "ECOG ≥ 1 (exclusion)", None),
    (ULN_BOUND, "ast", None, None, 1.0, True, ULN, "AST ≤ ULN", None),
    (ULN_BOUND, "ast", None, None, 100, True, "U/L", "AST ≤ 100 U/L", None),
    (OTHER_UNIT, "creatinine", None, None, 1.5, True, ULN, "Creatinine ≤ 1.5 × ULN", None),
    (SEX, "ecog", None, None, 2, True, "score", "ECOG ≤ 2", None),
    (CONDITIONAL, "anc", 2.0, True, None, None, "10^9/L", "ANC ≥ 2.0 × 10^9/L", "if receiving chemotherapy"),
    (OTHER_VARIABLE, "bmi", None, None, 30, True, "kg/m²", "BMI ≤ 30", None),
    (REMOVED, "age", 18, True, None, None, "years", "Age ≥ 18 years", None),
]
# bounds stated for one sex: (trial, variable, lower, unit, source text, condition, applies_to_sex)
SEX_BOUNDS = [
    (PER_SEX, "hemoglobin", 120, "g/L", "Hemoglobin ≥ 12 g/dL for men", "for men", "MALE"),
    (PER_SEX, "hemoglobin", 100, "g/L", "≥ 10 g/dL for women", "for women", "FEMALE"),
]
CONDITIONS = [(FIT, 1, "Non-Small Cell Lung Cancer"), (NOTHING_STATED, 1, "Small Cell Lung Cancer"),
              (INCLUSIVE_EDGES, 1, "Lung neoplasm")]
CONDITION_MESH = [(INCLUSIVE_EDGES, "D002289", "Carcinoma, Non-Small-Cell Lung", "DIRECT", "REGISTRY")]
TRIAL_COUNTRIES = [(FIT, "KR", "South Korea", "SITE", False), (INCLUSIVE_EDGES, "US", "United States", "SITE", False),
                   (INCLUSIVE_EDGES, "KR", "South Korea", "REGISTRY", True)]  # removed: not a country of the trial


def load_match_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the rows above into a warehouse that has its schema."""
    for row in TRIALS:
        con.execute(f"INSERT INTO trial ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    con.executemany(
        "INSERT INTO criterion_measure (measure_id, criterion_id, trial_id, variable, lower_value, lower_inclusive, "
        "upper_value, upper_inclusive, unit, source_text, condition_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(f"{t}:inclusion:{n}:measure:1", f"{t}:inclusion:{n}", t, *rest) for n, (t, *rest) in enumerate(BOUNDS, 1)])
    con.executemany(
        "INSERT INTO criterion_measure (measure_id, criterion_id, trial_id, variable, lower_value, lower_inclusive, "
        "unit, source_text, condition_text, applies_to_sex, condition_kind) VALUES (?, ?, ?, ?, ?, true, ?, ?, ?, ?, "
        "'SEX')",
        [(f"{t}:inclusion:1:measure:{n}", f"{t}:inclusion:1", t, *rest) for n, (t, *rest) in enumerate(SEX_BOUNDS, 1)])
    con.executemany("INSERT INTO condition VALUES (?, ?, ?)", CONDITIONS)
    con.executemany("INSERT INTO condition_mesh (trial_id, mesh_id, term, relation, source) VALUES (?, ?, ?, ?, ?)",
                    CONDITION_MESH)
    con.executemany("INSERT INTO trial_country (trial_id, country_code, country_name, source, removed) "
                    "VALUES (?, ?, ?, ?, ?)", TRIAL_COUNTRIES)


def build_match_warehouse(path: Path) -> Path:
    """Create the warehouse file at `path` (schema, marts, macros and the rows above) and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        load_match_rows(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path
