"""ParsedTrial → rows of the star tables with deterministic keys, as Arrow tables ready for staging."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa

from schemas.derive import RECORD_COLUMN, arrow_schema
from schemas.tables import STAGED_TABLES
from transforms import geo, ids, vocab
from transforms.measures import (
    Measure,
    across_criteria,
    as_listed,
    read_criterion,
    read_under_heading,
    unread,
)
from transforms.measures.trial import wholly_below
from transforms.record import Issue, ParsedTrial

_T = TypeVar("_T")
_TRIAL_FIELDS = (
    "nct_id", "title", "official_title", "brief_summary", "detailed_description", "overall_status", "phase",
    "study_type", "allocation", "intervention_model", "primary_purpose", "masking", "enrollment", "start_date",
    "primary_completion_date", "completion_date", "last_update_date", "min_age_years", "max_age_years", "sex",
    "healthy_volunteers", "lead_sponsor", "registry", "registration_date", "registry_status",
)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A parsed trial together with where it came from."""

    trial: ParsedTrial
    file_path: str
    file_sha256: str
    record_index: int
    run_id: str

    @property
    def record_key(self) -> str:
        """`file_path#record_index`: which record of which file a staged row came from."""
        return f"{self.file_path}#{self.record_index}"


_MIN_AGE, _MAX_AGE = 1 + _TRIAL_FIELDS.index("min_age_years"), 1 + _TRIAL_FIELDS.index("max_age_years")
_STAGING_SCHEMAS = {tbl.name: arrow_schema(tbl, staging=True) for tbl in STAGED_TABLES}
# A row is a tuple of these columns, in its staging table's order and followed by the record key: the batch is
# transposed into Arrow columns in one pass. Checked against the schemas on import, so no value lands in another's
# column.
_COLUMNS = {
    "trial": ("trial_id", *_TRIAL_FIELDS, "source_file", "source_layout", "source_sha256", "removed_at", "run_id"),
    "condition": ("trial_id", "ordinal", "name"),
    "arm": ("arm_id", "trial_id", "ordinal", "label", "arm_type", "description"),
    "intervention": ("intervention_id", "trial_id", "ordinal", "intervention_type", "name", "description"),
    "arm_intervention": ("trial_id", "arm_id", "intervention_id"),
    "criterion": ("criterion_id", "trial_id", "kind", "ordinal", "text"),
    "criterion_measure": ("measure_id", "criterion_id", "trial_id", "variable", "lower_value", "lower_inclusive",
                          "upper_value", "upper_inclusive", "unit", "raw_value", "raw_unit", "source_text",
                          "condition_text", "applies_to_sex", "condition_kind"),
    "outcome": ("outcome_id", "trial_id", "kind", "ordinal", "measure", "description", "time_frame"),
    "site": ("site_id", "trial_id", "ordinal", "facility", "city", "state", "zip", "country", "status", "country_code",
             "latitude", "longitude", "geo_source"),
    "trial_identifier": ("trial_id", "identifier", "registry", "id_type", "match_key"),
    "sponsor": ("trial_id", "ordinal", "name", "role", "agency_class"),
    "condition_mesh": ("trial_id", "mesh_id", "term", "relation", "source"),
    "intervention_mesh": ("trial_id", "mesh_id", "term", "relation", "source"),
    "trial_country": ("trial_id", "country_code", "country_name", "source", "removed"),
    "ingest_issue": ("trial_id", "ordinal", "source_file", "field", "severity", "message"),
    "mesh_leaf": ("trial_id", "as_found", "mesh_id", "term"),
    "mesh_heading": ("trial_id", "applies_to", "term"),
}
for _name, _schema in _STAGING_SCHEMAS.items():
    if (*_COLUMNS.get(_name, ()), RECORD_COLUMN) != tuple(_schema.names):
        raise RuntimeError(f"shape: the columns of {_name} are not its staging schema's {_schema.names}")


