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
corpus cells whose split is known and rounded; the features are generic, no phrase of any file. Cuts that no
reader would make are ruled out before scoring: a description or time frame that opens with a word continuing the
piece before it (`and …`, `in comparison with …`) or inside a list (`ketoconazole, ritonavir, or erythromycin`), and
a time frame that does not say when; and a measure that runs on past a piece saying how it is taken (`measured using
…`), with or without a time frame.
"""
from __future__ import annotations

import math
import re

from transforms import vocab
from transforms.issues import field_parser, no_items
from transforms.record import Outcome

# `|` joins outcomes; one inside brackets, or with a space on a side, is part of the text.
_OPEN = "([{（［"
_CLOSE = ")]}）］"
_PIPE_OR_BRACKET = re.compile(r"[|([{（［)\]}）］]")
_COMMA_OR_BRACKET = re.compile(r", |[([{（［)\]}）］]")

_UNIT = (r"(?:min(?:ute)?s?|h(?:ou)?rs?|h|days?|d|weeks?|wks?|w|months?|mos?|mths?|years?|yrs?|y|"
         r"cycles?|visits?|doses?|sessions?|nights?|seconds?|secs?)")
# The number words a time frame is written with; a word that is one of the first twelve counts as time-like.
_NUM_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
              "twenty", "thirty")
_NUMBER_WORDS = frozenset(_NUM_WORDS[:12])
_NUM = r"(?:\d+(?:[.,]\d+)?|" + "|".join(_NUM_WORDS) + ")"
_NUM_TAIL = rf"(?:\s*(?:-|–|to|and|or|/)\s*{_NUM})*\s*-?\s*{_UNIT}\b"
_NUM_UNIT = re.compile(rf"\b{_NUM}{_NUM_TAIL}", re.I)
# The same led by a digit: trying fifteen number words at every word start is what made `_NUM_UNIT` slow on pieces
# that hold a digit (2.5× this one); a number word is tried only when this finds nothing.
_DIGIT_UNIT = re.compile(rf"\b\d+(?:[.,]\d+)?{_NUM_TAIL}", re.I)
# `day|week|wk|month|year|visit|cycle|hour|session|period|phase|v|d|w|m|c|t` then a number, grouped by first letter
# (1.5× faster; `(?<!\w)` is `\b` before a letter).
_UNIT_NUM = re.compile(r"(?<!\w)(?:d(?:ay)?|w(?:eek|k)?|m(?:onth)?|year|v(?:isit)?|c(?:ycle)?|hour|session|"
                       r"p(?:eriod|hase)|t)\s*-?\s*\d+", re.I)
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
pre-op post-op intra-op preop postop intraop perioperative peri-operative intra-operative
""".split())
_TIMEISH_WORDS = _TIME_WORDS | _NUMBER_WORDS  # with a leading digit: the words `_reads_as_time` accepts
# Time words that mark a time frame even without a number and unit.
_ANCHOR_WORDS = frozenset(("baseline", "screening", "discharge", "postoperative", "predose", "postdose",
                           "preoperative", "pre-operative", "intraoperative", "intra-operative", "perioperative",
                           "pre-op", "post-op", "intra-op", "preop", "postop", "intraop"))
_DIGIT = re.compile(r"\d")
_NUMERAL = re.compile(r"[\d.,/-]+")  # a word that is a number or a date (`12`, `1992-1998`), not `3-d`
_LIST_ENDERS = frozenset(("and", "or", "nor"))
_LIST_ITEM_WORDS = 3
# a list of numbers split at its commas (`at weeks 4, 12, 18, and 24`): a piece that is its next number, or its last
# two, after a piece ending with a number that no `and N` closed (`Questions 2 and 3, 1, 3 and 6 months`: a new list)
_LISTED_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:\s+(?:and|or|&)\s+\d+(?:\.\d+)?\b.*)?", re.S)
_OPEN_NUMBER_END = re.compile(r"(?:(\S+)\s+)?\d+(?:\.\d+)?$")
_NUMBER_LIST_CLOSERS = _LIST_ENDERS | {"&"}
# Lower-case words that continue the piece before them: none of the 3,125 descriptions of the shared corpus's CT.gov
# JSON records starts with one; a time frame may start with `at` or `in`. (`for`, `to`, `by` may start either: `for
# exclusion of …`, `for 32 weeks`.)
_DESCRIPTION_CONTINUERS = frozenset("""
and or nor but in of with as at which that whose who where than whether such including
""".split())
_TIME_FRAME_CONTINUERS = _DESCRIPTION_CONTINUERS - {"at", "in"}
# A time frame says when: it holds a number with a time unit, an anchor word (`baseline`), a time word other than
# these connectives, or `end of`/`time of`, or it opens with a word that places it in time (`At implant`, `During the
# procedure`). All 4,660 time frames in the shared corpus's truth do; the pieces that commas cut off the end of an
# old record's measure (`…, safety & toleration of the drug`, `AUC, Cmax, Tmax`) do not.
_CONNECTIVE_TIME_WORDS = frozenset("""
and or the of to up from at over each first last every once twice after before prior post pre end time date period
points approximately approx assessed measured evaluated overall treatment study trial dose dosing procedure
intervention infusion completion termination within surgery admission
""".split())
_TIME_PHRASE = re.compile(r"\b(?:end|time) of\b", re.I)
# `…, measured using Eppendorf itch questionnaire`, `…, Evaluated by penile doppler ultrasound`: how the measure is
# taken, which a description (or a time frame: `Assessed at week 12`) says; none of the shared corpus's CT.gov JSON
# measures holds one after a comma, 19 of its descriptions open with one (`…, as assessed by BICR` is a measure's)
_METHOD_OPENER = re.compile(r"(?:measured|assessed|evaluated|determined|calculated|quantified|estimated)"
                            r"\s+(?:by|using|with|via|through|in|on|at)\b", re.I)
