"""Unit tests of the WHO ICTRP field readers and text splitters shared by the `ictrp_xml` and `ictrp_csv` layouts."""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.layouts import ictrp_criteria, ictrp_fields, ictrp_text
from transforms.layouts.ictrp_fields import (
    read_age,
    read_date,
    read_design,
    read_enrollment,
    read_identifiers,
    read_nct,
    read_phase,
    read_registry,
    read_sex,
    read_sponsors,
    read_status,
    read_study_type,
)

# ---------------------------------------------------------------- decoding


@pytest.mark.parametrize(("raw", "text"), [
    ("a\r<br>b", "a\nb"),  # `&#x0D;&lt;br&gt;`: ICTRP's rendering of one line break
    ("a<br>b<BR/>c", "a\nb\nc"),
    ("and<br /><br>the rest", "and\nthe rest"),  # a registry's own <br /> plus ICTRP's <br>: one break
    ("<p>one</p><br>", "one"),
    ("x &lt;45 mL &amp; y", "x <45 mL & y"),
    ("x &amp;gt;3", "x >3"),  # escaped once more than needed: still one character
    ("<b>bold</b> <sup>2</sup>", "bold 2"),
    ("age <45 and >18", "age <45 and >18"),  # not tags
    ("text   \n    ", "text"),
    ("   \n ", None),
])
def test_decode(raw: str, text: str | None) -> None:
    assert ictrp_text.decode(raw) == text


@pytest.mark.parametrize("raw", ["None", "N/A", "nil known", "Not applicable.", "Same as above", "See Primary Outcome",
                                 "Please refer to section E6 of the protocol.", "-"])
def test_placeholders(raw: str) -> None:
    assert ictrp_text.is_placeholder(raw)


@pytest.mark.parametrize("raw", ["No drug", "Seeing eye dogs", "Nonepileptic seizures", "Nausea"])
def test_not_placeholders(raw: str) -> None:
    assert not ictrp_text.is_placeholder(raw)


# ---------------------------------------------------------------- scalar readers


@pytest.mark.parametrize(("raw", "upper", "years"), [
    ("18 Years", False, 18.0), ("18Y", False, 18.0), ("18", False, 18.0), ("65+", False, 65.0),
    ("65+", True, None),  # EU CTR's `65+` age group as the upper limit: no upper limit
    ("N/A", False, None), ("None", True, None), ("Not applicable", False, None),
    (">= 20age old", False, 20.0), ("<= 90age old", True, 90.0), ("16years-old", False, 16.0),
    ("60(Year)", False, 60.0), ("6 Months", False, 0.5), ("2 weeks", False, round(2 / 52.1775, 6)),
    ("eighteen", False, None), ("18 parsecs", False, None),
    # other registries' spellings (CTRI and PACTR `Year(s)`, ANZCTR's words around the number)
    ("18.00 Year(s)", False, 18.0), ("99.00 Year(s)", True, 99.0), ("1.00 Month(s)", False, round(1 / 12, 6)),
    ("18 Years and older", False, 18.0), ("18 years and older", True, None), ("75 Years <=", True, 75.0),
    ("12 years or younger", True, 12.0), ("No limit", True, None), ("Not stated", False, None),
])
def test_read_age(raw: str, upper: bool, years: float | None) -> None:
    assert read_age(raw, upper) == years


@pytest.mark.parametrize(("raw", "sex"), [
    ("All", "ALL"), ("Both", "ALL"), ("Male and Female", "ALL"), ("Female: yes Male: yes", "ALL"),
    ("\nFemale: yes\nMale: yes\n", "ALL"), ("Female: yes Male: no", "FEMALE"), ("Female: no Male: yes", "MALE"),
    ("Female: no Male: no", None), ("F", "FEMALE"), ("M", "MALE"), ("Female", "FEMALE"), ("Males", "MALE"),
    ("", None), ("Unknown", None), ("Males and females", "ALL"), ("Both males and females", "ALL"),
    ("Females", "FEMALE"),
])
def test_read_sex(raw: str, sex: str | None) -> None:
    assert read_sex(raw) == sex


