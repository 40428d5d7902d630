"""Closed vocabularies (ClinicalTrials.gov API v2 enum spelling unless said otherwise) with their labels, sort order
and the raw spellings that map onto them.

The ground floor: table declarations take their allowed values from here, the normalisers in `transforms.vocab`
their aliases, the warehouse its `dim_*` rows and the dashboard its labels. Members are listed in display order.
Source of the CT.gov enums: the ClinicalTrials.gov data dictionary (API v2 `Status`, `Phase`, `StudyType`, ...).
"""
from __future__ import annotations

from enum import StrEnum, auto


class Vocabulary(StrEnum):
    """A closed vocabulary: each member's value is its code; `auto()` gives the member's name."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list) -> str:
        return name

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """Every code, in display order."""
        return tuple(m.value for m in cls)

    @property
    def label(self) -> str:
        """Human-readable label (`PHASE1_PHASE2` → `Phase 1/2`), this vocabulary's own where a code means another
        thing elsewhere (an agency class UNKNOWN is no `Unknown status`)."""
        return VOCABULARY_LABELS.get((type(self).__name__, self.value)) or label_of(self.value)

    @property
    def sort_order(self) -> int:
        """1-based display position."""
        return list(type(self)).index(self) + 1


def default_label(code: str) -> str:
    """`ACTIVE_NOT_RECRUITING` → `Active not recruiting`."""
    return code.replace("_", " ").lower().capitalize()


def label_of(code: str) -> str:
    """The human-readable label of any vocabulary code."""
    return LABELS.get(code) or default_label(code)


class Status(Vocabulary):
    NOT_YET_RECRUITING = auto()
    RECRUITING = auto()
    ENROLLING_BY_INVITATION = auto()
    ACTIVE_NOT_RECRUITING = auto()
    SUSPENDED = auto()
    TERMINATED = auto()
    COMPLETED = auto()
    WITHDRAWN = auto()
    UNKNOWN = auto()
    AVAILABLE = auto()
    NO_LONGER_AVAILABLE = auto()
    TEMPORARILY_NOT_AVAILABLE = auto()
    APPROVED_FOR_MARKETING = auto()
    WITHHELD = auto()


class Phase(Vocabulary):
    NA = auto()
    EARLY_PHASE1 = auto()
    PHASE1 = auto()
    PHASE1_PHASE2 = auto()
    PHASE2 = auto()
    PHASE2_PHASE3 = auto()
    PHASE3 = auto()
    PHASE4 = auto()


class StudyType(Vocabulary):
    INTERVENTIONAL = auto()
    OBSERVATIONAL = auto()
    EXPANDED_ACCESS = auto()


class Allocation(Vocabulary):
    RANDOMIZED = auto()
    NON_RANDOMIZED = auto()
    NA = auto()


class InterventionModel(Vocabulary):
    SINGLE_GROUP = auto()
    PARALLEL = auto()
    CROSSOVER = auto()
    FACTORIAL = auto()
    SEQUENTIAL = auto()


class PrimaryPurpose(Vocabulary):
    TREATMENT = auto()
    PREVENTION = auto()
    DIAGNOSTIC = auto()
    SUPPORTIVE_CARE = auto()
    SCREENING = auto()
    HEALTH_SERVICES_RESEARCH = auto()
    BASIC_SCIENCE = auto()
    DEVICE_FEASIBILITY = auto()
    ECT = auto()
    OTHER = auto()


class Masking(Vocabulary):
    NONE = auto()
    SINGLE = auto()
    DOUBLE = auto()
    TRIPLE = auto()
    QUADRUPLE = auto()


class Sex(Vocabulary):
    ALL = auto()
    FEMALE = auto()
    MALE = auto()


class ArmType(Vocabulary):
    EXPERIMENTAL = auto()
    ACTIVE_COMPARATOR = auto()
    PLACEBO_COMPARATOR = auto()
    SHAM_COMPARATOR = auto()
    NO_INTERVENTION = auto()
    OTHER = auto()


class InterventionType(Vocabulary):
    DRUG = auto()
    DEVICE = auto()
    BIOLOGICAL = auto()
    PROCEDURE = auto()
    RADIATION = auto()
    BEHAVIORAL = auto()
    GENETIC = auto()
    DIETARY_SUPPLEMENT = auto()
    COMBINATION_PRODUCT = auto()
    DIAGNOSTIC_TEST = auto()
    OTHER = auto()


class CriterionKind(Vocabulary):
    INCLUSION = auto()
    EXCLUSION = auto()


class OutcomeKind(Vocabulary):
    PRIMARY = auto()
    SECONDARY = auto()
    OTHER = auto()


class Registry(Vocabulary):
    """The registry a trial identifier belongs to (WHO ICTRP's primary registries and ClinicalTrials.gov)."""

    CTGOV = auto()
    EUCTR = auto()
    CTIS = auto()
    ISRCTN = auto()
    DRKS = auto()
    JPRN = auto()
    CHICTR = auto()
    ANZCTR = auto()
    CTRI = auto()
    IRCT = auto()
    CRIS = auto()
    NL_OMON = auto()
    REBEC = auto()
    PACTR = auto()
    RPCEC = auto()
    SLCTR = auto()
    TCTR = auto()
    LBCTR = auto()
    ITMCTR = auto()
    REPEC = auto()


class IdType(Vocabulary):
    """PRIMARY: the record's own ID; REGISTRY: another registry's ID of the same trial; OTHER: sponsor numbers etc."""

    PRIMARY = auto()
    REGISTRY = auto()
    OTHER = auto()


class SponsorRole(Vocabulary):
    LEAD = auto()
    COLLABORATOR = auto()


class AgencyClass(Vocabulary):
    """CT.gov's agency class of a sponsor."""

    INDUSTRY = auto()
    NIH = auto()
    FED = auto()
    OTHER_GOV = auto()
    NETWORK = auto()
    INDIV = auto()
    OTHER = auto()
    UNKNOWN = auto()


class MeshRelation(Vocabulary):
    """DIRECT: the registry's `meshes` (or an asserted match of a condition name); ANCESTOR: its `ancestors`."""

    DIRECT = auto()
    ANCESTOR = auto()


class MeshSource(Vocabulary):
    """REGISTRY: read from the record; HEADING: a heading the record names without its ID, given the ID registry
    records give that heading; LEARNED: an exact condition-name match learned from registry records."""

    REGISTRY = auto()
    HEADING = auto()
    LEARNED = auto()


class GeoSource(Vocabulary):
    """REGISTRY: the record's own coordinates (CT.gov `geoPoint`); GEONAMES: offline gazetteer lookup."""

    REGISTRY = auto()
    GEONAMES = auto()


class CountrySource(Vocabulary):
    """SITE: from the trial's sites; REGISTRY: a registry's list of countries."""

    SITE = auto()
    REGISTRY = auto()


class IssueSeverity(Vocabulary):
    """How much of a record a parse issue cost: WARNING (a value left out), ERROR (a list or field lost)."""

    WARNING = auto()
    ERROR = auto()


# Labels in ClinicalTrials.gov's own wording where it differs from the code's capitalisation.
LABELS: dict[str, str] = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting", "UNKNOWN": "Unknown status",
    "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3", "PHASE4": "Phase 4",
    "PHASE1_PHASE2": "Phase 1/2", "PHASE2_PHASE3": "Phase 2/3", "EARLY_PHASE1": "Early phase 1", "NA": "Not applicable",
    "CTGOV": "ClinicalTrials.gov", "EUCTR": "EU Clinical Trials Register", "CTIS": "EU CTIS", "NL_OMON": "NL-OMON",
    "CHICTR": "ChiCTR", "OTHER_GOV": "Other government", "INDIV": "Individual", "FED": "US federal", "NIH": "NIH",
    # registries whose names are acronyms (as they write them), and the gazetteer's own spelling
    "ISRCTN": "ISRCTN", "DRKS": "DRKS", "JPRN": "JPRN", "ANZCTR": "ANZCTR", "CTRI": "CTRI", "IRCT": "IRCT",
    "CRIS": "CRIS", "REBEC": "ReBEC", "PACTR": "PACTR", "RPCEC": "RPCEC", "SLCTR": "SLCTR", "TCTR": "TCTR",
    "LBCTR": "LBCTR", "ITMCTR": "ITMCTR", "REPEC": "REPEC", "GEONAMES": "GeoNames",
}

