"""The fields of one WHO ICTRP record → a ParsedTrial; shared by the XML (`ictrp_xml`) and CSV (`ictrp_csv`) exports.

Both exports carry the same fields under different names (`Inclusion_agemin` in the XML, `Agemin` in the CSV): each
name is mapped to one canonical field (`FIELD_ALIASES`), then `build` reads every field with its own small reader.
Registries fill the fields in their own spellings: DD/MM/YYYY, YYYY-MM-DD, YYYY/MM/DD or `April 25, 2024` dates;
`18 Years`, `18Y`, `65+`, `>= 20age old`, `60(Year)` ages; `All`, `Both`, `Female: yes Male: no`, `F` genders;
EU CTR phase flags (`Therapeutic exploratory (Phase II): yes`). A value that does not map onto one code
unambiguously stays NULL (a status keeps the registry's word in `registry_status`).
Field list: WHO ICTRP "ICTRP export datafields" (XML export and CSV export, fields added 2018 and 2020).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from schemas.registries import SOURCE_REGISTER_NAMES
from schemas.vocabularies import IdType, SponsorRole
from transforms import ids, vocab
from transforms.layouts import ictrp_criteria
from transforms.layouts import ictrp_text as text
from transforms.record import CountryListing, Identifier, ParsedTrial, Sponsor

# Canonical field → the names the XML elements and CSV columns use (compared lowercased, non-alphanumerics dropped).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "trial_id": ("TrialID",),
    "secondary_ids": ("Secondary_ID", "SecondaryIDs", "Secondary_IDs"),
    "public_title": ("Public_title",),
    "scientific_title": ("Scientific_title",),
    "acronym": ("Acronym",),
    "url": ("web_address", "url"),
    "source_register": ("Source_Register",),
    "primary_sponsor": ("Primary_sponsor",),
    "secondary_sponsors": ("Secondary_Sponsor", "Secondary_sponsors"),
    "date_registration": ("Date_registration",),
    "date_registration3": ("Date_registration3",),
    "date_enrolment": ("Date_enrollement", "Date_enrollment", "Date_enrolment"),
    "target_size": ("Target_size",),
    "recruitment_status": ("Recruitment_Status",),
    "study_type": ("Study_type",),
    "study_design": ("Study_design",),
    "phase": ("Phase",),
    "countries": ("Countries",),
    "conditions": ("Condition", "Conditions"),
    "interventions": ("Intervention", "Interventions"),
    "age_min": ("Inclusion_agemin", "Agemin"),
    "age_max": ("Inclusion_agemax", "Agemax"),
    "gender": ("Inclusion_gender", "Gender"),
    "inclusion_criteria": ("Inclusion_Criteria",),
    "exclusion_criteria": ("Exclusion_Criteria",),
    "primary_outcome": ("Primary_outcome", "Primary_Outcomes"),
    "secondary_outcome": ("Secondary_outcome", "Secondary_Outcomes"),
    "results_date_completed": ("results_date_completed",),
}


_NOT_NAME_CHARS = re.compile(r"[^a-z0-9]")


def _name_key(name: str) -> str:
    return _NOT_NAME_CHARS.sub("", name.casefold())


_FIELD_OF = {_name_key(alias): field for field, aliases in FIELD_ALIASES.items() for alias in aliases}


@lru_cache(maxsize=4096)  # an export's few dozen names come back on every record
def field_of(name: str) -> str | None:
    """The canonical field an export column or element name holds, or None for one no column needs."""
    return _FIELD_OF.get(_name_key(name))


# ---------------------------------------------------------------- scalar readers

_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def read_date(raw: str | None) -> date | None:
    """ICTRP dates: DD/MM/YYYY (every registry but CT.gov; also with `.` or `-`), YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD,
    `April 25, 2024`."""
    s = text.value(raw)
    if s is None:
        return None
    try:
        if m := _DMY.match(s):
            return date(int(m[4]), int(m[3]), int(m[1]))
        if m := _COMPACT_DATE.match(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return vocab.parse_date(s)


# `18 Years`, `18Y`, `60(Year)`, `>= 20age old`, `16years-old`, `18.00 Year(s)` (CTRI, PACTR), `65+`, `18 years and
# older`, `75 Years <=`: an upper limit written `N+` or `N and older` states none
_AGE = re.compile(r"^(?:[<>≤≥]=?|=)?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<plus>\+)?\s*\(?\s*(?P<unit>[a-z]+)?(?:\(s\))?\s*\)?"
                  r"\s*(?:-?\s*old|of age)?\s*(?:(?P<plus2>\+|(?:and|or)\s+(?:older|over|above|more))"
                  r"|(?:and|or)\s+(?:younger|under|below|less)|[<>≤≥]=?)?\.?$", re.I)
_AGE_UNIT_WORDS = {"age": "years", "years": "years", "year": "years", "yrs": "years", "yr": "years", "y": "years",
                   "months": "months", "month": "months", "mo": "months", "weeks": "weeks", "week": "weeks",
                   "w": "weeks", "days": "days", "day": "days", "d": "days", "hours": "hours", "hour": "hours"}


def read_age(raw: str | None, upper: bool) -> float | None:
    """Years from an age limit; `N+` as an upper limit (EU CTR's `65+` age group) states no upper limit."""
    s = text.value(raw)
    m = _AGE.match(s) if s else None
    if not m:
        return None
    unit = _AGE_UNIT_WORDS.get((m.group("unit") or "years").casefold())
    if unit is None or (upper and (m.group("plus") or m.group("plus2"))):
        return None
    return vocab.parse_age_years(f"{m.group('n')} {unit}")


_SEX_FLAG = re.compile(r"\b(female|male)\s*:\s*(yes|no)\b", re.I)
_SEX_WORD = re.compile(r"\b(female|male|women|men|woman|man|both|all)s?\b", re.I)


def read_sex(raw: str | None) -> str | None:
    """`All`, `Both`, `Male and Female`, `Female: yes Male: no` (EU CTR, CTIS), `F`/`M` → ALL, FEMALE or MALE."""
    s = text.value(raw)
    if s is None:
        return None
    flags = {word.casefold(): answer.casefold() == "yes" for word, answer in _SEX_FLAG.findall(s)}
    if flags:
        female, male = flags.get("female"), flags.get("male")
        if female and male:
            return "ALL"
        if female and male is False:
            return "FEMALE"
        if male and female is False:
            return "MALE"
        return None
    words = {w.casefold() for w in _SEX_WORD.findall(s)}
    if words & {"both", "all"} or ({"female", "women", "woman"} & words and {"male", "men", "man"} & words):
        return "ALL"
    return vocab.sex(s)


# ICTRP's recruitment statuses → overall_status where one code is meant; the rest (`Not recruiting` may be active
# or completed, `Authorised`, `Pending`, `Not Available`) keep overall_status NULL and the word in registry_status.
_STATUS: dict[str, str] = {
    "recruiting": "RECRUITING", "not yet recruiting": "NOT_YET_RECRUITING", "completed": "COMPLETED",
    "suspended": "SUSPENDED", "terminated": "TERMINATED", "withdrawn": "WITHDRAWN",
    "enrolling by invitation": "ENROLLING_BY_INVITATION", "active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "active not recruiting": "ACTIVE_NOT_RECRUITING", "unknown status": "UNKNOWN",
}


def read_status(raw: str | None) -> tuple[str | None, str | None]:
    """(overall_status, registry_status): one of them set when the registry states a status."""
    s = vocab.clean(raw)
    if s is None or s.casefold() in ("none", "n/a"):
        return None, None
    code = _STATUS.get(" ".join(s.casefold().replace("_", " ").split()))
    return (code, None) if code else (None, s)


_EU_PHASE_FLAG = re.compile(r"\(\s*phase\s+(?P<n>IV|I{1,3})\s*\)\s*:\s*(?P<answer>yes|no)\b", re.I)
_BARE_PHASE = re.compile(r"^(?P<a>[1-4]|IV|I{1,3})(?:\s*[/-]\s*(?P<b>[1-4]|IV|I{1,3}))?$", re.I)


def read_phase(raw: str | None) -> str | None:
    """Phase from `Phase 2/Phase 3`, `Phase1/Phase2`, `3`, `2-3`, `N/A`, or EU CTR's per-phase yes/no flags."""
    s = vocab.clean(raw)
    if s is None:
        return None
    flags = _EU_PHASE_FLAG.findall(s)
    if flags:
        said = sorted({n.upper() for n, answer in flags if answer.casefold() == "yes"}, key=len)
        return vocab.phase(" / ".join(f"Phase {n}" for n in said)) if said else None
    if m := _BARE_PHASE.match(s):
        return vocab.phase(f"Phase {m['a']}" + (f" / Phase {m['b']}" if m["b"] else ""))
    if s == "0":  # ChiCTR's `0` is used both for phase 0 and for "no phase": it states neither
        return None
    return vocab.phase(s)


def read_study_type(raw: str | None) -> str | None:
    """`Interventional clinical trial of medicinal product` → INTERVENTIONAL, `Observational study` → OBSERVATIONAL."""
    s = vocab.clean(raw)
    if s is None:
        return None
    first = s.casefold()
    for prefix, code in (("intervention", "INTERVENTIONAL"), ("observational", "OBSERVATIONAL"),
                         ("expanded access", "EXPANDED_ACCESS")):
        if first.startswith(prefix):
            return code
    return vocab.study_type(s)


_ONE_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\s*(?:participants|patients|subjects|people))?$", re.I)
# `Group A:50;Group B:50;Total:100`, and the planned size first in ISRCTN's `Planned Sample Size: 200; UK Sample Size:
# 120`
_TOTAL = re.compile(r"\b(?:total|overall|sum|^planned\s+sample\s+size)\b[^:;\d]{0,30}[:=]?\s*(\d{1,3}(?:,\d{3})+|\d+)\b",
                    re.I)


