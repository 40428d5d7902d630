"""Outcome cells of the CSV layouts (`measure, description, time frame|…`) → Outcome items.

A CT.gov CSV export joins a trial's outcomes of one kind with `|` and writes each outcome as
`measure, description, time frame` — the description and the time frame may be missing and every
part may itself contain `, `. There is no escaping, so the split is a reading, not a parse: every
`, ` outside brackets is a candidate cut, and the cut pair (end of measure, start of time frame) with
the best score wins. The score is a weighted sum of what a careful reader looks for: a time frame is
the last piece and reads like one (numbers with time units, `Baseline`, `Up to`, `through`, short); a
measure comes first and is short and title-like; a description is one or more sentences, starts a
new sentence and usually ends with a full stop; a piece that starts in lower case usually continues
the piece before it. The weights (`_WEIGHTS`) were fitted once by a structured perceptron on the dev
corpus cells whose split is known and rounded; the features are generic, no phrase of any file.
"""
from __future__ import annotations

import math
import re

from transforms import vocab
from transforms.record import Outcome

# `|` joins outcomes; one inside brackets, or with a space on a side, is part of the text.
_PIPE = re.compile(r"\|")
_COMMA = re.compile(r", ")
_OPEN = "([{（［"
_CLOSE = ")]}）］"

_UNIT = (r"(?:min(?:ute)?s?|h(?:ou)?rs?|h|days?|d|weeks?|wks?|w|months?|mos?|mths?|years?|yrs?|y|"
         r"cycles?|visits?|doses?|sessions?|nights?|seconds?|secs?)")
_NUM = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)"
_NUM_UNIT = re.compile(rf"\b{_NUM}(?:\s*(?:-|–|to|and|or|/)\s*{_NUM})*\s*-?\s*{_UNIT}\b", re.I)
_UNIT_NUM = re.compile(r"\b(?:day|week|wk|month|year|visit|cycle|hour|session|period|phase|v|d|w|m|c|t)\s*-?\s*\d+",
                       re.I)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_TIME_WORDS = frozenset("""
baseline screening follow followup follow-up end through throughout until up to from after before post pre prior
at during within over date time discharge surgery randomization randomisation enrollment enrolment period
approximately approx predose postdose pre-dose post-dose day days week weeks month months year years hour hours
minute minutes min mins cycle cycles visit visits completion treatment study postoperative post-operative
preoperative pre-operative operative intraoperative admission hospitalization hospitalisation first last each
every daily weekly monthly annually yearly duration timepoint timepoints points once twice and or the of end-of-study
assessed measured evaluated approximately month-end week-end day-end overall pre-treatment post-treatment
pretreatment posttreatment infusion dosing dose procedure intervention termination trial
""".split())
_NUMBER_WORD = re.compile(r"^\d|^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)$", re.I)

# Search bounds keep the work linear on adversarial cells: a measure spans at most this many pieces,
# a time frame at most that many.
_MAX_MEASURE_PIECES = 12
_MAX_TIME_FRAME_PIECES = 30


def split_outcome_cell(cell: str | None, kind: str) -> list[Outcome]:
    """Split one `|`-joined outcome cell into outcomes of the given kind (PRIMARY, SECONDARY, OTHER)."""
    if cell is None:
        return []
    outcomes = []
    for part in _split_outcomes(cell):
        outcome = _split_part(part, kind)
        if outcome is not None and any(ch.isalnum() for ch in outcome.measure):
            outcomes.append(outcome)
    return outcomes


def _split_outcomes(cell: str) -> list[str]:
    """Cut a cell at the `|` that join outcomes, keeping a `|` inside brackets or beside a space."""
    parts, start, depth = [], 0, 0
    for i, ch in enumerate(cell):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "|":
            spaced = (i > 0 and cell[i - 1].isspace()) or (i + 1 < len(cell) and cell[i + 1].isspace())
            if spaced or (depth > 0 and _closes_before_next_pipe(cell, i, depth)):
                continue
            parts.append(cell[start:i])
            start, depth = i + 1, 0
    parts.append(cell[start:])
    return [p for p in parts if p.strip()]


