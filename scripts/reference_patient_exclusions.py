"""List the general bounds of a warehouse that exclude a reference adult whose values are all normal.

Usage: .venv/bin/python scripts/reference_patient_exclusions.py WAREHOUSE [--variable anc ...]
Each row is either a bound that defines the disease a trial studies (`hemoglobin < 10.5 g/dL` in an anaemia trial) or
a reading to mend (`Must not have impaired renal function (creatinine > 1.6 mg/dL)` read as creatinine > 1.6): a
quick way to find the extractor's errors that would wrongly exclude patients in `trialhouse match`. One row per
distinct criterion text and variable; bounds with a condition (caveats in `match`) are left out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

# variable → (a normal adult's value in the canonical unit, that unit, the upper limit of normal in it or None)
REFERENCE = {
    "platelets": (250, "10^9/L", None), "anc": (4, "10^9/L", None), "wbc": (6, "10^9/L", None),
    "lymphocytes": (2, "10^9/L", None), "hemoglobin": (140, "g/L", None), "creatinine": (80, "µmol/L", 100),
    "creatinine_clearance": (100, "mL/min", None), "egfr": (95, "mL/min/1.73m²", None),
    "total_bilirubin": (10, "µmol/L", 20), "ast": (25, "U/L", 40), "alt": (25, "U/L", 40),
    "alkaline_phosphatase": (80, "U/L", 120), "albumin": (42, "g/L", None), "inr": (1.0, "ratio", 1.2),
    "ecog": (0, "score", None), "karnofsky": (100, "%", None), "lvef": (60, "%", None), "qtc": (410, "ms", None),
    "spo2": (98, "%", None), "potassium": (4.2, "mmol/L", None), "sodium": (140, "mmol/L", None),
    "calcium": (2.4, "mmol/L", None), "hematocrit": (42, "%", None), "bmi": (24, "kg/m²", None),
    "weight": (70, "kg", None), "sbp": (120, "mmHg", None), "dbp": (78, "mmHg", None),
    "heart_rate": (70, "beats/min", None), "body_temperature": (36.8, "°C", None), "hba1c": (5.4, "%", None),
    "glucose": (5.0, "mmol/L", None), "fasting_glucose": (5.0, "mmol/L", None), "triglycerides": (1.2, "mmol/L", None),
    "life_expectancy": (40, "years", None),
}


def exclusions(con: duckdb.DuckDBPyConnection, variables: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(variable, allowed range, criterion kind, source text, criterion text) of each general bound that excludes
    the reference adult, once per variable and criterion text."""
    found: dict[tuple[str, str], tuple[str, str, str, str, str]] = {}
    for variable in variables:
        value, unit, uln = REFERENCE[variable]
        rows = con.execute("""
            SELECT m.unit, m.lower_value, m.upper_value, m.source_text, c.kind, coalesce(c.text, m.source_text)
            FROM criterion_measure m LEFT JOIN criterion c USING (criterion_id)
            WHERE m.variable = ? AND m.condition_text IS NULL ORDER BY m.measure_id""", [variable]).fetchall()
        for row_unit, lower, upper, source, kind, text in rows:
            x = value if row_unit == unit else value / uln if row_unit == "×ULN" and uln else None
            if x is not None and ((lower is not None and x < lower) or (upper is not None and x > upper)):
                found.setdefault((variable, text), (variable, f"{lower}..{upper} {row_unit}", str(kind), source,
                                                    " ".join(text.split())))
    return list(found.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--variable", action="append", choices=sorted(REFERENCE), help="only these (repeatable)")
    args = ap.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    found = exclusions(con, args.variable or sorted(REFERENCE))
    for variable, allowed, kind, source, text in found:
        print(f"{variable}\t{allowed}\t{kind}\t{source}\t{text[:200]}")
    print(f"{len(found)} bound(s) exclude the reference adult", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
