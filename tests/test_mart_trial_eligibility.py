"""mart_trial_eligibility: the strictest general bound per variable, one row per current trial (in-memory DuckDB)."""
from __future__ import annotations

import duckdb

from transforms.measures import extract_measures
from warehouse.store import ensure_schema

CRITERIA = [
    ("INCLUSION", "Age ≥ 18 years"),
    ("INCLUSION", "ECOG performance status 0-2"),
    ("EXCLUSION", "ECOG performance status ≥ 2"),  # stricter: ECOG < 2 → at most 1
    ("INCLUSION", "ANC ≥ 1.5 × 10^9/L, platelets ≥ 100,000/µL, hemoglobin ≥ 9 g/dL"),
    ("INCLUSION", "Total bilirubin ≤ 1.5 × ULN; AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases)"),
    ("INCLUSION", "Creatinine clearance ≥ 50 mL/min; LVEF ≥ 50%; life expectancy ≥ 3 months"),
]


def _load(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany("INSERT INTO trial (trial_id, nct_id, overall_status, removed_at, source_file, source_layout, "
                    "source_sha256, run_id) VALUES (?, ?, ?, ?, 'f.json', 'ctgov_json', 'sha', 'run')", [
                        ("NCT00000001", "NCT00000001", "RECRUITING", None),
                        ("NCT00000002", "NCT00000002", "RECRUITING", "2024-01-01 00:00:00"),
                        ("NCT00000003", "NCT00000003", "COMPLETED", None)])
    rows = []
    for n, (kind, text) in enumerate(CRITERIA, start=1):
        for k, m in enumerate(extract_measures(text, kind), start=1):
            rows.append((f"NCT00000001:c{n}:measure:{k}", f"NCT00000001:c{n}", "NCT00000001", m.variable,
                         m.lower_value, m.lower_inclusive, m.upper_value, m.upper_inclusive, m.unit, m.raw_value,
                         m.raw_unit, m.source_text, m.condition_text))
    con.executemany("INSERT INTO criterion_measure (measure_id, criterion_id, trial_id, variable, lower_value, "
                    "lower_inclusive, upper_value, upper_inclusive, unit, raw_value, raw_unit, source_text, "
                    "condition_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def test_one_row_per_current_trial_with_strictest_general_bounds() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    _load(con)
    rows = con.execute("SELECT * FROM mart_trial_eligibility ORDER BY trial_id").fetchall()
    names = [d[0] for d in con.description]
    assert [r[0] for r in rows] == ["NCT00000001", "NCT00000003"]  # the removed trial is gone
    first = dict(zip(names, rows[0], strict=True))
    assert first["min_age_years"] == 18 and first["max_age_years"] is None
    assert first["max_ecog"] == 1
    assert first["min_anc_1e9_per_l"] == 1.5 and first["min_platelets_1e9_per_l"] == 100
    assert first["min_hemoglobin_g_per_l"] == 90
    assert first["max_bilirubin_x_uln"] == 1.5 and first["max_bilirubin_umol_per_l"] is None
    assert first["max_ast_x_uln"] == 2.5 and first["max_alt_x_uln"] == 2.5  # not the conditional 5 × ULN
    assert first["min_creatinine_clearance_ml_per_min"] == 50 and first["min_lvef_pct"] == 50
    assert first["min_life_expectancy_years"] == 0.25
    empty = dict(zip(names, rows[1], strict=True))
    assert empty["general_measure_count"] == 0 and empty["max_ecog"] is None
