"""Every warehouse table declared once: columns, types, nullability, keys, foreign keys, allowed values, grain.

The Arrow schemas (schemas.arrow), DuckDB DDL (schemas.ddl), expectation suites (expectations.suites) and
docs/tables.md (schemas.docs) are all generated from the declarations below.
"""
from __future__ import annotations

from schemas import vocabularies as v
from schemas.lineage import INGEST_FILE, INGEST_RECORD, INGEST_RUN, RECORD_INDEX, RUN_ID
from schemas.measures import CONDITION_KINDS, ENGINE_CONDITIONS_DOC
from schemas.measures import VARIABLES as MEASURE_VARIABLES
from schemas.model import Column, Table

NCT_PATTERN = r"^NCT\d{8}$"


# Shared columns, defined once.
TRIAL_ID = Column("trial_id", "VARCHAR", "the trial this row belongs to (NCT ID or a deterministic key)", nullable=False)
ORDINAL = Column("ordinal", "INTEGER", "1-based position in the source's order", nullable=False, min_value=1)


def _key(name: str, what: str) -> Column:
    return Column(name, "VARCHAR", f"deterministic key of the {what}: trial_id, kind and ordinal (`NCT01234567:{what}:1`)",
                  nullable=False, scoped=True)


TRIAL = Table(
    "trial",
    "one row per trial (current state: the newest source's lists, each field from the newest source stating it; "
    "a trial whose source files all disappeared keeps its row with `removed_at`)",
    (
        Column("trial_id", "VARCHAR", "the NCT ID when the record has one; otherwise a deterministic key `TH-…`",
               nullable=False),
        Column("nct_id", "VARCHAR", "`NCT` + 8 digits, or NULL when the source states none", pattern=NCT_PATTERN),
        Column("title", "VARCHAR", "brief title"),
        Column("official_title", "VARCHAR", "official title"),
        Column("brief_summary", "VARCHAR", "brief summary as given, markdown escapes undone"),
        Column("detailed_description", "VARCHAR", "detailed description as given, markdown escapes undone"),
        Column("overall_status", "VARCHAR", "overall recruitment status", allowed=v.Status.codes()),
        Column("phase", "VARCHAR", "trial phase", allowed=v.Phase.codes()),
        Column("study_type", "VARCHAR", "study type", allowed=v.StudyType.codes()),
        Column("allocation", "VARCHAR", "allocation", allowed=v.Allocation.codes()),
        Column("intervention_model", "VARCHAR", "interventional model", allowed=v.InterventionModel.codes()),
        Column("primary_purpose", "VARCHAR", "primary purpose", allowed=v.PrimaryPurpose.codes()),
        Column("masking", "VARCHAR", "masking", allowed=v.Masking.codes()),
        Column("enrollment", "INTEGER", "enrollment (actual or anticipated)", min_value=0),
        Column("start_date", "DATE", "study start; a month-only date is its first day"),
        Column("primary_completion_date", "DATE", "primary completion; a month-only date is its first day"),
        Column("completion_date", "DATE", "study completion; a month-only date is its first day"),
        Column("last_update_date", "DATE", "last update posted by the registry"),
        Column("min_age_years", "DOUBLE", "minimum eligible age in years (months/12, weeks/52.1775, days/365.25)",
               min_value=0, max_value=150),
        Column("max_age_years", "DOUBLE", "maximum eligible age in years", min_value=0, max_value=150),
        Column("sex", "VARCHAR", "sex eligible", allowed=v.Sex.codes()),
        Column("healthy_volunteers", "BOOLEAN", "whether healthy volunteers are accepted"),
        Column("lead_sponsor", "VARCHAR", "lead sponsor name (the LEAD row of `sponsor`)"),
        Column("registry", "VARCHAR", "registry of the record's own primary ID, NULL when the record names none",
               allowed=v.Registry.codes()),
        Column("registration_date", "DATE", "when the trial was first registered"),
        Column("registry_status", "VARCHAR", "the registry's recruitment status as written, when it maps to no single "
                                             "overall_status (ICTRP `Not recruiting`)"),
        Column("source_file", "VARCHAR", "path of the raw file this row was built from, relative to the source root",
               nullable=False),
        Column("source_layout", "VARCHAR", "layout the raw file was recognised as", nullable=False),
        Column("source_sha256", "VARCHAR", "SHA-256 of the raw file's bytes", nullable=False, pattern=r"^[0-9a-f]{64}$"),
        Column("removed_at", "TIMESTAMP", "when the last source file stating the trial left the source folder (soft delete), else NULL"),
        RUN_ID,
    ),
    primary_key=("trial_id",),
)

