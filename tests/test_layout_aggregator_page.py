"""Unit and property tests of the `aggregator_page` layout (inline pages shaped like seed 004 and its variants)."""
from __future__ import annotations

import textwrap
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.properties import parse_or_typed_error
from tests.timing import assert_near_linear
from transforms.layouts import aggregator_page, detect_layout
from transforms.layouts.aggregator_page import _SECTIONS, detect, parse

HELP = {name: text for name, text in _SECTIONS if text}


def page(width: int | None = None, *, casing=str, drop: tuple[str, ...] = (), arm_label: str = "Arm A") -> str:
    """An aggregator page like seed 004; `width` wraps every paragraph, `casing` re-cases enum values,
    `drop` leaves whole sections out."""
    sections: list[tuple[str, list[str]]] = [
        ("", ["Benmelstobart and Anlotinib as First-line Treatment for Small-cell Lung Cancer",
              "NCT ID: NCT06931145", "Last Updated: 2025-04-23"]),
        ("Study Results", ["Results pending", "The study team has not published outcome measurements."]),
        ("Basic Information", ["Recruitment Status", casing("NOT_YET_RECRUITING"), "Clinical Phase",
                               casing("PHASE1, PHASE2"), "Total Enrollment", "1,050 participants",
                               "Study Classification", casing("INTERVENTIONAL"), "Study Start Date", "2025-04",
                               "Study Completion Date", "2027-12-31"]),
        ("Brief Summary", ["The goal of this clinical trial is to evaluate the efficacy and safety of "
                           "benmelstobart in combination with anlotinib and chemotherapy."]),
        ("Detailed Description", []),
        ("Conditions", ["Extensive-stage Small Cell Lung Cancer", "Interventions"]),
        ("Study Design", ["Allocation Method", casing("RANDOMIZED"), "Intervention Model",
                          casing("PARALLEL"), "Primary Study Purpose", casing("SUPPORTIVE_CARE"),
                          "Blinding Strategy", casing("DOUBLE")]),
        ("Study Groups", [arm_label, "Patients first treated with benmelstobart.",
                          "Group Type " + casing("EXPERIMENTAL"),
                          "Benmelstobart", "Intervention Type " + casing("DRUG"), "Injection, 1200 mg/dose.",
                          "Second paragraph of the description.",
                          "Anlotinib", "Intervention Type " + casing("DRUG"), "Capsules, 8 mg/dose.",
                          "Control", "Group Type " + casing("PLACEBO_COMPARATOR"),
                          "Anlotinib", "Intervention Type " + casing("DRUG"), "Capsules, 8 mg/dose.",
                          "Observation", "Group Type"]),
        ("Interventions", ["Benmelstobart", "Injection, 1200 mg/dose.", "Second paragraph of the description.",
                           "Intervention Type " + casing("DRUG"), "Anlotinib", "Capsules, 8 mg/dose.",
                           "Intervention Type " + casing("DRUG")]),
        ("Eligibility Criteria", ["Inclusion Criteria", "* 1\\. Confirmed small cell lung cancer.\n"
                                  "* 2\\. No prior systemic therapy;", "Exclusion Criteria",
                                  "* 1\\. Symptomatic brain metastases;\nMinimum Eligible Age", "18 Years",
                                  "Maximum Eligible Age", "Eligible Sex", casing("FEMALE"),
                                  "Accepts Healthy Volunteers", "No"]),
        ("Sponsors", ["Chia Tai Tianqing", casing("INDUSTRY"), "Sponsor Role collaborator",
                      "Peking Union Medical College Hospital", "OTHER", "Sponsor Role lead"]),
        ("Responsible Party", ["Wang mengzhao", "chief physician", "Responsibility Role PRINCIPAL_INVESTIGATOR"]),
        ("Locations", ["Peking Union Medical College Hospital", "Beijing, Beijing Municipality, China",
                       "Site Status " + casing("RECRUITING"), "Seoul National University Hospital",
                       "Seoul, Korea, Republic of", "Site Status"]),
        ("Countries", ["China"]),
        ("Facility Contacts", ["Minjiang Chen", "Role: primary", "+8601069155154"]),
        ("Other Identifiers", ["K7820", "Identifier Type: -", "Identifier Source: org_study_id"]),
        ("More Related Trials", []),
    ]
    paras: list[str] = []
    for name, body in sections:
        if name in drop:
            continue
        if name:
            paras.append(name)
            if name in HELP:
                paras.append(HELP[name])
        paras.extend(body)
    text = "\n\n".join(paras)
    if width:
        text = "\n\n".join("\n".join(textwrap.fill(line, width, break_on_hyphens=False)
                                     for line in para.split("\n")) for para in text.split("\n\n"))
    return text


def only(text: str):
    [trial] = parse(text, "page.txt")
    return trial


def test_parses_trial_fields() -> None:
    t = only(page())
    assert t.layout == "aggregator_page"
    assert t.title == "Benmelstobart and Anlotinib as First-line Treatment for Small-cell Lung Cancer"
    assert (t.nct_id, t.last_update_date) == ("NCT06931145", date(2025, 4, 23))
    assert (t.overall_status, t.phase, t.enrollment, t.study_type) == (
        "NOT_YET_RECRUITING", "PHASE1_PHASE2", 1050, "INTERVENTIONAL")
    assert (t.start_date, t.completion_date) == (date(2025, 4, 1), date(2027, 12, 31))
    assert t.detailed_description is None  # heading shown, nothing under it
    assert t.conditions == ["Extensive-stage Small Cell Lung Cancer", "Interventions"]
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "RANDOMIZED", "PARALLEL", "SUPPORTIVE_CARE", "DOUBLE")
    assert (t.min_age_years, t.max_age_years, t.sex, t.healthy_volunteers) == (18.0, None, "FEMALE", False)
    assert t.lead_sponsor == "Peking Union Medical College Hospital"
    assert t.outcomes == []


