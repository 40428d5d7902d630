"""Unit and property tests of the `ictrp_csv` layout (WHO ICTRP CSV export, with or without a header row).

No real ICTRP CSV file is at hand: rows are rendered here (and in tests/golden/ictrp_csv, by
scripts/render_ictrp_csv.py from records of the XML sample) in the field order ICTRP documents.
"""
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
from transforms.layouts import ictrp_csv
from transforms.layouts.ictrp_csv import FIELD_ORDER
from transforms.record import ParsedTrial

CELLS = {
    "TrialID": "JPRN-jRCT2071210009", "SecondaryIDs": "NCT04136184;2019-001698-10",
    "public_title": "A Study of ION-682884", "Scientific_title": "A Phase 3, \"Open-Label\" Study - NEURO-TTRansform",
    "study_type": "Interventional", "phase": "3", "Date_registration": "12/04/2021", "Date_enrollement": "09/04/2021",
    "Target_size": "14", "Recruitment_status": "Not Recruiting", "Primary_sponsor": "Viney Nick",
    "Countries": "Brazil;Japan;Cyprus;Japan", "Conditions": "Hereditary transthyretin-mediated amyloid polyneuropathy",
    "Interventions": "Experimental: ION-682884<br>by subcutaneous injection<br><br>Active Comparator: Inotersen",
    "Agemin": ">= 20age old", "Agemax": "<= 82age old", "Gender": "Both",
    "Inclusion_Criteria": "Inclusion criteria: 1. Aged 20 to 82 years<br>2. Females must be non-pregnant",
    "Exclusion_Criteria": "Exclusion criteria: 1. Karnofsky performance status <= 50\r\n2. Other amyloidosis",
    "Primary_Outcome": "- Change from baseline in mNIS+7 at Week 66<br>Note: composite score",
    "Secondary_Outcomes": "- Change from baseline in Norfolk QOL-DN at Week 35",
}


def row(order: tuple[str, ...] = FIELD_ORDER, **cells: str) -> list[str]:
    values = {**CELLS, **cells}
    return [values.get(name, "") for name in order]


def render(*rows: list[str], header: list[str] | None = None, quoting: int = csv.QUOTE_ALL) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=quoting, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def records(text: str) -> list[ParsedTrial | ParseError]:
    return ictrp_csv.parse(text, "t.csv")


# ---------------------------------------------------------------- detect


def test_detect_header_and_headerless() -> None:
    assert ictrp_csv.detect(render(row(), header=list(FIELD_ORDER))) == 1.0
    assert ictrp_csv.detect(render(row(), header=[n.replace("_", " ") for n in FIELD_ORDER])) == 1.0
    assert ictrp_csv.detect(render(row())) == 0.8
    assert ictrp_csv.detect(render(row(), quoting=csv.QUOTE_MINIMAL)) == 0.8


@pytest.mark.parametrize("text", [
    "NCT Number,Study Title,Study URL,Acronym,Study Status\nNCT00000001,x,u,a,RECRUITING\n",  # a CT.gov export
    "NCT00000001,A title,Summary\n",  # a registry ID first, but not ICTRP's field order
    '"NCT00000001","x"\n' * 3, "TrialID,Foo\nNCT00000001,x\n", "<Trials_downloaded_from_ICTRP>", "",
    "Trial Title:\nA trial\n",
])
def test_detect_declines_other_layouts(text: str) -> None:
    assert ictrp_csv.detect(text) == 0.0


# ---------------------------------------------------------------- fields


def test_headerless_row_fields() -> None:
    [t] = records(render(row()))
    assert (t.layout, t.registry, t.nct_id, t.phase, t.enrollment) == ("ictrp_csv", "JPRN", "NCT04136184", "PHASE3", 14)
    assert t.official_title == 'A Phase 3, "Open-Label" Study - NEURO-TTRansform'
    assert (t.registration_date, t.start_date) == (date(2021, 4, 12), date(2021, 4, 9))
    assert (t.min_age_years, t.max_age_years, t.sex) == (20.0, 82.0, "ALL")
    assert (t.overall_status, t.registry_status) == (None, "Not Recruiting")
    assert [c.name for c in t.countries] == ["Brazil", "Japan", "Cyprus"]
    assert [i.name for i in t.interventions] == ["ION-682884", "Inotersen"]
    assert [(c.kind, c.text) for c in t.criteria] == [
        ("INCLUSION", "Aged 20 to 82 years"), ("INCLUSION", "Females must be non-pregnant"),
        ("EXCLUSION", "Karnofsky performance status <= 50"), ("EXCLUSION", "Other amyloidosis")]
    assert [(o.kind, o.measure, o.description) for o in t.outcomes] == [
        ("PRIMARY", "Change from baseline in mNIS+7 at Week 66", "composite score"),
        ("SECONDARY", "Change from baseline in Norfolk QOL-DN at Week 35", None)]


def test_header_and_headerless_rows_read_alike() -> None:
    headerless = records(render(row()))
    with_header = records(render(row(), header=list(FIELD_ORDER), quoting=csv.QUOTE_MINIMAL))
    spaced = records(render(row(), header=[n.replace("_", " ").upper() for n in FIELD_ORDER]))
    assert headerless == with_header == spaced