EU_FLAGS = ("Human pharmacology (Phase I): {}\nTherapeutic exploratory (Phase II): {}\n"
            "Therapeutic confirmatory - (Phase III): {}\nTherapeutic use (Phase IV): {}")


@pytest.mark.parametrize(("raw", "phase"), [
    (EU_FLAGS.format("no", "yes", "yes", "no"), "PHASE2_PHASE3"),
    (EU_FLAGS.format("no", "no", "yes", "no"), "PHASE3"),
    (EU_FLAGS.format("yes", "no", "no", "no"), "PHASE1"),
    (EU_FLAGS.format("yes", "yes", "no", "no"), "PHASE1_PHASE2"),
    (EU_FLAGS.format("no", "no", "no", "yes"), "PHASE4"),
    (EU_FLAGS.format("yes", "no", "yes", "no"), None),  # no single phase code
    (EU_FLAGS.format("no", "no", "no", "no"), None),
    ("Human pharmacology (Phase I): no Therapeutic exploratory (Phase II): yes Therapeutic confirmatory - (Phase III):"
     " yes Therapeutic use - (Phase IV): no", "PHASE2_PHASE3"),  # CTIS writes them on one line
    ("Phase 2/Phase 3", "PHASE2_PHASE3"), ("Phase1/Phase2", "PHASE1_PHASE2"), ("Phase 4", "PHASE4"),
    ("3", "PHASE3"), ("2-3", "PHASE2_PHASE3"), ("II", "PHASE2"), ("N/A", "NA"), ("Not Applicable", "NA"),
    ("Not selected", None), ("0", None), ("", None),
])
def test_read_phase(raw: str, phase: str | None) -> None:
    assert read_phase(raw) == phase


@pytest.mark.parametrize(("raw", "status", "registry_status"), [
    ("Recruiting", "RECRUITING", None), ("Not yet recruiting", "NOT_YET_RECRUITING", None),
    ("Completed", "COMPLETED", None), ("Active, not recruiting", "ACTIVE_NOT_RECRUITING", None),
    ("Withdrawn", "WITHDRAWN", None),
    ("Not recruiting", None, "Not recruiting"), ("Not Recruiting", None, "Not Recruiting"),
    ("Authorised", None, "Authorised"), ("Pending", None, "Pending"), ("Not Available", None, "Not Available"),
    ("", None, None), ("None", None, None),
])
def test_read_status(raw: str, status: str | None, registry_status: str | None) -> None:
    assert read_status(raw) == (status, registry_status)


@pytest.mark.parametrize(("raw", "day"), [
    ("08/04/2024", date(2024, 4, 8)),  # DD/MM/YYYY, not US order
    ("20240408", date(2024, 4, 8)), ("2021-09-20", date(2021, 9, 20)), ("2016/12/06", date(2016, 12, 6)),
    ("April 25, 2024", date(2024, 4, 25)), ("September 2021", date(2021, 9, 1)), ("20 May 2024", date(2024, 5, 20)),
    ("31/02/2020", None), ("12/31/2020", None), ("N/A", None), ("", None),
    ("15-05-2020", date(2020, 5, 15)), ("15.05.2020", date(2020, 5, 15)), ("15/05-2020", None),  # one separator
])
def test_read_date(raw: str, day: date | None) -> None:
    assert read_date(raw) == day


@pytest.mark.parametrize(("raw", "n"), [
    ("500", 500), ("1,200", 1200), ("50 participants", 50), ("74 ", 74),
    ("control group:50;sepsis group:50;", None),  # per-group sizes: the field states no total
    ("Group A:50;Group B:50;Total:100", 100), ("", None), ("unknown", None), ("50-100", None),
    ("Planned Sample Size: 200; UK Sample Size: 120", 200), ("UK Sample Size: 120", None),
])
def test_read_enrollment(raw: str, n: int | None) -> None:
    assert read_enrollment(raw) == n