_TIME_OPENERS = frozenset(("at", "during", "throughout", "end", "after", "from", "until", "ongoing", "continuous",
                           "continuously", "first", "preoperatively", "postoperatively", "pre", "post"))

# Search bounds keep the work linear on adversarial cells: a measure spans at most this many pieces,
# a time frame at most that many.
_MAX_MEASURE_PIECES = 12
_MAX_TIME_FRAME_PIECES = 30


@field_parser("outcomes", no_items)
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
    if "|" not in cell:
        return [cell] if cell.strip() else []
    parts, start, depth = [], 0, 0
    for m in _PIPE_OR_BRACKET.finditer(cell):  # only these characters change the state
        ch, i = m.group(), m.start()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        else:
            spaced = (i > 0 and cell[i - 1].isspace()) or (i + 1 < len(cell) and cell[i + 1].isspace())
            if spaced or (depth > 0 and _closes_before_next_pipe(cell, i, depth)):
                continue
            parts.append(cell[start:i])
            start, depth = i + 1, 0
    parts.append(cell[start:])
    return [p for p in parts if p.strip()]


def _closes_before_next_pipe(cell: str, at: int, depth: int) -> bool:
    """Whether the brackets open at `at` close again before the next `|` (so this `|` is inside them)."""
    for m in _PIPE_OR_BRACKET.finditer(cell, at + 1):
        ch = m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return True
        else:
            return False
    return False


