"""One declaration per table: DDL, Arrow schema and docs all derive from it and agree."""
from __future__ import annotations

import duckdb

from schemas.derive import arrow_schema, create_table_sql
from schemas.docs import render
from schemas.tables import ALL_TABLES
from tests.conftest import ROOT
from warehouse.store import ensure_schema, mart_grains


def test_ddl_and_arrow_schema_agree():
    con = duckdb.connect(":memory:")
    for table in ALL_TABLES:
        con.execute(create_table_sql(table))
        got = [r[0] for r in con.execute(f'DESCRIBE "{table.name}"').fetchall()]
        assert got == table.column_names == arrow_schema(table).names


def test_contract_tables_and_columns_exist():
    required = {
        "trial": ["trial_id", "nct_id", "title", "official_title", "brief_summary", "detailed_description",
                  "overall_status", "phase", "study_type", "allocation", "intervention_model", "primary_purpose",
                  "masking", "enrollment", "start_date", "primary_completion_date", "completion_date",
                  "last_update_date", "min_age_years", "max_age_years", "sex", "healthy_volunteers", "lead_sponsor",
                  "source_file", "source_layout", "source_sha256"],
        "condition": ["trial_id", "ordinal", "name"],
        "arm": ["arm_id", "trial_id", "ordinal", "label", "arm_type", "description"],
        "intervention": ["intervention_id", "trial_id", "ordinal", "intervention_type", "name", "description"],
        "arm_intervention": ["trial_id", "arm_id", "intervention_id"],
        "criterion": ["criterion_id", "trial_id", "kind", "ordinal", "text"],
        "outcome": ["outcome_id", "trial_id", "kind", "ordinal", "measure", "description", "time_frame"],
        "site": ["site_id", "trial_id", "ordinal", "facility", "city", "state", "zip", "country", "status"],
        "ingest_file": ["file_path", "file_sha256", "size_bytes", "layout", "status", "trial_id", "error", "run_id",
                        "first_seen_at", "last_seen_at"],
        "ingest_run": ["run_id", "started_at", "finished_at", "status", "files_seen", "files_loaded",
                       "files_quarantined", "files_unchanged"],
    }
    by_name = {t.name: t for t in ALL_TABLES}
    for name, columns in required.items():
        assert set(columns) <= set(by_name[name].column_names), name


def test_generated_docs_are_fresh():
    expected = render(mart_grains())
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == expected, "run `trialhouse docs`"


def test_marts_compile_on_an_empty_warehouse():
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    for name, grain in mart_grains():
        assert grain, f"{name} has no '-- grain:' line"
        con.execute(f"SELECT * FROM {name}").fetchall()
    assert con.execute("SELECT count(*) FROM dim_phase").fetchone()[0] == 8
