"""Layout `ctgov_xml`: the legacy ClinicalTrials.gov study XML (`<clinical_study>`, public.xsd, 2017–2024) and its
older archival variant (`<study_design>` as one free-text line, `Both` for sex, `firstreceived_date` /
`lastchanged_date`, `Double Blind (Subject, Investigator)` masking).

Parsed with defusedxml, which refuses entity-expansion and external-entity tricks. Segment, then assemble: the
document is cut into `<clinical_study>` elements, each element's fields are read by path, then one builder makes
the record. Textblocks keep their line structure for the eligibility text (the criteria splitter needs it) and are
collapsed to one line for summaries.
"""
from __future__ import annotations

import re
import textwrap
from xml.etree.ElementTree import Element

from transforms import registry_fields, vocab
from transforms.criteria import split_eligibility
from transforms.errors import ParseError
from transforms.markup import MARKUP_HEAD, parse_xml
from transforms.record import (
    NAMELESS,
    Arm,
    CountryListing,
    Intervention,
    MeshHeading,
    Outcome,
    ParsedTrial,
    Site,
    names_a_trial,
)

NAME = "ctgov_xml"
DESCRIPTION = "legacy ClinicalTrials.gov study XML (<clinical_study>, incl. the older archival variant)"
KIND = "structured"

# The root (after an optional declaration, comments or doctype) must be a clinical_study or a wrapper of them.
_STUDY_TAG = re.compile(r"<clinical_study[\s>/]")
# Older archival files state the design as one line: `Allocation: Randomized, Endpoint Classification: ...,
# Masking: Double Blind (Subject, Investigator), Primary Purpose: Treatment`. The labels are a closed set.
_DESIGN_LABEL = re.compile(
    r"(?:^|[,;]\s*)(allocation|endpoint classification|intervention model|masking|primary purpose|"
    r"observational model|time perspective)\s*:\s*", re.I)
_DESIGN_SPLIT = re.compile(r"\s*[,;]\s*")
_BLANK_RUN = re.compile(r"\n{3,}")
_OUTCOME_TAGS = (("primary_outcome", "PRIMARY"), ("secondary_outcome", "SECONDARY"), ("other_outcome", "OTHER"))


def detect(text: str) -> float:
    """Markup whose head holds a `<clinical_study>` element."""
    head = text[:4096]
    return 1.0 if MARKUP_HEAD.match(head) and _STUDY_TAG.search(head) else 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """One ParsedTrial per `<clinical_study>` (the root, or each child of a wrapper root)."""
    root = parse_xml(text, source, NAME)
    if root.tag == "clinical_study":
        studies = [root]
    else:
        studies = root.findall("clinical_study")
    if not studies:
        raise ParseError(source, NAME, "xml", f"expected a <clinical_study> root element, got <{root.tag}>")
    trials = [_build(study) for study in studies]
    return [t if names_a_trial(t) else ParseError(source, NAME, f"clinical_study[{n}]/id_info", NAMELESS)
            for n, t in enumerate(trials, start=1)]


# ---------------------------------------------------------------- assemble


