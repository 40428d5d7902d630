"""Fields a text layout has no slot for, read from what its narrative states outright (never guessed).

Applies only to free-text layouts (a structured export's silence is its own), and only to fields the parser left None:
- phase: the one phase named in the title (or, failing that, the summaries): "a Randomized Phase II Trial";
- allocation: "randomized"/"non-randomized" in the title (or the summaries: "this is a randomized ... study");
- overall status: "recruiting" when a listed site is recruiting (CT.gov's own rule: a study recruits while at
  least one of its sites does).
A text naming two different phases, or both randomized and non-randomized, states nothing usable and is left.
"""
from __future__ import annotations

import re
from dataclasses import replace

from transforms import vocab
from transforms.record import ParsedTrial

_PHASE = re.compile(
    r"\bphase\s*(?:(?:[1-4]|IV|I{1,3}|[ⅠⅡⅢⅣ])[ab]?)(?:\s*(?:/|-|–|and|to)\s*(?:phase\s*)?(?:[1-4]|IV|I{1,3}|[ⅠⅡⅢⅣ])[ab]?)?"
    r"(?![\w/])", re.IGNORECASE)
_NON_RANDOMIZED = re.compile(r"\bnon[\s-]?randomi[sz]ed\b", re.IGNORECASE)
_RANDOMIZED = re.compile(r"\brandomi[sz]ed\b", re.IGNORECASE)
_SUBLETTER = re.compile(r"(\d|I|V|[ⅠⅡⅢⅣ])[ab]\b", re.IGNORECASE)
# In narrative, "phase 1" is often a treatment phase; only a phase naming the study counts there.
_NAMES_STUDY = re.compile(r"(?:[\s,]+[\w-]+){0,3}?[\s,]+(?:study|trial|clinical)\b", re.IGNORECASE)


def _phases_in(text: str | None, narrative: bool = False) -> set[str]:
    found = set()
    for m in _PHASE.finditer(text or ""):
        if narrative and not _NAMES_STUDY.match(text or "", m.end()):
            continue
        code = vocab.phase(_SUBLETTER.sub(r"\1", m.group(0)))  # "Phase 1b" is phase 1
        if code:
            found.add(code)
    return found


def _one_phase(trial: ParsedTrial) -> str | None:
    for narrative, texts in ((False, (trial.title, trial.official_title)),
                             (True, (trial.brief_summary, trial.detailed_description))):
        found = set().union(*(_phases_in(t, narrative) for t in texts))
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def _allocation(trial: ParsedTrial) -> str | None:
    for texts in ((trial.title, trial.official_title), (trial.brief_summary, trial.detailed_description)):
        text = " ".join(t for t in texts if t)
        non = bool(_NON_RANDOMIZED.search(text))
        rand = bool(_RANDOMIZED.search(_NON_RANDOMIZED.sub(" ", text)))
        if non != rand:
            return "NON_RANDOMIZED" if non else "RANDOMIZED"
        if non and rand:
            return None
    return None


def fill_stated_fields(trial: ParsedTrial) -> ParsedTrial:
    """A copy of the trial with phase, allocation and overall status filled where its text states them outright."""
    phase = trial.phase or _one_phase(trial)
    allocation = trial.allocation or _allocation(trial)
    status = trial.overall_status or ("RECRUITING" if any(s.status == "RECRUITING" for s in trial.sites) else None)
    if (phase, allocation, status) == (trial.phase, trial.allocation, trial.overall_status):
        return trial
    return replace(trial, phase=phase, allocation=allocation, overall_status=status)
