"""Unit and property tests of the `ctgov_xml` layout (legacy CT.gov `<clinical_study>` XML)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import parse_or_typed_error
from tests.timing import assert_near_linear
from transforms.errors import ParseError
from transforms.layouts import ctgov_xml
from transforms.record import ParsedTrial

MODERN = """<clinical_study>
  <!-- This xml conforms to an XML Schema at:
    https://clinicaltrials.gov/ct2/html/images/info/public.xsd -->
  <id_info><org_study_id>X-1</org_study_id><nct_id>NCT00000320</nct_id></id_info>
  <brief_title>Buprenorphine   Formulation
     Comparison</brief_title>
  <official_title>Official</official_title>
  <sponsors><lead_sponsor><agency>NIDA</agency><agency_class>NIH</agency_class></lead_sponsor></sponsors>
  <brief_summary>
    <textblock>
      The purpose of this study is to compare&#xD;
      liquid vs. tablet.&#xD;
    </textblock>
  </brief_summary>
  <overall_status>Active, not recruiting</overall_status>
  <start_date>October 1997</start_date>
  <completion_date type="Actual">August 15, 1999</completion_date>
  <primary_completion_date type="Actual">August 1999</primary_completion_date>
  <phase>Phase 1/Phase 2</phase>
  <study_type>Interventional</study_type>
  <study_design_info>
    <allocation>Non-Randomized</allocation>
    <intervention_model>Crossover Assignment</intervention_model>
    <primary_purpose>Supportive Care</primary_purpose>
    <masking>Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)</masking>
  </study_design_info>
  <primary_outcome><measure>blood level</measure><time_frame>day 1</time_frame></primary_outcome>
  <secondary_outcome><measure>craving</measure><time_frame>week 2</time_frame>
    <description>VAS</description></secondary_outcome>
  <other_outcome><measure>cost</measure></other_outcome>
  <enrollment type="Actual">120</enrollment>
  <condition>Opioid-Related Disorders</condition>
  <condition>Pain</condition>
  <arm_group><arm_group_label>1; liquid</arm_group_label><arm_group_type>Active Comparator</arm_group_type>
    <description>liquid formulation</description></arm_group>
  <arm_group><arm_group_label>2; Tablet</arm_group_label><arm_group_type>Placebo Comparator</arm_group_type></arm_group>
  <intervention><intervention_type>Drug</intervention_type><intervention_name>Buprenorphine</intervention_name>
    <arm_group_label>1; liquid</arm_group_label><arm_group_label>2; tablet</arm_group_label></intervention>
  <intervention><intervention_type>Dietary Supplement</intervention_type><intervention_name>Zinc</intervention_name>
    <arm_group_label>2; tablet</arm_group_label></intervention>
  <intervention><intervention_type>Drug</intervention_type><intervention_name>buprenorphine</intervention_name>
  </intervention>
  <eligibility>
    <criteria>
      <textblock>
        Inclusion Criteria:&#xD;
&#xD;
          -  Age 18-65 and meets DSM-IV criteria for opiate dependence, with a long line that&#xD;
             wraps&#xD;
&#xD;
        Exclusion Criteria:&#xD;
&#xD;
          -  Pregnant&#xD;
      </textblock>
    </criteria>
    <gender>All</gender>
    <minimum_age>18 Years</minimum_age>
    <maximum_age>N/A</maximum_age>
    <healthy_volunteers>Accepts Healthy Volunteers</healthy_volunteers>
  </eligibility>
  <location>
    <facility><name>Friends Research Institute</name>
      <address><city>Los Angeles</city><state>California</state><zip>90025</zip><country>United States</country>
      </address></facility>
    <status>Not yet recruiting</status>
  </location>
  <location><facility><address><city>Paris</city><country>France</country></address></facility></location>
  <last_update_posted type="Estimate">June 24, 2005</last_update_posted>
