"""A patient's values as typed (`1.2mg/dL`, `150000/µL`, `2xULN`) → catalogue variables in their canonical units.

What `trials_for_patient` (warehouse/marts/mart_eligibility_bounds.sql) compares with the trials' bounds: a value in
the variable's canonical unit, or a multiple of the upper limit of normal where the catalogue allows one. A value
typed without a unit is in the canonical unit (never guessed from its size, as the extractor does for criteria).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from schemas.measures import CATALOGUE, ULN, UNITS, Variable
from schemas.vocabularies import Sex
from transforms.measures.convert import plausible, to_canonical
from transforms.measures.units import OTHER, unit_symbol

# a number, then whatever follows is its unit: `1.8`, `150,000/µL`, `1.2 mg/dL`, `2.5xULN`, `4e9/L` is not a number
_VALUE_RE = re.compile(r"\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+)\s*(.*?)\s*")
_ASSIGNMENT_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_ -]*?)\s*=\s*(.*)")


class PatientValueError(ValueError):
    """A patient value that cannot be read; the message says what was given and what was expected, in one line."""


@dataclass(frozen=True, slots=True)
class PatientValue:
    """One of the patient's values: a catalogue variable in its canonical unit, or as a multiple of ULN."""

    variable: str
    value: float
    unit: str  # the variable's canonical unit, or ×ULN
    written: str  # as the user typed it (`150000/µL`)

    @property
    def is_uln(self) -> bool:
        """Whether the value is a multiple of the upper limit of normal."""
        return self.unit == ULN


@dataclass(frozen=True, slots=True)
class Patient:
    """What is known of a patient: values (at most one canonical and one ×ULN per variable) and sex."""

    values: tuple[PatientValue, ...] = ()
    sex: str | None = None  # FEMALE or MALE

    def canonical(self) -> dict[str, float]:
        """variable → value in its canonical unit: `trials_for_patient`'s `patient` map."""
        return {v.variable: v.value for v in self.values if not v.is_uln}

    def uln(self) -> dict[str, float]:
        """variable → multiple of the upper limit of normal: `trials_for_patient`'s `uln` map."""
        return {v.variable: v.value for v in self.values if v.is_uln}


def _fold(unit: str) -> str:
    """A unit without case, blanks and the look-alike characters people type (`umol/l` for `µmol/L`)."""
    return (unit.replace("µ", "u").replace("μ", "u").replace("²", "2").replace("×", "x").replace(" ", "")
            .lower())


_FOLDED_UNITS = {_fold(symbol): symbol for symbol in UNITS}


def unit_of(written: str) -> str | None:
    """The catalogue unit symbol of a unit as typed (`/uL` → `/µL`, `x10^9/L` → `10^9/L`), None when unknown."""
    if written in UNITS:
        return written
    symbol = unit_symbol(written)  # the spellings criteria use (`G/L`, `cells/mm3`, `mg%`, `x ULN`)
    if symbol not in (None, OTHER):
        return symbol
    return _FOLDED_UNITS.get(_fold(written))


def units_accepted(var: Variable) -> tuple[str, ...]:
    """Every unit a value of the variable may be typed in: its canonical unit first, ×ULN where allowed."""
    return (*var.accepted_units(), *((ULN,) if var.uln else ()))


def _aliases() -> dict[str, set[str]]:
    """Lower-cased names and abbreviations of the catalogue (`plt`, `absolute neutrophil count`) → variables."""
    out: dict[str, set[str]] = {}
    for var in CATALOGUE.values():
        for alias in (*var.names, *var.abbreviations, *var.strict_abbreviations):
            out.setdefault(alias.lower().replace("-", " "), set()).add(var.name)
    return out


_ALIASES = _aliases()


def catalogue_variable(name: str) -> Variable:
    """The catalogue record of a variable named as typed (`platelets`, `total-bilirubin`, `PLT`), or a one-line
    error."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in CATALOGUE:
        return CATALOGUE[key]
    named = sorted(_ALIASES.get(key.replace("_", " "), ()))
    if len(named) == 1:
        return CATALOGUE[named[0]]
    if named:
        raise PatientValueError(f"'{name}' may name {' or '.join(named)}: give the variable's name")
    close = difflib.get_close_matches(key, list(CATALOGUE), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise PatientValueError(f"unknown variable '{name}': {hint}expected a catalogue variable "
                            f"(see `trialhouse match --list-variables`)")


def _grade_value(var: Variable, text: str) -> float | None:
    """The value of a grade that names one point of the scale (`NYHA II` → 2); None for anything else."""
    span = var.grades.get(text.strip().upper())
    return span[0] if span is not None and span[0] == span[1] else None


def read_value(name: str, text: str) -> PatientValue:
    """A value typed for a variable (`1.2mg/dL`; bare numbers are in the canonical unit) in its canonical unit."""
    var = catalogue_variable(name)
    expected = ", ".join(units_accepted(var))
    grade = _grade_value(var, text)
    m = None if grade is not None else _VALUE_RE.fullmatch(text)
    if grade is None and m is None:
        raise PatientValueError(f"{var.name}: cannot read '{text}': expected a number, optionally followed by a "
                                f"unit ({expected})")
    number = grade if grade is not None else float(m.group(1).replace(",", ""))  # type: ignore[union-attr]
    written_unit = m.group(2) if m is not None else ""
    symbol = unit_of(written_unit) if written_unit else var.unit
    if symbol is None:
        raise PatientValueError(f"{var.name}: unknown unit '{written_unit}' in '{text}': expected one of {expected}")
    converted = to_canonical(var.name, number, symbol)
    if converted is None:
        raise PatientValueError(f"{var.name}: '{text}' is in {symbol}, which does not convert to {var.unit}: "
                                f"expected one of {expected}")
    value, unit = converted
    if not plausible(var.name, value, unit):
        # the classic slip: platelets typed per µL without the unit (150000 read as 150000 × 10^9/L)
        raise PatientValueError(f"{var.name}: '{text}' is {value:g} {unit}, not a plausible {var.label.lower()}: "
                                f"give the unit if it is not {var.unit} (one of {expected})")
    return PatientValue(var.name, value, unit, text.strip())


def read_assignment(text: str) -> PatientValue:
    """A value typed as `name=number[unit]` (`creatinine=1.2mg/dL`)."""
    m = _ASSIGNMENT_RE.fullmatch(text)
    if m is None:
        raise PatientValueError(f"cannot read '{text}': expected name=number[unit], e.g. creatinine=1.2mg/dL")
    return read_value(m.group(1), m.group(2))


def read_sex(text: str) -> str:
    """FEMALE or MALE, from `female` / `F` / `male` / `M` in any case."""
    key = text.strip().upper()
    sex = {"F": "FEMALE", "M": "MALE", "W": "FEMALE", "WOMAN": "FEMALE", "MAN": "MALE"}.get(key, key)
    if sex not in Sex.codes() or sex == "ALL":
        raise PatientValueError(f"sex: cannot read '{text}': expected female or male")
    return sex


def build_patient(values: list[PatientValue], sex: str | None = None) -> Patient:
    """A Patient from read values (one per variable and kind: a second one is an error, not a silent override)."""
    seen: dict[tuple[str, bool], PatientValue] = {}
    for v in values:
        earlier = seen.get((v.variable, v.is_uln))
        if earlier is not None:
            raise PatientValueError(f"{v.variable} given twice ('{earlier.written}' and '{v.written}'): give it once")
        seen[(v.variable, v.is_uln)] = v
    return Patient(tuple(sorted(values, key=lambda v: (v.variable, v.is_uln))), read_sex(sex) if sex else None)
