"""Dashboard: the read-only queries (dashboard.data, dashboard.marts), the charts and the launcher (the app itself:
tests/test_dashboard_app.py)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import charts, data, launch, marts, ui
from tests.dashboard_warehouse import BOSTON, CHICAGO, build_small_warehouse, held_by_a_writer
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
    with held_by_a_writer(build_small_warehouse(tmp_path / "busy.duckdb")) as path:
        yield path


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
    for mart in data.REQUIRED_MARTS:  # every mart there, but as an older version wrote two of them
        old.execute(f"CREATE VIEW {mart} AS SELECT 1 AS country")
    assert data.missing_marts(old) == ["mart_sites_by_country", "mart_ingest_quality"]
    old.close()


# ---------------------------------------------------------------- queries

def test_where_clause_is_empty_without_filters_and_parameterised_with_them():
    assert data.where_clause(data.Filters()) == ("", [])
    sql, params = data.where_clause(data.Filters(("RECRUITING",), ("PHASE3", "UNSTATED"), "  Type 2 ", ("CA",),
                                                 ("Asthma",), ("INDUSTRY",), ("DRKS",)))
    assert sql.startswith("WHERE ") and sql.count("?") == 7
    assert params == [["RECRUITING"], ["PHASE3", "UNSTATED"], "type 2", ["CA"], ["Asthma"], ["INDUSTRY"], ["DRKS"]]
    assert "%" not in sql  # a typed '%' is matched literally
    assert "Asthma" not in sql and "DRKS" not in sql  # values are parameters, never spliced into the SQL


@pytest.mark.parametrize(("filters", "trials"), [
    (data.Filters(), ["NCT00000001", "NCT00000002", "NCT00000003", "NCT00000005"]),
    (data.Filters(statuses=("RECRUITING", "UNSTATED")), ["NCT00000001", "NCT00000003"]),
    (data.Filters(phases=("UNSTATED",)), ["NCT00000003"]),
    (data.Filters(condition_text="DIABETES"), ["NCT00000001", "NCT00000002", "NCT00000005"]),
    (data.Filters(condition_text="50%_off"), []),
    # countries by ISO code: from sites, or from a registry's list (NCT00000005's DRKS record names Germany) ...
    (data.Filters(countries=("CA",)), ["NCT00000001", "NCT00000002"]),
    (data.Filters(countries=("DE",)), ["NCT00000005"]),
    (data.Filters(countries=("DE", "CA")), ["NCT00000001", "NCT00000002", "NCT00000005"]),
    (data.Filters(countries=("GB",)), []),  # ... but not one the registry lists as removed
    (data.Filters(countries=("FR",)), []),  # only the removed trial had a site there
    (data.Filters(countries=("UNSTATED",)), ["NCT00000003"]),  # no country known at all
    # condition MeSH terms: the record's own or a broader one above them
    (data.Filters(mesh_terms=("Diabetes Mellitus, Type 2",)), ["NCT00000001", "NCT00000002", "NCT00000005"]),
    (data.Filters(mesh_terms=("Respiratory Tract Diseases",)), ["NCT00000003"]),
    (data.Filters(mesh_terms=("Obesity", "Asthma")), ["NCT00000001", "NCT00000003"]),
    # the lead sponsor's agency class: UNSTATED for no lead sponsor (3) or one without a class (5)
    (data.Filters(agency_classes=("INDUSTRY",)), ["NCT00000001"]),
    (data.Filters(agency_classes=("NIH",)), []),  # NIH is only a collaborator
    (data.Filters(agency_classes=("UNSTATED",)), ["NCT00000003", "NCT00000005"]),
    # registries: the trial's own record there, or another registry's ID of it
    (data.Filters(registries=("DRKS",)), ["NCT00000005"]),
    (data.Filters(registries=("EUCTR",)), ["NCT00000001"]),
    (data.Filters(registries=("CTGOV",)), ["NCT00000001", "NCT00000002", "NCT00000003", "NCT00000005"]),
    (data.Filters(statuses=("COMPLETED",), condition_text="diabetes", countries=("CA",)), ["NCT00000002"]),
    (data.Filters(registries=("CTGOV",), agency_classes=("UNSTATED",), countries=("US",)), ["NCT00000005"]),
])
def test_filters_select_current_trials(con, filters, trials):
    assert data.kpis(con, filters)["trials"] == len(trials)
    assert data.count_trials(con, filters) == len(trials)
    assert sorted(data.trial_list(con, filters).trial_id) == trials


def test_kpis(con):
    assert data.kpis(con, data.Filters()) == {"trials": 4, "recruiting": 1, "total_enrollment": 172,
                                              "median_enrollment": 40.0, "sites": 6, "located_sites": 5,
                                              "countries": 3, "conditions": 3}


def test_filter_options_are_in_vocabulary_order_with_one_country_per_code(con):
    options = data.filter_options(con)
    assert options.statuses == ["NOT_YET_RECRUITING", "RECRUITING", "COMPLETED", "UNSTATED"]
    assert options.phases == ["EARLY_PHASE1", "PHASE2", "PHASE3", "UNSTATED"]
    # "USA" and "United States" are one entry; Germany comes from a registry's list; GB (removed) and FR (removed
    # trial) are not offered; UNSTATED (a trial without any country) last.
    assert options.countries == {"CA": "Canada", "DE": "Germany", "US": "United States", "UNSTATED": "UNSTATED"}
    assert options.mesh_terms == ["Asthma", "Diabetes Mellitus", "Diabetes Mellitus, Type 2",
                                  "Endocrine System Diseases", "Nutritional and Metabolic Diseases", "Obesity",
                                  "Respiratory Tract Diseases"]
    assert options.agency_classes == ["INDUSTRY", "OTHER", "UNSTATED"]
    assert options.registries == ["CTGOV", "EUCTR", "DRKS"]


def test_chart_queries(con):
    f = data.Filters()
    assert list(data.status_phase_counts(con, f).itertuples(index=False, name=None)) == [
        ("NOT_YET_RECRUITING", "EARLY_PHASE1", 1), ("RECRUITING", "PHASE3", 1), ("COMPLETED", "PHASE2", 1),
        ("UNSTATED", "UNSTATED", 1)]
    assert list(data.trials_per_start_year(con, f).itertuples(index=False, name=None)) == [
        (2019, "Completed", 1), (2021, "Open / active", 1), (2024, "Open / active", 1)]
    dist = data.enrollment_distribution(con, f)
    assert len(dist) == len(data.ENROLLMENT_BUCKETS) and dist.trial_count.sum() == 3
    assert dict(zip(dist.bucket, dist.trial_count, strict=True))["≤250"] == 1


def test_sites_per_country_groups_by_code_under_the_canonical_name(con):
    rows = data.sites_per_country(con, data.Filters(), None)
    # code, name, sites, trials, recruiting trials, located sites ("USA" and "United States" are one country)
    assert [tuple(r[:6]) for r in rows.itertuples(index=False, name=None)] == [
        ("US", "United States", 3, 2, 1, 3), ("CA", "Canada", 2, 2, 1, 2), ("UNSTATED", "UNSTATED", 1, 1, 0, 0)]
    us = rows.iloc[0]
    assert us.latitude == pytest.approx((2 * BOSTON[0] + CHICAGO[0]) / 3)  # the centroid of its located sites
    assert us.longitude == pytest.approx((2 * BOSTON[1] + CHICAGO[1]) / 3)
    assert rows.iloc[2][["latitude", "longitude"]].isna().all()
    assert list(data.sites_per_country(con, data.Filters(), 1).country_code) == ["US"]
    assert list(data.sites_per_country(con, data.Filters(registries=("DRKS",))).country_code) == ["US", "UNSTATED"]


def test_site_places_gather_located_sites_of_the_selected_trials(con):
    places = data.site_places(con, data.Filters())
    # Boston holds a site of NCT00000001 (recruiting) and one of NCT00000005; Paris is the removed trial's,
    # and the site without a country has no coordinates.
    assert list(places.city) == ["Boston", "Chicago", "Toronto", "Montreal"]  # ties: south to north
    boston = places.iloc[0]
    assert (boston.latitude, boston.longitude) == (round(BOSTON[0], 2), round(BOSTON[1], 2))
    assert (boston.country, boston.site_count, boston.trial_count, boston.recruiting_trial_count) == (
        "United States", 2, 2, 1)
    assert list(data.site_places(con, data.Filters(statuses=("COMPLETED",))).city) == ["Montreal"]
    assert len(data.site_places(con, data.Filters(), 2)) == 2
    assert data.site_places(con, data.Filters(countries=("UNSTATED",))).empty


def test_trial_list_search_matches_title_or_any_identifier(con):
    assert list(data.trial_list(con, data.Filters(), "pump").trial_id) == ["NCT00000005", "NCT00000001"]
    assert list(data.trial_list(con, data.Filters(), "nct00000002").trial_id) == ["NCT00000002"]
    assert list(data.trial_list(con, data.Filters(), "drks00012345").trial_id) == ["NCT00000005"]
    assert list(data.trial_list(con, data.Filters(), "2020-001234").trial_id) == ["NCT00000001"]  # a EudraCT number
    assert list(data.trial_list(con, data.Filters(), "acme-001").trial_id) == ["NCT00000001"]  # a sponsor's number
    assert data.count_trials(con, data.Filters(), "drks") == 1
    assert data.count_trials(con, data.Filters(), "no such words") == 0


def test_trial_list_shows_the_registry_and_canonical_country_names(con):
    rows = data.trial_list(con, data.Filters()).set_index("trial_id")
    assert list(rows.columns) == list(data.TRIAL_LIST_COLUMNS[1:])
    assert rows.loc["NCT00000005", "registry"] == "DRKS"
    assert rows.loc["NCT00000005", "countries"] == "Germany; United States"  # its site says "USA"
    assert rows.loc["NCT00000001", "countries"] == "Canada; United States"  # the United Kingdom was removed
    assert pd.isna(rows.loc["NCT00000003", "countries"])


def test_trial_detail(con):
    d = data.trial_detail(con, "NCT00000001")
    assert d is not None
    assert d.trial["title"] == "Insulin pump study in adults"
    assert d.conditions == ["Type 2 Diabetes", "Obesity"]
    assert list(d.arms.interventions) == ["Insulin pump", "Placebo tablet"]
    assert list(d.criteria.kind) == ["INCLUSION", "INCLUSION", "EXCLUSION"]
    assert list(d.outcomes.kind) == ["PRIMARY", "SECONDARY"]
    assert list(d.sites.country_name) == ["Canada", "United States", "United States"]
    assert list(d.sites.geo_source) == ["GEONAMES", "REGISTRY", "GEONAMES"]
    assert d.sites.latitude.notna().all()
    assert list(d.sources.file_path) == ["src/NCT00000001.json"]
    assert list(d.identifiers.fillna("-").itertuples(index=False, name=None)) == [
        ("NCT00000001", "CTGOV", "PRIMARY"), ("EudraCT 2020-001234-56", "EUCTR", "REGISTRY"), ("ACME-001", "-", "OTHER")]
    assert list(d.sponsors[["name", "role", "agency_class"]].itertuples(index=False, name=None)) == [
        ("Acme Health", "LEAD", "INDUSTRY"), ("National Diabetes Institute", "COLLABORATOR", "NIH")]
    assert list(d.mesh_terms.term) == ["Diabetes Mellitus, Type 2", "Obesity", "Diabetes Mellitus",
                                       "Endocrine System Diseases", "Nutritional and Metabolic Diseases", "Insulin"]
    assert list(d.mesh_terms.applies_to) == ["CONDITION"] * 5 + ["INTERVENTION"]
    assert d.therapeutic_areas == ["Nutritional and metabolic diseases", "Endocrine system diseases"]  # MeSH order
    assert list(d.countries.itertuples(index=False, name=None)) == [
        ("Canada", "CA", "SITE", False), ("United States", "US", "SITE", False),
        ("United Kingdom", "GB", "REGISTRY", True)]
    assert list(d.issues.field) == ["sites"]
    assert data.trial_detail(con, "NCT99999999") is None


def test_trial_detail_of_a_trial_from_another_registry(con):
    d = data.trial_detail(con, "NCT00000005")
    assert d is not None and d.trial["registry"] == "DRKS"
    assert list(d.identifiers.id_type) == ["PRIMARY", "REGISTRY"] and d.identifiers.identifier[0] == "DRKS00012345"
    assert d.sponsors.agency_class.isna().all()  # the registry does not classify its sponsor
    assert list(d.mesh_terms.source) == ["LEARNED"] and d.therapeutic_areas == []
    assert list(d.countries.country_code) == ["DE", "US"]
    assert d.issues.empty
    d2 = data.trial_detail(con, "NCT00000002")
    assert d2 is not None
    assert list(d2.issues[["field", "severity"]].itertuples(index=False, name=None)) == [("criteria", "ERROR")]


# ---------------------------------------------------------------- marts (Breakdowns, Data quality)

def test_data_quality_queries(con):
    runs = marts.runs(con)
    assert list(runs.run_id) == ["20260102T100000Z-bbbbbb", "20260101T100000Z-aaaaaa"]
    assert list(runs.records_with_issues) == [0, 3]  # the removed trial's issue is history, still counted for its run
    assert len(marts.quarantined_files(con)) == 3
    assert marts.quarantine_reasons(con).file_count.sum() == 3
    layouts = marts.files_by_layout(con)
    assert set(layouts.status) == {"UNCHANGED", "QUARANTINED", "LOADED"}


def test_ingest_issues_cover_current_trials_errors_first(con):
    assert list(marts.ingest_issues(con)[["field", "severity", "trial_count", "issue_count"]].itertuples(
        index=False, name=None)) == [("criteria", "ERROR", 1, 1), ("sites", "WARNING", 1, 1)]
    issues = marts.ingest_issue_list(con)
    assert list(issues[["trial_id", "field"]].itertuples(index=False, name=None)) == [
        ("NCT00000002", "criteria"), ("NCT00000001", "sites")]  # NCT00000004 is removed
    assert len(marts.ingest_issue_list(con, 1)) == 1


def test_mart_backed_explore_queries(con):
    assert marts.top_conditions(con, 1).condition.tolist() == ["type 2 diabetes"]
    assert marts.interventions_by_type_year(con).start_year.notna().all()
    assert marts.intervention_type_totals(con).intervention_count.sum() == 5
    countries = marts.sites_by_country(con)
    assert countries.country_code.tolist() == ["US", "CA", "UNSTATED"]
    assert countries.country.tolist()[0] == "United States"


def test_trials_by_sponsor_class_in_vocabulary_order(con):
    df = marts.trials_by_sponsor_class(con)
    assert list(df[["agency_class", "phase", "overall_status", "status_group", "trial_count"]].itertuples(
        index=False, name=None)) == [
        ("INDUSTRY", "PHASE3", "RECRUITING", "Open / active", 1), ("OTHER", "PHASE2", "COMPLETED", "Completed", 1),
        ("UNSTATED", "EARLY_PHASE1", "NOT_YET_RECRUITING", "Open / active", 1),
        ("UNSTATED", "UNSTATED", "UNSTATED", "Unknown / not stated", 1)]


def test_trials_by_therapeutic_area_in_mesh_order_unclassified_last(con):
    df = marts.trials_by_therapeutic_area(con)
    assert list(df[["area_code", "therapeutic_area", "status_group", "trial_count"]].itertuples(
        index=False, name=None)) == [
        ("C08", "Respiratory tract diseases", "Unknown / not stated", 1),
        ("C18", "Nutritional and metabolic diseases", "Open / active", 1),
        ("C19", "Endocrine system diseases", "Open / active", 1),
        ("UNCLASSIFIED", "Unclassified", "Open / active", 1), ("UNCLASSIFIED", "Unclassified", "Completed", 1)]


def test_trials_by_registry_count_own_records_apart(con):
    df = marts.trials_by_registry(con)
    assert list(df.itertuples(index=False, name=None)) == [
        ("CTGOV", "Open / active", 2, 1), ("CTGOV", "Completed", 1, 1), ("CTGOV", "Unknown / not stated", 1, 1),
        ("EUCTR", "Open / active", 1, 0), ("DRKS", "Open / active", 1, 1)]


def test_labels():
    assert data.label("ACTIVE_NOT_RECRUITING") == "Active, not recruiting"
    assert data.label(None) == data.label(float("nan")) == "Not stated"
    assert data.phase_label("NA") == "Not applicable" and data.phase_label("PHASE1_PHASE2") == "Phase 1/2"
    assert data.label("DIETARY_SUPPLEMENT") == "Dietary supplement"
    assert data.label_or_none(None) is None
    # registries and agency classes read as their owners write them
    assert [data.label(r) for r in ("CTGOV", "DRKS", "ISRCTN", "REBEC", "NL_OMON")] == [
        "ClinicalTrials.gov", "DRKS", "ISRCTN", "ReBEC", "NL-OMON"]
    assert [data.label(c) for c in ("INDUSTRY", "OTHER_GOV", "FED")] == ["Industry", "Other government", "US federal"]


def test_charts_build_from_the_queries_and_say_when_empty(con):
    nothing = data.Filters(countries=("Atlantis",))
    for fig_of, query in ((charts.status_phase_heatmap, data.status_phase_counts),
                          (charts.trials_per_year, data.trials_per_start_year),
                          (charts.sites_per_country, data.sites_per_country),
                          (charts.enrollment_histogram, data.enrollment_distribution)):
        assert fig_of(query(con, data.Filters())).data
        empty = fig_of(query(con, nothing))
        assert not empty.data and empty.layout.annotations
    assert charts.top_conditions(marts.top_conditions(con)).data
    assert charts.interventions_by_year(marts.interventions_by_type_year(con)).data
    assert charts.runs_files(marts.runs(con)).data
    assert charts.reasons(marts.quarantine_reasons(con)).data
    assert charts.records_with_issues(marts.runs(con)).data
    for fig_of, frame in ((charts.sponsor_classes, marts.trials_by_sponsor_class(con)),
                          (charts.therapeutic_areas, marts.trials_by_therapeutic_area(con)),
                          (charts.registries, marts.trials_by_registry(con)),
                          (charts.issues_by_field, marts.ingest_issues(con))):
        assert fig_of(frame).data
        assert not fig_of(frame.iloc[0:0]).data


def _bars(fig) -> dict[str, dict[str, int]]:
    """Stacked bar figure → {stack name: {bar label: count}} (zero segments left out)."""
    return {t.name: {y: int(x) for y, x in zip(t.y, t.x, strict=True) if x} for t in fig.data if t.type == "bar"}


def test_sponsor_class_chart_stacks_status_groups_or_phases(con):
    df = marts.trials_by_sponsor_class(con)
    by_status = _bars(charts.sponsor_classes(df))
    assert by_status == {"Open / active": {"Industry": 1, "Not stated": 1}, "Completed": {"Other": 1},
                         "Unknown / not stated": {"Not stated": 1}}
    by_phase = _bars(charts.sponsor_classes(df, by="phase"))
    assert by_phase == {"Early phase 1": {"Not stated": 1}, "Phase 2": {"Other": 1}, "Phase 3": {"Industry": 1},
                        "Not stated": {"Not stated": 1}}
    labels = [a.text for a in charts.sponsor_classes(df).layout.annotations]
    assert labels == ["Industry", "Other", "Not stated"]  # each bar labelled, in vocabulary order


def test_area_and_registry_charts(con):
    areas = charts.therapeutic_areas(marts.trials_by_therapeutic_area(con))
    assert "Unclassified" not in str(areas.to_dict())  # unclassified trials are counted in the card, not drawn
    assert {lbl for stack in _bars(areas).values() for lbl in stack} == {
        "Respiratory tract diseases", "Nutritional and metabolic diseases", "Endocrine system diseases"}
    assert _bars(charts.registries(marts.trials_by_registry(con)))["Open / active"] == {
        "ClinicalTrials.gov": 2, "EU Clinical Trials Register": 1, "DRKS": 1}
    issues = _bars(charts.issues_by_field(marts.ingest_issues(con)))
    assert issues == {"Error": {"criteria": 1}, "Warning": {"sites": 1}}


def test_site_map_sizes_bubbles_by_trials_and_colours_recruiting_places(con):
    places = data.site_places(con, data.Filters())
    fig = charts.site_map(places, places.city)
    traces = {t.name: t for t in fig.data}
    assert set(traces) == {"A recruiting trial", "No recruiting trial"}
    assert all(t.type == "scattergeo" for t in fig.data)
    # NCT00000001 recruits, at all its sites as far as the sources say; Montreal has only the completed NCT00000002
    assert list(traces["A recruiting trial"].text) == ["Boston", "Chicago", "Toronto"]
    assert list(traces["A recruiting trial"].marker.size) == [2, 1, 1]  # trials at the place
    assert list(traces["No recruiting trial"].text) == ["Montreal"]
    assert fig.layout.geo.projection.type == "natural earth"
    # North-east America only: zoomed on it, not the whole world
    assert fig.layout.geo.projection.scale > 1.6 and fig.layout.geo.center.lon < -60
    countries = data.sites_per_country(con, data.Filters(), None)
    fig = charts.site_map(countries, countries.country)
    assert sorted(n for t in fig.data for n in t.text) == ["Canada", "United States"]  # UNSTATED has no centroid
    assert not charts.site_map(places.iloc[0:0], places.city.iloc[0:0]).data


def test_site_map_shows_the_world_when_sites_spread_over_it():
    spread = pd.DataFrame({"latitude": [40.7, -33.9, 35.7], "longitude": [-74.0, 151.2, 139.7],
                           "trial_count": [3, 1, 2], "site_count": [3, 1, 2], "recruiting_trial_count": [0, 1, 0]})
    geo = charts.site_map(spread, pd.Series(["New York", "Sydney", "Tokyo"])).layout.geo
    assert geo.projection.scale is None and list(geo.lonaxis.range) == [-180, 180]
    one = charts.site_map(spread.iloc[:1], pd.Series(["New York"])).layout.geo
    assert one.projection.scale == 12  # a region around a single place, not a street


def test_maps_get_the_topojson_from_the_app_itself():
    topojson = Path(APP).parent / "static" / "world_110m.json"
    assert set(json.loads(topojson.read_text())["objects"]) >= {"land", "countries", "coastlines", "ocean"}
    assert ui.MAP_CONFIG["topojsonURL"] == "app/static/"  # where `server.enableStaticServing` serves dashboard/static
    assert "--server.enableStaticServing=true" in launch.build_command()


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