@pytest.mark.parametrize(("raw", "code"), [
    ("Interventional clinical trial of medicinal product", "INTERVENTIONAL"), ("Interventional Study", "INTERVENTIONAL"),
    ("observational", "OBSERVATIONAL"), ("Observational study", "OBSERVATIONAL"),
    ("Observational [Patient Registry]", "OBSERVATIONAL"), ("Expanded Access", "EXPANDED_ACCESS"),
    ("Treatment study", None), ("", None), ("Intervention", "INTERVENTIONAL"),
])
def test_read_study_type(raw: str, code: str | None) -> None:
    assert read_study_type(raw) == code


def test_registry_from_id_before_source_register() -> None:
    assert read_registry("NL-OMON55279", "NL-OMON") == "NL_OMON"
    assert read_registry("CTIS2023-507385-11-00", "Clinical Trials Information System") == "CTIS"
    assert read_registry("XYZ-123", "German Clinical Trials Register") == "DRKS"
    assert read_registry("XYZ-123", "Some other register") is None


def test_identifiers_and_nct() -> None:
    found = read_identifiers("CTIS2023-507385-11-00", "CTIS", "U1111-1296-5487;2022-003405-30;NCT05697861;None")
    assert [(i.identifier, i.id_type, i.registry) for i in found] == [
        ("CTIS2023-507385-11-00", "PRIMARY", "CTIS"), ("U1111-1296-5487", "OTHER", None),
        ("2022-003405-30", "REGISTRY", "EUCTR"), ("NCT05697861", "REGISTRY", "CTGOV")]
    assert read_nct(found) == "NCT05697861"
    assert read_nct(read_identifiers("DRKS00000001", "DRKS", "NCT00000001;NCT00000002")) is None  # which one?
    assert read_nct(read_identifiers("NCT00000003", "CTGOV", "NCT00000001")) == "NCT00000003"
    # an EU CTR record names its other member states' records: kept as REGISTRY rows
    assert [i.id_type for i in read_identifiers("EUCTR2021-000037-14-PT", "EUCTR",
                                                "146070;2021-000037-14-DK")] == ["PRIMARY", "OTHER", "REGISTRY"]


def test_sponsors() -> None:
    found = read_sponsors("Intellia Therapeutics Inc.", "Medpace Finland Oy; Intellia Therapeutics Inc.;N/A")
    assert [(s.name, s.role) for s in found] == [("Intellia Therapeutics Inc.", "LEAD"), ("Medpace Finland Oy",
                                                                                          "COLLABORATOR")]
    assert read_sponsors("None", None) == []


@pytest.mark.parametrize(("raw", "design"), [
    ("Controlled: yes\nRandomised: yes\nOpen: no\nSingle blind: no\nDouble blind: yes\nParallel group: yes\n"
     "Cross over: no", {"allocation": "RANDOMIZED", "masking": "DOUBLE", "intervention_model": "PARALLEL"}),
    ("Controlled: no Randomised: no Open: no Single blind: no Double blind: no", {}),  # a `no` states nothing
    ("Primary Purpose : Diagnosis, Intervention Model : Others, Blinding/Masking : Open, Allocation : Not Applicable",
     {"primary_purpose": "DIAGNOSTIC", "masking": "NONE", "allocation": "NA"}),
    ("Allocation: Randomized controlled trial; Masking: Blinded; Control: ; Assignment: Parallel; "
     "Study design purpose: Treatment", {"allocation": "RANDOMIZED", "intervention_model": "PARALLEL",
                                        "primary_purpose": "TREATMENT"}),
    ("randomized controlled trial, open(masking not used), historical control, parallel assignment, treatment purpose",
     {"allocation": "RANDOMIZED", "masking": "NONE", "intervention_model": "PARALLEL", "primary_purpose": "TREATMENT"}),
    ("Nonrandomized Trial, Open, Single Group", {"allocation": "NON_RANDOMIZED", "masking": "NONE",
                                                 "intervention_model": "SINGLE_GROUP"}),
    ("", {}),
    # registries beyond the sample: ANZCTR, IRCT, DRKS with an unknown label after, CRIS's `RCT`
    ("Purpose of the study: Treatment; Allocation: Randomised controlled trial; Masking: Blinded (masking used);"
     "Assignment: Parallel;Type of endpoint(s): Efficacy;",
     {"primary_purpose": "TREATMENT", "allocation": "RANDOMIZED", "intervention_model": "PARALLEL"}),
    ("Randomization: Randomized, Blinding: Double blinded, Placebo: Used, Assignment: Parallel, Purpose: Treatment. "
     "Randomization description: permuted blocks", {"allocation": "RANDOMIZED", "masking": "DOUBLE",
                                                    "intervention_model": "PARALLEL", "primary_purpose": "TREATMENT"}),
    ("Allocation: Non-randomized controlled trial; Masking: Open (masking not used); Control: Active; Purpose: "
     "Treatment; Assignment: Single; Study design other:", {"allocation": "NON_RANDOMIZED", "masking": "NONE",
                                                            "primary_purpose": "TREATMENT",
                                                            "intervention_model": "SINGLE_GROUP"}),
    ("Allocation: RCT, Intervention Model: Parallel, Blinding/Masking: Double, Primary Purpose: Treatment",
     {"allocation": "RANDOMIZED", "intervention_model": "PARALLEL", "masking": "DOUBLE", "primary_purpose": "TREATMENT"}),
    ("Single arm", {"intervention_model": "SINGLE_GROUP"}),  # one arm, not single-blind
])
def test_read_design(raw: str, design: dict) -> None:
    assert read_design(raw) == design