def read_enrollment(raw: str | None) -> int | None:
    """Target size when it is one number, or the total a per-group list states (`A:50;B:50;Total:100`)."""
    s = text.value(raw)
    if s is None:
        return None
    m = _ONE_NUMBER.match(s.strip(" ;")) or _TOTAL.search(s)
    return int(m.group(1).replace(",", "")) if m else None


def read_registry(trial_id: str, source_register: str | None) -> str | None:
    """The registry of the record's own ID, else of its `Source_Register`."""
    found = ids.registry_of(trial_id)
    if found:
        return found
    name = " ".join((vocab.clean(source_register) or "").upper().split())
    registry = SOURCE_REGISTER_NAMES.get(name)
    return registry.value if registry else None


# ---------------------------------------------------------------- lists of one record

def read_identifiers(trial_id: str, registry: str | None, secondary: str | None) -> list[Identifier]:
    """The record's own ID (PRIMARY), then each secondary ID: REGISTRY when its shape names a registry, else OTHER."""
    out = [Identifier(trial_id, IdType.PRIMARY.value, ids.registry_of(trial_id) or registry)]
    seen = {trial_id.casefold()}
    for piece in text.split_top_level(vocab.clean(secondary) or ""):
        ident = text.value(piece)
        if ident is None or ident.casefold() in seen:
            continue
        seen.add(ident.casefold())
        found = ids.registry_of(ident)
        out.append(Identifier(ident, IdType.REGISTRY.value if found else IdType.OTHER.value, found))
    return out