def trial_key(trial: ParsedTrial, file_sha256: str, record_index: int) -> str:
    """The NCT ID, else the record's own registry ID (an EU CTR member-state suffix dropped), else `TH-` + a hash of
    the normalised title (or summary, or file content and position)."""
    if trial.nct_id:
        return trial.nct_id
    primary = next((i.identifier for i in trial.identifiers if i.id_type == "PRIMARY"), None)
    if primary:
        return ids.trial_id_of(primary)
    basis: str
    for label, text in (("title", trial.title), ("official", trial.official_title), ("summary", trial.brief_summary)):
        if text and text.strip():
            basis = f"{label}:{' '.join(text.casefold().split())}"
            break
    else:
        basis = f"file:{file_sha256}:{record_index}"
    return "TH-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _strip_type_prefix(name: str) -> str:
    """`Drug: Aspirin` → `Aspirin` (CT.gov arm groups name interventions with their type)."""
    head, sep, tail = name.partition(":")
    if sep and vocab.intervention_type(head) is not None and tail.strip():
        return tail.strip()
    return name


def shape_trial(rec: SourceRecord) -> dict[str, list[dict]]:
    """Rows for every star table from one source record, keyed by table name, each row a dict by column name."""
    return {name: [dict(zip(_STAGING_SCHEMAS[name].names, row, strict=True)) for row in rows]
            for name, rows in _trial_rows(rec).items()}


def _trial_rows(rec: SourceRecord) -> dict[str, list[tuple]]:
    """Rows for every star table from one source record as tuples of `_COLUMNS` and the record key."""
    t = rec.trial
    tid = trial_key(t, rec.file_sha256, rec.record_index)
    tag = rec.record_key
    trial_row = [tid, *[getattr(t, f) for f in _TRIAL_FIELDS], rec.file_path, t.layout, rec.file_sha256, None,
                 rec.run_id, tag]
    rows: dict[str, list[tuple]] = {tbl.name: [] for tbl in STAGED_TABLES}
    issues: list[Issue] = list(t.issues)
    rows["condition"] = _condition_rows(t, tid, tag)
    rows["intervention"], rows["arm"], rows["arm_intervention"] = _intervention_and_arm_rows(t, tid, tag)
    rows["criterion"], rows["criterion_measure"], ages = _criterion_rows(t, tid, tag, issues)
    if t.min_age_years is None and t.max_age_years is None and ages:
        trial_row[_MIN_AGE], trial_row[_MAX_AGE] = _criteria_age_range(ages, issues)
    rows["outcome"] = _outcome_rows(t, tid, tag)
    rows["site"], rows["trial_country"] = _site_and_country_rows(t, tid, tag, issues)
    rows.update(_registry_rows(t, tid, tag))
    rows["ingest_issue"] = [(tid, ordinal, rec.file_path, issue.field, issue.severity, issue.message, tag)
                            for ordinal, issue in enumerate(issues, start=1)]
    rows["trial"].append(tuple(trial_row))
    return rows


def _condition_rows(t: ParsedTrial, tid: str, tag: str) -> list[tuple]:
    """One row per condition name, the first of names that differ only in case and spacing."""
    named = _first_of_each((name for name in t.conditions if _name_key(name)), _name_key)
    return [(tid, ordinal, name, tag) for ordinal, name in enumerate(named, start=1)]


