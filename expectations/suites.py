"""Expectation suites: generated from the table declarations, plus hand-written cross-column checks.

Every expectation carries `meta.level` (`fail` blocks, `warn` only reports) and `meta.scope` (`record`: the
offending records are quarantined and the rest loads; `table`: the whole load stops).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.derive import RECORD_COLUMN
from schemas.measures import allowed_unit_pairs
from schemas.tables import STAR_TABLES, Table

HAS_TRIAL = "_has_trial"


@dataclass(frozen=True, slots=True)
class Check:
    """One expectation to build: GX class name, its keyword arguments, severity and scope."""

    table: str
    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    level: str  # fail | warn
    scope: str  # record | table
    name: str


def generated_checks(table: Table) -> list[Check]:
    """Checks that follow from a table's declaration: keys, nullability, allowed values, patterns, ranges, FKs."""
    # Keys must be unique within each source record; one trial arriving from several files is expected and is
    # resolved by the load's winner rule, while the warehouse's PRIMARY KEY guards the final state.
    key = [*table.primary_key, RECORD_COLUMN]
    identity = {*table.primary_key, *table.foreign_keys, "nct_id", "ordinal"}
    checks = [Check(table.name, "ExpectCompoundColumnsToBeUnique", {"column_list": key}, "fail", "table",
                    f"{table.name}({', '.join(table.primary_key)}) is unique")]
    for c in table.columns:
        if not c.nullable and c.name not in ("run_id",):
            checks.append(Check(table.name, "ExpectColumnValuesToNotBeNull", {"column": c.name}, "fail", "record",
                                f"{table.name}.{c.name} is not null"))
        if c.allowed:
            checks.append(Check(table.name, "ExpectColumnValuesToBeInSet",
                                {"column": c.name, "value_set": list(c.allowed)}, "fail", "record",
                                f"{table.name}.{c.name} is one of its allowed values"))
        # A record is quarantined only for what makes it unusable (its identity, its keys); an odd value elsewhere
        # loads and is reported.
        level = "fail" if c.name in identity else "warn"
        if c.pattern:
            checks.append(Check(table.name, "ExpectColumnValuesToMatchRegex", {"column": c.name, "regex": c.pattern},
                                level, "record", f"{table.name}.{c.name} matches {c.pattern}"))
        if c.min_value is not None or c.max_value is not None:
            checks.append(Check(table.name, "ExpectColumnValuesToBeBetween",
                                {"column": c.name, "min_value": c.min_value, "max_value": c.max_value},
                                level, "record", f"{table.name}.{c.name} is within [{c.min_value}, {c.max_value}]"))
    if table.foreign_keys.get("trial_id") == "trial.trial_id":
        # `_has_trial` is derived by the gate (trial_id among the batch's trials): a value_set of every trial id
        # would be re-serialised by GX for each metric and cost more than all other checks together.
        checks.append(Check(table.name, "ExpectColumnValuesToBeInSet", {"column": HAS_TRIAL, "value_set": [True]},
                            "fail", "record", f"every {table.name} row has its trial"))
    return checks


# Hand-written invariants the declarations cannot say (columns starting with `_` are derived by the gate).
HAND_WRITTEN: tuple[Check, ...] = (
    Check("trial", "ExpectColumnPairValuesAToBeGreaterThanB",
          {"column_A": "max_age_years", "column_B": "min_age_years", "or_equal": True,
           "ignore_row_if": "either_value_is_missing"}, "warn", "record", "min_age_years ≤ max_age_years"),
    Check("trial", "ExpectColumnPairValuesAToBeGreaterThanB",
          {"column_A": "completion_date", "column_B": "start_date", "or_equal": True,
           "ignore_row_if": "either_value_is_missing"}, "warn", "record", "start_date ≤ completion_date"),
    Check("trial", "ExpectColumnValuesToBeBetween", {"column": "enrollment", "min_value": 0, "max_value": 100_000},
          "warn", "record", "enrollment in a sane range (0–100,000)"),
    Check("trial", "ExpectColumnValuesToBeInSet", {"column": "_has_identity", "value_set": [True]}, "warn", "record",
          "a trial has a title or an NCT id"),
    Check("criterion", "ExpectColumnValuesToBeInSet", {"column": "_is_duplicate", "value_set": [False]}, "warn",
          "record", "no duplicate criteria within a trial"),
    # Row conditions read a column only when some check names it (the gate passes GX just those): `role` is in the
    # column list itself; `id_type`, `latitude`, `geo_source` and `removed` are named by their generated checks.
    Check("sponsor", "ExpectCompoundColumnsToBeUnique",
          {"column_list": ["trial_id", "role", RECORD_COLUMN], "row_condition": 'role == "LEAD"',
           "condition_parser": "pandas"}, "fail", "record", "at most one LEAD sponsor per trial"),
    Check("trial_identifier", "ExpectColumnValuesToNotBeNull",
          {"column": "registry", "row_condition": 'id_type == "REGISTRY"', "condition_parser": "pandas"},
          "fail", "record", "another registry's identifier names its registry"),
    Check("site", "ExpectColumnValuesToNotBeNull",
          {"column": "geo_source", "row_condition": "latitude == latitude", "condition_parser": "pandas"},
          "fail", "record", "site coordinates say where they come from"),
    Check("site", "ExpectColumnValuesToNotBeNull",
          {"column": "longitude", "row_condition": "latitude == latitude", "condition_parser": "pandas"},
          "fail", "record", "a site's latitude comes with its longitude"),
    Check("site", "ExpectColumnValuesToNotBeNull",
          {"column": "latitude", "row_condition": "longitude == longitude", "condition_parser": "pandas"},
          "fail", "record", "a site's longitude comes with its latitude"),
    Check("trial_country", "ExpectColumnValuesToBeInSet",
          {"column": "source", "value_set": ["REGISTRY"], "row_condition": "removed == True",
           "condition_parser": "pandas"}, "fail", "record", "only a registry's country list marks a country removed"),
    # The units of a variable are a closed set (its canonical unit, and ×ULN where the catalogue allows it). The
    # costliest check per row (≈ 3–5 s per 100k rows), but criterion_measure is a small table.
    Check("criterion_measure", "ExpectColumnPairValuesToBeInSet",
          {"column_A": "variable", "column_B": "unit", "value_pairs_set": allowed_unit_pairs()}, "fail", "record",
          "criterion_measure.unit is one its variable allows"),
)


def all_checks() -> list[Check]:
    """Every check of every star table, generated first, then hand-written."""
    out = []
    for table in STAR_TABLES:
        out += generated_checks(table)
    return out + list(HAND_WRITTEN)
