"""Read-only queries on the marts behind the Breakdowns and Data quality pages: all current trials, no sidebar filters.

Like dashboard.data, nothing here imports Streamlit: each function takes a DuckDB connection and returns a DataFrame.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.data import AGENCY_CLASS_ORDER, REGISTRY_ORDER, STATUS_GROUP_OF, STATUS_GROUPS


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _with_status_group(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(status_group=df.overall_status.map(STATUS_GROUP_OF).fillna("Unknown / not stated"))


def _rank(values: pd.Series, order: tuple[str, ...]) -> pd.Series:
    rank = {v: i for i, v in enumerate(order)}
    return values.map(lambda v: rank.get(v, len(rank)))


# ---------------------------------------------------------------- conditions, interventions, sites

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
    """Trials, sites and recruiting shares per country code (mart_sites_by_country), most sites first."""
    return _df(con, "SELECT * FROM mart_sites_by_country ORDER BY site_count DESC, country")


# ---------------------------------------------------------------- sponsors, therapeutic areas, registries

def trials_by_sponsor_class(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Trials per lead-sponsor agency class × phase × status (mart_trials_by_sponsor_class), classes in vocabulary
    order, with each status's group."""
    df = _with_status_group(_df(con, """
        SELECT agency_class, phase, overall_status, trial_count, total_enrollment FROM mart_trials_by_sponsor_class"""))
    df = df.assign(_rank=_rank(df.agency_class, AGENCY_CLASS_ORDER))
    return df.sort_values(["_rank", "phase", "overall_status"]).drop(columns="_rank").reset_index(drop=True)


def trials_by_therapeutic_area(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Trials per therapeutic area × status group over all start years (mart_trials_by_therapeutic_area), areas in
    their MeSH order, UNCLASSIFIED last; a trial under several areas counts in each."""
    df = _with_status_group(_df(con, """
        SELECT area_code, therapeutic_area, sort_order, overall_status, sum(trial_count) AS trial_count
        FROM mart_trials_by_therapeutic_area GROUP BY ALL"""))
    out = df.groupby(["area_code", "therapeutic_area", "sort_order", "status_group"], as_index=False)["trial_count"].sum()
    out["trial_count"] = out.trial_count.astype(int)
    group_rank = {g: i for i, g in enumerate(STATUS_GROUPS)}
    out = out.assign(_g=out.status_group.map(group_rank))
    return out.sort_values(["sort_order", "area_code", "_g"]).drop(columns="_g").reset_index(drop=True)


def trials_by_registry(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Trials per registry × status group (mart_trials_by_registry): trials with an ID there, and those whose own
    record is there; registries in vocabulary order, UNSTATED (no registry ID) last."""
    df = _with_status_group(_df(con, """
        SELECT registry, overall_status, trial_count, primary_record_count FROM mart_trials_by_registry"""))
    out = df.groupby(["registry", "status_group"], as_index=False)[["trial_count", "primary_record_count"]].sum()
    group_rank = {g: i for i, g in enumerate(STATUS_GROUPS)}
    out = out.assign(_r=_rank(out.registry, REGISTRY_ORDER), _g=out.status_group.map(group_rank))
    return out.sort_values(["_r", "_g"]).drop(columns=["_r", "_g"]).reset_index(drop=True)


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


def ingest_issues(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Parts of records left unread per field × severity (mart_ingest_issues), errors first, most issues first."""
    return _df(con, """
        SELECT field, severity, trial_count, issue_count, example_message, example_file FROM mart_ingest_issues
        ORDER BY severity <> 'ERROR', issue_count DESC, field""")


def ingest_issue_list(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    """Every unread part of a current trial's record (ingest_issue), errors first, then by trial."""
    return _df(con, """
        SELECT i.trial_id, i.field, i.severity, i.message, i.source_file
        FROM ingest_issue i JOIN trial t ON t.trial_id = i.trial_id
        WHERE t.removed_at IS NULL
        ORDER BY i.severity <> 'ERROR', i.trial_id, i.ordinal LIMIT ?""", [limit])

