"""Layout `ctgov_csv_export`: a ClinicalTrials.gov search-results export, one trial per row (CSV or TSV).

Current exports (2023+) head their columns `NCT Number,Study Title,Study URL,...` and write API v2 enum
values (`PHASE2|PHASE3`, `Allocation: RANDOMIZED|...`); the classic-site exports (`Rank,NCT Number,Title,...`)
wrote display spellings (`Phase 2|Phase 3`, `Both`, `18 Years and older   (Adult, Older Adult)`). Both are
read through one table of column aliases. Segment, then assemble: the csv module cuts rows into cells, the
header names each cell, then each cell is read by its own small reader. A broken row (wrong cell count, no
NCT number) becomes a ParseError in the list and the other rows still load.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from transforms import geo, registry_fields, vocab
from transforms.csv_cells import allow_long_cells
from transforms.errors import ParseError
from transforms.offsets import csv_rows, head_of
from transforms.outcomes import split_outcome_cell
from transforms.record import Intervention, Outcome, ParsedTrial, Site, Sponsor

NAME = "ctgov_csv_export"
DESCRIPTION = "ClinicalTrials.gov CSV/TSV search export (header 'NCT Number,Study Title,...'), one trial per row"
KIND = "structured"

# Canonical field → the header spellings CT.gov exports have used (compared casefolded, spaces collapsed).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "nct_id": ("nct number", "nct id", "nctid"),
    "title": ("study title", "title", "brief title"),
    "official_title": ("official title",),
    "status": ("study status", "status", "overall status", "recruitment"),
    "brief_summary": ("brief summary",),
    "conditions": ("conditions", "condition"),
    "interventions": ("interventions", "intervention"),
    "primary_outcomes": ("primary outcome measures", "primary outcome measure", "primary outcomes"),
    "secondary_outcomes": ("secondary outcome measures", "secondary outcome measure", "secondary outcomes"),
    "other_outcomes": ("other outcome measures", "other outcome measure", "other outcomes"),
    "sponsor": ("sponsor", "lead sponsor"),
    "sponsor_collaborators": ("sponsor/collaborators",),
    "collaborators": ("collaborators", "collaborator"),
    "funder_type": ("funder type",),
    "funded_by": ("funded bys", "funded by"),
    "other_ids": ("other ids", "other id"),
    "sex": ("sex", "gender"),
    "age": ("age", "ages"),
    "phases": ("phases", "phase"),
    "enrollment": ("enrollment",),
    "study_type": ("study type",),
    "study_design": ("study design", "study designs"),
    "start_date": ("start date",),
    "primary_completion_date": ("primary completion date",),
    "completion_date": ("completion date",),
    "last_update_date": ("last update posted", "last updated"),
    "locations": ("locations",),
}
_HEADER_INDEX = {alias: field for field, aliases in _COLUMNS.items() for alias in aliases}

_HEADER_SPACES = re.compile(r"\s+")
_FIRST_LINE = re.compile(r"\A[^\n]{0,8000}")
_HEADER_BYTES = 8000 * 4  # the most bytes `_FIRST_LINE` can match
_NCT_HEADER = re.compile(r'(?:\A|[,\t])\s*"?\s*NCT (?:Number|ID)\s*"?\s*(?:[,\t]|\Z)', re.I)
_PIPE = re.compile(r"\s*\|\s*")
_TYPED_NAME = re.compile(r"^\s*([A-Za-z][A-Za-z _/-]{1,40}?)\s*:\s*(\S.*)$", re.S)
_DESIGN_PAIR = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,40}?)\s*:\s*(.*)$", re.S)
_DESIGN_FIELDS = {"allocation": vocab.allocation, "intervention model": vocab.intervention_model,
                  "primary purpose": vocab.primary_purpose, "masking": vocab.masking}
# `18 Years and older (Adult, Older Adult)`, `up to 17 Years`, `6 Months to 65 Years (Child, Adult)`.
_AGE_SPAN = re.compile(r"^\s*(?P<low>\d+(?:\.\d+)?\s*[A-Za-z]+)\s+to\s+(?P<high>\d+(?:\.\d+)?\s*[A-Za-z]+)", re.I)
_AGE_MIN = re.compile(r"^\s*(?P<low>\d+(?:\.\d+)?\s*[A-Za-z]+)\s+and\s+(?:older|over|above)", re.I)
_AGE_MAX = re.compile(r"^\s*up\s+to\s+(?P<high>\d+(?:\.\d+)?\s*[A-Za-z]+)", re.I)

# ---- Locations: `Facility, City, State, Zip, Country` with empty parts left out and no escaping of `, `.
_LOCATION_PART = re.compile(r",\s+")
# A postal code: short, at least two digits, its first group holding one, letters/digits in at most three groups
# (`43215-7312`, `SW1A 1AA`, `C.P. 20230`, `H3T 1E2`, `40.290-000`, `3435 CM`, `B-1090`, `FIN-33520`). Not a city
# with a district number: `Praha 2`, `Lyon Cedex 03`.
_ZIP = re.compile(r"^\d+$|^(?=(?:\D*\d){2})(?:[A-Za-z]{1,3}\.?(?:[A-Za-z]\.?)?[\s-]?)?(?=[A-Za-z]*\d)[A-Za-z0-9]{1,8}"
                  r"(?:[\s.-][A-Za-z0-9]{1,5}){0,2}$")
# Words that name a first-level division (`Beijing Municipality`, `Moscow Oblast`, `Gyeonggi-do`, `Aichi-ken`).
_ADMIN_WORD = re.compile(
    r"\b(?:province|provincia|provincie|municipality|region|región|regione|oblast|governorate|county|district|"
    r"prefecture|territory|voivodeship|department|departamento|kanton|canton|krai|okrug|okruha|comunidad|"
    r"autonomous|state|estado|land)\b|-(?:do|ken|to|fu)$|^co\.? [a-z]", re.I)
_STATE_ABBREVIATION = re.compile(r"^[A-Z]{2,3}$")
# Words of institution names, never of a city or state name (`Cairo University`, `Pfizer Investigational Site`).
_FACILITY_WORD = re.compile(
    r"\b(?:hospital|hôpital|hospitales?|ospedale|krankenhaus|klinik\w*|clinic\w*|clínica|clinique|universit\w*|"
    r"universidad|université|college|faculty|school|institut\w*|centre|center|centro|centrum|research|site|"
    r"medical|medicine|health\w*|department|dept|foundation|fundaci\w+|laborator\w+|practice|office|associates|"
    r"group|inc|llc|ltd|gmbh|co|corp\w*|pharma\w*|unit|ward|service|servicio|infirmary|azienda|praxis|"
    r"\w*klini\w*|\w*clini\w*|policlinic\w*|polyclinique|ambulan\w+|gabinet|praktyka|przychodnia|szpital|"
    r"nemocnice|hastane\w*|sanatori\w*|kft|zrt|s\.?r\.?o|s\.?r\.?l|s\.?p\.?a|b\.?v|mc|ag|"
    r"\w+olog(?:y|ie|ia|ical))\b\.?", re.I)
# An all-capital word (`APHP`, `CHU`, `UMHAT`, `AZ`) stands for an institution, not a city.
_ACRONYM_WORD = re.compile(r"^[A-Z][A-Z.&]{1,9}-?$")  # `CHUQ-` too
_NOT_PLACE_CHAR = re.compile(r"[\d/\"()@&;:]|\.$")
# German sites carry a district code after the state: `Sachsen / 313`.
_STATE_CODE_SUFFIX = re.compile(r"\s*/\s*\d+$")
_PLACE_CONNECTORS = frozenset("de del della di da do dos das la le les el al am an der den im bei sur sous upon on en "
                              "y i of the and au aux von van zu".split())
# The first-level divisions of the countries whose CT.gov sites nearly always carry one (US, Canada, Australia).
_DIVISIONS: dict[str, frozenset[str]] = {
    "US": frozenset(s.casefold() for s in (
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
        "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
        "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
        "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
        "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
        "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
        "West Virginia", "Wisconsin", "Wyoming", "Puerto Rico", "Guam", "Virgin Islands", "American Samoa",
        "Northern Mariana Islands")),
    "CA": frozenset(s.casefold() for s in (
        "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador", "Newfoundland",
        "Nova Scotia", "Ontario", "Prince Edward Island", "Quebec", "Québec", "Saskatchewan",
        "Northwest Territories", "Nunavut", "Yukon")),
    "AU": frozenset(s.casefold() for s in (
        "New South Wales", "Queensland", "South Australia", "Tasmania", "Victoria", "Western Australia",
        "Australian Capital Territory", "Northern Territory")),
}
_DIVISIONS["PR"] = _DIVISIONS["US"]


def detect(text: str) -> float:
    """The first line is a CT.gov export header: it has an `NCT Number` cell and at least two other known columns."""
    line, delimiter = _header_line(text)
    if not _NCT_HEADER.search(line):
        return 0.0
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return 1.0 if sum(_header_key(c) in _HEADER_INDEX for c in cells) >= 3 else 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """One ParsedTrial per data row; a row that cannot be read is a ParseError in the list."""
    body = text.lstrip("\n")
    _, delimiter = _header_line(body)
    allow_long_cells()
    rows = _rows(body, delimiter, source)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError(source, NAME, "header", "no header row") from None
    if isinstance(header, ParseError):
        raise header
    columns = [_HEADER_INDEX.get(_header_key(c)) for c in header]
    if "nct_id" not in columns:
        raise ParseError(source, NAME, "header", "expected an 'NCT Number' column in the header row")
    out: list[ParsedTrial | ParseError] = []
    for line_no, row in rows:
        if isinstance(row, ParseError):
            out.append(row)
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            out.append(ParseError(source, NAME, f"row at line {line_no}",
                                  f"has {len(row)} cells, the header has {len(header)}"))
            continue
        cells: dict[str, str] = {}
        for field, cell in zip(columns, row, strict=True):
            if field is not None and field not in cells:
                cells[field] = cell
        nct = vocab.nct_id(cells.get("nct_id"))
        if nct is None:
            out.append(ParseError(source, NAME, f"row at line {line_no}",
                                  f"no NCT number (got {cells.get('nct_id', '')[:40]!r})"))
            continue
        out.append(_build(nct, cells))
    return out


def record_starts(blocks: Iterable[bytes]) -> Iterator[int]:
    """The byte offset of every row `parse` reads as a record: each row after the header but blank ones, so the file
    can be read in parts; a row the csv module cannot read (where `parse` stops) raises offsets.Uncuttable."""
    # as far as the header's line break: the delimiter is the one it uses most
    head, blocks = head_of(blocks, lambda read: b"\n" in read.lstrip(b"\n") or len(read) > _HEADER_BYTES)
    header_read = False
    for start, cells in csv_rows(blocks, _header_line(head.decode("latin-1"))[1]):
        if not header_read:
            header_read = bool(cells)  # the blank lines before the header are not rows of `parse`
        elif any(cell.strip() for cell in cells):
            yield start


def _header_line(text: str) -> tuple[str, str]:
    """The text's first line after blank ones (the header), and the delimiter it uses most: a tab or a comma."""
    first = _FIRST_LINE.match(text.lstrip("\n"))
    line = first.group(0) if first else ""
    return line, "\t" if line.count("\t") > line.count(",") else ","


