"""Realistic, truth-preserving perturbations of corpus files: what re-exports, other editors and other renderers do.

Each text perturbation is a function `(text, rng) -> text` that keeps what a careful reader extracts from the file
(the corpus truth) unchanged: enum values re-spelled in another human or API form, dates in another common
spelling, criteria bullets / numbering / headers re-worded, narrative and criteria re-wrapped at another width,
trailing spaces, non-breaking spaces, extra blank lines where the layout tolerates them. `encode` then picks the
line ends (LF / CRLF), a BOM and the encoding (UTF-8, cp1252, latin-1, UTF-16) the bytes are written in.
JSON, XML and CSV exports get only the byte-level perturbations (their structure must stay valid).

Used by scripts/perturb_corpus.py (a perturbed copy of the whole dev corpus) and tests/test_robustness.py.
"""
from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable
from datetime import date

from transforms import vocab

TEXT_LAYOUTS = ("ctgov_legacy_text", "aggregator_page", "ctgov_page_copy", "ctgov_csv_row", "summary_with_criteria")
STRUCTURED_LAYOUTS = ("ctgov_json", "ctgov_xml", "ctgov_csv_export")

Perturbation = Callable[[str, random.Random], str]

# ---------------------------------------------------------------- value spellings

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_ISO_FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_LONG_FULL = re.compile(r"^([A-Za-z]+) (\d{1,2}), (\d{4})$")
_LONG_MONTH = re.compile(r"^([A-Za-z]+) (\d{4})$")

_PHASE_SPELLINGS = {
    "NA": ["N/A", "NA", "Not Applicable", "n/a"],
    "EARLY_PHASE1": ["Early Phase 1", "EARLY_PHASE1", "Early Phase I", "early phase 1"],
    "PHASE1": ["Phase 1", "Phase I", "PHASE1", "phase 1", "Phase Ⅰ"],
    "PHASE2": ["Phase 2", "Phase II", "PHASE2", "phase 2", "Phase Ⅱ"],
    "PHASE3": ["Phase 3", "Phase III", "PHASE3", "phase Ⅲ", "Phase Ⅲ"],
    "PHASE4": ["Phase 4", "Phase IV", "PHASE4", "phase 4"],
    "PHASE1_PHASE2": ["Phase 1/Phase 2", "Phase 1/2", "Phase I/II", "PHASE1, PHASE2", "Phase 1, Phase 2"],
    "PHASE2_PHASE3": ["Phase 2/Phase 3", "Phase 2/3", "Phase II/III", "PHASE2, PHASE3", "Phase 2, Phase 3"],
}
_EXTRA_SPELLINGS: dict[str, dict[str, list[str]]] = {
    "status": {"NOT_YET_RECRUITING": ["Not yet recruiting"], "ACTIVE_NOT_RECRUITING": ["Active, not recruiting"],
               "ENROLLING_BY_INVITATION": ["Enrolling by invitation"], "UNKNOWN": ["Unknown status"]},
    "allocation": {"NA": ["N/A", "Not Applicable"], "NON_RANDOMIZED": ["Non-Randomized", "Nonrandomized"],
                   "RANDOMIZED": ["Randomised"]},
    "intervention_model": {"SINGLE_GROUP": ["Single Group Assignment"], "PARALLEL": ["Parallel Assignment"],
                           "CROSSOVER": ["Crossover Assignment", "Cross-over"],
                           "FACTORIAL": ["Factorial Assignment"], "SEQUENTIAL": ["Sequential Assignment"]},
    "masking": {"NONE": ["None (Open Label)", "Open Label", "None"], "SINGLE": ["Single (Participant)", "Single Blind"],
                "DOUBLE": ["Double (Participant, Investigator)", "Double Blind", "Double-Blind"],
                "TRIPLE": ["Triple (Participant, Care Provider, Investigator)"],
                "QUADRUPLE": ["Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)"]},
    "sex": {"ALL": ["Both"]},
    "intervention_type": {"BIOLOGICAL": ["Biologic"]},
    "study_type": {"OBSERVATIONAL": ["Observational [Patient Registry]"], "EXPANDED_ACCESS": ["Expanded Access"]},
}
_NORMALISERS: dict[str, Callable[[str], object]] = {
    "status": vocab.status, "phase": vocab.phase, "study_type": vocab.study_type, "allocation": vocab.allocation,
    "intervention_model": vocab.intervention_model, "primary_purpose": vocab.primary_purpose,
    "masking": vocab.masking, "sex": vocab.sex, "arm_type": vocab.arm_type,
    "intervention_type": vocab.intervention_type,
}


