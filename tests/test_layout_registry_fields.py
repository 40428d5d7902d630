"""The analysts' dimensions every CT.gov layout states: registry, registration date, identifiers, sponsors, MeSH
terms, countries and site coordinates — read as the record states them, never guessed."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from transforms import registry_fields, vocab
from transforms.layouts import aggregator_page, ctgov_csv_export, ctgov_json, ctgov_legacy_text, ctgov_xml
from transforms.record import Identifier, MeshTerm, ParsedTrial

GOLDEN = Path(__file__).parent / "golden"
MESH_UI = re.compile(r"^[CD]\d{6}(?:\d{3})?$")


def only(results: list) -> ParsedTrial:
    [trial] = results
    assert isinstance(trial, ParsedTrial)
    return trial


# ---------------------------------------------------------------- shared readers


def test_identifiers_own_first_then_by_shape_once_each() -> None:
    got = registry_fields.identifiers("NCT01234567", [
        "NCT01234567", "ABC-001", " EudraCT No.2009-013122-16 ", "abc-001", "NCI-2023-02484", "ISRCTN12345678",
        None, "", "NCT07654321", "2024-517926-25-00"])
    assert got == [
        Identifier("NCT01234567", "PRIMARY", "CTGOV"), Identifier("ABC-001", "OTHER", None),
        Identifier("EudraCT No.2009-013122-16", "REGISTRY", "EUCTR"),
        Identifier("NCI-2023-02484", "OTHER", None),  # a CT.gov `REGISTRY` type, but no registry's shape
        Identifier("ISRCTN12345678", "REGISTRY", "ISRCTN"), Identifier("NCT07654321", "REGISTRY", "CTGOV"),
        Identifier("2024-517926-25-00", "REGISTRY", "CTIS")]
    assert registry_fields.identifiers(None, ["X"]) == [Identifier("X", "OTHER", None)]


def test_sponsors_lead_first_unnamed_and_repeated_left_out() -> None:
    got = registry_fields.sponsors(("Acme", "Industry"), [("NIH Clinical Center", "U.S. Fed"), (None, "OTHER"),
                                                         ("acme", "INDUSTRY"), ("Uni", "weird class")])
    assert [(s.name, s.role, s.agency_class) for s in got] == [
        ("Acme", "LEAD", "INDUSTRY"), ("NIH Clinical Center", "COLLABORATOR", "FED"), ("Uni", "COLLABORATOR", None)]
    assert registry_fields.sponsors((None, "OTHER")) == []


@pytest.mark.parametrize("raw, ui", [
    ("D000007172", "D007172"), ("D007172", "D007172"), ("D000091662", "D000091662"), ("D000066388", "D000066388"),
    ("D000066387", "D066387"), ("C000594389", "C000594389"), (" D001249 ", "D001249"),
    ("M10217", None), ("D12", None), ("D0071720", None), ("", None), (None, None), ("d007172", None),
])
def test_mesh_ui_in_nlm_form(raw: str | None, ui: str | None) -> None:
    assert vocab.mesh_id(raw) == ui


def test_mesh_leaves_join_the_registry_term_never_a_guess() -> None:
    terms = [MeshTerm("D007172", "Erectile Dysfunction"), MeshTerm("D001523", "Mental Disorders", "ANCESTOR")]
    leaves = registry_fields.mesh_leaves([("Impotence", "Erectile Dysfunction"), ("Quality of Life", "Quality of Life"),
                                          ("Impotence", "Erectile Dysfunction"), (None, "Mental Disorders")], terms)
    assert [(x.as_found, x.mesh_id, x.term) for x in leaves] == [("Impotence", "D007172", "Erectile Dysfunction")]


@pytest.mark.parametrize("raw, code", [
    ("Industry", "INDUSTRY"), ("U.S. Fed", "FED"), ("NIH", "NIH"), ("Other", "OTHER"), ("OTHER_GOV", "OTHER_GOV"),
    ("Individual", "INDIV"), ("Unknown", "UNKNOWN"), ("Pharma", None), (None, None)])
def test_agency_class(raw: str | None, code: str | None) -> None:
    assert vocab.agency_class(raw) == code


# ---------------------------------------------------------------- API v2 JSON


V2 = {
    "protocolSection": {
        "identificationModule": {"nctId": "NCT01234567", "briefTitle": "T", "nctIdAliases": ["NCT00000009"],
                                 "orgStudyIdInfo": {"id": "ACME-01"},
                                 "secondaryIdInfos": [{"id": "2014-003865-11", "type": "EUDRACT_NUMBER"},
                                                      {"id": "R01HL080074", "type": "NIH"}, {"type": "OTHER"}]},
        "statusModule": {"studyFirstSubmitDate": "2019-05-02", "overallStatus": "RECRUITING"},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": "Acme  Pharma", "class": "INDUSTRY"},
                                       "collaborators": [{"name": "NCI", "class": "NIH"}, {"name": "Uni"}, 7]},
        "contactsLocationsModule": {"locations": [
            {"city": "Seattle", "state": "Washington", "country": "United States",
             "geoPoint": {"lat": 47.60621, "lon": -122.33207}},
            {"city": "Lyon", "country": "France", "geoPoint": {"lat": "45.7", "lon": 4.8}},
            {"city": "Nowhere", "country": "France", "geoPoint": {"lat": 95.0, "lon": 4.8}},
            {"city": "Bool", "country": "France", "geoPoint": {"lat": True, "lon": 4.8}}]},
    },
    "derivedSection": {
        "miscInfoModule": {"removedCountries": ["Germany", "Turkey (Türkiye)", "Germany"]},
        "conditionBrowseModule": {
            "meshes": [{"id": "D000007172", "term": "Erectile Dysfunction"}, {"id": "bogus", "term": "X"}],
            "ancestors": [{"id": "D005832", "term": "Genital Diseases, Male"},
                          {"id": "D000005832", "term": "Genital Diseases, Male"}],
            "browseLeaves": [{"id": "M10217", "name": "Erectile Dysfunction", "asFound": "Impotence"},
                             {"id": "M8944", "name": "Genital Diseases, Male", "relevance": "LOW"}]},
        "interventionBrowseModule": {"meshes": [{"id": "D000069058", "term": "Vardenafil Dihydrochloride"}]},
    },
}


def test_json_states_every_new_field() -> None:
    t = only(ctgov_json.parse(json.dumps(V2), "t.json"))
    assert (t.registry, t.registration_date) == ("CTGOV", date(2019, 5, 2))
    assert [(i.identifier, i.id_type, i.registry) for i in t.identifiers] == [
        ("NCT01234567", "PRIMARY", "CTGOV"), ("NCT00000009", "REGISTRY", "CTGOV"), ("ACME-01", "OTHER", None),
        ("2014-003865-11", "REGISTRY", "EUCTR"), ("R01HL080074", "OTHER", None)]
    assert t.lead_sponsor == "Acme Pharma"
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [
        ("Acme Pharma", "LEAD", "INDUSTRY"), ("NCI", "COLLABORATOR", "NIH"), ("Uni", "COLLABORATOR", None)]
    assert [(m.mesh_id, m.relation) for m in t.condition_mesh] == [("D007172", "DIRECT"), ("D005832", "ANCESTOR")]
    assert [(m.mesh_id, m.term) for m in t.intervention_mesh] == [("D000069058", "Vardenafil Dihydrochloride")]
    assert [(x.as_found, x.mesh_id) for x in t.mesh_leaves] == [("Impotence", "D007172")]
    assert [(c.name, c.removed) for c in t.countries] == [("Germany", True), ("Turkey (Türkiye)", True)]
    assert [(s.latitude, s.longitude) for s in t.sites] == [(47.60621, -122.33207)] + [(None, None)] * 3


def test_json_without_the_new_modules_states_nothing_new() -> None:
    t = only(ctgov_json.parse(json.dumps({"protocolSection": {"identificationModule": {"briefTitle": "T"}}}), "t"))
    assert (t.registry, t.registration_date, t.identifiers, t.sponsors, t.condition_mesh, t.countries) == (
        None, None, [], [], [], [])


def test_classic_api_states_the_same_fields() -> None:
    classic = {"FullStudiesResponse": {"FullStudies": [{"Study": {
        "ProtocolSection": {
            "IdentificationModule": {"NCTId": "NCT01234567", "BriefTitle": "T", "OrgStudyIdInfo": {"OrgStudyId": "A1"},
                                     "SecondaryIdInfoList": {"SecondaryIdInfo": [{"SecondaryId": "ISRCTN12345678"}]}},
            "StatusModule": {"StudyFirstSubmitDate": "June 9, 2005"},
            "SponsorCollaboratorsModule": {
                "LeadSponsor": {"LeadSponsorName": "Acme", "LeadSponsorClass": "INDUSTRY"},
                "CollaboratorList": {"Collaborator": [{"CollaboratorName": "NCI", "CollaboratorClass": "NIH"}]}}},
        "DerivedSection": {
            "MiscInfoModule": {"RemovedCountryList": {"RemovedCountry": ["Canada"]}},
            "ConditionBrowseModule": {
                "ConditionMeshList": {"ConditionMesh": [{"ConditionMeshId": "D001249", "ConditionMeshTerm": "Asthma"}]},
                "ConditionBrowseLeafList": {"ConditionBrowseLeaf": [
                    {"ConditionBrowseLeafName": "Asthma", "ConditionBrowseLeafAsFound": "Bronchial asthma"}]}}},
    }}]}}
    t = only(ctgov_json.parse(json.dumps(classic), "c.json"))
    assert (t.registry, t.registration_date) == ("CTGOV", date(2005, 6, 9))
    assert [(i.identifier, i.id_type) for i in t.identifiers] == [
        ("NCT01234567", "PRIMARY"), ("A1", "OTHER"), ("ISRCTN12345678", "REGISTRY")]
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [("Acme", "LEAD", "INDUSTRY"),
                                                                       ("NCI", "COLLABORATOR", "NIH")]
    assert [(m.mesh_id, m.relation) for m in t.condition_mesh] == [("D001249", "DIRECT")]
    assert [(x.as_found, x.mesh_id) for x in t.mesh_leaves] == [("Bronchial asthma", "D001249")]
    assert [(c.name, c.removed) for c in t.countries] == [("Canada", True)]


def test_dev_json_coordinates_sponsors_and_mesh_are_what_the_records_state(shared_dir: Path) -> None:
    files = sorted((shared_dir / "corpus/dev/raw/ctgov_json").glob("*.json"))
    assert files
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        t = only(ctgov_json.parse(path.read_text(encoding="utf-8"), path.name))
        locations = [loc for loc in raw["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])]
        stated = [(loc["geoPoint"]["lat"], loc["geoPoint"]["lon"]) if "geoPoint" in loc else (None, None)
                  for loc in locations]
        assert [(s.latitude, s.longitude) for s in t.sites] == stated, path.name
        sponsors = raw["protocolSection"]["sponsorCollaboratorsModule"]
        assert [(s.name, s.agency_class) for s in t.sponsors][0] == (sponsors["leadSponsor"]["name"].strip(),
                                                                     sponsors["leadSponsor"].get("class"))
        assert t.sponsors[0].name == t.lead_sponsor and [s.role for s in t.sponsors].count("LEAD") == 1
        assert len(t.sponsors) == 1 + len(sponsors.get("collaborators", []))
        meshes = raw.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", [])
        direct = {m.mesh_id for m in t.condition_mesh if m.relation == "DIRECT"}
        assert direct == {vocab.mesh_id(m["id"]) for m in meshes}
        assert all(MESH_UI.match(m.mesh_id) for m in t.condition_mesh + t.intervention_mesh)
        assert t.registration_date.isoformat() == raw["protocolSection"]["statusModule"]["studyFirstSubmitDate"]


# ---------------------------------------------------------------- legacy XML


XML = """<clinical_study>
  <id_info><org_study_id>X-1</org_study_id><secondary_id>2006-000284-28</secondary_id>
    <secondary_id>R01DA005626</secondary_id><nct_alias>NCT00000009</nct_alias><nct_id>NCT00000320</nct_id></id_info>
  <brief_title>T</brief_title>
  <sponsors><lead_sponsor><agency>NIDA</agency><agency_class>NIH</agency_class></lead_sponsor>
    <collaborator><agency>Yale University</agency><agency_class>Other</agency_class></collaborator>
    <collaborator><agency>Acme</agency></collaborator></sponsors>
  <condition_browse><mesh_term>Opioid-Related Disorders</mesh_term></condition_browse>
  <location_countries><country>United States</country></location_countries>
  <removed_countries><country>Former Serbia and Montenegro</country></removed_countries>
  <study_first_submitted>November 1, 1999</study_first_submitted>
