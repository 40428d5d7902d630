"""Read-only queries behind the dashboard: where to open the warehouse, filters as SQL, one DataFrame per view.

Nothing here imports Streamlit: every function takes a DuckDB connection (opened read-only by `open_warehouse`)
and returns plain values or pandas DataFrames, so the queries are unit-tested on a small warehouse in tmp_path.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from schemas.vocabularies import AgencyClass, IdType, Phase, Registry, Status, label_of
from warehouse.publish import snapshot_path

WAREHOUSE_ENV = "TRIALHOUSE_WAREHOUSE"
DEFAULT_WAREHOUSE = Path("warehouse/trials.duckdb")
UNSTATED = "UNSTATED"  # the marts' code for a status / phase / country the source does not state

REQUIRED_MARTS = ("mart_trial_summary", "mart_trials_by_status_phase", "mart_sites_by_country",
                  "mart_enrollment_by_condition", "mart_interventions_by_type_year", "mart_ingest_quality",
                  "mart_quarantined_files", "mart_trials_by_sponsor_class", "mart_trials_by_therapeutic_area",
                  "mart_trials_by_registry", "mart_ingest_issues")
# Columns a mart gained in a later version (a warehouse built before has the view without them).
REQUIRED_MART_COLUMNS = {"mart_sites_by_country": ("country_code", "latitude", "longitude"),
                         "mart_ingest_quality": ("records_with_issues",)}

# Display labels and order come from the vocabularies (schemas/vocabularies.py), plus the marts' UNSTATED.
STATUS_LABELS = {**{s.value: s.label for s in Status}, UNSTATED: "Not stated"}
PHASE_LABELS = {**{p.value: p.label for p in Phase}, UNSTATED: "Not stated"}
STATUS_ORDER = (*Status.codes(), UNSTATED)
PHASE_ORDER = (*Phase.codes(), UNSTATED)
AGENCY_CLASS_ORDER = (*AgencyClass.codes(), UNSTATED)
AGENCY_CLASS_LABELS = {**{a.value: a.label for a in AgencyClass}, UNSTATED: "Not stated"}


def agency_class_label(code: str | None) -> str:
    """An agency class's label in that vocabulary's wording (its UNKNOWN is no `Unknown status`)."""
    return AGENCY_CLASS_LABELS.get(code or "") or label(code)
REGISTRY_ORDER = (*Registry.codes(), UNSTATED)
ID_TYPE_ORDER = IdType.codes()

# Statuses folded into four groups for stacked charts.
STATUS_GROUPS = {
    "Open / active": ("NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING",
                      "AVAILABLE", "TEMPORARILY_NOT_AVAILABLE"),
    "Completed": ("COMPLETED", "APPROVED_FOR_MARKETING"),
    "Stopped": ("SUSPENDED", "TERMINATED", "WITHDRAWN", "NO_LONGER_AVAILABLE", "WITHHELD"),
    "Unknown / not stated": ("UNKNOWN", UNSTATED),
}
STATUS_GROUP_OF = {status: group for group, members in STATUS_GROUPS.items() for status in members}

# Enrollment buckets (upper bound inclusive, label): roughly logarithmic, since enrollment spans 0 to 100,000+;
# each bucket starts above the previous bound ("≤50" is 21–50), labels short enough for a half-width chart.
ENROLLMENT_BUCKETS = ((0, "0"), (20, "≤20"), (50, "≤50"), (100, "≤100"), (250, "≤250"), (500, "≤500"),
                      (1000, "≤1k"), (5000, "≤5k"), (None, ">5k"))


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be opened for reading; the message says why and what to do, in one or two sentences."""


