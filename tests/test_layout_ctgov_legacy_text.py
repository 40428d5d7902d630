"""Unit and property tests of the `ctgov_legacy_text` layout (inline texts shaped like seed 003 and its variants)."""
from __future__ import annotations

import textwrap
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.properties import parse_or_typed_error
from tests.timing import assert_near_linear
from transforms.errors import ParseError
from transforms.layouts import aggregator_page, ctgov_legacy_text, detect_layout
from transforms.layouts.ctgov_legacy_text import _split_arm_labels, detect, parse

SUMMARY = ("Pre-clinical and clinical studies have shown that low-dose radiation therapy has good immune "
           "regulatory effects, activates different anti-tumor immune pathways, and regulates tumor stroma to "
           "better promote T cell infiltration. Locations: none yet.")
CRITERIA = """Inclusion Criteria:
-
1. Patients are able to understand the informed consent form, voluntarily
participate and sign the informed consent form.
2. Meets one of the following:
Exclusion Criteria:
-
1. Patients with brain metastases.
Status:
2. Previous history of radiation therapy."""


def legacy_text(width: int = 89, *, status: str = "Recruiting", phase: str = "Phase 1/Phase 2",
                masking: str = "None (Open Label)", design: bool = True, locations: bool = True) -> str:
    """A legacy dump like seed 003, with the narrative wrapped at `width` columns."""
    wrap = "\n".join(textwrap.wrap(SUMMARY, width, break_on_hyphens=False))
    parts = [
        "Trial Title:", "Low-dose Radiotherapy in Lung Cancer", "NCT ID:", "NCT05906329",
        "Condition:", "Lung Cancer, Heart Failure", "Conditions: Official terms:", "Lung Neoplasms",
        "Conditions: Keywords:", "radiotherapy", "Study type:", "Interventional", "Study phase:", phase,
        "Overall status:", status,
    ]
    if design:
        parts += ["Study design:", "Allocation:", "Randomized", "Intervention model:", "Parallel Assignment",
                  "Primary purpose:", "Treatment", "Masking:", masking]
    parts += [
        "Intervention:", "Intervention type:", "Radiation", "Intervention name:", "Low-dose radiotherapy",
        "Description:", "Select the primary lesion:", "Arm group label:", "Arm B, Treatment (RT, chemo)",
        "Intervention:", "Intervention type:", "Drug", "Intervention name:", "Cisplatin",
        "Arm group label:", "Arm B",
        "Summary:", wrap, "Detailed description:", wrap,
        "Criteria for eligibility:", "Criteria:", CRITERIA,
        "Gender:", "All", "Minimum age:", "18 Years", "Maximum age:", "6 Months", "Healthy volunteers:", "No",
    ]
    if locations:
        parts += ["Locations:", "Facility:", "Name:", "Qianfoshan Hospital", "Address:", "City:", "Jinan",
                  "Zip:", "250013", "Country:", "China", "Status:", status, "Contact:", "Last name:", "ZHANG",
                  "Phone:", "135", "Facility:", "Name:", "Mayo Clinic", "Address:", "City:", "Rochester",
                  "State:", "Minnesota", "Country:", "United States"]
    parts += ["Start date:", "December 31, 2022", "Completion date:", "June 2024", "Lead sponsor:", "Agency:",
              "Qianfoshan Hospital", "Agency class:", "Other", "Source:", "Qianfoshan Hospital",
              "Record processing date:", "ClinicalTrials.gov processed this data on November 12, 2024",
              "Source: ClinicalTrials.gov page:", "https://clinicaltrials.gov/ct2/show/NCT05906329"]
    return "\n".join(parts)


def only(text: str):
    [trial] = parse(text, "test.txt")
    return trial


def test_parses_trial_fields() -> None:
    t = only(legacy_text())
    assert t.layout == "ctgov_legacy_text"
    assert (t.nct_id, t.title) == ("NCT05906329", "Low-dose Radiotherapy in Lung Cancer")
    assert t.conditions == ["Lung Cancer", "Heart Failure"]  # official terms and keywords are not conditions
    assert (t.study_type, t.phase, t.overall_status) == ("INTERVENTIONAL", "PHASE1_PHASE2", "RECRUITING")
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "RANDOMIZED", "PARALLEL", "TREATMENT", "NONE")
    assert (t.sex, t.min_age_years, t.max_age_years, t.healthy_volunteers) == ("ALL", 18.0, 0.5, False)
    assert (t.start_date, t.completion_date) == (date(2022, 12, 31), date(2024, 6, 1))
    assert t.lead_sponsor == "Qianfoshan Hospital"
    assert t.enrollment is None and t.outcomes == []