def test_field_names_of_both_exports() -> None:
    for xml_name, csv_name, field in (("Inclusion_agemin", "Agemin", "age_min"), ("Secondary_ID", "SecondaryIDs",
                                      "secondary_ids"), ("Condition", "Conditions", "conditions"),
                                      ("Primary_outcome", "Primary_Outcome", "primary_outcome"),
                                      ("Date_enrollement", "Date enrollement", "date_enrolment")):
        assert ictrp_fields.field_of(xml_name) == ictrp_fields.field_of(csv_name) == field
    assert ictrp_fields.field_of("Public_Contact_Email") is None


def test_build_without_trial_id_declines() -> None:
    with pytest.raises(ValueError, match="TrialID"):
        ictrp_fields.build({"public_title": "A trial"}, "ictrp_xml")


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize(("raw", "names"), [
    ("Familial Amyloid Polyneuropathy;Familial Amyloid Polyneuropathy;ATTR-PN", ["Familial Amyloid Polyneuropathy",
                                                                                "ATTR-PN"]),
    ("Transthyretin mediated amyloidosis (ATTR) \nMedDRA version: 19.0\nLevel: PT\nClassification code 10007509\n"
     "Term: Cardiac amyloidosis\nSystem Organ Class: 10007541 - Cardiac disorders\n \nMedDRA version: 19.0\nLevel: PT\n"
     "Classification code 10019889\nTerm: Hereditary neuropathic amyloidosis\n;Therapeutic area: Diseases [C] - "
     "Congenital, Hereditary, and Neonatal Diseases and Abnormalities [C16]",
     ["Transthyretin mediated amyloidosis (ATTR)", "Cardiac amyloidosis", "Hereditary neuropathic amyloidosis"]),
    ("-Condition one\n-Condition two \nMedDRA version: 20.0Level: PTClassification code: 10007509Term: Cardiac "
     "amyloidosisSystem Organ Class: 100000004849", ["Condition one", "Condition two", "Cardiac amyloidosis"]),
    ("\nE85.1 \nG63 \nM17;Neuropathic heredofamilial amyloidosis;Gonarthrosis [arthrosis of knee];E85.1",
     ["Neuropathic heredofamilial amyloidosis", "Gonarthrosis [arthrosis of knee]"]),
    ("Some fevers\nORPHA:210115 ORPHA:325004 \nE85.0;Other name;10034606", ["Some fevers", "Other name"]),
    (";Mental and behavioral disorders", ["Mental and behavioral disorders"]),
    ("Amyloidosis, Hereditary, Transthyretin-Related", ["Amyloidosis, Hereditary, Transthyretin-Related"]),
    ("None", []),
])
def test_conditions(raw: str, names: list[str]) -> None:
    assert ictrp_text.conditions(raw) == names