def read_nct(identifiers: list[Identifier]) -> str | None:
    """The record's own NCT ID, else the one NCT ID it names among its secondary IDs (two named: neither)."""
    own = ids.nct_in(identifiers[0].identifier)
    if own:
        return own
    named = {n for n in (ids.nct_in(i.identifier) for i in identifiers[1:]) if n}
    return named.pop() if len(named) == 1 else None


def read_sponsors(primary: str | None, secondary: str | None) -> list[Sponsor]:
    """The primary sponsor as LEAD, each `;`-separated secondary sponsor as COLLABORATOR."""
    out = []
    lead = text.value(primary)
    if lead:
        out.append(Sponsor(lead, SponsorRole.LEAD.value))
    names = [text.value(p) for p in text.split_top_level(vocab.clean(secondary) or "")]
    for name in text.unique([n for n in names if n]):
        if lead is None or name.casefold() != lead.casefold():
            out.append(Sponsor(name, SponsorRole.COLLABORATOR.value))
    return out


def read_countries(raw: str | None) -> list[CountryListing]:
    """Each country of the `;`-separated list once, in order."""
    names = [text.value(p) for p in text.split_top_level(vocab.clean(raw) or "")]
    return [CountryListing(name) for name in text.unique([n for n in names if n])]


# ---------------------------------------------------------------- study design

