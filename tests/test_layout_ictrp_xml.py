"""Unit and property tests of the `ictrp_xml` layout (WHO ICTRP "Export results to XML")."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import parse_or_typed_error
from tests.timing import assert_near_linear
from transforms.errors import ParseError
from transforms.layouts import ictrp_xml
from transforms.record import ParsedTrial

HEAD = "<?xml version='1.0' encoding='UTF-8' ?>\n<Trials_downloaded_from_ICTRP>\n"
TAIL = "\n</Trials_downloaded_from_ICTRP>\n"


def trial(**fields: str) -> str:
    """One `<Trial>` with ICTRP's trailing whitespace inside every element; keywords are element names."""
    values = {"TrialID": "DRKS00000001", "Public_title": "A trial", **fields}
    return "<Trial>" + "".join(f"<{k}>{v}\n    </{k}>" for k, v in values.items()) + "</Trial>"


def export(*trials: str) -> str:
    return HEAD + "\n  ".join(trials) + TAIL


def parse_one(text: str) -> ParsedTrial:
    [record] = ictrp_xml.parse(text, "t.xml")
    assert isinstance(record, ParsedTrial)
    return record


# ---------------------------------------------------------------- detect


def test_detect_export_root() -> None:
    assert ictrp_xml.detect(export(trial())) == 1.0
    assert ictrp_xml.detect("<Trial><TrialID>NCT00000001</TrialID></Trial>") == 0.8


@pytest.mark.parametrize("text", [
    "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info></clinical_study>", '{"TrialID": "x"}',
    "TrialID,Public title\nNCT00000001,x\n", "Trial Title:\nA <Trial> of things\n", "", "<Trials>x</Trials>",
])
def test_detect_declines_other_layouts(text: str) -> None:
    assert ictrp_xml.detect(text) == 0.0


# ---------------------------------------------------------------- fields


OLDER = trial(
    TrialID="EUCTR2013-002987-17-SE", Public_title="Study of ALN-TTR02 &amp; placebo",
    Scientific_title="A Phase 3 Study - APOLLO      ", Primary_sponsor="Alnylam Pharmaceuticals, Inc",
    Secondary_Sponsor="Medpace;Alnylam Pharmaceuticals, Inc", Retrospective_flag="No",
    Date_registration3="20130913", Date_registration="13/09/2013", Source_Register="EU Clinical Trials Register",
    Recruitment_Status="Not Recruiting", Inclusion_agemin="", Inclusion_agemax="",
    Inclusion_gender="&lt;br&gt;Female: yes&lt;br&gt;Male: yes&lt;br&gt;", Date_enrollement="25/11/2013",
    Target_size="200", Study_type="Interventional clinical trial of medicinal product",
    Phase="Human pharmacology (Phase I): no\nTherapeutic exploratory (Phase II): no\nTherapeutic confirmatory - "
          "(Phase III): yes\nTherapeutic use (Phase IV): no\n",
    Countries="Portugal;United States;Portugal;Korea, Republic of",
    Inclusion_Criteria="Inclusion criteria: &lt;br&gt;• Have a diagnosis of FAP&#x0D;&lt;br&gt;• Have adequate "
                       "cardiac function&#x0D;&lt;br&gt;&lt;br&gt;Are the trial subjects under 18? no&lt;br&gt;",
    Exclusion_Criteria="Exclusion criteria: &lt;br&gt;• Has known HIV infection;&#x0D;&lt;br&gt;",
    Condition="Transthyretin mediated amyloidosis (ATTR) &lt;br&gt;MedDRA version: 19.0\nLevel: PT\nClassification "
              "code 10007509\nTerm: Cardiac amyloidosis\n;Therapeutic area: Diseases [C]",
    Intervention="&lt;br&gt;Product Name: ALN-TTR02 &lt;br&gt;Product Code: ALN-TTR02 &lt;br&gt;Pharmaceutical Form: "
                 "Solution for injection&lt;br&gt;&lt;br&gt;",
    Primary_outcome="Main Objective: To determine efficacy;Primary end point(s): Change in mNIS+7;Timepoint(s) of "
                    "evaluation of this end point: 18 months",
    Secondary_outcome="Secondary end point(s): Quality of Life;Timepoint(s) of evaluation of this end point: 18 months",
    Secondary_ID="ALN-TTR02-004;NCT01960348;2013-002987-17-FR")