def _build(study: Element) -> ParsedTrial:
    eligibility = study.find("eligibility")
    criteria_text = _textblock(eligibility.find("criteria") if eligibility is not None else None)
    design = _design(study)
    trial = ParsedTrial(
        layout=NAME,
        nct_id=vocab.nct_id(_text(study, "id_info/nct_id")),
        title=_text(study, "brief_title"),
        official_title=_text(study, "official_title"),
        brief_summary=vocab.clean(_block_text(study.find("brief_summary"))),
        detailed_description=vocab.clean(_block_text(study.find("detailed_description"))),
        overall_status=vocab.status(_text(study, "overall_status")),
        phase=vocab.phase(_text(study, "phase")),
        study_type=vocab.study_type(_text(study, "study_type")),
        allocation=design.get("allocation"),
        intervention_model=design.get("intervention_model"),
        primary_purpose=design.get("primary_purpose"),
        masking=design.get("masking"),
        enrollment=vocab.to_int(_text(study, "enrollment")),
        start_date=vocab.parse_date(_text(study, "start_date")),
        primary_completion_date=vocab.parse_date(_text(study, "primary_completion_date")),
        completion_date=vocab.parse_date(_text(study, "completion_date")),
        last_update_date=vocab.parse_date(_text(study, "last_update_posted") or _text(study, "lastchanged_date")),
        min_age_years=vocab.parse_age_years(_text(eligibility, "minimum_age")),
        max_age_years=vocab.parse_age_years(_text(eligibility, "maximum_age")),
        sex=vocab.sex(_text(eligibility, "gender")),
        healthy_volunteers=vocab.yes_no(_text(eligibility, "healthy_volunteers")),
        lead_sponsor=_text(study, "sponsors/lead_sponsor/agency"),
        eligibility_text=criteria_text,
        conditions=vocab.unique(_texts(study, "condition")),
    )
    trial.interventions, links = _interventions(study)
    trial.arms = _arms(study, links)
    trial.outcomes = _outcomes(study)
    trial.sites = _sites(study)
    trial.criteria = split_eligibility(criteria_text)
    _registry_fields(trial, study)
    return trial


def _registry_fields(trial: ParsedTrial, study: Element) -> None:
    """Registry, registration date, identifiers, sponsors, the registry's country lists and the MeSH headings, which
    the XML names (`<condition_browse><mesh_term>`) without their IDs."""
    trial.registry = "CTGOV" if trial.nct_id else None
    trial.registration_date = vocab.parse_date(_text(study, "study_first_submitted")
                                               or _text(study, "firstreceived_date"))
    id_info = study.find("id_info")
    others = [*_texts(id_info, "nct_alias"), *_texts(id_info, "org_study_id"), *_texts(id_info, "secondary_id")] \
        if id_info is not None else []
    trial.identifiers = registry_fields.identifiers(trial.nct_id, others)
    trial.sponsors = registry_fields.sponsors(
        (_text(study, "sponsors/lead_sponsor/agency"), _text(study, "sponsors/lead_sponsor/agency_class")),
        [(_text(el, "agency"), _text(el, "agency_class")) for el in study.findall("sponsors/collaborator")])
    trial.countries = [CountryListing(name=name, removed=removed)
                       for tag, removed in (("location_countries", False), ("removed_countries", True))
                       for name in vocab.unique(_texts(study, f"{tag}/country"))]
    trial.mesh_headings = [MeshHeading(applies_to, term) for applies_to, tag in (("CONDITION", "condition_browse"),
                                                                     ("INTERVENTION", "intervention_browse"))
                           for term in vocab.unique(_texts(study, f"{tag}/mesh_term"))]


def _design(study: Element) -> dict[str, str | None]:
    """allocation / intervention_model / primary_purpose / masking from `<study_design_info>` or, in older
    files, the one-line `<study_design>`."""
    info = study.find("study_design_info")
    if info is not None:
        return {"allocation": vocab.allocation(_text(info, "allocation")),
                "intervention_model": vocab.intervention_model(_text(info, "intervention_model")),
                "primary_purpose": vocab.primary_purpose(_text(info, "primary_purpose")),
                "masking": vocab.masking(_text(info, "masking"))}
    line = _text(study, "study_design")
    return _design_line(line) if line else {}


_DESIGN_NORMALISERS = (("allocation", vocab.allocation), ("intervention_model", vocab.intervention_model),
                       ("primary_purpose", vocab.primary_purpose), ("masking", vocab.masking))
_DESIGN_NORMALISER_BY_FIELD = dict(_DESIGN_NORMALISERS)