def _rows(body: str, delimiter: str, source: str) -> Iterator[tuple[int, list[str] | ParseError]]:
    """(first line number, cells) per CSV row; a csv-level failure ends the stream with a ParseError."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    line_no = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line_no, ParseError(source, NAME, f"row at line {line_no}", f"unreadable CSV: {exc}")
            return
        yield line_no, row
        line_no = reader.line_num + 1


def _header_key(cell: str) -> str:
    return _HEADER_SPACES.sub(" ", cell).strip().strip('"').strip().casefold()


# ---------------------------------------------------------------- assemble one row


def _build(nct: str, cells: dict[str, str]) -> ParsedTrial:
    design = _study_design(cells.get("study_design"))
    min_age, max_age = _age(cells.get("age"))
    # the classic export's `Sponsor/Collaborators` lists the lead sponsor first
    sponsor = vocab.clean(cells.get("sponsor")) or next(iter(_split_pipes(cells.get("sponsor_collaborators"))), None)
    collaborators = (_split_pipes(cells.get("collaborators")) if cells.get("sponsor")
                     else _split_pipes(cells.get("sponsor_collaborators"))[1:])
    return ParsedTrial(
        layout=NAME,
        nct_id=nct,
        title=vocab.clean(cells.get("title")),
        official_title=vocab.clean(cells.get("official_title")),
        brief_summary=vocab.clean_block(cells.get("brief_summary")),
        overall_status=vocab.status(cells.get("status")),
        phase=_phase(cells.get("phases")),
        study_type=vocab.study_type(cells.get("study_type")),
        allocation=design.get("allocation"),
        intervention_model=design.get("intervention model"),
        primary_purpose=design.get("primary purpose"),
        masking=design.get("masking"),
        enrollment=vocab.to_int(cells.get("enrollment")),
        start_date=vocab.parse_date(cells.get("start_date")),
        primary_completion_date=vocab.parse_date(cells.get("primary_completion_date")),
        completion_date=vocab.parse_date(cells.get("completion_date")),
        last_update_date=vocab.parse_date(cells.get("last_update_date")),
        min_age_years=min_age,
        max_age_years=max_age,
        sex=vocab.sex(cells.get("sex")),
        lead_sponsor=sponsor,
        registry="CTGOV",
        identifiers=registry_fields.identifiers(nct, _split_pipes(cells.get("other_ids"))),
        sponsors=_sponsors(sponsor, collaborators, cells),
        conditions=vocab.unique(_split_pipes(cells.get("conditions"))),
        interventions=_interventions(cells.get("interventions")),
        outcomes=_outcomes(cells),
        sites=[s for s in (_site(loc) for loc in _split_pipes(cells.get("locations"))) if s is not None],
    )


def _sponsors(lead: str | None, collaborators: list[str], cells: dict[str, str]) -> list[Sponsor]:
    """LEAD and COLLABORATOR rows. The current export's `Funder Type` is the lead sponsor's agency class (one value
    per row: `NETWORK` for RTOG with NCI collaborating); the classic export's `Funded Bys` lists the distinct
    classes of all sponsors together (`Industry|NIH`), which tells each sponsor's class only when there is one."""
    lead_class = vocab.agency_class(cells.get("funder_type"))
    funded_by = {vocab.agency_class(part) for part in _split_pipes(cells.get("funded_by"))}
    everyone = funded_by.pop() if len(funded_by) == 1 else None
    return registry_fields.sponsors((lead, lead_class or everyone), [(name, everyone) for name in collaborators])


