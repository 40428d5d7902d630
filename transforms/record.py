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
    eligibility_text: str | None = None  # the raw eligibility block, kept for re-splitting and audit
    conditions: list[str] = field(default_factory=list)
    arms: list[Arm] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)

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
