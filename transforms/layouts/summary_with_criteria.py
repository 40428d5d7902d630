"""Layout `summary_with_criteria`: a title line, a brief-summary line, then the eligibility criteria one per line.

The criteria are the inclusion criteria only, header-less, as `• ` items, `⁃ ` nested items and `1. …` numbered
items with CT.gov's markdown escapes kept (seed 001); when the source had no clear inclusion header the whole
eligibility text is shown the same way, headers and all. No NCT id and no other field is stated.

Segment, then assemble: the non-blank lines are cut into title, summary and criteria lines; the criteria lines
go through the shared splitter one paragraph per line (this layout never wraps a criterion over two lines).
"""
from __future__ import annotations

import re

from transforms import vocab
from transforms.criteria import split_eligibility
from transforms.errors import ParseError
from transforms.layouts import ctgov_csv_row
from transforms.record import ParsedTrial

NAME = "summary_with_criteria"
DESCRIPTION = "title line, brief summary line, then inclusion criteria as '• ' / '⁃ ' / '1. ' lines"

# Heads of the layouts tried before this one; a text opening like them is not ours.
_FOREIGN_HEAD = re.compile(r"^\s*(?:[{<]|\[\s*[{\]]|Trial Title:|NCT Number,)")
# Lines only other layouts have: labelled fields of a text dump / aggregator page (`NCT ID: …`), the bare
# design labels and `Time frame:` lines of a page copy (seed 002).
_FOREIGN_LINE = re.compile(
    r"^(?:(?:NCT ID|Trial Title|Overall status|Study type):|(?:Study Type|Allocation|Masking|Enrollment)$"
    r"|Time frame:\s)",
    re.I | re.M,
)
# `ctgov_csv_row`: 7 positional lines, the 4th being the interventions (`DRUG: name|DEVICE: name`) or empty.
# The intervention types are the closed vocabulary, so `PATIENT CHARACTERISTICS:` is not one.
_TYPES = "|".join(t.replace("_", "[ _]") for t in vocab.INTERVENTION_TYPES)
_CSV_INTERVENTION_LIST = re.compile(rf"^(?:{_TYPES}): [^|]+(?:\|(?:{_TYPES}): [^|]+)*$")
_MAX_TITLE = 500
_MIN_LINES = 3  # title, summary, at least one criteria line


def _lines(text: str) -> list[str]:
    """The text's lines without trailing spaces, trailing blank lines dropped."""
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _looks_like_csv_row(text: str, lines: list[str]) -> bool:
    """`ctgov_csv_row` (its own detect: seven positional lines, the interventions or nothing 4th), or an
    upper-case `DRUG: a|DEVICE: b` interventions line near the top (a row whose blank lines were doubled)."""
    if ctgov_csv_row.detect(text):
        return True
    return any(_CSV_INTERVENTION_LIST.match(line.strip()) for line in lines[2:9])


def detect(text: str) -> bool:
    """A short title line, a summary line, then criteria lines, and none of the other layouts' shapes."""
    if _FOREIGN_HEAD.match(text[:64]) or _FOREIGN_LINE.search(text):
        return False
    lines = _lines(text)
    body = [line for line in lines if line.strip()]
    if len(body) < _MIN_LINES or _looks_like_csv_row(text, lines):
        return False
    title = body[0].strip()
    return len(title) <= _MAX_TITLE and not title.endswith(":")


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """One trial: title, brief summary and the criteria lines split into criteria."""
    body = [line for line in _lines(text) if line.strip()]
    if len(body) < _MIN_LINES:
        raise ParseError(source, NAME, "layout", f"expected a title line, a summary line and criteria lines, "
                                                 f"got {len(body)} non-blank line(s)")
    title = vocab.clean(body[0])
    if title is None:
        raise ParseError(source, NAME, "title", "the first line is empty")
    criteria_lines = body[2:]
    trial = ParsedTrial(
        layout=NAME,
        title=title,
        brief_summary=vocab.clean(body[1]),
        eligibility_text="\n".join(criteria_lines),
        # One line is one criterion (or a label such as `Age:` that the next line completes): the lines are
        # handed over as paragraphs so the splitter never joins two of them as a wrapped line.
        criteria=split_eligibility("\n\n".join(line.strip() for line in criteria_lines)),
    )
    return [trial]