def _interventions(raw: str) -> list[tuple[str, str | None]]:
    return [(i.name, i.intervention_type) for i in ictrp_text.interventions(raw)]


@pytest.mark.parametrize(("raw", "found"), [
    ("Drug: Fx-1006A;Drug: Placebo;Drug: Fx-1006A", [("Fx-1006A", "DRUG"), ("Placebo", "DRUG")]),
    ("Other: No drug;Procedure: Blood samples (a; b)", [("No drug", "OTHER"), ("Blood samples (a; b)", "PROCEDURE")]),
    ("\nTrade Name: Dolobid\nPharmaceutical Form: Film-coated tablet\nINN or Proposed INN: Diflunisal\n\n",
     [("Dolobid", None)]),
    ("\nProduct Name: ION-682884\nProduct Code: ION-682884\n\nProduct Name: inotersen\nProduct Code: ISIS 420915\n\n",
     [("ION-682884", None), ("inotersen", None)]),
    ("\nProduct Code: Fx-1006A\nPharmaceutical Form: Capsule, soft\n", [("Fx-1006A", None)]),
    ("\nPharmaceutical Form: Film-coated tablet\n\n", []),  # a product sheet naming no product
    ("Product Name: NTLA-2001,Product Code: PRD8425756,Pharmaceutical Form: LIQUID,Other descriptive name: ,"
     "Current Sponsor code: NTLA-2001", [("NTLA-2001", None)]),
    ("investigational material(s)\nGeneric name etc : tafamidis meglumine\nINN of investigational material : "
     "tafamidis meglumine\nDosage and Administration for Investigational material : 20 mg QD",
     [("tafamidis meglumine", None)]),
    ("Experimental: ION-682884\nION-682884 by subcutaneous injection\n\nActive Comparator: Inotersen\nInotersen weekly",
     [("ION-682884", None), ("Inotersen", None)]),
    ("Group 1: Observational study - 1 arm\nUnderlying disease\nOrigin",
     [("Group 1: Observational study - 1 arm Underlying disease Origin", None)]),
    ("Radiation : radiotracer X\nvolume: 5 mL\nnumber: 1", [("radiotracer X", "RADIATION")]),
    # CRIS (KCT0000379): the type's item is a list of fields, the first naming the product
    ("Radiation : radiopharmaceutical: SNUBH-NM-333(18F)<br>volume: 5~10CC<br>injection route: intra vein",
     [("SNUBH-NM-333(18F)", "RADIATION")]),
    ("Drug : dose level 1: 10 mg\ngiven daily for 4 weeks", [("dose level 1: 10 mg", "DRUG")]),  # not all fields
    ("control group:No;sepsis group:Sepsis bundle;", [("Sepsis bundle", None)]),
    ("Amyloid beta-PET, Tau-PET, MRI", [("Amyloid beta-PET, Tau-PET, MRI", None)]),
    ("<p>Please refer to section E6 of the protocol. </p>", []),
])
def test_interventions(raw: str, found: list) -> None:
    assert _interventions(ictrp_text.decode(raw)) == found


def _outcomes(raw: str, kind: str = "PRIMARY") -> list[tuple[str, str, str | None]]:
    return [(o.kind, o.measure, o.time_frame) for o in ictrp_text.outcomes(ictrp_text.decode(raw), kind)]


def test_outcomes_semicolon_list_deduplicated() -> None:
    assert _outcomes("A at Month 6;B (x; y);A at Month 6;") == [("PRIMARY", "A at Month 6", None),
                                                                 ("PRIMARY", "B (x; y)", None)]