def test_older_export_fields() -> None:
    t = parse_one(export(OLDER))
    assert (t.layout, t.registry, t.nct_id) == ("ictrp_xml", "EUCTR", "NCT01960348")
    assert t.title == "Study of ALN-TTR02 & placebo"
    assert t.official_title == "A Phase 3 Study - APOLLO"  # trailing whitespace trimmed
    assert t.lead_sponsor == "Alnylam Pharmaceuticals, Inc"
    assert [(s.name, s.role) for s in t.sponsors] == [("Alnylam Pharmaceuticals, Inc", "LEAD"), ("Medpace",
                                                                                                 "COLLABORATOR")]
    assert (t.registration_date, t.start_date) == (date(2013, 9, 13), date(2013, 11, 25))
    assert (t.overall_status, t.registry_status) == (None, "Not Recruiting")
    assert (t.phase, t.study_type, t.enrollment, t.sex) == ("PHASE3", "INTERVENTIONAL", 200, "ALL")
    assert (t.min_age_years, t.max_age_years) == (None, None)
    assert [c.name for c in t.countries] == ["Portugal", "United States", "Korea, Republic of"]
    assert t.conditions == ["Transthyretin mediated amyloidosis (ATTR)", "Cardiac amyloidosis"]
    assert [(i.name, i.intervention_type) for i in t.interventions] == [("ALN-TTR02", None)]
    assert [(c.kind, c.text) for c in t.criteria] == [
        ("INCLUSION", "Have a diagnosis of FAP"), ("INCLUSION", "Have adequate cardiac function"),
        ("EXCLUSION", "Has known HIV infection;")]
    assert [(o.kind, o.measure, o.time_frame) for o in t.outcomes] == [
        ("PRIMARY", "Change in mNIS+7", "18 months"), ("SECONDARY", "Quality of Life", "18 months")]
    assert [(i.identifier, i.id_type, i.registry) for i in t.identifiers] == [
        ("EUCTR2013-002987-17-SE", "PRIMARY", "EUCTR"), ("ALN-TTR02-004", "OTHER", None),
        ("NCT01960348", "REGISTRY", "CTGOV"), ("2013-002987-17-FR", "REGISTRY", "EUCTR")]


def test_newer_export_spelling() -> None:
    t = parse_one(export(trial(
        TrialID="NCT04306510", Prospective_registration="No", Date_registration="2020-02-07",
        Source_Register="ClinicalTrials.gov", Recruitment_Status="Recruiting", Inclusion_agemin="18 Years",
        Inclusion_agemax="N/A", Inclusion_gender="All", Date_enrollement="January 21, 2021", Target_size="75",
        Study_type="Interventional", Phase="Phase 4",
        Intervention="Procedure: Blood samples;Drug: Inotersen;Procedure: Blood samples")))
    assert (t.nct_id, t.registry, t.registration_date, t.start_date) == ("NCT04306510", "CTGOV", date(2020, 2, 7),
                                                                         date(2021, 1, 21))
    assert (t.overall_status, t.registry_status, t.phase, t.min_age_years, t.max_age_years) == (
        "RECRUITING", None, "PHASE4", 18.0, None)
    assert [(i.name, i.intervention_type) for i in t.interventions] == [("Blood samples", "PROCEDURE"),
                                                                        ("Inotersen", "DRUG")]


def test_unknown_elements_and_empty_elements() -> None:
    t = parse_one(export(trial(Internal_Number="1", Acronym="", Phase="", Countries="None", Secondary_ID="None",
                               Ethics_review_status="Approved")))
    assert (t.phase, t.countries, t.identifiers[1:]) == (None, [], [])


# ---------------------------------------------------------------- broken records


def test_broken_record_is_an_error_in_the_list() -> None:
    bad = trial(TrialID="KCT0000379").replace("</Public_title>", "</Public_titel>")
    out = ictrp_xml.parse(export(trial(TrialID="DRKS00000001"), bad, trial(TrialID="DRKS00000002")), "t.xml")
    assert [type(r).__name__ for r in out] == ["ParsedTrial", "ParseError", "ParsedTrial"]
    assert "KCT0000379" in str(out[1]) and "malformed XML" in str(out[1])


