"""The `ingest` flow: plan → fan out batches (each writes and validates its own shards) → check across batches and
load DuckDB in one transaction → publish."""
from __future__ import annotations

import shutil
import signal
import time
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import TerminationSignal
from prefect.futures import as_completed
from prefect.states import Cancelled, State
from prefect.task_runners import ThreadPoolTaskRunner

from expectations.gate import GateResult
from flows.batch import (
    BatchSpec,
    BatchStopped,
    BatchSummary,
    cached_gazetteer,
    render_data_docs,
    request_stop,
    run_batch,
)
from flows.plan import StagedPlan, cut_batches, files_per_batch, plan_sources, stage_plan
from flows.runners import choose_runner, local_runner, open_executor, run_on, worker_count
from flows.settings import IngestConfig
from flows.summary import RunSummary, new_run_id, summary_markdown
from warehouse.load import LoadBlocked, LoadOutcome, LoadRequest, load_run
from warehouse.lock import writer_lock
from warehouse.publish import PublishFailed, is_published, publish
from warehouse.shards import open_staging
from warehouse.store import RunRecord, record_failed_run

KEEP_DOCS_RUNS = 20  # Data Docs of the newest runs kept beside the warehouse
KEEP_RESULTS = 40  # GX results rendered per run: every table of the first batch, then failing ones


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def prepare_gazetteer(cache_dir: Path) -> Path:
    """Build the city gazetteer once into the cache folder, so that every worker loads it instead of building it."""
    return cached_gazetteer(cache_dir)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def plan_run(config: IngestConfig, staging: Path, workers: int) -> StagedPlan:
    """List the sources, hash the files the warehouse knows, and stage the plan of what to read (a large export in
    parts for `workers`)."""
    listing, known, plan = plan_sources(config.sources, config.warehouse, config.full_refresh)
    return stage_plan(plan, known, staging, len(listing.files), config.part_bytes, workers)


@task(cache_policy=NO_CACHE)
def process_batch(spec: BatchSpec, executor: Any) -> BatchSummary | State:
    """Read, parse, shape, stage and validate one batch of files on a worker of the executor (a batch that the
    stopping run ended early is a Cancelled task run, not a failed one)."""
    try:
        return run_on(executor, run_batch, spec)
    except BatchStopped as stopped:
        return Cancelled(message=str(stopped))


@task(cache_policy=NO_CACHE)
def load_warehouse(config: IngestConfig, request: LoadRequest, blocked_by: list[str]) -> LoadOutcome:
    """Check across batches and load every shard in one DuckDB transaction, unless a batch's table-level
    expectation failed (`blocked_by`): then nothing loads."""
    if blocked_by:
        raise LoadBlocked(blocked_by)
    return load_run(config.warehouse, request)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def publish_warehouse(config: IngestConfig) -> None:
    """Export every table as Parquet and refresh the dashboards' read-only snapshot."""
    publish(config.warehouse, config.parquet_dir, config.duckdb_memory)


