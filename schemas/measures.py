"""The measure-variable catalogue: every variable `criterion_measure` can hold, with its names, units and ranges.

One `Variable` record per variable is all the extractor (`transforms.measures`) knows about it: adding a variable is
one entry here plus its golden cases. Units are named by the symbols of `UNITS` (each with the pint expression that
converts it); conversions between mass and amount concentrations use the analyte's molar mass, milliequivalents its
valence. Names are matched case-insensitively as whole words (hyphens read as blanks, a plural `s` allowed);
abbreviations case-sensitively (`eGFR` is a rate, `EGFR` a gene).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

ULN = "×ULN"  # a bound stated as a multiple of the upper limit of normal
INF = float("inf")

# The condition texts the extractor writes itself (`criterion_measure.condition_text`) for a bound that is one of
# several alternatives rather than a bound every patient must meet; an example of each. Analysts filter on them.
LOOSER_ALTERNATIVE = "alternative to a stricter bound in the same criterion"
EITHER_SIDE = "one of two ranges either side of a band (either admits)"
DISJOINT = "one of ranges with no value in common (any one admits)"
EITHER_VARIABLE = "one of bounds of different variables (either admits)"
ADJOINING = "one of ranges that meet end to end (any one admits)"
LISTED = "one of alternatives in a list (any one admits)"
LOST_COMPARATOR = "an equals sign read as the healthier side (an encoding lost its ≥ or ≤)"
ENGINE_CONDITIONS: MappingProxyType[str, str] = MappingProxyType({
    LOOSER_ALTERNATIVE: "Age ≥ 18 years, or ≥ 16 years with consent", EITHER_SIDE: "WBC < 4 or > 12 × 10^9/L",
    DISJOINT: "aged 13-30, or over 44", EITHER_VARIABLE: "creatinine ≤ 1.5 × ULN or creatinine clearance ≥ 60 mL/min",
    ADJOINING: "aged 0 to 6 years or 6 to 12 years",
    LISTED: "at least one of the following: creatinine ≥ 2 mg/dL, total bilirubin ≥ 2 mg/dL, ECOG 3 or 4; one risk "
            "factor such as age > 55, diabetes, smoking; normal renal function or creatinine clearance ≥ 60 mL/min",
    LOST_COMPARATOR: "Platelet count =75 × 10^9/L, in ICTRP's export of EU CTR records"})
ENGINE_CONDITIONS_DOC = "; ".join(f"`{text}` (`{example}`)" for text, example in ENGINE_CONDITIONS.items())
# What kind of condition a bound has (`criterion_measure.condition_kind`), a closed set for BI filters: each engine
# text its own code; otherwise what the criterion's words say the bound is for.
ENGINE_CONDITION_KINDS: MappingProxyType[str, str] = MappingProxyType({
    LOOSER_ALTERNATIVE: "LOOSER_ALTERNATIVE", EITHER_SIDE: "EITHER_SIDE", DISJOINT: "DISJOINT",
    EITHER_VARIABLE: "EITHER_VARIABLE", ADJOINING: "ADJOINING", LISTED: "LISTED", LOST_COMPARATOR: "LOST_COMPARATOR"})
CONDITION_KINDS: MappingProxyType[str, str] = MappingProxyType({
    "CLAUSE": "a condition the criterion states (`if liver metastases`, `for Cohort 2`), the heading of the group "
              "of the trial's people it is listed under (`Healthy Volunteers must:`, `Age 65-70 years:`), or the "
              "lead-in of the list of choices or exceptions it is an item of (`At least 3 of the following risk "
              "factors:`, `Active malignancy with the exception of any of the following:`)",
    "SEX": "one sex only (`for women`; applies_to_sex says which)",
    "PLACE": "one country's or region's sites only (`in Japan`, `in other countries`)",
    **{code: f"the extractor's `{text}`" for text, code in ENGINE_CONDITION_KINDS.items()}})

# Unit symbol → pint expression (None: a unit pint has no dimension for, compared only with itself). A symbol is
# what the extractor's unit spellings map to and what `criterion_measure.unit` holds.
UNITS: MappingProxyType[str, str | None] = MappingProxyType({
    "years": "year", "months": "month", "weeks": "week", "days": "day", "hours": "hour",
    "10^9/L": "1e9 / liter", "10^6/L": "1e6 / liter", "10^3/µL": "1e3 / microliter", "/µL": "1 / microliter",
    "cells/µL": "1 / microliter", "copies/mL": "1 / milliliter",
    "g/L": "g / L", "g/dL": "g / dL", "mg/dL": "mg / dL", "mg/L": "mg / L", "µg/L": "µg / L", "µg/mL": "µg / mL",
    "µg/dL": "µg / dL", "ng/mL": "ng / mL", "ng/dL": "ng / dL", "ng/L": "ng / L", "pg/mL": "pg / mL",
    "mol/L": "mol / L", "mmol/L": "mmol / L", "µmol/L": "µmol / L", "nmol/L": "nmol / L", "pmol/L": "pmol / L",
    "mEq/L": None,  # milliequivalents: mmol/L × valence, converted with the analyte's valence
    "mmol/mol": None,  # HbA1c in IFCC units: an affine conversion to %, given by the variable
    "U/L": "enzyme_unit / L", "mIU/L": "1e-3 * IU / L", "IU/mL": "IU / mL",
    "mL/min": "mL / min", "mL/s": "mL / s",
    "mL/min/1.73m²": "mL / min",  # a rate normalised to 1.73 m² of body surface, compared as written
    "kg/m²": "kg / m ** 2", "kg": "kg", "g": "g", "lb": "lb", "cm": "cm", "m": "m", "in": "inch",
    "mg/day": "mg / day", "mg": "mg",
    "mg/g": "mg / g",  # urine albumin per gram of creatinine
    "mg/mmol": None,  # urine albumin per millimole of creatinine: converted to mg/g with creatinine's molar mass
    "mmHg": "mmHg", "kPa": "kPa", "cmH2O": "cmH2O", "°C": "degC", "°F": "degF",
    "%": "percent", "ms": "ms", "s": "s", "beats/min": "1 / min", "breaths/min": "1 / min", "/min": "1 / min",
    "score": None, "class": None, "count": None, "ratio": None, ULN: None,
})

_TIME = ("years", "months", "weeks", "days")
_COUNTS = ("10^9/L", "10^6/L", "10^3/µL", "/µL", "cells/µL")
_RATES = ("mL/min", "mL/min/1.73m²", "mL/s")
# an aminotransferase without a unit: below 10 it may be a multiple of ULN (read nothing), above it is U/L (`ALT > 35`)
_ENZYME_BARE = ((10, None), (INF, "U/L"))


@dataclass(frozen=True, slots=True)
class Variable:
    """One eligibility variable: its names, canonical unit, the units it may be written in and its sane values."""

    name: str
    unit: str  # canonical unit: every row of the variable carries it (or ×ULN when `uln`)
    label: str  # display name
    names: tuple[str, ...] = ()  # case-insensitive names ("absolute neutrophil count")
    abbreviations: tuple[str, ...] = ()  # case-sensitive ("ANC")
    # case-sensitive, but a name only when a comparator or a number follows (`TB ≤ 1.5`, not tuberculosis)
    strict_abbreviations: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # written units it accepts besides its canonical unit
    # unit assumed for a number written without one: the first (limit, unit) step whose limit exceeds the number; a
    # None unit reads nothing (bilirubin 12: neither mg/dL nor µmol/L)
    bare: tuple[tuple[float, str | None], ...] = ()
    plausible: tuple[float, float] = (-INF, INF)  # canonical values outside are a mis-reading
    uln: bool = False  # may be stated as a multiple of the upper limit of normal
    scale: tuple[float, float] | None = None  # ends of an ordinal scale
    # "lower" / "higher": the healthier side, where `N or better` points and where a lone threshold whose comparator
    # an encoding turned into `=` admits (`Platelets =100 × 10^9/L`); None where trials take either side (BMI, PSA)
    better: str | None = None
    grades: MappingProxyType[str, tuple[float, float]] = field(default_factory=lambda: MappingProxyType({}))
    molar_mass: float | None = None  # g/mol: converts mass ↔ amount concentrations
    valence: int | None = None  # converts mEq/L ↔ mmol/L
    affine: MappingProxyType[str, tuple[float, float]] = field(default_factory=lambda: MappingProxyType({}))
    # nouns that follow the number they count (`3 prior lines of therapy`)
    counted: tuple[str, ...] = ()

    def allowed_units(self) -> tuple[str, ...]:
        """The units this variable's rows may carry: its canonical unit, and ×ULN where allowed."""
        return (self.unit, ULN) if self.uln else (self.unit,)

    def accepted_units(self) -> tuple[str, ...]:
        """Every written unit the variable can be converted from."""
        return tuple(dict.fromkeys((self.unit, *self.units, *self.affine)))