def test_outcomes_eu_sections() -> None:
    raw = ("Main Objective: To evaluate X.;Secondary Objective: To evaluate Y.;Primary end point(s): Co-primary "
           "efficacy end points:<br><br>- Response at Month 18.<br>- Change in TQOL.<br><br>Secondary efficacy end "
           "points:<br>- Change in NIS-LL.<br><br>Safety end points:<br>- Incidence of SAEs;Timepoint(s) of "
           "evaluation of this end point: 66 Weeks")
    assert _outcomes(raw) == [("PRIMARY", "Response at Month 18.", "66 Weeks"), ("PRIMARY", "Change in TQOL.", "66 Weeks"),
                              ("SECONDARY", "Change in NIS-LL.", "66 Weeks"),
                              ("PRIMARY", "Incidence of SAEs", "66 Weeks")]
    assert _outcomes("Secondary end point(s): None described at time of submission;Timepoint(s) of evaluation of "
                     "this end point: Not applicable", "SECONDARY") == []


def test_outcomes_lines_wraps_notes_and_placeholders() -> None:
    raw = ("- Change from baseline in mNIS+7 at Week 66<br>Note: a composite score.<br>- Frequency of all cause "
           "hospitalizations in patients with cardiac involvement by<br>Week 66<br>Same as above")
    found = ictrp_text.outcomes(ictrp_text.decode(raw), "SECONDARY")
    assert [(o.measure, o.description) for o in found] == [
        ("Change from baseline in mNIS+7 at Week 66", "a composite score."),
        ("Frequency of all cause hospitalizations in patients with cardiac involvement by Week 66", None)]


def test_outcomes_items_a_sentence_announces_belong_to_it() -> None:
    raw = ("Secondary end point(s): The difference in the following measurements:\r<br>• Quality of Life\r<br>"
           "• Autonomic function\r<br>;Timepoint(s) of evaluation of this end point: 18 months")
    assert _outcomes(raw, "SECONDARY") == [("SECONDARY", "The difference in the following measurements: • Quality of "
                                            "Life • Autonomic function", "18 months")]


def test_outcomes_headings_dropped() -> None:
    raw = "Secondary endpoints:<br>Week 35 Interim Analysis:<br>* Change in QOL-DN<br>Week 66 Final Analysis:<br>* NSC"
    assert _outcomes(raw, "SECONDARY") == [("SECONDARY", "Change in QOL-DN", None), ("SECONDARY", "NSC", None)]


# ---------------------------------------------------------------- criteria


def _criteria(inclusion: str | None, exclusion: str | None = None) -> list[tuple[str, str]]:
    found = ictrp_criteria.criteria(ictrp_text.decode(inclusion), ictrp_text.decode(exclusion))
    return [(c.kind[:2], c.text) for c in found]


def test_criteria_registry_lines_are_criteria() -> None:
    assert _criteria("Inclusion criteria: Age >/= 18 Jahre<br>autoinflammatory disease",
                     "Exclusion criteria: age < 18y<br>missing consent") == [
        ("IN", "Age >/= 18 Jahre"), ("IN", "autoinflammatory disease"), ("EX", "age < 18y"), ("EX", "missing consent")]


def test_criteria_eu_age_groups_dropped_and_run_together_items_cut() -> None:
    raw = ("Inclusion criteria: <br>1. First one  2. Second one  3. Third one<br>Are the trial subjects under 18? no<br>"
           "Number of subjects for this age range: <br>F.1.2 Adults (18-64 years) yes<br>F.1.2.1 Number of subjects for "
           "this age range 20<br>")
    assert _criteria(raw) == [("IN", "First one"), ("IN", "Second one"), ("IN", "Third one")]


@pytest.mark.parametrize(("raw", "items"), [
    ("Inclusion criteria: (1) age 20-80 years old (2) diagnosed with knee osteoarthritis (3) VAS >= 4",
     ["age 20-80 years old", "diagnosed with knee osteoarthritis", "VAS >= 4"]),
    ("Inclusion criteria: 1. Aged 18-75 years 2. Diagnosed with sepsis 3. Informed consent signed",
     ["Aged 18-75 years", "Diagnosed with sepsis", "Informed consent signed"]),
    ("Inclusion criteria: 1) Pregnant 2) Malignant tumor", ["Pregnant", "Malignant tumor"]),
    # numbers that do not go on from the line's own, or in another style, are the sentence's
    ("Inclusion criteria: (1) stage 3 disease (4) weeks after surgery", ["stage 3 disease (4) weeks after surgery"]),
    ("Inclusion criteria: 1. type 2 diabetes (2) of long duration 3. adults",
     ["type 2 diabetes (2) of long duration 3. adults"]),
])
def test_criteria_numbered_items_run_together_with_single_blanks_are_cut(raw: str, items: list[str]) -> None:
    assert _criteria(raw) == [("IN", item) for item in items]


