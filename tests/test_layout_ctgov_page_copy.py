"""Unit and property tests of the `ctgov_page_copy` layout (CT.gov study page copied as text)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timing import assert_near_linear
from transforms.errors import TrialhouseError
from transforms.layouts import ctgov_page_copy as layout
from transforms.layouts import detect_layout

DISCLAIMER = ("This platform is for informational purposes only and does not constitute medical advice. "
              "Always consult a qualified healthcare professional.")

PAGE = "\n".join([
    "A brief summary of the trial.",
    "A detailed description of the trial.",
    "Study Type", "INTERVENTIONAL",
    "Allocation", "RANDOMIZED",
    "Purpose", "TREATMENT",
    "Masking", "DOUBLE",
    "Enrollment", "120",
    "Drug A given orally once daily.",
    "Matching placebo tablets.",
    "City Hospital, Department of Oncology",
    "Boston, Massachusetts, United States",
    "RECRUITINGUniversity Clinic",
    "Seoul, Korea, Republic of",
    "NOT_YET_RECRUITINGHospital Without State",
    "Lyon, France",
    "RECRUITINGProgression-free survival",
    "Time from randomization to progression or death.",
    "Time frame: Up to 24 months",
    "Overall survival",
    "Time frame: Up to 5 years",
    "Quality of life",
    "EORTC QLQ-C30 global score.",
    "Time frame: Baseline, week 12",
    DISCLAIMER,
])


def test_detect_accepts_a_page() -> None:
    assert layout.detect(PAGE)
    assert detect_layout(PAGE) is layout


def test_parse_design_fields() -> None:
    [trial] = layout.parse(PAGE, "page.txt")
    assert trial.title is None and trial.nct_id is None and trial.overall_status is None
    assert trial.brief_summary == "A brief summary of the trial."
    assert trial.detailed_description == "A detailed description of the trial."
    assert (trial.study_type, trial.allocation, trial.primary_purpose, trial.masking, trial.enrollment) == (
        "INTERVENTIONAL", "RANDOMIZED", "TREATMENT", "DOUBLE", 120)


def test_parse_sites_with_glued_status() -> None:
    [trial] = layout.parse(PAGE, "page.txt")
    assert [(s.facility, s.city, s.state, s.country, s.status) for s in trial.sites] == [
        ("City Hospital, Department of Oncology", "Boston", "Massachusetts", "United States", "RECRUITING"),
        ("University Clinic", "Seoul", None, "Korea, Republic of", "NOT_YET_RECRUITING"),
        ("Hospital Without State", "Lyon", None, "France", "RECRUITING"),
    ]


def test_parse_outcomes_first_is_primary() -> None:
    [trial] = layout.parse(PAGE, "page.txt")
    assert [(o.kind, o.measure, o.description, o.time_frame) for o in trial.outcomes] == [
        ("PRIMARY", "Progression-free survival", "Time from randomization to progression or death.", "Up to 24 months"),
        ("SECONDARY", "Overall survival", None, "Up to 5 years"),
        ("SECONDARY", "Quality of life", "EORTC QLQ-C30 global score.", "Baseline, week 12"),
    ]


def test_readable_casing_and_missing_sections() -> None:
    text = "\n".join([
        "Summary only, no detailed description.",
        "Study type", "Observational",
        "Enrollment", "45 participants",
        "Mayo Clinic",
        "Rochester, Minnesota, United States",
        "Recruiting",
        "Bone density",
        "Time frame: 2 years",
        DISCLAIMER,
    ])
    assert layout.detect(text)
    [trial] = layout.parse(text, "p.txt")
    assert trial.detailed_description is None
    assert (trial.study_type, trial.enrollment, trial.allocation) == ("OBSERVATIONAL", 45, None)
    assert [(s.facility, s.status) for s in trial.sites] == [("Mayo Clinic", "RECRUITING")]
    assert [(o.kind, o.measure, o.time_frame) for o in trial.outcomes] == [("PRIMARY", "Bone density", "2 years")]


@pytest.mark.parametrize("spelling", ["Not_Yet_Recruiting", "not yet recruiting", "NOT YET RECRUITING"])
def test_a_status_alone_on_its_line_in_any_spelling(spelling: str) -> None:
    text = "\n".join(["Summary.", "Study type", "Interventional", "Enrollment", "10", "Mayo Clinic",
                      "Rochester, Minnesota, United States", spelling, "Bone density", "Time frame: 2 years",
                      DISCLAIMER])
    [trial] = layout.parse(text, "p.txt")
    assert [(s.facility, s.status) for s in trial.sites] == [("Mayo Clinic", "NOT_YET_RECRUITING")]
    assert [o.measure for o in trial.outcomes] == ["Bone density"]


def test_no_sites_first_outcome_after_intervention_descriptions() -> None:
    text = "\n".join([
        "Summary.", "Study Type", "INTERVENTIONAL", "Enrollment", "20",
        "10 mg taken orally before bed",
        "Matching placebo",
        "Sleep latency",
        "Time frame: 4 weeks",
        DISCLAIMER,
    ])
    [trial] = layout.parse(text, "p.txt")
    assert trial.sites == []
    assert [(o.measure, o.description) for o in trial.outcomes] == [("Sleep latency", None)]


def test_facility_named_after_its_country() -> None:
    text = "\n".join([
        "Summary.", "Study Type", "INTERVENTIONAL", "Enrollment", "20",
        "National Institute, Ministry of Health, Brazil",
        "Rio de Janeiro, Brazil",
        "Blood pressure",
        "Time frame: 30 days",
        DISCLAIMER,
    ])
    [trial] = layout.parse(text, "p.txt")
    assert [(s.facility, s.city, s.country) for s in trial.sites] == [
        ("National Institute, Ministry of Health, Brazil", "Rio de Janeiro", "Brazil")]
    assert [o.measure for o in trial.outcomes] == ["Blood pressure"]


def test_no_outcomes_status_glued_to_disclaimer() -> None:
    text = "\n".join(["Summary.", "Study Type", "INTERVENTIONAL", "Enrollment", "5",
                      "Clinic", "Oslo, Norway", "WITHDRAWN" + DISCLAIMER])
    [trial] = layout.parse(text, "p.txt")
    assert [(s.city, s.status) for s in trial.sites] == [("Oslo", "WITHDRAWN")]
    assert trial.outcomes == []


@pytest.mark.parametrize("text", [
    "Trial Title:\nX\nStudy type:\nInterventional\nPhase:\nPhase 2",
    "Title\nSummary\nConditions\nDRUG: x\n\n\nSummary",
    "Study Type\nINTERVENTIONAL\nEnrollment\n3",  # no summary before the label block
    "Summary\nStudy Type\nnot a study type",
    "",
])
def test_detect_rejects_other_shapes(text: str) -> None:
    assert not layout.detect(text)


def test_parse_without_label_block_raises_typed_error() -> None:
    with pytest.raises(TrialhouseError):
        layout.parse("just\nsome\ntext", "x.txt")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "Study Type", "INTERVENTIONAL", "Enrollment", "12", "Masking", "Boston, United States", "Clinic",
    "RECRUITINGX", "Time frame: 1 year", "Measure", "", "Seoul, Korea, Republic of", "a, b, c", DISCLAIMER,
]) | st.text(max_size=30), max_size=30))
def test_detect_and_parse_never_raise_untyped(lines: list[str]) -> None:
    text = "\n".join(lines)
    if layout.detect(text):
        layout.parse(text, "fuzz.txt")
    try:
        layout.parse(text, "fuzz.txt")
    except TrialhouseError:
        pass


def test_near_linear_time() -> None:
    def page(n: int) -> str:
        sites = ["Clinic", "Boston, Massachusetts, United States", "RECRUITINGClinic", "Lyon, France"] * n
        outcomes = ["Measure", "Description.", "Time frame: 1 year"] * n
        return "\n".join(["S", "Study Type", "INTERVENTIONAL", "Enrollment", "1", *sites, *outcomes, DISCLAIMER])

    assert_near_linear(lambda: layout.parse(page(20), "s"), lambda: layout.parse(page(400), "b"))


def test_blank_lines_between_labels_and_values() -> None:
    """A copy holding a blank line between each label and its value (and elsewhere) reads the same."""
    spaced = "\n\n" + PAGE.replace("\n", "\n\n") + "\n\n"
    assert layout.detect(spaced)
    [got] = layout.parse(spaced, "spaced.txt")
    [want] = layout.parse(PAGE, "page.txt")
    assert got == want
