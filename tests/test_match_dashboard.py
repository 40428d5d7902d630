"""The "Find trials for a patient" page: its queries (dashboard.match_data) and the page itself through AppTest."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, match_data
from schemas.measures import CATALOGUE
from tests import match_warehouse as w
from transforms.patient import build_patient, read_value
from warehouse.match import TrialFilters

APP = Path(data.__file__).with_name("app.py")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return w.build_match_warehouse(tmp_path_factory.mktemp("match_dash") / "trials.duckdb")


@pytest.fixture()
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _fits():
    values = [read_value(name, str(value)) for name, value in w.FITS.items()]
    return build_patient([*values, read_value("ast", "1.2xULN")], w.FITS_SEX)


def test_every_input_offers_its_usual_unit_first_and_only_units_that_convert():
    for variable, _, first in match_data.COMMON_INPUTS:
        units = match_data.input_units(variable)
        assert units[0] == first, variable
        assert CATALOGUE[variable].unit in units


def test_a_verdict_cell_shows_the_deciding_bounds_then_the_caveats():
    admits = {"verdict": "ADMITS", "requirement": "≤ 2.5 ×ULN", "condition_text": None}
    caveat = {"verdict": "CONDITIONAL", "requirement": "≤ 5 ×ULN", "condition_text": "if liver metastases"}
    excludes = {"verdict": "EXCLUDES", "requirement": "≤ 1 ×ULN", "condition_text": None}
    assert match_data.verdict_cell([admits, caveat]) == "✓ ≤ 2.5 ×ULN · ⚠ ≤ 5 ×ULN if liver metastases"
    assert match_data.verdict_cell([admits, excludes]) == "✗ ≤ 1 ×ULN"
    assert match_data.verdict_cell([admits, dict(admits)]) == "✓ ≤ 2.5 ×ULN"
    assert match_data.verdict_cell([]) == ""


def test_match_frames_have_a_verdict_column_per_value_given(con):
    frames = match_data.match_frames(con, _fits())
    assert list(frames.trials.trial_id) == w.ADMITTED
    assert (frames.eligible_count, frames.candidate_count) == (len(w.ADMITTED), len(w.ADMITTED) + len(w.EXCLUDED))
    fit = frames.trials.set_index("trial_id").loc[w.FIT]
    assert fit["anc"] == "✓ ≥ 1.5 10^9/L" and fit["sex"] == "✓ ALL"
    assert fit["ast ×ULN"] == "✓ ≤ 2.5 ×ULN · ⚠ ≤ 5 ×ULN if liver metastases"
    assert frames.trials.set_index("trial_id").loc[w.OTHER_UNIT, "creatinine"] == "⚠ ≤ 1.5 ×ULN (other unit)"
    assert frames.trials.set_index("trial_id").loc[w.PER_SEX, "hemoglobin"] == "✓ ≥ 100 g/L for women"
    assert set(frames.checks.trial_id) == {w.FIT, w.INCLUSIVE_EDGES, w.PER_SEX, w.OTHER_UNIT, w.CONDITIONAL}
    excluded = match_data.match_frames(con, _fits(), TrialFilters(statuses=("COMPLETED",)), include_excluded=True)
    assert excluded.trials.set_index("trial_id").loc[w.LOWER, "anc"] == "✗ ≥ 2 10^9/L"


# ---------------------------------------------------------------- the page (Streamlit AppTest)

def _page(monkeypatch, warehouse: Path) -> AppTest:
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/match.py").run()
    assert not at.exception, at.exception
    return at


def test_the_page_asks_for_a_value_first(monkeypatch, warehouse):
    at = _page(monkeypatch, warehouse)
    assert any("Give at least one" in i.value for i in at.info)
    assert not at.dataframe


def test_the_page_lists_the_trials_with_verdicts_and_the_criterion_text(monkeypatch, warehouse):
    at = _page(monkeypatch, warehouse)
    at.number_input(key="m_age").set_value(64).run()
    at.number_input(key="m_platelets").set_value(150).run()
    at.number_input(key="m_hemoglobin").set_value(11).run()  # g/dL, the input's first unit: 110 g/L
    at.number_input(key="m_ast").set_value(1.2).run()  # ×ULN
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Values given"] == "4"
    trials = at.dataframe[0].value
    assert list(trials.trial_id)[:2] == [w.FIT, w.INCLUSIVE_EDGES]
    assert trials.set_index("trial_id").loc[w.FIT, "hemoglobin"] == "✓ ≥ 90 g/L"
    checks = at.dataframe[1].value
    assert "Platelets ≥ 100,000/µL" in set(checks.source_text)
    assert any("if liver metastases: not applied" in x.value for x in at.warning)
    at.number_input(key="m_ast").set_value(1.1).run()
    at.selectbox(key="m_ast_unit").set_value("U/L").run()  # absolute AST: the ×ULN bounds become caveats
    assert at.dataframe[0].value.set_index("trial_id").loc[w.FIT, "ast"].startswith("⚠ ≤ 2.5 ×ULN (other unit)")


def test_the_page_shows_excluded_trials_on_request_and_reports_unit_errors(monkeypatch, warehouse):
    at = _page(monkeypatch, warehouse)
    at.number_input(key="m_anc").set_value(1.8).run()
    assert w.LOWER not in set(at.dataframe[0].value.trial_id)
    at.toggle(key="m_excluded").set_value(True).run()
    table = at.dataframe[0].value.set_index("trial_id")
    assert not table.loc[w.LOWER, "is_eligible"] and table.loc[w.LOWER, "anc"] == "✗ ≥ 2 10^9/L"
    at.number_input(key="m_platelets").set_value(150000).run()  # 10^9/L, not /µL: implausible
    assert any("not a plausible platelet count" in e.value for e in at.error)


def test_the_page_on_a_warehouse_without_the_macro_asks_for_a_new_ingest(monkeypatch, tmp_path, warehouse):
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute(f"ATTACH '{warehouse}' AS src (READ_ONLY)")
    con.execute("COPY FROM DATABASE src TO old")
    con.execute("DETACH src")
    con.execute("DROP MACRO TABLE trials_for_patient")
    con.close()
    at = _page(monkeypatch, old)
    assert any("lacks trials_for_patient" in x.value for x in at.warning)


def test_values_in_the_address_fill_the_inputs_so_a_search_can_be_shared(monkeypatch, warehouse):
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"age": "64", "anc": "1.8", "sex": "female", "ecog": "not a number", "hba1c": "7.1"})
    at.run()
    at.switch_page("views/match.py").run()
    assert not at.exception, at.exception
    assert at.number_input(key="m_age").value == 64 and at.number_input(key="m_ecog").value is None
    assert at.multiselect(key="m_more").value == ["hba1c"] and at.number_input(key="m_hba1c").value == 7.1
    assert {m.label: m.value for m in at.metric}["Values given"] == "4"
    assert w.LOWER not in set(at.dataframe[0].value.trial_id)


def test_any_other_catalogue_variable_can_be_given(monkeypatch, warehouse):
    at = _page(monkeypatch, warehouse)
    assert "hba1c" in match_data.OTHER_INPUTS and "age" not in match_data.OTHER_INPUTS
    at.multiselect(key="m_more").set_value(["hba1c"]).run()
    at.number_input(key="m_hba1c").set_value(7.1).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Values given"] == "1"
    assert "hba1c" in at.dataframe[0].value.columns
