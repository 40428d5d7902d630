"""Unit and property tests of the `ctgov_csv_export` layout (CT.gov CSV/TSV search exports)."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import parse_or_typed_error
from tests.timing import assert_near_linear
from transforms.errors import ParseError
from transforms.layouts import ctgov_csv_export
from transforms.layouts.ctgov_csv_export import _site
from transforms.record import ParsedTrial

HEADER = ["NCT Number", "Study Title", "Study URL", "Acronym", "Study Status", "Brief Summary", "Study Results",
          "Conditions", "Interventions", "Primary Outcome Measures", "Secondary Outcome Measures",
          "Other Outcome Measures", "Sponsor", "Collaborators", "Sex", "Age", "Phases", "Enrollment", "Funder Type",
          "Study Type", "Study Design", "Other IDs", "Start Date", "Primary Completion Date", "Completion Date",
          "First Posted", "Results First Posted", "Last Update Posted", "Locations", "Study Documents"]


def row(**cells: str) -> list[str]:
    """One data row in HEADER order; keyword names are the headers with spaces as underscores."""
    values = {h: "" for h in HEADER}
    values.update({"NCT Number": "NCT01234567", "Study Title": "A Trial"})
    values.update({k.replace("_", " "): v for k, v in cells.items()})
    return [values[h] for h in HEADER]


def export(*rows: list[str], header: list[str] = HEADER, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


FULL = row(Study_Status="ACTIVE_NOT_RECRUITING", Brief_Summary="Line one,\nline two",
           Conditions="Asthma|COPD|Asthma", Interventions="DRUG: X|DIETARY_SUPPLEMENT: Vitamin D|DRUG: X|Laser: 2 W",
           Sponsor="ACME, Inc.", Sex="FEMALE", Age="ADULT, OLDER_ADULT", Phases="PHASE2|PHASE3", Enrollment="120",
           Study_Type="INTERVENTIONAL",
           Study_Design="Allocation: RANDOMIZED | Intervention Model: PARALLEL | Masking: DOUBLE (PARTICIPANT, "
                        "INVESTIGATOR) | Primary Purpose: SUPPORTIVE_CARE",
           Start_Date="2021-03", Primary_Completion_Date="2023-01-15", Completion_Date="2024-02",
           Last_Update_Posted="2024-02-02",
           Locations="Mayo Clinic, Rochester, Minnesota, 55905, United States|Sohag University Hospital, Sohag, Egypt")


def parse_one(text: str) -> ParsedTrial:
    [trial] = ctgov_csv_export.parse(text, "t.csv")
    assert isinstance(trial, ParsedTrial)
    return trial


# ---------------------------------------------------------------- detect


@pytest.mark.parametrize("text", [
    export(FULL), export(FULL, delimiter="\t"), "\n" + export(FULL),
    '"Rank","NCT Number","Title","Status","Conditions"\n',
])
def test_detect_accepts_exports(text: str) -> None:
    assert ctgov_csv_export.detect(text)


@pytest.mark.parametrize("text", [
    "A Trial Of NCT Number Reporting\nSummary line\nAsthma|COPD\n", "NCT Number: NCT01234567\nTitle: x\n",
    '{"protocolSection": {}}', "<clinical_study>", "Trial Title:\nX\nNCT ID:\nNCT01234567\n", "",
    "NCT Number,Foo,Bar\n",
])
def test_detect_rejects_other_layouts(text: str) -> None:
    assert not ctgov_csv_export.detect(text)


# ---------------------------------------------------------------- parse


def test_row_maps_every_column() -> None:
    t = parse_one(export(FULL))
    assert (t.nct_id, t.title, t.overall_status, t.phase, t.study_type) == (
        "NCT01234567", "A Trial", "ACTIVE_NOT_RECRUITING", "PHASE2_PHASE3", "INTERVENTIONAL")
    assert (t.allocation, t.intervention_model, t.masking, t.primary_purpose) == (
        "RANDOMIZED", "PARALLEL", "DOUBLE", "SUPPORTIVE_CARE")
    assert (t.enrollment, t.sex, t.lead_sponsor, t.brief_summary) == (120, "FEMALE", "ACME, Inc.",
                                                                        "Line one,\nline two")
    assert (t.start_date, t.primary_completion_date, t.completion_date, t.last_update_date) == (
        date(2021, 3, 1), date(2023, 1, 15), date(2024, 2, 1), date(2024, 2, 2))
    assert (t.min_age_years, t.max_age_years, t.healthy_volunteers) == (None, None, None)  # age groups state no years
    assert t.conditions == ["Asthma", "COPD"]
    assert [(i.intervention_type, i.name) for i in t.interventions] == [
        ("DRUG", "X"), ("DIETARY_SUPPLEMENT", "Vitamin D"), (None, "Laser: 2 W")]


def test_sites_read_from_the_right() -> None:
    t = parse_one(export(FULL))
    mayo, sohag = t.sites
    assert (mayo.facility, mayo.city, mayo.state, mayo.zip, mayo.country, mayo.status) == (
        "Mayo Clinic", "Rochester", "Minnesota", "55905", "United States", None)
    assert (sohag.facility, sohag.city, sohag.state, sohag.zip, sohag.country) == (
        "Sohag University Hospital", "Sohag", None, None, "Egypt")


@pytest.mark.parametrize("location, expected", [
    ("Tulsa Clinical Research, LLC, Tulsa, Oklahoma, 74014, United States",
     ("Tulsa Clinical Research, LLC", "Tulsa", "Oklahoma", "74014", "United States")),
    ("Columbus, Ohio, 43215-7312, United States", (None, "Columbus", "Ohio", "43215-7312", "United States")),
    ("Seoul National University Hospital, Seoul, 110-744, Korea, Republic of",
     ("Seoul National University Hospital", "Seoul", None, "110-744", "Korea, Republic of")),
    ("Faculty of Medicine, Cairo University, Cairo, Egypt", ("Faculty of Medicine, Cairo University", "Cairo", None,
                                                             None, "Egypt")),
    ("Peking Hospital, Beijing, Beijing Municipality, 100044, China",
     ("Peking Hospital", "Beijing", "Beijing Municipality", "100044", "China")),
    ("Mansoura, Dakahlia, 35516, Egypt", (None, "Mansoura", "Dakahlia", "35516", "Egypt")),
    ("Pfizer Investigational Site, Lyon Cedex 03, France", ("Pfizer Investigational Site", "Lyon Cedex 03", None,
                                                            None, "France")),
    ("Centro X, Salvador, BA, 40.290-000, Brazil", ("Centro X", "Salvador", "BA", "40.290-000", "Brazil")),
    ("Hospital, Montreal, Quebec, H3T 1E2, Canada", ("Hospital", "Montreal", "Quebec", "H3T 1E2", "Canada")),
    ("Leipzig, Sachsen / 313, 04105, Germany", (None, "Leipzig", "Sachsen / 313", "04105", "Germany")),
    ("Cairo, Egypt", (None, "Cairo", None, None, "Egypt")),
    ("..., physician., Madison, Wisconsin, 53704, United States",
     ("..., physician.", "Madison", "Wisconsin", "53704", "United States")),
    # postal codes led by the country's letters
    ("Pfizer Investigational Site, Brussels, B-1090, Belgium",
     ("Pfizer Investigational Site", "Brussels", None, "B-1090", "Belgium")),
    ("Tampere, FIN-33520, Finland", (None, "Tampere", None, "FIN-33520", "Finland")),
    # two names alone: a known city after a name that is none is the city, not a state (the gazetteer decides)
    ("Shih-Ping Liu, Taipei, Taiwan", ("Shih-Ping Liu", "Taipei", None, None, "Taiwan")),
    ("Gustave Roussy, Villejuif, France", ("Gustave Roussy", "Villejuif", None, None, "France")),
    ("Allergisa, Campinas, São Paulo, Brazil", ("Allergisa", "Campinas", "São Paulo", None, "Brazil")),
    ("Ramathibodi Hospital, Rajthevee, Bangkok, Thailand",
     ("Ramathibodi Hospital", "Rajthevee", "Bangkok", None, "Thailand")),
    # a division's name that is also a city's, after nothing but a facility
    ("CHUQ- Hotel-Dieu de Quebec, Quebec, G1R 2J6, Canada",
     ("CHUQ- Hotel-Dieu de Quebec", "Quebec", None, "G1R 2J6", "Canada")),
    ("Research Facility, LA, California, United States", ("Research Facility", "LA", "California", None,
                                                          "United States")),
])
def test_location_split(location: str, expected: tuple) -> None:
    s = _site(location)
    assert (s.facility, s.city, s.state, s.zip, s.country) == expected


@pytest.mark.parametrize("age, expected", [
    ("18 Years and older   (Adult, Older Adult)", (18.0, None)),
    ("up to 17 Years   (Child)", (None, 17.0)),
    ("18 Years to 65 Years (Adult)", (18.0, 65.0)),
    ("6 Months to 17 Years", (0.5, 17.0)),
    ("CHILD, ADULT", (None, None)),
])
def test_age_cell(age: str, expected: tuple) -> None:
    t = parse_one(export(row(Age=age)))
    assert (t.min_age_years, t.max_age_years) == expected


def test_broken_rows_are_errors_and_the_others_still_parse() -> None:
    short = row()[:-3]
    no_nct = row(NCT_Number="", Study_Title="Lost")
    text = export(FULL, short, no_nct, row(NCT_Number="NCT07654321"))
    out = ctgov_csv_export.parse(text + "\n\n", "many.csv")
    assert [type(r).__name__ for r in out] == ["ParsedTrial", "ParseError", "ParseError", "ParsedTrial"]
    assert "27 cells" in out[1].reason and "line 4" in out[1].field  # FULL spans two lines (quoted newline)
    assert "NCT number" in out[2].reason
    assert out[3].nct_id == "NCT07654321"


def test_tsv_and_classic_column_spellings() -> None:
    header = ["Rank", "NCT Number", "Title", "Status", "Conditions", "Interventions", "Sponsor/Collaborators",
              "Gender", "Age", "Phases", "Study Type", "Study Designs", "Start Date", "Completion Date", "Locations",
              "URL"]
    values = ["1", "NCT00150358", "Viagra", "Active, not recruiting", "Impotence", "Drug: Sildenafil",
              "Pfizer|Viatris", "Both", "18 Years and older (Adult)", "Phase 1|Phase 2", "Interventional",
              "Allocation: Non-Randomized|Intervention Model: Single Group Assignment|Masking: None (Open Label)|"
              "Primary Purpose: Treatment", "March 2005", "November 15, 2005",
              "Pfizer Investigational Site, Torreon, Coahuila, Mexico", "https://ClinicalTrials.gov/show/NCT00150358"]
    t = parse_one(export(values, header=header, delimiter="\t"))
    assert (t.nct_id, t.title, t.overall_status, t.sex, t.phase, t.min_age_years, t.lead_sponsor) == (
        "NCT00150358", "Viagra", "ACTIVE_NOT_RECRUITING", "ALL", "PHASE1_PHASE2", 18.0, "Pfizer")
    assert (t.allocation, t.intervention_model, t.masking, t.primary_purpose) == (
        "NON_RANDOMIZED", "SINGLE_GROUP", "NONE", "TREATMENT")
    assert (t.start_date, t.completion_date) == (date(2005, 3, 1), date(2005, 11, 15))
    assert [(i.intervention_type, i.name) for i in t.interventions] == [("DRUG", "Sildenafil")]
    assert (t.sites[0].facility, t.sites[0].city, t.sites[0].state) == ("Pfizer Investigational Site", "Torreon",
                                                                        "Coahuila")


def test_missing_optional_columns_are_none() -> None:
    t = parse_one(export(["NCT01234567", "Only a title", "COMPLETED"], header=["NCT Number", "Study Title",
                                                                                 "Study Status"]))
    assert (t.title, t.overall_status, t.phase, t.enrollment, t.sites, t.conditions) == (
        "Only a title", "COMPLETED", None, None, [], [])


def test_header_only_is_no_records_and_unreadable_csv_is_an_error() -> None:
    assert ctgov_csv_export.parse(export(), "empty.csv") == []
    out = ctgov_csv_export.parse(export(FULL) + '"NCT07654321","unterminated\0quote', "nul.csv")
    assert isinstance(out[0], ParsedTrial)
    assert all(isinstance(r, (ParsedTrial, ParseError)) for r in out)


# ---------------------------------------------------------------- properties


def _check(text: str) -> None:
    parse_or_typed_error(ctgov_csv_export, text, "h.csv")


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    _check(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(',|\n":-; ()/.aB1xNCT0')), max_size=400))
def test_arbitrary_body_under_a_real_header_raises_only_typed_errors(body: str) -> None:
    _check(",".join(HEADER) + "\n" + body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(", abcAB12.-/")), max_size=80))
def test_any_location_splits_without_raising(location: str) -> None:
    _site(location)


def test_parse_time_near_linear() -> None:
    def run(n: int):
        locations = "|".join(f"Site {i}, City, State Province, 1234{i}, Korea, Republic of" for i in range(20))
        text = export(*[row(NCT_Number=f"NCT{i:08d}", Locations=locations, Conditions="A|B|C") for i in range(n)])
        return lambda: ctgov_csv_export.parse(text, "big.csv")

    assert_near_linear(run(20), run(400))


def test_long_single_location_is_linear() -> None:
    def run(n: int):
        location = "Word, " * n + "Country"
        return lambda: _site(location)

    assert_near_linear(run(500), run(10_000))


@pytest.fixture
def default_csv_cell_limit():
    """The csv module's own cell limit (128 KiB) for one test, whatever an earlier test raised it to."""
    before = csv.field_size_limit(128 * 1024)
    yield
    csv.field_size_limit(before)


def test_a_cell_longer_than_the_csv_module_s_default_limit_is_read_whole(default_csv_cell_limit):
    sites = "|".join(f"Site {n}, Boston, Massachusetts, 02115, United States" for n in range(4_000))  # ≈ 210 KB
    [trial] = ctgov_csv_export.parse(export(row(Locations=sites)), "big.csv")
    assert isinstance(trial, ParsedTrial) and len(trial.sites) == 4_000
    data = export(row(Locations=sites), row(NCT_Number="NCT07654321")).encode()
    assert len(list(ctgov_csv_export.record_starts([data]))) == 2