def _pieces(part: str) -> list[str]:
    """The part cut at every `, ` outside brackets (brackets ignored when they do not balance)."""
    cuts, depth_at, depth = [], [], 0
    for m in _COMMA_OR_BRACKET.finditer(part):
        ch = m.group()
        if ch == ", ":
            cuts.append(m.start())
            depth_at.append(depth)
        elif ch in _OPEN:
            depth += 1
        else:
            depth -= 1
    if not cuts:
        return [part]
    if depth == 0 and min(depth_at) >= 0:
        cuts = [c for c, d in zip(cuts, depth_at, strict=True) if d == 0]
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
    """Per-piece tables of one outcome part, so each candidate split is scored in constant time.

    A word or a time pattern never spans the `, ` that joins pieces, so the time-likeness of any run of
    pieces follows from per-piece counts (prefix sums) instead of re-reading the joined text.
    """

    def __init__(self, pieces: list[str]):
        self.pieces = pieces
        self.n = len(pieces)
        self.upper = [_starts_upper(p) for p in pieces]
        self.title: list[float] = []
        self.dot = [p.rstrip().endswith(".") for p in pieces]
        self.closed = [p.rstrip().endswith((".", ")", "]")) for p in pieces]
        self.first_word: list[str | None] = []
        # prefix sums over pieces: words, time words, pieces with a number+unit, pieces with a time anchor word
        self.words = [0]
        self.timeish = [0]
        self.numunit = [0]
        self.anchor = [0]
        self.chars = [0]
        self.time_words: list[list[str]] = []  # each piece's words that read as time
        for p in pieces:
            found = _WORD.findall(p)
            self.title.append(_title_ratio(found))
            words = [w.lower() for w in found]
            self.first_word.append(words[0] if words else None)
            self.words.append(self.words[-1] + len(words))
            time_words = [w for w in words if w in _TIMEISH_WORDS or w[:1].isdecimal()]  # as `_reads_as_time`
            self.timeish.append(self.timeish[-1] + len(time_words))
            self.numunit.append(self.numunit[-1] + _has_number_and_unit(p))
            self.anchor.append(self.anchor[-1] + (not _ANCHOR_WORDS.isdisjoint(words)))
            self.chars.append(self.chars[-1] + len(p))
            self.time_words.append(time_words)
        # the first piece after the first that says how the measure is taken: the measure ends before it
        self.method_from = next((k for k in range(1, self.n) if _METHOD_OPENER.match(pieces[k])), self.n)
        # the last piece that says when (see `_CONNECTIVE_TIME_WORDS`), found from the end: usually the last one
        self.last_marked = next((k for k in range(self.n - 1, -1, -1) if self._marks_time(k)), -1)
        self.time = [self.time_likeness(k, k + 1) for k in range(self.n)]
        # running sums over the pieces after the first, in the order `measure_score` would add them
        self.extra_up, self.extra_title, self.extra_time = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
        for k in range(1, self.n):
            self.extra_up.append(self.extra_up[-1] + self.upper[k])
            self.extra_title.append(self.extra_title[-1] + self.title[k])
            self.extra_time.append(self.extra_time[-1] + self.time[k])

    def time_likeness(self, i: int, j: int) -> float:
        """How much `", ".join(pieces[i:j])` reads like a time frame: time units with numbers, time words, brevity."""
        n_words = self.words[j] - self.words[i]
        if not n_words:
            return 0.0
        score = 3.0 * (self.timeish[j] - self.timeish[i]) / n_words
        if self.numunit[j] > self.numunit[i]:
            score += 2.0
        elif self.anchor[j] > self.anchor[i]:
            score += 1.0
        if n_words > 20:
            score -= 0.08 * (n_words - 20)
        return score

    def continues(self, k: int, words: frozenset[str]) -> bool:
        """Whether piece k opens in lower case with one of `words`, i.e. continues the piece before it."""
        return not self.upper[k] and self.first_word[k] in words

    def may_start_time_frame(self, j: int) -> bool:
        """Whether a time frame may start at piece j: not at a continuation (`and …`, `of …`, a list's next number)."""
        return not self.continues(j, _TIME_FRAME_CONTINUERS) and not self.listed_number(j)

    def listed_number(self, k: int) -> bool:
        """Whether piece k goes on a list of numbers that the piece before it started (`weeks 4, 12, 18`)."""
        if _LISTED_NUMBER.fullmatch(self.pieces[k]) is None:
            return False
        end = _OPEN_NUMBER_END.search(self.pieces[k - 1])
        return end is not None and end.group(1) not in _NUMBER_LIST_CLOSERS

    def may_start_description(self, i: int) -> bool:
        """Whether a description may start at piece i: not at a continuation (`in comparison with placebo`) nor inside
        a list (`with Ketoconazole, ritonavir, or erythromycin`: a short item that `and …`/`or …` follows; a time
        frame may be one: `Baseline, and 3 months`)."""
        if self.continues(i, _DESCRIPTION_CONTINUERS):
            return False
        if self.listed_number(i):
            return False
        short_item = self.words[i + 1] - self.words[i] <= _LIST_ITEM_WORDS
        return not (short_item and i + 1 < self.n and self.continues(i + 1, _LIST_ENDERS))

    def _marks_time(self, k: int) -> bool:
        """Whether piece k says when: a number with a time unit, an anchor word, a number or date (`12`, `1992-1998`,
        not `3-d`), a time word that is not a connective, or `end of`/`time of`."""
        if self.numunit[k + 1] > self.numunit[k] or self.anchor[k + 1] > self.anchor[k]:
            return True
        if any(w not in _CONNECTIVE_TIME_WORDS and (not w[:1].isdecimal() or _NUMERAL.fullmatch(w))
               for w in self.time_words[k]):
            return True
        return ("end" in self.time_words[k] or "time" in self.time_words[k]) and bool(
            _TIME_PHRASE.search(self.pieces[k]))

    def may_be_time_frame(self, j: int) -> bool:
        """Whether pieces[j:] say when: one of them marks a time, or the first opens with a time-placing word."""
        return j <= self.last_marked or self.first_word[j] in _TIME_OPENERS

    # Each score adds weight × feature left to right in the order the features were fitted in, so the floating-point
    # sums (and hence ties between splits) stay exactly as they were.
    def measure_score(self, i: int) -> float:
        w = _WEIGHTS
        return (w["m_extra_up"] * self.extra_up[i] + w["m_extra_low"] * ((i - 1) - self.extra_up[i])
                + w["m_len_over"] * (max(0, self.chars[i] - 150) / 100) + w["m_enddot"] * self.dot[i - 1]
                + w["m_extra_title"] * self.extra_title[i] + w["m_first_title"] * (self.title[0] if i > 1 else 0.0)
                + w["m_extra_time"] * self.extra_time[i])

    def time_frame_score(self, j: int) -> float:
        w = _WEIGHTS
        n = self.n
        if j == n:
            return w["tf_none"] * 1.0 + w["last_time"] * self.time[-1]
        first = self.first_word[j]
        return (w["tf_time"] * self.time_likeness(j, n) + w["tf_numunit"] * (self.numunit[n] > self.numunit[j])
                + w["tf_start_up"] * self.upper[j]
                + w["tf_start_timeword"] * (first is not None and _reads_as_time(first))
                + w["tf_words_over"] * (max(0, self.words[n] - self.words[j] - 15) / 10)
                + w["tf_enddot"] * self.dot[-1] + w["prev_enddot"] * self.closed[j - 1]
                + w["prev_time"] * self.time[j - 1] + w["tf_npieces"] * float(n - j)
                + w["first_tf_time"] * self.time[j])

    def description_score(self, i: int, j: int) -> float:
        w = _WEIGHTS
        if i == j:
            return w["d_empty"] * 1.0
        n_words = self.words[j] - self.words[i]
        short_time = self.time_likeness(i, j) if n_words <= 6 else 0.0
        return (w["d_start_low"] * (not self.upper[i]) + w["d_enddot"] * self.dot[j - 1]
                + w["d_logwords"] * math.log1p(n_words) + w["d_short_time"] * short_time
                + w["d_title"] * self.title[i] + w["d_title_x_mtitle"] * (self.title[i] * self.title[0]))


