"""Golden pairs are the spec: every tests/golden/<layout>/<case>.<ext> parses to <case>.expected.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden_io import golden_record

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.rglob("*") if p.is_file() and not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("raw", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden_pair(raw: Path) -> None:
    expected = json.loads(raw.with_name(raw.stem + ".expected.json").read_text(encoding="utf-8"))
    layout, got = golden_record(raw.read_bytes(), raw.name)
    assert layout == raw.parent.name
    assert got == expected


def test_every_layout_has_goldens() -> None:
    from transforms.layouts import REGISTRY

    have = {p.parent.name for p in CASES}
    assert {m.NAME for m in REGISTRY} <= have, f"layouts without golden files: {sorted({m.NAME for m in REGISTRY} - have)}"
