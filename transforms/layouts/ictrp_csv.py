"""Layout `ictrp_csv`: WHO ICTRP's CSV export, one registry record per row, with a header row (search exports) or
headerless in the field order of ICTRP's full-data export (`FIELD_ORDER`).

Segment, then assemble: the csv module cuts the text into rows (quoted cells may hold line breaks), the header or
the field order names each cell, then `ictrp_fields.build` reads the record. A row with the wrong number of cells is
a ParseError alone; when a stray quote has swallowed the rows after it, the rows are found again at the lines that
open with a registry ID, so only the broken row is lost.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from transforms import ids
from transforms.csv_cells import allow_long_cells
from transforms.errors import ParseError
from transforms.layouts.ictrp_fields import build, field_of
from transforms.offsets import Uncuttable, csv_rows
from transforms.record import ParsedTrial

NAME = "ictrp_csv"
KIND = "structured"
DESCRIPTION = "WHO ICTRP CSV export, one record per row (header row, or headerless in ICTRP's field order)"

# ICTRP CSV export field order (WHO, "ICTRP export datafields": created 2018-05-15, Target_size added 2018-11-01,
# Agemin/Agemax/Gender added 2020-05-22).
FIELD_ORDER: tuple[str, ...] = (
    "TrialID", "SecondaryIDs", "public_title", "Scientific_title", "url", "Public_Contact_Firstname",
    "Public_Contact_Lastname", "Public_Contact_Address", "Public_Contact_Email", "Public_Contact_Tel",
    "Public_Contact_Affiliation", "Scientific_Contact_Firstname", "Scientific_Contact_Lastname",
    "Scientific_Contact_Address", "Scientific_Contact_Email", "Scientific_Contact_Tel",
    "Scientific_Contact_Affiliation", "study_type", "study_design", "phase", "Date_registration", "Date_enrollement",
    "Target_size", "Recruitment_status", "Primary_sponsor", "Secondary_sponsors", "Source_Support", "Countries",
    "Conditions", "Interventions", "Agemin", "Agemax", "Gender", "Inclusion_Criteria", "Exclusion_Criteria",
    "Primary_Outcome", "Secondary_Outcomes", "Bridging_flag", "Bridged_type", "Childs", "type_enrolment",
    "Retrospective_flag", "results_actual_enrollment", "results_url_link", "results_summary", "results_date_posted",
    "results_date_first_publication", "results_baseline_char", "results_participant_flow", "results_adverse_events",
    "results_outcome_measures", "results_url_protocol", "results_IPD_plan", "results_IPD_description",
    "results_date_completed", "results_yes_no", "Ethics_Status", "Ethics_Approval_Date", "Ethics_Contact_Name",
    "Ethics_Contact_Address", "Ethics_Contact_Phone", "Ethics_Contact_Email",
)
_BEFORE_2020 = tuple(f for f in FIELD_ORDER if f not in ("Agemin", "Agemax", "Gender"))
_BEFORE_2018 = tuple(f for f in _BEFORE_2020 if f != "Target_size")
# A headerless row is read by its cell count: each export generation has its own.
_ORDERS: dict[int, tuple[str, ...]] = {len(order): order for order in (FIELD_ORDER, _BEFORE_2020, _BEFORE_2018)}

_HEAD_CHARS = 1 << 21
# The first cell of a row, quoted (trailing whitespace and line breaks allowed inside) or not.
_FIRST_CELL = re.compile(r'\A\s*(?:"\s*(?P<quoted>[^"\n]{1,80}?)\s*"|(?P<bare>[^",\n]{1,80}?))\s*,')
_MIN_HEADER_FIELDS = 4


def detect(text: str) -> float:
    """1.0 for a header row naming `TrialID` and other ICTRP fields; 0.8 for a headerless first row whose first cell
    is a registry ID and whose cell count is one of ICTRP's field orders."""
    first_cell = _FIRST_CELL.match(text)
    if first_cell is None:
        return 0.0
    cell = first_cell.group("quoted") or first_cell.group("bare")
    if field_of(cell) == "trial_id":
        header = _first_row(text[:_HEAD_CHARS])
        known = sum(field_of(c) is not None for c in header or [])
        return 1.0 if known >= _MIN_HEADER_FIELDS else 0.0
    if ids.recognise(cell) is None:
        return 0.0
    row = _first_row(text[:_HEAD_CHARS])
    return 0.8 if row is not None and len(row) in _ORDERS else 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """One ParsedTrial per data row; a row that cannot be read is a ParseError in the list."""
    allow_long_cells()
    lines = text.split("\n")
    header = _first_row(text[:_HEAD_CHARS])
    columns: list[str | None] | None = None
    start = 0
    if header is not None and _is_header(header):
        columns = [field_of(c) for c in header]
        start = _row_end(lines)
    out: list[ParsedTrial | ParseError] = []
    for line_no, row in _rows(lines, start, columns):
        where = f"row at line {line_no}"
        if isinstance(row, str):
            out.append(ParseError(source, NAME, where, row))
            continue
        try:
            out.append(build(row, NAME))
        except ValueError as exc:
            out.append(ParseError(source, NAME, where, str(exc)))
    if not out:
        raise ParseError(source, NAME, "csv", "no data rows")
    return out