CONDITION = Table(
    "condition",
    "one row per trial × condition",
    (TRIAL_ID, ORDINAL, Column("name", "VARCHAR", "condition as the source names it", nullable=False)),
    primary_key=("trial_id", "ordinal"),
    foreign_keys={"trial_id": "trial.trial_id"},
)

ARM = Table(
    "arm",
    "one row per trial × arm / study group",
    (
        _key("arm_id", "arm"), TRIAL_ID, ORDINAL,
        Column("label", "VARCHAR", "arm label", nullable=False),
        Column("arm_type", "VARCHAR", "arm type", allowed=v.ArmType.codes()),
        Column("description", "VARCHAR", "arm description"),
    ),
    primary_key=("arm_id",),
    foreign_keys={"trial_id": "trial.trial_id"},
)

INTERVENTION = Table(
    "intervention",
    "one row per distinct (type, name) intervention of a trial",
    (
        _key("intervention_id", "intervention"), TRIAL_ID, ORDINAL,
        Column("intervention_type", "VARCHAR", "intervention type", allowed=v.InterventionType.codes()),
        Column("name", "VARCHAR", "intervention name", nullable=False),
        Column("description", "VARCHAR", "intervention description"),
    ),
    primary_key=("intervention_id",),
    foreign_keys={"trial_id": "trial.trial_id"},
)

ARM_INTERVENTION = Table(
    "arm_intervention",
    "bridge: one row per arm × intervention it uses",
    (
        TRIAL_ID,
        Column("arm_id", "VARCHAR", "the arm", nullable=False, scoped=True),
        Column("intervention_id", "VARCHAR", "the intervention the arm uses", nullable=False, scoped=True),
    ),
    primary_key=("arm_id", "intervention_id"),
    foreign_keys={"trial_id": "trial.trial_id", "arm_id": "arm.arm_id", "intervention_id": "intervention.intervention_id"},
)

CRITERION = Table(
    "criterion",
    "one row per trial × eligibility criterion",
    (
        _key("criterion_id", "criterion"), TRIAL_ID,
        Column("kind", "VARCHAR", "inclusion or exclusion", nullable=False, allowed=v.CriterionKind.codes()),
        Column("ordinal", "INTEGER", "1-based position within its kind", nullable=False, min_value=1),
        Column("text", "VARCHAR", "the criterion without its bullet or number", nullable=False),
    ),
    primary_key=("criterion_id",),
    foreign_keys={"trial_id": "trial.trial_id"},
)

OUTCOME = Table(
    "outcome",
    "one row per trial × registered outcome measure",
    (
        _key("outcome_id", "outcome"), TRIAL_ID,
        Column("kind", "VARCHAR", "primary, secondary or other outcome", nullable=False, allowed=v.OutcomeKind.codes()),
        Column("ordinal", "INTEGER", "1-based position within its kind", nullable=False, min_value=1),
        Column("measure", "VARCHAR", "what is measured", nullable=False),
        Column("description", "VARCHAR", "how it is measured"),
        Column("time_frame", "VARCHAR", "when it is measured"),
    ),
    primary_key=("outcome_id",),
    foreign_keys={"trial_id": "trial.trial_id"},
)

SITE = Table(
    "site",
    "one row per trial × facility (location)",
    (
        _key("site_id", "site"), TRIAL_ID, ORDINAL,
        Column("facility", "VARCHAR", "facility name"),
        Column("city", "VARCHAR", "city"),
        Column("state", "VARCHAR", "state, province or region"),
        Column("zip", "VARCHAR", "postal code"),
        Column("country", "VARCHAR", "country as written"),
        Column("status", "VARCHAR", "the site's recruitment status", allowed=v.Status.codes()),
        Column("country_code", "VARCHAR", "ISO 3166-1 alpha-2 code of the country, NULL when not recognisable",
               pattern=r"^[A-Z]{2}$"),
        Column("latitude", "DOUBLE", "latitude of the site's city (WGS84)", min_value=-90, max_value=90),
        Column("longitude", "DOUBLE", "longitude of the site's city (WGS84)", min_value=-180, max_value=180),
        Column("geo_source", "VARCHAR", "where the coordinates come from: REGISTRY (CT.gov geoPoint) or GEONAMES "
                                        "(offline gazetteer lookup of city and country); NULL when not found",
               allowed=v.GeoSource.codes()),
    ),
    primary_key=("site_id",),
    foreign_keys={"trial_id": "trial.trial_id"},
)

