"""Read-only queries behind the "Find trials for a patient" page: the warehouse's `trials_for_patient`, as DataFrames.

Nothing here imports Streamlit: the page reads its inputs, builds a Patient (transforms.patient converts the units) and
calls `match_frames`; the rule itself is the SQL macro, shared with `trialhouse match` and BI tools.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from schemas.measures import CATALOGUE
from transforms.patient import Patient, units_accepted
from warehouse.match import TrialFilters, find_trials, has_macro

# (variable, short label, unit offered first) of the page's inputs: the values most trials state, in the units labs
# report
COMMON_INPUTS: tuple[tuple[str, str, str], ...] = (
    ("age", "Age", "years"), ("ecog", "ECOG", "score"), ("karnofsky", "Karnofsky", "%"), ("anc", "ANC", "10^9/L"),
    ("platelets", "Platelets", "10^9/L"), ("hemoglobin", "Hemoglobin", "g/dL"), ("creatinine", "Creatinine", "mg/dL"),
    ("creatinine_clearance", "Creatinine clearance", "mL/min"), ("egfr", "eGFR", "mL/min/1.73m²"),
    ("total_bilirubin", "Total bilirubin", "×ULN"), ("ast", "AST", "×ULN"), ("alt", "ALT", "×ULN"),
    ("lvef", "LVEF", "%"),
)
# every other catalogue variable, offered on request
OTHER_INPUTS: tuple[str, ...] = tuple(v for v in CATALOGUE if v not in {name for name, _, _ in COMMON_INPUTS})
MARKS = {"ADMITS": "✓", "EXCLUDES": "✗", "CONDITIONAL": "⚠", "OTHER_UNIT": "?"}
VERDICT_LABELS = {"ADMITS": "admits", "EXCLUDES": "excludes", "CONDITIONAL": "conditional (not applied)",
                  "OTHER_UNIT": "other unit (not compared)"}
CHECK_COLUMNS = ["trial_id", "variable", "given", "verdict", "requirement", "source_text", "condition_text",
                 "bound_source"]


@dataclass(frozen=True, slots=True)
class MatchFrames:
    """One row per trial (a verdict column per value given) and one row per check, plus the counts."""

    trials: pd.DataFrame
    checks: pd.DataFrame
    eligible_count: int
    candidate_count: int


def input_units(variable: str) -> list[str]:
    """The units a page input offers for a variable, its usual lab unit first."""
    first = {name: unit for name, _, unit in COMMON_INPUTS}.get(variable)
    units = list(units_accepted(CATALOGUE[variable]))
    return [first, *[u for u in units if u != first]] if first in units else units


def has_matching(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the `trials_for_patient` macro (older ones need a new ingest)."""
    return has_macro(con)


def verdict_cell(checks: list[dict[str, Any]]) -> str:
    """One variable's verdicts for a trial in a cell: the excluding or admitting bounds, then the caveats."""
    deciding = [c for c in checks if c["verdict"] == "EXCLUDES"] or [c for c in checks if c["verdict"] == "ADMITS"]
    caveats = [c for c in checks if c["verdict"] in ("CONDITIONAL", "OTHER_UNIT")]
    parts = []
    if deciding:
        # the registry may repeat a criterion; a bound stated for the patient's sex says so (`for women`)
        requirements = dict.fromkeys(c["requirement"] + (f" {c['condition_text']}" if c["condition_text"] else "")
                                     for c in deciding)
        parts.append(f"{MARKS[deciding[0]['verdict']]} {'; '.join(requirements)}")
    for c in caveats:
        when = f" {c['condition_text']}" if c["verdict"] == "CONDITIONAL" else " (other unit)"
        parts.append(f"⚠ {c['requirement']}{when}")
    return " · ".join(parts)


def match_frames(con: duckdb.DuckDBPyConnection, patient: Patient, filters: TrialFilters = TrialFilters(),
                 limit: int = 50, include_excluded: bool = False) -> MatchFrames:
    """The best-ranked trials for the patient as a table with one verdict column per value given, and their checks."""
    result = find_trials(con, patient, filters, limit, include_excluded)
    value_columns = [v.variable + (" ×ULN" if v.is_uln else "") for v in patient.values]
    value_columns += ["sex"] if patient.sex else []
    rows, checks = [], []
    for t in result.trials:
        by_value: dict[str, list[dict[str, Any]]] = {}
        for c in t["checks"]:
            by_value.setdefault(c["value_name"], []).append(c)
            checks.append({"trial_id": t["trial_id"], **{k: c[k] for k in CHECK_COLUMNS[1:]}})
        rows.append({"rank": t["match_rank"], "trial_id": t["trial_id"], "title": t["title"],
                     "overall_status": t["overall_status"], "is_eligible": t["is_eligible"],
                     "checked_count": t["checked_count"], "caveat_count": t["caveat_count"],
                     **{column: verdict_cell(by_value.get(column, [])) for column in value_columns},
                     "also_states": ", ".join(t["unchecked_variables"])})
    trials = pd.DataFrame(rows, columns=["rank", "trial_id", "title", "overall_status", "is_eligible",
                                         "checked_count", "caveat_count", *value_columns, "also_states"])
    return MatchFrames(trials, pd.DataFrame(checks, columns=CHECK_COLUMNS), result.eligible_count,
                       result.candidate_count)
