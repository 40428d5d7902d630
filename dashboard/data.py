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

from schemas.vocabularies import Phase, Status, label_of
from warehouse.publish import snapshot_path

WAREHOUSE_ENV = "TRIALHOUSE_WAREHOUSE"
DEFAULT_WAREHOUSE = Path("warehouse/trials.duckdb")
UNSTATED = "UNSTATED"  # the marts' code for a status / phase / country the source does not state

REQUIRED_MARTS = ("mart_trial_summary", "mart_trials_by_status_phase", "mart_sites_by_country",
                  "mart_enrollment_by_condition", "mart_interventions_by_type_year", "mart_ingest_quality",
                  "mart_quarantined_files")

# Display labels and order come from the vocabularies (schemas/vocabularies.py), plus the marts' UNSTATED.
STATUS_LABELS = {**{s.value: s.label for s in Status}, UNSTATED: "Not stated"}
PHASE_LABELS = {**{p.value: p.label for p in Phase}, UNSTATED: "Not stated"}
STATUS_ORDER = (*Status.codes(), UNSTATED)
PHASE_ORDER = (*Phase.codes(), UNSTATED)

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
    """What the sidebar selects; empty means no restriction."""

    statuses: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    condition_text: str = ""
    countries: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.statuses or self.phases or self.condition_text.strip() or self.countries)


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The values present in the warehouse, in display order."""

    statuses: list[str]
    phases: list[str]
    countries: list[str]


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
    """Marts the dashboard needs that this warehouse does not have (built by an older version: re-run ingest)."""
    present = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    return [m for m in REQUIRED_MARTS if m not in present]


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
    if filters.countries:
        parts.append(f"EXISTS (SELECT 1 FROM site s WHERE s.trial_id = {alias}.trial_id "
                     f"AND list_contains(?::VARCHAR[], coalesce(s.country, '{UNSTATED}')))")
        params.append(list(filters.countries))
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def _scoped(filters: Filters, sql: str) -> tuple[str, list[Any]]:
    """Prefix `sql` with a CTE `scope`: the current trials the filters select (rows of mart_trial_summary)."""
    where, params = where_clause(filters)
    return f"WITH scope AS (SELECT * FROM mart_trial_summary t {where})\n{sql}", params


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """Statuses, phases and site countries present among current trials."""
    statuses = [r[0] for r in con.execute(
        f"SELECT DISTINCT coalesce(overall_status, '{UNSTATED}') FROM mart_trial_summary").fetchall()]
    phases = [r[0] for r in con.execute(
        f"SELECT DISTINCT coalesce(phase, '{UNSTATED}') FROM mart_trial_summary").fetchall()]
    countries = [r[0] for r in con.execute(
        "SELECT country FROM mart_sites_by_country ORDER BY country = 'UNSTATED', country").fetchall()]
    return FilterOptions(_ordered(statuses, STATUS_ORDER), _ordered(phases, PHASE_ORDER), countries)


# ---------------------------------------------------------------- overview (filtered)

def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Headline numbers for the selected trials."""
    sql, params = _scoped(filters, """
        SELECT count(*) AS trials,
               count(*) FILTER (WHERE overall_status = 'RECRUITING') AS recruiting,
               sum(enrollment) AS total_enrollment,
               median(enrollment) AS median_enrollment,
               coalesce(sum(site_count), 0) AS sites,
               (SELECT count(DISTINCT s.country) FROM site s JOIN scope USING (trial_id)) AS countries,
               (SELECT count(DISTINCT lower(c.name)) FROM condition c JOIN scope USING (trial_id)) AS conditions
        FROM scope""")
    row = con.execute(sql, params).fetchone()
    assert row is not None
    keys = ("trials", "recruiting", "total_enrollment", "median_enrollment", "sites", "countries", "conditions")
    return dict(zip(keys, row, strict=True))


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


def sites_per_country(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 20) -> pd.DataFrame:
    """The countries with most sites among the selected trials: sites, trials, recruiting trials."""
    sql, params = _scoped(filters, f"""
        SELECT coalesce(s.country, '{UNSTATED}') AS country, count(*) AS site_count,
               count(DISTINCT s.trial_id) AS trial_count,
               count(DISTINCT s.trial_id) FILTER (WHERE scope.overall_status = 'RECRUITING') AS recruiting_trial_count
        FROM site s JOIN scope USING (trial_id)
        GROUP BY ALL ORDER BY site_count DESC, country LIMIT ?""")
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
                      "site_count", "countries", "lead_sponsor")