CRITERION_MEASURE = Table(
    "criterion_measure",
    "one row per variable range found in a criterion (allowed range after applying the criterion's kind)",
    (
        Column("measure_id", "VARCHAR", "deterministic key: criterion_id + `:measure:` + ordinal", nullable=False,
               scoped=True),
        Column("criterion_id", "VARCHAR", "the criterion the range was read from", nullable=False, scoped=True),
        TRIAL_ID,
        Column("variable", "VARCHAR", "what is constrained", nullable=False, allowed=tuple(MEASURE_VARIABLES)),
        Column("lower_value", "DOUBLE", "smallest allowed value in `unit`, NULL when unbounded below"),
        Column("lower_inclusive", "BOOLEAN", "whether lower_value itself is allowed"),
        Column("upper_value", "DOUBLE", "largest allowed value in `unit`, NULL when unbounded above"),
        Column("upper_inclusive", "BOOLEAN", "whether upper_value itself is allowed"),
        Column("unit", "VARCHAR", "canonical unit of the variable, or ×ULN for multiples of the upper limit of normal"),
        Column("raw_value", "VARCHAR", "the number(s) as written"),
        Column("raw_unit", "VARCHAR", "the unit as written"),
        Column("source_text", "VARCHAR", "the span of the criterion the range came from", nullable=False),
        Column("condition_text", "VARCHAR", "the condition under which this bound applies (`if liver metastases`, "
                                            "`in Japan`, `for women`), NULL for the general bound; for alternatives "
                                            "the extractor writes its own: " + ENGINE_CONDITIONS_DOC),
        Column("applies_to_sex", "VARCHAR", "FEMALE or MALE when the condition is only a sex (`for women`): "
                                            "trials_for_patient applies it to that sex", allowed=("FEMALE", "MALE")),
        Column("condition_kind", "VARCHAR", "what kind of condition condition_text is, NULL for the general bound: "
               + "; ".join(f"{code}: {what}" for code, what in CONDITION_KINDS.items()),
               allowed=tuple(CONDITION_KINDS)),
    ),
    primary_key=("measure_id",),
    foreign_keys={"trial_id": "trial.trial_id", "criterion_id": "criterion.criterion_id"},
)

TRIAL_IDENTIFIER = Table(
    "trial_identifier",
    "one row per trial × distinct identifier any of its records names (own IDs, other registries' IDs, sponsor numbers)",
    (
        TRIAL_ID,
        Column("identifier", "VARCHAR", "the identifier as written, trimmed", nullable=False),
        Column("registry", "VARCHAR", "registry the identifier belongs to, NULL for a sponsor's or funder's number",
               allowed=v.Registry.codes()),
        Column("id_type", "VARCHAR", "PRIMARY: a record's own ID; REGISTRY: another registry's ID of the same trial; "
                                     "OTHER: sponsor protocol numbers, grant numbers, ...", nullable=False,
               allowed=v.IdType.codes()),
        Column("match_key", "VARCHAR", "what identifies the trial across spellings of a registry ID "
                                       "(`EUCTR:2014-003865-11` for `EUCTR2014-003865-11-NL` and `2014-003865-11`); "
                                       "NULL for a sponsor's or funder's number"),
    ),
    primary_key=("trial_id", "identifier"),
    foreign_keys={"trial_id": "trial.trial_id"},
)

SPONSOR = Table(
    "sponsor",
    "one row per trial × sponsor organisation (the lead sponsor and collaborators)",
    (
        TRIAL_ID, ORDINAL,
        Column("name", "VARCHAR", "organisation name as written", nullable=False),
        Column("role", "VARCHAR", "LEAD or COLLABORATOR", nullable=False, allowed=v.SponsorRole.codes()),
        Column("agency_class", "VARCHAR", "CT.gov's agency class, NULL when the source does not say",
               allowed=v.AgencyClass.codes()),
    ),
    primary_key=("trial_id", "ordinal"),
    foreign_keys={"trial_id": "trial.trial_id"},
)