# Labels of a code that reads differently in one vocabulary than in the others.
VOCABULARY_LABELS: dict[tuple[str, str], str] = {("AgencyClass", "UNKNOWN"): "Unknown"}

# Raw spellings (after `transforms.vocab` keys them: upper case, non-alphanumerics as `_`) → member code.
STATUS_ALIASES = {
    "ACTIVE_BUT_NOT_RECRUITING": "ACTIVE_NOT_RECRUITING", "ACTIVE": "ACTIVE_NOT_RECRUITING",
    "ENROLLING_BY_INVITATION_ONLY": "ENROLLING_BY_INVITATION", "INVITATION_ONLY": "ENROLLING_BY_INVITATION",
    "UNKNOWN_STATUS": "UNKNOWN", "NOT_RECRUITING": "ACTIVE_NOT_RECRUITING", "OPEN": "RECRUITING",
    "CLOSED": "COMPLETED", "TEMPORARILY_UNAVAILABLE": "TEMPORARILY_NOT_AVAILABLE",
    "NO_LONGER_AVAILABLE_FOR_EXPANDED_ACCESS": "NO_LONGER_AVAILABLE",
}
STUDY_TYPE_ALIASES = {"EXPANDED_ACCESS_STUDY": "EXPANDED_ACCESS", "OBSERVATIONAL_PATIENT_REGISTRY": "OBSERVATIONAL",
                      "PATIENT_REGISTRY": "OBSERVATIONAL", "INTERVENTIONAL_CLINICAL_TRIAL": "INTERVENTIONAL"}