def test_narrative_lines_ending_with_a_label_are_text() -> None:
    t = only(legacy_text())
    assert t.brief_summary is not None and t.brief_summary.endswith("Locations: none yet.")
    # `Status:` inside the criteria is not a site label; the block runs to `Gender:`
    assert t.eligibility_text is not None
    assert t.eligibility_text.startswith("Inclusion Criteria:\n-\n1. Patients")
    assert t.eligibility_text.endswith("Status:\n2. Previous history of radiation therapy.")
    assert t.interventions[0].description == "Select the primary lesion:"


def test_interventions_and_arm_links() -> None:
    t = only(legacy_text())
    assert [(i.intervention_type, i.name) for i in t.interventions] == [
        ("RADIATION", "Low-dose radiotherapy"), ("DRUG", "Cisplatin")]
    assert [(a.label, a.arm_type, a.intervention_names) for a in t.arms] == [
        ("Arm B", None, ["Low-dose radiotherapy", "Cisplatin"]),
        ("Treatment (RT, chemo)", None, ["Low-dose radiotherapy"]),
    ]


def test_sites_ignore_contact_fields() -> None:
    sites = only(legacy_text()).sites
    assert [(s.facility, s.city, s.state, s.zip, s.country, s.status) for s in sites] == [
        ("Qianfoshan Hospital", "Jinan", None, "250013", "China", "RECRUITING"),
        ("Mayo Clinic", "Rochester", "Minnesota", None, "United States", None),
    ]


def test_other_enum_casing() -> None:
    t = only(legacy_text(status="ACTIVE, NOT RECRUITING", phase="PHASE2", masking="double (participant)")
             .replace("Randomized", "RANDOMIZED").replace("Interventional", "interventional"))
    assert (t.overall_status, t.phase, t.masking, t.allocation, t.study_type) == (
        "ACTIVE_NOT_RECRUITING", "PHASE2", "DOUBLE", "RANDOMIZED", "INTERVENTIONAL")
    assert t.sites[0].status == "ACTIVE_NOT_RECRUITING"


def test_label_casing_and_trailing_spaces() -> None:
    text = legacy_text().replace("Overall status:", "OVERALL STATUS:  ").replace("Gender:", "gender :")
    t = only(text)
    assert (t.overall_status, t.sex) == ("RECRUITING", "ALL")


def test_wrap_width_70_gives_the_same_record() -> None:
    assert only(legacy_text(70)).to_dict() == only(legacy_text(89)).to_dict()


def test_missing_sections_stay_none() -> None:
    t = only(legacy_text(design=False, locations=False))
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (None, None, None, None)
    assert t.sites == []
    assert t.start_date == date(2022, 12, 31) and t.overall_status == "RECRUITING"


def test_inline_values_after_a_stated_value() -> None:
    text = "Trial Title:\nStudy type: a review of methods\nNCT ID: NCT01234567\nGender: Female\n"
    t = only(text)
    assert (t.title, t.nct_id, t.sex) == ("Study type: a review of methods", "NCT01234567", "FEMALE")


def test_split_arm_labels() -> None:
    assert _split_arm_labels("Arm I, Arm II", set()) == ["Arm I", "Arm II"]
    assert _split_arm_labels("Treatment (chemotherapy, TBI, PBSCT, DLI)", set()) == [
        "Treatment (chemotherapy, TBI, PBSCT, DLI)"]
    # out of sorted order and no piece known alone: one label with commas
    assert _split_arm_labels("carbo, taxol, amifostine", set()) == ["carbo, taxol, amifostine"]
    assert _split_arm_labels("TC, TAC", {"tac"}) == ["TC", "TAC"]