</clinical_study>"""


def test_xml_states_sponsors_ids_date_and_country_lists_but_no_mesh_uis() -> None:
    t = only(ctgov_xml.parse(XML, "x.xml"))
    assert (t.registry, t.registration_date) == ("CTGOV", date(1999, 11, 1))
    assert [(i.identifier, i.id_type, i.registry) for i in t.identifiers] == [
        ("NCT00000320", "PRIMARY", "CTGOV"), ("NCT00000009", "REGISTRY", "CTGOV"), ("X-1", "OTHER", None),
        ("2006-000284-28", "REGISTRY", "EUCTR"), ("R01DA005626", "OTHER", None)]
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [
        ("NIDA", "LEAD", "NIH"), ("Yale University", "COLLABORATOR", "OTHER"), ("Acme", "COLLABORATOR", None)]
    assert [(c.name, c.removed) for c in t.countries] == [("United States", False),
                                                          ("Former Serbia and Montenegro", True)]
    assert t.condition_mesh == [] and t.mesh_leaves == []  # headings without UIs: nothing made up


def test_archival_xml_registration_date_is_firstreceived() -> None:
    t = only(ctgov_xml.parse((GOLDEN / "ctgov_xml/archival_variant.xml").read_text(encoding="utf-8"), "a.xml"))
    assert t.registration_date == date(1999, 9, 20)


# ---------------------------------------------------------------- CSV exports


CURRENT = ("NCT Number,Study Title,Sponsor,Collaborators,Funder Type,Other IDs,First Posted\n"
           "NCT00000001,T,RTOG,National Cancer Institute (NCI)|NRG Oncology,NETWORK,RTOG 0831|2014-003865-11,"
           "2020-01-02\n"
           "NCT00000002,T,Solo Inc,,INDUSTRY,,2020-01-02\n")


def test_current_csv_export_funder_type_is_the_leads_class() -> None:
    a, b = ctgov_csv_export.parse(CURRENT, "e.csv")
    assert [(s.name, s.role, s.agency_class) for s in a.sponsors] == [
        ("RTOG", "LEAD", "NETWORK"), ("National Cancer Institute (NCI)", "COLLABORATOR", None),
        ("NRG Oncology", "COLLABORATOR", None)]
    assert [(i.identifier, i.id_type, i.registry) for i in a.identifiers] == [
        ("NCT00000001", "PRIMARY", "CTGOV"), ("RTOG 0831", "OTHER", None), ("2014-003865-11", "REGISTRY", "EUCTR")]
    assert a.registry == "CTGOV" and a.registration_date is None  # `First Posted` is not the submission date
    assert [(s.name, s.agency_class) for s in b.sponsors] == [("Solo Inc", "INDUSTRY")]


CLASSIC = ("Rank\tNCT Number\tTitle\tSponsor/Collaborators\tFunded Bys\tOther IDs\n"
           "1\tNCT00000001\tT\tAcme|Uni\tIndustry|Other\tA-1\n"
           "2\tNCT00000002\tT\tAcme|Pharma Two\tIndustry\tA-2\n")


def test_classic_csv_export_funded_bys_tells_classes_only_when_unanimous() -> None:
    a, b = ctgov_csv_export.parse(CLASSIC, "e.tsv")
    assert [(s.name, s.role, s.agency_class) for s in a.sponsors] == [("Acme", "LEAD", None),
                                                                       ("Uni", "COLLABORATOR", None)]
    assert [(s.name, s.role, s.agency_class) for s in b.sponsors] == [("Acme", "LEAD", "INDUSTRY"),
                                                                       ("Pharma Two", "COLLABORATOR", "INDUSTRY")]


# ---------------------------------------------------------------- text layouts


def test_aggregator_page_sponsors_identifiers_and_countries() -> None:
    text = (GOLDEN / "aggregator_page/seed_004.txt").read_text(encoding="utf-8")
    text = text.replace("K7820\n\nIdentifier Type: -\n\nIdentifier Source: org_study_id",
                        "K7820\n\nIdentifier Type: -\n\nIdentifier Source: org_study_id\n\n2020-003562-39\n\n"
                        "Identifier Type: EUDRACT_NUMBER\n\nIdentifier Source: secondary_id")
    text = text.replace("historical site.\n\nChina\n\nFacility Contacts",
                        "historical site.\n\nChina\n\nTurkey\n\nFacility Contacts")
    t = only(aggregator_page.parse(text, "a.txt"))
    assert [(i.identifier, i.id_type, i.registry) for i in t.identifiers] == [
        ("NCT06931145", "PRIMARY", "CTGOV"), ("K7820", "OTHER", None), ("2020-003562-39", "REGISTRY", "EUCTR")]
    # the page lists the collaborator first; the LEAD row comes first and names trial.lead_sponsor
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [
        ("Peking Union Medical College Hospital", "LEAD", "OTHER"),
        ("Chia Tai Tianqing Pharmaceutical Group Co., Ltd.", "COLLABORATOR", "INDUSTRY")]
    assert t.lead_sponsor == "Peking Union Medical College Hospital"
    assert [c.name for c in t.countries] == ["China", "Turkey"] and not any(c.removed for c in t.countries)


def test_legacy_text_lead_sponsor_class_and_collaborators() -> None:
    text = (GOLDEN / "ctgov_legacy_text/seed_003.txt").read_text(encoding="utf-8")
    text = text.replace("Agency class:\nOther\n", "Agency class:\nOther\nCollaborator:\nAgency:\nAcme Pharma\n"
                                                  "Agency class:\nIndustry\n")
    t = only(ctgov_legacy_text.parse(text, "l.txt"))
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [
        ("Qianfoshan Hospital", "LEAD", "OTHER"), ("Acme Pharma", "COLLABORATOR", "INDUSTRY")]
    assert [(i.identifier, i.id_type) for i in t.identifiers] == [("NCT05906329", "PRIMARY")]
    assert t.registry == "CTGOV"