def _casings(value: str) -> list[str]:
    return [value, value.upper(), value.lower(), value.title()]


def _date_spellings(value: str) -> list[str]:
    """The same date (or month) in other common spellings; [] when the value is no date we know."""
    full = None
    if m := _ISO_FULL.match(value):
        full = (int(m[1]), int(m[2]), int(m[3]))
    elif (m := _LONG_FULL.match(value)) and m[1][:3].title() in [x[:3] for x in _MONTHS]:
        full = (int(m[3]), [x[:3] for x in _MONTHS].index(m[1][:3].title()) + 1, int(m[2]))
    if full:
        try:
            date(*full)
        except ValueError:
            return []
        y, mo, d = full
        name = _MONTHS[mo - 1]
        return [f"{y:04d}-{mo:02d}-{d:02d}", f"{name} {d}, {y}", f"{name[:3]} {d}, {y}", f"{d} {name} {y}",
                f"{d:02d} {name[:3]} {y}", f"{mo}/{d}/{y}", f"{name.upper()} {d}, {y}"]
    month = None
    if m := _ISO_MONTH.match(value):
        month = (int(m[1]), int(m[2]))
    elif (m := _LONG_MONTH.match(value)) and m[1][:3].title() in [x[:3] for x in _MONTHS]:
        month = (int(m[2]), [x[:3] for x in _MONTHS].index(m[1][:3].title()) + 1)
    if month and 1 <= month[1] <= 12:
        y, mo = month
        name = _MONTHS[mo - 1]
        return [f"{y:04d}-{mo:02d}", f"{name} {y}", f"{name[:3]} {y}", f"{name[:3]}. {y}" if mo != 5 else f"May {y}",
                f"{name.lower()} {y}"]
    return []


def spellings(field: str, value: str) -> list[str]:
    """Other spellings of `value` for `field` that every careful reader maps to the same value."""
    value = value.strip()
    if field == "date":
        return _date_spellings(value) or [value]
    if field == "age":
        return _casings(value)
    if field == "healthy_volunteers":
        stated = vocab.yes_no(value)
        if stated is None:
            return [value]
        return [*_casings(value), "Yes", "YES", "yes"] if stated else [*_casings(value), "No", "NO", "no"]
    if field == "enrollment":
        n = vocab.to_int(value)
        if n is None:
            return [value]
        return [str(n), f"{n} participants", f"{n:,}", f"{n} (Estimated)", f"{n} Participants (Actual)"]
    canonical = _NORMALISERS[field](value)
    if not isinstance(canonical, str):
        return [value]
    if field == "phase":
        options = list(_PHASE_SPELLINGS.get(canonical, [canonical]))
    else:
        words = canonical.replace("_", " ")
        options = [canonical, words.title(), words.capitalize(), words.lower()]
        options += _EXTRA_SPELLINGS.get(field, {}).get(canonical, [])
    options += _casings(value)
    return [o for o in dict.fromkeys(options) if _NORMALISERS[field](o) == canonical]


def respell(field: str, value: str, rng: random.Random) -> str:
    """`value` in a randomly chosen other spelling (keeping any leading indent)."""
    indent = value[: len(value) - len(value.lstrip())]
    return indent + rng.choice(spellings(field, value))


# ---------------------------------------------------------------- generic text perturbations


def trailing_spaces(text: str, rng: random.Random) -> str:
    """Spaces (or a tab) left at the end of some lines."""
    return "\n".join(line + rng.choice(["", "", " ", "  ", "\t", "   "]) if line else line
                     for line in text.split("\n"))


def nbsp(text: str, rng: random.Random) -> str:
    """Some spaces written as non-breaking spaces (a copy from a web page)."""
    return re.sub(" ", lambda m: "\u00a0" if rng.random() < 0.05 else " ", text)


def leading_blank_line(text: str, rng: random.Random) -> str:
    """A blank line (or two) before the first line of the file."""
    return "\n" * rng.choice([1, 2]) + text


def trailing_blank_lines(text: str, rng: random.Random) -> str:
    """Blank lines after the last line of the file."""
    return text.rstrip("\n") + "\n" * rng.choice([0, 1, 2, 3])


def _blank_between_lines(probability: float) -> Perturbation:
    def perturbation(text: str, rng: random.Random) -> str:
        out: list[str] = []
        for line in text.split("\n"):
            if out and rng.random() < probability:
                out.append("")
            out.append(line)
        return "\n".join(out)
    perturbation.__name__ = "blank_lines"
    perturbation.__doc__ = "An extra blank line here and there between lines."
    return perturbation