def _split_pipes(cell: str | None) -> list[str]:
    if not cell:
        return []
    return [v for v in (vocab.clean(part) for part in _PIPE.split(cell)) if v]



def _phase(cell: str | None) -> str | None:
    """`PHASE1|PHASE2` → PHASE1_PHASE2, `Phase 2|Phase 3` → PHASE2_PHASE3, `NA` / `Not Applicable` → NA."""
    parts = _split_pipes(cell)
    return vocab.phase(" / ".join(parts)) if parts else None


def _interventions(cell: str | None) -> list[Intervention]:
    """`DRUG: Aspirin|RADIATION: SBRT` → typed interventions, de-duplicated on (type, name)."""
    out, seen = [], set()
    for item in _split_pipes(cell):
        kind, name = None, item
        m = _TYPED_NAME.match(item)
        if m and vocab.intervention_type(m.group(1)) is not None:
            kind, name = vocab.intervention_type(m.group(1)), m.group(2).strip()
        key = (kind, name.casefold())
        if name and key not in seen:
            seen.add(key)
            out.append(Intervention(name=name, intervention_type=kind))
    return out


def _study_design(cell: str | None) -> dict[str, str | None]:
    """`Allocation: RANDOMIZED|Intervention Model: PARALLEL|Masking: DOUBLE (...)|Primary Purpose: TREATMENT`."""
    out: dict[str, str | None] = {}
    for pair in _split_pipes(cell):
        m = _DESIGN_PAIR.match(pair)
        if not m:
            continue
        label = _HEADER_SPACES.sub(" ", m.group(1)).strip().casefold()
        normalise = _DESIGN_FIELDS.get(label)
        if normalise is not None:
            out[label] = normalise(m.group(2))
    return out


