"""Layout `ctgov_csv_row`: one CT.gov CSV export row flattened to seven positional lines, no labels.

Line by line: title, brief summary, conditions (`|`-joined), interventions (`TYPE: name|…`), primary
outcomes, secondary outcomes (`measure, description, time frame|…`, see transforms.outcomes), detailed
description (the brief summary again when the trial has none). An empty field is an empty line; the
file states no NCT id. A missing trailing line reads as an empty field.
"""
from __future__ import annotations

import re

from transforms import vocab
from transforms.errors import ParseError
from transforms.outcomes import split_outcome_cell
from transforms.record import Intervention, ParsedTrial

NAME = "ctgov_csv_row"
DESCRIPTION = "seven positional lines of a CT.gov CSV row: title, summary, conditions, interventions, outcomes"
KIND = "free_text"

_FIELDS = ("title", "brief_summary", "conditions", "interventions", "primary_outcomes", "secondary_outcomes",
           "detailed_description")
_INTERVENTION = re.compile(r"^\s*([A-Za-z][A-Za-z _/-]{1,40}?)\s*:\s*(.+?)\s*$")
# Lines that mark another text layout: bullets (summary_with_criteria), `Label:` dumps, JSON/XML/markup.
_FOREIGN_LINE = re.compile(r"^\s*(?:[•⁃▪◦·*-]\s|\d+\\?\.\s|<|\{|\[)")
_LABEL_LINE = re.compile(r"^[A-Z][A-Za-z /()-]{1,40}:\s*$")
_MAX_TITLE_CHARS = 600


def detect(text: str) -> float:
    """Seven (or six) positional lines whose fourth is empty or `TYPE: name|…` with CT.gov intervention types: sure
    with typed interventions, likely with a summary and a description, possible with a title and summary alone."""
    lines = _lines(text)
    if lines is None or not lines[0].strip() or len(lines[0]) > _MAX_TITLE_CHARS:
        return 0.0
    if any(_FOREIGN_LINE.match(line) or _LABEL_LINE.match(line) for line in lines[:4]):
        return 0.0
    if any(_FOREIGN_LINE.match(line) for line in lines[4:6]):
        return 0.0  # outcome cells never open with a bullet or a number
    interventions = lines[3].strip()
    if interventions:
        typed = all(_intervention_item(item) is not None for item in interventions.split("|") if item.strip())
        return 0.7 if typed else 0.0
    if lines[1].strip() and lines[6].strip():
        return 0.5  # a summary line and a stated 7th line (the description, or the summary again)
    # a row whose other cells are all empty: only its title and summary (or title alone) are stated
    return 0.3 if not any(line.strip() for line in lines[2:]) else 0.0


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """Build the one trial the row states."""
    lines = _lines(text)
    if lines is None:
        raise ParseError(source, NAME, "layout", "expected 6 or 7 positional lines")
    fields = dict(zip(_FIELDS, lines, strict=True))
    title = vocab.clean(fields["title"])
    if title is None:
        raise ParseError(source, NAME, "title", "the first line (title) is empty")
    brief_summary = vocab.clean(fields["brief_summary"])
    detailed = vocab.clean(fields["detailed_description"])
    if detailed == brief_summary:  # the row repeats the summary when the trial has no detailed description
        detailed = None
    trial = ParsedTrial(
        layout=NAME,
        title=title,
        brief_summary=brief_summary,
        detailed_description=detailed,
        conditions=_split_list(fields["conditions"]),
        interventions=_interventions(fields["interventions"]),
        outcomes=split_outcome_cell(fields["primary_outcomes"], "PRIMARY")
        + split_outcome_cell(fields["secondary_outcomes"], "SECONDARY"),
    )
    return [trial]


def _lines(text: str) -> list[str] | None:
    """The seven field lines (a missing last line padded as empty), or None when the shape does not fit."""
    lines = vocab.unix_newlines(text).split("\n")  # detection reads every text
    while len(lines) > len(_FIELDS) and not lines[-1].strip():
        lines.pop()
    if not len(_FIELDS) - 1 <= len(lines) <= len(_FIELDS):
        return None
    return lines + [""] * (len(_FIELDS) - len(lines))


def _intervention_item(item: str) -> tuple[str, str] | None:
    """`DRUG: aspirin` → (DRUG, aspirin) when the type is a CT.gov intervention type."""
    m = _INTERVENTION.match(item)
    if not m:
        return None
    kind = vocab.intervention_type(m.group(1))
    name = vocab.clean(m.group(2))
    if kind is None or name is None:
        return None
    return kind, name


def _interventions(cell: str) -> list[Intervention]:
    """`TYPE: name|…` → interventions, de-duplicated on (type, name) in source order."""
    seen: set[tuple[str | None, str]] = set()
    out = []
    for item in cell.split("|"):
        parsed = _intervention_item(item)
        if parsed is None:
            name = vocab.clean(item)
            if name is None:
                continue
            parsed_type, parsed_name = None, name
        else:
            parsed_type, parsed_name = parsed
        key = (parsed_type, parsed_name.casefold())
        if key in seen:
            continue
        seen.add(key)
        out.append(Intervention(name=parsed_name, intervention_type=parsed_type))
    return out


def _split_list(cell: str) -> list[str]:
    return [v for v in (vocab.clean(item) for item in cell.split("|")) if v]
