"""Dashboard: the read-only queries (dashboard.data), the launcher, and the Streamlit app itself through AppTest."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, data, launch
from tests.dashboard_warehouse import build_small_warehouse
from warehouse.publish import snapshot_path

APP = Path(data.__file__).with_name("app.py")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_small_warehouse(tmp_path_factory.mktemp("dash") / "trials.duckdb")


@pytest.fixture()
def con(warehouse):
    connection, _ = data.open_warehouse(warehouse)
    yield connection
    connection.close()


@pytest.fixture()
def writer(tmp_path):
    """Another process holding the warehouse open for writing (as an ingest run does), released at teardown."""
    path = build_small_warehouse(tmp_path / "busy.duckdb")
    code = textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield path
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=10)


# ---------------------------------------------------------------- opening the warehouse

def test_the_published_snapshot_is_preferred_over_the_warehouse(tmp_path):
    path = build_small_warehouse(tmp_path / "trials.duckdb")
    assert data.resolve_source(path).is_snapshot is False
    shutil.copyfile(path, snapshot_path(path))
    source = data.resolve_source(path)
    assert source.is_snapshot and source.path == tmp_path / "trials.snapshot.duckdb"


def test_a_missing_warehouse_says_how_to_make_one(tmp_path):
    with pytest.raises(data.WarehouseUnavailable, match="trialhouse ingest"):
        data.open_warehouse(tmp_path / "nothing.duckdb")


def test_a_warehouse_held_by_a_writer_gives_a_clear_message(writer):
    with pytest.raises(data.WarehouseUnavailable, match="being written by another process"):
        data.open_warehouse(writer)


def test_with_a_snapshot_the_writer_does_not_matter(writer):
    shutil.copyfile(writer, snapshot_path(writer))  # copying a file DuckDB holds open is what publish does, closed
    con, source = data.open_warehouse(writer)
    try:
        assert source.is_snapshot and con.execute("SELECT count(*) FROM trial").fetchone() == (5,)
    finally:
        con.close()


def test_the_connection_is_read_only(con):
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("DELETE FROM trial")


def test_missing_marts_are_reported(tmp_path, con):
    assert data.missing_marts(con) == []
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    old.execute("CREATE TABLE trial (trial_id VARCHAR)")
    assert data.missing_marts(old) == list(data.REQUIRED_MARTS)
    old.close()


# ---------------------------------------------------------------- queries

def test_where_clause_is_empty_without_filters_and_parameterised_with_them():
    assert data.where_clause(data.Filters()) == ("", [])
    sql, params = data.where_clause(data.Filters(("RECRUITING",), ("PHASE3", "UNSTATED"), "  Type 2 ", ("Canada",)))
    assert sql.startswith("WHERE ") and sql.count("?") == 4
    assert params == [["RECRUITING"], ["PHASE3", "UNSTATED"], "type 2", ["Canada"]]
    assert "%" not in sql  # a typed '%' is matched literally


@pytest.mark.parametrize(("filters", "trials"), [
    (data.Filters(), 4),
    (data.Filters(statuses=("RECRUITING", "UNSTATED")), 2),
    (data.Filters(phases=("UNSTATED",)), 1),
    (data.Filters(condition_text="DIABETES"), 3),
    (data.Filters(condition_text="50%_off"), 0),
    (data.Filters(countries=("Canada",)), 2),
    (data.Filters(countries=("UNSTATED",)), 1),
    (data.Filters(countries=("France",)), 0),  # only the removed trial had a site there
    (data.Filters(statuses=("COMPLETED",), condition_text="diabetes", countries=("Canada",)), 1),
])
def test_filters_select_current_trials(con, filters, trials):
    assert data.kpis(con, filters)["trials"] == trials
    assert data.count_trials(con, filters) == trials
    assert len(data.trial_list(con, filters)) == trials


def test_kpis(con):
    assert data.kpis(con, data.Filters()) == {"trials": 4, "recruiting": 1, "total_enrollment": 172,
                                              "median_enrollment": 40.0, "sites": 6, "countries": 2, "conditions": 3}


def test_filter_options_are_in_vocabulary_order(con):
    options = data.filter_options(con)
    assert options.statuses == ["NOT_YET_RECRUITING", "RECRUITING", "COMPLETED", "UNSTATED"]
    assert options.phases == ["EARLY_PHASE1", "PHASE2", "PHASE3", "UNSTATED"]
    assert options.countries == ["Canada", "United States", "UNSTATED"]


def test_chart_queries(con):
    f = data.Filters()
    assert list(data.status_phase_counts(con, f).itertuples(index=False, name=None)) == [
        ("NOT_YET_RECRUITING", "EARLY_PHASE1", 1), ("RECRUITING", "PHASE3", 1), ("COMPLETED", "PHASE2", 1),
        ("UNSTATED", "UNSTATED", 1)]
    assert list(data.trials_per_start_year(con, f).itertuples(index=False, name=None)) == [
        (2019, "Completed", 1), (2021, "Open / active", 1), (2024, "Open / active", 1)]
    assert list(data.sites_per_country(con, f, 2).itertuples(index=False, name=None)) == [
        ("United States", 3, 2, 1), ("Canada", 2, 2, 1)]
    dist = data.enrollment_distribution(con, f)
    assert len(dist) == len(data.ENROLLMENT_BUCKETS) and dist.trial_count.sum() == 3
    assert dict(zip(dist.bucket, dist.trial_count, strict=True))["≤250"] == 1


def test_trial_list_search_matches_id_or_title(con):
    assert list(data.trial_list(con, data.Filters(), "pump").trial_id) == ["NCT00000005", "NCT00000001"]
    assert list(data.trial_list(con, data.Filters(), "nct00000002").trial_id) == ["NCT00000002"]
    assert data.count_trials(con, data.Filters(), "no such words") == 0


def test_trial_detail(con):
    d = data.trial_detail(con, "NCT00000001")
    assert d is not None
    assert d.trial["title"] == "Insulin pump study in adults"
    assert d.conditions == ["Type 2 Diabetes", "Obesity"]
    assert list(d.arms.interventions) == ["Insulin pump", "Placebo tablet"]
    assert list(d.criteria.kind) == ["INCLUSION", "INCLUSION", "EXCLUSION"]
    assert list(d.outcomes.kind) == ["PRIMARY", "SECONDARY"]
    assert list(d.sites.country) == ["Canada", "United States", "United States"]
    assert list(d.sources.file_path) == ["src/NCT00000001.json"]
    assert data.trial_detail(con, "NCT99999999") is None


def test_data_quality_queries(con):
    assert list(data.runs(con).run_id) == ["20260102T100000Z-bbbbbb", "20260101T100000Z-aaaaaa"]
    assert len(data.quarantined_files(con)) == 3
    assert data.quarantine_reasons(con).file_count.sum() == 3
    layouts = data.files_by_layout(con)
    assert set(layouts.status) == {"UNCHANGED", "QUARANTINED", "LOADED"}


def test_mart_backed_explore_queries(con):
    assert data.top_conditions(con, 1).condition.tolist() == ["type 2 diabetes"]
    assert data.interventions_by_type_year(con).start_year.notna().all()
    assert data.intervention_type_totals(con).intervention_count.sum() == 5
    assert data.sites_by_country(con).country.tolist()[0] == "United States"


def test_labels():
    assert data.label("ACTIVE_NOT_RECRUITING") == "Active, not recruiting"
    assert data.label(None) == data.label(float("nan")) == "Not stated"
    assert data.phase_label("NA") == "Not applicable" and data.phase_label("PHASE1_PHASE2") == "Phase 1/2"
    assert data.label("DIETARY_SUPPLEMENT") == "Dietary supplement"
    assert data.label_or_none(None) is None


def test_charts_build_from_the_queries_and_say_when_empty(con):
    nothing = data.Filters(countries=("Atlantis",))
    for fig_of, query in ((charts.status_phase_heatmap, data.status_phase_counts),
                          (charts.trials_per_year, data.trials_per_start_year),
                          (charts.sites_per_country, data.sites_per_country),
                          (charts.enrollment_histogram, data.enrollment_distribution)):
        assert fig_of(query(con, data.Filters())).data
        empty = fig_of(query(con, nothing))
        assert not empty.data and empty.layout.annotations
    assert charts.top_conditions(data.top_conditions(con)).data
    assert charts.interventions_by_year(data.interventions_by_type_year(con)).data
    assert charts.runs_files(data.runs(con)).data
    assert charts.reasons(data.quarantine_reasons(con)).data


# ---------------------------------------------------------------- launcher

def test_launch_command_and_environment(tmp_path, monkeypatch):
    cmd = launch.build_command(port=8599, headless=True)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"] and cmd[4] == str(APP)
    assert "--server.port=8599" in cmd and "--server.address=localhost" in cmd
    assert "--browser.gatherUsageStats=false" in cmd and "--server.headless=true" in cmd
    monkeypatch.chdir(tmp_path)
    env = launch.build_env(Path("w/trials.duckdb"))
    assert env[data.WAREHOUSE_ENV] == str(tmp_path / "w" / "trials.duckdb")  # absolute: the child may run elsewhere
    assert env["PYTHONPATH"].split(":")[0] == str(launch.ROOT)


def test_launch_runs_streamlit_and_returns_its_exit_code(tmp_path, monkeypatch):
    seen = {}

    class FakeProcess:
        def __init__(self, cmd, env):
            seen.update(cmd=cmd, env=env)

        def wait(self, timeout=None):
            return 3

    monkeypatch.setattr(launch.subprocess, "Popen", FakeProcess)
    assert launch.launch(tmp_path / "trials.duckdb", port=8600) == 3
    assert "--server.port=8600" in seen["cmd"]
    assert seen["env"][data.WAREHOUSE_ENV] == str(tmp_path / "trials.duckdb")


# ---------------------------------------------------------------- the app (Streamlit AppTest)

def _app(monkeypatch, warehouse: Path) -> AppTest:
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(warehouse))
    return AppTest.from_file(str(APP), default_timeout=60)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_overview_shows_kpis_and_four_charts(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Trials"] == "4" and metrics["Recruiting"] == "1" and metrics["Sites"] == "6"
    assert len(at.get("plotly_chart")) == 4
    assert [w.label for w in at.sidebar.multiselect] == ["Overall status", "Phase", "Site country"]


def test_sidebar_filters_narrow_the_overview(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.multiselect(key="f_countries").set_value(["Canada"]).run()
    assert {m.label: m.value for m in at.metric}["Trials"] == "2"
    at.text_input(key="f_condition").set_value("asthma").run()
    assert {m.label: m.value for m in at.metric}["Trials"] == "0"
    assert any("No trials match" in i.value for i in at.info)
    at.button[0].click().run()  # "Clear filters"
    assert {m.label: m.value for m in at.metric}["Trials"] == "4"


def test_filters_survive_a_visit_to_an_unfiltered_page(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.multiselect(key="f_statuses").set_value(["COMPLETED"]).run()
    at.switch_page("views/quality.py").run()
    assert not at.exception
    at.switch_page("views/overview.py").run()
    assert {m.label: m.value for m in at.metric}["Trials"] == "1"


def test_trials_page_lists_trials_and_shows_one_in_detail(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/trials.py").run()
    assert not at.exception, at.exception
    assert "4 trials" in _texts(at)
    at.selectbox(key="trial_pick").set_value("NCT00000001").run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Insulin pump study in adults" in text
    for expected in ("Adults with type 2 diabetes", "Pregnancy", "Type 2 Diabetes; Obesity", "Acme Health"):
        assert expected in text, expected
    assert [t.label for t in at.tabs][:4] == ["Summary", "Arms & interventions (2/2)", "Eligibility (3)",
                                              "Outcomes (2)"]
    frames = [df.value for df in at.dataframe]
    assert any("Change in HbA1c" in set(f.get("measure", [])) for f in frames)
    assert any("Toronto" in set(f.get("city", [])) for f in frames)


def test_trial_search_narrows_the_list(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/trials.py").run()
    at.text_input(key="trial_search").set_value("inhaler").run()
    assert "1 trials" in _texts(at)
    assert at.selectbox(key="trial_pick").value == "NCT00000003"
    assert not at.exception


def test_explore_page_reads_the_marts(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/explore.py").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 2
    frames = [df.value for df in at.dataframe]
    assert any("type 2 diabetes" in set(f.get("condition", [])) for f in frames)


def test_data_quality_page_lists_runs_and_quarantined_files_with_reasons(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/quality.py").run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Quarantined (last run)"] == "2" and metrics["Quarantined now"] == "3"
    frames = [df.value for df in at.dataframe]
    files = next(f for f in frames if "file_path" in f.columns)
    assert set(files.file_path) == {"bad/notes.txt", "bad/trunc.xml", "multi.csv"}
    assert "ctgov_xml: xml: malformed XML" in set(files.reason_kind)
    assert len(at.get("plotly_chart")) == 2


def test_app_without_a_warehouse_explains_instead_of_failing(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "missing.duckdb").run()
    assert not at.exception
    assert "trialhouse ingest" in at.error[0].value


def test_app_on_a_warehouse_held_by_a_writer_explains_instead_of_failing(monkeypatch, writer):
    at = _app(monkeypatch, writer).run()
    assert not at.exception
    assert "being written by another process" in at.error[0].value


def test_app_on_an_old_warehouse_asks_for_a_new_ingest(monkeypatch, tmp_path):
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    old.execute("CREATE TABLE trial (trial_id VARCHAR)")
    old.close()
    at = _app(monkeypatch, tmp_path / "old.duckdb").run()
    assert not at.exception
    assert "run `trialhouse ingest` again" in at.warning[0].value


def test_the_app_does_not_keep_the_warehouse_open_between_runs(monkeypatch, tmp_path):
    path = build_small_warehouse(tmp_path / "trials.duckdb")
    _app(monkeypatch, path).run()
    # A writer in another process can open the file right after a page was shown (no snapshot here).
    code = f"import duckdb; duckdb.connect({str(path)!r}).execute('CHECKPOINT')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30).returncode == 0
