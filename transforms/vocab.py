"""Closed vocabularies (ClinicalTrials.gov API v2 enum spelling) and the normalisers that map raw text to them.

Every normaliser returns a member of its vocabulary or None: an unknown spelling is never guessed.
Source of the enums: the ClinicalTrials.gov data dictionary (API v2 `Status`, `Phase`, `StudyType`, ...).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from schemas import vocabularies as v
from transforms.issues import field_parser, nothing

STATUSES = v.Status.codes()
PHASES = v.Phase.codes()
STUDY_TYPES = v.StudyType.codes()
ALLOCATIONS = v.Allocation.codes()
INTERVENTION_MODELS = v.InterventionModel.codes()
PRIMARY_PURPOSES = v.PrimaryPurpose.codes()
MASKINGS = v.Masking.codes()
SEXES = v.Sex.codes()
ARM_TYPES = v.ArmType.codes()
INTERVENTION_TYPES = v.InterventionType.codes()
CRITERION_KINDS = v.CriterionKind.codes()
OUTCOME_KINDS = v.OutcomeKind.codes()
AGENCY_CLASSES = v.AgencyClass.codes()

_NON_WORD = re.compile(r"[^A-Z0-9]+")
_ROMAN = {"IV": "4", "III": "3", "II": "2", "I": "1"}


def _key(raw: str) -> str:
    """Upper-case, NFKC (so `Ⅲ` becomes `III`), every run of non-alphanumerics one underscore."""
    s = unicodedata.normalize("NFKC", raw).upper().replace("&", " AND ")
    return _NON_WORD.sub("_", s).strip("_")


def _lookup(raw: str | None, members: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    if raw is None:
        return None
    if raw in members:  # already in API v2 spelling, which `_key` leaves as it is (tests/test_vocab.py)
        return raw
    key = _key(str(raw))
    if not key:
        return None
    if key in members:
        return key
    return aliases.get(key)


def status(raw: str | None) -> str | None:
    """Overall or site recruitment status in API v2 spelling (`Not yet recruiting` → NOT_YET_RECRUITING)."""
    return _lookup(raw, STATUSES, v.STATUS_ALIASES)


_PHASE_TOKEN = re.compile(r"(EARLY_)?(?:PHASE|PH)_?(\d|IV|III|II|I)\b")


def phase(raw: str | None) -> str | None:
    """Phase in API v2 spelling: `Phase 1/Phase 2`, `Phase I/II`, `phase Ⅲ`, `PHASE2, PHASE3`, `N/A`."""
    if raw is None:
        return None
    key = _key(str(raw))
    if not key:
        return None
    if key in PHASES:
        return key
    if key in ("N_A", "NOT_APPLICABLE", "NONE", "NA_NOT_APPLICABLE"):
        return "NA"
    if key in ("EARLY_PHASE_1", "EARLY_PHASE_I", "PHASE_0", "PHASE0"):
        return "EARLY_PHASE1"
    # "PHASE_1_PHASE_2" / "PHASE_I_II" / "PHASE1_PHASE2" / "PHASE_2_3"
    compact = key.replace("PHASE_", "PHASE")
    numbers = []
    early = False
    for m in re.finditer(r"(EARLY_)?PHASE(\d|IV|III|II|I)(?:_(\d|IV|III|II|I)(?![A-Z0-9]))?", compact):
        early = early or bool(m.group(1))
        numbers.append(_ROMAN.get(m.group(2), m.group(2)))
        if m.group(3):
            numbers.append(_ROMAN.get(m.group(3), m.group(3)))
    if not numbers:
        return None
    if early and numbers == ["1"]:
        return "EARLY_PHASE1"
    if numbers == ["0"]:
        return "EARLY_PHASE1"
    candidate = "_".join(f"PHASE{n}" for n in sorted(set(numbers)))
    return candidate if candidate in PHASES else None


def study_type(raw: str | None) -> str | None:
    """Study type: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS."""
    if raw is not None and _key(str(raw)).startswith("OBSERVATIONAL"):
        return "OBSERVATIONAL"
    return _lookup(raw, STUDY_TYPES, v.STUDY_TYPE_ALIASES)


def allocation(raw: str | None) -> str | None:
    """Allocation: RANDOMIZED, NON_RANDOMIZED or NA."""
    return _lookup(raw, ALLOCATIONS, v.ALLOCATION_ALIASES)


def intervention_model(raw: str | None) -> str | None:
    """Interventional model: SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL or SEQUENTIAL."""
    return _lookup(raw, INTERVENTION_MODELS, v.INTERVENTION_MODEL_ALIASES)


def primary_purpose(raw: str | None) -> str | None:
    """Primary purpose in API v2 spelling (`Supportive Care` → SUPPORTIVE_CARE)."""
    return _lookup(raw, PRIMARY_PURPOSES, v.PRIMARY_PURPOSE_ALIASES)


def masking(raw: str | None) -> str | None:
    """Masking: `None (Open Label)` → NONE, `Double (Participant, Investigator)` → DOUBLE, `Double Blind` → DOUBLE."""
    if raw is None:
        return None
    key = _key(str(raw))
    if not key:
        return None
    first = key.split("_")[0]
    if first in MASKINGS:
        return first
    if first in ("OPEN", "NO", "UNMASKED") or key.startswith("OPEN_LABEL"):
        return "NONE"
    return None


def sex(raw: str | None) -> str | None:
    """Sex eligible: ALL, FEMALE or MALE (`Both` → ALL)."""
    return _lookup(raw, SEXES, v.SEX_ALIASES)


def arm_type(raw: str | None) -> str | None:
    """Arm type in API v2 spelling (`Placebo Comparator` → PLACEBO_COMPARATOR)."""
    return _lookup(raw, ARM_TYPES, v.ARM_TYPE_ALIASES)


def intervention_type(raw: str | None) -> str | None:
    """Intervention type in API v2 spelling (`Dietary Supplement` → DIETARY_SUPPLEMENT, `Biologic` → BIOLOGICAL)."""
    return _lookup(raw, INTERVENTION_TYPES, v.INTERVENTION_TYPE_ALIASES)


@lru_cache(maxsize=1024)
def agency_class(raw: str | None) -> str | None:
    """A sponsor's agency class in API v2 spelling (`Industry` → INDUSTRY, `U.S. Fed` → FED, `Other` → OTHER)."""
    return _lookup(raw, AGENCY_CLASSES, v.AGENCY_CLASS_ALIASES)


