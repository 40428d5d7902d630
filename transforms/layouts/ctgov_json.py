"""Layout `ctgov_json`: ClinicalTrials.gov study JSON, API v2 (`{"protocolSection": …}`, a `ctg-studies.json`
array of studies, or an API page `{"studies": […]}`) and the retired classic API (`FullStudiesResponse`,
PascalCase `ProtocolSection` with `…List` wrappers), which is first renamed into the v2 shape.

Segment, then assemble: the JSON is loaded, cut into study objects (`_studies`), each classic study is
mapped onto v2 module/field names (`_v2_from_classic`), then one builder reads the v2 modules. A large
`ctg-studies.json` array is read in parts: `record_starts` finds each study in its bytes, `close_part` closes a part.
Field names follow the API v2 data structure (https://clinicaltrials.gov/data-api/about-api/study-data-structure).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from transforms import registry_fields, vocab
from transforms.criteria import split_eligibility
from transforms.errors import ParseError
from transforms.offsets import Uncuttable, head_of, pattern_starts
from transforms.record import NAMELESS, Arm, CountryListing, Intervention, Outcome, ParsedTrial, Site, names_a_trial

NAME = "ctgov_json"
DESCRIPTION = "ClinicalTrials.gov study JSON (API v2 study, ctg-studies.json array, {studies: [...]}, classic API)"
KIND = "structured"

# A JSON document opens with an object holding a key, or an array of objects. A text whose title starts with
# a bracket ("[18F]FDG PET in ...", a `ctgov_csv_row` title line) does not match: no `{`/`"` follows it.
_JSON_HEAD = re.compile(r'\A\s*(?:\{\s*(?:"|\})|\[\s*(?:\{|\]))')
# `Drug: Aspirin` in an arm's interventionNames; the prefix is stripped only when it is an intervention type.
_TYPED_NAME = re.compile(r"^\s*([A-Za-z][A-Za-z /_-]{1,40}?)\s*:\s+(\S.*)$", re.S)

_OUTCOME_LISTS = (("primaryOutcomes", "PRIMARY"), ("secondaryOutcomes", "SECONDARY"), ("otherOutcomes", "OTHER"))

# A study of a `ctg-studies.json` array in its bytes: `{"protocolSection":`, the key CT.gov writes first. Inside a
# JSON string a quote is escaped, so the sequence is never text. The blanks are bounded so that a block-by-block
# search knows how far a match can reach. Every `"protocolSection"` of the file must open a study: one that does not
# (a study whose keys come in another order) makes the file one to read whole.
_KEY = b'"protocolSection"'
_MOST_BLANKS = 200
_BLANKS = rb"[ \t\r\n]{0,%d}" % _MOST_BLANKS
_STUDY_OPEN = re.compile(rb"\{" + _BLANKS + _KEY + _BLANKS + rb":")
_LONGEST_OPEN = len(b"{:") + 2 * _MOST_BLANKS + len(_KEY)
# the file's opening as far as the first study's key: a byte-order mark, `[`, `{`, the key
_ARRAY_OF_STUDIES = re.compile(rb"(?:\xef\xbb\xbf)?" + _BLANKS + rb"\[" + _BLANKS + rb"\{" + _BLANKS + _KEY)
_ARRAY_HEAD_BYTES = len(b"\xef\xbb\xbf[{") + 3 * _MOST_BLANKS + len(_KEY)  # its longest match


def detect(text: str) -> float:
    """A JSON object or an array of objects (any JSON document is ours; a non-study one is a typed ParseError)."""
    return 1.0 if _JSON_HEAD.match(text[:256]) else 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """One ParsedTrial per study in the document; a study that cannot be read is a ParseError in the list."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ParseError(source, NAME, "json", f"malformed JSON at line {exc.lineno} column {exc.colno} "
                                                f"(char {exc.pos}): {exc.msg}") from None
    studies = _studies(document, source)
    out: list[ParsedTrial | ParseError] = []
    for n, study in enumerate(studies, start=1):
        sections = _v2_sections(study)
        if sections is None:
            out.append(ParseError(source, NAME, f"studies[{n}]",
                                  "expected a study object with a 'protocolSection' (API v2) or "
                                  f"'ProtocolSection' (classic API), got {_describe(study)}"))
            continue
        trial = _build(*sections)
        out.append(trial if names_a_trial(trial) else ParseError(
            source, NAME, f"studies[{n}].protocolSection.identificationModule", NAMELESS))
    return out