def _mesh_table(name: str, what: str) -> Table:
    return Table(
        name,
        f"one row per trial × MeSH descriptor of its {what} × relation",
        (
            TRIAL_ID,
            Column("mesh_id", "VARCHAR", "MeSH descriptor ID (`D000123`)", nullable=False, pattern=r"^[CD]\d{6,9}$"),
            Column("term", "VARCHAR", "MeSH heading"),
            Column("relation", "VARCHAR", "DIRECT: a term of the record's own; ANCESTOR: a broader term above one",
                   nullable=False, allowed=v.MeshRelation.codes()),
            Column("source", "VARCHAR", "REGISTRY: read from the record; HEADING: the record names this heading "
                                        "without its ID (legacy CT.gov XML), the ID is the one registry records give "
                                        "it; LEARNED: the record's condition name matched exactly (case and spacing "
                                        "aside) a name registry records mapped to this term",
                   nullable=False, allowed=v.MeshSource.codes()),
        ),
        primary_key=("trial_id", "mesh_id", "relation"),
        foreign_keys={"trial_id": "trial.trial_id"},
    )


CONDITION_MESH = _mesh_table("condition_mesh", "conditions")
INTERVENTION_MESH = _mesh_table("intervention_mesh", "interventions")

TRIAL_COUNTRY = Table(
    "trial_country",
    "one row per trial × country it runs in (union over the trial's sources)",
    (
        TRIAL_ID,
        Column("country_code", "VARCHAR", "ISO 3166-1 alpha-2 code", nullable=False, pattern=r"^[A-Z]{2}$"),
        Column("country_name", "VARCHAR", "canonical country name", nullable=False),
        Column("source", "VARCHAR", "SITE: from the trial's sites; REGISTRY: a registry's list of countries",
               nullable=False, allowed=v.CountrySource.codes()),
        Column("removed", "BOOLEAN", "the registry lists the country as removed (CT.gov `removedCountries`)",
               nullable=False),
    ),
    primary_key=("trial_id", "country_code"),
    foreign_keys={"trial_id": "trial.trial_id"},
)

INGEST_ISSUE = Table(
    "ingest_issue",
    "one row per trial × part of its record that could not be read (the rest of the record loaded)",
    (
        TRIAL_ID, ORDINAL,
        Column("source_file", "VARCHAR", "raw file the record came from", nullable=False),
        Column("field", "VARCHAR", "the part of the record affected (criteria, outcomes, sites, min_age_years, ...)",
               nullable=False),
        Column("severity", "VARCHAR", "WARNING: a value left out; ERROR: a list or field lost", nullable=False,
               allowed=v.IssueSeverity.codes()),
        Column("message", "VARCHAR", "what went wrong, with the input it went wrong on", nullable=False),
    ),
    primary_key=("trial_id", "ordinal"),
    foreign_keys={"trial_id": "trial.trial_id"},
    kind="quality",
)

MESH_VOCABULARY = Table(
    "mesh_vocabulary",
    "one row per condition name (normalised) that registry records mapped to a MeSH descriptor: grows with every run, "
    "used to give text-only records LEARNED condition_mesh rows",
    (
        Column("name_key", "VARCHAR", "the condition name as written, case-folded and whitespace-collapsed",
               nullable=False),
        Column("mesh_id", "VARCHAR", "MeSH descriptor ID", nullable=False),
        Column("term", "VARCHAR", "MeSH heading"),
        Column("trials", "INTEGER", "registry trials that mapped this name to this descriptor", nullable=False,
               min_value=1),
    ),
    primary_key=("name_key", "mesh_id"),
    kind="dimension",
)

DIM_THERAPEUTIC_AREA = Table(
    "dim_therapeutic_area",
    "one row per MeSH descriptor that heads a therapeutic area (a top branch of MeSH's Diseases tree, or Mental "
    "Disorders): the area a trial falls under when its condition MeSH terms or their ancestors include it",
    (
        Column("mesh_id", "VARCHAR", "MeSH descriptor ID of the branch", nullable=False),
        Column("area_code", "VARCHAR", "MeSH tree number of the branch (`C04`, `F03`)", nullable=False),
        Column("label", "VARCHAR", "the area's name", nullable=False),
        Column("sort_order", "INTEGER", "display order", nullable=False, min_value=1),
    ),
    primary_key=("mesh_id",),
    kind="dimension",
)

