"""No record is lost for one field: a failing sub-parser costs its field (with an `ingest_issue`), a derived value
that contradicts itself is left out, and shapes of real-world criteria never break the splitter."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import criteria
from transforms.criteria import split_eligibility, unsplit_blocks
from transforms.issues import collecting
from transforms.layouts import detect_layout, parse_text
from transforms.record import Criterion, ParsedTrial
from transforms.shape import SourceRecord, shape_trial

STUDY = ('{"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A trial"},'
         ' "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\\n\\n* Adults\\n\\nExclusion Criteria:'
         '\\n\\n* Pregnant\\n* Smokers"}}}')


def test_a_failing_criteria_splitter_keeps_the_record_with_an_issue(monkeypatch):
    def broken(*_args):
        raise TypeError("ord() expected a character, but string of length 2 found")

    monkeypatch.setattr(criteria, "_Builder", broken)  # any internal failure of the splitter
    layout, [trial] = parse_text(STUDY, "study.json")
    assert layout == "ctgov_json" and isinstance(trial, ParsedTrial) and trial.nct_id == "NCT01234567"
    assert [(c.kind, c.text) for c in trial.criteria] == [("INCLUSION", "* Adults"), ("EXCLUSION", "* Pregnant * Smokers")]
    [issue] = trial.issues
    assert (issue.field, issue.severity) == ("criteria", "ERROR") and "TypeError" in issue.message
    rows = shape_trial(SourceRecord(trial, "study.json", "0" * 64, 0, "run"))
    assert [(r["field"], r["source_file"]) for r in rows["ingest_issue"]] == [("criteria", "study.json")]


def test_unsplit_blocks_cut_at_the_exclusion_header():
    assert unsplit_blocks("Inclusion:\n- a\nEXCLUSION CRITERIA:\n- b") == [Criterion("INCLUSION", "Inclusion: - a"),
                                                                         Criterion("EXCLUSION", "- b")]
    assert unsplit_blocks("just text") == [Criterion("INCLUSION", "just text")]
    assert unsplit_blocks("  ") == []


def test_issues_outside_a_record_are_dropped_quietly():
    assert split_eligibility("Inclusion Criteria:\n* a") == [Criterion("INCLUSION", "a")]
    with collecting() as issues:
        split_eligibility("Inclusion Criteria:\n* a")
    assert issues == []


def test_roman_numbered_items_beyond_three_are_items():
    text = "Inclusion Criteria:\n" + "\n".join(f"{r}. item {n}" for n, r in enumerate(
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV"], start=1))
    assert [c.text for c in split_eligibility(text)] == [f"item {n}" for n in range(1, 15)]


@pytest.mark.parametrize("texts", [
    ("Aged 18 years or older", "Aged < 6 years"),  # infants and their parents
    ("Age > 50 years", "Age =< 50 years of age"),  # two cohorts: the bounds meet only at an edge one excludes
])
def test_contradicting_ages_in_the_criteria_are_not_derived(texts: tuple[str, str]):
    trial = ParsedTrial(layout="summary_with_criteria", title="Two groups by age",
                        criteria=[Criterion("INCLUSION", text) for text in texts])
    rows = shape_trial(SourceRecord(trial, "a.txt", "0" * 64, 0, "run"))
    assert (rows["trial"][0]["min_age_years"], rows["trial"][0]["max_age_years"]) == (None, None)
    assert [r["field"] for r in rows["ingest_issue"]] == ["min_age_years"]
    assert {m["condition_kind"] for m in rows["criterion_measure"]} == {"DISJOINT"}  # read together: alternatives


def test_agreeing_ages_in_the_criteria_are_derived():
    trial = ParsedTrial(layout="summary_with_criteria", title="Adults", criteria=[
        Criterion("INCLUSION", "Aged 18 to 65 years")])
    row = shape_trial(SourceRecord(trial, "a.txt", "0" * 64, 0, "run"))["trial"][0]
    assert (row["min_age_years"], row["max_age_years"]) == (18, 65)


def test_a_csv_row_with_only_title_and_summary_is_read():
    text = "Walking after stroke\nA study of walking speed after stroke.\n\n\n\n\n\n"
    layout, [trial] = parse_text(text, "row.txt")
    assert layout == "ctgov_csv_row"
    assert (trial.title, trial.brief_summary) == ("Walking after stroke", "A study of walking speed after stroke.")


MARKERS = st.sampled_from(["*", "-", "•", "⁃", "1.", "2)", "(3)", "a.", "b)", "(c)", "i.", "ii)", "iv.", "IX.", "XI.",
                           "XIV)", "xii.", "1\\.", "* 1\\.", "A.", "VX.", "IIX)", "3.1", "-", ""])
LINE = st.tuples(st.integers(0, 8), MARKERS, st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
HEADERS = st.sampled_from(["", "Inclusion Criteria:", "Exclusion Criteria:", "Key inclusion criteria", "Criteria:"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(LINE, HEADERS), max_size=30))
def test_the_splitter_never_fails_on_real_world_shaped_lists(lines):
    text = "\n".join(line if isinstance(line, str) else " " * line[0] + f"{line[1]} {line[2]}" for line in lines)
    with collecting() as issues:
        out = split_eligibility(text)
    assert issues == [], issues  # the guard is a net, not the way it works
    assert all(c.kind in ("INCLUSION", "EXCLUSION") and c.text for c in out)


def test_every_dev_corpus_file_yields_its_records(shared_dir: Path):
    lost = []
    for path in sorted((shared_dir / "corpus" / "dev" / "raw").rglob("*")):
        if not path.is_file():
            continue
        from transforms.decode import decode

        text = decode(path.read_bytes(), path.name).text
        layout = detect_layout(text)
        if layout is None:
            lost.append((path.name, "no layout"))
            continue
        results = parse_text(text, path.name)[1]
        if not results or not all(isinstance(r, ParsedTrial) and not r.issues for r in results):
            lost.append((path.name, [str(r) for r in results if not isinstance(r, ParsedTrial)][:1]))
    assert lost == []


@pytest.mark.parametrize("text", ["Title only\n\n\n\n\n\n", "T\nS\n\n\n\n\n"])
def test_sparse_rows_are_csv_rows_not_unknown(text):
    layout = detect_layout(text)
    assert layout is not None and layout.NAME == "ctgov_csv_row"
