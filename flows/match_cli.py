"""`trialhouse match`: the trials whose stated bounds admit a patient (the warehouse's `trials_for_patient` macro)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

console = Console() if sys.stdout.isatty() else Console(width=160)
err = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=160)

# option name → catalogue variable, for the values most trials ask about (any other: --value name=number[unit])
NAMED_OPTIONS = {"age": "age", "ecog": "ecog", "karnofsky": "karnofsky", "anc": "anc", "platelets": "platelets",
                 "hemoglobin": "hemoglobin", "creatinine": "creatinine",
                 "creatinine_clearance": "creatinine_clearance", "egfr": "egfr", "bilirubin": "total_bilirubin",
                 "ast": "ast", "alt": "alt", "lvef": "lvef"}
MARKS = {"ADMITS": "[green]✓[/]", "EXCLUDES": "[red]✗[/]", "CONDITIONAL": "[yellow]⚠[/]",
         "OTHER_UNIT": "[yellow]?[/]"}


def _value_option(variable: str) -> Any:
    """The option of one named variable, its help saying the unit a bare number is read in."""
    from schemas.measures import variable as catalogue

    var = catalogue(variable)
    return typer.Option(help=f"{var.label}: number\\[unit], in {var.unit} when no unit is given", show_default=False)


def match(
    age: Annotated[str | None, _value_option("age")] = None,
    sex: Annotated[str | None, typer.Option(help="female or male (also checks the trial's registry sex)")] = None,
    ecog: Annotated[str | None, _value_option("ecog")] = None,
    karnofsky: Annotated[str | None, _value_option("karnofsky")] = None,
    anc: Annotated[str | None, _value_option("anc")] = None,
    platelets: Annotated[str | None, _value_option("platelets")] = None,
    hemoglobin: Annotated[str | None, _value_option("hemoglobin")] = None,
    creatinine: Annotated[str | None, _value_option("creatinine")] = None,
    creatinine_clearance: Annotated[str | None, _value_option("creatinine_clearance")] = None,
    egfr: Annotated[str | None, _value_option("egfr")] = None,
    bilirubin: Annotated[str | None, _value_option("total_bilirubin")] = None,
    ast: Annotated[str | None, _value_option("ast")] = None,
    alt: Annotated[str | None, _value_option("alt")] = None,
    lvef: Annotated[str | None, _value_option("lvef")] = None,
    value: Annotated[list[str] | None, typer.Option(
        "--value", help="any catalogue variable as name=number\\[unit], e.g. --value hba1c=53mmol/mol "
                        "(repeatable)")] = None,
    condition: Annotated[str | None, typer.Option(
        help="only trials with a condition (or MeSH term) containing this")] = None,
    status: Annotated[list[str] | None, typer.Option(help="only trials with this overall status, e.g. RECRUITING "
                                                          "(repeatable)")] = None,
    country: Annotated[list[str] | None, typer.Option(help="only trials with a site in this country, ISO code or "
                                                           "name (repeatable)")] = None,
    limit: Annotated[int, typer.Option(min=1, help="trials to list at most")] = 20,
    show_excluded: Annotated[bool, typer.Option("--show-excluded", help="also list the trials that exclude the "
                                                                         "patient, and why")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="print one JSON document (the patient as read, counts, trials)")] = False,
    list_variables: Annotated[bool, typer.Option("--list-variables", help="list the catalogue variables and their "
                                                                           "units, then exit")] = False,
    warehouse: Annotated[Path | None, typer.Option(
        "--warehouse", "-w", help="DuckDB file \\[default: $TRIALHOUSE_WAREHOUSE or warehouse/trials.duckdb]")] = None,
) -> None:
    """List the trials whose stated ranges admit a patient, best checked first, each verdict with its criterion.

    An unstated bound does not exclude; conditional bounds are shown as caveats, not applied."""
    from transforms.patient import PatientValueError, build_patient, read_assignment, read_value

    if list_variables:
        _print_variables()
        return
    named = {"age": age, "ecog": ecog, "karnofsky": karnofsky, "anc": anc, "platelets": platelets,
             "hemoglobin": hemoglobin, "creatinine": creatinine, "creatinine_clearance": creatinine_clearance,
             "egfr": egfr, "bilirubin": bilirubin, "ast": ast, "alt": alt, "lvef": lvef}
    try:
        values = [read_value(NAMED_OPTIONS[option], text) for option, text in named.items() if text is not None]
        values += [read_assignment(text) for text in value or ()]
        patient = build_patient(values, sex)
    except PatientValueError as exc:
        _fail(f"[red]error:[/] {escape(str(exc))}")
    if not patient.values and patient.sex is None:
        _fail("[red]error:[/] nothing to match: give at least one value (--age, --sex, --ecog, … or "
              + escape("--value name=number[unit])"))
    result = _find(patient, condition, status or (), country or (), limit, show_excluded, warehouse)
    if as_json:
        print(json.dumps(_as_document(patient, result), ensure_ascii=False, indent=1, default=str))
    else:
        _print_result(patient, result, show_excluded)


def _fail(message: str, code: int = 2) -> NoReturn:
    """Say what went wrong on one line (never wrapped: scripts read it) and exit with `code`."""
    err.print(message, soft_wrap=True)
    raise typer.Exit(code)


def _find(patient, condition: str | None, statuses, countries, limit: int, show_excluded: bool,
          warehouse: Path | None):
    import duckdb

    from flows.settings import load_settings
    from warehouse.match import TrialFilters, find_trials, has_macro

    path = warehouse or load_settings().warehouse
    if not path.exists():
        _fail(f"[red]no warehouse at {escape(str(path))}[/]: run `trialhouse ingest SOURCE_DIR` first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        if not has_macro(con):
            _fail(f"[red]{escape(str(path))} has no trials_for_patient macro[/] (built by an older trialhouse): "
                  "run `trialhouse ingest` again")
        filters = TrialFilters(condition, tuple(s.strip().upper() for s in statuses), tuple(countries))
        return find_trials(con, patient, filters, limit, show_excluded)
    except duckdb.Error as exc:
        _fail(f"[red]match failed:[/] {escape(str(exc))}", 1)
    finally:
        con.close()


def _as_document(patient, result) -> dict[str, Any]:
    return {"patient": {"sex": patient.sex,
                        "values": [{"variable": v.variable, "value": v.value, "unit": v.unit, "given": v.written}
                                   for v in patient.values]},
            "eligible_count": result.eligible_count, "candidate_count": result.candidate_count,
            "trials": result.trials}


def _print_variables() -> None:
    from schemas.measures import CATALOGUE
    from transforms.patient import units_accepted

    out = RichTable(title="catalogue variables (--value name=number[unit]; no unit = the first one)")
    for column in ("name", "label", "units"):
        out.add_column(column)
    for var in CATALOGUE.values():
        out.add_row(var.name, var.label, escape(", ".join(units_accepted(var))))
    console.print(out)


def _check_line(check: dict[str, Any]) -> str:
    mark = MARKS.get(check["verdict"], check["verdict"])
    line = f"{mark} {check['variable']} {escape(check['given'])}: {escape(check['requirement'] or '')}"
    if check["verdict"] == "CONDITIONAL":
        line += f" [yellow]only {escape(check['condition_text'] or '')} (not applied)[/]"
    elif check["verdict"] == "OTHER_UNIT":
        line += " [yellow](other unit: not compared)[/]"
    elif check["condition_text"]:  # a bound stated for the patient's sex (`for women`), applied
        line += f" {escape(check['condition_text'])}"
    return line + f" [dim]· “{escape(check['source_text'] or '')}”[/]"


def _print_result(patient, result, show_excluded: bool) -> None:
    given = [f"{v.variable} {v.value:g} {v.unit}" + (f" ({v.written})" if v.written != f"{v.value:g}" else "")
             for v in patient.values] + ([f"sex {patient.sex}"] if patient.sex else [])
    console.print("patient: " + escape(" · ".join(given)))
    out = RichTable(show_header=True, show_lines=True)
    out.add_column("#", justify="right")
    out.add_column("trial", overflow="fold", max_width=38)
    out.add_column("checked", justify="right")
    out.add_column("verdicts (✓ admits, ✗ excludes, ⚠ conditional, ? other unit) and the criterion text",
                   overflow="fold")
    for trial in result.trials:
        title = escape((trial["title"] or "")[:90])
        status = (trial["overall_status"] or "status not stated").replace("_", " ").lower()
        head = f"[bold]{trial['trial_id']}[/]\n{title}\n[dim]{status}[/]"
        if not trial["is_eligible"]:
            head += "\n[red]excluded by " + escape(", ".join(trial["excluded_by"])) + "[/]"
        # a criterion each cohort states again (`18 years to 65 years` in both groups' lists) gives the same line
        lines = list(dict.fromkeys(_check_line(c) for c in trial["checks"]))
        if trial["unchecked_variables"]:
            lines.append("[dim]also states: " + escape(", ".join(trial["unchecked_variables"])) + "[/]")
        out.add_row(str(trial["match_rank"]), head, str(trial["checked_count"]), "\n".join(lines) or "[dim]—[/]")
    if result.trials:
        console.print(out)
    shown = len(result.trials)
    console.print(f"{result.eligible_count:,} of {result.candidate_count:,} trials admit the patient"
                  + (f"; {shown:,} shown" + ("" if show_excluded else " (--limit, --show-excluded for the others)")
                     if shown else ""))