def record_starts(blocks: Iterable[bytes]) -> Iterator[int]:
    """The byte offset of every study of a `ctg-studies.json` array, so the file can be read in parts; any other
    document, or an array with a study that does not open with its `protocolSection` (it would be counted with the
    study before it), raises offsets.Uncuttable."""
    head, blocks = head_of(blocks, lambda read: len(read) >= _ARRAY_HEAD_BYTES)  # as far as the first study's key
    if not _ARRAY_OF_STUDIES.match(head):
        raise Uncuttable("not a JSON array of studies that open with their protocolSection")
    keys = _Occurrences(_KEY)
    starts = 0
    for start in pattern_starts(_STUDY_OPEN, _LONGEST_OPEN, keys.counting(blocks)):
        starts += 1
        yield start
    if keys.count != starts:
        raise Uncuttable(f"{keys.count - starts} protocolSection keys do not open a study")


class _Occurrences:
    """How many times `needle` occurs in blocks of bytes as they pass (once for one that spans two blocks)."""

    def __init__(self, needle: bytes):
        self.needle, self.count, self._tail = needle, 0, b""

    def counting(self, blocks: Iterable[bytes]) -> Iterator[bytes]:
        """The blocks, unchanged, counted on the way."""
        for block in blocks:
            text = self._tail + block
            self.count += text.count(self.needle)
            self._tail = text[len(text) - len(self.needle) + 1:]  # too short to hold a whole occurrence again
            yield block


def close_part(text: str) -> str:
    """A part of a study array as a document of its own: the file's head (`[`), its studies, and a `]` for the `,`
    the cut left before the next study."""
    body = text.rstrip()
    return body[:-1] + "]" if body.endswith(",") else text


# ---------------------------------------------------------------- segment: document → study objects


def _studies(document: Any, source: str) -> list[Any]:
    """The study objects of a document, whatever wrapper the registry or a downloader put around them."""
    expected = ("expected a CT.gov study JSON: {'protocolSection': ...}, a list of such studies, "
                "{'studies': [...]} or a classic-API {'FullStudiesResponse': ...}")
    if isinstance(document, list):
        if not document:
            raise ParseError(source, NAME, "json", "the study list is empty")
        return document
    if not isinstance(document, dict):
        raise ParseError(source, NAME, "json", f"{expected}; got {_describe(document)}")
    if "protocolSection" in document or "ProtocolSection" in document:
        return [document]
    for key in ("studies", "Studies"):
        if isinstance(document.get(key), list):
            if not document[key]:
                raise ParseError(source, NAME, key, "the study list is empty")
            return document[key]
    classic = document.get("FullStudiesResponse")
    if isinstance(classic, dict) and isinstance(classic.get("FullStudies"), list):
        if not classic["FullStudies"]:
            raise ParseError(source, NAME, "FullStudies", "the study list is empty")
        return [s.get("Study", s) if isinstance(s, dict) else s for s in classic["FullStudies"]]
    single = document.get("FullStudy")
    if isinstance(single, dict):
        return [single.get("Study", single)]
    if isinstance(document.get("Study"), dict):
        return [document["Study"]]
    keys = ", ".join(list(map(str, document))[:8]) or "none"
    raise ParseError(source, NAME, "json", f"{expected}; got an object with keys: {keys}")


def _v2_sections(study: Any) -> tuple[dict, dict] | None:
    """The v2-shaped (protocolSection, derivedSection) of one study object, or None when it is not a study."""
    if not isinstance(study, dict):
        return None
    if isinstance(study.get("protocolSection"), dict):
        return study["protocolSection"], _obj(study, "derivedSection")
    if isinstance(study.get("ProtocolSection"), dict):
        return _v2_from_classic(study["ProtocolSection"]), _v2_derived_from_classic(_obj(study, "DerivedSection"))
    return None


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object with keys: " + (", ".join(list(map(str, value))[:8]) or "none")
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return f"a {type(value).__name__} value"


