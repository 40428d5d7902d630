"""Closed vocabularies: every raw spelling maps to the CT.gov enum or to None, never to a guess."""
from __future__ import annotations

from datetime import date

import pytest

from transforms import vocab


@pytest.mark.parametrize("raw, expected", [
    ("Recruiting", "RECRUITING"), ("RECRUITING", "RECRUITING"), ("Not yet recruiting", "NOT_YET_RECRUITING"),
    ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"), ("enrolling by invitation", "ENROLLING_BY_INVITATION"),
    ("Unknown status", "UNKNOWN"), ("  completed ", "COMPLETED"), ("sort of done", None), ("", None), (None, None),
])
def test_status(raw, expected):
    assert vocab.status(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Phase 2", "PHASE2"), ("Phase II", "PHASE2"), ("PHASE2", "PHASE2"), ("phase Ⅲ", "PHASE3"),
    ("Phase 1/Phase 2", "PHASE1_PHASE2"), ("Phase I/II", "PHASE1_PHASE2"), ("PHASE2, PHASE3", "PHASE2_PHASE3"),
    ("PHASE2|PHASE3", "PHASE2_PHASE3"), ("N/A", "NA"), ("Not Applicable", "NA"), ("Early Phase 1", "EARLY_PHASE1"),
    ("EARLY_PHASE1", "EARLY_PHASE1"), ("Phase 4", "PHASE4"), ("phase IV", "PHASE4"), ("Phase 7", None),
    ("banana", None),
])
def test_phase(raw, expected):
    assert vocab.phase(raw) == expected


@pytest.mark.parametrize("fn, raw, expected", [
    (vocab.masking, "None (Open Label)", "NONE"), (vocab.masking, "Double (Participant, Investigator)", "DOUBLE"),
    (vocab.masking, "Double Blind", "DOUBLE"), (vocab.masking, "Open Label", "NONE"),
    (vocab.allocation, "Randomized", "RANDOMIZED"), (vocab.allocation, "Non-Randomized", "NON_RANDOMIZED"),
    (vocab.allocation, "N/A", "NA"), (vocab.intervention_model, "Single Group Assignment", "SINGLE_GROUP"),
    (vocab.primary_purpose, "Supportive Care", "SUPPORTIVE_CARE"), (vocab.sex, "Both", "ALL"),
    (vocab.study_type, "Observational [Patient Registry]", "OBSERVATIONAL"),
    (vocab.intervention_type, "Dietary Supplement", "DIETARY_SUPPLEMENT"),
    (vocab.intervention_type, "Biological", "BIOLOGICAL"), (vocab.arm_type, "Placebo Comparator", "PLACEBO_COMPARATOR"),
    (vocab.yes_no, "No", False), (vocab.yes_no, "Accepts Healthy Volunteers", True), (vocab.yes_no, "maybe", None),
])
def test_other_vocabularies(fn, raw, expected):
    assert fn(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("December 31, 2022", date(2022, 12, 31)), ("Dec 2022", date(2022, 12, 1)), ("2022-12-31", date(2022, 12, 31)),
    ("2022-12", date(2022, 12, 1)), ("June 2024", date(2024, 6, 1)), ("12/31/2022", date(2022, 12, 31)),
    ("31 December 2022", date(2022, 12, 31)), ("2022-02-30", None), ("soon", None), (None, None),
    ("March 2005 (Actual)", date(2005, 3, 1)),
])
def test_parse_date(raw, expected):
    assert vocab.parse_date(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("18 Years", 18.0), ("6 Months", 0.5), ("18", 18.0), ("N/A", None), ("2 Weeks", round(2 / 52.1775, 6)),
    ("30 Days", round(30 / 365.25, 6)), ("65 years", 65.0), ("old", None),
])
def test_parse_age_years(raw, expected):
    assert vocab.parse_age_years(raw) == expected


def test_clean_undoes_markdown_escapes_and_collapses_space():
    assert vocab.clean("  EGFR \\[x\\]\n  and 1\\. \\> 5 ") == "EGFR [x] and 1. > 5"
    assert vocab.clean("   ") is None


def test_to_int_and_nct_id():
    assert vocab.to_int("1,200 participants") == 1200
    assert vocab.to_int("many") is None
    assert vocab.nct_id("see nct01234567 for more") == "NCT01234567"
    assert vocab.nct_id("NCT123") is None


def test_codes_are_their_own_keys():
    # `_lookup` returns a code given in API v2 spelling as it is, which is right only while `_key` would keep it
    for members in (vocab.STATUSES, vocab.STUDY_TYPES, vocab.ALLOCATIONS, vocab.INTERVENTION_MODELS,
                    vocab.PRIMARY_PURPOSES, vocab.SEXES, vocab.ARM_TYPES, vocab.INTERVENTION_TYPES,
                    vocab.AGENCY_CLASSES):
        for code in members:
            assert vocab._key(code) == code


def test_clean_block_collapses_only_what_needs_it():
    assert vocab.clean_block("a  b\tc\u00a0d\u3000e \u2003f\n\n\n  g ") == "a b c d e f\n\ng"
    assert vocab.clean_block("plain text\nsecond line") == "plain text\nsecond line"
