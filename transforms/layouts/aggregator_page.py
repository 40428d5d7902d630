"""Layout `aggregator_page`: a trial page copied from a registry aggregator site.

Shape (seed 004): blank-line separated paragraphs. The title, `NCT ID: …`, `Last Updated: …`, then section
headings (`Basic Information`, `Study Design`, `Study Groups`, `Eligibility Criteria`, …) each followed by a
boilerplate help sentence, and sub-headings (`Recruitment Status`, `Clinical Phase`, …) each followed by its value
in API v2 spelling (`NOT_YET_RECRUITING`, `PHASE1, PHASE2`, ISO dates, `50 participants`). Study Groups list each
arm (label, description, `Group Type X`) and then its interventions (name, `Intervention Type X`, description);
the Interventions section lists each intervention as name, description, `Intervention Type X`. Eligibility is raw
CT.gov markdown (`* 1\\.`) with `Minimum Eligible Age` glued to it by a single newline (seed quirk). Sponsors,
locations (`facility` / `city, state, country` / `Site Status X`), contacts and identifiers follow. No outcomes.

Segment, then assemble: `_segment` finds the headings in page order (an occurrence followed by the heading's help
sentence wins over a bare one, so an arm called `Interventions` is not taken for the heading) and cuts the
paragraphs into sections; `parse` builds the trial from those sections.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms import geo, registry_fields, vocab
from transforms.criteria import split_eligibility
from transforms.errors import ParseError
from transforms.record import Arm, CountryListing, Intervention, ParsedTrial, Site, Sponsor

NAME = "aggregator_page"
DESCRIPTION = "aggregator trial page: title, 'NCT ID: …', headings with help sentences, v2 enum values, Study Groups"
KIND = "free_text"

# Section headings in page order, with the boilerplate help sentence shown under each (None: no help sentence).
_SECTIONS: tuple[tuple[str, str | None], ...] = (
    ("Study Results", None),
    ("Basic Information", "Get a concise snapshot of the trial, including recruitment status, study phase, "
                          "enrollment targets, and key timeline milestones."),
    ("Brief Summary", "Review the sponsor-provided synopsis that highlights what the study is about and why it is "
                      "being conducted."),
    ("Detailed Description", "Dive into the extended narrative that explains the scientific background, objectives, "
                             "and procedures in greater depth."),
    ("Conditions", "See the medical conditions and disease areas that this research is targeting or investigating."),
    ("Study Design", "Understand how the trial is structured, including allocation methods, masking strategies, "
                     "primary purpose, and other design elements."),
    ("Study Groups", "Review each arm or cohort in the study, along with the interventions and objectives associated "
                     "with them."),
    ("Interventions", "Learn about the drugs, procedures, or behavioral strategies being tested and how they are "
                      "applied within this trial."),
    ("Eligibility Criteria", "Check the participation requirements, including inclusion and exclusion rules, age "
                             "limits, and whether healthy volunteers are accepted."),
    ("Sponsors", "Meet the organizations funding or collaborating on the study and learn about their roles."),
    ("Responsible Party", "Identify the individual or organization who holds primary responsibility for the study "
                          "information submitted to regulators."),
    ("Locations", "Explore where the study is taking place and check the recruitment status at each participating "
                  "site."),
    ("Countries", "Review the countries where the study has at least one active or historical site."),
    ("Facility Contacts", "Find local site contact details for specific facilities participating in the trial."),
    ("Other Identifiers", "Review additional registry numbers or institutional identifiers associated with this "
                          "trial."),
    ("More Related Trials", "Additional clinical trials that may be relevant based on similarity analysis."),
)
# Sub-headings of a section, each followed by its value paragraph(s).
_FIELDS: dict[str, tuple[str, ...]] = {
    "Basic Information": ("Recruitment Status", "Clinical Phase", "Total Enrollment", "Study Classification",
                          "Study Start Date", "Primary Completion Date", "Study Completion Date"),
    "Study Design": ("Allocation Method", "Intervention Model", "Primary Study Purpose", "Blinding Strategy"),
    "Eligibility Criteria": ("Minimum Eligible Age", "Maximum Eligible Age", "Eligible Sex",
                             "Accepts Healthy Volunteers"),
}
_SUB_HEADINGS = frozenset(f.casefold() for fs in _FIELDS.values() for f in fs)

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_NCT_PARA = re.compile(r"^\s*NCT\s*ID\s*:\s*(\S.*)$", re.I)
_UPDATED_PARA = re.compile(r"^\s*Last\s+Updated\s*:\s*(\S.*)$", re.I)
_GROUP_TYPE = re.compile(r"^\s*Group\s+Type\b[ \t]*(.*)$", re.I)
_INTERVENTION_TYPE = re.compile(r"^\s*Intervention\s+Type\b[ \t]*(.*)$", re.I)
_SPONSOR_ROLE = re.compile(r"^\s*Sponsor\s+Role\b[ \t]*(.*)$", re.I)
_SITE_STATUS = re.compile(r"^\s*Site\s+Status\b[ \t]*(.*)$", re.I)
_ID_TYPE = re.compile(r"^\s*Identifier\s+(?:Type|Source)\s*:", re.I)
_LIST_SEP = re.compile(r",\s+")
_DETECT_HEADINGS = frozenset(name.casefold() for name in (
    "Study Results", "Basic Information", "Recruitment Status", "Clinical Phase", "Total Enrollment",
    "Study Classification", "Study Start Date", "Brief Summary"))


@dataclass(slots=True)
class _Section:
    """One heading found on the page and the paragraphs under it (help sentence removed)."""

    name: str
    paragraphs: list[str]


def detect(text: str) -> float:
    """Title paragraph, then `NCT ID: NCT…` as its own paragraph, then aggregator headings (`Basic Information` …)."""
    paras = [p for p in _PARAGRAPH_BREAK.split(text[:5000]) if p.strip()]
    if len(paras) < 3 or not _NCT_PARA.match(paras[1].strip()):
        return 0.0
    return 0.9 if len({_key(p) for p in paras[2:]} & _DETECT_HEADINGS) >= 3 else 0.0


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


# Per heading, the `_key` of its help sentence and the keys of the headings that may follow it (fixed, so built once).
_HELP_KEYS = {name: _text_key(help_text) for name, help_text in _SECTIONS if help_text}
_LATER_KEYS = {name: frozenset(n.casefold() for n, _ in _SECTIONS[k + 1:]) for k, (name, _) in enumerate(_SECTIONS)}
# A paragraph's key is only ever compared with these; one of more words than the longest has could equal none.
_KNOWN_KEYS = {*_HELP_KEYS.values(), *_SUB_HEADINGS, *_DETECT_HEADINGS, *(n.casefold() for n, _ in _SECTIONS)}
_MAX_WORDS = max(len(k.split()) for k in _KNOWN_KEYS)


def _key(paragraph: str) -> str:
    """Whitespace runs collapsed, case folded: what a heading or help sentence is compared by; "" (equal to no
    heading) for a paragraph of more words than any of them, which is not split further."""
    words = paragraph.split(None, _MAX_WORDS)
    return "" if len(words) > _MAX_WORDS else " ".join(words).casefold()


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; a sub-heading glued to the end of a paragraph by one newline is split off
    (seed quirk: the criteria end `…;\\nMinimum Eligible Age`)."""
    out: list[str] = []
    for para in _PARAGRAPH_BREAK.split(text):
        para = para.strip("\n")
        if not para.strip():
            continue
        lines = para.split("\n")
        if len(lines) > 1 and _key(lines[-1]) in _SUB_HEADINGS:
            out.append("\n".join(lines[:-1]))
            out.append(lines[-1])
        else:
            out.append(para)
    return out


