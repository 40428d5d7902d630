"""The records passed between the stages: the public `Measure`, and the scanner's mentions and expressions."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Measure:
    """One variable's allowed range found in one criterion, after applying the criterion's kind."""

    variable: str  # a key of schemas.measures.CATALOGUE
    lower_value: float | None
    lower_inclusive: bool | None
    upper_value: float | None
    upper_inclusive: bool | None
    unit: str | None  # the variable's canonical unit, or ×ULN when stated as a multiple of the upper limit of normal
    raw_value: str | None  # the number(s) as written
    raw_unit: str | None  # the unit as written
    source_text: str  # the span the measure came from
    condition_text: str | None = None  # "if liver metastases present": a conditional bound
    applies_to_sex: str | None = None  # FEMALE or MALE: a bound stated for one sex (its condition_text says so)
    condition_kind: str | None = None  # a key of schemas.measures.CONDITION_KINDS when there is a condition


def ends_below(upper: float | None, upper_inclusive: bool | None, lower: float | None,
               lower_inclusive: bool | None) -> bool:
    """Whether a range ending at `upper` lies wholly below one starting at `lower` (a shared edge only when both
    exclude it)."""
    if upper is None or lower is None:
        return False
    return upper < lower or (upper == lower and not (upper_inclusive and lower_inclusive))


# what a mention names
NAME = "name"  # one or more catalogue variables (`transaminases` → AST and ALT)
PAIR = "pair"  # two variables read from one `N/M` value (`blood pressure 140/90`)
OTHER = "other"  # something that is not a catalogue variable (`direct bilirubin`)
PERFORMANCE = "performance"  # `performance status` without a scale: ECOG or Karnofsky, decided by the value


@dataclass(slots=True)
class Mention:
    """A name found in the text."""

    start: int
    end: int
    variables: tuple[str, ...]
    kind: str = NAME


@dataclass(slots=True)
class Group:
    """Adjacent mentions sharing one constraint: `AST/ALT`, `ALT (SGPT) and AST (SGOT)`."""

    start: int
    end: int
    variables: list[str]
    kinds: set[str]
    prefix_cmp: str | None = None  # `≥ the platelet count of 100`: a comparator written before the name
    between: bool = False  # `between the ages of 18 and 65`
    strict: bool = False  # a strict abbreviation (`WHO`, `TB`): its value must follow at once
    postfix: bool = False  # names the value before it (`> 140 mm Hg systolic`), so owns none after it
    last_kind: str = NAME  # what its last member is: `hypercalcemia (ionized calcium > 1.5)` measures the latter
    named: set[str] = field(default_factory=set)  # variables named one by one (`blood pressure systolic`: SBP only)


# what an expression states
VALUE = "value"  # a number (or a range of two) with its unit and comparators
LIST = "list"  # `0, 1 or 2`: a list of scale points
BARE_ULN = "bare_uln"  # `≤ ULN`: one times the upper limit of normal
PAIRED = "paired"  # `140/90 mmHg`: a pair of values for a PAIR mention
GRADE = "grade"  # `class II or III`, `Child-Pugh B`: ordinal grades of a scale, as their score range


@dataclass(slots=True)
class Expr:
    """A value statement found in the text, and what the linking stage learns about it."""

    start: int
    end: int
    form: str
    n1: float | None = None
    n2: float | None = None  # second number of a range or a pair
    n1_span: tuple[int, int] | None = None
    n2_span: tuple[int, int] | None = None
    u1: str | None = None  # unit symbols (units.unit_symbol)
    u2: str | None = None
    u1_span: tuple[int, int] | None = None
    u2_span: tuple[int, int] | None = None
    cmp: str | None = None  # comparator before the first number
    cmp2: str | None = None  # comparator before the second number
    post: str | None = None  # postfix comparator marker (normalise.POST_*)
    sep: str | None = None  # what joins a range (`-`, `to`, `and`)
    between: bool = False  # `between`/`from`/`in the range` before it
    states_age: bool = False  # `years old`, `of age`
    age_comparative: bool = False  # written with `younger`/`older` (`younger than 6 months`, `6 months or older`)
    values: tuple[float, ...] = ()  # a LIST's scale points
    extra1: tuple[float, str | None] | None = None  # `18 years and 6 months`: the smaller unit's part of n1
    extra2: tuple[float, str | None] | None = None
    grade_variable: str | None = None  # the scale a GRADE belongs to
    # linking
    owner: Group | None = None
    continues: Expr | None = None  # the expression this one continues (`≥ 18 and ≤ 75`)
    age_intrinsic: bool = False  # an age by its own unit (`18 years old`)
    dropped: bool = False
    inside: bool = False  # the expression is the condition of another bound
    inside_if: bool = False  # … of an `if`/`when` clause, which the next `or`/`and` bound continues
    exception: bool = False  # stated inside `except …`: in an EXCLUSION criterion, an allowed range as written
    negated: bool = False  # what a `no …` clause rules out (`no heart disease (NYHA class III or IV)`)
    ruled_out: bool = False  # `… are not eligible` after it: an excluded range even in an INCLUSION criterion
    comparator_from: Expr | None = None  # `below 100 systolic or 70 diastolic`: the comparator of the one before
    joined_by: str | None = None  # `or`/`unless` joining it to a bound of another variable (`creatinine … or CrCl …`),
    # `and` between the two bounds an exclusion needs together, or `listed` after `one of the following` or `such as`
    condition: tuple[int, int] | None = None
    lost: bool = False  # its comparator is an `=` that stands for a lost `≥` or `≤` (an encoding turned both into `=`)
    restored: bool = False  # … and was read back as the variable's healthier side (a caveat)

    @property
    def units(self) -> tuple[str | None, str | None]:
        """The written unit symbols of its two numbers."""
        return self.u1, self.u2


@dataclass(slots=True)
class Range:
    """One allowed (or stated) range of one variable, before it becomes a Measure."""

    lower: float | None
    lower_inclusive: bool | None
    upper: float | None
    upper_inclusive: bool | None
    unit: str
    raw_value: str | tuple[int, int] | None  # the span of the number(s) until quoted
    raw_unit: str | tuple[int, int] | None
    span: tuple[int, int]
    condition: str | None
    order: int = 0