# ---------------------------------------------------------------- the classic API (retired 2024) → v2 names


def _v2_from_classic(p: dict) -> dict:
    """Rename a classic-API ProtocolSection (`IdentificationModule.NCTId`, `ConditionList.Condition`, …)
    into the v2 modules this layout reads."""
    ident, stat = _obj(p, "IdentificationModule"), _obj(p, "StatusModule")
    design, elig = _obj(p, "DesignModule"), _obj(p, "EligibilityModule")
    arms_mod, outcomes_mod = _obj(p, "ArmsInterventionsModule"), _obj(p, "OutcomesModule")
    design_info = _obj(design, "DesignInfo")
    sponsors = _obj(p, "SponsorCollaboratorsModule")

    def struct(name: str) -> dict:
        return {"date": _obj(stat, f"{name}DateStruct").get(f"{name}Date")}

    def listed(module: dict, outer: str, inner: str) -> list:
        return _list(_obj(module, outer).get(inner))

    outcomes = {}
    for kind in ("Primary", "Secondary", "Other"):
        outcomes[f"{kind.lower()}Outcomes"] = [
            {"measure": o.get(f"{kind}OutcomeMeasure"), "description": o.get(f"{kind}OutcomeDescription"),
             "timeFrame": o.get(f"{kind}OutcomeTimeFrame")}
            for o in listed(outcomes_mod, f"{kind}OutcomeList", f"{kind}Outcome") if isinstance(o, dict)]
    return {
        "identificationModule": {
            "nctId": ident.get("NCTId"), "briefTitle": ident.get("BriefTitle"),
            "officialTitle": ident.get("OfficialTitle"),
            "nctIdAliases": listed(ident, "NCTIdAliasList", "NCTIdAlias"),
            "orgStudyIdInfo": {"id": _obj(ident, "OrgStudyIdInfo").get("OrgStudyId")},
            "secondaryIdInfos": [{"id": i.get("SecondaryId")} for i in listed(ident, "SecondaryIdInfoList",
                                                                              "SecondaryIdInfo") if isinstance(i, dict)],
        },
        "statusModule": {"overallStatus": stat.get("OverallStatus"), "startDateStruct": struct("Start"),
                         "studyFirstSubmitDate": stat.get("StudyFirstSubmitDate"),
                         "primaryCompletionDateStruct": struct("PrimaryCompletion"),
                         "completionDateStruct": struct("Completion"),
                         "lastUpdatePostDateStruct": struct("LastUpdatePost")},
        "sponsorCollaboratorsModule": {
            "leadSponsor": {"name": _obj(sponsors, "LeadSponsor").get("LeadSponsorName"),
                            "class": _obj(sponsors, "LeadSponsor").get("LeadSponsorClass")},
            "collaborators": [{"name": c.get("CollaboratorName"), "class": c.get("CollaboratorClass")}
                              for c in listed(sponsors, "CollaboratorList", "Collaborator") if isinstance(c, dict)],
        },
        "descriptionModule": {"briefSummary": _obj(p, "DescriptionModule").get("BriefSummary"),
                              "detailedDescription": _obj(p, "DescriptionModule").get("DetailedDescription")},
        "conditionsModule": {"conditions": listed(_obj(p, "ConditionsModule"), "ConditionList", "Condition")},
        "designModule": {
            "studyType": design.get("StudyType"),
            "phases": listed(design, "PhaseList", "Phase"),
            "designInfo": {"allocation": design_info.get("DesignAllocation"),
                           "interventionModel": design_info.get("DesignInterventionModel"),
                           "primaryPurpose": design_info.get("DesignPrimaryPurpose"),
                           "maskingInfo": {"masking": _obj(design_info, "DesignMaskingInfo").get("DesignMasking")}},
            "enrollmentInfo": {"count": _obj(design, "EnrollmentInfo").get("EnrollmentCount")},
        },
        "eligibilityModule": {"eligibilityCriteria": elig.get("EligibilityCriteria"),
                              "healthyVolunteers": elig.get("HealthyVolunteers"), "sex": elig.get("Gender"),
                              "minimumAge": elig.get("MinimumAge"), "maximumAge": elig.get("MaximumAge")},
        "armsInterventionsModule": {
            "armGroups": [{"label": a.get("ArmGroupLabel"), "type": a.get("ArmGroupType"),
                           "description": a.get("ArmGroupDescription"),
                           "interventionNames": listed(a, "ArmGroupInterventionList", "ArmGroupInterventionName")}
                          for a in listed(arms_mod, "ArmGroupList", "ArmGroup") if isinstance(a, dict)],
            "interventions": [{"type": i.get("InterventionType"), "name": i.get("InterventionName"),
                               "description": i.get("InterventionDescription")}
                              for i in listed(arms_mod, "InterventionList", "Intervention") if isinstance(i, dict)],
        },
        "outcomesModule": outcomes,
        "contactsLocationsModule": {"locations": [
            {"facility": loc.get("LocationFacility"), "city": loc.get("LocationCity"),
             "state": loc.get("LocationState"), "zip": loc.get("LocationZip"),
             "country": loc.get("LocationCountry"), "status": loc.get("LocationStatus")}
            for loc in listed(_obj(p, "ContactsLocationsModule"), "LocationList", "Location")
            if isinstance(loc, dict)]},
    }