def test_detect() -> None:
    assert detect(legacy_text())
    headless = legacy_text().split("\n", 2)[2]  # no `Trial Title:` line: the labels still tell
    assert detect(headless)
    assert detect_layout(legacy_text()) is ctgov_legacy_text
    assert not detect("NCT ID: NCT05906329\nA trial about lungs.\nStatus:\nRecruiting\n")
    page = "A title\n\nNCT ID: NCT06931145\n\nBasic Information\n\nRecruitment Status\n\nRECRUITING\n"
    assert not detect(page)
    assert detect_layout(legacy_text()) is not aggregator_page


def test_no_labels_is_a_parse_error() -> None:
    try:
        parse("just some words\nwithout labels", "x.txt")
    except ParseError as exc:
        assert exc.layout == "ctgov_legacy_text"
    else:
        raise AssertionError("expected ParseError")


LABELS = ["Trial Title:", "NCT ID:", "Condition:", "Study design:", "Intervention:", "Intervention name:",
          "Arm group label:", "Summary:", "Criteria for eligibility:", "Criteria:", "Locations:", "Facility:",
          "Name:", "Status:", "Start date:", "Gender:", "Minimum age:", "Description:"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(LABELS), st.text(max_size=40),
                          st.sampled_from(["a, b (c, d", "NCT01234567", ", , ,", "Status: x", ":", "(((", "x:"])),
                max_size=60))
def test_property_never_raises_untyped_errors(lines: list[str]) -> None:
    text = "\n".join(lines)
    results = parse_or_typed_error(ctgov_legacy_text, text)
    assert results is None or len(results) == 1


def test_near_linear_on_adversarial_input() -> None:
    unit = ("Trial Title:\nT\nIntervention:\nIntervention name:\nX\nArm group label:\n"
            + ", ".join(f"z{i} (a" for i in range(30)) + "\nSummary:\n" + "a " * 200 + ":\n" + "x:" * 50 + "\n")
    small, big = unit * 5, unit * 100
    assert_near_linear(lambda: parse_or_typed_error(ctgov_legacy_text, small), lambda: parse_or_typed_error(ctgov_legacy_text, big))


def test_double_spaced_copy_gives_the_same_record() -> None:
    plain = only(legacy_text()).to_dict()
    spaced = only(legacy_text().replace("\n", "\n\n")).to_dict()
    assert spaced == plain


def test_eligibility_without_criteria_sub_label_is_free_text() -> None:
    text = legacy_text().replace("Criteria for eligibility:\nCriteria:\n", "Criteria for eligibility:\n").replace(
        "2. Meets one of the following:", "Condition: stable for 3 months")
    t = only(text)
    assert t.conditions == ["Lung Cancer", "Heart Failure"]
    assert t.eligibility_text is not None and "Condition: stable for 3 months" in t.eligibility_text
    assert t.sex == "ALL"


def test_street_address_glued_to_facility_name_is_cut() -> None:
    text = legacy_text().replace("Name:\nQianfoshan Hospital\n", "Name:\nFirst Hospital (Qianfoshan)16766 Jingshi Road, Jinan\n")
    assert only(text).sites[0].facility == "First Hospital (Qianfoshan)"


def test_values_on_their_label_lines() -> None:
    """A dump writing short values on the label line (`Allocation: Randomized`, also right after a container label
    such as `Study design:` or `Address:`), and `Gender: All` ending the criteria text."""
    lines = legacy_text().split("\n")
    short = {"nct id", "study type", "study phase", "overall status", "allocation", "intervention model",
             "primary purpose", "masking", "gender", "minimum age", "maximum age", "healthy volunteers", "city",
             "zip", "country", "status", "start date", "completion date", "intervention type", "state"}
    out: list[str] = []
    k = 0
    while k < len(lines):
        if lines[k].endswith(":") and lines[k][:-1].lower() in short and not lines[k + 1].endswith(":") \
                and not lines[k + 1][:1].isdigit():
            out.append(f"{lines[k]} {lines[k + 1]}")
            k += 2
        else:
            out.append(lines[k])
            k += 1
    inline, plain = only("\n".join(out)), only(legacy_text())
    assert inline.criteria == plain.criteria and inline.sites == plain.sites
    assert (inline.allocation, inline.masking, inline.sex, inline.min_age_years, inline.start_date) == (
        "RANDOMIZED", "NONE", "ALL", 18.0, date(2022, 12, 31))
