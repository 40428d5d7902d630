"""The measure-variable catalogue: every variable `criterion_measure` can hold, with its canonical unit."""
from __future__ import annotations

ULN = "×ULN"  # a bound stated as a multiple of the upper limit of normal

# variable → canonical unit
VARIABLES: dict[str, str] = {
    "age": "years", "ecog": "score", "karnofsky": "%", "life_expectancy": "years", "anc": "10^9/L",
    "platelets": "10^9/L", "hemoglobin": "g/L", "wbc": "10^9/L", "lymphocytes": "10^9/L",
    "total_bilirubin": "µmol/L", "ast": "×ULN", "alt": "×ULN", "alkaline_phosphatase": "×ULN", "albumin": "g/L",
    "creatinine": "µmol/L", "creatinine_clearance": "mL/min", "egfr": "mL/min/1.73m²", "inr": "ratio",
    "aptt": "×ULN", "lvef": "%", "qtc": "ms", "bmi": "kg/m²", "hba1c": "%", "tsh": "mIU/L",
}