def _v2_derived_from_classic(d: dict) -> dict:
    """Rename a classic-API DerivedSection (`ConditionBrowseModule.ConditionMeshList.ConditionMesh[]`, …)."""
    def listed(module: dict, outer: str, inner: str) -> list:
        return [x for x in _list(_obj(module, outer).get(inner)) if isinstance(x, dict)]

    derived: dict[str, Any] = {"miscInfoModule": {
        "removedCountries": _list(_obj(_obj(d, "MiscInfoModule"), "RemovedCountryList").get("RemovedCountry"))}}
    for kind in ("Condition", "Intervention"):
        module = _obj(d, f"{kind}BrowseModule")
        derived[f"{kind.lower()}BrowseModule"] = {
            "meshes": [{"id": m.get(f"{kind}MeshId"), "term": m.get(f"{kind}MeshTerm")}
                       for m in listed(module, f"{kind}MeshList", f"{kind}Mesh")],
            "ancestors": [{"id": m.get(f"{kind}AncestorId"), "term": m.get(f"{kind}AncestorTerm")}
                          for m in listed(module, f"{kind}AncestorList", f"{kind}Ancestor")],
            "browseLeaves": [{"name": m.get(f"{kind}BrowseLeafName"), "asFound": m.get(f"{kind}BrowseLeafAsFound")}
                             for m in listed(module, f"{kind}BrowseLeafList", f"{kind}BrowseLeaf")],
        }
    return derived


# ---------------------------------------------------------------- assemble: v2 modules → ParsedTrial