def trial_list(con: duckdb.DuckDBPyConnection, filters: Filters, search: str = "", limit: int = 1000) -> pd.DataFrame:
    """The selected trials (newest start first), optionally narrowed by words in the trial id or title."""
    sql, params = _scoped(filters, f"""
        SELECT {', '.join(TRIAL_LIST_COLUMNS)} FROM scope
        WHERE ? = '' OR contains(lower(trial_id || ' ' || coalesce(title, '')), ?)
        ORDER BY start_date DESC NULLS LAST, trial_id LIMIT ?""")
    needle = " ".join(search.split()).lower()
    return _df(con, sql, [*params, needle, needle, limit])


def count_trials(con: duckdb.DuckDBPyConnection, filters: Filters, search: str = "") -> int:
    """How many trials `trial_list` would return without its limit."""
    sql, params = _scoped(filters, """
        SELECT count(*) FROM scope WHERE ? = '' OR contains(lower(trial_id || ' ' || coalesce(title, '')), ?)""")
    needle = " ".join(search.split()).lower()
    row = con.execute(sql, [*params, needle, needle]).fetchone()
    return int(row[0]) if row else 0


def trial_detail(con: duckdb.DuckDBPyConnection, trial_id: str) -> TrialDetail | None:
    """One trial with its arms, interventions, criteria, outcomes, sites and the files it was read from."""
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
        SELECT facility, city, state, zip, country, status FROM site WHERE trial_id = ?
        ORDER BY country NULLS LAST, city NULLS LAST, ordinal""", [trial_id])
    sources = _df(con, """
        SELECT r.file_path, r.status, f.layout, f.encoding, r.error, f.last_seen_at
        FROM ingest_record r
        LEFT JOIN ingest_file f ON f.file_path = r.file_path AND f.file_sha256 = r.file_sha256
        WHERE r.trial_id = ? AND coalesce(f.status, '') NOT IN ('REMOVED', 'REPLACED')
        ORDER BY r.status <> 'LOADED', r.file_path""", [trial_id])
    return TrialDetail(trial, conditions, arms, interventions, criteria, outcomes, sites, sources)


# ---------------------------------------------------------------- explore (marts, all current trials)

def top_conditions(con: duckdb.DuckDBPyConnection, limit: int = 25) -> pd.DataFrame:
    """The conditions studied by most current trials (mart_enrollment_by_condition)."""
    return _df(con, "SELECT * FROM mart_enrollment_by_condition ORDER BY trial_count DESC, condition LIMIT ?", [limit])


def interventions_by_type_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Interventions per type × start year (mart_interventions_by_type_year; undated trials left out)."""
    return _df(con, """
        SELECT intervention_type, intervention_type_label, start_year, intervention_count, trial_count
        FROM mart_interventions_by_type_year WHERE start_year IS NOT NULL
        ORDER BY start_year, intervention_type_sort_order NULLS LAST""")


def intervention_type_totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Interventions and trials per type over all years."""
    return _df(con, """
        SELECT intervention_type, any_value(intervention_type_label) AS intervention_type_label,
               sum(intervention_count) AS intervention_count
        FROM mart_interventions_by_type_year GROUP BY ALL ORDER BY intervention_count DESC, intervention_type""")


def sites_by_country(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Trials, sites and recruiting shares per country (mart_sites_by_country), most sites first."""
    return _df(con, "SELECT * FROM mart_sites_by_country ORDER BY site_count DESC, country")


# ---------------------------------------------------------------- data quality

def runs(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The latest ingest runs, newest first (mart_ingest_quality)."""
    return _df(con, "SELECT * FROM mart_ingest_quality ORDER BY started_at DESC, run_id DESC LIMIT ?", [limit])


def quarantined_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Files quarantined whole or in part, with their reasons (mart_quarantined_files), latest first."""
    return _df(con, "SELECT * FROM mart_quarantined_files ORDER BY last_seen_at DESC, file_path")


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantined files per kind of reason."""
    return _df(con, """
        SELECT reason_kind, count(*) AS file_count, sum(quarantined_records) AS quarantined_records
        FROM mart_quarantined_files GROUP BY ALL ORDER BY file_count DESC, reason_kind""")


def files_by_layout(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Files currently in the source per recognised layout × lineage status."""
    return _df(con, """
        SELECT coalesce(layout, '(none)') AS layout, status, count(*) AS file_count
        FROM ingest_file WHERE status NOT IN ('REMOVED', 'REPLACED')
        GROUP BY ALL ORDER BY layout, status""")