def _best_split(part: _Part) -> tuple[int, int]:
    """The (end of measure, start of time frame) piece indexes with the best score; j == n: no time frame."""
    n = part.n
    starts = range(max(1, n - _MAX_TIME_FRAME_PIECES), n)
    j_range = [*[j for j in starts if part.may_start_time_frame(j) and part.may_be_time_frame(j)], n]
    tf_scores = [(j, part.time_frame_score(j)) for j in j_range]
    best = (float("-inf"), 1, n)
    for i in range(1, min(n, _MAX_MEASURE_PIECES, part.method_from) + 1):
        described = i < n and part.may_start_description(i)  # pieces[i:j] may be a description
        m_score = part.measure_score(i)
        for j, tf_score in tf_scores:
            if j < i or (j > i and not described):
                continue
            score = m_score + tf_score + part.description_score(i, j)
            if score > best[0]:
                best = (score, i, j)
    return best[1], best[2]


def _split_part(text: str, kind: str) -> Outcome | None:
    """One `measure, description, time frame` part → Outcome (None when it holds no measure)."""
    pieces = _pieces(text.strip())  # unstripped, so joining them gives back the text exactly
    if len(pieces) == 1:
        measure = vocab.clean(pieces[0])
        return Outcome(kind=kind, measure=measure) if measure else None
    part = _Part([p.strip() for p in pieces])
    i, j = _best_split(part)
    n = len(pieces)
    if j == n:
        # no time frame: an outcome registered before time frames were required states its measure alone, up to how
        # it is taken
        i = part.method_from
    measure = vocab.clean(", ".join(pieces[:i]))
    if measure is None:
        return None
    description = vocab.clean(", ".join(pieces[i:j])) if j > i else None
    time_frame = vocab.clean(", ".join(pieces[j:])) if j < n else None
    return Outcome(kind=kind, measure=measure, description=description, time_frame=time_frame)


def _reads_as_time(word: str) -> bool:
    """Whether a lower-cased word is a time word or a number (starts with a digit, or is one to twelve)."""
    return word in _TIMEISH_WORDS or word[:1].isdecimal()


def _has_number_and_unit(piece: str) -> bool:
    """Whether a piece holds a number with a time unit (`12 weeks`, `Day 7`); the regexes only run on pieces that
    hold a digit or a number word at all (most descriptions hold neither)."""
    if _DIGIT.search(piece) and (_DIGIT_UNIT.search(piece) or _UNIT_NUM.search(piece)):
        return True
    lowered = piece.lower()
    return any(word in lowered for word in _NUM_WORDS) and bool(_NUM_UNIT.search(piece))


def _starts_upper(text: str) -> bool:
    ch = text[:1]
    return ch.isupper() or ch.isdigit() or (bool(ch) and not ch.isalpha())


def _title_ratio(found: list[str]) -> float:
    """Share of the longer found words that are capitalised: measures are often Title Case, sentences are not."""
    words = [w for w in found if len(w) > 3 and w[0].isalpha()]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)