DIM_MEASURE_VARIABLE = Table(
    "dim_measure_variable",
    "one row per variable of the measure catalogue (schemas/measures.py): what `criterion_measure.variable` codes "
    "mean, the unit their values are in, and the keys `trials_for_patient` accepts",
    (
        Column("variable", "VARCHAR", "the variable code as stored in criterion_measure", nullable=False,
               allowed=tuple(MEASURE_VARIABLES)),
        Column("label", "VARCHAR", "display name", nullable=False),
        Column("unit", "VARCHAR", "canonical unit: every criterion_measure row of the variable is in it (or in ×ULN)",
               nullable=False),
        Column("allows_uln", "BOOLEAN", "whether a bound may be stated as a multiple of the upper limit of normal",
               nullable=False),
        Column("plausible_min", "DOUBLE", "smallest plausible value in the canonical unit (NULL: unbounded)"),
        Column("plausible_max", "DOUBLE", "largest plausible value in the canonical unit (NULL: unbounded)"),
        Column("sort_order", "INTEGER", "catalogue order", nullable=False, min_value=1),
    ),
    primary_key=("variable",),
    kind="dimension",
)

MESH_LEAF = Table(
    "mesh_leaf",
    "one row per trial × condition name the registry mapped to a MeSH descriptor (feeds `mesh_vocabulary`)",
    (
        TRIAL_ID,
        Column("as_found", "VARCHAR", "the name as the record wrote it", nullable=False),
        Column("mesh_id", "VARCHAR", "MeSH descriptor ID", nullable=False),
        Column("term", "VARCHAR", "MeSH heading"),
    ),
    primary_key=("trial_id", "as_found", "mesh_id"),
    foreign_keys={"trial_id": "trial.trial_id"},
    kind="lineage",
)

MESH_HEADING = Table(
    "mesh_heading",
    "one row per trial × MeSH heading its record names without the descriptor ID (legacy CT.gov XML "
    "`condition_browse` / `intervention_browse`): the load gives it the ID registry records give that heading",
    (
        TRIAL_ID,
        Column("applies_to", "VARCHAR", "CONDITION or INTERVENTION: which browse list named it", nullable=False,
               allowed=("CONDITION", "INTERVENTION")),
        Column("term", "VARCHAR", "the MeSH heading as written", nullable=False),
    ),
    primary_key=("trial_id", "applies_to", "term"),
    foreign_keys={"trial_id": "trial.trial_id"},
    kind="lineage",
)

TRACKED_ATTRIBUTES = ("overall_status", "phase", "enrollment", "start_date", "completion_date", "arm_count",
                      "site_count")

TRIAL_HISTORY = Table(
    "trial_history",
    "one row per trial version (SCD type 2): a new row only when a tracked attribute changed",
    (
        TRIAL_ID,
        Column("version", "INTEGER", "1-based version number of the trial in this warehouse", nullable=False,
               min_value=1),
        Column("valid_from", "TIMESTAMP", "when the run that loaded this version started", nullable=False),
        Column("valid_to", "TIMESTAMP", "when the next version (or the trial's removal) was loaded; NULL while current"),
        Column("is_current", "BOOLEAN", "whether this is the trial's present version", nullable=False),
        Column("overall_status", "VARCHAR", "tracked: overall recruitment status", allowed=v.Status.codes()),
        Column("phase", "VARCHAR", "tracked: phase", allowed=v.Phase.codes()),
        Column("enrollment", "INTEGER", "tracked: enrollment"),
        Column("start_date", "DATE", "tracked: study start"),
        Column("completion_date", "DATE", "tracked: study completion"),
        Column("arm_count", "INTEGER", "tracked: number of arms", nullable=False),
        Column("site_count", "INTEGER", "tracked: number of sites", nullable=False),
        Column("last_update_date", "DATE", "the registry's last update date of the version (not tracked itself)"),
        Column("changed_attributes", "VARCHAR", "comma-separated tracked attributes that differ from the previous "
                                                "version (NULL for version 1)"),
        Column("source_file", "VARCHAR", "file the version was read from", nullable=False),
        Column("source_sha256", "VARCHAR", "content hash of that file", nullable=False),
        RUN_ID,
    ),
    primary_key=("trial_id", "version"),
    foreign_keys={"trial_id": "trial.trial_id"},
    kind="history",
)


def _dimension(name: str, what: str, members: tuple[str, ...]) -> Table:
    return Table(
        name,
        f"one row per {what} value of the closed vocabulary (for BI labels and sort order)",
        (
            Column(what, "VARCHAR", f"the {what} code as stored in the star tables", nullable=False, allowed=members),
            Column("label", "VARCHAR", "human-readable label", nullable=False),
            Column("sort_order", "INTEGER", "display order", nullable=False, min_value=1),
        ),
        primary_key=(what,),
        kind="dimension",
    )