</clinical_study>
"""

ARCHIVAL = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study rank="7">
  <id_info><nct_id>NCT00000102</nct_id></id_info>
  <brief_title>Congenital Adrenal Hyperplasia</brief_title>
  <overall_status>Completed</overall_status>
  <start_date>March 2005</start_date>
  <phase>N/A</phase>
  <study_type>Interventional</study_type>
  <study_design>Allocation: Randomized, Endpoint Classification: Safety/Efficacy Study, Intervention Model: Parallel
    Assignment, Masking: Double Blind (Subject, Investigator), Primary Purpose: Treatment</study_design>
  <eligibility><gender>Both</gender><minimum_age>14 Days</minimum_age><maximum_age>35 Years</maximum_age>
  </eligibility>
  <lastchanged_date>June 23, 2005</lastchanged_date>
</clinical_study>
"""


def parse_one(text: str) -> ParsedTrial:
    [trial] = ctgov_xml.parse(text, "t.xml")
    assert isinstance(trial, ParsedTrial)
    return trial


# ---------------------------------------------------------------- detect


@pytest.mark.parametrize("text", [MODERN, ARCHIVAL, "  \n<clinical_study/>", "<clinical_studies><clinical_study>"])
def test_detect_accepts_study_xml(text: str) -> None:
    assert ctgov_xml.detect(text)


@pytest.mark.parametrize("text", [
    "<5 year old children with clinical_study>\nsummary", "Trial Title:\n<clinical_study>\n", '{"protocolSection": {}}',
    "NCT Number,Study Title\n", "<html><body>clinical trial</body></html>", "",
])
def test_detect_rejects_other_layouts(text: str) -> None:
    assert not ctgov_xml.detect(text)


# ---------------------------------------------------------------- parse


def test_modern_study_fields() -> None:
    t = parse_one(MODERN)
    assert (t.nct_id, t.title, t.official_title, t.lead_sponsor) == (
        "NCT00000320", "Buprenorphine Formulation Comparison", "Official", "NIDA")
    assert t.brief_summary == "The purpose of this study is to compare liquid vs. tablet."
    assert (t.overall_status, t.phase, t.study_type) == ("ACTIVE_NOT_RECRUITING", "PHASE1_PHASE2", "INTERVENTIONAL")
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "NON_RANDOMIZED", "CROSSOVER", "SUPPORTIVE_CARE", "QUADRUPLE")
    assert (t.enrollment, t.start_date, t.completion_date, t.primary_completion_date, t.last_update_date) == (
        120, date(1997, 10, 1), date(1999, 8, 15), date(1999, 8, 1), date(2005, 6, 24))
    assert (t.sex, t.min_age_years, t.max_age_years, t.healthy_volunteers) == ("ALL", 18.0, None, True)
    assert t.conditions == ["Opioid-Related Disorders", "Pain"]


def test_eligibility_textblock_is_dedented_with_lines_kept() -> None:
    t = parse_one(MODERN)
    assert t.eligibility_text == (
        "Inclusion Criteria:\n\n"
        "  -  Age 18-65 and meets DSM-IV criteria for opiate dependence, with a long line that\n"
        "     wraps\n\n"
        "Exclusion Criteria:\n\n"
        "  -  Pregnant")


def test_arms_take_their_interventions_from_the_intervention_links() -> None:
    t = parse_one(MODERN)
    assert [(i.intervention_type, i.name) for i in t.interventions] == [("DRUG", "Buprenorphine"),
                                                                         ("DIETARY_SUPPLEMENT", "Zinc")]
    liquid, tablet = t.arms
    assert (liquid.label, liquid.arm_type, liquid.description, liquid.intervention_names) == (
        "1; liquid", "ACTIVE_COMPARATOR", "liquid formulation", ["Buprenorphine"])
    # the link matches the arm label whatever its casing (`2; Tablet` / `2; tablet`)
    assert (tablet.arm_type, tablet.intervention_names) == ("PLACEBO_COMPARATOR", ["Buprenorphine", "Zinc"])


