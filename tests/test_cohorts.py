"""A trial's criteria read together: the bounds under the heading of one of its groups are that group's, and criteria
joined by an `or` that ends the first are alternatives."""
from __future__ import annotations

import pytest

from transforms.measures import extract_measures, in_cohorts, joined_by_or


def _read(criteria: list[tuple[str, str]]) -> list[list[tuple[str, float | None, float | None, str | None]]]:
    """(variable, lower, upper, condition) of every measure of each criterion, read together."""
    together = in_cohorts(criteria, [extract_measures(text, kind) for kind, text in criteria])
    return [[(m.variable, m.lower_value, m.upper_value, m.condition_text) for m in measures] for measures in together]


def test_each_groups_bounds_are_that_groups_and_an_everyone_heading_ends_them():
    # NCT00001756 (shared corpus, ctgov_xml): the volunteers' creatinine ≤ 1.5 would exclude the patients' ≤ 2
    read = _read([("INCLUSION", "Healthy Volunteers must:"), ("INCLUSION", "Have creatinine ≤ 1.5 mg/dL"),
                  ("INCLUSION", "Patients must:"), ("INCLUSION", "Have creatinine ≤ 2 mg/dL"),
                  ("INCLUSION", "All participants:"), ("INCLUSION", "Age ≥ 18 years"),
                  ("EXCLUSION", "Platelets < 100,000/mm3")])
    assert read == [[], [("creatinine", None, 132.602546, "Healthy Volunteers")],
                    [], [("creatinine", None, 176.803395, "Patients")],
                    [], [("age", 18.0, None, None)],
                    [("platelets", 100.0, None, None)]]


def test_a_heading_that_states_the_groups_age_is_a_condition_too():
    # shared corpus summary_with_criteria/f4cd7be70c31be21.txt: the 65-70 group's age is no bound on the under-65s
    read = _read([("INCLUSION", "70 and under"), ("INCLUSION", "Performance status:"),
                  ("INCLUSION", "Age 65-70 years:"), ("INCLUSION", "Karnofsky 80-100%"),
                  ("INCLUSION", "Under 65 years:"), ("INCLUSION", "Karnofsky 90-100%")])
    assert read == [[("age", None, 70.0, None)], [],
                    [("age", 65.0, 70.0, "Age 65-70 years")], [("karnofsky", 80.0, 100.0, "Age 65-70 years")],
                    [], [("karnofsky", 90.0, 100.0, "Under 65 years")]]


def test_a_heading_that_opens_a_criterion_heads_that_one_only():
    # NCT00001288 (shared corpus, ctgov_xml): the volunteers' age range is no age range of the trial
    read = _read([("INCLUSION", "Normal Volunteers: The desired age range is 18 to 55 years."),
                  ("INCLUSION", "Body mass index 18-30 kg/m2"),
                  ("INCLUSION", "Patients: Patients aged 16 or over will be selected from those referred.")])
    assert read == [[("age", 18.0, 55.0, "Normal Volunteers")], [("bmi", 18.0, 30.0, None)],
                    [("age", 16.0, None, "Patients")]]


def test_a_groups_label_without_a_colon_opens_its_criterion():
    # shared corpus summary_with_criteria/a89500730e03a468.txt: the healthy controls' ages are no ages of the trial
    read = _read([("INCLUSION", "Group 1 AD-HIES patients A.Patients with extremely high serum IgE, IgE>2000IU/ml"),
                  ("INCLUSION", "Group 3 Healthy Control A.Healthy control aged 1-25 year at time of enrollment."),
                  ("INCLUSION", "Group therapy sessions attended: at least 2 in 2024")])
    assert read == [[("total_ige", 2000.0, None, "Group 1")], [("age", 1.0, 25.0, "Group 3")], []]


