"""Criterion text → numeric/ordinal eligibility ranges with canonical units (placeholder until the extractor lands)."""
from __future__ import annotations

from dataclasses import dataclass

# Closed vocabulary of variables and their canonical units.
VARIABLES: dict[str, str] = {
    "age": "years", "ecog": "score", "karnofsky": "%", "life_expectancy": "years", "anc": "10^9/L",
    "platelets": "10^9/L", "hemoglobin": "g/L", "wbc": "10^9/L", "lymphocytes": "10^9/L",
    "total_bilirubin": "µmol/L", "ast": "×ULN", "alt": "×ULN", "alkaline_phosphatase": "×ULN", "albumin": "g/L",
    "creatinine": "µmol/L", "creatinine_clearance": "mL/min", "egfr": "mL/min/1.73m²", "inr": "ratio",
    "aptt": "×ULN", "lvef": "%", "qtc": "ms", "bmi": "kg/m²", "hba1c": "%", "tsh": "mIU/L",
}


@dataclass(frozen=True, slots=True)
class Measure:
    """One variable's allowed range found in one criterion, after applying the criterion's kind."""

    variable: str  # a key of VARIABLES
    lower_value: float | None
    lower_inclusive: bool | None
    upper_value: float | None
    upper_inclusive: bool | None
    unit: str | None  # canonical unit (VARIABLES[variable]) or "×ULN" when stated as a multiple of ULN
    raw_value: str | None  # the number(s) as written
    raw_unit: str | None  # the unit as written
    source_text: str  # the span the measure came from
    condition_text: str | None = None  # "if liver metastases present": a conditional bound


def extract_measures(text: str, kind: str) -> list[Measure]:
    """Every variable range stated in one criterion (`kind` INCLUSION or EXCLUSION); placeholder returns nothing."""
    return []