def _v(name: str, unit: str, label: str, **kwargs) -> Variable:
    for key in ("grades", "affine"):
        if key in kwargs:
            kwargs[key] = MappingProxyType(kwargs[key])
    return Variable(name, unit, label, **kwargs)


def _roman(top: int) -> dict[str, tuple[float, float]]:
    numerals = ("I", "II", "III", "IV", "V", "VI")
    return {numerals[n - 1]: (n, n) for n in range(1, top + 1)}


_ALL: tuple[Variable, ...] = (
    # --- demographics and performance ---------------------------------------------------------------------
    _v("age", "years", "Age", names=("age", "aged"), units=(*_TIME, "hours"), bare=((INF, "years"),),
       plausible=(0, 120)),
    _v("ecog", "score", "ECOG performance status",
       names=("eastern cooperative oncology group", "eastern cooperative oncology group performance status",
              "ecog performance status", "ecog performance grade", "ecog ps", "zubrod", "zubrod performance status",
              "who performance status", "world health organization performance status"),
       abbreviations=("ECOG", "ECOG-PS", "WHO PS", "WHO-PS"), strict_abbreviations=("WHO", "SWOG"),
       bare=((INF, "score"),), plausible=(0, 5),
       scale=(0, 4), better="lower"),  # 5 is death: eligibility ranges end at 4 (`ECOG 3-4` excluded → < 3)
    _v("karnofsky", "%", "Karnofsky / Lansky performance status",
       names=("karnofsky", "karnofsky performance status", "karnofsky performance score", "karnofsky score",
              "lansky", "lansky play performance", "lansky performance status", "lansky score", "jansky"),
       abbreviations=("KPS", "LPS", "LPPS"), affine={"score": (1.0, 0.0)}, bare=((INF, "%"),), plausible=(0, 100),
       scale=(0, 100), better="higher"),
    _v("life_expectancy", "years", "Life expectancy",
       names=("life expectancy", "expected survival", "estimated survival", "anticipated survival",
              "predicted survival", "expected life span", "expected lifespan", "estimated life expectancy",
              "survival expectancy", "expected survival time", "life span",
              # `a comorbidity that would limit survival to less than 2 years`
              "limit survival", "limits survival", "limiting survival"),
       units=_TIME, plausible=(0, 50)),
    _v("weight", "kg", "Body weight", names=("weight", "body weight", "weighing", "weighs", "weigh"),
       units=("g", "lb"), bare=((INF, "kg"),), plausible=(0.3, 400)),
    _v("height", "cm", "Height", names=("height", "body height", "stature"), units=("m", "in"),
       plausible=(30, 250)),
    _v("bmi", "kg/m²", "Body mass index", names=("body mass index", "bmi index"), abbreviations=("BMI",),
       bare=((INF, "kg/m²"),), plausible=(10, 100)),
    _v("waist_circumference", "cm", "Waist circumference", names=("waist circumference", "waist"),
       units=("m", "in"), plausible=(30, 250)),
    _v("arm_circumference", "cm", "Mid-upper arm circumference",
       names=("arm circumference", "mid upper arm circumference", "upper arm circumference"),
       abbreviations=("MUAC",), units=("m",), plausible=(5, 80)),
    # --- vital signs ----------------------------------------------------------------------------------------
    _v("sbp", "mmHg", "Systolic blood pressure",
       names=("systolic blood pressure", "systolic bp", "systolic pressure", "systolic",
              "systolic arterial pressure", "systolic arterial blood pressure"),
       abbreviations=("SBP",), units=("kPa",), bare=((INF, "mmHg"),), plausible=(50, 300)),
    _v("dbp", "mmHg", "Diastolic blood pressure",
       names=("diastolic blood pressure", "diastolic bp", "diastolic pressure", "diastolic",
              "diastolic arterial pressure", "diastolic arterial blood pressure"),
       abbreviations=("DBP",), units=("kPa",), bare=((INF, "mmHg"),), plausible=(20, 200)),
    _v("heart_rate", "beats/min", "Heart rate",
       names=("heart rate", "resting heart rate", "pulse rate", "pulse", "heart frequency"),
       strict_abbreviations=("HR",), units=("/min",), bare=((INF, "beats/min"),), plausible=(20, 250)),
    _v("respiratory_rate", "breaths/min", "Respiratory rate",
       names=("respiratory rate", "respiratory frequency", "respiration rate", "breathing rate",
              "breathing frequency"),
       strict_abbreviations=("RR",), units=("/min",), bare=((INF, "breaths/min"),), plausible=(4, 80)),
    _v("body_temperature", "°C", "Body temperature",
       names=("body temperature", "temperature", "axillary temperature", "oral temperature", "core temperature",
              "tympanic temperature", "rectal temperature", "fever"),
       units=("°F",), bare=((45.01, "°C"), (90, None), (INF, "°F")), plausible=(30, 45)),
    _v("spo2", "%", "Oxygen saturation (SpO2)",
       names=("oxygen saturation", "blood oxygen saturation", "peripheral oxygen saturation",
              "peripheral capillary oxygen saturation", "arterial oxygen saturation", "o2 saturation", "o2 sat",
              "pulse oximetry", "pulse oximeter", "pulse ox", "oxygen saturation level", "spo2", "sao2",
              "saturation"),
       abbreviations=("SpO2", "SPO2", "SaO2"), bare=((INF, "%"),), plausible=(50, 100)),
    _v("pf_ratio", "mmHg", "PaO2/FiO2 ratio",
       names=("p/f ratio", "pf ratio", "pao2/fio2", "pao2 / fio2", "pao2/fio2 ratio", "pao2 / fio2 ratio",
              "pao2:fio2", "pao2 : fio2", "pao2:fio2 ratio",
              "partial pressure of arterial oxygen to fraction of inspired oxygen ratio",
              "partial pressure of arterial oxygen to fraction of inspired oxygen",
              "arterial partial pressure of oxygen / fraction of inspired oxygen",
              "arterial partial pressure of oxygen/fraction of inspired oxygen",
              "partial pressure of oxygen / fraction of inspired oxygen",
              "partial pressure of oxygen/fraction of inspired oxygen",
              "partial pressure of oxygen/oxygen concentration", "horowitz index", "oxygenation index"),
       abbreviations=("P/F", "PFR"), units=("kPa",), bare=((INF, "mmHg"),), plausible=(20, 700)),
    _v("pao2", "mmHg", "Arterial oxygen partial pressure (PaO2)",
       names=("pao2", "po2", "partial pressure of oxygen", "partial pressure of arterial oxygen",
              "arterial oxygen partial pressure", "arterial oxygen tension", "partial presure of oxygen"),
       units=("kPa",), bare=((INF, "mmHg"),), plausible=(20, 700)),
    # lung function as a percentage of the predicted value (`FEV1 ≥ 80% predicted`); a volume in litres reads nothing
    _v("fev1_pct_predicted", "%", "FEV1 (% of predicted)",
       names=("fev1", "fev 1", "forced expiratory volume", "forced expiratory volume in 1 second",
              "forced expiratory volume in one second", "forced expiratory volume in the first second",
              "forced expiratory volume at one second", "forced expiratory volume at 1 second",
              "forced expiratory volume 1", "forced expired volume", "forced expired volume at 1 second",
              "forced expired volume in 1 second", "forced expiatory volume in 1 second"),
       abbreviations=("FEV1",), bare=((INF, "%"),), plausible=(0, 150)),
    _v("fvc_pct_predicted", "%", "FVC (% of predicted)", names=("fvc", "forced vital capacity"),
       abbreviations=("FVC",), bare=((INF, "%"),), plausible=(0, 150)),
    _v("dlco_pct_predicted", "%", "DLCO (% of predicted)",
       names=("dlco", "dlco corrected", "corrected dlco", "tlco", "diffusing capacity",
              "diffusing capacity of the lung for carbon monoxide", "diffusing capacity of the lungs for carbon monoxide",
              "diffusion capacity", "diffusion capacity of the lung for carbon monoxide",
              "carbon monoxide diffusing capacity", "carbon monoxide diffusion capacity"),
       abbreviations=("DLCO", "DLco", "TLCO"), bare=((INF, "%"),), plausible=(0, 150)),
    _v("peep", "cmH2O", "Positive end-expiratory pressure",
       names=("positive end expiratory pressure", "peep"), units=("mmHg",), bare=((INF, "cmH2O"),),
       plausible=(0, 40)),
    _v("iop", "mmHg", "Intraocular pressure", names=("intraocular pressure",), abbreviations=("IOP",),
       bare=((INF, "mmHg"),), plausible=(1, 80)),
    # --- cardiac --------------------------------------------------------------------------------------------
    _v("lvef", "%", "Left ventricular ejection fraction",
       names=("left ventricular ejection fraction", "lv ejection fraction", "cardiac ejection fraction",
              "ejection fraction", "left ventricle ejection fraction"),
       abbreviations=("LVEF", "EF"), bare=((INF, "%"),), plausible=(5, 95)),
    _v("qtc", "ms", "Corrected QT interval",
       names=("corrected qt", "corrected qt interval", "qt interval corrected", "qtc", "qtcf", "qtcb",
              "qtc interval", "qtcf interval", "qtcb interval", "fridericia corrected qt", "fridericia's corrected qt",
              "fridericia corrected qt interval", "corrected qt interval by fridericia"),
       units=("s",), bare=((INF, "ms"),), plausible=(250, 800)),
    _v("nyha", "class", "NYHA functional class",
       names=("new york heart association", "new york heart association classification", "nyha",
              "nyha class", "nyha functional class", "nyha classification", "new york heart association class",
              "new york heart association functional class"),
       bare=((INF, "class"),), plausible=(1, 4), scale=(1, 4), better="lower", grades=_roman(4)),
    # --- haematology ----------------------------------------------------------------------------------------
    _v("anc", "10^9/L", "Absolute neutrophil count",
       names=("absolute neutrophil count", "absolute neutrophil", "absolute neutrophils", "neutrophil count",
              "neutrophils", "neutrophil", "absolute granulocyte count", "granulocytes", "granulocyte count",
              "granulocyte", "neutrophile granulocytes", "neutrophil granulocytes", "absolute peripheral neutrophil",
              "neutrocyte count", "neutrocytes", "blood neutrophil", "heterophils", "segmented neutrophils"),
       abbreviations=("ANC", "AGC", "NEUT", "NE#", "NEU"), units=_COUNTS,
       bare=((100, "10^9/L"), (INF, "/µL")), plausible=(0.05, 50), better="higher"),
    _v("platelets", "10^9/L", "Platelet count",
       names=("platelets", "platelet", "platelet count", "thrombocytes", "thrombocyte count", "thrombocyte"),
       abbreviations=("PLT", "Plt", "PLTs"), units=_COUNTS, bare=((5000, "10^9/L"), (INF, "/µL")),
       plausible=(1, 2000), better="higher"),
    _v("wbc", "10^9/L", "White blood cell count",
       names=("white blood cell count", "white blood cells", "white blood cell", "white cell count",
              "white blood count", "leukocytes", "leucocytes", "leukocyte count", "leucocyte count",
              "total leukocyte count", "total leucocyte count", "total white cell count"),
       abbreviations=("WBC", "WBCs", "TLC"), units=_COUNTS, bare=((100, "10^9/L"), (INF, "/µL")),
       plausible=(0.1, 500), better="higher"),
    _v("lymphocytes", "10^9/L", "Lymphocyte count",
       names=("absolute lymphocyte count", "lymphocyte count", "lymphocytes", "lymphocyte",
              "absolute lymphocytes"),
       abbreviations=("ALC",), units=_COUNTS, bare=((100, "10^9/L"), (INF, "/µL")), plausible=(0.05, 100),
       better="higher"),
    _v("eosinophils", "10^9/L", "Eosinophil count",
       names=("absolute eosinophil count", "eosinophil count", "eosinophils", "eosinophil", "blood eosinophils",
              "blood eosinophil count", "peripheral blood eosinophil count"),
       abbreviations=("AEC",), strict_abbreviations=("EOS",), units=_COUNTS, bare=((20, "10^9/L"), (INF, "/µL")), plausible=(0, 50)),
    _v("cd4", "cells/µL", "CD4 count",
       names=("cd4", "cd4+", "cd4 count", "cd4+ count", "cd4 cell count", "cd4+ cell count", "cd4 cells",
              "cd4+ cells", "cd4+ t cell count", "cd4 t cell count", "cd4+ t cells", "cd4+ t lymphocyte count",
              "cd4 lymphocyte count", "cd4+ lymphocyte count", "cd4+ lymphocytes", "cd4 lymphocytes",
              "cd4+ t lymphocytes", "cd+4 lymphocyte count", "cd+4", "cd4 t lymphocyte count",
              "cd4+ t cell counts", "cd4 t cells"),
       units=_COUNTS, bare=((INF, "cells/µL"),), plausible=(0, 5000)),
    _v("hemoglobin", "g/L", "Hemoglobin",
       names=("hemoglobin", "haemoglobin", "hemoglobin level", "hemoglobin concentration", "hb count"),
       abbreviations=("Hb", "Hgb", "HGB"), strict_abbreviations=("HB",), units=("g/dL", "mmol/L"),
       bare=((25.01, "g/dL"), (INF, "g/L")), plausible=(30, 250), better="higher",
       molar_mass=16114.5),  # per haem-carrying subunit: 1 mmol/L = 16.1 g/L, as laboratories report it
    _v("hematocrit", "%", "Hematocrit", names=("hematocrit", "haematocrit", "packed cell volume"),
       abbreviations=("Hct", "HCT", "PCV"), bare=((INF, "%"),), plausible=(10, 75)),
    _v("inr", "ratio", "International normalized ratio", names=("international normalized ratio",
                                                              "international normalised ratio"),
       abbreviations=("INR", "PT-INR", "PT/INR"), bare=((INF, "ratio"),), plausible=(0.5, 10), uln=True,
       better="lower"),
    _v("aptt", "s", "Activated partial thromboplastin time",
       names=("activated partial thromboplastin time", "partial thromboplastin time"),
       abbreviations=("aPTT", "APTT", "PTT", "aPPT"), plausible=(10, 200), uln=True, better="lower"),
    _v("d_dimer", "mg/L", "D-dimer", names=("d dimer", "d dimers", "ddimer"),
       units=("µg/mL", "µg/L", "ng/mL", "mg/dL"), plausible=(0.01, 200), uln=True),
    _v("ferritin", "µg/L", "Ferritin", names=("ferritin", "serum ferritin"), units=("ng/mL", "pmol/L"),
       bare=((INF, "µg/L"),), plausible=(1, 200000), molar_mass=440000, uln=True),
    # --- chemistry ------------------------------------------------------------------------------------------
    _v("total_bilirubin", "µmol/L", "Total bilirubin",
       names=("total bilirubin", "bilirubin", "serum bilirubin", "total serum bilirubin", "serum total bilirubin",
              "bilirubin total"),
       abbreviations=("TBIL", "TBil", "Tbil", "T-bil", "T.bil", "STB", "T-Bili", "TBili"),
       strict_abbreviations=("TB",), units=("mg/dL", "mmol/L"), bare=((10.01, "mg/dL"), (17, None), (INF, "µmol/L")),
       plausible=(1, 1000), uln=True, molar_mass=584.66, better="lower"),
    _v("ast", "U/L", "Aspartate aminotransferase (AST)",
       names=("aspartate aminotransferase", "aspartate transaminase", "aspartate amino transferase",
              "aspartate aminotransferase level", "serum glutamic oxaloacetic transaminase",
              "serum glutamic oxalacetic transaminase", "glutamic oxaloacetic transaminase",
              "glutamine oxaloacetic transaminase", "glutamate oxaloacetate transaminase"),
       abbreviations=("AST", "SGOT", "GOT", "ASAT", "AspAT"), bare=_ENZYME_BARE, plausible=(1, 5000), uln=True,
       better="lower"),
    _v("alt", "U/L", "Alanine aminotransferase (ALT)",
       names=("alanine aminotransferase", "alanine transaminase", "alanine amino transferase",
              "serum glutamic pyruvic transaminase", "glutamic pyruvic transaminase",
              "glutamate pyruvate transaminase", "glutamate pyruvic transaminase"),
       abbreviations=("ALT", "SGPT", "GPT", "ALAT", "AlAT"), bare=_ENZYME_BARE, plausible=(1, 5000), uln=True,
       better="lower"),
    _v("alkaline_phosphatase", "U/L", "Alkaline phosphatase", names=("alkaline phosphatase", "alk phos"),
       abbreviations=("ALP", "AKP", "ALKP"), plausible=(1, 5000), uln=True, better="lower"),
    _v("ldh", "U/L", "Lactate dehydrogenase", names=("lactate dehydrogenase", "lactic dehydrogenase",
                                                     "lactic acid dehydrogenase"),
       abbreviations=("LDH",), strict_abbreviations=("LD",), plausible=(10, 20000), uln=True),
    _v("albumin", "g/L", "Albumin", names=("albumin", "serum albumin", "blood albumin level"),
       abbreviations=("ALB", "Alb"), units=("g/dL",), bare=((10.01, "g/dL"), (INF, "g/L")), plausible=(10, 80),
       better="higher"),
    _v("creatinine", "µmol/L", "Serum creatinine", names=("creatinine", "serum creatinine", "creatinine level",
                                                            "plasma creatinine", "blood creatinine"),
       abbreviations=("Cr", "SCr", "sCr", "SCR", "CREA", "Scr"), units=("mg/dL", "mmol/L"),
       bare=((15.01, "mg/dL"), (17, None), (INF, "µmol/L")), plausible=(10, 2000), uln=True, molar_mass=113.12,
       better="lower"),
    _v("creatinine_clearance", "mL/min", "Creatinine clearance",
       names=("creatinine clearance", "clearance of creatinine", "creatinine cl", "calculated creatinine clearance",
              "estimated creatinine clearance", "measured creatinine clearance", "cr clearance", "cockcroft gault",
              "cockcroft gault creatinine clearance"),
       abbreviations=("CrCl", "CrCL", "CLcr", "CLCr", "CL cr", "CCr", "Ccr", "CRCL"), units=_RATES,
       bare=((INF, "mL/min"),), plausible=(5, 250), better="higher"),
    _v("egfr", "mL/min/1.73m²", "Estimated glomerular filtration rate",
       names=("glomerular filtration rate", "estimated glomerular filtration rate", "estimated gfr",
              "glomerular filtration rates"),
       abbreviations=("eGFR", "GFR", "eGFR-CKD-EPI"), strict_abbreviations=("EGFR",), units=_RATES,
       bare=((INF, "mL/min/1.73m²"),), plausible=(5, 250), better="higher"),
    _v("potassium", "mmol/L", "Potassium",
       names=("potassium", "serum potassium", "plasma potassium", "potassium level", "kalemia", "kalaemia",
              "hyperkalemia", "hyperkalaemia", "hypokalemia", "hypokalaemia"),
       abbreviations=("K+",), strict_abbreviations=("K",), units=("mEq/L",), bare=((INF, "mmol/L"),),
       plausible=(1, 10), valence=1, molar_mass=39.098),
    _v("sodium", "mmol/L", "Sodium",
       names=("sodium", "serum sodium", "plasma sodium", "natremia", "natraemia", "hyponatremia",
              "hyponatraemia", "hypernatremia", "hypernatraemia"),
       abbreviations=("Na+",), strict_abbreviations=("Na",), units=("mEq/L",), bare=((INF, "mmol/L"),),
       plausible=(90, 200), valence=1, molar_mass=22.99),
    _v("calcium", "mmol/L", "Calcium",
       names=("calcium", "serum calcium", "corrected calcium", "corrected serum calcium", "albumin corrected calcium",
              "calcemia", "calcaemia", "hypercalcemia", "hypercalcaemia", "hypocalcemia", "hypocalcaemia"),
       abbreviations=("Ca2+", "Ca++"), strict_abbreviations=("Ca",), units=("mg/dL", "mEq/L"),
       bare=((5.01, "mmol/L"), (INF, "mg/dL")), plausible=(0.5, 5), valence=2, molar_mass=40.078),
    _v("magnesium", "mmol/L", "Magnesium",
       names=("magnesium", "serum magnesium", "magnesium level", "hypomagnesemia", "hypomagnesaemia",
              "hypermagnesemia"),
       abbreviations=("Mg2+",), strict_abbreviations=("Mg",), units=("mg/dL", "mEq/L"),
       bare=((3.01, "mmol/L"), (INF, "mg/dL")), plausible=(0.1, 5), valence=2, molar_mass=24.305),
    _v("fasting_glucose", "mmol/L", "Fasting glucose",
       names=("fasting glucose", "fasting plasma glucose", "fasting blood glucose", "fasting serum glucose",
              "fasting blood sugar", "fasting glycemia", "fasting glycaemia", "fasting glucose level",
              "fasting plasma glucose level", "fasting blood glucose level"),
       abbreviations=("FPG", "FBG", "FBS", "FSG"), units=("mg/dL",), bare=((30.01, "mmol/L"), (40, None),
                                                                         (INF, "mg/dL")),
       plausible=(1, 50), molar_mass=180.156),
    _v("glucose", "mmol/L", "Blood glucose (not fasting)",
       names=("glucose", "blood glucose", "plasma glucose", "serum glucose", "blood sugar", "random glucose",
              "random blood glucose", "random plasma glucose", "capillary glucose", "glycemia", "glycaemia",
              "blood sugar level", "blood glucose level", "plasma glucose level"),
       abbreviations=("RBG",), units=("mg/dL",), bare=((30.01, "mmol/L"), (40, None), (INF, "mg/dL")),
       plausible=(1, 60), molar_mass=180.156),
    _v("hba1c", "%", "Glycated hemoglobin (HbA1c)",
       names=("hemoglobin a1c", "haemoglobin a1c", "hgb a1c", "hb a1c", "hba1c", "hgba1c", "hga1c", "a1c",
              "glycated hemoglobin", "glycated haemoglobin", "glycosylated hemoglobin", "glycosylated haemoglobin",
              "glycohemoglobin", "glycated hemoglobin a1c", "glycosylated hemoglobin a1c", "glycated hba1c"),
       abbreviations=("HbA1c", "HbA1C", "HBA1C", "A1C", "A1c", "Hb A1c"), bare=((INF, "%"),),
       affine={"mmol/mol": (0.09148, 2.152)},  # IFCC mmol/mol → NGSP % (the IFCC–NGSP master equation)
       plausible=(3, 25)),
    _v("fructosamine", "µmol/L", "Fructosamine", names=("fructosamine", "serum fructosamine"),
       bare=((INF, "µmol/L"),), plausible=(50, 2000)),
    _v("total_cholesterol", "mmol/L", "Total cholesterol",
       names=("total cholesterol", "cholesterol", "serum cholesterol", "plasma total cholesterol",
              "serum total cholesterol"),
       strict_abbreviations=("TC",), units=("mg/dL",), bare=((30.01, "mmol/L"), (INF, "mg/dL")), plausible=(0.5, 40),
       molar_mass=386.65),
    _v("ldl_cholesterol", "mmol/L", "LDL cholesterol",
       names=("ldl", "ldl cholesterol", "ldl c", "low density lipoprotein cholesterol", "low density lipoprotein",
              "ldl cholesterol level", "serum ldl cholesterol"),
       abbreviations=("LDL-C", "LDL", "LDLc"), units=("mg/dL",), bare=((30.01, "mmol/L"), (INF, "mg/dL")),
       plausible=(0.1, 30), molar_mass=386.65),
    _v("hdl_cholesterol", "mmol/L", "HDL cholesterol",
       names=("hdl", "hdl cholesterol", "hdl c", "high density lipoprotein cholesterol", "high density lipoprotein"),
       abbreviations=("HDL-C", "HDL", "HDLc"), units=("mg/dL",), bare=((10.01, "mmol/L"), (INF, "mg/dL")),
       plausible=(0.1, 10), molar_mass=386.65),
    _v("non_hdl_cholesterol", "mmol/L", "Non-HDL cholesterol",
       names=("non hdl cholesterol", "non hdl c", "non hdl", "non high density lipoprotein cholesterol",
              "non hdl cholesterol level", "serum non hdl cholesterol"),
       units=("mg/dL",), bare=((30.01, "mmol/L"), (INF, "mg/dL")), plausible=(0.1, 40), molar_mass=386.65),
    _v("ldl_hdl_ratio", "ratio", "LDL/HDL cholesterol ratio",
       names=("ldl/hdl ratio", "ldl hdl ratio", "ldl to hdl ratio", "ldl:hdl ratio", "ldl c/hdl c ratio",
              "ldl cholesterol/hdl cholesterol ratio", "ldl/hdl cholesterol ratio"),
       bare=((INF, "ratio"),), plausible=(0.1, 20)),
    _v("triglycerides", "mmol/L", "Triglycerides",
       names=("triglycerides", "triglyceride", "serum triglycerides", "fasting triglycerides",
              "fasting triglyceride", "plasma triglycerides", "triglyceride level", "triglycerides level",
              "triacylglycerol"),
       strict_abbreviations=("TG", "TGs"), units=("mg/dL",), bare=((30.01, "mmol/L"), (INF, "mg/dL")),
       plausible=(0.1, 150), molar_mass=885.7),
    # total serum IgE (the omalizumab dosing range): an allergen-specific IgE, in kU/L or kUA/L, is another thing
    _v("total_ige", "IU/mL", "Total serum IgE",
       names=("ige", "total ige", "serum ige", "total serum ige", "serum total ige", "ige level", "ige levels",
              "serum ige level", "serum ige levels", "total ige level", "baseline ige", "serum baseline ige",
              "immunoglobulin e", "total immunoglobulin e", "serum immunoglobulin e"),
       abbreviations=("IgE",), plausible=(1, 100_000)),
    _v("crp", "mg/L", "C-reactive protein",
       names=("c reactive protein", "c reactive protein level", "high sensitivity c reactive protein",
              "hs crp", "hscrp"),
       abbreviations=("CRP", "hsCRP", "hs-CRP"), units=("mg/dL",), plausible=(0.01, 1000), uln=True),
    _v("tsh", "mIU/L", "Thyroid-stimulating hormone",
       names=("thyroid stimulating hormone", "thyrotropin"), abbreviations=("TSH",), plausible=(0.001, 200),
       uln=True),
    _v("testosterone", "ng/dL", "Testosterone (total)",
       names=("testosterone", "total testosterone", "serum testosterone", "serum total testosterone",
              "testosterone level", "castrate testosterone level", "baseline testosterone",
              "plasma testosterone", "total serum testosterone"),
       units=("ng/mL", "nmol/L", "pg/mL"), bare=((INF, "ng/dL"),), plausible=(1, 3000), molar_mass=288.42),
    _v("psa", "ng/mL", "Prostate-specific antigen",
       names=("prostate specific antigen", "psa", "serum psa", "psa level", "serum prostate specific antigen",
              "total psa"),
       abbreviations=("PSA",), units=("µg/L",), bare=((INF, "ng/mL"),), plausible=(0.001, 20000)),
    _v("hiv_viral_load", "copies/mL", "HIV viral load",
       names=("hiv viral load", "hiv 1 viral load", "hiv rna", "hiv 1 rna", "plasma hiv rna", "plasma hiv 1 rna",
              "viral load", "hiv rna level", "hiv 1 rna level", "plasma viral load"),
       plausible=(1, 1e9)),
    _v("troponin", "ng/L", "Cardiac troponin (I or T)",
       names=("troponin", "troponin i", "troponin t", "cardiac troponin", "cardiac troponin i", "cardiac troponin t",
              "high sensitivity troponin", "high sensitivity troponin i", "high sensitivity troponin t",
              "high sensitivity cardiac troponin", "high sensitivity cardiac troponin i",
              "high sensitivity cardiac troponin t", "hs troponin", "hs troponin i", "hs troponin t",
              "troponin level", "troponin levels", "serum troponin"),
       abbreviations=("cTnI", "cTnT", "hs-cTnI", "hs-cTnT", "hsTnI", "hsTnT", "hs-TnI", "hs-TnT", "TnI", "TnT",
                      "hscTnI", "hscTnT"),
       units=("ng/mL", "µg/L", "pg/mL"), plausible=(0.1, 1e6), uln=True),  # a bare number: ng/L or ng/mL, unclear
    # natriuretic peptides: NT-proBNP's molar mass is its 76 amino acids' (8.457 pg/mL = 1 pmol/L), BNP's its 32
    _v("nt_probnp", "pg/mL", "NT-proBNP (N-terminal pro-B-type natriuretic peptide)",
       names=("nt probnp", "nt pro bnp", "ntprobnp", "n terminal probnp", "n terminal pro bnp",
              "n terminal pro b type natriuretic peptide", "n terminal pro brain natriuretic peptide",
              "n terminal prohormone of brain natriuretic peptide",
              "n terminal pro hormone b type natriuretic peptide"),
       abbreviations=("NT-proBNP", "NT-ProBNP", "NT-PROBNP", "NTproBNP", "NT-pro-BNP", "NT-pro BNP", "NT pro-BNP"),
       units=("ng/L", "ng/mL", "pmol/L"), bare=((INF, "pg/mL"),), plausible=(5, 200000), molar_mass=8457),
    _v("bnp", "pg/mL", "BNP (B-type natriuretic peptide)",
       names=("brain natriuretic peptide", "b type natriuretic peptide", "plasma bnp", "serum bnp", "bnp level"),
       abbreviations=("BNP",), units=("ng/L", "ng/mL", "pmol/L"), bare=((INF, "pg/mL"),), plausible=(1, 50000),
       molar_mass=3464),
    _v("uacr", "mg/g", "Urine albumin-to-creatinine ratio",
       names=("urine albumin to creatinine ratio", "urinary albumin to creatinine ratio", "albumin to creatinine ratio",
              "albumin creatinine ratio", "albumin/creatinine ratio", "urine albumin/creatinine ratio",
              "urinary albumin/creatinine ratio", "urine albumin creatinine ratio", "urinary albumin creatinine ratio",
              "albumin:creatinine ratio", "urine albumin:creatinine ratio", "urinary albumin:creatinine ratio",
              "urine acr"),
       abbreviations=("UACR", "uACR"),
       affine={"mg/mmol": (1000 / 113.12, 0.0)},  # per mmol → per g of creatinine (113.12 g/mol)
       plausible=(0.1, 30000)),
    _v("ast_alt_ratio", "ratio", "AST/ALT ratio (De Ritis ratio)",
       names=("ast/alt ratio", "ast to alt ratio", "ast:alt ratio", "de ritis ratio", "sgot/sgpt ratio",
              "aspartate aminotransferase to alanine aminotransferase ratio"),
       bare=((INF, "ratio"),), plausible=(0.05, 20)),
    _v("her2_fish_ratio", "ratio", "HER2/CEP17 ratio (FISH)",
       names=("her2/cep17 ratio", "her2 cep17 ratio", "her2:cep17 ratio", "her2 to cep17 ratio", "her2/cep17",
              "fish ratio", "her2 fish ratio", "her2/chromosome 17 ratio", "her2 gene/chromosome 17 ratio",
              "erbb2/cep17 ratio", "her2/cen17 ratio"),
       bare=((INF, "ratio"),), plausible=(0.1, 50)),
    _v("daily_opioid_dose", "mg/day", "Daily opioid dose (oral morphine milligram equivalents)",
       names=("daily opioid dose", "opioid dose", "total daily opioid dose", "morphine equivalent",
              "morphine equivalents", "oral morphine equivalent", "oral morphine equivalents",
              "morphine milligram equivalent", "morphine milligram equivalents", "morphine equivalent daily dose",
              "oral morphine equivalent daily dose", "morphine equivalent dose", "daily morphine equivalent",
              "daily morphine equivalent dose", "oral morphine or equivalent", "morphine or equivalent",
              "daily oral morphine equivalent"),
       abbreviations=("MME", "MEDD", "OMEDD", "OMED"), strict_abbreviations=("OME",),
       # `60 mg oral morphine equivalent`, `> 90 MME`: the name says the dose is per day
       affine={"mg": (1.0, 0.0)}, bare=((INF, "mg/day"),), plausible=(1, 10000)),
    # --- scores ---------------------------------------------------------------------------------------------
    _v("child_pugh", "score", "Child-Pugh score",
       names=("child pugh", "childs pugh", "child's pugh", "child pugh score", "child pugh class",
              "child pugh grade", "child pugh classification", "child turcotte pugh", "child pugh turcotte",
              "child pugh liver function", "ctp score", "ctp class"),
       bare=((INF, "score"),), plausible=(5, 15), scale=(5, 15), better="lower",
       grades={"A": (5, 6), "B": (7, 9), "C": (10, 15)}),
    _v("meld", "score", "MELD score",
       names=("meld", "meld score", "model for end stage liver disease", "model for end stage liver disease score",
              "meld na", "meld na score"),
       bare=((INF, "score"),), plausible=(6, 40), scale=(6, 40), better="lower"),
    _v("mmse", "score", "Mini-Mental State Examination",
       names=("mini mental state examination", "mini mental state exam", "mini mental status exam",
              "mini mental status examination", "mmse", "mmse score", "folstein mini mental state examination",
              "mini mental state", "mini mental"),
       abbreviations=("MMSE",), bare=((INF, "score"),), plausible=(0, 30), scale=(0, 30), better="higher"),
    # erectile function: the IIEF's erectile-function domain (IIEF-EF, also IIEF-6, 0-30) and the abridged IIEF-5
    # (SHIM, 1-25); a bare `IIEF` may be either (or the 75-point whole), so it reads nothing
    _v("iief_ef", "score", "IIEF erectile function domain score",
       names=("iief ef", "iief ef domain", "iief ef domain score", "iief ef score", "iief ed", "iief ed domain",
              "iief ed score", "iief ed domain score", "iief erectile function domain",
              "iief erectile function domain score", "iief erectile function score", "iief 6", "iief6",
              "erectile function domain", "erectile function domain score", "erectile function score",
              "erectile function (ef) domain", "erectile function (ef) domain score",
              "iief 15 erectile function domain", "iief 15 erectile function domain score"),
       bare=((INF, "score"),), plausible=(0, 30), scale=(0, 30), better="higher"),
    _v("iief5", "score", "IIEF-5 (SHIM) score",
       names=("iief 5", "iief5", "iief 5 score", "iief 5 total score", "iief 5 domain score", "iief5 score",
              "international index of erectile function 5", "sexual health inventory for men", "shim",
              "shim score", "shim total score", "abridged international index of erectile function"),
       abbreviations=("SHIM", "IIEF-5", "IIEF5"), bare=((INF, "score"),), plausible=(1, 25), scale=(1, 25),
       better="higher"),
    _v("gleason_score", "score", "Gleason score",
       names=("gleason score", "gleason sum", "gleason", "combined gleason score", "total gleason score",
              "gleason grade", "gleason scores"),
       bare=((INF, "score"),), plausible=(2, 10), scale=(2, 10), better="lower"),
    _v("fitzpatrick_skin_type", "score", "Fitzpatrick skin type",
       names=("fitzpatrick skin type", "fitzpatrick skin phototype", "fitzpatrick phototype", "fitzpatrick",
              "fitzpatrick type", "fitzpatrick skin types", "fitzpatrick scale"),
       bare=((INF, "score"),), plausible=(1, 6), scale=(1, 6), grades=_roman(6)),
    _v("fitzpatrick_wrinkle_scale", "score", "Fitzpatrick wrinkle scale",
       names=("fitzpatrick wrinkle scale", "fitzpatrick wrinkle score", "fitzpatrick wrinkle assessment scale",
              "fitzpatrick wrinkle classification", "fitzpatrick wrinkle and elastosis scale",
              "fitzpatrick wrinkle severity scale", "fitzpatrick wrinkle grade"),
       bare=((INF, "score"),), plausible=(1, 9), scale=(1, 9), better="lower"),
    _v("sofa", "score", "SOFA score", names=("sofa", "sofa score", "sequential organ failure assessment",
                                              "sequential organ failure assessment score"),
       abbreviations=("SOFA",), bare=((INF, "score"),), plausible=(0, 24), scale=(0, 24), better="lower"),
    _v("news2", "score", "NEWS2 score", names=("news2", "news 2", "news2 score", "news 2 score",
                                                "national early warning score", "national early warning score 2"),
       bare=((INF, "score"),), plausible=(0, 20), scale=(0, 20), better="lower"),
    _v("prior_therapy_lines", "count", "Prior lines of therapy",
       names=("prior lines of therapy", "lines of prior therapy", "prior lines of systemic therapy",
              "lines of therapy", "prior therapy lines", "prior treatment lines", "prior lines",
              "number of prior lines", "prior regimens", "number of prior regimens", "lines of prior treatment",
              "prior lines of treatment", "lines of treatment", "lines of systemic therapy"),
       counted=("line", "lines", "regimen", "regimens", "therapies", "treatments"), bare=((INF, "count"),),
       plausible=(0, 20)),
)

