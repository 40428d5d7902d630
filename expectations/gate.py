"""The validation gate: runs the GX suites on a batch's staged tables and decides what of it may load.

GX validates pandas DataFrames of the staged rows (validating DuckDB through GX's SQL datasource does not work with
DuckDB 2.0, see ../shared/NOTES.md). A gate lives where the rows are: in the worker that wrote the batch; nothing
reaches the warehouse before a gate has passed it.
"""
from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from expectations.suites import ALLOWED_UNIT_PAIRS, DERIVED, HAS_TRIAL, Check, all_checks
from schemas.derive import RECORD_COLUMN


@dataclass(slots=True)
class GateResult:
    """What the gate decided: records to quarantine (with reasons), blocking table failures, warnings, and the GX
    results worth keeping for Data Docs (as JSON)."""

    quarantined: dict[str, str] = field(default_factory=dict)  # record key -> reason
    table_failures: list[str] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)  # check name -> rows
    failures: Counter = field(default_factory=Counter)  # check name -> rows
    checks_run: int = 0
    results: list[dict] = field(default_factory=list)  # GX validation results, JSON
    # the cross-batch checks the load ran: {check, level, scope, stage, offending_rows} (rendered in Data Docs)
    cross_checks: list[dict] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True when a table-level fail check failed: the whole load must stop."""
        return bool(self.table_failures)

    def merge(self, other: GateResult) -> None:
        """Fold another batch's result into this one."""
        for k, v in other.quarantined.items():
            self.quarantined.setdefault(k, v)
        self.table_failures += other.table_failures
        self.warnings.update(other.warnings)
        self.failures.update(other.failures)
        self.checks_run += other.checks_run
        self.results += other.results
        self.cross_checks += other.cross_checks