# A MeSH descriptor (D) or supplementary concept (C) UI: CT.gov writes descriptors both as `D007172` and, zero-padded
# to nine digits, as `D000007172` (both forms even within one record).
_MESH_ID = re.compile(r"^\s*([CD])(\d{6}|\d{9})\s*$")
# NLM's nine-digit descriptor UIs start at D000066388 (MeSH 2017): below it, the six-digit form is the UI itself.
_FIRST_NINE_DIGIT_DESCRIPTOR = 66388


@lru_cache(maxsize=16384)  # a registry repeats the same few thousand UIs (every cancer trial's `Neoplasms`)
def mesh_id(raw: str | None) -> str | None:
    """A MeSH UI in NLM's own form (`D000007172` → `D007172`, `D000068877` stays); anything else → None."""
    if raw is None:
        return None
    m = _MESH_ID.match(str(raw))
    if not m:
        return None
    kind, digits = m.groups()
    if kind == "D" and len(digits) == 9 and digits.startswith("000") and int(digits) < _FIRST_NINE_DIGIT_DESCRIPTOR:
        return f"D{digits[3:]}"
    return f"{kind}{digits}"


def yes_no(raw: str | None) -> bool | None:
    """`Yes`/`No`/`true`/`Accepts Healthy Volunteers` → bool; anything else → None."""
    if raw is None:
        return None
    key = _key(str(raw))
    if key in ("YES", "Y", "TRUE", "ACCEPTS_HEALTHY_VOLUNTEERS", "1"):
        return True
    if key in ("NO", "N", "FALSE", "0", "NO_HEALTHY_VOLUNTEERS"):
        return False
    return None