def _design_line(line: str) -> dict[str, str | None]:
    """`Allocation: Randomized, ..., Masking: Double Blind (Subject, Investigator), Primary Purpose: Treatment`,
    or the pre-2007 unlabelled `Treatment, Randomized, Double-Blind, Placebo Control, Parallel Assignment`."""
    labels = list(_DESIGN_LABEL.finditer(line))
    out: dict[str, str | None] = {}
    if labels:
        for m, nxt in zip(labels, [*labels[1:], None], strict=True):
            value = line[m.end(): nxt.start() if nxt else len(line)].strip(" ,;")
            field = m.group(1).lower().replace(" ", "_")
            normalise = _DESIGN_NORMALISER_BY_FIELD.get(field)
            if normalise is not None:
                out[field] = normalise(value)
        return out
    for token in _DESIGN_SPLIT.split(line):
        for field, normalise in _DESIGN_NORMALISERS:
            canonical = normalise(token)
            if canonical is not None:
                out.setdefault(field, canonical)
                break
    return out


def _interventions(study: Element) -> tuple[list[Intervention], dict[str, list[str]]]:
    """The distinct interventions, and for each arm label (casefolded) the intervention names linked to it."""
    out, seen = [], set()
    links: dict[str, list[str]] = {}
    for el in study.findall("intervention"):
        name = _text(el, "intervention_name")
        if name is None:
            continue
        kind = vocab.intervention_type(_text(el, "intervention_type"))
        for label in _texts(el, "arm_group_label"):
            names = links.setdefault(label.casefold(), [])
            if name not in names:
                names.append(name)
        if (kind, name.casefold()) in seen:
            continue
        seen.add((kind, name.casefold()))
        out.append(Intervention(name=name, intervention_type=kind, description=_text(el, "description")))
    return out, links


def _arms(study: Element, links: dict[str, list[str]]) -> list[Arm]:
    out = []
    for el in study.findall("arm_group"):
        label = _text(el, "arm_group_label")
        if label is None:
            continue
        out.append(Arm(label=label, arm_type=vocab.arm_type(_text(el, "arm_group_type")),
                       description=_text(el, "description"), intervention_names=list(links.get(label.casefold(), []))))
    return out


def _outcomes(study: Element) -> list[Outcome]:
    out = []
    for tag, kind in _OUTCOME_TAGS:
        for el in study.findall(tag):
            measure = _text(el, "measure")
            if measure is not None:
                out.append(Outcome(kind=kind, measure=measure, description=_text(el, "description"),
                                   time_frame=_text(el, "time_frame")))
    return out


def _sites(study: Element) -> list[Site]:
    out = []
    for el in study.findall("location"):
        address = el.find("facility/address")
        site = Site(facility=_text(el, "facility/name"), city=_text(address, "city"), state=_text(address, "state"),
                    zip=_text(address, "zip"), country=_text(address, "country"),
                    status=vocab.status(_text(el, "status")))
        if site.facility or site.city or site.country:
            out.append(site)
    return out


# ---------------------------------------------------------------- element readers that never raise


def _text(parent: Element | None, path: str) -> str | None:
    """The whitespace-collapsed text of the first element at `path`, or None."""
    if parent is None:
        return None
    el = parent.find(path)
    return vocab.clean(_block_text(el)) if el is not None else None


def _texts(parent: Element, path: str) -> list[str]:
    return [t for t in (vocab.clean(_block_text(el)) for el in parent.findall(path)) if t]


def _block_text(el: Element | None) -> str | None:
    """All text inside an element (a `<textblock>` child or the element itself), newlines normalised."""
    if el is None:
        return None
    text = "".join(el.itertext())
    return vocab.unix_newlines(text)


def _textblock(el: Element | None) -> str | None:
    """A textblock with its common indentation removed and its line structure kept (`&#xD;` line ends undone)."""
    text = _block_text(el)
    if text is None:
        return None
    lines = [line.rstrip() for line in textwrap.dedent(text.expandtabs(4)).split("\n")]
    block = "\n".join(lines).strip("\n")
    block = _BLANK_RUN.sub("\n\n", block)
    return block or None