def test_criteria_ctgov_copies_read_once_and_sub_items_separate() -> None:
    copy = ("\r<br>        Inclusion Criteria:\r<br>\r<br>          1. Satisfy one of the following:\r<br>\r<br>"
            "               1. Adult patients diagnosed with hATTR-PN and prescribed a drug according to the\r<br>"
            "                  label\r<br>\r<br>        Exclusion Criteria:\r<br>\r<br>          -  None\r<br>      ")
    assert _criteria(copy + ";" + copy) == [
        ("IN", "Satisfy one of the following:"),
        ("IN", "Adult patients diagnosed with hATTR-PN and prescribed a drug according to the label")]


def test_criteria_lead_ins_dropped_and_connectives_join() -> None:
    raw = ("\r<br>        Inclusion Criteria:\r<br>\r<br>        Participants are eligible to be included in the study "
           "only if all of the following criteria\r<br>        apply:\r<br>\r<br>        Age and Sex:\r<br>\r<br>"
           "          1. Aged 18 to 80 years.\r<br>\r<br>        - Carrier of a documented variant with predicted\r<br>"
           "        onset within 5 years\r<br>\r<br>        OR\r<br>\r<br>        Confirmed diagnosis of the disease\r<br>")
    assert _criteria(raw) == [("IN", "Aged 18 to 80 years."),
                              ("IN", "Carrier of a documented variant with predicted onset within 5 years OR Confirmed "
                                     "diagnosis of the disease")]


def test_criteria_lines_under_an_item_and_hard_wraps() -> None:
    raw = ("Inclusion criteria: <p>1. Must have given written informed consent (signed and dated) and any <br>"
           "authorizations required by local law<br>2. Diagnosis by the following:<br>o Histochemical diagnosis<br>"
           "AND<br>o Confirmatory mass spectrometry</p>")
    assert _criteria(raw) == [
        ("IN", "Must have given written informed consent (signed and dated) and any authorizations required by local "
               "law"),
        ("IN", "Diagnosis by the following: o Histochemical diagnosis AND o Confirmatory mass spectrometry")]


def test_criteria_placeholders_dropped() -> None:
    assert _criteria("Inclusion criteria: \n", "Exclusion criteria: Not applicable.") == []


def test_eligibility_text_kept() -> None:
    assert ictrp_criteria.eligibility_text("Inclusion criteria: a", None) == "Inclusion criteria: a"
    assert ictrp_criteria.eligibility_text(None, None) is None


@pytest.mark.parametrize(("identifier", "key"), [
    ("JPRN-jRCTs031210288", "JPRN:jRCTs031210288"), ("jRCT2071210009", "JPRN:jRCT2071210009"),
    ("NL73848.000.21", "NL_OMON:NL73848.000.21"), ("NL7345", "NL_OMON:NL7345"),
    ("EUCTR2019-001698-10-NL", "EUCTR:2019-001698-10"), ("CTIS2023-507385-11-00", "CTIS:2023-507385-11-00"),
])
def test_registry_ids_of_the_sample(identifier: str, key: str) -> None:
    from transforms import ids

    assert ids.recognise(identifier).key == key


def test_splitters_near_linear_on_long_fields() -> None:
    from tests.timing import assert_near_linear

    def run(n: int):
        wrapped = "<br>".join(["a line of text long enough to be wrapped by the width, and of"] * n)  # one item
        items = "<br>".join(f"- item {i}" for i in range(n)) + "<br>Safety end points:<br>" * n
        text = ictrp_text.decode(f"Inclusion criteria: {wrapped}<br><br>{items}")
        return lambda: (ictrp_text.outcomes(text, "PRIMARY"), ictrp_criteria.criteria(text, text),
                        ictrp_text.conditions(text), ictrp_text.interventions(text))

    assert_near_linear(run(100), run(2000))


