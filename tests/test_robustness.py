"""Parsers read a perturbed file (re-spelled enums and dates, other bullets, headers and wrap width, blank lines,
trailing spaces, NBSPs, CRLF, BOM, cp1252/latin-1/UTF-16, optional sections left out) as they read the original.

Each perturbation of tests/perturb.py is applied on its own, then all of them at once, to a few dev-corpus files
per layout; the record parsed from the perturbed bytes must equal the record parsed from the original in every
field the scorer reads (minus the fields a left-out section no longer states).
"""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest

from tests import perturb
from transforms.decode import decode
from transforms.layouts import detect_layout
from transforms.record import ParsedTrial

FILES_PER_LAYOUT = 4
SCALARS = ("nct_id", "title", "overall_status", "phase", "study_type", "allocation", "intervention_model",
           "primary_purpose", "masking", "enrollment", "start_date", "completion_date", "min_age_years",
           "max_age_years", "sex", "healthy_volunteers")


def scored_view(trial: ParsedTrial) -> dict:
    """What the scorer reads of a record."""
    view: dict = {f"trial.{name}": getattr(trial, name) for name in SCALARS}
    view["conditions"] = trial.conditions
    view["interventions"] = sorted((iv.intervention_type or "", iv.name) for iv in trial.interventions)
    view["arms"] = [(a.label, a.arm_type, sorted(a.intervention_names)) for a in trial.arms]
    view["criteria"] = [(c.kind, c.text) for c in trial.criteria]
    view["outcomes"] = [(o.kind, o.measure, o.time_frame) for o in trial.outcomes]
    view["sites"] = [(s.facility, s.city, s.state, s.country, s.status) for s in trial.sites]
    return view


def parse_bytes(data: bytes, name: str) -> tuple[str | None, list[dict]]:
    """The layout's own parse (not parse_text, which also fills fields from the narrative: a left-out section's
    field may be found there)."""
    text = decode(data, name).text
    layout = detect_layout(text)
    if layout is None:
        return None, []
    return layout.NAME, [scored_view(r) for r in layout.parse(text, name) if isinstance(r, ParsedTrial)]


def first_rows(text: str, n: int) -> str:
    """A CSV text cut to its header and first `n` rows (quoted cells may hold newlines)."""
    head = text.split("\n", 1)[0]
    dialect = csv.excel_tab if head.count("\t") > head.count(",") else csv.excel
    out = io.StringIO()
    writer = csv.writer(out, dialect=dialect, lineterminator="\n")
    for k, row in enumerate(csv.reader(io.StringIO(text), dialect=dialect)):
        if k > n:
            break
        writer.writerow(row)
    return out.getvalue()


def corpus_files(shared: Path, layout: str, n: int) -> list[Path]:
    folder = shared / "corpus" / "dev" / "raw" / layout
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    if not files:
        pytest.skip(f"no {layout} files in {folder}")
    step = max(1, len(files) // n)
    return files[::step][:n]


def _cases() -> list[tuple[str, str]]:
    cases = []
    for layout, perturbations in perturb.PERTURBATIONS.items():
        cases += [(layout, p.__name__) for p in perturbations]
        cases += [(layout, d.__name__) for d in perturb.DROPS.get(layout, ())]
        cases.append((layout, "all"))
    return cases


@pytest.mark.parametrize("layout, name", _cases())
def test_text_perturbation_keeps_record(shared_dir: Path, layout: str, name: str) -> None:
    drops = {d.__name__: d for d in perturb.DROPS.get(layout, ())}
    for path in corpus_files(shared_dir, layout, FILES_PER_LAYOUT):
        text = decode(path.read_bytes(), path.name).text
        _, expected = parse_bytes(text.encode("utf-8"), path.name)
        for seed in range(3):
            rng = random.Random(f"{seed}/{path.name}/{name}")
            nulls: list[str] = []
            if name == "all":
                data, applied, nulls = perturb.perturb_file(text, layout, rng, drop_probability=0.5)
            elif name in drops:
                changed, nulls = drops[name](text, rng)
                data, applied = changed.encode("utf-8"), [name]
            else:
                changed, applied = perturb.perturb_text(text, layout, rng, only=(name,))
                data = changed.encode("utf-8")
            got_layout, got = parse_bytes(data, path.name)
            assert got_layout == layout, f"{path.name} after {applied} detected as {got_layout}"
            want = [{k: (None if k in nulls and k.startswith("trial.") else [] if k in nulls else v)
                     for k, v in record.items()} for record in expected]
            for key in want[0] if want else ():
                assert [r[key] for r in got] == [r[key] for r in want], f"{path.name} {key} after {applied}"


@pytest.mark.parametrize("layout", perturb.STRUCTURED_LAYOUTS + perturb.TEXT_LAYOUTS)
@pytest.mark.parametrize("encoding", perturb.ENCODINGS)
def test_encoding_and_line_ends_keep_record(shared_dir: Path, layout: str, encoding: str) -> None:
    for path in corpus_files(shared_dir, layout, 2):
        text = decode(path.read_bytes(), path.name).text
        if layout == "ctgov_csv_export":  # its first rows are enough (a whole export takes seconds per encoding)
            text = first_rows(text, 12)
        _, expected = parse_bytes(text.encode("utf-8"), path.name)
        data, how = perturb.encode(text, random.Random(path.name), encoding=encoding, crlf=True)
        got_layout, got = parse_bytes(data, path.name)
        assert got_layout == layout and got == expected, f"{path.name} written as {how}"


def test_spellings_map_back_to_the_same_value() -> None:
    assert "Phase II" in perturb.spellings("phase", "PHASE2")
    assert "Not yet recruiting" in perturb.spellings("status", "NOT_YET_RECRUITING")
    assert "December 31, 2022" in perturb.spellings("date", "2022-12-31")
    assert "Dec 2022" in perturb.spellings("date", "December 2022")
    assert "None (Open Label)" in perturb.spellings("masking", "NONE")