DIM_STATUS = _dimension("dim_status", "status", v.Status.codes())
DIM_PHASE = _dimension("dim_phase", "phase", v.Phase.codes())
DIM_INTERVENTION_TYPE = _dimension("dim_intervention_type", "intervention_type", v.InterventionType.codes())
DIM_REGISTRY = _dimension("dim_registry", "registry", v.Registry.codes())
DIM_AGENCY_CLASS = _dimension("dim_agency_class", "agency_class", v.AgencyClass.codes())
# The vocabulary each dimension table lists (its labels and order).
DIMENSION_VOCABULARIES: dict[str, type[v.Vocabulary]] = {
    "dim_status": v.Status, "dim_phase": v.Phase, "dim_intervention_type": v.InterventionType,
    "dim_registry": v.Registry, "dim_agency_class": v.AgencyClass}

TRIAL_SOURCE = Table(
    "trial_source",
    "one row per trial × source record that states it (every record's own values, for per-field merging and audit)",
    (*(c for c in TRIAL.columns if c.name != "removed_at"),
     RECORD_INDEX),
    primary_key=("trial_id", "source_file", "record_index"),
    kind="lineage",
)

SOURCE_FILE = Column("source_file", "VARCHAR", "the raw file whose record named it", nullable=False)


def _per_source(table: Table, what: str) -> Table:
    """The lineage twin of a union table: every source's own rows, from which the union is rebuilt."""
    return Table(f"{table.name}_source", f"one row per {what} × source file that names it (the union of a trial's "
                                         f"live sources is `{table.name}`)",
                 (table.columns[0], SOURCE_FILE, *table.columns[1:]),
                 primary_key=(table.primary_key[0], "source_file", *table.primary_key[1:]), kind="lineage")


TRIAL_IDENTIFIER_SOURCE = _per_source(TRIAL_IDENTIFIER, "trial × identifier")
TRIAL_COUNTRY_SOURCE = _per_source(TRIAL_COUNTRY, "trial × country")
# Tables whose rows are the union over a trial's live sources rather than its newest record's list.
UNION_TABLES: dict[str, Table] = {TRIAL_IDENTIFIER.name: TRIAL_IDENTIFIER_SOURCE,
                                  TRIAL_COUNTRY.name: TRIAL_COUNTRY_SOURCE}

STAR_TABLES: tuple[Table, ...] = (TRIAL, CONDITION, ARM, INTERVENTION, ARM_INTERVENTION, CRITERION, CRITERION_MEASURE,
                                  OUTCOME, SITE, TRIAL_IDENTIFIER, SPONSOR, CONDITION_MESH, INTERVENTION_MESH,
                                  TRIAL_COUNTRY, INGEST_ISSUE)
DIMENSION_TABLES: tuple[Table, ...] = (DIM_STATUS, DIM_PHASE, DIM_INTERVENTION_TYPE, DIM_REGISTRY, DIM_AGENCY_CLASS)
VOCABULARY_TABLES: tuple[Table, ...] = (MESH_VOCABULARY, DIM_THERAPEUTIC_AREA, DIM_MEASURE_VARIABLE)
# Tables a worker stages per record and the load replaces per trial (besides the staging-only lineage tables).
STAGED_TABLES: tuple[Table, ...] = STAR_TABLES + (MESH_LEAF, MESH_HEADING)
LINEAGE_TABLES: tuple[Table, ...] = (TRIAL_SOURCE, TRIAL_IDENTIFIER_SOURCE, TRIAL_COUNTRY_SOURCE, INGEST_FILE,
                                     INGEST_RECORD, INGEST_RUN)
HISTORY_TABLES: tuple[Table, ...] = (TRIAL_HISTORY,)
# Tables whose rows the load replaces wholesale, per trial or per source file. Their keys are unique by construction
# (scoped by trial), checked per batch, across batches and after writing, and are not kept as DuckDB indexes: an
# index's upkeep under delete-and-insert of the same keys made re-loading 20,000 trials take 17.5 s instead of 2.8 s.
UNINDEXED_KEY_TABLES: frozenset[str] = frozenset(
    t.name for t in (*STAGED_TABLES, TRIAL_SOURCE, TRIAL_IDENTIFIER_SOURCE, TRIAL_COUNTRY_SOURCE))
ALL_TABLES: tuple[Table, ...] = (STAR_TABLES + HISTORY_TABLES + DIMENSION_TABLES + VOCABULARY_TABLES + LINEAGE_TABLES
                                  + (MESH_LEAF, MESH_HEADING))
BY_NAME: dict[str, Table] = {t.name: t for t in ALL_TABLES}