def _build(p: dict, derived: dict) -> ParsedTrial:
    ident, stat = _obj(p, "identificationModule"), _obj(p, "statusModule")
    design, elig = _obj(p, "designModule"), _obj(p, "eligibilityModule")
    design_info = _obj(design, "designInfo")
    description = _obj(p, "descriptionModule")
    eligibility_text = _block(elig.get("eligibilityCriteria"))
    trial = ParsedTrial(
        layout=NAME,
        nct_id=vocab.nct_id(_text(ident.get("nctId"))),
        title=_one_line(ident.get("briefTitle")),
        official_title=_one_line(ident.get("officialTitle")),
        brief_summary=vocab.clean_block(_text(description.get("briefSummary"))),
        detailed_description=vocab.clean_block(_text(description.get("detailedDescription"))),
        overall_status=vocab.status(_text(stat.get("overallStatus"))),
        phase=_phase(design.get("phases")),
        study_type=vocab.study_type(_text(design.get("studyType"))),
        allocation=vocab.allocation(_text(design_info.get("allocation"))),
        intervention_model=vocab.intervention_model(_text(design_info.get("interventionModel"))),
        primary_purpose=vocab.primary_purpose(_text(design_info.get("primaryPurpose"))),
        masking=vocab.masking(_text(_obj(design_info, "maskingInfo").get("masking"))),
        enrollment=vocab.to_int(_text(_obj(design, "enrollmentInfo").get("count"))),
        start_date=_date(stat, "startDateStruct"),
        primary_completion_date=_date(stat, "primaryCompletionDateStruct"),
        completion_date=_date(stat, "completionDateStruct"),
        last_update_date=_date(stat, "lastUpdatePostDateStruct"),
        min_age_years=vocab.parse_age_years(_text(elig.get("minimumAge"))),
        max_age_years=vocab.parse_age_years(_text(elig.get("maximumAge"))),
        sex=vocab.sex(_text(elig.get("sex"))),
        healthy_volunteers=_yes_no(elig.get("healthyVolunteers")),
        lead_sponsor=_one_line(_obj(_obj(p, "sponsorCollaboratorsModule"), "leadSponsor").get("name")),
        eligibility_text=eligibility_text,
        conditions=vocab.unique(_one_line(c) for c in _list(_obj(p, "conditionsModule").get("conditions"))),
    )
    arms_mod = _obj(p, "armsInterventionsModule")
    trial.interventions = _interventions(arms_mod.get("interventions"))
    trial.arms = _arms(arms_mod.get("armGroups"))
    trial.outcomes = _outcomes(_obj(p, "outcomesModule"))
    trial.sites = _sites(_obj(p, "contactsLocationsModule").get("locations"))
    trial.criteria = split_eligibility(eligibility_text)
    _registry_fields(trial, p, derived)
    return trial


def _registry_fields(trial: ParsedTrial, p: dict, derived: dict) -> None:
    """Registry, registration date, identifiers, sponsors, MeSH terms and removed countries."""
    ident = _obj(p, "identificationModule")
    trial.registry = "CTGOV" if trial.nct_id else None
    trial.registration_date = vocab.parse_date(_text(_obj(p, "statusModule").get("studyFirstSubmitDate")))
    others = [_text(a) for a in _list(ident.get("nctIdAliases"))]
    others.append(_text(_obj(ident, "orgStudyIdInfo").get("id")))
    others += [_text(i.get("id")) for i in _list(ident.get("secondaryIdInfos")) if isinstance(i, dict)]
    trial.identifiers = registry_fields.identifiers(trial.nct_id, others)
    sponsors = _obj(p, "sponsorCollaboratorsModule")
    lead = _obj(sponsors, "leadSponsor")
    trial.sponsors = registry_fields.sponsors(
        (_text(lead.get("name")), _text(lead.get("class"))),
        [(_text(c.get("name")), _text(c.get("class"))) for c in _list(sponsors.get("collaborators"))
         if isinstance(c, dict)])
    conditions, interventions = _obj(derived, "conditionBrowseModule"), _obj(derived, "interventionBrowseModule")
    trial.condition_mesh = registry_fields.mesh_terms(_mesh_pairs(conditions, "meshes"),
                                                      _mesh_pairs(conditions, "ancestors"))
    trial.intervention_mesh = registry_fields.mesh_terms(_mesh_pairs(interventions, "meshes"),
                                                         _mesh_pairs(interventions, "ancestors"))
    leaves = [(_text(leaf.get("asFound")), _text(leaf.get("name")))
              for leaf in _list(conditions.get("browseLeaves")) if isinstance(leaf, dict) and leaf.get("asFound")]
    trial.mesh_leaves = registry_fields.mesh_leaves(leaves, trial.condition_mesh)
    removed = (vocab.clean(_text(c)) for c in _list(_obj(derived, "miscInfoModule").get("removedCountries")))
    trial.countries = [CountryListing(name=c, removed=True) for c in vocab.unique(removed)]


def _mesh_pairs(module: dict, key: str) -> list[tuple[object, object]]:
    return [(m.get("id"), m.get("term")) for m in _list(module.get(key)) if isinstance(m, dict)]