def _segment(paras: list[str]) -> tuple[list[str], dict[str, _Section]]:
    """(paragraphs before the first heading, {section name: section}); sub-headings become sections too."""
    keys = [_key(p) for p in paras]
    at: dict[str, list[int]] = {}  # key → the paragraphs holding it, in order
    for i, key in enumerate(keys):
        at.setdefault(key, []).append(i)
    found: list[tuple[int, str, int]] = []  # (paragraph index, name, paragraphs to skip)
    pos = 0
    for name, _help in _SECTIONS:
        candidates = [i for i in at.get(name.casefold(), ()) if i >= pos]
        with_help = [i for i in candidates if i + 1 < len(keys) and keys[i + 1] == _HELP_KEYS.get(name)]
        # the occurrence followed by the heading's help sentence wins (an arm may be called `Interventions`);
        # the first bare occurrence is the fallback when the help sentence is missing or reads otherwise
        if with_help:
            found.append((with_help[0], name, 2))
        elif candidates:
            # without help sentences (a copy that dropped them) the heading is the last occurrence before any later
            # heading: an earlier one is a name in the section before (an arm called `Interventions`)
            later = _LATER_KEYS[name]
            limit = next((i for i in range(pos, len(keys)) if keys[i] in later), len(keys))
            before = [i for i in candidates if i < limit]
            found.append((before[-1] if before else candidates[0], name, 1))
        else:
            continue
        pos = found[-1][0] + 1
    sections: dict[str, _Section] = {}
    for n, (i, name, skip) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(paras)
        body = paras[i + skip:end]
        sections[name] = _Section(name, body)
        if name in _FIELDS:
            body_out, fields = _split_fields(body, keys[i + skip:end], _FIELDS[name],
                                             from_end=name == "Eligibility Criteria")
            sections[name] = _Section(name, body_out)
            sections.update(fields)
    preamble = paras[: found[0][0]] if found else paras
    return preamble, sections


