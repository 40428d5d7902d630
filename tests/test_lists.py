"""Items listed under a lead-in to choices (`… any of the following:`) that a layout keeps as criteria of their own:
the splitter keeps each one's list marker, and their bounds are alternatives, not requirements."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.criteria import marker_of, split_eligibility
from transforms.layouts import ictrp_criteria
from transforms.measures import extract_measures, in_lists
from transforms.record import Criterion, ParsedTrial
from transforms.shape import SourceRecord, shape_trial

LISTED = "one of alternatives in a list (any one admits)"


def _read(criteria: list[tuple[str, str, str]]) -> list[list[tuple[str, float | None, float | None, str | None]]]:
    """(variable, lower, upper, condition) of every measure of each (kind, text, marker) criterion, read together."""
    pairs = [(kind, text) for kind, text, _ in criteria]
    together = in_lists(pairs, [marker for *_, marker in criteria],
                        [extract_measures(text, kind) for kind, text in pairs])
    return [[(m.variable, m.lower_value, m.upper_value, m.condition_text) for m in measures] for measures in together]


def test_items_marked_otherwise_than_the_lead_in_are_its_choices_up_to_one_marked_as_it_is():
    # ICTRP export, EUCTR2021-000037-14 (shared corpus): `- Is over 75 years of age` is no age bound of the trial
    read = _read([("INCLUSION", "Aged ≥18 years", "num."),
                  ("INCLUSION", "Confirmed diagnosis by biopsy if the subject meets any of the following:", "num."),
                  ("INCLUSION", "Is black or African American", "-"),
                  ("INCLUSION", "Is over 75 years of age with concurrent monoclonal gammopathy", "-"),
                  ("INCLUSION", "Troponin-T >0.03 ng/mL", "num.")])
    assert read == [[("age", 18.0, None, None)], [], [], [("age", 75.0, None, LISTED)],
                    [("troponin", 30.0, None, None)]]


def test_the_nearest_lead_in_decides_and_a_count_above_one_is_the_lead_ins_own_condition():
    # shared corpus summary_with_criteria/a65d888458f06635.txt: bullets alternate `•`/`⁃` by depth
    read = _read([("INCLUSION", "One of the following histologically confirmed diagnoses:", "•"),
                  ("INCLUSION", "Failure of at least 1 prior regimen OR", "⁃"),
                  ("INCLUSION", "At least 3 of the following risk factors:", "⁃"),
                  ("INCLUSION", "Over 60 years of age", "•"),
                  ("INCLUSION", "Mantle cell lymphoma", "⁃"),
                  ("INCLUSION", "Under 70", "•")])
    assert read == [[], [("prior_therapy_lines", 1.0, None, LISTED)], [],
                    [("age", 60.0, None, "At least 3 of the following risk factors")], [],
                    [("age", None, 70.0, None)]]


def test_an_exclusions_exceptions_are_not_exclusions():
    read = _read([("EXCLUSION", "Active malignancy with the exception of any of the following:", "num."),
                  ("EXCLUSION", "Prostate cancer with PSA <10 ng/mL", "-"),
                  ("EXCLUSION", "Creatinine clearance < 30 mL/min", "num.")])
    assert read[1] == [("psa", 10.0, None, "Active malignancy with the exception of any of the following")]
    assert read[2] == [("creatinine_clearance", 30.0, None, None)]


@pytest.mark.parametrize("criteria", [
    # every item is required
    [("INCLUSION", "Adequate organ function, all of the following:", "num."), ("INCLUSION", "ANC ≥ 1500/µL", "-")],
    # the markers do not tell where the list ends
    [("INCLUSION", "Any of the following:", "-"), ("INCLUSION", "ANC ≥ 1500/µL", "-")],
    [("INCLUSION", "Any of the following:", "-"), ("INCLUSION", "ANC ≥ 1500/µL", "")],
    # each item of an exclusion's list excludes
    [("EXCLUSION", "Any of the following:", "num."), ("EXCLUSION", "ANC < 1500/µL", "-")],
    # the list is in the other kind's
    [("INCLUSION", "One of the following:", "num."), ("EXCLUSION", "ANC < 1500/µL", "-")],
])
def test_without_a_choice_lead_in_and_markers_that_end_its_list_every_bound_stays_general(criteria):
    assert all(condition is None for measures in _read(criteria) for *_, condition in measures)
    assert any(_read(criteria))


def test_the_splitter_keeps_each_criterions_marker():
    criteria = split_eligibility("• Were excluded for any of the following reasons:\n\n⁃ Age less than 6 years\n\n"
                                 "A paragraph")
    assert [c.marker for c in criteria] == ["•", "⁃", ""]
    assert [c.marker for c in split_eligibility("1. One\n2. Two\n  a) nested, so joined to two")] == ["num.", "num."]
    assert Criterion("INCLUSION", "x", "•") == Criterion("INCLUSION", "x")  # no part of what a criterion says
    assert [marker_of(line) for line in ("- a", "a) b", "(2) c", "plain")] == ["-", "alpha)", "num()", ""]


def test_an_indent_that_does_not_nest_still_marks_the_items():
    # shared corpus aggregator_page/49f787e3a9e68739.txt: the page keeps nested items apart, their indent tells them
    text = ("* Prior treatment as determined by any of the following combinations of factors:\n\n"
            "  * Gleason score 2-6, and PSA greater than 10 ng/mL\n  * Gleason score 7, and PSA less than 20 ng/mL\n"
            "* Radiotherapy completed within the past 6 months")
    apart = split_eligibility(text, indent_nests=False)
    assert [c.text for c in apart] == [c.text for c in split_eligibility("\n".join(line.strip() for line in
                                                                                 text.split("\n")))]
    assert [c.marker for c in apart] == ["*", "  *", "  *", "*"]
    assert [c.marker for c in split_eligibility(text)] == ["*", "*"]  # nested by their indent
    criteria = [(c.kind, c.text) for c in apart]
    read = in_lists(criteria, [c.marker for c in apart], [extract_measures(t, k) for k, t in criteria])
    assert [m.condition_text for m in read[2]] == [LISTED, LISTED]
    assert [m.condition_text for m in read[3]] == []


def test_an_ictrp_item_keeps_its_own_marker_though_every_item_is_written_as_a_bullet():
    found = ictrp_criteria.criteria("Inclusion criteria: <br>1.Aged 18 years or more<br>2.Meets any of the "
                                    "following:<br>-Is over 75 years of age<br>3.Consents".replace("<br>", "\n"),
                                    None)
    assert [(c.text, c.marker) for c in found] == [
        ("Aged 18 years or more", "num."), ("Meets any of the following:", "num."),
        ("Is over 75 years of age", "-"), ("Consents", "num.")]


def test_an_items_age_is_no_age_of_the_trial():
    # shared corpus summary_with_criteria/abd7c9f31177f7f3.txt: a reason for exclusion from another study
    criteria = split_eligibility("• Were excluded from LEVP2005-1 for any of the following reasons:\n\n"
                                 "⁃ Pregnancy or lactation\n\n⁃ Age less than 6 years\n\n• History of HAE attacks")
    rows = shape_trial(SourceRecord(ParsedTrial(layout="x", title="t", criteria=criteria), "f.txt", "0" * 64, 0,
                                    "run"))
    assert [(m["variable"], m["condition_kind"]) for m in rows["criterion_measure"]] == [("age", "LISTED")]
    assert rows["trial"][0]["max_age_years"] is None


# ---------------------------------------------------------------- properties

_LINE = st.tuples(st.sampled_from(["", "  ", "    ", "\t"]),
                  st.sampled_from(["* ", "- ", "• ", "⁃ ", "1. ", "a) ", ""]),
                  st.sampled_from(["Age ≥ 18 years", "Any of the following:", "ANC ≥ 1500/µL", "Exclusion Criteria:",
                                   "wrapped text", ""]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=12), st.booleans())
def test_an_indent_that_does_not_nest_changes_no_criterion(lines: list[tuple[str, str, str]], blank: bool) -> None:
    text = ("\n\n" if blank else "\n").join(indent + marker + words for indent, marker, words in lines)
    apart = split_eligibility(text, indent_nests=False)
    flat = split_eligibility("\n".join(line.strip() for line in text.split("\n")))
    assert [(c.kind, c.text) for c in apart] == [(c.kind, c.text) for c in flat]
    assert [c.marker.strip() for c in apart] == [c.marker for c in flat]


_CRITERION = st.tuples(st.sampled_from(["INCLUSION", "EXCLUSION"]),
                       st.sampled_from(["Any of the following:", "At least 2 of the following:", "Age ≥ 18 years",
                                        "ANC ≥ 1500/µL", "Platelets < 100,000/mm3", "except any of the following:"]),
                       st.sampled_from(["", "-", "num.", "•", "  *"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_CRITERION, max_size=10))
def test_list_items_only_gain_a_condition(criteria: list[tuple[str, str, str]]) -> None:
    pairs = [(kind, text) for kind, text, _ in criteria]
    markers = [marker for *_, marker in criteria]
    alone = [extract_measures(text, kind) for kind, text in pairs]
    read = in_lists(pairs, markers, alone)
    assert len(read) == len(alone)
    for before, after, marker in zip(alone, read, markers, strict=True):
        assert [(m.variable, m.lower_value, m.upper_value) for m in after] == \
            [(m.variable, m.lower_value, m.upper_value) for m in before]
        if not marker or len(set(markers)) == 1:
            assert after == before  # an unmarked criterion, or one list marker for all: no list is found
