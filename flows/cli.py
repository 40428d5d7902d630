"""The `trialhouse` command line: ingest, query, match, layouts, parse, measures, validate, docs."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from flows.match_cli import match

if TYPE_CHECKING:
    from transforms.measures import Measure

# Prefect's INFO chatter hides the run summary; users can still ask for it with PREFECT_LOGGING_LEVEL.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

app = typer.Typer(help="trialhouse: raw clinical-trial records → a DuckDB star-schema warehouse.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
# Piped output (make, CI logs) gets a wide console instead of rich's 80-column default.
console = Console() if sys.stdout.isatty() else Console(width=160)
err = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=160)

WarehouseOpt = Annotated[Path | None, typer.Option("--warehouse", "-w",
                                                   help="DuckDB file [default: $TRIALHOUSE_WAREHOUSE or warehouse/trials.duckdb]")]


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's timeout, `kill`), handled as Ctrl-C is: the run unwinds, records itself as failed and
    stops what it started."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def _sigterm_unwinds():
    """Within the block, SIGTERM raises `Terminated` instead of ending the process on the spot (Python's default),
    which would leave the command's Prefect API running and skip the record of the run. While a flow runs, Prefect
    turns SIGTERM into its own TerminationSignal first, reports the crash, then hands the signal to this handler."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _settings():
    from flows.settings import load_settings

    return load_settings()


@app.command()
def ingest(
    sources: Annotated[list[Path], typer.Argument(help="a folder of raw trial files (searched recursively), or one or "
                                                       "more files")],
    warehouse: WarehouseOpt = None,
    parquet_dir: Annotated[Path | None, typer.Option(help="Parquet root [default: warehouse/parquet]")] = None,
    batch_size: Annotated[int | None, typer.Option(
        help="files (or parts of large files) per worker task [default: sized by the run]")] = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="re-parse files even if their content is known")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="exit 3 when any file or record was quarantined")] = False,
    runner: Annotated[str | None, typer.Option(help="where batches run: auto (worker processes on a multi-core machine), "
                                                    "sequential, threads, processes or dask")] = None,
    workers: Annotated[int | None, typer.Option(help="parallel workers [default: CPU count]")] = None,
    dask_address: Annotated[str | None, typer.Option(help="scheduler of an existing Dask cluster, tcp://host:8786 "
                                                          "(implies --runner dask)")] = None,
    summary_json: Annotated[Path | None, typer.Option(help="also write the run summary as JSON to this file")] = None,
) -> None:
    """Parse every file of SOURCES, validate it and load the warehouse in one transaction."""
    from pydantic import ValidationError

    from flows.settings import IngestConfig
    from warehouse.lock import WarehouseBusy
    from warehouse.publish import PublishFailed

    try:
        config = IngestConfig.from_settings(
            _settings(), sources, warehouse=warehouse, parquet_dir=parquet_dir, batch_size=batch_size,
            full_refresh=full_refresh, runner="dask" if dask_address else runner, workers=workers,
            dask_address=dask_address, show_progress=sys.stderr.isatty())
        config.warehouse.parent.mkdir(parents=True, exist_ok=True)
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]{'.'.join(str(x) for x in e['loc'])}:[/] {e['msg']}")
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(f"[red]cannot use warehouse folder {exc.filename}:[/] {exc.strerror}")
        raise typer.Exit(2) from None
    try:
        from flows.runners import choose_runner, start_worker_server
        from flows.runtime import EarlyApi
        from flows.unchanged import record_run_if_unchanged

        with _sigterm_unwinds():
            summary = record_run_if_unchanged(config)  # nothing new: no Prefect, no workers, no gate
            if isinstance(summary, int):
                api = EarlyApi().start()  # boots while the flow's modules and the workers' modules import
                if summary and choose_runner(config.runner, config.workers) == "processes":
                    start_worker_server()
                try:
                    from flows.ingest import ingest as ingest_flow

                    api.wait_ready()
                    with api.run_settings():
                        summary = ingest_flow(config)
                finally:
                    api.stop()
    except Terminated:
        err.print("[yellow]terminated (SIGTERM):[/] the load is one transaction: unless it had committed, the "
                  "warehouse is as it was before this run; the next run picks up every file not loaded.")
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted:[/] the load is one transaction: unless it had committed, the warehouse is as "
                  "it was before this run; the next run picks up every file not loaded.")
        raise typer.Exit(130) from None
    except WarehouseBusy as exc:
        err.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(2) from None
    except PublishFailed as exc:
        err.print(f"[red]publish failed:[/] {exc}")
        raise typer.Exit(4) from None
    except FileNotFoundError as exc:
        err.print(f"[red]nothing to ingest:[/] {exc}")
        raise typer.Exit(2) from None
    except Exception as exc:  # the run failed: say why in one line, the warehouse is unchanged
        err.print(f"[red]ingest failed:[/] {type(exc).__name__}: {exc}")
        err.print("The warehouse was left as it was before this run.")
        raise typer.Exit(1) from None
    _print_summary(summary)
    if summary_json:
        summary_json.write_text(json.dumps(dataclasses.asdict(summary), indent=1), encoding="utf-8")
    if strict and (summary.files_quarantined or summary.records_quarantined):
        raise typer.Exit(3)