ALLOCATION_ALIASES = {"RANDOMISED": "RANDOMIZED", "NON_RANDOMISED": "NON_RANDOMIZED", "NONRANDOMIZED": "NON_RANDOMIZED",
                      "NON_RANDOMIZED_ALLOCATION": "NON_RANDOMIZED", "N_A": "NA", "NOT_APPLICABLE": "NA",
                      "RANDOMIZED_ALLOCATION": "RANDOMIZED"}
INTERVENTION_MODEL_ALIASES = {
    "SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP", "PARALLEL_ASSIGNMENT": "PARALLEL", "CROSSOVER_ASSIGNMENT": "CROSSOVER",
    "CROSS_OVER": "CROSSOVER", "FACTORIAL_ASSIGNMENT": "FACTORIAL", "SEQUENTIAL_ASSIGNMENT": "SEQUENTIAL",
    "SINGLE_GROUP_DESIGN": "SINGLE_GROUP", "SINGLE_ARM": "SINGLE_GROUP", "SINGLE": "SINGLE_GROUP"}  # DRKS: `Single`
PRIMARY_PURPOSE_ALIASES = {"SUPPORTIVE": "SUPPORTIVE_CARE", "HEALTH_SERVICES": "HEALTH_SERVICES_RESEARCH",
                           "EDUCATIONAL_COUNSELING_TRAINING": "OTHER", "DEVICE_FEASIBILITY_STUDY": "DEVICE_FEASIBILITY",
                           "DIAGNOSIS": "DIAGNOSTIC", "BASIC_SCIENCE_RESEARCH": "BASIC_SCIENCE"}
SEX_ALIASES = {"BOTH": "ALL", "FEMALES": "FEMALE", "MALES": "MALE", "WOMEN": "FEMALE", "MEN": "MALE",
               "ALL_GENDERS": "ALL", "F": "FEMALE", "M": "MALE"}
ARM_TYPE_ALIASES = {"NO_INTERVENTION_ARM": "NO_INTERVENTION", "ACTIVE_CONTROL": "ACTIVE_COMPARATOR",
                    "PLACEBO": "PLACEBO_COMPARATOR", "SHAM": "SHAM_COMPARATOR"}
INTERVENTION_TYPE_ALIASES = {"BIOLOGIC": "BIOLOGICAL", "DIAGNOSTIC": "DIAGNOSTIC_TEST", "GENETIC_TEST": "GENETIC",
                             "SUPPLEMENT": "DIETARY_SUPPLEMENT", "COMBINATION": "COMBINATION_PRODUCT",
                             "RADIOTHERAPY": "RADIATION", "SURGERY": "PROCEDURE", "BEHAVIOURAL": "BEHAVIORAL"}
AGENCY_CLASS_ALIASES = {"INDUSTRY_SPONSOR": "INDUSTRY", "U_S_FED": "FED", "US_FED": "FED", "INDIVIDUAL": "INDIV"}