# ---------------------------------------------------------------- dates and ages

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ].*)?$")
_PLAIN_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")  # as API v2 writes them: nothing to tidy first
_MONTH_NAME = re.compile(r"^([A-Za-z]{3,9})\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR_MONTH_SLASH = re.compile(r"^(\d{4})/(\d{1,2})(?:/(\d{1,2}))?$")


@field_parser("dates", nothing)
def parse_date(raw: str | None) -> date | None:
    """A date in any common spelling (`2022-12-31`, `2022-12`, `December 31, 2022`, `Dec 2022`, `12/31/2022`);
    a month-only date is its first day; an unreadable one is None."""
    if raw is None:
        return None
    if type(raw) is str and (m := _PLAIN_ISO_DATE.fullmatch(raw)):
        try:
            return date(int(m[1]), int(m[2]), int(m[3] or 1))
        except ValueError:
            return None
    s = re.sub(r"\s+", " ", str(raw)).strip().rstrip(".")
    s = re.sub(r"\s*\((?:actual|anticipated|estimated)\)$", "", s, flags=re.I)
    s = re.sub(r"^(?:actual|anticipated|estimated)[:\s]+", "", s, flags=re.I)
    if not s:
        return None
    try:
        if m := _ISO_DATE.match(s):
            return date(int(m[1]), int(m[2]), int(m[3] or 1))
        if m := _YEAR_MONTH_SLASH.match(s):
            return date(int(m[1]), int(m[2]), int(m[3] or 1))
        if m := _MONTH_NAME.match(s):
            month = _MONTHS.get(m[1][:3].lower())
            return date(int(m[3]), month, int(m[2] or 1)) if month else None
        if m := _DAY_MONTH_NAME.match(s):
            month = _MONTHS.get(m[2][:3].lower())
            return date(int(m[3]), month, int(m[1])) if month else None
        if m := _SLASHED.match(s):  # US order, as CT.gov's own exports write it
            return date(int(m[3]), int(m[1]), int(m[2]))
        if re.fullmatch(r"\d{4}", s):
            return date(int(s), 1, 1)
    except ValueError:
        return None
    return None


_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\.?$")
_AGE_UNITS = {"year": 1.0, "yr": 1.0, "y": 1.0, "month": 1 / 12, "mo": 1 / 12, "week": 1 / 52.1775,
              "wk": 1 / 52.1775, "w": 1 / 52.1775, "day": 1 / 365.25, "d": 1 / 365.25,
              "hour": 1 / (365.25 * 24), "hr": 1 / (365.25 * 24), "h": 1 / (365.25 * 24),
              "minute": 1 / (365.25 * 24 * 60), "min": 1 / (365.25 * 24 * 60)}


@field_parser("ages", nothing)
def parse_age_years(raw: str | None) -> float | None:
    """`18 Years`, `6 Months`, `18`, `P18Y`-free spellings → years as float; `N/A`, `None` → None."""
    if raw is None:
        return None
    s = re.sub(r"\s+", " ", str(raw)).strip().lower()
    m = _AGE.match(s)
    if not m:
        return None
    unit = (m[2] or "years").rstrip("s") or "year"
    factor = _AGE_UNITS.get(unit)
    if factor is None:
        return None
    return round(float(m[1]) * factor, 6)


# ---------------------------------------------------------------- text

_MD_ESCAPE = re.compile(r"\\([\\\[\]\^><*\-.()_~`#+!|{}=])")
# Runs of spaces that `clean_block` rewrites: two or more, or one that is not a plain space.
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]{2,}|[\t\u00a0\u2000-\u200b\u3000]")
_BLANK_LINES = re.compile(r"\n\n\n+")  # a literal head: the scan skips to each `\n\n\n` in C
_NCT = re.compile(r"\bNCT\d{8}\b")


def unix_newlines(text: str) -> str:
    """`\\r\\n` and a lone `\\r` as `\\n` (a two-character search scans far slower than `in`, and most texts hold
    no `\\r`)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def unescape_markdown(text: str) -> str:
    """Undo CT.gov's markdown escapes (`\\[`, `\\^`, `\\>`, `1\\.`)."""
    return _MD_ESCAPE.sub(r"\1", text) if "\\" in text else text


def clean(text: str | None) -> str | None:
    """One-line text: markdown escapes undone, whitespace collapsed, empty → None."""
    if text is None:
        return None
    s = " ".join(unescape_markdown(text if type(text) is str else str(text)).split())  # split() = what `\s` matches
    return s or None


def clean_block(text: str | None) -> str | None:
    """Multi-line text: markdown escapes undone, spaces collapsed per line, blank edges trimmed, empty → None."""
    if text is None:
        return None
    text = unescape_markdown(str(text))
    # `_SPACES` never matches a newline, so collapsing the whole text at once is collapsing each line; the scan is
    # slow per character, and ASCII text without a tab or a double space has nothing it would change
    if not text.isascii() or "\t" in text or "  " in text:
        text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    s = "\n".join(lines).strip()
    s = _BLANK_LINES.sub("\n\n", s)
    return s or None


def nct_id(raw: str | None) -> str | None:
    """The first `NCT` + 8 digits in the text, or None."""
    if raw is None:
        return None
    m = _NCT.search(str(raw).upper())
    return m.group(0) if m else None


def to_int(raw: str | None) -> int | None:
    """`104`, `1,200`, `50 participants` → int; anything else → None."""
    if raw is None:
        return None
    m = re.match(r"^\s*(\d[\d,]*)\b", str(raw))
    if not m:
        return None
    try:
        return int(m.group(1).replace(",", ""))
    except ValueError:
        return None


def unique(values: Iterable[str | None]) -> list[str]:
    """The values in first-seen order, each once, Nones dropped."""
    return list(dict.fromkeys(v for v in values if v is not None))
