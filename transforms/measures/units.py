"""Written units → the unit symbols of the catalogue (`schemas.measures.UNITS`): how units are spelled in criteria."""
from __future__ import annotations

import re
from functools import lru_cache

from schemas.measures import ULN

OTHER = "?"  # a unit recognised as a unit (so that it ends a number) but that no variable is measured in

_TEN = r"[x×*]\s*10\s*(?:\^|~|\*\*?|e)?\s*\(?\s*"  # `× 10^`, `x10~`, `*10**`, `×10(` … before the exponent
_MICROLITRE = (r"(?:ul|mcl|mm\s*\^?\s*\(?3\)?|cu\.?\s*mm|cmm|mmc|cubic\s+mm|cubic\s+millimet(?:er|re)s?"
               r"|micro\s*-?\s*lit(?:er|re)s?|micro\s*l|microlit(?:er|re)s?)")
_MULT = r"(?:[x×*]|times(?:\s*\(\s*x\s*\))?|-?\s*fold)"
_QUAL = r"(?:(?:the\s+)?(?:institutional|institution's|local|laboratory|lab|site|reference)\s+)?"
ULN_QUALIFIER = _QUAL
ULN_WORDS = (r"(?:uln|unl|ulrr|upper\s+limits?\s+of\s+(?:the\s+)?(?:institutional\s+)?(?:normal|norm)"
             r"(?:\s+(?:range|values?|limits?))?|upper\s+normal\s+(?:limits?|range|values?)|normal\s+upper\s+limits?"
             r"|upper\s+limits?\s+of\s+(?:the\s+)?reference(?:\s+range)?|upper\s+range\s+of\s+normal|upper\s+limits?)")
_ULN_SUFFIX = r"(?:\s*\((?:uln|unl)\))?"