# labelled designs: CRIS `Allocation : RCT, Blinding/Masking : Open`, DRKS `Assignment: Parallel; Study design purpose:
# Treatment`, ANZCTR `Purpose of the study: Treatment; …`, IRCT `Randomization: Randomized, Blinding: Double blinded`
_DESIGN_LABEL = re.compile(r"(?:^|[\n;,.]\s*)(?P<label>allocation|randomi[sz]ation|intervention model|blinding/masking|"
                           r"masking|blinding|primary purpose|study design purpose|purpose(?: of the study)?|assignment)"
                           r"\s*:\s*", re.I)
_VALUE_END = re.compile(r"[;\n]|\.\s")  # a labelled value ends at the next label or at one of these
# unlabelled, a masking word states masking only beside one of these (`Single arm` is one group, not single-blind)
_MASKING_WORD = re.compile(r"\b(?:blind(?:ed)?|mask(?:ed|ing)?|open)\b", re.I)
_EU_DESIGN_FLAG = re.compile(r"\b(randomised|open|single blind|double blind|parallel group|cross over)\s*:\s*"
                             r"(yes|no)\b", re.I)
_RANDOMISED = re.compile(r"^(non[\s-]?)?(?:randomi[sz]ed|rct)\b", re.I)
_PURPOSE_PHRASE = re.compile(r"^(?P<what>.+?)\s+purpose$", re.I)


def read_design(raw: str | None) -> dict[str, str]:
    """allocation / masking / intervention_model / primary_purpose where the design text states them."""
    s = text.value(raw)
    if s is None:
        return {}
    flags = {k.casefold(): v.casefold() == "yes" for k, v in _EU_DESIGN_FLAG.findall(s)}
    if flags:
        return _eu_design(flags)
    labels = list(_DESIGN_LABEL.finditer(s))
    if labels:
        pairs = [(m.group("label").casefold(),
                  _VALUE_END.split(s[m.end():labels[n + 1].start() if n + 1 < len(labels) else len(s)], 1)[0]
                  .strip(" ;,."))
                 for n, m in enumerate(labels)]
    else:  # `randomized controlled trial, open(masking not used), parallel assignment, treatment purpose`
        pairs = [("", part) for part in text.split_top_level(s, ",")]
    out: dict[str, str] = {}
    for label, val in pairs:
        for field, code in _design_value(label, val).items():
            out.setdefault(field, code)
    return out