def test_header_in_another_column_order() -> None:
    header = ["Public title", "TrialID", "Inclusion gender", "Recruitment Status"]
    [t] = records(render(["A title", "NCT00000001", "F", "Recruiting"], header=header))
    assert (t.title, t.nct_id, t.sex, t.overall_status) == ("A title", "NCT00000001", "FEMALE", "RECRUITING")


def test_older_field_orders() -> None:
    before_2020 = tuple(f for f in FIELD_ORDER if f not in ("Agemin", "Agemax", "Gender"))
    before_2018 = tuple(f for f in before_2020 if f != "Target_size")
    [a, b] = records(render(row(before_2020), row(before_2018, TrialID="KCT0000379")))
    assert (a.enrollment, a.min_age_years, a.sex) == (14, None, None)
    assert (b.registry, b.enrollment, b.title) == ("CRIS", None, "A Study of ION-682884")


# ---------------------------------------------------------------- broken rows


def test_row_with_wrong_cell_count_is_quarantined_alone() -> None:
    text = render(row(TrialID="DRKS00000001"), row()[:40], row(TrialID="DRKS00000002"))
    out = records(text)
    assert [type(r).__name__ for r in out] == ["ParsedTrial", "ParseError", "ParsedTrial"]
    assert "40 cells" in str(out[1])


def test_stray_quote_swallows_no_sibling() -> None:
    good = [render(row(TrialID=f"DRKS0000000{n}")) for n in range(1, 4)]
    broken = render(row(TrialID="DRKS00000009"))[:-2] + "\n"  # the row's last quote is missing
    out = records(good[0] + broken + good[1] + good[2])
    assert [r.identifiers[0].identifier if isinstance(r, ParsedTrial) else "error" for r in out] == [
        "DRKS00000001", "error", "DRKS00000002", "DRKS00000003"]


def test_row_without_trial_id() -> None:
    out = records(render(row(TrialID=""), row()))
    assert isinstance(out[0], ParseError) and "TrialID" in str(out[0]) and isinstance(out[1], ParsedTrial)


def test_blank_lines_and_header_only() -> None:
    assert len(records("\n" + render(row()) + "\n\n")) == 1
    with pytest.raises(ParseError):
        records(render(header=list(FIELD_ORDER)))


def test_nul_in_a_row() -> None:
    out = records(render(row(TrialID="DRKS00000001")) + render(row(public_title="a\x00b")) + render(row()))
    assert isinstance(out[0], ParsedTrial) and isinstance(out[-1], ParsedTrial)


# ---------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    parse_or_typed_error(ictrp_csv, text)


_CELL = st.lists(st.sampled_from(['"', ",", "\n", "\r", "a", "0", ";", "<br>", "NCT00000001", "Phase", " ", "1. ",
                                  "Inclusion criteria: ", "Term: ", ":"]), max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(FIELD_ORDER) - 1), _CELL), max_size=8), st.booleans())
def test_mutated_rows_raise_only_typed_errors(changes: list[tuple[int, str]], header: bool) -> None:
    cells = row()
    for index, value in changes:
        cells[index] = value
    text = render(row(TrialID="DRKS00000001"), cells, row(TrialID="DRKS00000002"),
                  header=list(FIELD_ORDER) if header else None)
    out = parse_or_typed_error(ictrp_csv, text)
    assert out is not None and isinstance(out[-1], ParsedTrial)  # the row after a mangled one always loads


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 3000), st.text(max_size=10))
def test_cut_or_spliced_files_raise_only_typed_errors(at: int, junk: str) -> None:
    text = render(row(), row(TrialID="KCT0000379"))
    parse_or_typed_error(ictrp_csv, text[:at] + junk + text[at:])


def test_parse_time_near_linear() -> None:
    def run(n: int):
        rows = [row(TrialID=f"DRKS{i:08d}") for i in range(n)]
        broken = render(*rows[: n // 2]) + '"DRKS99999999","unclosed\n' + render(*rows[n // 2:])
        return lambda: ictrp_csv.parse(broken, "big.csv")

    # 20 and 400 rows: at 10 rows a row costs less than in a longer file (measured 4.6 ms against 140 for 200 rows,
    # 30× of the 40× allowed), which left no margin on a busy machine
    assert_near_linear(run(20), run(400))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_rows_in_other_encodings_and_crlf(encoding: str) -> None:
    from transforms.decode import decode
    from transforms.layouts import parse_text

    exclusion = "Exclusion criteria: 1. One\n2. Two"  # (a CR already in a cell would become CR CR LF)
    text = render(row(Exclusion_Criteria=exclusion), row(TrialID="KCT0000379", Exclusion_Criteria=exclusion),
                  header=list(FIELD_ORDER))
    got = parse_text(decode(text.replace("\n", "\r\n").encode(encoding), "t.csv").text, "t.csv")
    assert got == parse_text(text, "t.csv") and got[0] == "ictrp_csv"
