"""The neutral typed record every layout parses into and every table is shaped from."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date


@dataclass(slots=True)
class Intervention:
    """One intervention of a trial, named as the source names it."""

    name: str
    intervention_type: str | None = None  # vocab.INTERVENTION_TYPES
    description: str | None = None


@dataclass(slots=True)
class Arm:
    """One arm / study group, with the names of the interventions it uses."""

    label: str
    arm_type: str | None = None  # vocab.ARM_TYPES
    description: str | None = None
    intervention_names: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Criterion:
    """One eligibility criterion without its bullet or number."""

    kind: str  # INCLUSION | EXCLUSION
    text: str
    # the list marker it was written with (`•`, `⁃`, `num.`, `alpha)`, after its indent), "" for a paragraph: items of
    # a list nested under a lead-in (`… any of the following:`) that a layout keeps as criteria of their own differ
    # from the lead-in's
    marker: str = field(default="", compare=False)


@dataclass(slots=True)
class Outcome:
    """One registered outcome measure."""

    kind: str  # PRIMARY | SECONDARY | OTHER
    measure: str
    description: str | None = None
    time_frame: str | None = None


@dataclass(slots=True)
class Site:
    """One trial facility and its recruitment status."""

    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None  # vocab.STATUSES
    latitude: float | None = None  # the registry's own coordinates (CT.gov `geoPoint`), when it states them
    longitude: float | None = None


@dataclass(slots=True)
class Identifier:
    """One identifier a record names for its trial: its own ID, another registry's, or a sponsor's number."""

    identifier: str
    id_type: str  # schemas.vocabularies.IdType
    registry: str | None = None  # schemas.vocabularies.Registry; None for sponsor numbers


@dataclass(slots=True)
class Sponsor:
    """One sponsor organisation of a trial."""

    name: str
    role: str  # schemas.vocabularies.SponsorRole
    agency_class: str | None = None  # schemas.vocabularies.AgencyClass


@dataclass(slots=True)
class MeshTerm:
    """One MeSH descriptor the registry assigned to a trial's conditions or interventions."""

    mesh_id: str  # `D000123`
    term: str | None = None
    relation: str = "DIRECT"  # schemas.vocabularies.MeshRelation


@dataclass(slots=True)
class MeshHeading:
    """A MeSH heading the record names without its descriptor ID (legacy CT.gov XML `condition_browse`)."""

    applies_to: str  # CONDITION | INTERVENTION: which browse list named it
    term: str


@dataclass(slots=True)
class MeshLeaf:
    """A name as the record wrote it that the registry mapped to a MeSH descriptor (CT.gov `browseLeaves[].asFound`)."""

    as_found: str
    mesh_id: str
    term: str | None = None


@dataclass(slots=True)
class CountryListing:
    """A country a registry lists for a trial (ICTRP `Countries`, CT.gov `removedCountries`)."""

    name: str
    removed: bool = False


@dataclass(slots=True)
class Issue:
    """Something of a record that could not be read, while the rest of the record loads."""

    field: str  # the part of the record affected: criteria, outcomes, sites, min_age_years, ...
    severity: str  # schemas.vocabularies.IssueSeverity
    message: str


@dataclass(slots=True)
class ParsedTrial:
    """Everything one source record states about one trial; None means the source does not say."""

    layout: str
    nct_id: str | None = None
    title: str | None = None
    official_title: str | None = None
    brief_summary: str | None = None
    detailed_description: str | None = None
    overall_status: str | None = None
    phase: str | None = None
    study_type: str | None = None
    allocation: str | None = None
    intervention_model: str | None = None
    primary_purpose: str | None = None
    masking: str | None = None
    enrollment: int | None = None
    start_date: date | None = None
    primary_completion_date: date | None = None
    completion_date: date | None = None
    last_update_date: date | None = None
    min_age_years: float | None = None
    max_age_years: float | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None
    lead_sponsor: str | None = None
    registry: str | None = None  # registry of the record's own primary ID (schemas.vocabularies.Registry)
    registration_date: date | None = None
    registry_status: str | None = None  # the registry's status word when it maps to no one overall_status
    eligibility_text: str | None = None  # the raw eligibility block, kept for re-splitting and audit
    conditions: list[str] = field(default_factory=list)
    arms: list[Arm] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    sponsors: list[Sponsor] = field(default_factory=list)
    condition_mesh: list[MeshTerm] = field(default_factory=list)
    intervention_mesh: list[MeshTerm] = field(default_factory=list)
    mesh_leaves: list[MeshLeaf] = field(default_factory=list)  # condition names the registry mapped to MeSH
    mesh_headings: list[MeshHeading] = field(default_factory=list)  # headings named without their IDs
    countries: list[CountryListing] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (dates as ISO strings), used by `trialhouse parse` and golden files."""
        return _plain(self)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


# A registry's own record (CT.gov JSON or XML) always states its NCT id and its title; one with neither is a
# fragment that no analyst could tell apart from another, so it is quarantined rather than loaded under a hash.
NAMELESS = "the study names no trial: no NCT id and no title (a registry record always states both)"


def names_a_trial(trial: ParsedTrial) -> bool:
    """Whether a parsed record states an NCT id or a title."""
    return bool(trial.nct_id or trial.title or trial.official_title)