@dataclass(frozen=True, slots=True)
class Source:
    """The DuckDB file the dashboard reads: the published snapshot, or the warehouse itself."""

    warehouse: Path
    path: Path
    is_snapshot: bool
    modified_at: datetime

    @property
    def cache_key(self) -> tuple[str, int, int]:
        """Changes whenever the file is replaced or rewritten (cached query results then expire)."""
        stat = self.path.stat()
        return (str(self.path), stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the sidebar selects; empty means no restriction, UNSTATED selects trials that do not state the value."""

    statuses: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    condition_text: str = ""
    countries: tuple[str, ...] = ()  # ISO codes of countries the trial runs in (trial_country)
    mesh_terms: tuple[str, ...] = ()  # condition MeSH headings, the trial's own or broader ones above them
    agency_classes: tuple[str, ...] = ()  # the lead sponsor's agency class
    registries: tuple[str, ...] = ()  # registries the trial is registered in (own or another registry's ID)

    @property
    def active(self) -> bool:
        return bool(self.statuses or self.phases or self.condition_text.strip() or self.countries or self.mesh_terms
                    or self.agency_classes or self.registries)


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The values present among current trials, in display order."""

    statuses: list[str]
    phases: list[str]
    countries: dict[str, str]  # code → canonical name, by name (UNSTATED last)
    mesh_terms: list[str]
    agency_classes: list[str]
    registries: list[str]


@dataclass(slots=True)
class TrialDetail:
    """Everything the trial page shows about one trial."""

    trial: dict[str, Any]
    conditions: list[str]
    arms: pd.DataFrame
    interventions: pd.DataFrame
    criteria: pd.DataFrame
    outcomes: pd.DataFrame
    sites: pd.DataFrame
    sources: pd.DataFrame
    identifiers: pd.DataFrame
    sponsors: pd.DataFrame
    mesh_terms: pd.DataFrame
    therapeutic_areas: list[str]
    countries: pd.DataFrame
    issues: pd.DataFrame


def warehouse_from_env() -> Path:
    """The warehouse the app was started on: $TRIALHOUSE_WAREHOUSE, else the project default."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def resolve_source(warehouse: Path) -> Source:
    """The published snapshot beside the warehouse when there is one (readers never contend with the writer),
    else the warehouse file itself; raise WarehouseUnavailable when neither exists."""
    snapshot = snapshot_path(warehouse)
    for path, is_snapshot in ((snapshot, True), (warehouse, False)):
        if path.is_file():
            return Source(warehouse, path, is_snapshot, datetime.fromtimestamp(path.stat().st_mtime))
    raise WarehouseUnavailable(
        f"No warehouse at {warehouse}. Load one first: `trialhouse ingest SOURCE_DIR --warehouse {warehouse}`.")


def open_warehouse(warehouse: Path) -> tuple[duckdb.DuckDBPyConnection, Source]:
    """Open the snapshot (or the warehouse) read-only; turn DuckDB's errors into a message for people."""
    source = resolve_source(warehouse)
    try:
        return duckdb.connect(str(source.path), read_only=True), source
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise WarehouseUnavailable(
                f"The warehouse {source.path} is being written by another process (an ingest run is loading it) and "
                f"no read-only snapshot has been published yet. Try again when the run has finished: every run "
                f"publishes {snapshot_path(warehouse).name} beside the warehouse, which the dashboard then reads "
                f"without ever waiting for the writer.") from None
        if "not a valid DuckDB database" in text or "version" in text.lower():
            raise WarehouseUnavailable(f"{source.path} is not a DuckDB 2.x warehouse this dashboard can read: {text}") from None
        raise WarehouseUnavailable(f"Could not open {source.path} read-only: {text}") from None


def missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Marts the dashboard needs that this warehouse lacks, or has without a column it needs (built by an older
    version: re-run ingest)."""
    columns: dict[str, set[str]] = {}
    for view, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() c JOIN duckdb_views() v "
                                    "ON v.view_name = c.table_name AND v.schema_name = c.schema_name "
                                    "WHERE NOT v.internal").fetchall():
        columns.setdefault(view, set()).add(column)
    return [m for m in REQUIRED_MARTS
            if m not in columns or not set(REQUIRED_MART_COLUMNS.get(m, ())) <= columns[m]]


def _missing(code: object) -> bool:
    return code is None or not isinstance(code, str) or code == ""  # None, or NaN from a DataFrame


def label(code: str | None) -> str:
    """A readable label for a status, phase or other enum code ('Not stated' when missing)."""
    if _missing(code):
        return STATUS_LABELS[UNSTATED]
    assert isinstance(code, str)
    return STATUS_LABELS.get(code) or PHASE_LABELS.get(code) or label_of(code)


def phase_label(code: str | None) -> str:
    """Phase codes have their own wording (NA is 'Not applicable', not 'Not available')."""
    return PHASE_LABELS.get(UNSTATED if _missing(code) else code) or label(code)  # type: ignore[arg-type]


def label_or_none(code: str | None) -> str | None:
    """label() for a present code, None for a missing one (a blank table cell rather than 'Not stated')."""
    return None if _missing(code) else label(code)


def _ordered(values: list[str], order: tuple[str, ...]) -> list[str]:
    rank = {v: i for i, v in enumerate(order)}
    return sorted(values, key=lambda v: (rank.get(v, len(rank)), v))


# ---------------------------------------------------------------- filters

# A trial's values of a many-valued attribute, as a list ([UNSTATED] when it has none): filters match any of them.
_TRIAL_VALUES = {
    "countries": "SELECT list(DISTINCT x.country_code) FROM trial_country x WHERE x.trial_id = {a}.trial_id "
                 "AND NOT x.removed",
    "mesh_terms": "SELECT list(DISTINCT x.term) FROM condition_mesh x WHERE x.trial_id = {a}.trial_id",
    "agency_classes": f"SELECT list(DISTINCT coalesce(x.agency_class, '{UNSTATED}')) FROM sponsor x "
                      "WHERE x.trial_id = {a}.trial_id AND x.role = 'LEAD'",
    # as mart_trials_by_registry counts them: the trial's own IDs and other registries' IDs of it
    "registries": f"SELECT list(DISTINCT coalesce(x.registry, '{UNSTATED}')) FROM trial_identifier x "
                  "WHERE x.trial_id = {a}.trial_id AND x.id_type IN ('PRIMARY', 'REGISTRY')",
}


def where_clause(filters: Filters, alias: str = "t") -> tuple[str, list[Any]]:
    """SQL `WHERE …` over mart_trial_summary (as `alias`) and its parameters; '' when nothing is selected."""
    parts: list[str] = []
    params: list[Any] = []
    if filters.statuses:
        parts.append(f"list_contains(?::VARCHAR[], coalesce({alias}.overall_status, '{UNSTATED}'))")
        params.append(list(filters.statuses))
    if filters.phases:
        parts.append(f"list_contains(?::VARCHAR[], coalesce({alias}.phase, '{UNSTATED}'))")
        params.append(list(filters.phases))
    text = " ".join(filters.condition_text.split()).lower()
    if text:
        # contains(), not LIKE: a '%' or '_' the user types is matched literally.
        parts.append(f"EXISTS (SELECT 1 FROM condition c WHERE c.trial_id = {alias}.trial_id "
                     f"AND contains(lower(c.name), ?))")
        params.append(text)
    for name, values_sql in _TRIAL_VALUES.items():
        selected = getattr(filters, name)
        if selected:
            parts.append(f"list_has_any(?::VARCHAR[], coalesce(({values_sql.format(a=alias)}), ['{UNSTATED}']))")
            params.append(list(selected))
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def _scoped(filters: Filters, sql: str) -> tuple[str, list[Any]]:
    """Prefix `sql` with a CTE `scope`: the current trials the filters select (rows of mart_trial_summary)."""
    where, params = where_clause(filters)
    return f"WITH scope AS (SELECT * FROM mart_trial_summary t {where})\n{sql}", params


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    return [r[0] for r in con.execute(sql).fetchall()]


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """Statuses, phases, countries, condition MeSH terms, lead-sponsor classes and registries of current trials."""
    statuses = _column(con, f"SELECT DISTINCT coalesce(overall_status, '{UNSTATED}') FROM mart_trial_summary")
    phases = _column(con, f"SELECT DISTINCT coalesce(phase, '{UNSTATED}') FROM mart_trial_summary")
    countries = dict(con.execute(f"""
        SELECT code, name FROM (
            SELECT coalesce(c.country_code, '{UNSTATED}') AS code, coalesce(min(c.country_name), '{UNSTATED}') AS name
            FROM mart_trial_summary t LEFT JOIN trial_country c ON c.trial_id = t.trial_id AND NOT c.removed
            GROUP BY 1)
        ORDER BY code = '{UNSTATED}', name""").fetchall())
    mesh_terms = _column(con, """
        SELECT DISTINCT m.term FROM condition_mesh m JOIN mart_trial_summary t USING (trial_id)
        WHERE m.term IS NOT NULL ORDER BY lower(m.term)""")
    classes = _column(con, f"""
        SELECT DISTINCT coalesce(s.agency_class, '{UNSTATED}') FROM mart_trial_summary t
        LEFT JOIN sponsor s ON s.trial_id = t.trial_id AND s.role = 'LEAD'""")
    registries = _column(con, f"""
        SELECT DISTINCT coalesce(i.registry, '{UNSTATED}') FROM mart_trial_summary t
        LEFT JOIN trial_identifier i ON i.trial_id = t.trial_id AND i.id_type IN ('PRIMARY', 'REGISTRY')""")
    return FilterOptions(_ordered(statuses, STATUS_ORDER), _ordered(phases, PHASE_ORDER), countries, mesh_terms,
                         _ordered(classes, AGENCY_CLASS_ORDER), _ordered(registries, REGISTRY_ORDER))


# ---------------------------------------------------------------- overview (filtered)

def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Headline numbers for the selected trials."""
    sql, params = _scoped(filters, """
        SELECT count(*) AS trials,
               count(*) FILTER (WHERE overall_status = 'RECRUITING') AS recruiting,
               sum(enrollment) AS total_enrollment,
               median(enrollment) AS median_enrollment,
               coalesce(sum(site_count), 0) AS sites,
               (SELECT count(s.latitude) FROM site s JOIN scope USING (trial_id)) AS located_sites,
               (SELECT count(DISTINCT c.country_code) FROM trial_country c JOIN scope USING (trial_id)
                 WHERE NOT c.removed) AS countries,
               (SELECT count(DISTINCT lower(c.name)) FROM condition c JOIN scope USING (trial_id)) AS conditions
        FROM scope""")
    cur = con.execute(sql, params)
    row = cur.fetchone()
    assert row is not None
    return dict(zip([d[0] for d in cur.description or []], row, strict=True))


def status_phase_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Trials per overall status × phase (codes; UNSTATED for missing), in vocabulary order."""
    sql, params = _scoped(filters, f"""
        SELECT coalesce(overall_status, '{UNSTATED}') AS overall_status, coalesce(phase, '{UNSTATED}') AS phase,
               count(*) AS trial_count
        FROM scope GROUP BY ALL""")
    df = _df(con, sql, params)
    rank_s = {v: i for i, v in enumerate(STATUS_ORDER)}
    rank_p = {v: i for i, v in enumerate(PHASE_ORDER)}
    df = df.assign(_s=df.overall_status.map(rank_s), _p=df.phase.map(rank_p))
    return df.sort_values(["_s", "_p"]).drop(columns=["_s", "_p"]).reset_index(drop=True)


def trials_per_start_year(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Trials per start year and status group (trials without a start date are left out)."""
    sql, params = _scoped(filters, f"""
        SELECT start_year, coalesce(overall_status, '{UNSTATED}') AS overall_status, count(*) AS trial_count
        FROM scope WHERE start_year IS NOT NULL GROUP BY ALL""")
    df = _df(con, sql, params)
    df["status_group"] = df.overall_status.map(STATUS_GROUP_OF).fillna("Unknown / not stated")
    out = df.groupby(["start_year", "status_group"], as_index=False)["trial_count"].sum()
    return out.sort_values(["start_year", "status_group"]).reset_index(drop=True)


def sites_per_country(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int | None = 20) -> pd.DataFrame:
    """Sites of the selected trials per country code (canonical name as mart_sites_by_country gives it; UNSTATED
    when not recognisable), most sites first: trials, recruiting trials, and the centroid of the located sites."""
    sql, params = _scoped(filters, f"""
        SELECT * FROM (
            SELECT coalesce(s.country_code, '{UNSTATED}') AS country_code,
                   coalesce(any_value(m.country), '{UNSTATED}') AS country, count(*) AS site_count,
                   count(DISTINCT s.trial_id) AS trial_count,
                   count(DISTINCT s.trial_id) FILTER (WHERE scope.overall_status = 'RECRUITING')
                       AS recruiting_trial_count,
                   count(s.latitude) AS located_site_count, avg(s.latitude) AS latitude, avg(s.longitude) AS longitude
            FROM site s JOIN scope USING (trial_id)
            LEFT JOIN mart_sites_by_country m ON m.country_code = coalesce(s.country_code, '{UNSTATED}')
            GROUP BY ALL)
        ORDER BY site_count DESC, country_code = '{UNSTATED}', country LIMIT ?""")
    return _df(con, sql, [*params, limit])


def site_places(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 3000) -> pd.DataFrame:
    """Located sites of the selected trials per place (coordinates rounded to 0.01°, about 1 km): the commonest city
    name there, its country, sites, trials and recruiting trials; the places with most trials first."""
    sql, params = _scoped(filters, f"""
        SELECT round(s.latitude, 2) AS latitude, round(s.longitude, 2) AS longitude, mode(s.city) AS city,
               coalesce(mode(m.country), '{UNSTATED}') AS country, count(*) AS site_count,
               count(DISTINCT s.trial_id) AS trial_count,
               count(DISTINCT s.trial_id) FILTER (WHERE scope.overall_status = 'RECRUITING') AS recruiting_trial_count
        FROM site s JOIN scope USING (trial_id)
        LEFT JOIN mart_sites_by_country m ON m.country_code = coalesce(s.country_code, '{UNSTATED}')
        WHERE s.latitude IS NOT NULL AND s.longitude IS NOT NULL
        GROUP BY 1, 2 ORDER BY trial_count DESC, site_count DESC, latitude, longitude LIMIT ?""")
    return _df(con, sql, [*params, limit])


def enrollment_distribution(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Trials per enrollment bucket (all buckets, zero-filled; trials without enrollment are left out)."""
    cases = " ".join(f"WHEN enrollment <= {hi} THEN {i}" for i, (hi, _) in enumerate(ENROLLMENT_BUCKETS) if hi is not None)
    sql, params = _scoped(filters, f"""
        SELECT CASE {cases} ELSE {len(ENROLLMENT_BUCKETS) - 1} END AS bucket_order, count(*) AS trial_count
        FROM scope WHERE enrollment IS NOT NULL GROUP BY ALL""")
    counts = dict(con.execute(sql, params).fetchall())
    return pd.DataFrame({"bucket": [lbl for _, lbl in ENROLLMENT_BUCKETS],
                         "trial_count": [int(counts.get(i, 0)) for i in range(len(ENROLLMENT_BUCKETS))]})


# ---------------------------------------------------------------- trials

TRIAL_LIST_COLUMNS = ("trial_id", "title", "overall_status", "phase", "enrollment", "start_date", "conditions",
                      "site_count", "countries", "lead_sponsor", "registry")
# The list's countries are the canonical names of the countries the trial runs in (not the sites' spellings).
_LIST_SELECT = """
    SELECT scope.* EXCLUDE (countries),
           (SELECT string_agg(c.country_name, '; ' ORDER BY c.country_name) FROM trial_country c
             WHERE c.trial_id = scope.trial_id AND NOT c.removed) AS countries,
           (SELECT x.registry FROM trial x WHERE x.trial_id = scope.trial_id) AS registry
    FROM scope
    WHERE ? = '' OR contains(lower(trial_id || ' ' || coalesce(title, '')), ?)
       OR EXISTS (SELECT 1 FROM trial_identifier i WHERE i.trial_id = scope.trial_id
                  AND contains(lower(i.identifier), ?))"""


def trial_list(con: duckdb.DuckDBPyConnection, filters: Filters, search: str = "", limit: int = 1000) -> pd.DataFrame:
    """The selected trials (newest start first), optionally narrowed by words of the title or any of its IDs."""
    sql, params = _scoped(filters, f"""
        SELECT {', '.join(TRIAL_LIST_COLUMNS)} FROM ({_LIST_SELECT})
        ORDER BY start_date DESC NULLS LAST, trial_id LIMIT ?""")
    needle = " ".join(search.split()).lower()
    return _df(con, sql, [*params, needle, needle, needle, limit])


def count_trials(con: duckdb.DuckDBPyConnection, filters: Filters, search: str = "") -> int:
    """How many trials `trial_list` would return without its limit."""
    sql, params = _scoped(filters, f"SELECT count(*) FROM ({_LIST_SELECT})")
    needle = " ".join(search.split()).lower()
    row = con.execute(sql, [*params, needle, needle, needle]).fetchone()
    return int(row[0]) if row else 0


def trial_detail(con: duckdb.DuckDBPyConnection, trial_id: str) -> TrialDetail | None:
    """One trial with its children, identifiers, sponsors, MeSH terms, countries, the files it was read from and
    the parts of its record that could not be read."""
    cur = con.execute("SELECT * FROM trial WHERE trial_id = ?", [trial_id])
    row = cur.fetchone()
    if row is None:
        return None
    trial = dict(zip([d[0] for d in cur.description or []], row, strict=True))
    conditions = [r[0] for r in con.execute(
        "SELECT name FROM condition WHERE trial_id = ? ORDER BY ordinal", [trial_id]).fetchall()]
    arms = _df(con, """
        SELECT a.ordinal, a.label, a.arm_type, a.description,
               string_agg(i.name, '; ' ORDER BY i.ordinal) AS interventions
        FROM arm a
        LEFT JOIN arm_intervention ai ON ai.arm_id = a.arm_id
        LEFT JOIN intervention i ON i.intervention_id = ai.intervention_id
        WHERE a.trial_id = ? GROUP BY ALL ORDER BY a.ordinal""", [trial_id])
    interventions = _df(con, """
        SELECT ordinal, intervention_type, name, description FROM intervention
        WHERE trial_id = ? ORDER BY ordinal""", [trial_id])
    criteria = _df(con, """
        SELECT kind, ordinal, text FROM criterion WHERE trial_id = ?
        ORDER BY kind = 'EXCLUSION', ordinal""", [trial_id])
    outcomes = _df(con, """
        SELECT kind, ordinal, measure, time_frame, description FROM outcome WHERE trial_id = ?
        ORDER BY CASE kind WHEN 'PRIMARY' THEN 0 WHEN 'SECONDARY' THEN 1 ELSE 2 END, ordinal""", [trial_id])
    sites = _df(con, """
        SELECT s.facility, s.city, s.state, s.zip, s.country, c.country_name, s.status, s.latitude, s.longitude,
               s.geo_source
        FROM site s LEFT JOIN trial_country c ON c.trial_id = s.trial_id AND c.country_code = s.country_code
        WHERE s.trial_id = ?
        ORDER BY c.country_name NULLS LAST, s.country NULLS LAST, s.city NULLS LAST, s.ordinal""", [trial_id])
    sources = _df(con, """
        SELECT r.file_path, r.status, f.layout, f.encoding, r.error, f.last_seen_at
        FROM ingest_record r
        LEFT JOIN ingest_file f ON f.file_path = r.file_path AND f.file_sha256 = r.file_sha256
        WHERE r.trial_id = ? AND coalesce(f.status, '') NOT IN ('REMOVED', 'REPLACED')
        ORDER BY r.status <> 'LOADED', r.file_path""", [trial_id])
    identifiers = _df(con, """
        SELECT identifier, registry, id_type FROM trial_identifier WHERE trial_id = ?
        ORDER BY array_position(?::VARCHAR[], id_type), registry NULLS LAST, identifier""",
                      [trial_id, list(ID_TYPE_ORDER)])
    sponsors = _df(con, """
        SELECT ordinal, name, role, agency_class FROM sponsor WHERE trial_id = ?
        ORDER BY role <> 'LEAD', ordinal""", [trial_id])
    mesh_terms = _df(con, """
        SELECT 'CONDITION' AS applies_to, term, mesh_id, relation, source FROM condition_mesh WHERE trial_id = ?
        UNION ALL
        SELECT 'INTERVENTION', term, mesh_id, relation, source FROM intervention_mesh WHERE trial_id = ?
        ORDER BY applies_to, relation <> 'DIRECT', lower(term) NULLS LAST, mesh_id""", [trial_id, trial_id])
    areas = [r[0] for r in con.execute("""
        SELECT d.label FROM dim_therapeutic_area d JOIN condition_mesh m USING (mesh_id) WHERE m.trial_id = ?
        GROUP BY d.label ORDER BY min(d.sort_order)""", [trial_id]).fetchall()]
    countries = _df(con, """
        SELECT country_name, country_code, source, removed FROM trial_country WHERE trial_id = ?
        ORDER BY removed, country_name""", [trial_id])
    issues = _df(con, """
        SELECT ordinal, field, severity, message, source_file FROM ingest_issue WHERE trial_id = ?
        ORDER BY severity <> 'ERROR', ordinal""", [trial_id])
    return TrialDetail(trial, conditions, arms, interventions, criteria, outcomes, sites, sources, identifiers,
                       sponsors, mesh_terms, areas, countries, issues)