def _design_value(label: str, val: str) -> dict[str, str]:
    found: dict[str, str] = {}
    allocation, masking, model = vocab.allocation(val), vocab.masking(val), vocab.intervention_model(val)
    if label in ("", "allocation", "randomization", "randomisation") and (m := _RANDOMISED.match(val)):
        found["allocation"] = "NON_RANDOMIZED" if m.group(1) else "RANDOMIZED"
    elif label == "allocation" and allocation:
        found["allocation"] = allocation
    if masking and (label in ("masking", "blinding", "blinding/masking") or (label == "" and _MASKING_WORD.search(val))):
        found["masking"] = masking
    if label in ("", "intervention model", "assignment") and model:
        found["intervention_model"] = model
    purpose = _PURPOSE_PHRASE.match(val) if label == "" else None
    if label in ("primary purpose", "study design purpose", "purpose", "purpose of the study") or purpose:
        code = vocab.primary_purpose(purpose.group("what") if purpose else val)
        if code:
            found["primary_purpose"] = code
    return found


def _eu_design(flags: dict[str, bool]) -> dict[str, str]:
    """EU CTR's yes/no design flags: only a `yes` states something (`Randomised: no` may be one arm or several)."""
    out = {}
    if flags.get("randomised"):
        out["allocation"] = "RANDOMIZED"
    maskings = [code for flag, code in (("open", "NONE"), ("single blind", "SINGLE"), ("double blind", "DOUBLE"))
                if flags.get(flag)]
    if len(maskings) == 1:
        out["masking"] = maskings[0]
    models = [code for flag, code in (("parallel group", "PARALLEL"), ("cross over", "CROSSOVER")) if flags.get(flag)]
    if len(models) == 1:
        out["intervention_model"] = models[0]
    return out


# ---------------------------------------------------------------- assemble


def build(fields: Mapping[str, str | None], layout: str) -> ParsedTrial:
    """The ParsedTrial of one record given its canonical fields (raw text as exported); raises ValueError when the
    record names no TrialID."""
    f = {name: text.decode(raw) for name, raw in fields.items()}
    trial_id = vocab.clean(f.get("trial_id"))
    if trial_id is None:
        raise ValueError("the record has no TrialID")
    registry = read_registry(trial_id, f.get("source_register"))
    identifiers = read_identifiers(trial_id, registry, f.get("secondary_ids"))
    sponsors = read_sponsors(f.get("primary_sponsor"), f.get("secondary_sponsors"))
    overall_status, registry_status = read_status(f.get("recruitment_status"))
    design = read_design(f.get("study_design"))
    return ParsedTrial(
        layout=layout,
        nct_id=read_nct(identifiers),
        title=vocab.clean(f.get("public_title")),
        official_title=vocab.clean(f.get("scientific_title")),
        overall_status=overall_status,
        registry_status=registry_status,
        phase=read_phase(f.get("phase")),
        study_type=read_study_type(f.get("study_type")),
        allocation=design.get("allocation"),
        intervention_model=design.get("intervention_model"),
        primary_purpose=design.get("primary_purpose"),
        masking=design.get("masking"),
        enrollment=read_enrollment(f.get("target_size")),
        start_date=read_date(f.get("date_enrolment")),
        completion_date=read_date(f.get("results_date_completed")),
        min_age_years=read_age(f.get("age_min"), upper=False),
        max_age_years=read_age(f.get("age_max"), upper=True),
        sex=read_sex(f.get("gender")),
        lead_sponsor=sponsors[0].name if sponsors and sponsors[0].role == SponsorRole.LEAD.value else None,
        registry=registry,
        registration_date=read_date(f.get("date_registration3")) or read_date(f.get("date_registration")),
        eligibility_text=ictrp_criteria.eligibility_text(f.get("inclusion_criteria"), f.get("exclusion_criteria")),
        conditions=text.conditions(f.get("conditions")),
        interventions=text.interventions(f.get("interventions")),
        criteria=ictrp_criteria.criteria(f.get("inclusion_criteria"), f.get("exclusion_criteria")),
        outcomes=text.outcomes(f.get("primary_outcome"), "PRIMARY")
        + text.outcomes(f.get("secondary_outcome"), "SECONDARY"),
        identifiers=identifiers,
        sponsors=sponsors,
        countries=read_countries(f.get("countries")),
    )
