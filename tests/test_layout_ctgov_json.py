"""Unit and property tests of the `ctgov_json` layout (CT.gov API v2 / classic API study JSON)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import parse_or_typed_error
from tests.timing import assert_near_linear
from transforms.errors import ParseError
from transforms.layouts import ctgov_json
from transforms.record import ParsedTrial


def study(**modules) -> dict:
    """A minimal v2 study with the given modules merged into its protocolSection."""
    protocol = {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A  Trial \\[x\\]"}}
    protocol.update(modules)
    return {"protocolSection": protocol, "derivedSection": {}}


FULL = study(
    statusModule={"overallStatus": "ACTIVE_NOT_RECRUITING", "startDateStruct": {"date": "2021-03"},
                  "primaryCompletionDateStruct": {"date": "2023-01-15"}, "completionDateStruct": {"date": "2024"},
                  "lastUpdatePostDateStruct": {"date": "2024-02-02"}},
    designModule={"studyType": "INTERVENTIONAL", "phases": ["PHASE1", "PHASE2"],
                  "designInfo": {"allocation": "RANDOMIZED", "interventionModel": "PARALLEL",
                                 "primaryPurpose": "SUPPORTIVE_CARE", "maskingInfo": {"masking": "TRIPLE"}},
                  "enrollmentInfo": {"count": 120, "type": "ESTIMATED"}},
    eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n\n* Adult\n\nExclusion Criteria:\n\n* Pregnant",
                       "healthyVolunteers": True, "sex": "FEMALE", "minimumAge": "6 Months", "maximumAge": "65 Years"},
    conditionsModule={"conditions": ["Asthma", "Asthma", "COPD"]},
    armsInterventionsModule={
        "armGroups": [{"label": "Arm A", "type": "EXPERIMENTAL", "description": "gets X",
                       "interventionNames": ["Drug: X", "Dietary Supplement: Vitamin D", "IL-2: low dose"]},
                      {"label": "Arm B", "type": "PLACEBO_COMPARATOR", "interventionNames": ["Drug: Placebo"]}],
        "interventions": [{"type": "DRUG", "name": "X", "description": "10 mg"},
                          {"type": "DRUG", "name": "X", "description": "20 mg"},
                          {"type": "DIETARY_SUPPLEMENT", "name": "Vitamin D"},
                          {"type": "DRUG", "name": "Placebo"}]},
    outcomesModule={"primaryOutcomes": [{"measure": "FEV1", "timeFrame": "12 weeks", "description": "d"}],
                    "secondaryOutcomes": [{"measure": "Exacerbations", "timeFrame": "1 year"}],
                    "otherOutcomes": [{"measure": "Cost"}]},
    contactsLocationsModule={"locations": [
        {"facility": "Mayo Clinic", "city": "Rochester", "state": "Minnesota", "zip": "55905",
         "country": "United States", "status": "RECRUITING"},
        {"city": "Lyon", "country": "France"}]},
    sponsorCollaboratorsModule={"leadSponsor": {"name": "ACME Pharma", "class": "INDUSTRY"}},
    descriptionModule={"briefSummary": "Line one\\>\n\nLine two", "detailedDescription": "More."},
)


def parse_one(doc) -> ParsedTrial:
    [trial] = ctgov_json.parse(json.dumps(doc), "t.json")
    assert isinstance(trial, ParsedTrial)
    return trial


# ---------------------------------------------------------------- detect


@pytest.mark.parametrize("text", [
    json.dumps(FULL), json.dumps(FULL, indent=2), "[" + json.dumps(FULL) + "]", '  [\n  {"protocolSection": {}}]',
    '{"studies": [], "nextPageToken": "x"}', '{"FullStudiesResponse": {}}', "[]",
])
def test_detect_accepts_json_documents(text: str) -> None:
    assert ctgov_json.detect(text)


@pytest.mark.parametrize("text", [
    "[18F]FDG PET in Lung Cancer\nThis study ...\n", "Trial Title:\nX\n", "<clinical_study>\n</clinical_study>",
    "NCT Number,Study Title,Study URL\n", "{not json at all", "", "   ", "Inclusion Criteria:\n* [x] y",
])
def test_detect_rejects_other_layouts(text: str) -> None:
    assert not ctgov_json.detect(text)


# ---------------------------------------------------------------- parse


def test_full_study_maps_every_field() -> None:
    t = parse_one(FULL)
    assert (t.nct_id, t.title, t.overall_status, t.phase) == ("NCT01234567", "A Trial [x]", "ACTIVE_NOT_RECRUITING",
                                                              "PHASE1_PHASE2")
    assert (t.study_type, t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "INTERVENTIONAL", "RANDOMIZED", "PARALLEL", "SUPPORTIVE_CARE", "TRIPLE")
    assert t.enrollment == 120
    assert (t.start_date, t.primary_completion_date, t.completion_date, t.last_update_date) == (
        date(2021, 3, 1), date(2023, 1, 15), date(2024, 1, 1), date(2024, 2, 2))
    assert t.min_age_years == pytest.approx(0.5) and t.max_age_years == 65.0
    assert (t.sex, t.healthy_volunteers, t.lead_sponsor) == ("FEMALE", True, "ACME Pharma")
    assert t.conditions == ["Asthma", "COPD"]
    assert t.brief_summary == "Line one>\n\nLine two" and t.detailed_description == "More."
    assert t.eligibility_text.startswith("Inclusion Criteria:\n\n* Adult")


def test_interventions_deduplicated_and_arm_names_unprefixed() -> None:
    t = parse_one(FULL)
    assert [(i.intervention_type, i.name) for i in t.interventions] == [
        ("DRUG", "X"), ("DIETARY_SUPPLEMENT", "Vitamin D"), ("DRUG", "Placebo")]
    assert t.interventions[0].description == "10 mg"
    arm_a, arm_b = t.arms
    assert (arm_a.label, arm_a.arm_type, arm_a.description) == ("Arm A", "EXPERIMENTAL", "gets X")
    # `IL-2: low dose` has a colon that does not follow an intervention type: the name stays whole
    assert arm_a.intervention_names == ["X", "Vitamin D", "IL-2: low dose"]
    assert (arm_b.arm_type, arm_b.intervention_names) == ("PLACEBO_COMPARATOR", ["Placebo"])


def test_outcomes_and_sites() -> None:
    t = parse_one(FULL)
    assert [(o.kind, o.measure, o.time_frame) for o in t.outcomes] == [
        ("PRIMARY", "FEV1", "12 weeks"), ("SECONDARY", "Exacerbations", "1 year"), ("OTHER", "Cost", None)]
    assert t.outcomes[0].description == "d"
    mayo, lyon = t.sites
    assert (mayo.facility, mayo.city, mayo.state, mayo.zip, mayo.country, mayo.status) == (
        "Mayo Clinic", "Rochester", "Minnesota", "55905", "United States", "RECRUITING")
    assert (lyon.facility, lyon.city, lyon.state, lyon.country, lyon.status) == (None, "Lyon", None, "France", None)


def test_missing_modules_are_none_not_guesses() -> None:
    t = parse_one(study())
    assert t.nct_id == "NCT01234567"
    assert all(getattr(t, f) is None for f in ("overall_status", "phase", "allocation", "enrollment", "start_date",
                                               "min_age_years", "sex", "healthy_volunteers", "eligibility_text"))
    assert (t.conditions, t.arms, t.interventions, t.outcomes, t.sites) == ([], [], [], [], [])


def test_wrong_types_inside_a_study_never_raise() -> None:
    odd = study(designModule={"phases": 5, "designInfo": [], "enrollmentInfo": {"count": "n/a"}},
                conditionsModule={"conditions": "Single condition"},
                armsInterventionsModule={"armGroups": [None, 3, {"label": None}], "interventions": {"x": 1}},
                contactsLocationsModule={"locations": [1, None, {}]},
                statusModule={"startDateStruct": "2020-01", "overallStatus": ["RECRUITING"]})
    t = parse_one(odd)
    assert t.conditions == ["Single condition"]
    assert (t.phase, t.enrollment, t.start_date, t.overall_status) == (None, None, None, None)
    assert (t.arms, t.sites) == ([], [])


def test_array_and_studies_page_hold_many() -> None:
    other = study(identificationModule={"nctId": "NCT07654321", "briefTitle": "Second"})
    assert [t.nct_id for t in ctgov_json.parse(json.dumps([FULL, other]), "s")] == ["NCT01234567", "NCT07654321"]
    page = {"studies": [FULL, other], "nextPageToken": "abc"}
    assert [t.nct_id for t in ctgov_json.parse(json.dumps(page), "s")] == ["NCT01234567", "NCT07654321"]


def test_a_bad_item_is_a_parse_error_in_the_list() -> None:
    out = ctgov_json.parse(json.dumps([FULL, {"hello": 1}, 7]), "ctg-studies.json")
    assert isinstance(out[0], ParsedTrial)
    assert isinstance(out[1], ParseError) and "protocolSection" in out[1].reason and out[1].field == "studies[2]"
    assert isinstance(out[2], ParseError)


def test_malformed_json_reports_the_position() -> None:
    with pytest.raises(ParseError) as err:
        ctgov_json.parse('{"protocolSection": {"identificationModule": {"nctId": "NCT1"}\n,,}', "bad.json")
    assert "line 2" in err.value.reason and "malformed JSON" in err.value.reason


@pytest.mark.parametrize("doc", ['{"hello": "world"}', "[]", '{"studies": []}'])
def test_valid_json_that_is_not_a_study(doc: str) -> None:
    with pytest.raises(ParseError) as err:
        ctgov_json.parse(doc, "x.json")
    assert err.value.layout == "ctgov_json"


def test_classic_api_full_studies_response() -> None:
    classic = {"FullStudiesResponse": {"APIVrs": "1.01.05", "FullStudies": [{"Rank": 1, "Study": {"ProtocolSection": {
        "IdentificationModule": {"NCTId": "NCT00150358", "BriefTitle": "Viagra in Hypertension"},
        "StatusModule": {"OverallStatus": "Completed", "StartDateStruct": {"StartDate": "March 2005"},
                         "CompletionDateStruct": {"CompletionDate": "November 2005"}},
        "SponsorCollaboratorsModule": {"LeadSponsor": {"LeadSponsorName": "Pfizer"}},
        "ConditionsModule": {"ConditionList": {"Condition": ["Impotence", "Hypertension"]}},
        "DesignModule": {"StudyType": "Interventional", "PhaseList": {"Phase": ["Phase 4"]},
                         "DesignInfo": {"DesignAllocation": "Non-Randomized",
                                        "DesignInterventionModel": "Single Group Assignment",
                                        "DesignPrimaryPurpose": "Treatment",
                                        "DesignMaskingInfo": {"DesignMasking": "None (Open Label)"}},
                         "EnrollmentInfo": {"EnrollmentCount": "253"}},
        "ArmsInterventionsModule": {
            "ArmGroupList": {"ArmGroup": [{"ArmGroupLabel": "Sildenafil", "ArmGroupType": "Experimental",
                                           "ArmGroupInterventionList": {
                                               "ArmGroupInterventionName": ["Drug: Sildenafil Citrate"]}}]},
            "InterventionList": {"Intervention": [{"InterventionType": "Drug",
                                                   "InterventionName": "Sildenafil Citrate"}]}},
        "OutcomesModule": {"PrimaryOutcomeList": {"PrimaryOutcome": [
            {"PrimaryOutcomeMeasure": "GEAQ response", "PrimaryOutcomeTimeFrame": "Week 8"}]}},
        "EligibilityModule": {"EligibilityCriteria": "Inclusion Criteria:\n\n* ED", "HealthyVolunteers": "No",
                              "Gender": "Male", "MinimumAge": "18 Years"},
        "ContactsLocationsModule": {"LocationList": {"Location": [
            {"LocationFacility": "Pfizer Investigational Site", "LocationCity": "Torreon",
             "LocationState": "Coahuila", "LocationZip": "72000", "LocationCountry": "Mexico"}]}},
    }}}]}}
    t = parse_one(classic)
    assert (t.nct_id, t.overall_status, t.phase, t.study_type, t.allocation, t.intervention_model, t.masking) == (
        "NCT00150358", "COMPLETED", "PHASE4", "INTERVENTIONAL", "NON_RANDOMIZED", "SINGLE_GROUP", "NONE")
    assert (t.enrollment, t.start_date, t.sex, t.healthy_volunteers, t.min_age_years) == (
        253, date(2005, 3, 1), "MALE", False, 18.0)
    assert t.conditions == ["Impotence", "Hypertension"] and t.lead_sponsor == "Pfizer"
    assert t.arms[0].intervention_names == ["Sildenafil Citrate"] and t.arms[0].arm_type == "EXPERIMENTAL"
    assert [(o.kind, o.measure, o.time_frame) for o in t.outcomes] == [("PRIMARY", "GEAQ response", "Week 8")]
    assert (t.sites[0].city, t.sites[0].state, t.sites[0].country) == ("Torreon", "Coahuila", "Mexico")


# ---------------------------------------------------------------- properties


def _check(text: str) -> None:
    parse_or_typed_error(ctgov_json, text, "h.json")


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    _check(text)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["protocolSection", "studies", "identificationModule", "nctId", "designModule", "phases",
                         "armGroups", "interventionNames", "locations", "date", "ProtocolSection", "Study", "x"]),
        inner, max_size=4),
    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_arbitrary_json_values_raise_only_typed_errors(value) -> None:
    _check(json.dumps(value))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["statusModule", "designModule", "eligibilityModule", "conditionsModule",
                                        "armsInterventionsModule", "outcomesModule", "contactsLocationsModule"]),
                       _JSON, max_size=7))
def test_arbitrary_module_contents_raise_only_typed_errors(modules) -> None:
    _check(json.dumps(study(**modules)))


def test_parse_time_near_linear() -> None:
    def run(n: int):
        doc = study(contactsLocationsModule={"locations": [{"facility": f"Site {i}", "city": "X", "country": "Y"}
                                                           for i in range(n)]},
                    conditionsModule={"conditions": [f"c{i}" for i in range(n)]})
        text = json.dumps(doc)
        return lambda: ctgov_json.parse(text, "big.json")

    assert_near_linear(run(200), run(4000))


def test_deep_nesting_is_a_typed_error() -> None:
    with pytest.raises(ParseError):
        ctgov_json.parse("[" * 100_000 + "]" * 100_000, "deep.json")