def _print_summary(summary) -> None:
    from flows.summary import read_in_parts

    table = RichTable(title=f"run {summary.run_id}: {summary.status}", show_header=True)
    table.add_column("files")
    table.add_column("count", justify="right")
    for name in ("seen", "loaded", "quarantined", "unchanged", "removed"):
        table.add_row(name, f"{getattr(summary, 'files_' + name):,}")
    table.add_row("records quarantined", f"{summary.records_quarantined:,}")
    table.add_row("trials marked removed", f"{summary.trials_removed:,}")
    rows = RichTable(title="rows written", show_header=True)
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for name, n in summary.rows_written.items():
        rows.add_row(name, f"{n:,}")
    console.print(table)
    console.print(rows)
    if summary.warnings:
        console.print("expectation warnings: " + ", ".join(f"{k} ({v})" for k, v in sorted(summary.warnings.items())))
    if summary.files_quarantined or summary.records_quarantined:
        console.print("see why: trialhouse query \"SELECT file_path, error FROM ingest_file WHERE status = 'QUARANTINED'\"")
    if summary.parts:
        console.print(f"read in parts, on every worker at once: {read_in_parts(summary)}")
    console.print(f"warehouse: {summary.warehouse}")
    if summary.data_docs:
        console.print(f"validation report (GX Data Docs): {summary.data_docs}")
    console.print("seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.stage_seconds.items())
                  + f"; CPU seconds (all workers): transform {summary.transform_cpu_s:.1f}, "
                    f"validation {summary.validate_cpu_s:.1f}")


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="SQL to run read-only against the warehouse")],
    warehouse: WarehouseOpt = None,
    max_rows: Annotated[int, typer.Option(help="rows to print at most")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON lines instead of a table")] = False,
) -> None:
    """Run read-only SQL against the warehouse and print the result."""
    import duckdb

    path = warehouse or _settings().warehouse
    if not path.exists():
        err.print(f"[red]no warehouse at {path}[/]: run `trialhouse ingest SOURCE_DIR` first")
        raise typer.Exit(2)
    try:
        con = duckdb.connect(str(path), read_only=True)
        cur = con.execute(sql)
    except duckdb.Error as exc:
        err.print(f"[red]query failed:[/] {exc}")
        raise typer.Exit(1) from None
    columns = [d[0] for d in cur.description or []]
    rows = cur.fetchmany(max_rows + 1)
    if as_json:
        for r in rows[:max_rows]:
            print(json.dumps(dict(zip(columns, r, strict=True)), default=str, ensure_ascii=False))
        return
    out = RichTable(show_header=True)
    for c in columns:
        out.add_column(c, overflow="fold")
    for r in rows[:max_rows]:
        out.add_row(*["NULL" if v is None else str(v) for v in r])
    console.print(out)
    if len(rows) > max_rows:
        console.print(f"(first {max_rows} rows shown; use --max-rows)")


