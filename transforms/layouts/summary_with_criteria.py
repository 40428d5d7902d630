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
from transforms.record import ParsedTrial

NAME = "summary_with_criteria"
DESCRIPTION = "title line, brief summary line, then inclusion criteria as '• ' / '⁃ ' / '1. ' lines"
KIND = "free_text"

# This layout is prose lines and criteria: it never opens with markup, JSON or a `Label:` field.
_NOT_PROSE_HEAD = re.compile(r"^\s*(?:[{<]|\[\s*[{\]]|[A-Z][A-Za-z ]{2,30}:\s*$)", re.M)
# A line this layout never holds: a labelled record field (`NCT ID: …`, `Study type:`), a bare design label, or a
# `Time frame:` line; none of them is a criterion.
_FIELD_LINE = re.compile(
    r"^(?:(?:NCT ID|Trial Title|Overall status|Study type):|(?:Study Type|Allocation|Masking|Enrollment)$"
    r"|Time frame:\s)",
    re.I | re.M,
)
# A list of typed interventions (`DRUG: name|DEVICE: name`, CT.gov's closed vocabulary of types) is no criterion.
_TYPES = "|".join(t.replace("_", "[ _]") for t in vocab.INTERVENTION_TYPES)
_INTERVENTION_LIST = re.compile(rf"^(?:{_TYPES}): [^|]+(?:\|(?:{_TYPES}): [^|]+)*$")
_ITEM_LINE = re.compile(r"^\s*(?:[•⁃▪◦·*-]\s|\d+\\?[.)]\s)")
_MAX_TITLE = 500
_MIN_LINES = 3  # title, summary, at least one criteria line


def _lines(text: str) -> list[str]:
    """The text's lines without trailing spaces, trailing blank lines dropped."""
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def detect(text: str) -> float:
    """A short title line, a summary line, then criteria lines: likelier when some of them are list items (the
    shape is loose, so a more specific layout claiming the text wins)."""
    if _NOT_PROSE_HEAD.match(text[:64]) or _FIELD_LINE.search(text):
        return 0.0
    lines = _lines(text)
    body = [line for line in lines if line.strip()]
    if len(body) < _MIN_LINES or any(_INTERVENTION_LIST.match(line.strip()) for line in lines[2:9]):
        return 0.0
    title = body[0].strip()
    if len(title) > _MAX_TITLE or title.endswith(":"):
        return 0.0
    return 0.6 if any(_ITEM_LINE.match(line) for line in body[2:]) else 0.4


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