def _intervention_and_arm_rows(t: ParsedTrial, tid: str, tag: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Intervention rows (one per type and name), arm rows, and the bridge of the interventions each arm names."""
    interventions: list[tuple] = []
    intervention_ids: dict[str, str] = {}
    seen: set[tuple[str | None, str]] = set()
    for iv in t.interventions:
        dedupe = (iv.intervention_type, _name_key(iv.name))
        if not dedupe[1] or dedupe in seen:
            continue
        seen.add(dedupe)
        ordinal = len(seen)
        iid = f"{tid}:intervention:{ordinal}"
        intervention_ids.setdefault(dedupe[1], iid)
        interventions.append((iid, tid, ordinal, iv.intervention_type, iv.name, iv.description, tag))
    arms: list[tuple] = []
    bridge: list[tuple] = []
    for ordinal, arm in enumerate(t.arms, start=1):
        aid = f"{tid}:arm:{ordinal}"
        arms.append((aid, tid, ordinal, arm.label, arm.arm_type, arm.description, tag))
        linked: set[str] = set()
        for name in arm.intervention_names:
            link = intervention_ids.get(_name_key(name)) or intervention_ids.get(_name_key(_strip_type_prefix(name)))
            if link and link not in linked:
                linked.add(link)
                bridge.append((tid, aid, link, tag))
    return interventions, arms, bridge


def _criterion_rows(t: ParsedTrial, tid: str, tag: str, issues: list[Issue]) \
        -> tuple[list[tuple], list[tuple], list[Measure]]:
    """Criterion rows, their measure rows (each criterion read alone, then in its list and beside the others), and
    the general age bounds among them; what could not be read goes to `issues`."""
    criteria: list[tuple] = []
    per_kind: dict[str, int] = {}
    cids: list[str] = []
    read: list[list[Measure]] = []
    previous: dict[str, str] = {}  # each kind's criterion before this one
    for c in t.criteria:
        per_kind[c.kind] = per_kind.get(c.kind, 0) + 1
        cid = f"{tid}:{c.kind.lower()}:{per_kind[c.kind]}"
        criteria.append((cid, tid, c.kind, per_kind[c.kind], c.text, tag))
        try:
            measures, lost = read_criterion(c.text, c.kind)
            # a bare span of years (`At least 10 years`) is an age only where no heading names what it is
            if c.kind in previous and all(m.variable == "age" for m in measures):
                measures = read_under_heading(c.text, c.kind, previous[c.kind]) or measures
                lost = unread(lost, measures)
        except Exception as exc:  # a bug in the measure reader loses that criterion's ranges, never the record
            measures, lost = [], []
            issues.append(Issue("criterion_measure", "WARNING",
                                f"{cid}: ranges not read ({type(exc).__name__}: {exc}) from {c.text[:200]!r}"))
        for written in lost:
            issues.append(Issue("criterion_measure", "WARNING",
                                f"{cid}: no range read from {written!r}: '=' stands where ≥ or ≤ belongs (both "
                                "become '=' when a text passes through an encoding without them; the registry's own "
                                "record may keep them)"))
        cids.append(cid)
        read.append(measures)
        previous[c.kind] = c.text
    try:
        read = as_listed([(c.kind, c.text) for c in t.criteria], [c.marker for c in t.criteria], read)
        together = across_criteria(read)
    except Exception as exc:  # as above: each criterion's ranges stay as it read them
        together = read
        issues.append(Issue("criterion_measure", "WARNING",
                            f"{tid}: criteria not read together ({type(exc).__name__}: {exc})"))
    measure_rows = [(f"{cid}:measure:{n}", cid, tid, m.variable, m.lower_value, m.lower_inclusive, m.upper_value,
                     m.upper_inclusive, m.unit, m.raw_value, m.raw_unit, m.source_text, m.condition_text,
                     m.applies_to_sex, m.condition_kind, tag)
                    for cid, measures in zip(cids, together, strict=True) for n, m in enumerate(measures, start=1)]
    # the general ages before `across_criteria` marks the disjoint ones: those are what may contradict each other
    ages = [m for measures in read for m in measures if m.variable == "age" and m.condition_text is None]
    return criteria, measure_rows, ages


def _criteria_age_range(ages: list[Measure], issues: list[Issue]) -> tuple[float | None, float | None]:
    """The trial's age range from its criteria's general age bounds, for a record that states none (the next best
    statement), unless they contradict each other (a parent's "18 or older" beside the infants' "under 6": read
    together, such bounds are alternatives, but none of them is the trial's age range)."""
    lows = {m.lower_value for m in ages if m.lower_value is not None}
    highs = {m.upper_value for m in ages if m.upper_value is not None}
    shut = any(wholly_below(m, n) for m in ages for n in ages)  # `≤ 50` beside `> 50`: no age meets both
    if len(lows) > 1 or len(highs) > 1 or shut:
        issues.append(Issue("min_age_years", "WARNING", "ages in the criteria contradict each other "
                            f"(lower bounds {sorted(lows)}, upper bounds {sorted(highs)}): no age derived"))
        return None, None
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _outcome_rows(t: ParsedTrial, tid: str, tag: str) -> list[tuple]:
    """Outcome rows, numbered within each kind."""
    out: list[tuple] = []
    per_kind: dict[str, int] = {}
    for o in t.outcomes:
        per_kind[o.kind] = per_kind.get(o.kind, 0) + 1
        out.append((f"{tid}:{o.kind.lower()}_outcome:{per_kind[o.kind]}", tid, o.kind, per_kind[o.kind], o.measure,
                    o.description, o.time_frame, tag))
    return out


def _site_and_country_rows(t: ParsedTrial, tid: str, tag: str, issues: list[Issue]) -> tuple[list[tuple], list[tuple]]:
    """Site rows with their country code and a point (the registry's, else the gazetteer's), and one country row per
    country of a site or of the registry's list; a country name not recognised goes to `issues`."""
    sites: list[tuple] = []
    countries: dict[str, tuple] = {}
    for ordinal, s in enumerate(t.sites, start=1):
        code = geo.country_code(s.country)
        point, geo_source = None, None
        if s.latitude is not None and s.longitude is not None:
            point, geo_source = (s.latitude, s.longitude), "REGISTRY"
        elif code and (point := geo.locate(s.city, s.state, code)):
            geo_source = "GEONAMES"
        sites.append((f"{tid}:site:{ordinal}", tid, ordinal, s.facility, s.city, s.state, s.zip, s.country, s.status,
                      code, point[0] if point else None, point[1] if point else None, geo_source, tag))
        if code and code not in countries:
            countries[code] = (tid, code, geo.country_name(code), "SITE", False, tag)
    for listing in t.countries:
        code = geo.country_code(listing.name)
        if code is None:
            issues.append(Issue("trial_country", "WARNING", f"country not recognised: {listing.name!r}"))
        elif code not in countries:
            countries[code] = (tid, code, geo.country_name(code), "REGISTRY", listing.removed, tag)
    return sites, list(countries.values())


def _registry_rows(t: ParsedTrial, tid: str, tag: str) -> dict[str, list[tuple]]:
    """The registry's own statements about the trial: identifiers, sponsors and MeSH terms, each once."""
    return {
        "trial_identifier": [(tid, i.identifier, i.registry, i.id_type, ids.key_of(i.identifier), tag)
                             for i in _first_of_each(t.identifiers, lambda i: i.identifier)],
        "sponsor": [(tid, ordinal, sp.name, sp.role, sp.agency_class, tag)
                    for ordinal, sp in enumerate(t.sponsors, start=1)],
        "condition_mesh": [(tid, m.mesh_id, m.term, m.relation, "REGISTRY", tag)
                           for m in _first_of_each(t.condition_mesh, lambda m: (m.mesh_id, m.relation))],
        "intervention_mesh": [(tid, m.mesh_id, m.term, m.relation, "REGISTRY", tag)
                              for m in _first_of_each(t.intervention_mesh, lambda m: (m.mesh_id, m.relation))],
        "mesh_leaf": [(tid, leaf.as_found, leaf.mesh_id, leaf.term, tag)
                      for leaf in _first_of_each(t.mesh_leaves, lambda leaf: (leaf.as_found, leaf.mesh_id))],
        "mesh_heading": [(tid, h.applies_to, h.term, tag)
                         for h in _first_of_each(t.mesh_headings, lambda h: (h.applies_to, h.term))],
    }


def _first_of_each(items: Iterable[_T], key: Callable[[_T], Hashable]) -> list[_T]:
    """The items in order, without those whose key an earlier item had."""
    first: dict[Hashable, _T] = {}
    for item in items:
        first.setdefault(key(item), item)
    return list(first.values())


def shape_batch(records: Iterable[SourceRecord]) -> dict[str, pa.Table]:
    """Arrow staging tables (one per star table, `_record` column included) for a batch of source records."""
    merged: dict[str, list[tuple]] = {tbl.name: [] for tbl in STAGED_TABLES}
    for rec in records:
        for name, rows in _trial_rows(rec).items():
            merged[name].extend(rows)
    return {name: _table(rows, _STAGING_SCHEMAS[name]) for name, rows in merged.items()}


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """The Arrow table of rows holding every column in the schema's order, transposed in C rather than per cell."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                                schema=schema)
