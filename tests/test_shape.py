"""Shaping: deterministic keys, de-duplicated interventions, arm links, ordinals per kind."""
from __future__ import annotations

from datetime import date

from transforms.record import (
    Arm,
    CountryListing,
    Criterion,
    Identifier,
    Intervention,
    Issue,
    MeshHeading,
    MeshLeaf,
    MeshTerm,
    Outcome,
    ParsedTrial,
    Site,
    Sponsor,
)
from transforms.shape import SourceRecord, shape_batch, shape_trial, trial_key


def _trial(**kw) -> ParsedTrial:
    base = dict(layout="ctgov_json", nct_id="NCT01234567", title="A trial", start_date=date(2020, 1, 1),
                conditions=["Asthma", "asthma ", "COPD"],
                interventions=[Intervention("Aspirin", "DRUG"), Intervention("aspirin", "DRUG"),
                               Intervention("Placebo", "DRUG")],
                arms=[Arm("A", "EXPERIMENTAL", intervention_names=["Drug: Aspirin"]),
                      Arm("B", "PLACEBO_COMPARATOR", intervention_names=["Placebo", "Unknown thing"])],
                criteria=[Criterion("INCLUSION", "Adults"), Criterion("EXCLUSION", "Pregnant"),
                          Criterion("INCLUSION", "Asthma")],
                outcomes=[Outcome("PRIMARY", "FEV1"), Outcome("SECONDARY", "QoL")],
                sites=[Site("Clinic", "Paris", None, None, "France", "RECRUITING")])
    base.update(kw)
    return ParsedTrial(**base)


def _rec(trial: ParsedTrial, path: str = "a.json") -> SourceRecord:
    return SourceRecord(trial, path, "0" * 64, 0, "run-1")


def test_keys_are_deterministic_and_readable():
    rows = shape_trial(_rec(_trial()))
    assert [r["arm_id"] for r in rows["arm"]] == ["NCT01234567:arm:1", "NCT01234567:arm:2"]
    assert [r["criterion_id"] for r in rows["criterion"]] == [
        "NCT01234567:inclusion:1", "NCT01234567:exclusion:1", "NCT01234567:inclusion:2"]
    assert [r["ordinal"] for r in rows["criterion"]] == [1, 1, 2]
    assert shape_trial(_rec(_trial())) == rows


def test_duplicates_are_dropped_and_arms_link_by_name():
    rows = shape_trial(_rec(_trial()))
    assert [r["name"] for r in rows["condition"]] == ["Asthma", "COPD"]
    assert [r["name"] for r in rows["intervention"]] == ["Aspirin", "Placebo"]
    links = {(r["arm_id"], r["intervention_id"]) for r in rows["arm_intervention"]}
    assert links == {("NCT01234567:arm:1", "NCT01234567:intervention:1"),
                     ("NCT01234567:arm:2", "NCT01234567:intervention:2")}


def test_trial_without_nct_gets_a_stable_key_from_its_title():
    a = trial_key(_trial(nct_id=None, title="Some  Trial"), "1" * 64, 0)
    b = trial_key(_trial(nct_id=None, title="some trial"), "2" * 64, 3)
    assert a == b and a.startswith("TH-") and len(a) == 19
    assert trial_key(_trial(nct_id=None, title=None, brief_summary=None), "1" * 64, 0) != \
        trial_key(_trial(nct_id=None, title=None, brief_summary=None), "1" * 64, 1)


def test_shape_batch_has_every_star_table_with_record_column():
    tables = shape_batch([_rec(_trial()), _rec(_trial(nct_id="NCT07654321"), "b.json")])
    assert tables["trial"].num_rows == 2
    assert set(tables["trial"].column("_record").to_pylist()) == {"a.json#0", "b.json#0"}
    assert tables["site"].column("status").to_pylist() == ["RECRUITING", "RECRUITING"]


def test_every_row_holds_exactly_its_tables_staging_columns():
    # shape_batch builds the Arrow tables by position, so a row may neither miss nor add a column
    from schemas.derive import arrow_schema
    from schemas.tables import STAGED_TABLES
    rows = shape_trial(_rec(_trial(
        criteria=[Criterion("INCLUSION", "Aged 18 to 65 years")],
        identifiers=[Identifier("NCT01234567", "PRIMARY", "CTGOV"), Identifier("ABC-1", "OTHER")],
        sponsors=[Sponsor("Acme", "LEAD", "INDUSTRY")], condition_mesh=[MeshTerm("D001249", "Asthma")],
        intervention_mesh=[MeshTerm("D001241", "Aspirin")], mesh_leaves=[MeshLeaf("Asthma", "D001249", "Asthma")],
        mesh_headings=[MeshHeading("CONDITION", "Asthma")], countries=[CountryListing("France")], issues=[Issue("outcomes", "ERROR", "unreadable")])))
    for tbl in STAGED_TABLES:
        names = set(arrow_schema(tbl, staging=True).names)
        assert rows[tbl.name], tbl.name
        assert all(set(row) == names for row in rows[tbl.name]), tbl.name


def test_a_comparator_lost_to_an_equals_sign_is_a_caveat_where_its_side_is_known_else_an_issue():
    rows = shape_trial(_rec(_trial(criteria=[Criterion("INCLUSION", "Age ≥ 18 years"),
                                             Criterion("INCLUSION", "BMI =30 kg/m2"),
                                             Criterion("INCLUSION", "Hemoglobin =9 g/dL"),
                                             Criterion("INCLUSION", "Enrolment in two groups (n=38 per group)")])))
    assert [(m["variable"], m["condition_kind"]) for m in rows["criterion_measure"]] == [
        ("age", None), ("hemoglobin", "LOST_COMPARATOR")]
    issues = [row for row in rows["ingest_issue"] if row["field"] == "criterion_measure"]
    assert len(issues) == 1 and issues[0]["severity"] == "WARNING"
    assert "NCT01234567:inclusion:2" in issues[0]["message"] and "'BMI =30 kg/m2'" in issues[0]["message"]


