"""Layout `ctgov_page_copy`: the text of a CT.gov study page copied from a browser, headings lost.

What is left, in order: brief summary line, detailed description line(s), `Study Type` / `Allocation` /
`Purpose` / `Masking` / `Enrollment` label and value line pairs (any may be missing), one line per
intervention description, the sites (facility line, `city, [state, ]country` line, then the site's
recruitment status glued to the start of the next line: `RECRUITINGprogression-free survival (PFS)`),
the outcomes (measure line, optional description line, `Time frame: …` line) and a closing disclaimer.
There is no title, no NCT id and no overall status.

Sections are found by shape, not by headings: the label block by its labels, sites by their location
line (whose last part is a country), outcomes by their `Time frame:` lines; the intervention
descriptions are what lies between the label block and the first site.

Outcome kind: the page copy lost the `Primary Outcome` / `Secondary Outcome` headings and nothing in
the text tells the two apart (checked against the dev truth: no order, spacing or wording cue). A
careful reader knows only that CT.gov lists primary outcomes first and that every trial has at least
one, so the first outcome is PRIMARY and the others SECONDARY (right for 87% of dev outcomes; marking
all of them PRIMARY would be right for 29%).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from transforms import geo, vocab
from transforms.errors import ParseError
from transforms.record import Outcome, ParsedTrial, Site

NAME = "ctgov_page_copy"
DESCRIPTION = "CT.gov study page copied as text: summary, design label/value lines, sites, outcomes, disclaimer"
KIND = "free_text"

_TIME_FRAME = re.compile(r"^\s*time\s*frame\s*:\s*(.*)$", re.I)
_DISCLAIMER = re.compile(r"informational purposes|not constitute medical advice|consult a qualified", re.I)
_LABEL_KEY = re.compile(r"[^a-z]+")
# Lines whose `_label_key` is `studytype`: the letters S-t-u-d-y-T-y-p-e in any case, anything else between. Only
# ASCII letters, `İ` and the Kelvin sign lower-case to something holding a-z, so those two count as letters too.
_NOT_LETTER = "[^A-Za-z\u0130\u212a]*"
_STUDY_TYPE_LINE = re.compile(_NOT_LETTER + "".join(f"[{c.upper()}{c}]{_NOT_LETTER}" for c in "studytype"))
_HEAD_LINES = 400  # the label block starts within this many lines (after summary and a wrapped description)


def _enrollment(raw: str) -> int | None:
    return vocab.to_int(raw)


# label (normalised) → (ParsedTrial field, normaliser)
_LABELS: dict[str, tuple[str, Callable[[str], object]]] = {
    "studytype": ("study_type", vocab.study_type),
    "phase": ("phase", vocab.phase),
    "phases": ("phase", vocab.phase),
    "studyphase": ("phase", vocab.phase),
    "allocation": ("allocation", vocab.allocation),
    "interventionmodel": ("intervention_model", vocab.intervention_model),
    "model": ("intervention_model", vocab.intervention_model),
    "purpose": ("primary_purpose", vocab.primary_purpose),
    "primarypurpose": ("primary_purpose", vocab.primary_purpose),
    "masking": ("masking", vocab.masking),
    "enrollment": ("enrollment", _enrollment),
    "enrolment": ("enrollment", _enrollment),
}


def _squeeze(text: str) -> str:
    """A status word's letters only, lower-cased: `Not_Yet_Recruiting`, `not yet recruiting` → `notyetrecruiting`."""
    return text.lower().replace("_", "").replace(" ", "").replace(",", "")


# Site statuses as the page shows them: API spelling (`NOT_YET_RECRUITING`) or words (`Not yet recruiting`),
# longest first so `ACTIVE_NOT_RECRUITING` is not read as `ACTIVE…` + rest.
_STATUS_WORDS = sorted(
    {s for st in vocab.STATUSES for s in (st, st.replace("_", " ").capitalize())}
    | {"Active, not recruiting", "Enrolling by invitation", "Not yet recruiting"},
    key=len, reverse=True,
)
_STATUS_PREFIX = re.compile("^(" + "|".join(re.escape(s) for s in _STATUS_WORDS) + ")")
_STATUS_KEYS = frozenset(_squeeze(word) for word in _STATUS_WORDS)

_MAX_LOCATION_PART = 60