@task(retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_data_docs(verdict: GateResult, docs_dir: Path, config: IngestConfig, runner: str) -> Path:
    """Render this run's GX results and its cross-batch checks as Data Docs on a worker of their own on this machine
    (GX is loaded there, not in the flow's process) and prune older runs' docs."""
    with open_executor(local_runner(runner), 1, None) as executor:
        index = executor.submit(render_data_docs, verdict.results[:KEEP_RESULTS], verdict.cross_checks,
                                docs_dir).result()
    for old in sorted(p for p in docs_dir.parent.iterdir() if p.is_dir())[:-KEEP_DOCS_RUNS]:
        shutil.rmtree(old, ignore_errors=True)
    return index


@task(cache_policy=NO_CACHE)
def record_summary(summary: RunSummary) -> None:
    """Attach the run summary to the flow run as a markdown artifact."""
    create_markdown_artifact(key="ingest-summary", description=f"trialhouse ingest run {summary.run_id}",
                             markdown=summary_markdown(summary))


def process_batches(specs: list[BatchSpec], executor: Any, n_workers: int, show_progress: bool, staging: Path) -> \
        tuple[GateResult, dict[str, float]]:
    """Run every batch (a Prefect task each, as many at once as the executor has workers) and gather their
    summaries into one gate verdict and the workers' CPU seconds; if one fails or the run is interrupted, the
    others end at their next chunk."""
    verdict = GateResult()
    cpu = {"transform": 0.0, "validate": 0.0}
    task_runner: ThreadPoolTaskRunner = ThreadPoolTaskRunner(max_workers=n_workers)
    by_bytes = all(s.bytes for s in specs)  # a part of a file is its share of the file's bytes
    with task_runner, progress_bar(show_progress, [s.bytes if by_bytes else s.files for s in specs], by_bytes) as bar:
        futures: dict[Any, BatchSpec] = {task_runner.submit(process_batch, {"spec": spec, "executor": executor}): spec
                                         for spec in specs}
        try:
            for future in as_completed(list(futures)):
                summary: BatchSummary = future.result()
                verdict.merge(summary.verdict)
                cpu["transform"] += summary.transform_cpu_s
                cpu["validate"] += summary.validate_cpu_s
                if bar is not None:
                    spec = futures[future]
                    bar.advance(bar.task_ids[0], spec.bytes if by_bytes else spec.files)
        except BaseException:  # a failed batch, Ctrl-C or SIGTERM: leaving the block waits for the batches in flight
            request_stop(staging)
            raise
    return verdict, cpu


@flow(name="ingest", log_prints=False, validate_parameters=True)
def ingest(config: IngestConfig) -> RunSummary:
    """Ingest the configured sources into the warehouse; files whose content it already holds are only hashed."""
    run_id = new_run_id()
    staging = config.staging_root / run_id
    docs_dir = config.warehouse.parent / "data_docs" / run_id
    runner = choose_runner(config.runner, config.workers)
    workers = worker_count(runner, config.workers)
    clock, seconds = time.perf_counter(), {}
    with writer_lock(config.warehouse):
        run = RunRecord(run_id, datetime.now(), ", ".join(map(str, config.sources)), 0)
        try:
            abandoned = open_staging(staging, config.warehouse)
            if abandoned:
                get_run_logger().warning("removed the staging of %d earlier run(s) killed before they ended",
                                         abandoned)
            with showing("listing the sources and comparing them with the warehouse", config.show_progress):
                plan = plan_run(config, staging, workers)
            run = RunRecord(run_id, run.started_at, run.source_dir, plan.files_seen)
            seconds["plan"], clock = time.perf_counter() - clock, time.perf_counter()
            size = files_per_batch(plan.reads, workers, config.batch_size, plan.bytes_to_read, config.part_bytes)
            gazetteer = prepare_gazetteer(config.cache_dir) if config.cache_dir and plan.files_to_read else None
            specs = cut_batches(Path(plan.manifest), staging, run_id, size, config.max_file_bytes, gazetteer)
            request = LoadRequest(run, staging, plan.complete, config.duckdb_memory)
            with open_executor(runner, config.workers, config.dask_address) as executor:
                verdict, cpu = process_batches(specs, executor, workers, config.show_progress,
                                               staging) if specs else (GateResult(), {})
            # the workers are gone before the load: their memory is the load's
            seconds["parse_and_validate"], clock = time.perf_counter() - clock, time.perf_counter()
            try:
                with showing("checking across batches and loading the warehouse (one transaction)",
                             config.show_progress):
                    loaded = load_warehouse(config, request, verdict.table_failures)
            except Exception as failed:
                if isinstance(failed, LoadBlocked):
                    verdict.merge(failed.verdict)
                if verdict.results:  # the pages that say what the gate found, though nothing loaded
                    write_data_docs(verdict, docs_dir, config, runner, return_state=True)
                raise
            row = loaded.row
            verdict.merge(loaded.verdict)
            seconds["load"], clock = time.perf_counter() - clock, time.perf_counter()
        except BaseException as exc:  # an error, Ctrl-C, or SIGTERM (Prefect raises TerminationSignal for it)
            record_failed_run(config.warehouse, run, failure_reason(exc))
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        # the report of what is committed is written on its worker while the flow publishes; if it cannot be
        # written, the run still stands
        docs = write_data_docs.submit(verdict, docs_dir, config, runner) if verdict.results else None
        if not is_published(config.warehouse, config.parquet_dir):  # this run changed data, or a publish was cut short
            try:
                with showing("publishing the Parquet files and the dashboards' snapshot", config.show_progress):
                    publish_warehouse(config)
            except Exception as exc:
                raise PublishFailed(row["run_id"], exc) from exc
        if docs is not None:
            docs.wait()
        seconds["publish"] = time.perf_counter() - clock
    summary = RunSummary.from_row(row, config.warehouse, warnings=dict(verdict.warnings),
                                  data_docs=str(docs.result()) if docs and docs.state.is_completed() else "",
                                  stage_seconds={k: round(v, 3) for k, v in seconds.items()},
                                  transform_cpu_s=round(cpu.get("transform", 0.0), 3),
                                  validate_cpu_s=round(cpu.get("validate", 0.0), 3), parts=plan.parts)
    record_summary(summary)
    get_run_logger().info("run %s: %s", summary.run_id, summary.status)
    return summary


CANCELLED_IN_PREFECT = "cancelled in Prefect (from its UI, its API or `prefect flow-run cancel`)"


def failure_reason(exc: BaseException) -> str:
    """How a failed run's cause reads in `ingest_run.error`."""
    if isinstance(exc, TerminationSignal):
        # Prefect delivers a cancel to a running flow as SIGTERM, after marking the flow run CANCELLING
        return CANCELLED_IN_PREFECT if cancelled_in_prefect() else f"terminated by {signal.Signals(exc.signal).name}"
    return f"{type(exc).__name__}: {str(exc) or 'interrupted'}"


def cancelled_in_prefect() -> bool:
    """Whether the Prefect API holds this flow run as being cancelled (False when it cannot tell)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.runtime import flow_run

    try:
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(flow_run.id).state
    except Exception:  # no API, or it is stopping too: the signal is all there is to report
        return False
    return state is not None and state.type in (StateType.CANCELLING, StateType.CANCELLED)


def showing(stage: str, enabled: bool):
    """A spinner naming the stage under way on stderr while the block runs, when enabled, else a do-nothing context."""
    if not enabled:
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(stage)


def progress_bar(enabled: bool, batches: list[int], in_bytes: bool):
    """A rich progress bar on stderr over the batches' bytes (or their files when the plan did not size them) when
    enabled, else a do-nothing context."""
    if not enabled:
        return nullcontext(None)
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    done = DownloadColumn(binary_units=True) if in_bytes else MofNCompleteColumn()
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), done, TimeRemainingColumn())
    bar.add_task("parsing and validating", total=sum(batches))
    return bar