def _split_fields(body: list[str], keys: list[str], names: tuple[str, ...],
                  from_end: bool) -> tuple[list[str], dict[str, _Section]]:
    """Cut a section body (with its paragraphs' `_key`s) at its sub-headings, in order, from the end if free text leads."""
    hits: list[tuple[int, str]] = []
    if from_end:
        limit = len(keys)
        for name in reversed(names):
            for i in range(limit - 1, -1, -1):
                if keys[i] == name.casefold():
                    hits.append((i, name))
                    limit = i
                    break
        hits.reverse()
    else:
        pos = 0
        for name in names:
            for i in range(pos, len(keys)):
                if keys[i] == name.casefold():
                    hits.append((i, name))
                    pos = i + 1
                    break
    fields = {}
    for n, (i, name) in enumerate(hits):
        end = hits[n + 1][0] if n + 1 < len(hits) else len(body)
        fields[name] = _Section(name, body[i + 1:end])
    return body[: hits[0][0]] if hits else body, fields


def _value(sections: dict[str, _Section], name: str) -> str | None:
    """The one-line value under a sub-heading, or None when absent or empty."""
    section = sections.get(name)
    if section is None or not section.paragraphs:
        return None
    return vocab.clean(" ".join(section.paragraphs))


def _text(sections: dict[str, _Section], name: str, *, unwrap: bool = True) -> str | None:
    """The paragraphs under a heading, one blank line apart; `unwrap` re-joins wrapped lines of a paragraph
    (not for eligibility, where each line may be a criterion)."""
    section = sections.get(name)
    if section is None:
        return None
    # split() splits where `\s` matches; the edge spaces `\s+` → " " would keep, clean_block strips off its lines
    paras = [" ".join(p.split()) if unwrap else p for p in section.paragraphs]
    return vocab.clean_block("\n\n".join(paras))


def _indented(sections: dict[str, _Section], name: str) -> str | None:
    """The paragraphs under a heading, markdown escapes undone and each line's indent kept: the page nests the items
    of a list by it (`  * T1b-4, Gleason score 2-6, …` under `* … any of the following combinations:`), which the
    criteria keep in their marker."""
    section = sections.get(name)
    if section is None:
        return None
    text = vocab.unescape_markdown("\n\n".join(section.paragraphs))  # the splitter collapses the spaces
    return text.expandtabs(4) if "\t" in text else text


def _catalogue(paras: list[str]) -> list[tuple[Intervention, int]]:
    """Interventions section: name, description paragraphs, `Intervention Type X`; with each description's size."""
    out: list[tuple[Intervention, int]] = []
    start = 0
    for i, para in enumerate(paras):
        m = _INTERVENTION_TYPE.match(para)
        if not m or i == start:
            continue
        name = vocab.clean(paras[start])
        if name:
            description = vocab.clean(" ".join(paras[start + 1:i]))
            out.append((Intervention(name=name, intervention_type=vocab.intervention_type(m.group(1)),
                                     description=description), i - start - 1))
        start = i + 1
    return out