def _closes_before_next_pipe(cell: str, at: int, depth: int) -> bool:
    """Whether the brackets open at `at` close again before the next `|` (so this `|` is inside them)."""
    for ch in cell[at + 1:]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return True
        elif ch == "|":
            return False
    return False


def _pieces(part: str) -> list[str]:
    """The part cut at every `, ` outside brackets (brackets ignored when they do not balance)."""
    cuts = [m.start() for m in _COMMA.finditer(part)]
    if not cuts:
        return [part]
    depth_at, depth = {}, 0
    cut_set = set(cuts)
    for i, ch in enumerate(part):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        if i in cut_set:
            depth_at[i] = depth
    if depth == 0 and min(depth_at.values(), default=0) >= 0:
        cuts = [c for c in cuts if depth_at[c] == 0]
    pieces, start = [], 0
    for c in cuts:
        pieces.append(part[start:c])
        start = c + 2
    pieces.append(part[start:])
    return pieces


# Feature weights, fitted once (structured perceptron, averaged, scaled to ±10, rounded) on the dev corpus
# outcome parts whose split the truth pins down; correlated features offset each other (e.g. `tf_numunit`
# against the unit bonus inside `tf_time`), so read them together, not one by one.
_WEIGHTS: dict[str, float] = {
    # measure = pieces[:i]
    "m_extra_up": -3.6, "m_extra_low": 1.1, "m_extra_title": 4.4, "m_extra_time": -1.9, "m_first_title": -2.4,
    "m_len_over": -7.1, "m_enddot": 10.0,
    # description = pieces[i:j]
    "d_empty": -2.8, "d_enddot": 9.9, "d_logwords": 0.3, "d_short_time": -2.5, "d_start_low": -3.5,
    "d_title": 0.5, "d_title_x_mtitle": -3.2,
    # time frame = pieces[j:] (or none)
    "tf_none": 5.5, "last_time": 2.0, "tf_time": 8.0, "tf_numunit": -8.3, "tf_start_up": 6.1,
    "tf_start_timeword": 2.1, "tf_words_over": 3.1, "tf_enddot": -0.2, "tf_npieces": 2.0, "first_tf_time": 0.9,
    "prev_enddot": 3.3, "prev_time": -1.4,
}


class _Part:
    """Per-piece tables of one outcome part, so each candidate split is scored in constant time."""

    def __init__(self, pieces: list[str]):
        self.pieces = pieces
        self.n = len(pieces)
        self.upper = [_starts_upper(p) for p in pieces]
        self.title = [_title_ratio(p) for p in pieces]
        self.time = [_time_likeness(p) for p in pieces]
        self.dot = [p.rstrip().endswith(".") for p in pieces]
        self.closed = [p.rstrip().endswith((".", ")", "]")) for p in pieces]
        self.words = [0]
        self.chars = [0]
        for p in pieces:
            self.words.append(self.words[-1] + len(_words(p)))
            self.chars.append(self.chars[-1] + len(p))

    def measure_features(self, i: int) -> dict[str, float]:
        extra = range(1, i)
        return {
            "m_extra_up": sum(1.0 for k in extra if self.upper[k]),
            "m_extra_low": sum(1.0 for k in extra if not self.upper[k]),
            "m_len_over": max(0, self.chars[i] - 150) / 100,
            "m_enddot": float(self.dot[i - 1]),
            "m_extra_title": sum(self.title[k] for k in extra),
            "m_first_title": self.title[0] if i > 1 else 0.0,
            "m_extra_time": sum(self.time[k] for k in extra),
        }

    def time_frame_features(self, j: int) -> dict[str, float]:
        if j == self.n:
            return {"tf_none": 1.0, "last_time": self.time[-1]}
        text = ", ".join(self.pieces[j:])
        first = _words(self.pieces[j])[:1]
        return {
            "tf_time": _time_likeness(text),
            "tf_numunit": float(bool(_NUM_UNIT.search(text) or _UNIT_NUM.search(text))),
            "tf_start_up": float(self.upper[j]),
            "tf_start_timeword": float(bool(first) and (first[0] in _TIME_WORDS or bool(_NUMBER_WORD.match(first[0])))),
            "tf_words_over": max(0, self.words[self.n] - self.words[j] - 15) / 10,
            "tf_enddot": float(self.dot[-1]),
            "prev_enddot": float(self.closed[j - 1]),
            "prev_time": self.time[j - 1],
            "tf_npieces": float(self.n - j),
            "first_tf_time": self.time[j],
        }

    def description_features(self, i: int, j: int) -> dict[str, float]:
        if i == j:
            return {"d_empty": 1.0}
        n_words = self.words[j] - self.words[i]
        short_time = _time_likeness(", ".join(self.pieces[i:j])) if n_words <= 6 else 0.0
        return {
            "d_start_low": float(not self.upper[i]),
            "d_enddot": float(self.dot[j - 1]),
            "d_logwords": math.log1p(n_words),
            "d_short_time": short_time,
            "d_title": self.title[i],
            "d_title_x_mtitle": self.title[i] * self.title[0],
        }