def _age(cell: str | None) -> tuple[float | None, float | None]:
    """Years from `18 Years to 65 Years (Adult)` / `18 Years and older` / `up to 17 Years`; the v2 export's
    age groups alone (`ADULT, OLDER_ADULT`) state no years."""
    if not cell:
        return None, None
    if m := _AGE_SPAN.match(cell):
        return vocab.parse_age_years(m.group("low")), vocab.parse_age_years(m.group("high"))
    if m := _AGE_MIN.match(cell):
        return vocab.parse_age_years(m.group("low")), None
    if m := _AGE_MAX.match(cell):
        return None, vocab.parse_age_years(m.group("high"))
    return None, None


def _outcomes(cells: dict[str, str]) -> list[Outcome]:
    out: list[Outcome] = []
    for field, kind in (("primary_outcomes", "PRIMARY"), ("secondary_outcomes", "SECONDARY"),
                        ("other_outcomes", "OTHER")):
        if cells.get(field):
            out.extend(split_outcome_cell(cells[field], kind))
    return out


def _site(location: str) -> Site | None:
    """`Facility, City, State, Zip, Country` read from the right as a careful reader does: the country (whose
    own comma stays: `Korea, Republic of`), a zip if the part looks like one, a state if the part is one, the
    city; what is left is the facility (whose own `, ` survive)."""
    parts = [p for p in (vocab.clean(x) for x in _LOCATION_PART.split(location)) if p]
    if not parts:
        return None
    country = parts.pop()
    # a country name with a comma of its own (`Korea, Republic of`, `Virgin Islands, U.S.`) is one part
    if parts and geo.country_name_code(f"{parts[-1]}, {country}"):
        country = f"{parts.pop()}, {country}"
    zip_code = parts.pop() if len(parts) >= 2 and _ZIP.match(parts[-1]) else None
    state = parts.pop() if _has_state(parts, country) else None
    city = parts.pop() if parts else None
    facility = ", ".join(parts) or None
    return Site(facility=facility, city=city, state=state, zip=zip_code, country=country)