def record_starts(blocks: Iterable[bytes]) -> Iterator[int]:
    """The byte offset of every row `parse` reads as a record: each row but a header and blank ones, so the file can
    be read in parts; a row of another cell count (which `parse` may read as more than one record) raises
    offsets.Uncuttable, and the file is read whole."""
    counts: set[int] | None = None
    for start, cells in csv_rows(blocks):
        if counts is None:  # the first row, as `parse` reads it: a header or not
            header = _is_header(cells)
            counts = {len(cells)} if header else set(_ORDERS)
            if header:
                continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) not in counts:
            raise Uncuttable(f"the row at byte {start:,} has {len(cells)} cells, expected "
                             f"{' or '.join(map(str, sorted(counts)))}")
        yield start


def _is_header(row: list[str]) -> bool:
    return any(field_of(c) == "trial_id" for c in row)


def _first_row(head: str) -> list[str] | None:
    try:
        return next(csv.reader(_LineFeed(head.split("\n"), 0)), None)
    except csv.Error:
        return None


def _row_end(lines: list[str]) -> int:
    """Index of the line after the first CSV row (a header cell may hold a line break)."""
    feed = _LineFeed(lines, 0)
    try:
        next(csv.reader(feed), None)
    except csv.Error:
        pass
    return feed.next_index


class _LineFeed:
    """Lines handed to csv.reader one at a time, remembering how far the reader has read."""

    def __init__(self, lines: list[str], start: int):
        self.lines = lines
        self.next_index = start

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.next_index >= len(self.lines):
            raise StopIteration
        self.next_index += 1
        return self.lines[self.next_index - 1] + "\n"


def _rows(lines: list[str], start: int, columns: list[str | None] | None
          ) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(1-based line number, canonical field → cell, or why the row is broken) for each non-blank row."""
    index = start
    while index < len(lines):
        feed = _LineFeed(lines, index)
        reader = csv.reader(feed)
        while True:
            row_start = feed.next_index
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                yield row_start + 1, f"unreadable CSV: {exc}"
                index = max(feed.next_index, row_start + 1)
                break
            if cells is None:
                index = len(lines)
                break
            if not any(c.strip() for c in cells):
                continue
            fields = _name_cells(cells, columns)
            if fields is not None:
                yield row_start + 1, fields
                continue
            # a wrong cell count: cut the row before the first inner line that opens a record, read on from there
            restart = next((i for i in range(row_start + 1, feed.next_index) if _opens_record(lines[i])), None)
            expected = len(columns) if columns is not None else " or ".join(str(n) for n in sorted(_ORDERS))
            yield row_start + 1, f"has {len(cells)} cells, expected {expected}"
            if restart is not None:
                index = restart
                break


def _name_cells(cells: list[str], columns: list[str | None] | None) -> dict[str, str] | None:
    """Canonical field → cell text (first non-empty cell per field), or None when the cell count is wrong."""
    if columns is None:
        order = _ORDERS.get(len(cells))
        if order is None:
            return None
        columns = [field_of(name) for name in order]
    elif len(cells) != len(columns):
        return None
    fields: dict[str, str] = {}
    for name, cell in zip(columns, cells, strict=True):
        if name is not None and not fields.get(name):
            fields[name] = cell
    return fields


def _opens_record(line: str) -> bool:
    m = _FIRST_CELL.match(line)
    return m is not None and ids.recognise(m.group("quoted") or m.group("bare")) is not None