def test_outcomes_and_sites() -> None:
    t = parse_one(MODERN)
    assert [(o.kind, o.measure, o.time_frame, o.description) for o in t.outcomes] == [
        ("PRIMARY", "blood level", "day 1", None), ("SECONDARY", "craving", "week 2", "VAS"),
        ("OTHER", "cost", None, None)]
    la, paris = t.sites
    assert (la.facility, la.city, la.state, la.zip, la.country, la.status) == (
        "Friends Research Institute", "Los Angeles", "California", "90025", "United States", "NOT_YET_RECRUITING")
    assert (paris.facility, paris.city, paris.country, paris.status) == (None, "Paris", "France", None)


def test_archival_variant() -> None:
    t = parse_one(ARCHIVAL)
    assert (t.nct_id, t.phase, t.start_date, t.last_update_date) == (
        "NCT00000102", "NA", date(2005, 3, 1), date(2005, 6, 23))
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "RANDOMIZED", "PARALLEL", "TREATMENT", "DOUBLE")
    assert t.sex == "ALL" and t.min_age_years == pytest.approx(14 / 365.25, abs=1e-5) and t.max_age_years == 35.0
    assert (t.enrollment, t.eligibility_text, t.arms, t.sites) == (None, None, [], [])


def test_unlabelled_pre_2007_design_line() -> None:
    text = ARCHIVAL.replace(ARCHIVAL[ARCHIVAL.index("<study_design>"):ARCHIVAL.index("</study_design>")],
                            "<study_design>Treatment, Randomized, Open Label, Placebo Control, Crossover Assignment, "
                            "Safety Study")
    t = parse_one(text)
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "RANDOMIZED", "CROSSOVER", "TREATMENT", "NONE")


def test_wrapper_root_holds_many_studies() -> None:
    body = MODERN.replace("<clinical_study>", "").replace("</clinical_study>", "")
    text = f"<search_results><clinical_study>{body}</clinical_study><clinical_study>{body}</clinical_study>" \
           "</search_results>"
    assert [t.nct_id for t in ctgov_xml.parse(text, "many.xml")] == ["NCT00000320", "NCT00000320"]


@pytest.mark.parametrize("text, words", [
    ("<clinical_study><brief_title>x</clinical_study>", "malformed"),
    ("<other><x/></other>", "clinical_study"),
    ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><clinical_study>&lol2;</clinical_study>',
     "unsafe"),
    ('<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]><clinical_study>&ext;</clinical_study>', "unsafe"),
])
def test_bad_xml_is_a_typed_error(text: str, words: str) -> None:
    with pytest.raises(ParseError) as err:
        ctgov_xml.parse(text, "bad.xml")
    assert words in str(err.value)


def test_declared_encoding_does_not_fight_the_decoded_text() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<clinical_study><brief_title>Étude</brief_title>' \
           "</clinical_study>"
    assert parse_one(text).title == "Étude"


# ---------------------------------------------------------------- properties


def _check(text: str) -> None:
    parse_or_typed_error(ctgov_xml, text, "h.xml")


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    _check(text)


_TAGS = ["brief_title", "phase", "study_design", "study_design_info", "masking", "eligibility", "criteria",
         "textblock", "gender", "minimum_age", "arm_group", "arm_group_label", "intervention", "intervention_name",
         "location", "facility", "address", "city", "status", "start_date", "enrollment", "primary_outcome",
         "measure", "condition", "id_info", "nct_id"]
_ELEMENT = st.recursive(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<&"), max_size=30),
    lambda inner: st.builds(lambda tag, kids: f"<{tag}>{''.join(kids)}</{tag}>", st.sampled_from(_TAGS),
                            st.lists(inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ELEMENT, max_size=6))
def test_arbitrary_study_elements_raise_only_typed_errors(children: list[str]) -> None:
    _check("<clinical_study>" + "".join(children) + "</clinical_study>")


def test_parse_time_near_linear() -> None:
    def run(n: int):
        locations = "".join(f"<location><facility><name>Site {i}</name><address><city>C</city><country>X</country>"
                            f"</address></facility></location><condition>c{i}</condition>" for i in range(n))
        design = "<study_design>" + "Allocation: Randomized, " * n + "</study_design>"
        text = f"<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>{design}{locations}</clinical_study>"
        return lambda: ctgov_xml.parse(text, "big.xml")

    assert_near_linear(run(100), run(2000))