# The line-break pattern, written plainly: `ictrp_text._BREAK` spells it so that every alternative opens with `<`, CR
# or LF (the search then skips to candidates: 2.6× faster over the ICTRP sample's fields), leaving the blanks before a
# break to the trailing-blank pass; both must decode every text alike.
_PLAIN_BREAK = re.compile(r"[ \t]*<br\s*/>[ \t]*(?:\r\n|\r|\n)?[ \t]*<br\s*>|(?:\r\n|\r|\n)?[ \t]*<br\s*/?>|\r\n|\r",
                          re.I)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["<br>", "<BR />", "<Br/>", "<bR >", "<br\n/>", "<br  >", "\r", "\n", "\r\n", " ",
                                 "\t", "a", "<b>", "<p>", "x y", "&lt;br&gt;"]), max_size=16))
def test_the_fast_break_pattern_decodes_as_the_plain_one(pieces: list[str]) -> None:
    text = "".join(pieces)
    fast, pattern = ictrp_text.decode(text), ictrp_text._BREAK
    try:
        ictrp_text._BREAK = _PLAIN_BREAK
        assert fast == ictrp_text.decode(text)
    finally:
        ictrp_text._BREAK = pattern


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "an", "the", "of", "including", "versus", "vs.", "within", "xwith", "withinx",
                                 ",", "(", "-", "–", "end.", "in;", " ", "  ", "\n", "patients"]), max_size=12))
def test_a_line_ending_open_is_told_from_its_last_characters_alone(pieces: list[str]) -> None:
    line = "".join(pieces)
    assert ictrp_text.stops_open(line) == bool(ictrp_text._OPEN_END.search(line))
    assert ictrp_text.continues(line, "Next") == (not ictrp_text._CLOSED_END.search(line)
                                                 and bool(ictrp_text._OPEN_END.search(line)))


def test_outcomes_replaced_in_the_record_history_are_left_out() -> None:
    # ISRCTN keeps the outcomes a change replaced under `Previous …:` in the same field
    raw = ("Current secondary outcome measures as of 17/05/2019:<br>1. Pain at 6 weeks<br>2. Function at 12 weeks<br><br>"
           "Previous secondary outcome measures:<br>1. Pain at 3 weeks<br>2. Cost")
    found = ictrp_text.outcomes(ictrp_text.decode(raw), "SECONDARY")
    assert [(o.kind, o.measure) for o in found] == [("SECONDARY", "Pain at 6 weeks"), ("SECONDARY", "Function at 12 weeks")]


def test_criteria_replaced_in_the_record_history_are_left_out() -> None:
    # ISRCTN keeps the criteria a change replaced under `Previous …:` in the same field
    inclusion = ("Inclusion criteria: Current inclusion criteria as of 12/03/2020:<br>1. Aged 18 years or over<br>"
                 "2. Diagnosis of asthma<br><br>Previous inclusion criteria:<br>1. Aged 16 years or over<br>2. Asthma")
    exclusion = "Exclusion criteria: 1. Pregnancy<br><br>Original exclusion criteria:<br>1. Pregnancy or breastfeeding"
    assert _criteria(inclusion, exclusion) == [("IN", "Aged 18 years or over"), ("IN", "Diagnosis of asthma"),
                                               ("EX", "Pregnancy")]


def _plain_split_top_level(text: str, separator: str = ";") -> list[str]:
    """`ictrp_text.split_top_level` written as a walk over every character (the spec it must read alike)."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([";", ",", "(", ")", "[", "]", "{", "}", " ", "a", "bc", "Drug: X", "; ;"]),
                max_size=20), st.sampled_from([";", ","]))
def test_split_top_level_reads_as_the_plain_walk(pieces: list[str], separator: str) -> None:
    text = "".join(pieces)
    assert ictrp_text.split_top_level(text, separator) == _plain_split_top_level(text, separator)
