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
    # resolved by the load's winner rule, and the load checks the keys it wrote (expectations/cross.py).
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


def _true(table: str, column: str, level: str, name: str) -> Check:
    """A check that a derived boolean column (see `DERIVED`) holds on every row."""
    return Check(table, "ExpectColumnValuesToBeInSet", {"column": column, "value_set": [True]}, level, "record", name)


# Hand-written invariants the declarations cannot say. Those that relate several columns or rows read a boolean
# column the gate derives first (in Arrow, over the whole batch at once: `DERIVED`), so GX checks one simple set
# membership instead of evaluating a row condition or a pair of columns row by row (measured: 5–10× cheaper).
HAND_WRITTEN: tuple[Check, ...] = (
    Check("trial", "ExpectColumnPairValuesAToBeGreaterThanB",
          {"column_A": "max_age_years", "column_B": "min_age_years", "or_equal": True,
           "ignore_row_if": "either_value_is_missing"}, "warn", "record", "min_age_years ≤ max_age_years"),
    Check("trial", "ExpectColumnPairValuesAToBeGreaterThanB",
          {"column_A": "completion_date", "column_B": "start_date", "or_equal": True,
           "ignore_row_if": "either_value_is_missing"}, "warn", "record", "start_date ≤ completion_date"),
    Check("trial", "ExpectColumnValuesToBeBetween", {"column": "enrollment", "min_value": 0, "max_value": 100_000},
          "warn", "record", "enrollment in a sane range (0–100,000)"),
    _true("trial", "_has_identity", "warn", "a trial has a title or an NCT id"),
    Check("criterion", "ExpectColumnValuesToBeInSet", {"column": "_is_duplicate", "value_set": [False]}, "warn",
          "record", "no duplicate criteria within a trial"),
    _true("sponsor", "_one_lead", "fail", "at most one LEAD sponsor per trial"),
    _true("trial_identifier", "_registry_named", "fail", "another registry's identifier names its registry"),
    _true("site", "_whole_point", "fail", "a site's coordinates come in pairs and say where they come from"),
    _true("trial_country", "_removed_by_registry", "fail", "only a registry's country list marks a country removed"),
    # The units of a variable are a closed set (its canonical unit, and ×ULN where the catalogue allows it).
    _true("criterion_measure", "_unit_allowed", "fail", "criterion_measure.unit is one its variable allows"),
    _true("criterion_measure", "_kind_with_condition", "warn",
          "criterion_measure.condition_kind is set exactly when condition_text is"),
)

# Derived boolean columns, (table, column) → the Arrow columns it is computed from; expectations/gate.py computes
# each (`derive_column`) before GX runs.
DERIVED: dict[tuple[str, str], tuple[str, ...]] = {
    ("trial", "_has_identity"): ("title", "nct_id"),
    ("criterion", "_is_duplicate"): ("trial_id", "kind", "text"),
    ("sponsor", "_one_lead"): ("trial_id", "role", RECORD_COLUMN),
    ("trial_identifier", "_registry_named"): ("id_type", "registry"),
    ("site", "_whole_point"): ("latitude", "longitude", "geo_source"),
    ("trial_country", "_removed_by_registry"): ("removed", "source"),
    ("criterion_measure", "_unit_allowed"): ("variable", "unit"),
    ("criterion_measure", "_kind_with_condition"): ("condition_text", "condition_kind"),
}
ALLOWED_UNIT_PAIRS = tuple(f"{variable}|{unit}" for variable, unit in allowed_unit_pairs())


def all_checks() -> list[Check]:
    """Every check of every star table, generated first, then hand-written."""
    out = []
    for table in STAR_TABLES:
        out += generated_checks(table)
    return out + list(HAND_WRITTEN)