def more_paragraph_space(text: str, rng: random.Random) -> str:
    """Paragraph breaks of two or three blank lines instead of one, here and there."""
    return re.sub(r"\n\n", lambda m: "\n\n\n" if rng.random() < 0.15 else "\n\n", text)


# ---------------------------------------------------------------- criteria

_INCLUSION_HEADERS = ("Inclusion Criteria:", "INCLUSION CRITERIA", "Key Inclusion Criteria:", "Inclusion criteria -",
                      "INCLUSION CRITERIA:", "Inclusion criteria", "Main Inclusion Criteria:")
_HEADER_LINE = re.compile(
    r"^(?P<indent>\s*)(?:(?:key|main)\s+)?(?P<kind>inclusion|exclusion)\s+criteria\s*[:-]?\s*$", re.I)


def _header_variant(rng: random.Random) -> Callable[[re.Match[str]], str]:
    style = rng.choice(_INCLUSION_HEADERS)

    def replace(m: re.Match[str]) -> str:
        kind = m.group("kind").lower()
        word = {"inclusion": ("Inclusion", "INCLUSION"), "exclusion": ("Exclusion", "EXCLUSION")}[kind]
        return m.group("indent") + style.replace("Inclusion", word[0]).replace("INCLUSION", word[1])
    return replace


def reword_headers(text: str, rng: random.Random) -> str:
    """`Inclusion Criteria:` / `Exclusion Criteria` header lines re-worded, one style per file."""
    replace = _header_variant(rng)
    return "\n".join(_HEADER_LINE.sub(replace, line) for line in text.split("\n"))


# ---------------------------------------------------------------- ctgov_legacy_text

_LEGACY_TOP = ("Trial Title", "Official title", "NCT ID", "Condition", "Conditions: Official terms",
               "Conditions: Keywords", "Study type", "Study phase", "Overall status", "Enrollment", "Study design",
               "Intervention", "Arm group", "Summary", "Detailed description", "Criteria for eligibility", "Gender",
               "Minimum age", "Maximum age", "Healthy volunteers", "Locations", "Start date",
               "Primary completion date", "Completion date", "Verification date", "Lead sponsor", "Collaborator",
               "Overall official", "Source", "Record processing date", "Source: ClinicalTrials.gov page")
_LEGACY_FIELDS = {
    "study type": "study_type", "study phase": "phase", "overall status": "status", "allocation": "allocation",
    "intervention model": "intervention_model", "primary purpose": "primary_purpose", "masking": "masking",
    "gender": "sex", "healthy volunteers": "healthy_volunteers", "intervention type": "intervention_type",
    "status": "status", "start date": "date", "completion date": "date", "primary completion date": "date",
    "minimum age": "age", "maximum age": "age", "enrollment": "enrollment", "arm group type": "arm_type",
}
_LEGACY_NARRATIVE = {"summary": 89, "detailed description": 89, "description": 89, "criteria": 82,
                     "study population": 89}
_LEGACY_MAX_WIDTH = 89
_LEGACY_STOP = {label.lower() for label in _LEGACY_TOP} | {
    "intervention type", "intervention name", "arm group label", "other name", "arm group type", "criteria",
    "study population", "sampling method"}
_LABEL = re.compile(r"^([A-Za-z][A-Za-z .:]{0,40}):\s*$")
_MARKER = re.compile(r"^(?:[-*•⁃]|\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(\d{1,3}\))(?:\s|$)")


def _legacy_label(line: str) -> str | None:
    m = _LABEL.match(line.strip())
    return m.group(1).strip().lower() if m else None


def legacy_enums(text: str, rng: random.Random) -> str:
    """Values after `Study phase:`, `Overall status:`, `Masking:`, dates, … re-spelled."""
    lines = text.split("\n")
    for k in range(len(lines) - 1):
        field = _LEGACY_FIELDS.get(_legacy_label(lines[k]) or "")
        if field and lines[k + 1].strip() and _legacy_label(lines[k + 1]) is None and rng.random() < 0.8:
            lines[k + 1] = respell(field, lines[k + 1], rng)
    return "\n".join(lines)