def import_gx() -> None:
    """Import Great Expectations quietly: it warns and logs at INFO on import."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations  # noqa: F401
    for name in list(logging.root.manager.loggerDict):  # GX sets INFO on some of its loggers at import
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


CROSS_BATCH_SUITE = "cross_batch_checks"  # the Data Docs page of the checks the load runs over every batch


class Gate:
    """An ephemeral GX context with one suite per staged table, built once per process and reused for every batch."""

    def __init__(self, checks: list[Check] | None = None):
        import_gx()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.checks = checks if checks is not None else all_checks()
        self._source = source = self.context.data_sources.add_pandas("staged")
        self._suites: dict[str, tuple[Any, Any]] = {}  # table -> (batch definition, suite)
        self._by_table: dict[str, list[Check]] = {}
        for check in self.checks:
            self._by_table.setdefault(check.table, []).append(check)
        # Only the columns some check reads go to GX: it copies whole rows when it collects unexpected ones.
        self.columns = {table: checked_columns(checks) for table, checks in self._by_table.items()}
        for table, checks in self._by_table.items():
            batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("batch")
            # the suite is added whole: GX stores a suite again each time an expectation is added to it
            suite = self.context.suites.add(gx.ExpectationSuite(name=f"{table}_suite", expectations=[
                getattr(gx.expectations, check.expectation)(
                    **check.kwargs, meta={"level": check.level, "scope": check.scope, "check": check.name})
                for check in checks]))
            self._suites[table] = (batch, suite)

    def validate(self, tables: Mapping[str, Any], keep_results: bool = False) -> GateResult:
        """Validate one batch of staged tables (each with the `_record` column; Arrow tables or DataFrames, taken
        from the mapping one at a time, so a mapping that reads them when asked never holds the batch at once); with
        `keep_results`, the GX result of every table, else of failing tables only, is kept for Data Docs."""
        result = GateResult()
        trial_ids = _trial_ids(tables)
        for table, (batch, suite) in self._suites.items():
            if table not in tables:
                continue
            prepared = prepare_table(table, tables[table], trial_ids, self.columns[table])
            if prepared.num_rows == 0:
                continue
            df = prepared.to_pandas()  # one table in pandas at a time
            del prepared
            # Each result format costs about twice the one before it, so GX is asked for the verdict first, then
            # for counts of the checks that failed only (all of them for Data Docs), and for failing rows only when
            # a record has to be quarantined.
            data = batch.get_batch(batch_parameters={"dataframe": df})
            result.checks_run += len(suite.expectations)
            run = self._run(data, suite, "SUMMARY" if keep_results else "BOOLEAN_ONLY")
            if not run.success and not keep_results:
                run = self._run(data, _failed_only(suite, run), "SUMMARY")
            if any(not r.success and _meta(r).get("level") == "fail" and _meta(r).get("scope") == "record"
                   for r in run.results):
                run = self._run(data, suite if keep_results else _failed_only(suite, run), "COMPLETE")
            if keep_results or not run.success:
                result.results.append(run.to_json_dict())
            _read_verdicts(table, run, result)
        return result

    @staticmethod
    def _run(batch: Any, suite: Any, result_format: str) -> Any:
        """A suite's result on one batch; the context stores none (results travel as JSON to Data Docs)."""
        fmt: dict[str, Any] = {"result_format": result_format}
        if result_format == "COMPLETE":
            fmt["unexpected_index_column_names"] = [RECORD_COLUMN]
        return batch.validate(suite, result_format=fmt)

    def cross_batch_result(self, outcomes: Sequence[dict]) -> dict:
        """The cross-batch checks the load ran (`GateResult.cross_checks`) as a GX validation result (JSON): one
        expectation per check, that it found no offending row, on a one-row table of their counts."""
        import great_expectations as gx
        import pandas as pd

        frame = pd.DataFrame({o["check"]: [o["offending_rows"]] for o in outcomes})
        suite = gx.ExpectationSuite(name=CROSS_BATCH_SUITE, expectations=[
            gx.expectations.ExpectColumnMaxToBeBetween(
                column=o["check"], max_value=0,
                meta={"level": o["level"], "scope": o["scope"], "check": o["check"], "stage": o["stage"]})
            for o in outcomes])
        batch = self._cross_batch.get_batch(batch_parameters={"dataframe": frame})
        return self._run(batch, suite, "SUMMARY").to_json_dict()

    @cached_property
    def _cross_batch(self) -> Any:
        """The batch definition the cross-batch checks' counts are validated on (made once, where docs render)."""
        return self._source.add_dataframe_asset(name=CROSS_BATCH_SUITE).add_batch_definition_whole_dataframe("batch")

    def build_docs(self, results: Sequence[dict], target: Path, cross_checks: Sequence[dict] = ()) -> Path:
        """Render the suites and the given validation results (JSON, from any gate) — and the cross-batch checks'
        outcomes, as a validation of their own — as GX Data Docs under `target`."""
        if cross_checks:
            results = [*results, self.cross_batch_result(cross_checks)]
        from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        store = self.context.validation_results_store
        for old in store.list_keys():  # an earlier run's results in this process are not this run's
            store.remove_key(old)
        schema = ExpectationSuiteValidationResultSchema()
        for n, data in enumerate(results):
            result = schema.load(data)
            run = result.meta.get("run_id") or {}
            key = ValidationResultIdentifier(
                ExpectationSuiteIdentifier(result.suite_name),
                RunIdentifier(run_name=f"{run.get('run_name') or 'batch'}-{n:04d}", run_time=run.get("run_time")),
                f"{result.suite_name}-{n:04d}")
            store.set(key, result)
        target = target.resolve()  # GX's file store refuses relative paths
        target.mkdir(parents=True, exist_ok=True)
        site: Any = {"class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(target)}}
        name = f"site_{len(self.context.list_data_docs_sites())}"
        self.context.add_data_docs_site(site_name=name, site_config=site)
        self.context.build_data_docs(site_names=[name])
        return target / "index.html"


def _failed_only(suite: Any, run: Any) -> Any:
    """A suite of the expectations that failed in `run` (not stored in the context), to ask GX for their details."""
    import great_expectations as gx

    return gx.ExpectationSuite(name=suite.name, expectations=[r.expectation_config for r in run.results
                                                              if not r.success])


def _meta(r: Any) -> dict:
    return r.expectation_config.meta or {}


def _read_verdicts(table: str, run: Any, result: GateResult) -> None:
    """Fold one table's GX run into the gate result: warnings counted, record failures quarantined, table
    failures (and expectations that raised) block."""
    for r in run.results:
        if r.success:
            continue
        meta = _meta(r)
        name = meta.get("check", r.expectation_config.type)
        raised = _raised(r.exception_info)
        if raised:
            result.table_failures.append(f"{table}: {name}: expectation raised {raised}")
            continue
        count = int(r.result.get("unexpected_count") or 0)
        if meta.get("level") == "warn":
            result.warnings[name] += count
            continue
        result.failures[name] += count
        if meta.get("scope") == "table":
            sample = r.result.get("partial_unexpected_list", [])[:3]
            result.table_failures.append(f"{table}: {name} failed for {count} rows, e.g. {sample}")
        else:
            for row in r.result.get("unexpected_index_list") or []:
                result.quarantined.setdefault(row.get(RECORD_COLUMN), f"failed expectation: {name}")


def _raised(info: Any) -> str | None:
    """The message of an exception GX caught while evaluating an expectation, if it caught one: GX files it at the
    top of `exception_info` or under the key of each metric that raised."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return str(nested[0].get("exception_message")) if nested else None


def checked_columns(checks: Sequence[Check]) -> set[str]:
    """Every column the checks name or the gate derives theirs from, and the record key quarantine reports by."""
    columns = {RECORD_COLUMN, "trial_id"}
    tables = {check.table for check in checks}
    for (table, _), sources in DERIVED.items():
        if table in tables:
            columns.update(sources)
    for check in checks:
        for key in ("column", "column_A", "column_B"):
            if key in check.kwargs:
                columns.add(check.kwargs[key])
        columns.update(check.kwargs.get("column_list", ()))
    return columns


def _as_arrow(table: Any) -> pa.Table:
    """A staged table as Arrow (tests and `trialhouse validate` hand over pandas DataFrames)."""
    return table if isinstance(table, pa.Table) else _small_strings(pa.Table.from_pandas(table, preserve_index=False))


def _trial_ids(tables: Mapping[str, Any]) -> pa.Array:
    """The batch's trial ids (what `_has_trial` looks rows up in)."""
    if "trial" not in tables:
        return pa.array([], pa.string())
    return _as_arrow(tables["trial"])["trial_id"].combine_chunks()


def prepare_table(name: str, table: Any, trial_ids: pa.Array, keep: set[str]) -> pa.Table:
    """One staged table ready for GX: in Arrow, with the `_`-prefixed columns the hand-written checks read (derived
    over the whole table at once, not per row), only the columns some check reads, and integers widened to int64
    (GX's range check is vectorised only on int64)."""
    t = _as_arrow(table)
    if name != "trial" and "trial_id" in t.column_names:
        t = t.append_column(HAS_TRIAL, pc.is_in(t["trial_id"], value_set=trial_ids))
    for (table_name, column), sources in DERIVED.items():
        if table_name == name and all(c in t.column_names for c in sources):
            t = t.append_column(column, derive_column(column, t))
    return _widen_integers(t.select([c for c in t.column_names if c in keep]))


def _small_strings(table: pa.Table) -> pa.Table:
    """pandas hands strings back as large_string; the staged tables (and the derivations) use string."""
    schema = pa.schema([f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f for f in table.schema])
    return table.cast(schema) if schema != table.schema else table


def derive_column(column: str, t: pa.Table) -> pa.Array:
    """One derived boolean column of `expectations.suites.DERIVED`, computed over the whole table at once."""
    if column == "_has_identity":
        return pc.or_(pc.is_valid(t["title"]), pc.is_valid(t["nct_id"]))
    if column == "_is_duplicate":
        return _duplicate_criteria(t)
    if column == "_one_lead":
        return _one_lead(t)
    if column == "_registry_named":
        return pc.or_kleene(pc.not_equal(pc.fill_null(t["id_type"], ""), "REGISTRY"), pc.is_valid(t["registry"]))
    if column == "_whole_point":
        lat, lon = pc.is_valid(t["latitude"]), pc.is_valid(t["longitude"])
        return pc.and_(pc.equal(lat, lon), pc.or_(pc.invert(lat), pc.is_valid(t["geo_source"])))
    if column == "_removed_by_registry":
        return pc.or_(pc.invert(pc.fill_null(t["removed"], False)), pc.equal(pc.fill_null(t["source"], ""), "REGISTRY"))
    if column == "_kind_with_condition":
        return pc.equal(pc.is_valid(t["condition_text"]), pc.is_valid(t["condition_kind"]))
    if column == "_unit_allowed":
        pair = pc.binary_join_element_wise(t["variable"], pc.fill_null(t["unit"], ""), "|")
        return pc.is_in(pair, value_set=pa.array(ALLOWED_UNIT_PAIRS))
    raise KeyError(f"no derivation for {column}")


def _one_lead(sponsors: pa.Table) -> pa.Array:
    """False for the LEAD rows of a record that names more than one lead sponsor for a trial."""
    lead = pc.equal(pc.fill_null(sponsors["role"], ""), "LEAD")
    keyed = pa.table({"trial": sponsors["trial_id"], "record": sponsors[RECORD_COLUMN],
                      "lead": pc.cast(lead, pa.int64())})
    counts = keyed.group_by(["trial", "record"], use_threads=False).aggregate([("lead", "sum")])
    crowded = counts.filter(pc.greater(counts["lead_sum"], 1))
    key = pc.binary_join_element_wise(keyed["trial"], keyed["record"], "\x1f")
    crowded_key = pc.binary_join_element_wise(crowded["trial"], crowded["record"], "\x1f")
    return pc.invert(pc.and_(lead, pc.is_in(key, value_set=crowded_key))).combine_chunks()


def _widen_integers(table: pa.Table) -> pa.Table:
    schema = pa.schema([f.with_type(pa.int64()) if pa.types.is_integer(f.type) else f for f in table.schema])
    return table.cast(schema) if schema != table.schema else table


def _duplicate_criteria(crit: pa.Table) -> pa.Array:
    """True for a criterion whose (trial, kind, case- and blank-insensitive text) appeared earlier in the batch."""
    text = pc.fill_null(crit["text"], "")
    # runs of blanks and single non-space blanks become one space (as `\s+` would; the transform leaves none, so
    # the pattern that only finds what needs changing costs 0.03 s per 5,000 studies instead of 0.25)
    norm = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(text), r"\s\s+|[^\S ]", " "))
    keyed = pa.table({"trial": crit["trial_id"], "kind": crit["kind"], "text": norm,
                      "row": pa.array(range(crit.num_rows), pa.int64())})
    first = keyed.group_by(["trial", "kind", "text"], use_threads=False).aggregate([("row", "min")])["row_min"]
    return pc.invert(pc.is_in(keyed["row"], value_set=first)).combine_chunks()
