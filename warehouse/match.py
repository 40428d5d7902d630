"""Calling the warehouse's `trials_for_patient` macro (warehouse/marts/mart_eligibility_bounds.sql) from Python.

The rule lives in the macro; this module only binds a Patient and the trial filters to its parameters, so that the
CLI and the dashboard ask the warehouse the same question BI tools do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from transforms.patient import Patient

MACRO = "trials_for_patient"
# The patient maps are built from parallel lists (a Python dict binds as a STRUCT, not a MAP).
_CALL = (f"{MACRO}(map(?::VARCHAR[], ?::DOUBLE[]), uln := map(?::VARCHAR[], ?::DOUBLE[]), sex := ?, "
         "condition := ?, statuses := ?::VARCHAR[], countries := ?::VARCHAR[], include_excluded := ?{})")


@dataclass(frozen=True, slots=True)
class TrialFilters:
    """Which trials to consider: a condition text, overall statuses and site countries (empty: any)."""

    condition: str | None = None
    statuses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The best-ranked trials for a patient, and how many trials admit them among those the filters leave."""

    trials: list[dict[str, Any]] = field(default_factory=list)
    eligible_count: int = 0
    candidate_count: int = 0


def has_macro(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has `trials_for_patient` (a warehouse built before it needs `trialhouse ingest` again)."""
    return bool(_macro_parameters(con))


def _macro_parameters(con: duckdb.DuckDBPyConnection) -> list[str]:
    found = con.execute("SELECT parameters FROM duckdb_functions() WHERE function_name = ? "
                        "AND function_type = 'table_macro'", [MACRO]).fetchone()
    return list(found[0]) if found else []


def _parameters(patient: Patient, filters: TrialFilters, include_excluded: bool) -> list[Any]:
    canonical, uln = patient.canonical(), patient.uln()
    return [list(canonical), list(canonical.values()), list(uln), list(uln.values()), patient.sex,
            filters.condition or None, list(filters.statuses) or None, list(filters.countries) or None,
            include_excluded]


def find_trials(con: duckdb.DuckDBPyConnection, patient: Patient, filters: TrialFilters = TrialFilters(),
                limit: int | None = 20, include_excluded: bool = False) -> MatchResult:
    """The trials whose stated bounds admit the patient, best match first (with the excluded ones when asked)."""
    parameters = _parameters(patient, filters, include_excluded)
    call, tail = _CALL.format(""), ""
    if limit is not None and "max_trials" in _macro_parameters(con):  # only the shown trials' checks are gathered
        call, parameters = _CALL.format(", max_trials := ?"), [*parameters, limit]
    elif limit is not None:  # a warehouse published before `max_trials`: every trial's checks are gathered
        tail, parameters = " LIMIT ?", [*parameters, limit]
    cur = con.execute(f"SELECT * FROM {call} ORDER BY match_rank{tail}", parameters)
    columns = [d[0] for d in cur.description or []]
    trials = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    counted = f"SELECT count(*) FILTER (WHERE is_eligible), count(*) FROM {_CALL.format('')}"
    eligible, candidates = con.execute(counted, _parameters(patient, filters, True)).fetchone()  # type: ignore[misc]
    return MatchResult(trials, eligible, candidates)
