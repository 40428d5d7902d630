"""The expectation gate: record-level failures quarantine records, table-level ones block the load."""
from __future__ import annotations

import pyarrow as pa
import pytest

from expectations.gate import Gate
from transforms.record import Criterion, ParsedTrial
from transforms.shape import SourceRecord, shape_batch


@pytest.fixture(scope="module")
def gate() -> Gate:
    return Gate()


def _frames(*trials: tuple[str, ParsedTrial]):
    recs = [SourceRecord(t, path, "0" * 64, 0, "run") for path, t in trials]
    return shape_batch(recs)


def test_clean_batch_passes(gate):
    result = gate.validate(_frames(("a", ParsedTrial(layout="x", nct_id="NCT00000001", title="t"))))
    assert not result.quarantined and not result.blocked and result.checks_run > 20


def test_ages_that_contradict_each_other_warn_and_the_record_loads(gate):
    result = gate.validate(_frames(
        ("good", ParsedTrial(layout="x", nct_id="NCT00000001", min_age_years=18, max_age_years=65)),
        ("odd", ParsedTrial(layout="x", nct_id="NCT00000002", min_age_years=65, max_age_years=18)),
    ))
    assert not result.quarantined and not result.blocked
    assert result.warnings["min_age_years ≤ max_age_years"] == 1


def test_bad_nct_pattern_is_quarantined_and_warnings_do_not_block(gate):
    result = gate.validate(_frames(
        ("bad", ParsedTrial(layout="x", nct_id="NCT123", title="t")),
        ("dup", ParsedTrial(layout="x", nct_id="NCT00000003", criteria=[Criterion("INCLUSION", "Adults"),
                                                                        Criterion("INCLUSION", "adults ")])),
    ))
    assert "bad#0" in result.quarantined and "dup#0" not in result.quarantined
    assert result.warnings["no duplicate criteria within a trial"] == 1


def test_kept_results_hold_every_expectation_and_others_the_failed_ones(gate):
    frames = _frames(("bad", ParsedTrial(layout="x", nct_id="NCT123", title="t")))
    kept = {r["meta"]["active_batch_definition"]["data_asset_name"]: r
            for r in gate.validate(frames, keep_results=True).results}
    trial_checks = len([c for c in gate.checks if c.table == "trial"])
    assert len(kept["trial"]["results"]) == trial_checks  # Data Docs of the first batch show every check
    failing = gate.validate(frames).results
    assert [len(r["results"]) for r in failing] == [1]  # elsewhere, the checks that failed, with their rows
    assert failing[0]["results"][0]["result"]["unexpected_index_list"]


def test_same_trial_from_two_files_is_not_a_key_failure(gate):
    result = gate.validate(_frames(("a", ParsedTrial(layout="x", nct_id="NCT00000001")),
                                   ("b", ParsedTrial(layout="x", nct_id="NCT00000001"))))
    assert not result.blocked and not result.quarantined


def test_duplicate_keys_within_a_record_block_the_load(gate):
    frames = _frames(("a", ParsedTrial(layout="x", nct_id="NCT00000001", criteria=[Criterion("INCLUSION", "x")])))
    frames["criterion"] = frames["criterion"].take([0, 0])
    result = gate.validate(frames)
    assert result.blocked and "criterion(criterion_id) is unique" in result.table_failures[0]


def test_child_row_without_its_trial_is_quarantined(gate):
    frames = _frames(("a", ParsedTrial(layout="x", nct_id="NCT00000001", criteria=[Criterion("INCLUSION", "x")])),
                     ("b", ParsedTrial(layout="x", nct_id="NCT00000002")))
    crit = frames["criterion"]
    frames["criterion"] = crit.set_column(crit.schema.get_field_index("trial_id"), "trial_id",
                                          pa.array(["NCT09999999"] * crit.num_rows))
    result = gate.validate(frames)
    assert result.quarantined == {"a#0": "failed expectation: every criterion row has its trial"}


def test_an_expectation_gx_cannot_evaluate_blocks_the_load_with_its_reason():
    from expectations.suites import Check

    broken = Gate([Check("trial", "ExpectColumnValuesToBeInSet", {"column": "no_such_column", "value_set": [1]},
                         "fail", "record", "a check on a column the table lacks")])
    result = broken.validate(_frames(("a", ParsedTrial(layout="x", nct_id="NCT00000001"))))
    assert result.blocked and "no_such_column" in result.table_failures[0]


def test_cross_batch_outcomes_become_a_gx_result_one_expectation_per_check(gate):
    outcomes = [{"check": "a record is staged by one batch only", "level": "fail", "scope": "table",
                 "stage": "staged", "offending_rows": 0},
                {"check": "an identifier named by two trials", "level": "warn", "scope": "record",
                 "stage": "winners", "offending_rows": 8}]
    result = gate.cross_batch_result(outcomes)
    assert result["suite_name"] == "cross_batch_checks" and result["success"] is False
    by_check = {r["expectation_config"]["kwargs"]["column"]: r for r in result["results"]}
    assert by_check["a record is staged by one batch only"]["success"] is True
    failed = by_check["an identifier named by two trials"]
    assert (failed["success"], failed["result"]["observed_value"]) == (False, 8)
    assert failed["expectation_config"]["meta"]["level"] == "warn"


def test_a_process_that_renders_docs_twice_shows_each_run_only_its_own_results(gate, tmp_path):
    def outcome(name: str) -> dict:
        return {"check": name, "level": "warn", "scope": "record", "stage": "staged", "offending_rows": 0}

    gate.build_docs([gate.cross_batch_result([outcome("first run's check")])], tmp_path / "run1")
    gate.build_docs([], tmp_path / "run2", [outcome("second run's check")])
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "run2" / "validations").rglob("*.html")]
    assert len(pages) == 1 and "second run" in pages[0] and "first run" not in pages[0]


def test_criteria_equal_but_for_case_and_blanks_are_duplicates():
    import pyarrow as pa

    from expectations.gate import _duplicate_criteria

    texts = ["Adults  over\t18", "adults over 18", " Adults over 18\n", "adults\r\nover 18", "adults over 19",
             "Adults\u00a0over 18"]
    crit = pa.table({"trial_id": ["t"] * len(texts), "kind": ["INCLUSION"] * len(texts), "text": texts})
    assert _duplicate_criteria(crit).to_pylist() == [False, True, True, True, False, False]


def test_a_condition_without_its_kind_warns_and_the_record_loads(gate):
    tables = _frames(("a", ParsedTrial(layout="x", nct_id="NCT00000001", title="t", criteria=[
        Criterion("INCLUSION", "ANC ≥ 1.5 × 10^9/L (≥ 1.0 if bone marrow involvement)")])))
    measures = tables["criterion_measure"]
    assert measures["condition_kind"].to_pylist() == [None, "CLAUSE"]
    assert not gate.validate(tables).warnings  # as the extractor writes them
    kinds = measures.column_names.index("condition_kind")
    tables["criterion_measure"] = measures.set_column(kinds, "condition_kind", pa.array([None, None], pa.string()))
    result = gate.validate(tables)
    assert result.warnings["criterion_measure.condition_kind is set exactly when condition_text is"] == 1
    assert not result.quarantined and not result.blocked
