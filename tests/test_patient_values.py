"""transforms.patient: a patient's values as typed → catalogue variables in canonical units, or one-line errors."""
from __future__ import annotations

import pytest

from transforms.patient import (
    Patient,
    PatientValue,
    PatientValueError,
    build_patient,
    read_assignment,
    read_sex,
    read_value,
    unit_of,
)


@pytest.mark.parametrize(("variable", "text", "value", "unit"), [
    ("platelets", "150", 150.0, "10^9/L"),  # no unit: the canonical unit, never guessed from the size
    ("platelets", "150000/µL", 150.0, "10^9/L"),
    ("platelets", "150,000/uL", 150.0, "10^9/L"),
    ("platelets", "150 G/L", 150.0, "10^9/L"),
    ("anc", "1.8x10^9/L", 1.8, "10^9/L"),
    ("anc", "1800 cells/mm3", 1.8, "10^9/L"),
    ("creatinine", "1.2mg/dL", 106.082, "µmol/L"),
    ("creatinine", "106 umol/L", 106.0, "µmol/L"),
    ("hemoglobin", "11g/dL", 110.0, "g/L"),
    ("hemoglobin", "6.8 mmol/L", 109.6, "g/L"),
    ("egfr", "55 mL/min/1.73m2", 55.0, "mL/min/1.73m²"),
    ("age", "18 months", 1.5, "years"),
    ("ast", "2xULN", 2.0, "×ULN"),
    ("ast", "2.5 × ULN", 2.5, "×ULN"),
    ("total_bilirubin", "1.2 mg/dL", 20.52, "µmol/L"),
    ("hba1c", "53 mmol/mol", 7.0, "%"),
    ("nyha", "II", 2.0, "class"),  # a grade naming one point of the scale
    ("body_temperature", "98.6 °F", 37.0, "°C"),
])
def test_values_are_converted_to_the_canonical_unit(variable, text, value, unit):
    read = read_value(variable, text)
    assert read.variable == variable and read.unit == unit and read.written == text
    assert read.value == pytest.approx(value, rel=1e-3)


@pytest.mark.parametrize(("name", "variable"), [
    ("Platelets", "platelets"), ("total-bilirubin", "total_bilirubin"), ("PLT", "platelets"),
    ("absolute neutrophil count", "anc"), ("creatinine clearance", "creatinine_clearance"),
])
def test_variables_are_found_by_name_or_catalogue_alias(name, variable):
    assert read_value(name, "10").variable == variable


@pytest.mark.parametrize(("variable", "text", "message"), [
    ("plateletz", "150", "unknown variable 'plateletz': did you mean platelets?"),
    ("creatinine", "1.2 mmHg", "'1.2 mmHg' is in mmHg, which does not convert to µmol/L: expected one of µmol/L, "
                               "mg/dL, mmol/L, ×ULN"),
    ("platelets", "1.5xULN", "'1.5xULN' is in ×ULN, which does not convert to 10^9/L"),
    ("creatinine", "1.2 furlongs", "unknown unit 'furlongs' in '1.2 furlongs': expected one of µmol/L"),
    ("ecog", "one", "cannot read 'one': expected a number"),
    ("platelets", "150000", "'150000' is 150000 10^9/L, not a plausible platelet count: give the unit"),
    ("hemoglobin", "11", "not a plausible hemoglobin: give the unit if it is not g/L (one of g/L, g/dL, mmol/L)"),
    ("child_pugh", "B", "cannot read 'B'"),  # a grade spanning several scores is not one value
])
def test_unreadable_values_are_one_line_errors_saying_what_was_expected(variable, text, message):
    with pytest.raises(PatientValueError) as caught:
        read_value(variable, text)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_assignments_name_the_variable():
    assert read_assignment("creatinine=1.2mg/dL").variable == "creatinine"
    assert read_assignment(" hba1c = 7.5 ").value == 7.5
    with pytest.raises(PatientValueError, match="expected name=number"):
        read_assignment("creatinine 1.2")


def test_sex_reads_female_or_male():
    assert [read_sex(s) for s in ("female", "F", "Male", "m")] == ["FEMALE", "FEMALE", "MALE", "MALE"]
    for bad in ("all", "x"):
        with pytest.raises(PatientValueError, match="expected female or male"):
            read_sex(bad)


def test_a_patient_splits_canonical_and_uln_values_and_refuses_a_value_given_twice():
    patient = build_patient([read_value("ast", "40"), read_value("ast", "1.2xULN"), read_value("age", "64")], "f")
    assert patient.canonical() == {"age": 64.0, "ast": 40.0} and patient.uln() == {"ast": 1.2}
    assert patient.sex == "FEMALE"
    with pytest.raises(PatientValueError, match="age given twice"):
        build_patient([read_value("age", "64"), read_assignment("age=65")])
    assert Patient() == build_patient([])
    assert PatientValue("ast", 1.0, "×ULN", "1xULN").is_uln


def test_unit_symbols_are_found_as_typed():
    assert [unit_of(u) for u in ("/µL", "/uL", "umol/L", "mL/min/1.73m2", "x ULN", "score", "nonsense")] == [
        "/µL", "/µL", "µmol/L", "mL/min/1.73m²", "×ULN", "score", None]
