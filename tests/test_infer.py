"""Fields read from narrative: only what the text states outright, only for layouts without the field."""
from __future__ import annotations

from transforms.infer import fill_stated_fields
from transforms.record import ParsedTrial, Site


def _text_trial(**kw) -> ParsedTrial:
    return ParsedTrial(layout="summary_with_criteria", **kw)


def test_phase_and_allocation_from_the_title():
    t = fill_stated_fields(_text_trial(title="A Prospective, Randomized Controlled Phase II Clinical Trial"))
    assert (t.phase, t.allocation) == ("PHASE2", "RANDOMIZED")
    assert fill_stated_fields(_text_trial(title="A Non-Randomized Phase 1b/2 Study")).allocation == "NON_RANDOMIZED"
    assert fill_stated_fields(_text_trial(title="A Non-Randomized Phase 1b/2 Study")).phase == "PHASE1_PHASE2"


def test_narrative_phase_must_name_the_study():
    assert fill_stated_fields(_text_trial(detailed_description="an open-label, multi-center phase Ⅲ study of ...")
                              ).phase == "PHASE3"
    assert fill_stated_fields(_text_trial(brief_summary="During phase 1 of treatment patients rest.")).phase is None


def test_conflicting_statements_are_left_alone():
    t = fill_stated_fields(_text_trial(title="Phase 1 and Phase 3 arms compared", brief_summary="randomized or not"))
    assert t.phase is None  # "Phase 1 and Phase 3" is no CT.gov phase: nothing usable is stated
    both = fill_stated_fields(_text_trial(title="Randomized and non-randomized cohorts"))
    assert both.allocation is None


def test_recruiting_site_makes_the_trial_recruiting():
    t = fill_stated_fields(_text_trial(sites=[Site("A", status="NOT_YET_RECRUITING"), Site("B", status="RECRUITING")]))
    assert t.overall_status == "RECRUITING"
    assert fill_stated_fields(_text_trial(sites=[Site("A", status="COMPLETED")])).overall_status is None


def test_structured_layouts_and_stated_fields_are_untouched():
    from transforms.layouts import parse_text

    study = '{"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A Randomized ' \
            'Phase II Trial"}}}'
    _, [j] = parse_text(study, "s.json")
    assert (j.phase, j.allocation) == (None, None)  # a structured export's silence is its own
    t = _text_trial(title="A Randomized Phase II Trial", phase="PHASE3", allocation="NA")
    assert (fill_stated_fields(t).phase, fill_stated_fields(t).allocation) == ("PHASE3", "NA")
