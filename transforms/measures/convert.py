"""Values in a written unit → the variable's canonical unit, as the catalogue allows (pint for the dimensions)."""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from schemas.measures import CATALOGUE, ULN, UNITS, Variable

ULN_PLAUSIBLE = (0.1, 100.0)  # a multiple of the upper limit of normal outside this is a mis-reading
_MASS_PER_VOLUME = "[mass] / [length] ** 3"
_AMOUNT_PER_VOLUME = "[substance] / [length] ** 3"


@cache
def _registry():
    """The unit registry, built on first use (importing pint costs ≈ 0.5 s, most criteria never need it)."""
    import pint

    registry = pint.UnitRegistry()
    registry.define("international_unit = [hormone_activity] = IU")  # hormone units (TSH), not enzyme units (U)
    return registry


def _quantity(symbol: str, value: float):
    """`value` of a catalogue unit as a pint quantity (the expression's own magnitude applied: 10^9/L)."""
    registry = _registry()
    expression = registry(UNITS[symbol])
    if isinstance(expression, (int, float)):  # a dimensionless expression (percent parses to a quantity)
        return registry.Quantity(value * expression, "dimensionless")
    return registry.Quantity(value * expression.magnitude, expression.units)


def _linear(convert: Callable[[float], float]) -> tuple[float, float]:
    """(scale, offset) of an affine conversion, from two points (°F → °C has an offset, the rest none)."""
    zero = convert(0.0)
    return convert(1.0) - zero, zero


@cache
def _conversion(variable: str, symbol: str) -> tuple[float, float] | None:
    """(scale, offset) taking a value in `symbol` to the variable's canonical unit; None when it cannot."""
    var = CATALOGUE[variable]
    if symbol == var.unit:
        return 1.0, 0.0
    if symbol in var.affine:
        return var.affine[symbol]
    if symbol not in var.accepted_units():
        return None
    if symbol == "mEq/L":
        if var.valence is None or var.unit != "mmol/L":
            return None
        return 1.0 / var.valence, 0.0
    if UNITS.get(symbol) is None or UNITS.get(var.unit) is None:
        return None
    target = _quantity(var.unit, 1.0)
    source_dimension = str(_quantity(symbol, 1.0).dimensionality)
    target_dimension = str(target.dimensionality)
    if source_dimension == target_dimension:
        return _linear(lambda x: _quantity(symbol, x).to(target.units).magnitude / target.magnitude)
    if var.molar_mass is not None and {source_dimension, target_dimension} == {_MASS_PER_VOLUME, _AMOUNT_PER_VOLUME}:
        # mass ↔ amount concentrations through the analyte's molar mass (bilirubin mg/dL → µmol/L)
        grams_per_mole = var.molar_mass
        if source_dimension == _MASS_PER_VOLUME:
            def per_litre(x: float) -> float:
                return _quantity(symbol, x).to("g / L").magnitude / grams_per_mole
            unit_per_litre = "mol / L"
        else:
            def per_litre(x: float) -> float:
                return _quantity(symbol, x).to("mol / L").magnitude * grams_per_mole
            unit_per_litre = "g / L"
        registry = _registry()
        return _linear(lambda x: registry.Quantity(per_litre(x), unit_per_litre).to(target.units).magnitude
                       / target.magnitude)
    return None


def prepare_conversions() -> None:
    """Work out now the conversion of every unit the catalogue accepts (a process that workers fork from does it
    once for all of them, instead of each worker on its first dimensional conversion: ≈ 0.5 s of pint)."""
    for name, variable in CATALOGUE.items():
        for symbol in variable.accepted_units():
            _conversion(name, symbol)


def bare_unit(variable: Variable, value: float) -> str | None:
    """The unit a number written without one is read in (`platelets ≥ 100,000` → /µL), None to read nothing."""
    for limit, unit in variable.bare:
        if value < limit:
            return unit
    return None


def accepts(variable: str, symbol: str | None) -> bool:
    """Whether a number in this written unit (None: no unit) can be a value of the variable at all."""
    var = CATALOGUE[variable]
    if symbol is None:
        return any(unit is not None for _, unit in var.bare)
    if symbol == ULN:
        return var.uln
    return symbol in var.accepted_units()


def to_canonical(variable: str, value: float, symbol: str | None) -> tuple[float, str] | None:
    """(value, unit) in the variable's canonical unit or ×ULN; None when the unit does not fit the variable."""
    var = CATALOGUE[variable]
    if symbol == ULN:
        return (value, ULN) if var.uln else None
    if symbol is None:
        symbol = bare_unit(var, value)
        if symbol is None:
            return None
    conversion = _conversion(variable, symbol)
    if conversion is None:
        return None
    scale, offset = conversion
    return value * scale + offset, var.unit


def plausible(variable: str, value: float, unit: str) -> bool:
    """Whether a canonical value is one the variable can take (outside: the number belongs to something else)."""
    low, high = ULN_PLAUSIBLE if unit == ULN else CATALOGUE[variable].plausible
    return low <= value <= high


def converter(variable: str, symbol: str) -> Callable[[float], float] | None:
    """A function taking a value written in `symbol` to the variable's canonical unit (None when not convertible):
    for readers of the warehouse that hold patient values in their own units."""
    conversion = _conversion(variable, symbol)
    if conversion is None:
        return None
    scale, offset = conversion

    def convert(value: float) -> float:
        return value * scale + offset

    return convert