def _groups(paras: list[str], desc_size: dict[tuple[str, str | None], int]) -> list[tuple[Arm, list[Intervention]]]:
    """Study Groups: label, description, `Group Type X`, then (name, `Intervention Type X`, description)*.

    Where one group's interventions end and the next group's label starts is told by the size of each
    intervention's description in the Interventions section."""
    group_at = [i for i, p in enumerate(paras) if _GROUP_TYPE.match(p)]
    out: list[tuple[Arm, list[Intervention]]] = []
    start = 0
    for n, g in enumerate(group_at):
        head = paras[start:g]
        if not head:
            start = g + 1
            continue
        label = vocab.clean(head[0])
        group_type = _GROUP_TYPE.match(paras[g])
        arm = Arm(label=label or "", arm_type=vocab.arm_type(group_type.group(1) if group_type else None),
                  description=vocab.clean(" ".join(head[1:])))
        used: list[Intervention] = []
        next_group = group_at[n + 1] if n + 1 < len(group_at) else len(paras)
        i = g + 1
        while i + 1 < next_group and (m := _INTERVENTION_TYPE.match(paras[i + 1])):
            name = vocab.clean(paras[i]) or ""
            kind = vocab.intervention_type(m.group(1))
            size = desc_size.get((name.casefold(), kind))
            if size is None:
                # not in the Interventions section: the description runs to the next intervention, else one
                # paragraph is left for the next group's label
                j = i + 2
                while j + 1 < next_group and not _INTERVENTION_TYPE.match(paras[j + 1]):
                    j += 1
                size = j - (i + 2) if j + 1 < next_group else max(0, next_group - (i + 2) - (n + 1 < len(group_at)))
            used.append(Intervention(name=name, intervention_type=kind,
                                     description=vocab.clean(" ".join(paras[i + 2:i + 2 + size]))))
            i += 2 + size
        if label:
            arm.intervention_names = [iv.name for iv in used if iv.name]
            out.append((arm, used))
        start = min(i, next_group)
    return out


def _sites(paras: list[str]) -> list[Site]:
    """Locations: facility, `city, state, country`, `Site Status X` per site."""
    sites: list[Site] = []
    start = 0
    for i, para in enumerate(paras):
        m = _SITE_STATUS.match(para)
        if not m:
            continue
        chunk = [vocab.clean(p) for p in paras[start:i]]
        chunk = [c for c in chunk if c]
        start = i + 1
        if not chunk:
            continue
        site = Site(status=vocab.status(m.group(1)))
        place = chunk[-1] if len(chunk) > 1 else None
        site.facility = chunk[0] if len(chunk) > 1 or "," not in (chunk[0] or "") else None
        if len(chunk) == 1 and site.facility is None:
            place = chunk[0]
        if place:
            parts = _LIST_SEP.split(place)
            # a country name with a comma of its own (`Korea, Republic of`) is one part
            if len(parts) > 1 and geo.country_name_code(f"{parts[-2]}, {parts[-1]}"):
                parts[-2:] = [f"{parts[-2]}, {parts[-1]}"]
            site.country = parts[-1]
            if len(parts) >= 2:
                site.city = parts[0]
            if len(parts) >= 3:
                site.state = ", ".join(parts[1:-1])
        sites.append(site)
    return sites


def _sponsors(paras: list[str]) -> list[Sponsor]:
    """Sponsors: name, agency class (`INDUSTRY`), `Sponsor Role lead|collaborator` per sponsor; the lead first."""
    lead: tuple[str | None, str | None] | None = None
    collaborators: list[tuple[str | None, str | None]] = []
    start = 0
    for i, para in enumerate(paras):
        m = _SPONSOR_ROLE.match(para)
        if not m:
            continue
        chunk = paras[start:i]
        start = i + 1
        if not chunk:
            continue
        # the class paragraph is optional; a name is never a class word (`OTHER`), so the class is read only there
        agency = chunk[-1] if len(chunk) > 1 and vocab.agency_class(chunk[-1]) else None
        name = vocab.clean(" ".join(chunk[:-1] if agency else chunk))
        role = m.group(1).strip().casefold()
        if role == "lead" and lead is None:
            lead = (name, agency)
        elif role == "collaborator":
            collaborators.append((name, agency))
    return registry_fields.sponsors(lead, collaborators)


