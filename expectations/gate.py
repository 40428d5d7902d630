"""The validation gate: runs the GX suites on staged batches and decides what may load.

GX validates pandas DataFrames of the staged Parquet (validating DuckDB through GX's SQL datasource does not work
with DuckDB 2.0, see ../shared/NOTES.md); nothing reaches the warehouse before the gate has passed it.
"""
from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from expectations.suites import HAS_TRIAL, Check, all_checks
from schemas.derive import RECORD_COLUMN

if TYPE_CHECKING:  # pandas comes with GX when a gate is built; parse workers import this module without needing it
    import pandas as pd


@dataclass(slots=True)
class GateResult:
    """What the gate decided: records to quarantine (with reasons), blocking table failures, warnings."""

    quarantined: dict[str, str] = field(default_factory=dict)  # record key -> reason
    table_failures: list[str] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)  # check name -> rows
    failures: Counter = field(default_factory=Counter)  # check name -> rows
    checks_run: int = 0

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


def import_gx() -> None:
    """Import Great Expectations quietly (≈ 2.5 s of CPU, once per process): GX warns and logs at INFO on import."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations  # noqa: F401
        import great_expectations.data_context.types.base  # noqa: F401
    for name in list(logging.root.manager.loggerDict):  # GX sets INFO on some of its loggers at import
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


class Gate:
    """GX context with one suite per star table, built once and reused for every batch of a run."""

    KEEP_RESULTS = 40  # validation results kept for Data Docs per run: the first per table and failing ones

    def __init__(self, checks: list[Check] | None = None):
        import_gx()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.checks = checks if checks is not None else all_checks()
        self._kept: set[str] = set()
        source = self.context.data_sources.add_pandas("staged")
        self._definitions: dict[str, Any] = {}
        self._by_table: dict[str, list[Check]] = {}
        for check in self.checks:
            self._by_table.setdefault(check.table, []).append(check)
        # Only the columns some check reads go to GX: it copies whole rows when it collects unexpected ones, and
        # the long text columns were most of that cost.
        self._columns = {table: _checked_columns(checks) for table, checks in self._by_table.items()}
        for table, checks in self._by_table.items():
            batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("batch")
            suite = self.context.suites.add(gx.ExpectationSuite(name=f"{table}_suite"))
            for check in checks:
                cls = getattr(gx.expectations, check.expectation)
                suite.add_expectation(cls(**check.kwargs, meta={"level": check.level, "scope": check.scope,
                                                                "check": check.name}))
            self._definitions[table] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{table}_validation", data=batch, suite=suite))

    def validate(self, frames: Mapping[str, pa.Table | pd.DataFrame]) -> GateResult:
        """Validate one batch of staged tables (Arrow tables or DataFrames with the `_record` column)."""
        tables = _with_derived_columns(frames, self._columns)
        result = GateResult()
        for table, definition in self._definitions.items():
            if table not in tables or tables[table].num_rows == 0:
                continue
            # One table in pandas at a time: the copies of a 10k-trial chunk's tables together were ≈ 100 MB.
            df = tables.pop(table).to_pandas()
            # SUMMARY is several times cheaper than COMPLETE; the row-level list is fetched only when a record has
            # to be quarantined.
            run = self._run(definition, df, {"result_format": "SUMMARY"})
            if any(not r.success and (r.expectation_config.meta or {}).get("level") == "fail"
                   and (r.expectation_config.meta or {}).get("scope") == "record" for r in run.results):
                run = self._run(definition, df, {"result_format": "COMPLETE",
                                                 "unexpected_index_column_names": [RECORD_COLUMN]})
            self._trim_results(table, run.success)
            for r in run.results:
                result.checks_run += 1
                meta = r.expectation_config.meta or {}
                if r.success:
                    continue
                name = meta.get("check", r.expectation_config.type)
                if r.exception_info and r.exception_info.get("raised_exception"):
                    result.table_failures.append(f"{table}: {name}: expectation raised "
                                                 f"{r.exception_info.get('exception_message')}")
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
        return result


    @staticmethod
    def _run(definition: Any, df: pd.DataFrame, result_format: dict) -> Any:
        return definition.run(batch_parameters={"dataframe": df}, result_format=result_format)

    def _trim_results(self, table: str, success: bool) -> None:
        """Keep the stored result of the first batch per table and of failing batches (up to KEEP_RESULTS)."""
        store = self.context.validation_results_store
        for key in store.list_keys():
            name = str(key)
            if name in self._kept:
                continue
            first_of_table = not any(k.startswith(f"ValidationResultIdentifier::{table}_suite/") for k in self._kept)
            if (first_of_table or not success) and len(self._kept) < self.KEEP_RESULTS:
                self._kept.add(name)
            else:
                store.remove_key(key)

    def build_docs(self, target: Path) -> Path:
        """Render the suites and the kept validation results as GX Data Docs HTML under `target`."""
        target = target.resolve()  # GX's file store refuses relative paths
        target.mkdir(parents=True, exist_ok=True)
        site = {"class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(target)}}
        name = f"site_{len(self.context.list_data_docs_sites())}"
        self.context.add_data_docs_site(site_name=name, site_config=site)
        self.context.build_data_docs(site_names=[name])
        return target / "index.html"


def _checked_columns(checks: list[Check]) -> set[str]:
    """Every column the checks name, and the record key that quarantine reports by."""
    columns = {RECORD_COLUMN}
    for check in checks:
        for key in ("column", "column_A", "column_B"):
            if key in check.kwargs:
                columns.add(check.kwargs[key])
        columns.update(check.kwargs.get("column_list", ()))
    return columns


def _with_derived_columns(frames: Mapping[str, pa.Table | pd.DataFrame],
                          keep: Mapping[str, set[str]] | None = None) -> dict[str, pa.Table]:
    """Arrow tables with the `_`-prefixed columns the hand-written checks read, derived in Arrow (C, not per row),
    and integers widened for GX; with `keep`, a table listed there keeps only those columns."""
    tables = {name: t if isinstance(t, pa.Table) else pa.Table.from_pandas(t, preserve_index=False)
              for name, t in frames.items()}
    trial = tables.get("trial")
    trial_ids = trial["trial_id"].combine_chunks() if trial is not None else pa.array([], pa.string())
    for name, table in tables.items():
        if name != "trial" and "trial_id" in table.column_names:
            tables[name] = table.append_column(HAS_TRIAL, pc.is_in(table["trial_id"], value_set=trial_ids))
    if trial is not None:
        tables["trial"] = trial.append_column(
            "_has_identity", pc.or_(pc.is_valid(trial["title"]), pc.is_valid(trial["nct_id"])))
    crit = tables.get("criterion")
    if crit is not None:
        tables["criterion"] = crit.append_column("_is_duplicate", _duplicate_criteria(crit))
    if keep:
        tables = {name: t.select([c for c in t.column_names if c in keep[name]]) if name in keep else t
                  for name, t in tables.items()}
    return {name: _widen_integers(table) for name, table in tables.items()}


def _widen_integers(table: pa.Table) -> pa.Table:
    """The table with its integer columns as int64: GX's range check is vectorised only on int64/float64."""
    schema = pa.schema([f.with_type(pa.int64()) if pa.types.is_integer(f.type) else f for f in table.schema])
    return table.cast(schema) if schema != table.schema else table


def _duplicate_criteria(crit: pa.Table) -> pa.Array:
    """True for a criterion whose (trial, kind, case- and blank-insensitive text) appeared earlier in the batch."""
    text = pc.fill_null(crit["text"], "")
    norm = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(text), r"\s+", " "))
    keyed = pa.table({"trial": crit["trial_id"], "kind": crit["kind"], "text": norm,
                      "row": pa.array(range(crit.num_rows), pa.int64())})
    first = keyed.group_by(["trial", "kind", "text"], use_threads=False).aggregate([("row", "min")])["row_min"]
    return pc.invert(pc.is_in(keyed["row"], value_set=first)).combine_chunks()