@app.command()
def serve(
    source_dir: Annotated[Path, typer.Argument(help="folder the nightly run ingests")],
    cron: Annotated[str, typer.Option(help="cron schedule (5 fields, server timezone)")] = "0 2 * * *",
    warehouse: WarehouseOpt = None,
    parquet_dir: Annotated[Path | None, typer.Option(help="Parquet root [default: warehouse/parquet]")] = None,
    name: Annotated[str, typer.Option(help="deployment name")] = "trialhouse-nightly",
    start_server: Annotated[bool, typer.Option(help="start a local Prefect server when PREFECT_API_URL is unset")] = True,
    port: Annotated[int, typer.Option(help="port of the local Prefect server")] = 4200,
) -> None:
    """Serve the ingest flow as a Prefect deployment that runs on CRON until stopped (Ctrl-C)."""
    from pydantic import ValidationError

    from flows.schedule import ScheduledIngest, start_local_server

    settings = _settings()
    try:
        job = ScheduledIngest(source_dir=source_dir, warehouse=warehouse or settings.warehouse,
                              parquet_dir=parquet_dir or settings.parquet_dir, cron=cron,
                              batch_size=settings.batch_size)
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]{'.'.join(str(x) for x in e['loc'])}:[/] {e['msg']}")
        raise typer.Exit(2) from None
    server = None
    if start_server and not os.environ.get("PREFECT_API_URL"):
        console.print(f"starting a local Prefect server on 127.0.0.1:{port} (UI: http://127.0.0.1:{port}) ...")
        server = start_local_server(port)
    from prefect import serve as prefect_serve

    from flows.schedule import build_deployment

    console.print(f"serving [bold]{name}[/]: ingest {job.source_dir} on '{job.cron}' (Ctrl-C to stop)")
    try:
        prefect_serve(build_deployment(job, name))
    finally:
        if server is not None:
            server.terminate()


@app.command()
def validate(warehouse: WarehouseOpt = None) -> None:
    """Re-run the expectation suites against the current warehouse and print what fails or warns."""
    from expectations.gate import Gate, GateResult
    from expectations.suites import all_checks
    from warehouse.store import iter_table_chunks

    path = warehouse or _settings().warehouse
    if not path.exists():
        err.print(f"[red]no warehouse at {path}[/]: run `trialhouse ingest SOURCE_DIR` first")
        raise typer.Exit(2)
    gate, total = Gate(), GateResult()
    for tables in iter_table_chunks(path):
        total.merge(gate.validate(tables))
    out = RichTable(title=f"expectations on {path}", show_header=True)
    for col in ("check", "level", "rows failing"):
        out.add_column(col)
    for check in all_checks():
        bad = total.failures.get(check.name, 0) + total.warnings.get(check.name, 0)
        status = "[green]ok[/]" if not bad else ("[yellow]" if check.level == "warn" else "[red]") + f"{bad}[/]"
        out.add_row(check.name, check.level, status)
    console.print(out)
    failed = sum(total.failures.values()) + len(total.table_failures)
    console.print(f"{total.checks_run} expectation runs; {failed} failing rows at level fail, "
                  f"{sum(total.warnings.values())} at level warn")
    if failed:
        raise typer.Exit(1)


@app.command()
def dashboard(
    warehouse: WarehouseOpt = None,
    port: Annotated[int, typer.Option(help="port to serve on (localhost)")] = 8501,
) -> None:
    """Start the Streamlit dashboard on the warehouse (opened read-only, via its published snapshot)."""
    try:
        from dashboard.launch import launch
    except ImportError as exc:
        err.print(f"[red]the dashboard is not available:[/] {exc}")
        raise typer.Exit(2) from None
    raise typer.Exit(launch(warehouse or _settings().warehouse, port=port))