# (symbol, spelling of the lower-cased unit) in matching order: at one position the first spelling that matches
# wins, so longer and more specific spellings come first (`mmHg` before `mm`, `mL/min/1.73 m²` before `mL/min`).
UNIT_SPELLINGS: tuple[tuple[str, str], ...] = (
    # per-weight or per-time rates no variable is measured in (`eGFR < 50 ml/min/kg`: NCT04347252)
    (OTHER, r"(?:ml|cc|mg|ug|mcg|g|units?|iu)\s*/\s*(?:kg|min|h|hr|hour|day|d)\s*/\s*(?:kg|min|h|hr|hour|day|d|m2)"),
    # counts: `× 10^9/L`; a bare `× 10^9` is per litre too (`100×109 PG L`: NCT04348032)
    ("10^9/L", _TEN + r"9\s*\)?(?:\s*(?:cells?\s*)?(?:/|per\s+)\s*l(?:iter|itre)?\b)?"),
    ("10^3/µL", _TEN + r"3\s*\)?\s*(?:cells?\s*)?(?:/|per\s+)?\s*" + _MICROLITRE),
    ("10^6/L", _TEN + r"6\s*\)?\s*(?:cells?\s*)?/\s*l"),
    ("10^9/L", r"gpt\s*/\s*l|/\s*nl"),
    ("10^3/µL", r"k\s*/\s*(?:ul|mcl|mm3)"),
    ("copies/mL", r"copies\s*(?:/|per)\s*ml|cp\s*/\s*ml"),
    ("/µL", r"(?:cells?|platelets?|neutrophils?|granulocytes?|leu[ck]ocytes?|lymphocytes?|eosinophils?)?\s*(?:/|per)\s*"
            + _MICROLITRE),
    ("/µL", r"(?:cells?\s*)?mm\s*\^?\s*\(\s*3\s*\)"),
    (OTHER, r"micro\s*-?\s*l(?:it(?:er|re)s?)?"),  # a volume (`AEC greater than 1500 microL`), not a count per volume
    # multiples of the upper limit of normal: `2.5 × ULN`, `1.5 normal limit (ULN)` (NCT04348032), `1.5N`
    (ULN, rf"{_MULT}?\s*(?:the\s+)?{_QUAL}{ULN_WORDS}{_ULN_SUFFIX}"),
    (ULN, rf"{_MULT}\s*(?:the\s+)?{_QUAL}normal(?:\s+(?:values?|limits?|range))?{_ULN_SUFFIX}"),
    (ULN, rf"(?:the\s+)?{_QUAL}normal\s+limits?{_ULN_SUFFIX}"),
    ("mL/min/1.73m²", r"(?:ml|cc)\s*/\s*min(?:ute)?\.?\s*(?:/|per)\s*[1l][.,]73\s*"
                      r"(?:m\s*\^?\s*\(?\s*2\s*\)?|sq\.?\s*m|square\s+met(?:er|re)s?|m)(?:\s+body\s+surface\s+area)?"),
    ("mL/min", r"(?:ml|cc)\s*(?:/|per\s+)\s*min(?:ute)?"),
    ("mL/s", r"ml\s*/\s*s(?:ec)?"),
    ("kg/m²", r"kg\s*/\s*(?:m\s*\^?\s*\(?\s*2\s*\)?|sq\.?\s*m|square\s+met(?:er|re)s?|m)|kg\s*m-2"),
    ("mg/dL", r"mg\s*[/\\]\s*dl|mg\s*(?:/|per)\s*(?:100\s*ml|deciliter|decilitre)|mg\s*%|mg\s+per\s+dl"
              r"|milligrams?\s+(?:/|per)\s*(?:deciliter|decilitre|dl)"),
    ("mg/g", r"(?:mg|milligrams?)\s*(?:/|per)\s*g(?:ram)?(?:\s+(?:of\s+)?creatinine)?(?![a-z])|(?:ug|mcg)\s*/\s*mg"),
    ("mg/mmol", r"mg\s*(?:/|per)\s*mmol(?:\s+(?:of\s+)?creatinine)?"),
    ("mg/day", r"mg\s*(?:/|per)\s*(?:day|d)(?![a-z])|mg\s+(?:daily|a\s+day|per\s+day)"),
    ("mg/L", r"mg\s*(?:/|per)\s*l(?:iter|itre)?"),
    ("µg/mL", r"(?:ug|mcg|micrograms?)\s*(?:/|per)\s*ml"),
    ("µg/L", r"(?:ug|mcg|micrograms?)\s*(?:/|per)\s*l(?:iter|itre)?"),
    ("µg/dL", r"(?:ug|mcg)\s*/\s*dl"),
    ("ng/mL", r"ng\s*(?:/|per)\s*ml"),
    ("ng/dL", r"ng\s*(?:/|per)\s*dl"),
    ("ng/L", r"ng\s*(?:/|per)\s*l"),
    ("pg/mL", r"pg\s*(?:/|per)\s*ml"),
    ("mmol/mol", r"mmol\s*/\s*mol"),
    ("µmol/L", r"(?:u|mc|micro)\s*-?\s*mol(?:es)?\s*(?:/|per)\s*l(?:iter|itre)?|micromolar(?:\s*/\s*l)?|um"),
    ("nmol/L", r"nmol\s*(?:/|per)\s*l"),
    ("pmol/L", r"pmol\s*(?:/|per)\s*l"),
    ("mmol/L", r"mmol\s*(?:/|per)\s*l(?:iter|itre)?|millimol(?:es)?\s*(?:/|per)\s*l"),
    ("mEq/L", r"m\s*eq\s*(?:/|per)\s*l|meq"),
    ("g/dL", r"g(?:m|r|rams?)?\s*(?:/|per)\s*(?:dl|deciliter|decilitre|100\s*ml)|g\s*%|g\s*percent"),
    ("g/L", r"g(?:m|r|rams?)?\s*(?:/|per)\s*l(?:iter|itre)?"),
    ("mIU/L", r"m\s*i?\s*u\s*/\s*l|u\s*i?u\s*/\s*ml|micro\s*iu\s*/\s*ml"),
    ("IU/mL", r"(?:i\.?\s*u\.?|u\.?\s*i\.?|int(?:ernational|l)?\.?\s*units?)\s*(?:/|per)\s*ml"),
    ("U/L", r"(?:i\.?u\.?|u|units?)\s*(?:/|per)\s*l(?:iter|itre)?"),
    ("mmHg", r"mm\s*/?\s*hg|millimet(?:er|re)s?\s+(?:of\s+)?mercury|torr"),
    ("cmH2O", r"cm\s*h2o|cm\s+(?:of\s+)?water"),
    ("kPa", r"kpa"),
    ("°C", r"°\s*c(?:elsius)?|degrees?\s+c(?:elsius)?|deg\s*c|celsius"),
    ("°F", r"°\s*f(?:ahrenheit)?|degrees?\s+f(?:ahrenheit)?|fahrenheit"),
    ("beats/min", r"beats?\s*(?:/|per)\s*min(?:ute)?|bpm|beats"),
    ("breaths/min", r"breaths?\s*(?:/|per)\s*min(?:ute)?|breaths"),
    ("/min", r"/\s*min(?:ute)?|per\s+min(?:ute)?"),
    ("years", r"years?\s*-\s*old|year-old|yr-old|years?|yrs?\.?|y\.\s*o\.?|y\s*/\s*o|yo|y"),
    ("months", r"months?\s*-\s*old|months?|mos?\.?|mths?"),
    ("weeks", r"weeks?\s*-\s*old|weeks?|wks?\.?"),
    ("days", r"days?\s*-\s*old|days?"),
    ("hours", r"hours?|hrs?|h"),
    ("%", r"%|percent|per\s*cent|pct"),
    ("ms", r"msecs?|ms|milli\s*-?\s*seconds?|millisec(?:ond)?s?"),
    ("s", r"sec(?:ond)?s?"),
    ("score", r"points?"),
    ("kg", r"kgs?|kilo(?:gram)?s?"),
    ("lb", r"lbs?|pounds?"),
    # not an area or a volume (`30 cm2`, `cm³`): those fall to OTHER below
    ("cm", r"cms?(?!\s*\^?\s*[23²³])|centimet(?:er|re)s?"),
    ("in", r"inch(?:es)?"),
    ("mg", r"(?:mg|milligrams?)(?!\s*(?:/|per\b))"),  # a dose; `mg/kg`, `mg/m2` and other rates are OTHER below
    (OTHER, r"log\s*(?:10)?\s*(?:copies\s*(?:/|per)\s*ml)?|mg\s*/\s*m\s*\^?\s*2|mg\s*/\s*kg|mg|ug|mcg|ng|mm|ml|l"
            r"|min(?:utes?)?|cells?|copies|ku(?:a)?\s*/\s*l|cigarettes?|pack\s*-?\s*years?|units?|iu|mio"
            r"|cgy|gy|mci|mbq|fold|times|doses?|cycles?|mmol|mol|cm\s*\^?\s*[23²³]|mm2|nm|pm|[x×*]?\s*n"),
    ("g", r"g(?:ms|rams?)?"),
    ("m", r"m(?:et(?:er|re)s?)?(?![\d^²])"),
)

