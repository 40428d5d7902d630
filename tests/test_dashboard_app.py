"""The dashboard app itself, through Streamlit's AppTest on the small warehouse: every page, the filters, the map,
the trial detail, and the messages for a warehouse that cannot be read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from tests.dashboard_warehouse import build_small_warehouse, held_by_a_writer

APP = Path(data.__file__).with_name("app.py")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_small_warehouse(tmp_path_factory.mktemp("dash_app") / "trials.duckdb")


@pytest.fixture()
def writer(tmp_path):
    """Another process holding the warehouse open for writing (as an ingest run does), released at teardown."""
    with held_by_a_writer(build_small_warehouse(tmp_path / "busy.duckdb")) as path:
        yield path


def _app(monkeypatch, warehouse: Path) -> AppTest:
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(warehouse))
    return AppTest.from_file(str(APP), default_timeout=60)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def _charts(at: AppTest) -> list[dict]:
    """The plotly figures the run drew, as the JSON specs sent to the browser (with their config)."""
    return [{**json.loads(c.proto.spec), "config": json.loads(c.proto.config)} for c in at.get("plotly_chart")]


def _geo_trace_names(at: AppTest) -> list[str]:
    return [t.get("text") for fig in _charts(at) for t in fig["data"] if t["type"] == "scattergeo"]


def test_overview_shows_kpis_the_site_map_and_four_charts(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Trials"] == "4" and metrics["Recruiting"] == "1" and metrics["Sites"] == "6"
    assert metrics["Countries"] == "3"
    figures = _charts(at)
    assert len(figures) == 5
    maps = [f for f in figures if any(t["type"] == "scattergeo" for t in f["data"])]
    assert len(maps) == 1 and maps[0]["config"]["topojsonURL"] == "app/static/"
    assert sorted(name for t in maps[0]["data"] for name in t["text"]) == ["Boston, United States",
                                                                          "Chicago, United States",
                                                                          "Montreal, Canada", "Toronto, Canada"]
    assert "5 of 6 sites located; 1 without coordinates" in _texts(at)
    assert [w.label for w in at.sidebar.multiselect] == ["Overall status", "Phase", "Condition MeSH term", "Country",
                                                         "Lead sponsor class", "Registry"]
    # one entry per country under its canonical name (NCT00000005's site says "USA"), Not stated last
    assert at.multiselect(key="f_countries").options == ["Canada", "Germany", "United States", "Not stated"]
    assert at.multiselect(key="f_registries").options == ["ClinicalTrials.gov", "EU Clinical Trials Register", "DRKS"]
    assert at.multiselect(key="f_sponsor_classes").options == ["Industry", "Other", "Not stated"]


def test_the_map_shows_countries_at_their_sites_centre(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.segmented_control(key="map_level").set_value("Countries").run()
    assert not at.exception, at.exception
    names = _geo_trace_names(at)
    assert sorted(n for text in names for n in text) == ["Canada", "United States"]
    at.multiselect(key="f_statuses").set_value(["COMPLETED"]).run()
    assert [n for text in _geo_trace_names(at) for n in text] == ["Canada"]


def test_sidebar_filters_narrow_the_overview(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.multiselect(key="f_countries").set_value(["CA"]).run()
    assert {m.label: m.value for m in at.metric}["Trials"] == "2"
    assert "those abroad too" in _texts(at)  # the map says it shows all sites of the selected trials
    at.text_input(key="f_condition").set_value("asthma").run()
    assert {m.label: m.value for m in at.metric}["Trials"] == "0"
    assert any("No trials match" in i.value for i in at.info)
    at.button[0].click().run()  # "Clear filters"
    assert {m.label: m.value for m in at.metric}["Trials"] == "4"


@pytest.mark.parametrize(("key", "value", "trials"), [
    ("f_mesh", ["Respiratory Tract Diseases"], "1"),
    ("f_mesh", ["Diabetes Mellitus, Type 2"], "3"),
    ("f_sponsor_classes", ["UNSTATED"], "2"),
    ("f_registries", ["DRKS"], "1"),
    ("f_countries", ["DE"], "1"),
])
def test_new_sidebar_filters_narrow_the_overview(monkeypatch, warehouse, key, value, trials):
    at = _app(monkeypatch, warehouse).run()
    at.multiselect(key=key).set_value(value).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Trials"] == trials


def test_filters_survive_a_visit_to_an_unfiltered_page(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.multiselect(key="f_statuses").set_value(["COMPLETED"]).run()
    at.multiselect(key="f_registries").set_value(["CTGOV"]).run()
    at.multiselect(key="f_mesh").set_value(["Diabetes Mellitus, Type 2"]).run()
    at.switch_page("views/quality.py").run()
    assert not at.exception
    at.switch_page("views/explore.py").run()
    at.switch_page("views/overview.py").run()
    assert {m.label: m.value for m in at.metric}["Trials"] == "1"
    assert at.multiselect(key="f_registries").value == ["CTGOV"]
    assert at.multiselect(key="f_mesh").value == ["Diabetes Mellitus, Type 2"]


def test_trials_page_lists_trials_and_shows_one_in_detail(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/trials.py").run()
    assert not at.exception, at.exception
    assert "4 trials" in _texts(at)
    at.selectbox(key="trial_pick").set_value("NCT00000001").run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Insulin pump study in adults" in text
    for expected in ("Adults with type 2 diabetes", "Pregnancy", "Type 2 Diabetes; Obesity", "Acme Health (Industry)",
                     "Nutritional and metabolic diseases; Endocrine system diseases", "ClinicalTrials.gov",
                     "2020-11-02", "1 part(s) of the record unread", "removed: United Kingdom"):
        assert expected in text, expected
    assert [t.label for t in at.tabs] == ["Summary", "Registration (3/2)", "Arms & interventions (2/2)",
                                          "Eligibility (3)", "Outcomes (2)", "MeSH terms (6)",
                                          "Sites & countries (3/2)", "Sources (1)", "Issues (1)"]
    frames = [df.value for df in at.dataframe]
    assert any("Change in HbA1c" in set(f.get("measure", [])) for f in frames)
    assert any("Toronto" in set(f.get("city", [])) for f in frames)
    ids = next(f for f in frames if "identifier" in f.columns)
    assert list(ids.registry) == ["ClinicalTrials.gov", "EU Clinical Trials Register", ""]  # a sponsor's number
    assert list(ids.id_type) == ["Primary", "Registry", "Other"]
    sponsors = next(f for f in frames if "agency_class" in f.columns)
    assert list(sponsors.agency_class) == ["Industry", "NIH"] and list(sponsors.role) == ["Lead", "Collaborator"]
    mesh = next(f for f in frames if "mesh_id" in f.columns)
    assert list(mesh.relation)[:2] == ["Direct", "Direct"] and "Insulin" in set(mesh.term)
    issues = next(f for f in frames if "message" in f.columns)
    assert list(issues.field) == ["sites"] and list(issues.severity) == ["Warning"]


def test_trial_detail_of_another_registrys_record(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/trials.py").run()
    at.selectbox(key="trial_pick").set_value("NCT00000003").run()
    text = _texts(at)
    for expected in ("Not recruiting (as the registry writes it)", "Respiratory tract diseases",
                     "No country is known for this trial.", "The source names no sponsor."):
        assert expected in text, expected
    assert any("Every part of the record was read" in s.value for s in at.success)
    at.selectbox(key="trial_pick").set_value("NCT00000005").run()
    assert not at.exception, at.exception
    assert "DRKS" in _texts(at) and "Diabetes Centre Munich (class not stated)" in _texts(at)
    assert "**Therapeutic areas:** Unclassified" in _texts(at)  # a learned term under no area
    frames = [df.value for df in at.dataframe]
    assert next(f for f in frames if "identifier" in f.columns).identifier.tolist() == ["DRKS00012345", "NCT00000005"]


def test_trial_search_narrows_the_list(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/trials.py").run()
    at.text_input(key="trial_search").set_value("inhaler").run()
    assert "1 trials" in _texts(at)
    assert at.selectbox(key="trial_pick").value == "NCT00000003"
    at.text_input(key="trial_search").set_value("DRKS00012345").run()
    assert at.selectbox(key="trial_pick").value == "NCT00000005"
    assert not at.exception


def test_breakdowns_page_reads_the_marts(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.multiselect(key="f_registries").set_value(["DRKS"]).run()  # the marts page ignores the sidebar filters
    at.switch_page("views/explore.py").run()
    assert not at.exception, at.exception
    figures = _charts(at)
    assert len(figures) == 5
    bar_labels = {a["text"] for f in figures for a in f["layout"].get("annotations", [])}
    assert {"Industry", "Other", "Not stated", "ClinicalTrials.gov", "EU Clinical Trials Register", "DRKS",
            "Respiratory tract diseases", "Endocrine system diseases"} <= bar_labels
    text = _texts(at)
    assert "2 trials have no condition MeSH term under an area" in text
    assert "ClinicalTrials.gov 3 · DRKS 1" in text  # trials from the registry's own records
    frames = [df.value for df in at.dataframe]
    assert any("type 2 diabetes" in set(f.get("condition", [])) for f in frames)
    countries = next(f for f in frames if "country_code" in f.columns)
    assert list(countries.country) == ["United States", "Canada", "Not stated"]
    at.segmented_control(key="sponsor_split").set_value("Phase").run()
    names = {t.get("name") for f in _charts(at) for t in f["data"]}
    assert {"Phase 3", "Early phase 1"} <= names


def test_data_quality_page_lists_runs_quarantined_files_and_ingest_issues(monkeypatch, warehouse):
    at = _app(monkeypatch, warehouse).run()
    at.switch_page("views/quality.py").run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Quarantined (last run)"] == "2" and metrics["Quarantined now"] == "3"
    frames = [df.value for df in at.dataframe]
    files = next(f for f in frames if "file_path" in f.columns)
    assert set(files.file_path) == {"bad/notes.txt", "bad/trunc.xml", "multi.csv"}
    assert "ctgov_xml: xml: malformed XML" in set(files.reason_kind)
    assert len(at.get("plotly_chart")) == 4
    per_field = next(f for f in frames if "example_message" in f.columns)
    assert list(per_field.field) == ["criteria", "sites"] and list(per_field.severity) == ["Error", "Warning"]
    issues = next(f for f in frames if "trial_id" in f.columns and "message" in f.columns)
    assert list(issues.trial_id) == ["NCT00000002", "NCT00000001"]
    runs = next(f for f in frames if "run_id" in f.columns)
    assert list(runs.records_with_issues) == [0, 3]
    assert "Ingest issues (2)" in _texts(at)


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