@app.command()
def layouts() -> None:
    """List the supported input layouts: a text goes to the one most confident it is its own, ties to the first; a
    large file of a layout that can be cut is read in parts (TRIALHOUSE_PART_BYTES)."""
    from transforms.layouts import REGISTRY

    for n, layout in enumerate(REGISTRY, start=1):
        kind = layout.KIND.replace("_", " ") + (", read in parts when large" if hasattr(layout, "record_starts") else "")
        console.print(f"{n}. [bold]{layout.NAME}[/] ({kind}): {layout.DESCRIPTION}")


@app.command()
def parse(file: Annotated[Path, typer.Argument(help="a raw trial file", exists=True, dir_okay=False)]) -> None:
    """Parse one file and print its layout and record(s) as JSON (a debugging aid; nothing is written)."""
    from transforms.decode import decode
    from transforms.errors import TrialhouseError
    from transforms.layouts import parse_text
    from transforms.record import ParsedTrial

    try:
        decoded = decode(file.read_bytes(), str(file))
        layout, results = parse_text(decoded.text, str(file))
    except TrialhouseError as exc:
        err.print(f"[red]{type(exc).__name__}:[/] {exc}")
        raise typer.Exit(1) from None
    out = {"file": str(file), "encoding": decoded.encoding, "layout": layout,
           "records": [r.to_dict() if isinstance(r, ParsedTrial) else {"error": str(r)} for r in results]}
    print(json.dumps(out, indent=1, ensure_ascii=False))


@app.command()
def measures(
    texts: Annotated[list[str], typer.Argument(help="criterion texts, one criterion each ('-': one per line from "
                                                     "stdin)")],
    exclusion: Annotated[bool, typer.Option("--exclusion", help="read them as exclusion criteria (the ranges "
                                                                "printed are what they allow)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the rows as JSON lines")] = False,
) -> None:
    """Print the ranges `criterion_measure` would hold for criterion texts (to try a phrasing; nothing is written)."""
    from transforms.measures import extract_measures

    kind = "EXCLUSION" if exclusion else "INCLUSION"
    lines = [line for t in texts for line in (sys.stdin.read().splitlines() if t == "-" else [t]) if line.strip()]
    for text in lines:
        rows = extract_measures(text, kind)
        if as_json:
            print(json.dumps({"text": text, "kind": kind, "measures": [dataclasses.asdict(m) for m in rows]},
                             ensure_ascii=False))
            continue
        out = RichTable(title=f"{kind}: {text}", title_justify="left")
        for column in ("variable", "allowed", "condition", "read from"):
            out.add_column(column)
        for m in rows:
            condition = f"{m.condition_text} ({m.condition_kind})" if m.condition_text else ""
            out.add_row(m.variable, _allowed(m), condition, m.source_text)
        console.print(out if rows else f"{kind}: {text}\n  no range read")


def _allowed(m: Measure) -> str:
    """A measure's allowed range in one line: `≥ 18 years`, `[0, 1] score`, `< 3 ×ULN`."""
    if m.lower_value is not None and m.upper_value is not None:
        low, high = ("[" if m.lower_inclusive else "("), ("]" if m.upper_inclusive else ")")
        return f"{low}{m.lower_value:g}, {m.upper_value:g}{high} {m.unit}"
    if m.lower_value is not None:
        return f"{'≥' if m.lower_inclusive else '>'} {m.lower_value:g} {m.unit}"
    if m.upper_value is not None:
        return f"{'≤' if m.upper_inclusive else '<'} {m.upper_value:g} {m.unit}"
    return f"any {m.unit}"


@app.command()
def docs(
    check: Annotated[bool, typer.Option("--check", help="exit 1 if docs/tables.md is stale instead of writing it")] = False,
) -> None:
    """Generate docs/tables.md from schemas/ and the marts."""
    from schemas.docs import render
    from warehouse.store import mart_grains

    target = Path(__file__).resolve().parents[1] / "docs" / "tables.md"
    text = render(mart_grains())
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            err.print(f"{target} is stale: run `trialhouse docs`")
            raise typer.Exit(1)
        console.print(f"{target} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    console.print(f"wrote {target}")


app.command(name="match")(match)


def main() -> None:
    """The `trialhouse` command."""
    app()


if __name__ == "__main__":
    main()