def test_criteria_whose_general_bounds_no_value_meets_together_are_alternatives():
    rows = shape_trial(_rec(_trial(criteria=[Criterion("INCLUSION", "Low risk: Gleason score 2-6"),
                                             Criterion("INCLUSION", "High risk: Gleason score 8-10"),
                                             Criterion("INCLUSION", "Age ≥ 18 years")])))
    kinds = {(m["variable"], m["lower_value"]): m["condition_kind"] for m in rows["criterion_measure"]}
    assert kinds == {("gleason_score", 2.0): "DISJOINT", ("gleason_score", 8.0): "DISJOINT", ("age", 18.0): None}


def test_a_value_under_the_heading_that_ends_the_criterion_before_reads_as_that_variable():
    # PDQ records set `Age:` and `18 and over` on lines of their own; split into criteria, the heading ends one
    # criterion and its value opens the next (shared corpus, e.g. summary_with_criteria/4dadfb26084f7fc2.txt)
    rows = shape_trial(_rec(_trial(criteria=[
        Criterion("INCLUSION", "DISEASE CHARACTERISTICS: Liver metastases PATIENT CHARACTERISTICS: Age:"),
        Criterion("INCLUSION", "18 and over Performance status:"),
        Criterion("INCLUSION", "Karnofsky 60-100% Life expectancy:"),
        Criterion("INCLUSION", "At least 12 weeks Hematopoietic:"),
        Criterion("INCLUSION", "WBC at least 3,000/mm^3"),
        Criterion("INCLUSION", "Adequate renal function: the maximum creatinine listed below by age:"),
        Criterion("INCLUSION", "1 to <2 years: 0.6"),
        Criterion("INCLUSION", "Other: Life expectancy:"),
        Criterion("EXCLUSION", "More than 8 weeks since prior surgery")])))  # the heading is of the other kind's list
    read = {(m["criterion_id"].split(":", 1)[1], m["variable"], m["lower_value"], m["source_text"])
            for m in rows["criterion_measure"]}
    assert read == {("inclusion:2", "age", 18.0, "18 and over"),
                    ("inclusion:3", "karnofsky", 60.0, "Karnofsky 60-100%"),
                    ("inclusion:4", "life_expectancy", 0.229979, "At least 12 weeks"),
                    ("inclusion:5", "wbc", 3.0, "WBC at least 3,000/mm^3")}
    assert rows["trial"][0]["min_age_years"] == 18.0  # the record states no structured age: the criteria's is next best


def test_a_bare_span_of_years_under_a_heading_is_what_the_heading_names_not_an_age():
    # NCT00003782 (shared corpus): `Life expectancy:` then `At least 10 years, excluding diagnosis of cancer`; on its
    # own a bare `At least 10 years` reads as an age (as under `Age:`)
    rows = shape_trial(_rec(_trial(criteria=[
        Criterion("INCLUSION", "Life expectancy:"), Criterion("INCLUSION", "At least 10 years, excluding cancer"),
        Criterion("INCLUSION", "Age:"), Criterion("INCLUSION", "At least 18 years")])))
    assert [(m["variable"], m["lower_value"]) for m in rows["criterion_measure"]] == [
        ("life_expectancy", 10.0), ("age", 18.0)]
    assert rows["trial"][0]["min_age_years"] == 18.0


def test_a_groups_age_is_not_the_trials_age():
    # shared corpus summary_with_criteria/f4cd7be70c31be21.txt: `Age 65-70 years:` heads one group's bounds, beside
    # `Under 65 years:`; the trial's age range derived from its criteria is the general `70 and under` alone
    rows = shape_trial(_rec(_trial(criteria=[
        Criterion("INCLUSION", "70 and under"), Criterion("INCLUSION", "Age 65-70 years:"),
        Criterion("INCLUSION", "Karnofsky 80-100%"), Criterion("INCLUSION", "Under 65 years:"),
        Criterion("INCLUSION", "Karnofsky 90-100%")])))
    assert (rows["trial"][0]["min_age_years"], rows["trial"][0]["max_age_years"]) == (None, 70.0)
    assert {m["condition_text"] for m in rows["criterion_measure"]} == {None, "Age 65-70 years", "Under 65 years"}


def test_a_value_that_opens_with_its_comparator_after_a_criterion_ending_with_a_name_reads_as_that_variable():
    # a laboratory table split into criteria, row name then value (shared corpus, NCT04323202)
    rows = shape_trial(_rec(_trial(criteria=[
        Criterion("INCLUSION", "Absolute neutrophil count (ANC)"), Criterion("INCLUSION", ">= 1500/μL"),
        Criterion("INCLUSION", "Hemoglobin"), Criterion("INCLUSION", ">= 9.0 g/dL or >= 5.6 mmol/L"),
        Criterion("INCLUSION", "Asthma requiring"), Criterion("INCLUSION", "≥1 hospitalization in the past year"),
        Criterion("INCLUSION", "Platelets"), Criterion("INCLUSION", "Documented at 100,000/μL or more")])))
    read = {(m["criterion_id"].split(":", 1)[1], m["variable"], m["lower_value"], m["source_text"])
            for m in rows["criterion_measure"]}
    # the last value opens with no comparator: a row name alone is no heading for it
    assert read == {("inclusion:2", "anc", 1.5, ">= 1500/μL"), ("inclusion:4", "hemoglobin", 90.0, ">= 9.0 g/dL")}