def _interventions(raw: Any) -> list[Intervention]:
    out, seen = [], set()
    for item in _list(raw):
        if not isinstance(item, dict):
            continue
        name = _one_line(item.get("name"))
        if name is None:
            continue
        kind = vocab.intervention_type(_text(item.get("type")))
        key = (kind, name.casefold())
        if key in seen:
            continue
        seen.add(key)
        out.append(Intervention(name=name, intervention_type=kind, description=_one_line(item.get("description"))))
    return out


def _arms(raw: Any) -> list[Arm]:
    out = []
    for item in _list(raw):
        if not isinstance(item, dict):
            continue
        label = _one_line(item.get("label"))
        if label is None:
            continue
        names = vocab.unique(_intervention_name(n) for n in _list(item.get("interventionNames")))
        out.append(Arm(label=label, arm_type=vocab.arm_type(_text(item.get("type"))),
                       description=_one_line(item.get("description")), intervention_names=names))
    return out


def _intervention_name(raw: Any) -> str | None:
    """`Drug: Aspirin` → `Aspirin`; a colon that does not follow an intervention type stays (`IL-2: low dose`)."""
    name = _one_line(raw)
    if name is None:
        return None
    m = _TYPED_NAME.match(name)
    if m and vocab.intervention_type(m.group(1)) is not None:
        return m.group(2).strip()
    return name


def _outcomes(module: dict) -> list[Outcome]:
    out = []
    for key, kind in _OUTCOME_LISTS:
        for item in _list(module.get(key)):
            if not isinstance(item, dict):
                continue
            measure = _one_line(item.get("measure"))
            if measure is None:
                continue
            out.append(Outcome(kind=kind, measure=measure, description=_one_line(item.get("description")),
                               time_frame=_one_line(item.get("timeFrame"))))
    return out


def _sites(raw: Any) -> list[Site]:
    out = []
    for item in _list(raw):
        if not isinstance(item, dict):
            continue
        site = Site(facility=_one_line(item.get("facility")), city=_one_line(item.get("city")),
                    state=_one_line(item.get("state")), zip=_one_line(item.get("zip")),
                    country=_one_line(item.get("country")), status=vocab.status(_text(item.get("status"))))
        site.latitude, site.longitude = _geo_point(item.get("geoPoint"))
        if site.facility or site.city or site.country:
            out.append(site)
    return out


def _geo_point(raw: Any) -> tuple[float, float] | tuple[None, None]:
    """CT.gov's `{"lat": …, "lon": …}` as (latitude, longitude) when both are numbers on the globe, else nothing."""
    point = raw if isinstance(raw, dict) else {}
    lat, lon = point.get("lat"), point.get("lon")
    if (isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not isinstance(lat, bool)
            and not isinstance(lon, bool) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return float(lat), float(lon)
    return None, None


# ---------------------------------------------------------------- small readers that never raise


def _obj(parent: Any, key: str) -> dict:
    """parent[key] when both are objects, else an empty object (an absent module reads as empty)."""
    if isinstance(parent, dict):
        value = parent.get(key)
        if isinstance(value, dict):
            return value
    return {}


def _list(value: Any) -> list:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _text(value: Any) -> str | None:
    """A scalar as text; objects, lists and JSON null say nothing."""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _one_line(value: Any) -> str | None:
    return vocab.clean(_text(value))


def _block(value: Any) -> str | None:
    """The eligibility text as the registry wrote it (markdown kept for the splitter), edges trimmed."""
    text = _text(value)
    if text is None:
        return None
    text = vocab.unix_newlines(text).strip()
    return text or None


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return vocab.yes_no(_text(value))


def _date(status_module: dict, struct: str):
    return vocab.parse_date(_text(_obj(status_module, struct).get("date")))


def _phase(raw: Any) -> str | None:
    """`["PHASE1", "PHASE2"]` → PHASE1_PHASE2; `["NA"]` → NA."""
    parts = [t for t in (_text(v) for v in _list(raw)) if t]
    return vocab.phase(" / ".join(parts)) if parts else None