# Spellings that lower-casing confuses, told apart on the unit as written: `G/L` (10^9/L) is not `g/L`, `mM` is not
# `mm`, `1.5N` is 1.5 × ULN
_CASED_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("10^9/L", r"G\s*/\s*[Ll]"), ("mmol/L", r"mM"), ("nmol/L", r"nM"), ("pmol/L", r"pM"), (ULN, r"[x×*]?\s*N"),
)

# the unit alternation the expression scanner embeds after each number (it scans the lower-cased text)
UNIT_PATTERN = "(?:" + "|".join(p for _, p in UNIT_SPELLINGS) + r")(?![a-z])"
# classification: the first spelling matching the whole unit (group i + 1 = the i-th spelling)
_CASED_RE = re.compile("|".join(f"({p})" for _, p in _CASED_SPELLINGS))
_SYMBOL_RE = re.compile("|".join(f"({p})" for _, p in UNIT_SPELLINGS))
assert _SYMBOL_RE.groups == len(UNIT_SPELLINGS), "a unit spelling must not capture"
_AGE_UNIT_RE = re.compile(r"old|\byo\b|y\s*/\s*o|y\.\s*o", re.IGNORECASE)
TIME_SYMBOLS = frozenset({"years", "months", "weeks", "days"})


@lru_cache(maxsize=4096)
def unit_symbol(written: str | None) -> str | None:
    """The catalogue symbol of a written unit (`/mm³` → `/µL`), OTHER when no variable uses it, None for no unit."""
    if not written:
        return None
    written = written.strip()
    cased = _CASED_RE.fullmatch(written)
    if cased is not None and cased.lastindex:
        return _CASED_SPELLINGS[cased.lastindex - 1][0]
    m = _SYMBOL_RE.fullmatch(written.lower())
    return UNIT_SPELLINGS[m.lastindex - 1][0] if m and m.lastindex else OTHER


@lru_cache(maxsize=1024)
def states_age(written: str | None) -> bool:
    """Whether a written unit says it is an age (`years old`, `yo`, `y/o`)."""
    return bool(written) and _AGE_UNIT_RE.search(written or "") is not None
