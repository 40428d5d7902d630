"""Unit and property tests of the CSV outcome-cell splitter (transforms.outcomes)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timing import assert_near_linear
from transforms.outcomes import split_outcome_cell


def _triples(cell: str, kind: str = "PRIMARY") -> list[tuple[str, str | None, str | None]]:
    return [(o.measure, o.description, o.time_frame) for o in split_outcome_cell(cell, kind)]


def test_empty_and_none_cells_give_nothing() -> None:
    assert split_outcome_cell(None, "PRIMARY") == []
    assert split_outcome_cell("", "PRIMARY") == []
    assert split_outcome_cell("  |  ", "SECONDARY") == []


def test_measure_description_time_frame() -> None:
    cell = "Overall survival, Time from randomization to death from any cause., Up to 5 years"
    assert _triples(cell) == [("Overall survival", "Time from randomization to death from any cause.", "Up to 5 years")]


def test_kind_is_passed_through() -> None:
    assert {o.kind for o in split_outcome_cell("A score, 12 weeks|B score, 24 weeks", "SECONDARY")} == {"SECONDARY"}


def test_measure_and_time_frame_without_description() -> None:
    assert _triples("Pain score, 12 months") == [("Pain score", None, "12 months")]


def test_surgical_time_frames_without_a_number() -> None:
    cell = ("Documentation of Complications, Documentation of complications if any occurred incl. classification in "
            "relation to implant, intra-op|Examination of clinical performance, Evaluation by means of X-ray images "
            "and, if necessary, supplementary sectional imaging, pre-op")
    assert [t[2] for t in _triples(cell)] == ["intra-op", "pre-op"]


def test_without_a_time_frame_the_part_is_the_measure() -> None:
    # registered before time frames were required: the measure alone, commas and all
    assert _triples("Exploratory endpoints, such as quality of life and sexual function.") == [
        ("Exploratory endpoints, such as quality of life and sexual function.", None, None)]


def test_a_list_ending_in_and_or_or_is_not_cut() -> None:
    # `…, ritonavir, or erythromycin and …`: no description or time frame starts with `and`/`or`
    measure = ("Evaluate the safety of avanafil when administered with Ketoconazole, ritonavir, or erythromycin and to "
               "assess the effect of co-administration of these drugs on the pharmacokinetics of avanafil")
    assert _triples(f"{measure}, 9 days") == [(measure, None, "9 days")]  # NCT00770042 in the shared corpus


def test_a_piece_that_says_no_time_is_not_a_time_frame() -> None:
    # an old record's measure with commas and no time frame; `Tmax` and `safety & toleration …` say no time
    assert _triples("PK parameters - AUC, Cmax, Tmax") == [("PK parameters - AUC, Cmax, Tmax", None, None)]
    assert _triples("Assessment of duration of action, safety & toleration of the investigational drug") == [
        ("Assessment of duration of action, safety & toleration of the investigational drug", None, None)]
    # while time frames that place the outcome by a word alone still are
    assert [t[2] for t in _triples("Device success, Rate of success, At implant|Pain, VAS score, End of study")] == [
        "At implant", "End of study"]


def test_how_the_measure_is_taken_starts_its_description() -> None:
    # shared corpus, ctgov_csv_row/6bdfe834305b161d.txt: `measured using …` is the description, not the measure's tail
    assert _triples("Itch characteristics, measured using Eppendorf itch questionnaire, 0 months") == [
        ("Itch characteristics", "measured using Eppendorf itch questionnaire", "0 months")]
    # also without a time frame; while `as assessed by BICR` is part of a measure's title
    assert _triples("Vitamin D Levels, Measured by blood sample collection") == [
        ("Vitamin D Levels", "Measured by blood sample collection", None)]
    assert _triples("Progression-free survival (PFS), as assessed by BICR, Up to 45 months") == [
        ("Progression-free survival (PFS), as assessed by BICR", None, "Up to 45 months")]


def test_a_piece_that_continues_the_one_before_starts_no_description() -> None:
    measure = ("To assess the efficacy, and safety, of 20 mg tadalafil once every 2 days, in comparison with placebo, "
               "to maintain erectile function of patients undergoing external-beam radiotherapy for prostate cancer.")
    assert _triples(measure) == [(measure, None, None)]  # NCT00215631 of the shared corpus: no time frame
    cell = ("Responder time to onset, where onset is time from dosing to attainment of an erection perceived to be "
            "adequate for penetration., among the first four doses")
    assert _triples(cell)[0][1] is None
    # while `for …` may (and a time frame may open with `at`); two outcomes of the shared corpus's urology export
    description = ("for exclusion of psychogenic and venogenic erectile dysfunction (ED) and confirm arteriogenic ED. "
                   "It will be used at baseline and post-intervention.")
    cell = f"Penile color-coded Duplex scanning, {description}, baseline|Testosterone level, at 6,12,18,36,46 weeks"
    assert _triples(cell) == [("Penile color-coded Duplex scanning", description, "baseline"),
                              ("Testosterone level", None, "at 6,12,18,36,46 weeks")]


def test_measure_only() -> None:
    assert _triples("Quality of life") == [("Quality of life", None, None)]


def test_time_frame_with_commas() -> None:
    cell = "Change in HbA1c, HbA1c measured in a central laboratory., Baseline, Week 12, Week 24"
    assert _triples(cell) == [("Change in HbA1c", "HbA1c measured in a central laboratory.",
                               "Baseline, Week 12, Week 24")]


def test_description_with_commas_and_lower_case_time_frame() -> None:
    cell = ("OS, To evaluate the efficacy of the drug in patients with metastases, as measured by overall "
            "survival, up to 5 years")
    measure, description, time_frame = _triples(cell)[0]
    assert measure == "OS"
    assert time_frame == "up to 5 years"
    assert description is not None and description.endswith("overall survival")


def test_commas_inside_brackets_never_cut() -> None:
    cell = "Safety (vital signs, adverse events, laboratory values), Number of participants with events., Day 1 through Day 28"
    assert _triples(cell)[0] == ("Safety (vital signs, adverse events, laboratory values)",
                                 "Number of participants with events.", "Day 1 through Day 28")


def test_several_outcomes_and_pipe_inside_brackets() -> None:
    cell = "Response rate (CR|PR), Share of responders., 6 months|Progression-free survival, 2 years"
    assert _triples(cell) == [("Response rate (CR|PR)", "Share of responders.", "6 months"),
                              ("Progression-free survival", None, "2 years")]


def test_spaced_pipe_is_text() -> None:
    assert len(split_outcome_cell("Score A | B, 12 weeks", "PRIMARY")) == 1


def test_space_before_comma_is_kept_verbatim() -> None:
    outcome = split_outcome_cell("PFS, From date of randomization until progression , or death, whichever first", "P")[0]
    assert outcome.measure == "PFS"
    assert outcome.time_frame is not None or outcome.description is not None
    rebuilt = ", ".join(x for x in (outcome.measure, outcome.description, outcome.time_frame) if x)
    assert "progression , or death" in rebuilt


def test_markdown_escapes_undone() -> None:
    assert _triples(r"Score \>= 3, 4 weeks") == [("Score >= 3", None, "4 weeks")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,|()[].:Dday1 2\n\\")), max_size=300))
def test_never_raises_and_keeps_measures(cell: str) -> None:
    for outcome in split_outcome_cell(cell, "OTHER"):
        assert outcome.kind == "OTHER"
        assert outcome.measure


def test_near_linear_time_on_adversarial_cells() -> None:
    unit = "Week 1, (a, b, c, d, e, f, g, h|i), lower case piece, Day 2, "
    small = unit * 40
    big = unit * 800
    assert_near_linear(lambda: split_outcome_cell(small, "PRIMARY"), lambda: split_outcome_cell(big, "PRIMARY"))


_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "twenty", "thirty"]
_PIECE_WORDS = [*_NUMBER_WORDS, *(w.title() for w in _NUMBER_WORDS), "weeks", "Day", "d", "hours", "yr", "months",
                "to", "-", "/", "and", "score", "Baseline", "tend", "V2", "12"]


@given(st.lists(st.sampled_from(_PIECE_WORDS), min_size=1, max_size=4).map(" ".join))
@settings(max_examples=500, deadline=None)
def test_the_cheap_number_and_unit_test_agrees_with_the_regexes(piece: str) -> None:
    from transforms import outcomes

    expected = bool(outcomes._NUM_UNIT.search(piece) or outcomes._UNIT_NUM.search(piece))
    assert outcomes._has_number_and_unit(piece) is expected


def test_a_list_of_numbers_split_at_its_commas_stays_in_one_field() -> None:
    # CT.gov CSV exports join measure, description and time frame with `, ` (NCT00377793, NCT01190904)
    assert _triples("SEP3 at weeks 4, 12, 18, and 24 of treatment compared to placebo, 24 weeks") == [
        ("SEP3 at weeks 4, 12, 18, and 24 of treatment compared to placebo", None, "24 weeks")]
    cell = ("MACCE, Secondary endpoints include major adverse cardiovascular and cerebrovascular events (MACCE), "
            "defined as death, nonfatal MI, stroke or revascularization at one year and angina status as evaluated "
            "with the Seattle Angina Questionnaire (SAQ) at 6, 12, 18, 24, 30 and 36 months following "
            "catheterization., at 6 months following catheterization")
    assert _triples(cell)[0][2] == "at 6 months following catheterization"
    # a number after a list that `and N` closed starts a new one: the time frame here
    assert _triples("SEP- Sexual Encounter Profile: Questions 2 and 3, 1, 3 and 6 months post treatment") == [
        ("SEP- Sexual Encounter Profile: Questions 2 and 3", None, "1, 3 and 6 months post treatment")]