def test_unclosed_and_truncated_records() -> None:
    text = export(trial(TrialID="DRKS00000001"), "<Trial><TrialID>DRKS00000002</TrialID>",
                  trial(TrialID="DRKS00000003"))[:-60]
    out = ictrp_xml.parse(text, "t.xml")
    assert [r.identifiers[0].identifier if isinstance(r, ParsedTrial) else "error" for r in out] == [
        "DRKS00000001", "error", "error"]
    assert "never closed" in str(out[1])


def test_record_without_trial_id() -> None:
    [error] = ictrp_xml.parse(export("<Trial><Public_title>x</Public_title></Trial>"), "t.xml")
    assert isinstance(error, ParseError) and "TrialID" in str(error)


def test_entity_tricks_are_refused_per_record() -> None:
    text = ("<?xml version='1.0'?>\n<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>]>\n<Trials_downloaded_from_ICTRP>"
            + trial(Public_title="&a;&a;&a;") + trial(TrialID="DRKS00000002") + TAIL)
    out = ictrp_xml.parse(text, "t.xml")
    assert isinstance(out[0], ParseError) and isinstance(out[1], ParsedTrial)


def test_no_trial_at_all() -> None:
    with pytest.raises(ParseError):
        ictrp_xml.parse(HEAD + TAIL, "t.xml")


# ---------------------------------------------------------------- properties


def _check(text: str) -> None:
    parse_or_typed_error(ictrp_xml, text)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    _check(text)


_ELEMENTS = ["TrialID", "Public_title", "Scientific_title", "Primary_sponsor", "Date_registration",
             "Date_registration3", "Inclusion_agemin", "Inclusion_agemax", "Inclusion_gender", "Phase", "Target_size",
             "Recruitment_Status", "Condition", "Intervention", "Inclusion_Criteria", "Exclusion_Criteria",
             "Primary_outcome", "Secondary_outcome", "Secondary_ID", "Countries", "Study_design", "Study_type"]
# XML-safe pieces of field text: ICTRP's escaped line breaks, bullets, labels, numbers
_VALUE = st.lists(st.sampled_from(["a", "Z", "0", "9", " ", ";", ":", ",", ".", "-", "/", "(", ")", "+", "•", "*",
                                   "=", "\n", "\t", "&gt;", "&lt;", "&amp;", "&#x0D;", "&lt;br&gt;", "&lt;br /&gt;",
                                   "NCT0000000", "Phase", "yes", "no", "Term: ", "Product Name: ", "1. "]),
                  max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_ELEMENTS), _VALUE), max_size=10))
def test_arbitrary_fields_raise_only_typed_errors(fields: list[tuple[str, str]]) -> None:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields)
    _check(export("<Trial>" + body + "</Trial>"))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2000), st.text(max_size=20))
def test_cut_or_spliced_exports_raise_only_typed_errors(at: int, junk: str) -> None:
    text = export(OLDER, trial())
    _check(text[:at] + junk + text[at:])


def test_parse_time_near_linear() -> None:
    def run(n: int):
        unclosed = "<Trial><TrialID>DRKS00000001</TrialID>" * n  # every record open, none closed
        criteria = "Inclusion criteria: " + "&lt;br&gt;- item a, and&lt;br&gt;of" * n
        text = export(unclosed, trial(Inclusion_Criteria=criteria, Condition=";x" * n))
        return lambda: ictrp_xml.parse(text, "big.xml")

    assert_near_linear(run(100), run(2000))


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(("encoding", "newline"), [("utf-8", "\r\n"), ("utf-16", "\n"), ("utf-8-sig", "\r\n")])
def test_golden_export_in_other_encodings_and_line_ends(encoding: str, newline: str) -> None:
    from pathlib import Path

    from transforms.decode import decode
    from transforms.layouts import parse_text

    raw = (Path(__file__).parent / "golden" / "ictrp_xml" / "one_record_per_registry.xml").read_text("utf-8")
    expected = parse_text(raw, "a.xml")
    got = parse_text(decode(raw.replace("\n", newline).encode(encoding), "b.xml").text, "a.xml")
    assert got == expected and got[0] == "ictrp_xml"