def detect(text: str) -> float:
    """A `Study Type` line (no colon) near the top whose next line is a study type, and no `Label:` dump."""
    lines = [line for line in text.split("\n", 4 * _HEAD_LINES)[: 4 * _HEAD_LINES] if line and not line.isspace()]
    lines = lines[: _HEAD_LINES + 1]  # blank lines do not count: a copy may hold one between label and value
    for k, line in enumerate(lines[:-1]):
        if _is_study_type(line) and not line.rstrip().endswith(":"):
            return 0.8 if k >= 1 and vocab.study_type(lines[k + 1]) is not None else 0.0
    return 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """Build the one trial the page copy states."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    while lines and _DISCLAIMER.search(lines[-1]) and not _TIME_FRAME.match(lines[-1]):
        status = _STATUS_PREFIX.match(lines.pop())
        if status:  # the last site's status glued to the disclaimer: `RECRUITINGThis platform is…`
            lines.append(status.group(1))
            break
    start = next((k for k, line in enumerate(lines[: _HEAD_LINES + 1]) if _is_study_type(line)), None)
    if start is None or start == 0:
        raise ParseError(source, NAME, "study_type", "no `Study Type` line after the summary")
    trial = ParsedTrial(layout=NAME)
    trial.brief_summary = vocab.clean(lines[0])
    trial.detailed_description = vocab.clean_block("\n".join(lines[1:start]))
    end = _read_labels(lines, start, trial)
    body = lines[end:]
    first_tf = next((k for k, line in enumerate(body) if _TIME_FRAME.match(line)), len(body))
    # intervention descriptions (body[:first_site]) name no intervention: nothing to attach them to
    trial.sites, _first_site, outcome_head = _read_sites(body[:first_tf])
    trial.outcomes = _read_outcomes(outcome_head + body[first_tf:], bounded=bool(trial.sites))
    return [trial]


def _label_key(line: str) -> str:
    return _LABEL_KEY.sub("", line.lower())


def _is_study_type(line: str) -> bool:
    """`_label_key(line) == "studytype"`, decided without lower-casing and rewriting the whole line."""
    return _STUDY_TYPE_LINE.fullmatch(line) is not None


def _read_labels(lines: list[str], start: int, trial: ParsedTrial) -> int:
    """Consume the label/value line pairs from `start`; returns the index after the block."""
    k = start
    while k + 1 < len(lines):
        key = _label_key(lines[k])
        if key not in _LABELS or lines[k].rstrip().endswith(":"):
            break
        field, normalise = _LABELS[key]
        value = normalise(lines[k + 1])
        if getattr(trial, field) is None:
            setattr(trial, field, value)
        k += 2
    return k


def _location(line: str) -> tuple[str | None, str | None, str] | None:
    """`city, state, country` → (city, state, country) when the last part is a country; else None."""
    parts = [p.strip() for p in line.split(",")]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(len(p) > _MAX_LOCATION_PART for p in parts) or line.rstrip().endswith("."):
        return None
    # a country name, never an ISO code: `Springfield, IL` is no place in Israel
    if len(parts) >= 3 and geo.country_name_code(", ".join(parts[-2:])):
        country, places = ", ".join(parts[-2:]), parts[:-2]
    elif geo.country_name_code(parts[-1]):
        country, places = parts[-1], parts[:-1]
    else:
        return None
    if not places:
        return None
    city = places[0]
    state = ", ".join(places[1:]) or None
    return city, state, country


def _split_status(line: str) -> tuple[str | None, str]:
    """`RECRUITINGnext line` → (RECRUITING, `next line`); a line with no status prefix → (None, line)."""
    m = _STATUS_PREFIX.match(line)
    if not m:  # a status alone on its line in another spelling (`Not_Yet_Recruiting`, `not yet recruiting`)
        alone = _squeeze(line) in _STATUS_KEYS
        return (vocab.status(line), "") if alone else (None, line)
    word, rest = m.group(1), line[m.end():]
    # `Completed questionnaires…` merely starts like a status: a real one is alone or glued (no space)
    if not word.isupper() and rest[:1].isspace():
        return None, line
    return vocab.status(word), rest.strip()


def _read_sites(region: list[str]) -> tuple[list[Site], int, list[str]]:
    """Sites in the lines before the first time frame.

    Returns the sites, the index where they start (the intervention descriptions come before), and the
    lines after the last site (its glued status removed), which begin the outcomes.
    """
    sites: list[Site] = []
    first_site = len(region)
    lines = list(region)
    after = 0  # first line not yet used by a site
    places: dict[str, tuple[str | None, str | None, str] | None] = {}  # each line is looked at twice

    def location(line: str) -> tuple[str | None, str | None, str] | None:
        if line not in places:
            places[line] = _location(line)
        return places[line]

    k = 1
    while k < len(lines):
        place = location(lines[k])
        if place is None or (k + 1 < len(lines) and location(lines[k + 1]) is not None):
            # two location-like lines in a row: the first is a facility named after its place
            k += 1
            continue
        facility = vocab.clean(lines[k - 1]) if k - 1 >= after else None
        if not sites:
            first_site = k - 1 if facility else k
        site = Site(facility=facility, city=place[0], state=place[1], country=place[2])
        after = k + 1
        if after < len(lines):
            status, rest = _split_status(lines[after])
            if status is not None:
                site.status = status
                if rest:
                    lines[after] = rest  # the status was glued to the next line: keep that line
                else:
                    after += 1
        sites.append(site)
        k = after + 1
    if not sites:
        return [], len(region), list(region)
    return sites, first_site, lines[after:]


def _read_outcomes(lines: list[str], bounded: bool) -> list[Outcome]:
    """Outcome groups, each ending at its `Time frame:` line; the first is PRIMARY, the others SECONDARY.

    `bounded` says whether the lines start exactly at the first outcome (after the sites); without sites
    the intervention descriptions come first and the first outcome is its last one or two lines.
    """
    groups: list[tuple[list[str], str | None]] = []
    current: list[str] = []
    for line in lines:
        m = _TIME_FRAME.match(line)
        if m:
            groups.append((current, vocab.clean(m.group(1))))
            current = []
        else:
            current.append(line)
    if not bounded and groups:
        groups[0] = (_first_outcome_lines(groups[0][0], groups[1:]), groups[0][1])
    # lines after the last time frame: measures stated without one (older records)
    trailing = [([line], None) for line in current] if bounded or groups else []
    outcomes: list[Outcome] = []
    for body, time_frame in groups + trailing:
        if not body:
            continue
        measure = vocab.clean(body[0])
        if measure is None:
            continue
        description = vocab.clean(" ".join(body[1:])) if len(body) > 1 else None
        kind = "PRIMARY" if not outcomes else "SECONDARY"
        outcomes.append(Outcome(kind=kind, measure=measure, description=description, time_frame=time_frame))
    return outcomes


_WORDS = re.compile(r"[^\W_]{3,}")
# What an intervention description says and an outcome measure does not: doses, routes, schedules, placebo.
_INTERVENTION_CUE = re.compile(
    r"\b(?:\d+(?:\.\d+)?\s*(?:mg|g|mcg|µg|ug|ml|mL|iu|IU|units?|gy|Gy)\b|placebo|administered|given|taken|receive[sd]?|"
    r"inject(?:ed|ion)|infusion|orally|oral|intravenous(?:ly)?|subcutaneous(?:ly)?|sc|iv|once|twice|daily|weekly|"
    r"dosing|dose[sd]?|tablets?|capsules?)\b", re.I)


def _first_outcome_lines(lines: list[str], others: list[tuple[list[str], str | None]]) -> list[str]:
    """Without sites, the lines before the first time frame are intervention descriptions then the first
    outcome: keep its measure and (when it has one) its description line."""
    if len(lines) <= 1:
        return lines
    measure, description = lines[-2], lines[-1]
    shared = set(_WORDS.findall(measure.lower()))
    overlap = len(shared & set(_WORDS.findall(description.lower()))) / max(1, len(shared))
    if overlap >= 0.4:  # a description usually restates its measure's words
        return lines[-2:]
    if _INTERVENTION_CUE.search(measure) and not _INTERVENTION_CUE.search(description):
        return lines[-1:]  # the line before reads as an intervention description
    if others:  # follow the file's habit: do its other outcomes have descriptions?
        with_description = sum(1 for body, _ in others if len(body) >= 2)
        return lines[-2:] if with_description * 2 > len(others) else lines[-1:]
    # a lone outcome: a description reads as a sentence and is longer than its measure
    if not measure.rstrip().endswith(".") and (
            description.rstrip().endswith(".") or len(measure) < len(description)):
        return lines[-2:]
    return lines[-1:]