def _regions(lines: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of the value lines of each narrative label (criteria included)."""
    out = []
    k = 0
    while k < len(lines):
        label = _legacy_label(lines[k])
        if label in _LEGACY_NARRATIVE:
            end = k + 1
            while end < len(lines) and (_legacy_label(lines[end]) or "") not in _LEGACY_STOP:
                end += 1
            out.append((k + 1, end, label))
            k = end
            continue
        k += 1
    return out


def _logical_lines(lines: list[str], width: int, criteria: bool) -> list[str]:
    """Undo a greedy wrap at `width`: a line continues the previous one when its first word would not have fit on
    it, except (in criteria) a line opening with a bullet, a number or a criteria header: it stays at the start of a
    line, whatever it was, so the re-wrapped text reads the same there."""
    out: list[str] = []
    previous: str | None = None
    for line in lines:
        s = line.strip()
        first_word = s.split(" ")[0]
        starts = criteria and (bool(_MARKER.match(s)) or bool(_HEADER_LINE.match(s)) or previous is not None
                               and previous.strip() == "-")
        if out and previous and previous.strip() and s and not starts and len(previous) + 1 + len(first_word) > width:
            out[-1] += " " + s
        else:
            out.append(line)
        previous = line
    return out


def _wrap_no_new_markers(line: str, width: int, hang: str = "") -> list[str]:
    """Greedy wrap that never starts a continuation line with a bullet or number (`anatomical` / `- abnormalities`
    would read as a new item): such a marker stays at the end of the line before, as a careful renderer does."""
    pieces = textwrap.wrap(line, width=width, subsequent_indent=hang, break_long_words=False,
                           break_on_hyphens=False)
    out: list[str] = []
    for piece in pieces:
        body = piece[len(hang):] if out else piece
        if out and _MARKER.match(body):
            head, _, rest = body.partition(" ")
            out[-1] += " " + head
            if rest.strip():
                out.append(hang + rest)
            continue
        out.append(piece)
    return out or [line]


def legacy_rewrap(text: str, rng: random.Random) -> str:
    """Narrative and criteria re-wrapped at another width (a renderer with other settings)."""
    width = rng.randint(60, 100)
    criteria_width = max(50, width - rng.randint(0, 10))
    lines = text.split("\n")
    out: list[str] = []
    pos = 0
    for start, end, label in _regions(lines):
        out.extend(lines[pos:start])
        is_criteria = label == "criteria"
        # the renderer's width for this region: its nominal one, or wider where its longest wrapped line says so
        # (prose eligibility text runs to 87 columns where list items stop at 82)
        nominal = _LEGACY_NARRATIVE[label]
        seen = [len(line) for line in lines[start:end] if " " in line.strip() and len(line) <= _LEGACY_MAX_WIDTH]
        logical = _logical_lines(lines[start:end], max([nominal, *seen]), label == "criteria")
        new_width = criteria_width if is_criteria else width
        for line in logical:
            if not line.strip() or len(line) <= new_width:
                out.append(line)
            else:
                out.extend(_wrap_no_new_markers(line, new_width))
        pos = end
    out.extend(lines[pos:])
    return "\n".join(out)


_LEGACY_BULLET = re.compile(r"^- (?=\S)")
_LEGACY_NUMBER = re.compile(r"^(\d{1,3})\. (?=\S)")


def legacy_bullets(text: str, rng: random.Random) -> str:
    """Criteria bullets `- ` → `* ` / `• `, numbers `1. ` → `1) `, at the start of criteria items only."""
    bullet = rng.choice(["* ", "• ", "- "])
    number = rng.choice([r"\1) ", r"\1. ", r"\1.  "])
    lines = text.split("\n")
    for start, end, label in _regions(lines):
        if label != "criteria":
            continue
        for k in range(start, end):
            previous = lines[k - 1] if k > start else None
            first_word = lines[k].split(" ")[0]
            if previous and previous.strip() and len(previous) + 1 + len(first_word) > 82:
                continue  # may be a wrapped piece of the previous item: leave it as it is
            lines[k] = _LEGACY_NUMBER.sub(number, _LEGACY_BULLET.sub(bullet, lines[k]))
    return "\n".join(lines)


_LEGACY_ONE_LINE = {"nct id", "study type", "study phase", "overall status", "allocation", "intervention model",
                    "primary purpose", "masking", "gender", "minimum age", "maximum age", "healthy volunteers",
                    "start date", "completion date", "primary completion date", "intervention type", "city", "state",
                    "zip", "country", "status", "agency", "agency class", "condition"}


def legacy_inline_values(text: str, rng: random.Random) -> str:
    """Short one-line values written on their label's line (`Study type: Interventional`)."""
    lines = text.split("\n")
    out: list[str] = []
    k = 0
    while k < len(lines):
        label = _legacy_label(lines[k])
        if (label in _LEGACY_ONE_LINE and k + 1 < len(lines) and lines[k + 1].strip()
                and _legacy_label(lines[k + 1]) is None and (k + 2 >= len(lines) or _legacy_label(lines[k + 2]))):
            out.append(f"{lines[k].rstrip()} {lines[k + 1].strip()}")
            k += 2
            continue
        out.append(lines[k])
        k += 1
    return "\n".join(out)


def legacy_label_case(text: str, rng: random.Random) -> str:
    """`Label:` lines in another casing (`Study Type:`, `OVERALL STATUS:`)."""
    change = rng.choice([str.upper, str.title])
    known = _LEGACY_STOP | set(_LEGACY_FIELDS) | {"name", "address", "facility", "contact", "last name", "phone",
                                                  "email", "agency", "agency class", "study design"}
    return "\n".join(change(line) if (_legacy_label(line) or "") in known else line for line in text.split("\n"))


def legacy_blank_lines(text: str, rng: random.Random) -> str:
    """A blank line before some `Label:` lines, or (a double-spaced copy) after every line."""
    if rng.random() < 0.25:
        return "\n".join(line + "\n" for line in text.split("\n"))
    out: list[str] = []
    for line in text.split("\n"):
        if out and _legacy_label(line) is not None and rng.random() < 0.3:
            out.append("")
        out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------- aggregator_page

_AGG_FIELDS = {
    "recruitment status": "status", "clinical phase": "phase", "total enrollment": "enrollment",
    "study classification": "study_type", "study start date": "date", "primary completion date": "date",
    "study completion date": "date", "allocation method": "allocation", "intervention model": "intervention_model",
    "primary study purpose": "primary_purpose", "blinding strategy": "masking", "eligible sex": "sex",
    "accepts healthy volunteers": "healthy_volunteers", "minimum eligible age": "age", "maximum eligible age": "age",
}
_AGG_INLINE = re.compile(r"^(Group Type|Intervention Type|Site Status) (\S.*)$")
_AGG_INLINE_FIELD = {"Group Type": "arm_type", "Intervention Type": "intervention_type", "Site Status": "status"}


def aggregator_enums(text: str, rng: random.Random) -> str:
    """Sub-heading values (`NOT_YET_RECRUITING`, `PHASE1, PHASE2`, ISO dates, `50 participants`) and the
    `Group Type X` / `Intervention Type X` / `Site Status X` values re-spelled (a table copied with a tab)."""
    separator = rng.choice([" ", " ", "\t", "  "])
    lines = text.split("\n")
    for k, line in enumerate(lines):
        field = _AGG_FIELDS.get(line.strip().lower())
        if field:
            j = k + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and j > k + 1 and rng.random() < 0.8:
                lines[j] = respell(field, lines[j], rng)
        elif (m := _AGG_INLINE.match(line)) and rng.random() < 0.8:
            lines[k] = f"{m[1]}{separator}{respell(_AGG_INLINE_FIELD[m[1]], m[2], rng)}"
    return "\n".join(lines)


_AGG_HELP = re.compile(r"^(?:Get a concise|Review the sponsor|Dive into|See the medical|Understand how|Review each arm|"
                       r"Learn about the drugs|Check the participation|Meet the organizations|Identify the individual|"
                       r"Explore where|Review the countries|Find local site|Review additional|Additional clinical)")
_AGG_HEADINGS = ("Study Results", "Basic Information", "Brief Summary", "Detailed Description", "Conditions",
                 "Study Design", "Study Groups", "Interventions", "Eligibility Criteria", "Sponsors",
                 "Responsible Party", "Locations", "Countries", "Facility Contacts", "Other Identifiers",
                 "More Related Trials", *(h.title() for h in _AGG_FIELDS))


def aggregator_no_help(text: str, rng: random.Random) -> str:
    """The boilerplate help sentences under the headings left out (a copy of the page without them)."""
    paras = re.split(r"(\n[ \t]*\n)", text)
    out: list[str] = []
    for k in range(0, len(paras), 2):
        if _AGG_HELP.match(paras[k].strip()) and k >= 2 and paras[k - 2].strip() in _AGG_HEADINGS:
            out.pop()  # the separator before it; the one after it stays
            if k + 1 < len(paras):
                out.append(paras[k + 1])
            continue
        out.append(paras[k])
        if k + 1 < len(paras):
            out.append(paras[k + 1])
    return "".join(out)


def aggregator_heading_case(text: str, rng: random.Random) -> str:
    """Headings and sub-headings in another casing (`BASIC INFORMATION`, `Recruitment status`)."""
    change = rng.choice([str.upper, str.capitalize, str.title])
    wanted = {h.casefold() for h in _AGG_HEADINGS}
    return "\n".join(change(line) if line.strip().casefold() in wanted else line for line in text.split("\n"))


_MD_ITEM = re.compile(r"^(?P<indent>\s*)\* (?P<num>\d{1,3}\\?\.\s)?(?=\S)")


def aggregator_bullets(text: str, rng: random.Random) -> str:
    """Markdown criteria: top-level `* ` → `- ` / `• `, `1\\.` → `1.` / `1)`, or the bullet dropped before a
    number, one style per file; criteria headers re-worded."""
    bullet = rng.choice(["* ", "- ", "• "])
    number = rng.choice(["\\.", ".", ")"])
    drop_bullet = rng.random() < 0.3
    start = text.find("\nEligibility Criteria\n")
    end = text.find("\nMinimum Eligible Age", start)
    if start < 0 or end < 0:
        return text
    head, body, tail = text[:start], text[start:end], text[end:]
    top_items = [m for m in map(_MD_ITEM.match, body.split("\n")) if m and not m.group("indent")]
    # a number without its bullet reads as another list than the bullets beside it: only when all are numbered
    drop_bullet = drop_bullet and all(m.group("num") for m in top_items)

    def item(m: re.Match[str]) -> str:
        num = m.group("num")
        if m.group("indent"):
            return m.group(0)
        if num:
            digits = re.match(r"\d+", num).group(0)  # type: ignore[union-attr]
            return (digits + number + " ") if drop_bullet else (bullet + digits + number + " ")
        return bullet

    lines = [_MD_ITEM.sub(item, line) for line in body.split("\n")]
    return head + reword_headers("\n".join(lines), rng) + tail


def aggregator_rewrap(text: str, rng: random.Random) -> str:
    """Long lines hard-wrapped at another width (a text export of the page); a wrapped list item's continuation
    lines indented under its text, as markdown writes them."""
    width = rng.randint(60, 100)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        m = re.match(r"^(\s*(?:[*\-•]\s+)?(?:\d{1,3}\\?[.)]\s+)?)", line)
        hang = " " * len(m.group(1)) if m and m.group(1).strip() else ""
        out.extend(_wrap_no_new_markers(line, width, hang))
    return "\n".join(out)


# ---------------------------------------------------------------- ctgov_page_copy

_PAGE_FIELDS = {"study type": "study_type", "allocation": "allocation", "purpose": "primary_purpose",
                "masking": "masking", "enrollment": "enrollment", "phase": "phase",
                "intervention model": "intervention_model"}
_API_STATUS = re.compile("^(" + "|".join(sorted(vocab.STATUSES, key=len, reverse=True)) + ")(?![A-Z_])")


def page_copy_enums(text: str, rng: random.Random) -> str:
    """Design values (`INTERVENTIONAL`, `NONE`, `104`) re-spelled (`Interventional`, `None (Open Label)`, …)."""
    lines = text.split("\n")
    k = 0
    while k < len(lines) - 1:
        field = _PAGE_FIELDS.get(lines[k].strip().lower())
        if field and rng.random() < 0.8:
            lines[k + 1] = respell(field, lines[k + 1], rng)
            k += 2
            continue
        k += 1
    return "\n".join(lines)


def page_copy_site_status(text: str, rng: random.Random) -> str:
    """A site's status (glued to the next line: `RECRUITINGprogression…`) re-spelled (`Recruiting…`), or put back
    on a line of its own."""
    lines = text.split("\n")
    for k in range(1, len(lines)):
        m = _API_STATUS.match(lines[k])
        if not m or "," not in lines[k - 1]:
            continue
        word = respell("status", m.group(1), rng) if rng.random() < 0.7 else m.group(1)
        if word.islower() or "," in word:
            word = m.group(1)  # `recruitingprogression` could not be told apart even by a careful reader
        rest = lines[k][m.end():]
        lines[k] = word + ("\n" + rest if rest and rng.random() < 0.5 else rest)
    return "\n".join(lines)


def page_copy_time_frame(text: str, rng: random.Random) -> str:
    """`Time frame:` written `Time Frame:` / `TIME FRAME:` / `Time frame :`."""
    label = rng.choice(["Time Frame:", "TIME FRAME:", "Time frame :", "Timeframe:"])
    return re.sub(r"(?m)^Time frame:", label, text)


# ---------------------------------------------------------------- summary_with_criteria


def summary_bullets(text: str, rng: random.Random) -> str:
    """`• ` / `⁃ ` items → `* ` / `- ` / `◦ `, numbers `1. ` → `1) `, one style per file."""
    top = rng.choice(["• ", "* ", "- ", "•  ", "•\t"])
    nested = rng.choice(["⁃ ", "- ", "◦ ", "* "])
    number = rng.choice([r"\1. ", r"\1) "])
    lines = text.split("\n")
    for k in range(2, len(lines)):
        line = re.sub(r"^• ", top, lines[k])
        line = re.sub(r"^⁃ ", nested, line)
        lines[k] = re.sub(r"^(\d{1,3})\. ", number, line)
    return "\n".join(lines)


_ANY_HEADER = re.compile(r"(?im)^\W*(?:[a-z]+\s+){0,2}(?:inclusion|exclusion)\b.*criteri|^\W*(?:eligibility\s+)?criteria\b")


def summary_add_header(text: str, rng: random.Random) -> str:
    """An `Inclusion Criteria:` header line kept above the header-less inclusion criteria (only where the
    criteria name no header of their own)."""
    lines = text.split("\n")
    body = [k for k, line in enumerate(lines) if line.strip()]
    if len(body) < 3 or _ANY_HEADER.search("\n".join(lines[body[2]:])):
        return text
    header = rng.choice(["Inclusion Criteria:", "INCLUSION CRITERIA", "Key Inclusion Criteria:", "Inclusion criteria -"])
    return "\n".join(lines[:body[2]] + [header] + lines[body[2]:])


# ---------------------------------------------------------------- registry

_BLANKS_ANYWHERE = _blank_between_lines(0.12)

PERTURBATIONS: dict[str, tuple[Perturbation, ...]] = {
    "ctgov_legacy_text": (legacy_enums, legacy_bullets, reword_headers, legacy_rewrap, legacy_inline_values,
                          legacy_label_case, legacy_blank_lines, trailing_spaces, nbsp, leading_blank_line,
                          trailing_blank_lines),
    "aggregator_page": (aggregator_enums, aggregator_bullets, aggregator_no_help, aggregator_heading_case,
                        aggregator_rewrap, more_paragraph_space, trailing_spaces, nbsp, leading_blank_line, trailing_blank_lines),
    "ctgov_page_copy": (page_copy_enums, page_copy_site_status, page_copy_time_frame, _BLANKS_ANYWHERE,
                        trailing_spaces, nbsp, leading_blank_line, trailing_blank_lines),
    "summary_with_criteria": (summary_bullets, summary_add_header, _BLANKS_ANYWHERE, trailing_spaces, nbsp, leading_blank_line,
                              trailing_blank_lines),
    "ctgov_csv_row": (trailing_spaces, nbsp, trailing_blank_lines),
}


# ---------------------------------------------------------------- optional sections left out
# Each takes (text, rng) and returns (text, truth keys the file no longer states): `trial.<field>` or a list name.

Drop = Callable[[str, random.Random], tuple[str, list[str]]]


def _drop_legacy_label(text: str, labels: tuple[str, ...]) -> str | None:
    """The text without the `Label:` blocks named (each with its value and nested lines), None when absent."""
    lines = text.split("\n")
    out: list[str] = []
    k, dropped = 0, False
    while k < len(lines):
        label = _legacy_label(lines[k])
        if label in labels:
            dropped = True
            k += 1
            nested = _LEGACY_NESTED.get(label, frozenset())
            while k < len(lines) and (_legacy_label(lines[k]) is None or _legacy_label(lines[k]) in nested):
                k += 1
            continue
        out.append(lines[k])
        k += 1
    return "\n".join(out) if dropped else None


_LEGACY_NESTED = {
    "study design": frozenset({"allocation", "intervention model", "primary purpose", "masking", "time perspective",
                               "observational model"}),
    "locations": frozenset({"facility", "name", "address", "city", "state", "zip", "country", "status", "contact",
                            "contact backup", "last name", "phone", "email", "investigator", "role"}),
}
_LEGACY_DROPS: tuple[tuple[tuple[str, ...], list[str]], ...] = (
    (("study phase",), ["trial.phase"]),
    (("overall status",), ["trial.overall_status"]),
    (("study design",), ["trial.allocation", "trial.intervention_model", "trial.primary_purpose", "trial.masking"]),
    (("detailed description",), []),
    (("conditions: keywords", "conditions: official terms"), []),
    (("locations",), ["sites"]),
    (("maximum age",), ["trial.max_age_years"]),
    (("healthy volunteers",), ["trial.healthy_volunteers"]),
    (("completion date",), ["trial.completion_date"]),
)


def legacy_drop_sections(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """One or two optional `Label:` blocks left out (`Study phase:`, `Study design:`, `Locations:`, …)."""
    nulls: list[str] = []
    for labels, keys in rng.sample(_LEGACY_DROPS, rng.choice([1, 2])):
        shorter = _drop_legacy_label(text, labels)
        if shorter is not None:
            text, nulls = shorter, nulls + keys
    return text, nulls


def _drop_paragraphs(text: str, first: str, until: tuple[str, ...]) -> str | None:
    """The text without the paragraphs from the one reading `first` up to (not including) the first of `until`."""
    paras = re.split(r"(\n[ \t]*\n)", text)
    keys = [p.strip().casefold() for p in paras]
    found = [i for i in range(0, len(keys), 2) if keys[i] == first.casefold()]
    if not found:
        return None
    # the heading is the occurrence followed by its help sentence (the narrative may hold a `Study design` line)
    with_help = [i for i in found if i + 2 < len(paras) and _AGG_HELP.match(paras[i + 2].strip())]
    start = (with_help or found)[-1]
    end = next((i for i in range(start + 2, len(keys), 2) if keys[i] in {u.casefold() for u in until}), None)
    if end is None:
        return None
    return "".join(paras[:start] + paras[end:])


_AGG_DROPS: tuple[tuple[str, tuple[str, ...], list[str]], ...] = (
    ("Detailed Description", ("Conditions", "Study Design"), []),
    ("Clinical Phase", ("Total Enrollment", "Study Classification"), ["trial.phase"]),
    ("Study Design", ("Study Groups", "Interventions", "Eligibility Criteria"),
     ["trial.allocation", "trial.intervention_model", "trial.primary_purpose", "trial.masking"]),
    ("Locations", ("Countries", "Facility Contacts", "Other Identifiers"), ["sites"]),
    ("Study Results", ("Basic Information",), []),
    ("Sponsors", ("Responsible Party", "Locations"), []),
)


def aggregator_drop_sections(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """One or two optional sections or sub-headings left out (`Detailed Description`, `Locations`, …)."""
    nulls: list[str] = []
    for first, until, keys in rng.sample(_AGG_DROPS, rng.choice([1, 2])):
        shorter = _drop_paragraphs(text, first, until)
        if shorter is not None:
            text, nulls = shorter, nulls + keys
    return text, nulls


_PAGE_DROPS = (("Masking", "trial.masking"), ("Enrollment", "trial.enrollment"), ("Allocation", "trial.allocation"),
               ("Purpose", "trial.primary_purpose"))


def page_copy_drop_pairs(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """A design label/value pair left out (`Masking` / `NONE`)."""
    label, key = rng.choice(_PAGE_DROPS)
    lines = text.split("\n")
    for k in range(len(lines) - 1):
        if lines[k].strip() == label:
            return "\n".join(lines[:k] + lines[k + 2:]), [key] if key else []
    return text, []


DROPS: dict[str, tuple[Drop, ...]] = {
    "ctgov_legacy_text": (legacy_drop_sections,),
    "aggregator_page": (aggregator_drop_sections,),
    "ctgov_page_copy": (page_copy_drop_pairs,),
}


def null_truth(truth: dict, keys: list[str]) -> dict:
    """A copy of a truth document with the keys a perturbation removed from the file set to null."""
    out = dict(truth)
    out["trial"] = dict(truth.get("trial") or {})
    for key in keys:
        if key.startswith("trial."):
            out["trial"][key[len("trial."):]] = None
        else:
            out[key] = None
    return out


def perturb_text(text: str, layout: str, rng: random.Random, only: tuple[str, ...] | None = None,
                 probability: float = 0.6) -> tuple[str, list[str]]:
    """Apply a random subset of the layout's text perturbations (or exactly the ones named in `only`)."""
    applied = []
    for perturbation in PERTURBATIONS.get(layout, ()):
        name = perturbation.__name__
        if (only is not None and name in only) or (only is None and rng.random() < probability):
            text = perturbation(text, rng)
            applied.append(name)
    return text, applied


ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le")


def encode(text: str, rng: random.Random, encoding: str | None = None, crlf: bool | None = None) -> tuple[bytes, str]:
    """The text as bytes: LF or CRLF line ends, in a random encoding that can represent it (UTF-8 otherwise)."""
    if crlf if crlf is not None else rng.random() < 0.5:
        text = text.replace("\n", "\r\n")
    encoding = encoding or rng.choice(ENCODINGS)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        encoding = "utf-8"
        data = text.encode(encoding)
    return data, encoding + ("+crlf" if "\r\n" in text else "")


def perturb_file(text: str, layout: str, rng: random.Random, drop_probability: float = 0.3
                 ) -> tuple[bytes, list[str], list[str]]:
    """One corpus file (decoded text) → perturbed bytes, the names of what was done to it, and the truth keys it
    no longer states (an optional section left out)."""
    nulls: list[str] = []
    applied: list[str] = []
    for drop in DROPS.get(layout, ()):
        if rng.random() < drop_probability:
            text, keys = drop(text, rng)
            nulls += keys
            applied.append(drop.__name__)
    text, more = perturb_text(text, layout, rng)
    data, how = encode(text, rng)
    return data, applied + more + [how], nulls
