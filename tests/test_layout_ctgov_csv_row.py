"""Unit and property tests of the `ctgov_csv_row` layout (seven positional lines)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timing import assert_near_linear
from transforms.errors import TrialhouseError
from transforms.layouts import ctgov_csv_row as layout
from transforms.layouts import detect_layout

ROW = "\n".join([
    "Aspirin for Headache",
    "A short summary of the study.",
    "Headache|Migraine",
    "DRUG: Aspirin|DRUG: Placebo|DRUG: Aspirin|Behavioral: Diary",
    "Pain score, Pain on a 0-10 scale., Baseline, week 12",
    "Adverse events, 30 days|Quality of life, SF-36 questionnaire., 12 months",
    "A longer detailed description.",
])


def test_detect_accepts_a_row() -> None:
    assert layout.detect(ROW)
    assert detect_layout(ROW) is layout


def test_parse_fields() -> None:
    [trial] = layout.parse(ROW, "row.txt")
    assert trial.title == "Aspirin for Headache"
    assert trial.nct_id is None
    assert trial.brief_summary == "A short summary of the study."
    assert trial.detailed_description == "A longer detailed description."
    assert trial.conditions == ["Headache", "Migraine"]
    assert [(i.intervention_type, i.name) for i in trial.interventions] == [
        ("DRUG", "Aspirin"), ("DRUG", "Placebo"), ("BEHAVIORAL", "Diary")]
    assert [(o.kind, o.measure, o.time_frame) for o in trial.outcomes] == [
        ("PRIMARY", "Pain score", "Baseline, week 12"),
        ("SECONDARY", "Adverse events", "30 days"),
        ("SECONDARY", "Quality of life", "12 months"),
    ]


def test_summary_repeated_as_description_means_none() -> None:
    lines = ROW.split("\n")
    lines[6] = lines[1]
    [trial] = layout.parse("\n".join(lines), "row.txt")
    assert trial.detailed_description is None


@pytest.mark.parametrize("text", [ROW + "\n", ROW + "\n\n", "\n".join(ROW.split("\n")[:6])])
def test_trailing_newline_and_missing_last_line(text: str) -> None:
    assert layout.detect(text)
    [trial] = layout.parse(text, "row.txt")
    assert trial.title == "Aspirin for Headache"
    assert len(trial.outcomes) == 3


def test_empty_fields_are_empty_lines() -> None:
    text = "\n".join(["A Title", "Summary.", "Asthma", "", "", "", "Summary."])
    assert layout.detect(text)
    [trial] = layout.parse(text, "row.txt")
    assert trial.interventions == [] and trial.outcomes == [] and trial.detailed_description is None


def test_intervention_type_in_any_casing() -> None:
    text = ROW.replace("DRUG: Aspirin|DRUG: Placebo|DRUG: Aspirin|Behavioral: Diary", "drug: Aspirin|Dietary Supplement: Zinc")
    assert layout.detect(text)
    [trial] = layout.parse(text, "row.txt")
    assert [(i.intervention_type, i.name) for i in trial.interventions] == [
        ("DRUG", "Aspirin"), ("DIETARY_SUPPLEMENT", "Zinc")]


@pytest.mark.parametrize("text", [
    # summary_with_criteria: title, summary, then bullets
    "A Title\nSummary.\n• Age 18 or over\n• Signed consent\n• No pregnancy\n• Another\n• More",
    # a Label: dump
    "Trial Title:\nSomething\nStudy type:\nInterventional\nPhase:\nPhase 2\nEnrollment:",
    # line 4 is not interventions
    "A Title\nSummary.\nAsthma\nThis is not an intervention list\n\n\nSummary.",
    # too many lines
    "\n".join(["x"] * 12),
    "",
    "{\"protocolSection\": {}}",
])
def test_detect_rejects_other_shapes(text: str) -> None:
    assert not layout.detect(text)


def test_parse_rejects_wrong_shape() -> None:
    with pytest.raises(TrialhouseError):
        layout.parse("one\ntwo", "bad.txt")
    with pytest.raises(TrialhouseError):
        layout.parse("\nsummary\n\n\n\n\n", "bad.txt")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aB :|,.()•\\DRUG")), max_size=40), min_size=0, max_size=9))
def test_detect_and_parse_never_raise_untyped(lines: list[str]) -> None:
    text = "\n".join(lines)
    layout.detect(text)
    try:
        layout.parse(text, "fuzz.txt")
    except TrialhouseError:
        pass


def test_near_linear_time() -> None:
    def row(n: int) -> str:
        cell = "|".join(["Score (a, b), Sentence here, with commas., Baseline, week 12"] * n)
        return "\n".join(["T", "S", "|".join(["C"] * n), "|".join(["DRUG: x"] * n), cell, cell, "D"])

    assert_near_linear(lambda: layout.parse(row(20), "s"), lambda: layout.parse(row(400), "b"))


def test_blank_fourth_line_needs_a_stated_seventh() -> None:
    """Without interventions a row still states its 7th line (the detailed description, or the summary again);
    a summary-with-criteria text holding blank lines may show a blank 4th line too."""
    summary_like = "Oral Tolerance in Infants\nThis study aims to find a link.\nmale or female, age before 6 month\n\n" \
                   "Control group: male or female\n\n"
    assert not layout.detect(summary_like)
    row = "Title\nSummary.\nAsthma\n\nFEV1, Lung function, 12 weeks\n\nSummary."
    assert layout.detect(row)
