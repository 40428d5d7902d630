"""The reference-adult check lists the general bounds that exclude a patient whose values are all normal."""
from __future__ import annotations

from pathlib import Path

import duckdb

from scripts.reference_patient_exclusions import REFERENCE, exclusions
from warehouse.store import ensure_schema


def test_lists_general_bounds_that_exclude_a_normal_adult_only(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    rows = [  # (variable, lower, upper, unit, source text, condition)
        ("creatinine", 141.4, None, "µmol/L", "creatinine greater than 1.6 mg/dl", None),  # excludes: listed
        ("creatinine", None, 132.6, "µmol/L", "Creatinine ≤ 1.5 mg/dL", None),  # admits
        ("ast", 1.5, None, "×ULN", "AST > 1.5 × ULN", None),  # 25 U/L is 0.625 × ULN: excluded
        ("ast", None, 2.5, "×ULN", "AST ≤ 2.5 × ULN", None),  # admits
        ("platelets", None, 100.0, "10^9/L", "platelets < 100,000", "if receiving chemotherapy"),  # a caveat
        ("psa", 4.0, None, "ng/mL", "PSA ≥ 4 ng/mL", None),  # no reference value
    ]
    con.executemany(
        "INSERT INTO criterion_measure (measure_id, criterion_id, trial_id, variable, lower_value, upper_value, unit, "
        "source_text, condition_text) VALUES (?, ?, 'T', ?, ?, ?, ?, ?, ?)",
        [(f"T:inclusion:{n}:measure:1", f"T:inclusion:{n}", *row) for n, row in enumerate(rows)])
    found = exclusions(con, sorted(REFERENCE))
    assert [(f[0], f[3]) for f in found] == [("ast", "AST > 1.5 × ULN"),
                                            ("creatinine", "creatinine greater than 1.6 mg/dl")]