def test_a_heading_whose_rest_only_describes_its_group_heads_the_criteria_after_it():
    # NCT00003145 (shared corpus, ctgov_xml): each age group's own Karnofsky floor
    read = _read([("EXCLUSION", "GROUP 1: (PATIENTS AGED > 65 AND < 75 YEARS)"), ("EXCLUSION", "Karnofsky score < 70"),
                  ("EXCLUSION", "GROUP 2 (PATIENTS AGED =< 65)"), ("EXCLUSION", "Karnofsky score < 50")])
    assert read[1] == [("karnofsky", 70.0, None, "GROUP 1 (PATIENTS AGED > 65 AND < 75 YEARS)")]
    assert read[3] == [("karnofsky", 50.0, None, "GROUP 2 (PATIENTS AGED =< 65)")]


@pytest.mark.parametrize("criteria", [
    # one group named: the heading says whom the whole list is for
    [("INCLUSION", "Patients with renal impairment:"), ("INCLUSION", "Creatinine clearance 30-59 mL/min")],
    # no heading names a group (`Patients must have:` names everyone)
    [("INCLUSION", "Patients must have:"), ("INCLUSION", "ECOG 0-1"), ("INCLUSION", "NOTE:"),
     ("INCLUSION", "Age ≥ 18 years")],
    # a list's lead-ins, not groups
    [("EXCLUSION", "Patients with any of the following:"), ("EXCLUSION", "Hemoglobin < 9 g/dL"),
     ("EXCLUSION", "All patients must have:"), ("EXCLUSION", "ECOG > 2")],
    # the two groups' headings are in different lists
    [("INCLUSION", "Cohort A:"), ("INCLUSION", "ECOG 0-1"), ("EXCLUSION", "Cohort B:"), ("EXCLUSION", "ECOG > 2")],
])
def test_without_two_groups_in_one_list_every_bound_stays_general(criteria):
    read = _read(criteria)
    assert any(read) and all(condition is None for measures in read for *_, condition in measures)


def test_a_bound_with_a_condition_of_its_own_keeps_it():
    read = _read([("INCLUSION", "Part A:"), ("INCLUSION", "AST ≤ 5 × ULN if liver metastases"),
                  ("INCLUSION", "Part B:"), ("INCLUSION", "AST ≤ 2.5 × ULN")])
    assert read[1] == [("ast", None, 5.0, "if liver metastases")] and read[3] == [("ast", None, 2.5, "Part B")]


def _joined(criteria: list[tuple[str, str]]) -> list[list[tuple[str, str | None]]]:
    together = joined_by_or(criteria, [extract_measures(text, kind) for kind, text in criteria])
    return [[(m.variable, m.condition_kind) for m in measures] for measures in together]


def test_criteria_joined_by_an_or_that_ends_the_first_are_alternatives():
    # NCT00002765 (shared corpus): `Creatinine less than 2.0 mg/dL OR` / `Creatinine clearance greater than 50 mL/min`
    assert _joined([("INCLUSION", "Creatinine less than 2.0 mg/dL OR"),
                    ("INCLUSION", "Creatinine clearance greater than 50 mL/min"), ("INCLUSION", "Age ≥ 18 years")]) == [
        [("creatinine", "EITHER_VARIABLE")], [("creatinine_clearance", "EITHER_VARIABLE")], [("age", None)]]
    # a side that states no bound is an alternative all the same; a bound with its own condition keeps it
    assert _joined([("INCLUSION", "Creatinine within normal limits OR"),
                    ("INCLUSION", "Creatinine clearance at least 70 mL/min"),
                    ("INCLUSION", "AST ≤ 2.5 × ULN OR"), ("INCLUSION", "AST ≤ 5 × ULN if liver metastases")]) == [
        [], [("creatinine_clearance", "LISTED")], [("ast", "LISTED")], [("ast", "CLAUSE")]]


def test_an_or_that_ends_an_exclusion_leaves_each_bound_excluding():
    criteria = [("EXCLUSION", "Creatinine > 2.0 mg/dL OR"), ("EXCLUSION", "Creatinine clearance < 50 mL/min")]
    assert _joined(criteria) == [[("creatinine", None)], [("creatinine_clearance", None)]]