def _has_state(parts: list[str], country: str) -> bool:
    """Whether the last remaining part is a state: `[..., city, state]` rather than `[facility..., city]`."""
    if len(parts) < 2:
        return False
    code = geo.country_name_code(country)
    known = _DIVISIONS.get(code or "")
    if known is not None:  # a country whose divisions are a closed list
        # `CHUQ- Hotel-Dieu de Quebec, Quebec, G1R 2J6, Canada`: a division's name that is also a city's, after
        # nothing but a facility, is the city
        return parts[-1].casefold() in known and not (len(parts) == 2 and not _place_like(parts[0])
                                                      and geo.knows_city(parts[-1], code))
    # the part before a state is a city: `Cairo University, Cairo` and `..., or speak with your physician., Hefei`
    # have no state
    if not _place_like(parts[-2]):
        return False
    state = _STATE_CODE_SUFFIX.sub("", parts[-1])
    if _ADMIN_WORD.search(state) or _STATE_ABBREVIATION.match(state):
        return True
    # `Gustave Roussy, Villejuif`, `Shih-Ping Liu, Taipei`: of two names alone, a known city after a name that is
    # no city is the city (after a facility, `Ramathibodi Hospital, Rajthevee, Bangkok`, they are city and state)
    if len(parts) == 2 and geo.knows_city(state, code) and not geo.knows_city(parts[0], code):
        return False
    # Two place names in a row (`Mansoura, Dakahlia`, `Allergisa, Campinas, São Paulo`) are city and state: a
    # facility named like a place without any institution word is rarer than a site listed without a facility.
    return _place_like(state.removesuffix("."))


def _place_like(part: str) -> bool:
    """Reads like a city or state name: a few capitalised words, no digits, no institution words or acronyms."""
    words = part.split()
    if not words or len(words) > 5 or len(part) > 40 or _FACILITY_WORD.search(part) or _NOT_PLACE_CHAR.search(part):
        return False
    for word in words:
        if _ACRONYM_WORD.match(word):
            return False
        if word[0].islower() and word.casefold() not in _PLACE_CONNECTORS:
            return False
    return True