CATALOGUE: MappingProxyType[str, Variable] = MappingProxyType({v.name: v for v in _ALL})

# variable → canonical unit (the allowed values of `criterion_measure.variable` are its keys)
VARIABLES: dict[str, str] = {v.name: v.unit for v in _ALL}

# Names that constrain several variables at once: one bound for all (`transaminases ≤ 3 × ULN`), or a pair of
# values in order (`blood pressure ≤ 140/90 mmHg`).
SHARED_NAMES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "transaminases": ("ast", "alt"), "transaminase": ("ast", "alt"), "aminotransferases": ("ast", "alt"),
    "serum transaminases": ("ast", "alt"), "liver transaminases": ("ast", "alt"),
    "hepatic transaminases": ("ast", "alt"), "liver enzymes": ("ast", "alt"),
})
PAIRED_NAMES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "blood pressure": ("sbp", "dbp"), "arterial pressure": ("sbp", "dbp"), "arterial blood pressure": ("sbp", "dbp"),
    "standing pressure": ("sbp", "dbp"),
})
PAIRED_ABBREVIATIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({"BP": ("sbp", "dbp")})

def variable(name: str) -> Variable:
    """The catalogue record of a variable (KeyError when it is not in the catalogue)."""
    return CATALOGUE[name]


def allowed_unit_pairs() -> list[tuple[str, str]]:
    """Every (variable, unit) pair a `criterion_measure` row may carry, in catalogue order."""
    return [(v.name, unit) for v in _ALL for unit in v.allowed_units()]


def catalogue_rows() -> list[dict[str, object]]:
    """One plain dict per variable (name, label, canonical unit, accepted units, ×ULN, scale, plausible range)."""
    return [{"variable": v.name, "label": v.label, "unit": v.unit, "accepted_units": list(v.accepted_units()),
             "uln": v.uln, "scale": v.scale, "plausible": v.plausible} for v in _ALL]
