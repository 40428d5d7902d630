"""ParsedTrial → rows of the star tables with deterministic keys, as Arrow tables ready for staging."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import pyarrow as pa

from schemas.derive import RECORD_COLUMN, arrow_schema
from schemas.tables import STAGED_TABLES
from transforms import geo, ids, vocab
from transforms.measures import Measure, extract_measures
from transforms.record import Issue, ParsedTrial

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


# shape_trial fills every column of every row, so the staging tables are built by position (see `_table`).
_STAGING_SCHEMAS = {tbl.name: arrow_schema(tbl, staging=True) for tbl in STAGED_TABLES}


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
    """Rows for every star table from one source record, keyed by table name."""
    t = rec.trial
    tid = trial_key(t, rec.file_sha256, rec.record_index)
    tag = {RECORD_COLUMN: rec.record_key}
    trial_row = {f: getattr(t, f) for f in _TRIAL_FIELDS}
    trial_row.update(trial_id=tid, source_file=rec.file_path, source_layout=t.layout, source_sha256=rec.file_sha256,
                     removed_at=None, run_id=rec.run_id, **tag)
    rows: dict[str, list[dict]] = {tbl.name: [] for tbl in STAGED_TABLES}
    rows["trial"].append(trial_row)

    seen_conditions: set[str] = set()
    for name in t.conditions:
        key = _name_key(name)
        if key and key not in seen_conditions:
            seen_conditions.add(key)
            rows["condition"].append({"trial_id": tid, "ordinal": len(seen_conditions), "name": name, **tag})

    intervention_ids: dict[str, str] = {}
    seen_interventions: set[tuple[str | None, str]] = set()
    for iv in t.interventions:
        dedupe = (iv.intervention_type, _name_key(iv.name))
        if not dedupe[1] or dedupe in seen_interventions:
            continue
        seen_interventions.add(dedupe)
        ordinal = len(seen_interventions)
        iid = f"{tid}:intervention:{ordinal}"
        intervention_ids.setdefault(dedupe[1], iid)
        rows["intervention"].append({"intervention_id": iid, "trial_id": tid, "ordinal": ordinal,
                                     "intervention_type": iv.intervention_type, "name": iv.name,
                                     "description": iv.description, **tag})

    for ordinal, arm in enumerate(t.arms, start=1):
        aid = f"{tid}:arm:{ordinal}"
        rows["arm"].append({"arm_id": aid, "trial_id": tid, "ordinal": ordinal, "label": arm.label,
                            "arm_type": arm.arm_type, "description": arm.description, **tag})
        linked: set[str] = set()
        for name in arm.intervention_names:
            link = intervention_ids.get(_name_key(name)) or intervention_ids.get(_name_key(_strip_type_prefix(name)))
            if link and link not in linked:
                linked.add(link)
                rows["arm_intervention"].append({"trial_id": tid, "arm_id": aid, "intervention_id": link, **tag})

    issues: list[Issue] = list(t.issues)
    per_kind: dict[str, int] = {}
    ages: list[Measure] = []
    for c in t.criteria:
        per_kind[c.kind] = per_kind.get(c.kind, 0) + 1
        cid = f"{tid}:{c.kind.lower()}:{per_kind[c.kind]}"
        rows["criterion"].append({"criterion_id": cid, "trial_id": tid, "kind": c.kind, "ordinal": per_kind[c.kind],
                                  "text": c.text, **tag})
        try:
            measures = extract_measures(c.text, c.kind)
        except Exception as exc:  # a bug in the measure reader loses that criterion's ranges, never the record
            measures = []
            issues.append(Issue("criterion_measure", "WARNING",
                                f"{cid}: ranges not read ({type(exc).__name__}: {exc}) from {c.text[:200]!r}"))
        for n, m in enumerate(measures, start=1):
            rows["criterion_measure"].append({
                "measure_id": f"{cid}:measure:{n}", "criterion_id": cid, "trial_id": tid, "variable": m.variable,
                "lower_value": m.lower_value, "lower_inclusive": m.lower_inclusive, "upper_value": m.upper_value,
                "upper_inclusive": m.upper_inclusive, "unit": m.unit, "raw_value": m.raw_value, "raw_unit": m.raw_unit,
                "source_text": m.source_text, "condition_text": m.condition_text, **tag})
            if m.variable == "age" and m.condition_text is None:
                ages.append(m)
    if t.min_age_years is None and t.max_age_years is None and ages:
        # The record states no structured age: the criteria's general age bound is the next best statement, unless
        # the criteria contradict each other (a parent's "18 or older" beside the infants' "under 6").
        lows = {m.lower_value for m in ages if m.lower_value is not None}
        highs = {m.upper_value for m in ages if m.upper_value is not None}
        low, high = (max(lows) if lows else None), (min(highs) if highs else None)
        if len(lows) > 1 or len(highs) > 1 or (low is not None and high is not None and low > high):
            issues.append(Issue("min_age_years", "WARNING", "ages in the criteria contradict each other "
                                f"(lower bounds {sorted(lows)}, upper bounds {sorted(highs)}): no age derived"))
        else:
            trial_row["min_age_years"], trial_row["max_age_years"] = low, high

    per_kind = {}
    for o in t.outcomes:
        per_kind[o.kind] = per_kind.get(o.kind, 0) + 1
        rows["outcome"].append({"outcome_id": f"{tid}:{o.kind.lower()}_outcome:{per_kind[o.kind]}", "trial_id": tid,
                                "kind": o.kind, "ordinal": per_kind[o.kind], "measure": o.measure,
                                "description": o.description, "time_frame": o.time_frame, **tag})

    countries: dict[str, dict] = {}
    for ordinal, s in enumerate(t.sites, start=1):
        code = geo.country_code(s.country)
        point, geo_source = None, None
        if s.latitude is not None and s.longitude is not None:
            point, geo_source = (s.latitude, s.longitude), "REGISTRY"
        elif code and (point := geo.locate(s.city, s.state, code)):
            geo_source = "GEONAMES"
        rows["site"].append({"site_id": f"{tid}:site:{ordinal}", "trial_id": tid, "ordinal": ordinal,
                             "facility": s.facility, "city": s.city, "state": s.state, "zip": s.zip,
                             "country": s.country, "status": s.status, "country_code": code,
                             "latitude": point[0] if point else None, "longitude": point[1] if point else None,
                             "geo_source": geo_source, **tag})
        if code and code not in countries:
            countries[code] = {"trial_id": tid, "country_code": code, "country_name": geo.country_name(code),
                               "source": "SITE", "removed": False, **tag}
    for listing in t.countries:
        code = geo.country_code(listing.name)
        if code is None:
            issues.append(Issue("trial_country", "WARNING", f"country not recognised: {listing.name!r}"))
        elif code not in countries:
            countries[code] = {"trial_id": tid, "country_code": code, "country_name": geo.country_name(code),
                               "source": "REGISTRY", "removed": listing.removed, **tag}
    rows["trial_country"].extend(countries.values())

    seen_ids: set[str] = set()
    for ident in t.identifiers:
        if ident.identifier not in seen_ids:
            seen_ids.add(ident.identifier)
            known = ids.recognise(ident.identifier)
            rows["trial_identifier"].append({"trial_id": tid, "identifier": ident.identifier,
                                             "registry": ident.registry, "id_type": ident.id_type,
                                             "match_key": known.key if known else None, **tag})
    for ordinal, sp in enumerate(t.sponsors, start=1):
        rows["sponsor"].append({"trial_id": tid, "ordinal": ordinal, "name": sp.name, "role": sp.role,
                                "agency_class": sp.agency_class, **tag})
    for table, terms in (("condition_mesh", t.condition_mesh), ("intervention_mesh", t.intervention_mesh)):
        seen_terms: set[tuple[str, str]] = set()
        for term in terms:
            if (term.mesh_id, term.relation) not in seen_terms:
                seen_terms.add((term.mesh_id, term.relation))
                rows[table].append({"trial_id": tid, "mesh_id": term.mesh_id, "term": term.term,
                                    "relation": term.relation, "source": "REGISTRY", **tag})
    seen_leaves: set[tuple[str, str]] = set()
    for leaf in t.mesh_leaves:
        if (leaf.as_found, leaf.mesh_id) not in seen_leaves:
            seen_leaves.add((leaf.as_found, leaf.mesh_id))
            rows["mesh_leaf"].append({"trial_id": tid, "as_found": leaf.as_found, "mesh_id": leaf.mesh_id,
                                      "term": leaf.term, **tag})
    for ordinal, issue in enumerate(issues, start=1):
        rows["ingest_issue"].append({"trial_id": tid, "ordinal": ordinal, "source_file": rec.file_path,
                                     "field": issue.field, "severity": issue.severity, "message": issue.message, **tag})
    return rows


def shape_batch(records: Iterable[SourceRecord]) -> dict[str, pa.Table]:
    """Arrow staging tables (one per star table, `_record` column included) for a batch of source records."""
    merged: dict[str, list[dict]] = {tbl.name: [] for tbl in STAGED_TABLES}
    for rec in records:
        for name, rows in shape_trial(rec).items():
            merged[name].extend(rows)
    return {name: _table(rows, _STAGING_SCHEMAS[name]) for name, rows in merged.items()}


def _table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """`pa.Table.from_pylist(rows, schema)` for rows holding every column, transposed in C rather than per cell."""
    columns = list(zip(*map(itemgetter(*schema.names), rows), strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                                schema=schema)
