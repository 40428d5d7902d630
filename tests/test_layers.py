"""Layers one way: schemas/ imports nothing above it, transforms/ is pure (no Prefect, DuckDB, files written by the
layers above), and nothing reaches into private interpreter or Prefect internals."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRODUCT = ("flows", "transforms", "schemas", "expectations", "warehouse", "dashboard")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package, forbidden", [
    ("schemas", ("transforms", "expectations", "warehouse", "flows", "dashboard", "prefect", "duckdb")),
    ("transforms", ("expectations", "warehouse", "flows", "dashboard", "prefect", "duckdb", "great_expectations")),
    ("expectations", ("warehouse", "flows", "dashboard", "prefect")),
    ("warehouse", ("flows", "dashboard", "prefect")),
])
def test_a_layer_imports_nothing_above_it(package, forbidden):
    offending = {f"{path.relative_to(ROOT)}: {name}" for path in _modules(package) for name in _imports(path)
                 if name.split(".")[0] in forbidden}
    assert not offending


def test_no_private_internals_of_python_or_prefect():
    private = ("re._parser", "re._constants", "sre_parse", "threading._shutdown", "atexit._run_exitfuncs", "os._exit",
               "PREFECT__", "prefect.utilities.annotations", "_private")
    found = [f"{path.relative_to(ROOT)}: {word}" for package in PRODUCT for path in _modules(package)
             for word in private if word in path.read_text(encoding="utf-8")]
    assert not found


def test_no_product_module_is_over_600_lines():
    long = [f"{path.relative_to(ROOT)}: {n}" for package in PRODUCT for path in _modules(package)
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600]
    assert not long
