"""Unit and property tests of the `summary_with_criteria` layout (title, summary, one criterion per line)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timing import assert_near_linear
from transforms.errors import ParseError, TrialhouseError
from transforms.layouts import summary_with_criteria as layout
from transforms.record import ParsedTrial

SEED_LIKE = (
    "Consolidation Radiotherapy for Oligoresidual NSCLC: A Randomized Phase II Trial\n"
    "This study investigates whether adding radiotherapy \\[RT\\] benefits patients.\n"
    "• Voluntary signed written informed consent;\n"
    "• Age ≥ 18 years;\n"
    "⁃ Toxicities recovered to ≤ grade 1 (NCI-CTCAE v5.0);\n"
    "⁃ Laboratory values: a) Neutrophils ≥ 1.5×10\\^9/L b) Platelets ≥ 100×10\\^9/L"
)


def test_parse_seed_like_text() -> None:
    [trial] = layout.parse(SEED_LIKE, "seed.txt")
    assert trial.layout == "summary_with_criteria"
    assert trial.title == "Consolidation Radiotherapy for Oligoresidual NSCLC: A Randomized Phase II Trial"
    assert trial.brief_summary == "This study investigates whether adding radiotherapy [RT] benefits patients."
    assert [(c.kind, c.text) for c in trial.criteria] == [
        ("INCLUSION", "Voluntary signed written informed consent;"),
        ("INCLUSION", "Age ≥ 18 years;"),
        ("INCLUSION", "Toxicities recovered to ≤ grade 1 (NCI-CTCAE v5.0);"),  # `⁃ ` items count on their own
        ("INCLUSION", "Laboratory values: a) Neutrophils ≥ 1.5×10^9/L b) Platelets ≥ 100×10^9/L"),
    ]
    assert trial.eligibility_text is not None and trial.eligibility_text.startswith("• Voluntary")
    # Nothing else is stated: no NCT id, no guessed phase or allocation from the title.
    assert trial.nct_id is None and trial.phase is None and trial.allocation is None and trial.min_age_years is None


def test_numbered_items_and_escaped_numbers() -> None:
    text = "A Title\nA summary.\n1. Healthy male volunteers, age 20 to 55 years.\n2\\. BMI 19 to 27 kg/m2\n"
    [trial] = layout.parse(text, "n.txt")
    assert [c.text for c in trial.criteria] == ["Healthy male volunteers, age 20 to 55 years.", "BMI 19 to 27 kg/m2"]


def test_whole_eligibility_text_without_inclusion_header() -> None:
    text = ("A Title\nA summary.\nDISEASE CHARACTERISTICS:\nHistologically confirmed cancer\nPATIENT CHARACTERISTICS:\n"
            "Age:\n18 and over\nEXCLUSION CRITERIA:\n1. Pregnant")
    [trial] = layout.parse(text, "pdq.txt")
    assert [(c.kind, c.text) for c in trial.criteria] == [
        ("INCLUSION", "DISEASE CHARACTERISTICS: Histologically confirmed cancer"),
        ("INCLUSION", "PATIENT CHARACTERISTICS: Age: 18 and over"),
        ("EXCLUSION", "Pregnant"),  # an explicit header in the shown text is kept
    ]


def test_lines_are_never_joined_as_wrapped_text() -> None:
    text = "T\nS\n• Age over 18\nCollection eligibility\n• Consent"
    [trial] = layout.parse(text, "x.txt")
    assert [c.text for c in trial.criteria] == ["Age over 18", "Collection eligibility", "Consent"]


def test_robust_to_trailing_spaces_and_blank_lines() -> None:
    noisy = "\n".join(line + "  " for line in SEED_LIKE.split("\n")).replace("\n", "\n\n") + "\n\n\n"
    assert layout.detect(noisy)
    [trial] = layout.parse(noisy, "noisy.txt")
    [clean_trial] = layout.parse(SEED_LIKE, "seed.txt")
    assert trial.title == clean_trial.title and trial.criteria == clean_trial.criteria


def test_too_short_text_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        layout.parse("Only a title\n\n", "short.txt")


# ---------------------------------------------------------------- detect

CSV_ROW = (
    "Risk Factors for Acute Kidney Injury in Diabetic Patients\n"
    "incidence of AKI in diabetic patients\n"
    "Diabetes|Acute Kidney Injury\n"
    "DRUG: Metformin|OTHER: Standard care\n"
    "AKI incidence, rise of creatinine, 7 days\n"
    "\n"
    "incidence of AKI in diabetic patients"
)


@pytest.mark.parametrize("text", [
    CSV_ROW,
    CSV_ROW.replace("DRUG: Metformin|OTHER: Standard care", ""),  # an observational row: no interventions
    CSV_ROW.replace("\n", "\n\n"),  # a row with doubled blank lines
    '{"protocolSection": {}}',
    "<?xml version='1.0'?>\n<clinical_study>\n</clinical_study>\n",
    "Trial Title:\nA trial\nNCT ID:\nNCT01978912\nCondition:\nPain\n",
    "A trial\n\nNCT ID: NCT05244486\n\nLast Updated: 2023-09-13\n\nRecruitment Status\n\nRECRUITING\n",
    "The goal is to learn.\nThis study is randomized.\nStudy Type\nINTERVENTIONAL\nAllocation\nRANDOMIZED\n",
    "NCT Number,Study Title,Study URL\nNCT05889338,Effect,https://clinicaltrials.gov/study/NCT05889338\n",
    "A title\nA summary only",
    "",
])
def test_other_layouts_texts_are_never_read_as_summaries(text: str) -> None:
    from transforms.layouts import detect_layout

    chosen = detect_layout(text)
    assert chosen is None or chosen.NAME != "summary_with_criteria"


@pytest.mark.parametrize("text", [
    SEED_LIKE,
    "[18F]FDG PET in Lymphoma\nA summary.\n• Adults",  # a title starting with a bracket is not JSON
    "A Title\nA summary.\nChildren with food allergy; healthy volunteers",
    "A Title\nA summary.\n1\\. Ante-natal inclusion\n2\\. Consent\n3. Age\n4. Sex\n5. BMI",  # 7 lines, not a row
])
def test_detect_accepts_this_layout(text: str) -> None:
    assert layout.detect(text)


# ---------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=400),
                 st.lists(st.sampled_from(["T", "S", "• a", "⁃ b", "1. c", "\n", "\n\n", "DRUG: x", "|", ":", "{"]),
                          max_size=40).map("".join)))
def test_detect_and_parse_raise_only_typed_errors(text: str) -> None:
    accepted = layout.detect(text)
    try:
        trials = layout.parse(text, "fuzz.txt")
    except TrialhouseError:
        return
    assert len(trials) == 1
    if accepted:
        assert trials[0].title


def test_parse_time_is_near_linear() -> None:
    head = "A title\nA summary.\n"
    unit = "• 1\\. a b (c) d:\n⁃ e * * * f\n2) g\nExclusion Criteria:\n((((( - - - i. ii.\n"

    def run(n: int) -> None:
        layout.detect(head + unit * n)
        layout.parse(head + unit * n, "big.txt")

    assert_near_linear(lambda: run(50), lambda: run(1000))


def test_header_line_and_blank_lines_are_not_a_csv_row() -> None:
    """Seven lines with the fourth blank are a CSV row only when the outcome lines hold no bullets."""
    text = ("A Study of Sildenafil in Hemodialysis\nThe study evaluates sildenafil.\nINCLUSION CRITERIA\n\n"
            "* Stable relationship for at least 6 months\n* Creatinine clearance ≤10 ml/min\n")
    assert layout.detect(text)
    [trial] = layout.parse(text, "s.txt")
    assert isinstance(trial, ParsedTrial)
    assert [(c.kind, c.text) for c in trial.criteria] == [
        ("INCLUSION", "Stable relationship for at least 6 months"), ("INCLUSION", "Creatinine clearance ≤10 ml/min")]