def _weigh(features: dict[str, float]) -> float:
    return sum(_WEIGHTS.get(name, 0.0) * value for name, value in features.items())


def _best_split(part: _Part) -> tuple[int, int]:
    """The (end of measure, start of time frame) piece indexes with the best score; j == n: no time frame."""
    n = part.n
    j_range = [*range(max(1, n - _MAX_TIME_FRAME_PIECES), n), n]
    tf_scores = {j: _weigh(part.time_frame_features(j)) for j in j_range}
    best = (float("-inf"), 1, n)
    for i in range(1, min(n, _MAX_MEASURE_PIECES) + 1):
        m_score = _weigh(part.measure_features(i))
        for j in j_range:
            if j < i:
                continue
            score = m_score + tf_scores[j] + _weigh(part.description_features(i, j))
            if score > best[0]:
                best = (score, i, j)
    return best[1], best[2]


def _split_part(text: str, kind: str) -> Outcome | None:
    """One `measure, description, time frame` part → Outcome (None when it holds no measure)."""
    pieces = _pieces(text.strip())  # unstripped, so joining them gives back the text exactly
    if len(pieces) == 1:
        measure = vocab.clean(pieces[0])
        return Outcome(kind=kind, measure=measure) if measure else None
    i, j = _best_split(_Part([p.strip() for p in pieces]))
    n = len(pieces)
    measure = vocab.clean(", ".join(pieces[:i]))
    if measure is None:
        return None
    description = vocab.clean(", ".join(pieces[i:j])) if j > i else None
    time_frame = vocab.clean(", ".join(pieces[j:])) if j < n else None
    return Outcome(kind=kind, measure=measure, description=description, time_frame=time_frame)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _starts_upper(text: str) -> bool:
    ch = text[:1]
    return ch.isupper() or ch.isdigit() or (bool(ch) and not ch.isalpha())


def _title_ratio(text: str) -> float:
    """Share of the longer words that are capitalised: measures are often Title Case, sentences are not."""
    words = [w for w in _WORD.findall(text) if len(w) > 3 and w[0].isalpha()]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


def _time_likeness(text: str) -> float:
    """How much a text reads like a time frame: time units with numbers, time words, brevity."""
    words = _words(text)
    if not words:
        return 0.0
    timeish = sum(1 for w in words if w in _TIME_WORDS or _NUMBER_WORD.match(w))
    score = 3.0 * timeish / len(words)
    if _NUM_UNIT.search(text) or _UNIT_NUM.search(text):
        score += 2.0
    elif any(w in ("baseline", "screening", "discharge", "postoperative", "predose", "postdose") for w in words):
        score += 1.0
    if len(words) > 20:
        score -= 0.08 * (len(words) - 20)
    return score