def test_eligibility_block_stops_at_glued_minimum_age() -> None:
    t = only(page())
    assert t.eligibility_text is not None
    assert t.eligibility_text.startswith("Inclusion Criteria\n\n* 1. Confirmed")
    assert t.eligibility_text.endswith("* 1. Symptomatic brain metastases;")


def test_study_groups_and_interventions() -> None:
    t = only(page())
    assert [(a.label, a.arm_type, a.intervention_names) for a in t.arms] == [
        ("Arm A", "EXPERIMENTAL", ["Benmelstobart", "Anlotinib"]),
        ("Control", "PLACEBO_COMPARATOR", ["Anlotinib"]),
        ("Observation", None, []),
    ]
    assert t.arms[0].description == "Patients first treated with benmelstobart."
    assert [(i.intervention_type, i.name) for i in t.interventions] == [("DRUG", "Benmelstobart"),
                                                                        ("DRUG", "Anlotinib")]
    assert t.interventions[0].description == "Injection, 1200 mg/dose. Second paragraph of the description."


def test_arm_named_like_a_heading_is_not_a_heading() -> None:
    t = only(page(arm_label="Interventions"))
    assert [a.label for a in t.arms] == ["Interventions", "Control", "Observation"]
    assert len(t.interventions) == 2


def test_sites() -> None:
    sites = only(page()).sites
    assert [(s.facility, s.city, s.state, s.country, s.status) for s in sites] == [
        ("Peking Union Medical College Hospital", "Beijing", "Beijing Municipality", "China", "RECRUITING"),
        ("Seoul National University Hospital", "Seoul", None, "Korea, Republic of", None),
    ]


def test_lower_case_enum_values() -> None:
    lower = only(page(casing=str.lower)).to_dict()
    assert lower == only(page()).to_dict()


def test_wrap_width_70_gives_the_same_record() -> None:
    wrapped, plain = only(page(70)).to_dict(), only(page()).to_dict()
    # only the line structure of the eligibility text may differ
    assert wrapped.pop("eligibility_text").split() == plain.pop("eligibility_text").split()
    assert wrapped == plain


def test_missing_sections() -> None:
    t = only(page(drop=("Study Design", "Interventions", "Detailed Description", "Locations")))
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (None, None, None, None)
    assert t.sites == []
    # without the Interventions section the groups still give arms, links and interventions
    assert [(a.label, a.intervention_names) for a in t.arms] == [
        ("Arm A", ["Benmelstobart", "Anlotinib"]), ("Control", ["Anlotinib"]), ("Observation", [])]
    assert [i.name for i in t.interventions] == ["Benmelstobart", "Anlotinib"]
    assert t.min_age_years == 18.0 and t.overall_status == "NOT_YET_RECRUITING"


def test_missing_sub_heading_value() -> None:
    text = page().replace("Clinical Phase\n\nphase1, phase2\n\n", "").replace(
        "Clinical Phase\n\nPHASE1, PHASE2\n\n", "Clinical Phase\n\n")
    t = only(text)
    assert t.phase is None and t.enrollment == 1050


def test_detect() -> None:
    assert detect(page()) and detect(page(70)) and detect(page(drop=("Study Results",)))
    assert detect_layout(page()) is aggregator_page
    assert not detect("Trial Title:\nA trial\nNCT ID:\nNCT05906329\nStudy type:\nInterventional\n")
    assert not detect("A title\n\nSome summary mentioning NCT ID: NCT06931145\n\nInclusion Criteria\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from([n for n, _ in _SECTIONS] + list(HELP.values()) + [
    "Group Type", "Group Type EXPERIMENTAL", "Intervention Type DRUG", "Site Status", "Sponsor Role lead",
    "NCT ID: NCT01234567", "Minimum Eligible Age", "a, b, c", "Recruitment Status"]), st.text(max_size=30)),
    max_size=50))
def test_property_never_raises_untyped_errors(paras: list[str]) -> None:
    text = "\n\n".join(paras)
    results = parse_or_typed_error(aggregator_page, text)
    assert results is None or len(results) == 1


def test_near_linear_on_adversarial_input() -> None:
    head = "T\n\nNCT ID: NCT01234567\n\nStudy Groups\n\n" + HELP["Study Groups"] + "\n\n"
    unit = "X\n\nIntervention Type DRUG\n\nd\n\nd\n\nInterventions\n\nGroup Type\n\nSite Status\n\n"
    small, big = head + unit * 20, head + unit * 400
    assert_near_linear(lambda: parse_or_typed_error(aggregator_page, small), lambda: parse_or_typed_error(aggregator_page, big))


def test_help_sentences_left_out_and_headings_recased() -> None:
    """A copy without the boilerplate help sentences, headings in capitals: the last bare `Interventions` before
    the next heading is the heading, an earlier one is an arm's label."""
    helps = {HELP[name] for name in HELP}
    text = "\n\n".join(p.upper() if p in {name for name, _ in _SECTIONS} else p
                       for p in page(arm_label="Interventions").split("\n\n") if p not in helps)
    t = only(text)
    assert [a.label.casefold() for a in t.arms] == ["interventions", "control", "observation"]
    assert [(i.intervention_type, i.name) for i in t.interventions] == [("DRUG", "Benmelstobart"),
                                                                        ("DRUG", "Anlotinib")]
    assert (t.overall_status, t.masking, t.sex) == ("NOT_YET_RECRUITING", "DOUBLE", "FEMALE")
    assert [c.kind for c in t.criteria] == ["INCLUSION", "INCLUSION", "EXCLUSION"]
