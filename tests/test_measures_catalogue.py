"""schemas.measures: the variable catalogue is consistent data, and what is built from it (units, checks) agrees."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from expectations.suites import HAND_WRITTEN
from schemas.measures import (
    CATALOGUE,
    ULN,
    UNITS,
    VARIABLES,
    allowed_unit_pairs,
    catalogue_rows,
)
from schemas.other_names import OTHER_NAMES
from transforms.measures import converter
from transforms.measures.convert import bare_unit, to_canonical

ROOT = Path(__file__).resolve().parents[1]
VARIABLE_IDS = sorted(CATALOGUE)


def test_variables_are_the_catalogue() -> None:
    assert VARIABLES == {name: var.unit for name, var in CATALOGUE.items()}
    assert {row["variable"] for row in catalogue_rows()} == set(CATALOGUE)


@pytest.mark.parametrize("name", VARIABLE_IDS)
def test_every_accepted_unit_converts(name: str) -> None:
    var = CATALOGUE[name]
    assert var.unit in UNITS
    assert converter(name, var.unit)(7.0) == pytest.approx(7.0)
    for unit in var.accepted_units():
        assert unit in UNITS, unit
        assert converter(name, unit) is not None, unit
    for limit, unit in var.bare:
        assert unit is None or unit in var.accepted_units(), (limit, unit)
    low, high = var.plausible
    assert low < high
    if var.scale is not None:
        assert low <= var.scale[0] < var.scale[1] <= high
    for grade, (first, last) in var.grades.items():
        assert var.scale is not None and var.scale[0] <= first <= last <= var.scale[1], grade


def test_names_belong_to_one_variable_and_are_not_also_other_names() -> None:
    seen: dict[str, str] = {}
    for var in CATALOGUE.values():
        for name in var.names:
            key = name.lower().replace("-", " ")
            assert seen.setdefault(key, var.name) == var.name, (name, seen[key], var.name)
    assert not set(seen) & {n.lower().replace("-", " ") for n in OTHER_NAMES}


def test_conversions_for_patient_entered_units() -> None:
    assert converter("total_bilirubin", "mg/dL")(1.0) == pytest.approx(17.1, rel=1e-3)
    assert converter("creatinine", "mg/dL")(1.0) == pytest.approx(88.4, rel=1e-3)
    assert converter("fasting_glucose", "mg/dL")(126) == pytest.approx(6.99, rel=1e-3)
    assert converter("platelets", "/µL")(150_000) == pytest.approx(150)
    assert converter("hemoglobin", "g/dL")(12) == pytest.approx(120)
    assert converter("body_temperature", "°F")(98.6) == pytest.approx(37.0)
    assert converter("weight", "lb")(220) == pytest.approx(99.79, rel=1e-3)
    assert converter("calcium", "mEq/L")(5) == pytest.approx(2.5)
    assert converter("hba1c", "mmol/mol")(53) == pytest.approx(7.0, abs=0.01)
    assert converter("ast", "mg/dL") is None  # no conversion between an enzyme activity and a mass
    assert converter("anc", "copies/mL") is None  # same dimension, but not a unit the variable is written in


def test_bare_numbers_take_the_unit_their_size_implies() -> None:
    assert bare_unit(CATALOGUE["platelets"], 150) == "10^9/L"
    assert bare_unit(CATALOGUE["platelets"], 150_000) == "/µL"
    assert bare_unit(CATALOGUE["total_bilirubin"], 1.5) == "mg/dL"
    assert bare_unit(CATALOGUE["total_bilirubin"], 12) is None  # neither 12 mg/dL nor 12 µmol/L is safe
    assert to_canonical("ast", 2.5, None) is None  # a multiple of ULN or U/L? neither
    assert to_canonical("ast", 40, None) == (40, "U/L")


def test_allowed_unit_pairs_are_the_canonical_unit_and_uln_where_allowed() -> None:
    pairs = set(allowed_unit_pairs())
    assert ("ast", "U/L") in pairs and ("ast", ULN) in pairs
    assert ("age", "years") in pairs and ("age", ULN) not in pairs
    assert len(pairs) == len(CATALOGUE) + sum(var.uln for var in CATALOGUE.values())


def test_the_gate_checks_units_against_the_catalogue() -> None:
    import pyarrow as pa

    from expectations.gate import derive_column
    from expectations.suites import ALLOWED_UNIT_PAIRS

    [check] = [c for c in HAND_WRITTEN if c.table == "criterion_measure" and c.kwargs.get("column") == "_unit_allowed"]
    assert check.level == "fail"
    assert {tuple(p.split("|")) for p in ALLOWED_UNIT_PAIRS} == set(allowed_unit_pairs())
    rows = pa.table({"variable": ["ast", "ast", "anc", "anc"], "unit": ["×ULN", "mg/dL", "10^9/L", None]})
    assert derive_column("_unit_allowed", rows).to_pylist() == [True, False, True, False]


def test_schemas_is_the_ground_floor() -> None:
    tree = ast.parse((ROOT / "schemas" / "measures.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("transforms", "expectations", "warehouse",
                                                                      "flows", "pint")}