def _other_identifiers(paras: list[str]) -> list[str]:
    """Other Identifiers: the identifier, `Identifier Type: X`, `Identifier Source: org_study_id|secondary_id`."""
    return [vocab.clean(paras[i - 1]) or "" for i, para in enumerate(paras)
            if i > 0 and _ID_TYPE.match(para) and not _ID_TYPE.match(paras[i - 1])]


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """Parse one aggregator page into one trial."""
    paras = _paragraphs(text)
    if not paras:
        raise ParseError(source, NAME, "text", "no paragraphs")
    preamble, sections = _segment(paras)
    trial = ParsedTrial(layout=NAME)
    for para in preamble:
        if m := _NCT_PARA.match(para):
            trial.nct_id = vocab.nct_id(m.group(1))
        elif m := _UPDATED_PARA.match(para):
            trial.last_update_date = vocab.parse_date(m.group(1))
        elif trial.title is None and trial.nct_id is None:
            trial.title = vocab.clean(para)
    trial.overall_status = vocab.status(_value(sections, "Recruitment Status"))
    trial.phase = vocab.phase(_value(sections, "Clinical Phase"))
    trial.enrollment = vocab.to_int(_value(sections, "Total Enrollment"))
    trial.study_type = vocab.study_type(_value(sections, "Study Classification"))
    trial.start_date = vocab.parse_date(_value(sections, "Study Start Date"))
    trial.primary_completion_date = vocab.parse_date(_value(sections, "Primary Completion Date"))
    trial.completion_date = vocab.parse_date(_value(sections, "Study Completion Date"))
    trial.brief_summary = _text(sections, "Brief Summary")
    trial.detailed_description = _text(sections, "Detailed Description")
    if "Conditions" in sections:
        trial.conditions = [c for c in (vocab.clean(p) for p in sections["Conditions"].paragraphs) if c]
    trial.allocation = vocab.allocation(_value(sections, "Allocation Method"))
    trial.intervention_model = vocab.intervention_model(_value(sections, "Intervention Model"))
    trial.primary_purpose = vocab.primary_purpose(_value(sections, "Primary Study Purpose"))
    trial.masking = vocab.masking(_value(sections, "Blinding Strategy"))

    catalogue = _catalogue(sections["Interventions"].paragraphs) if "Interventions" in sections else []
    desc_size = {(iv.name.casefold(), iv.intervention_type): size for iv, size in catalogue}
    groups = _groups(sections["Study Groups"].paragraphs, desc_size) if "Study Groups" in sections else []
    trial.arms = [arm for arm, _ in groups]
    seen: set[tuple[str | None, str]] = set()
    for iv in [iv for iv, _ in catalogue] + [iv for _, used in groups for iv in used]:
        if iv.name and (iv.intervention_type, iv.name.casefold()) not in seen:
            seen.add((iv.intervention_type, iv.name.casefold()))
            trial.interventions.append(iv)

    trial.eligibility_text = _text(sections, "Eligibility Criteria", unwrap=False)
    trial.criteria = split_eligibility(_indented(sections, "Eligibility Criteria"), indent_nests=False)
    trial.min_age_years = vocab.parse_age_years(_value(sections, "Minimum Eligible Age"))
    trial.max_age_years = vocab.parse_age_years(_value(sections, "Maximum Eligible Age"))
    trial.sex = vocab.sex(_value(sections, "Eligible Sex"))
    trial.healthy_volunteers = vocab.yes_no(_value(sections, "Accepts Healthy Volunteers"))
    if "Sponsors" in sections:
        trial.sponsors = _sponsors(sections["Sponsors"].paragraphs)
        trial.lead_sponsor = next((s.name for s in trial.sponsors if s.role == "LEAD"), None)
    if "Locations" in sections:
        trial.sites = _sites(sections["Locations"].paragraphs)
    if "Countries" in sections:
        # one country per paragraph; a page whose next heading went missing runs on into contact lines, which name
        # no country and are left out rather than listed as unrecognised countries
        trial.countries = [CountryListing(name) for name in (vocab.clean(p) for p in sections["Countries"].paragraphs)
                           if name and geo.country_name_code(name)]
    trial.registry = "CTGOV" if trial.nct_id else None
    others = _other_identifiers(sections["Other Identifiers"].paragraphs) if "Other Identifiers" in sections else []
    trial.identifiers = registry_fields.identifiers(trial.nct_id, others)
    if trial.nct_id is None and trial.title is None:
        raise ParseError(source, NAME, "trial", "neither a title nor 'NCT ID:' found before the first heading")
    return [trial]
