"""Conditions on a bound: the clause that qualifies it (`≤ 5 × ULN if liver metastases`, `for cohort B`), the
numbers that are themselves a condition of another bound (`for patients who are > 16 years old`), and the words that
drop, negate or permit a bound (`to maintain SpO2 ≥ 92%`, `may be considered`)."""
from __future__ import annotations

import re

from transforms.measures.link import GROUP_GAP_RE, OF_PREDICTED, tail_boundary
from transforms.measures.model import Expr
from transforms.measures.normalise import Text, trie_pattern
from transforms.measures.qualify import (
    SEX_WORDS,
    mark_joined,
    mark_joint_exclusion,
    mark_listed,
    mark_or_clauses,
    mark_sex_groups,
    mark_study_parts,
    place_condition,
)

_POPULATION_AGE_RE = re.compile(r"[^.;:]{0,80}\bin\s+(?:\w+\s+)?(?:children|adults?|patients?|participants?|subjects?"
                                r"|men|women|males?|females?|adolescents?|infants?|people|persons?|individuals?)\b"
                                r"[^.;:\d]{0,30}$")
_WHOSE_GAP_RE = re.compile(rf"[\s,]*(?:{OF_PREDICTED}\s+)?(?:and\s+)?whose\s+")
_SUBORDINATE = (r"if|when(?:ever)?|where|provided(?:\s+that)?|in\s+(?:the\s+)?cases?\s+of"
                # `AST > 3 × ULN that in the medical judgement of the investigator is clinically significant`
                r"|(?:that|which)\s+(?:,\s*)?in\s+the\s+(?:medical\s+)?(?:judge?ment|opinion)|in\s+the\s+(?:presence"
                r"|setting|context|event)\s+of|(?:for|in|among)\s+(?:those|patients?|participants?|subjects?|people"
                r"|persons?|individuals?|children|adults?|men|women|males?|females?|pts|cases?)")
_NOUN_CONDITION = (r"(?:fe)?males?(?=\s*\))|(?:wo)?men(?=\s*\))"
                   # `AST ≤ 5 × ULN with liver metastases (≤ 2.5 × ULN without)`, `(… otherwise)`: the others
                   r"|(?:without|otherwise)(?=\s*\))"
                   r"|(?:with|in|for)\s+(?:\w+\W{1,2}){0,3}?(?:metasta\w*|involvement|gilbert\w*|infiltration)"
                   r"|(?:due|secondary|attributable)\s+to|(?:on|receiving|taking)\s+(?:\w+\s+)?anticoagula\w*"
                   # a part of the study: `(≥ 60% for cohort 2)`, `in part B`, `for the dose-expansion phase`
                   r"|(?:for|in)\s+(?:the\s+)?(?:(?:cohorts?|parts?|arms?|groups?|modules?)\s+(?:[a-z]\b|\d|[ivx]+\b)"
                   r"|(?:dose[\s-]+)?(?:escalation|expansion|extension|randomi[sz]ed)\s+"
                   r"(?:cohorts?|parts?|phase|portion|stage))")
_BRACKETED_BOUND_RE = re.compile(r"\(\s*(?:or\s+)?\Z")  # only matched against the gap up to the next bound
# words between a bound and its condition: `ECOG 0-1 (2 allowed for patients in cohort B)`, `FEV1 > 50% of predicted if
# pulmonary involvement`
_BEFORE_CONDITION_RE = re.compile(r"(?:(?:(?:is|are)\s+)?(?:allowed|permitted|acceptable|accepted)"
                                  rf"|{OF_PREDICTED})\s+(?=for|in|if|when)")
COND_RE = re.compile(rf"\b(?:{_SUBORDINATE}|{_NOUN_CONDITION})\b")
_SUBORDINATE_RE = re.compile(rf"(?:{_SUBORDINATE})")
_FOR_END_RE = re.compile(r"\bfor\s*$")
_SUBJECT_COND_RE = re.compile(r"\b(?:patients?|participants?|subjects?|those)\s+with\b")
_EXCEPTION_RE = re.compile(r"\b(?:unless|except|excluding|other\s+than|with\s+the\s+exception\s+of|as\s+long\s+as)\b"
                           )
_SUBJECT_ONLY_RE = re.compile(
    r"(?:[\s,≥≤<>]|\b(?:patients?|participants?|subjects?|those|people|persons?|individuals?|children|adults?|men"
    r"|women|males?|females?|who|whose|are|is|be|were|was|aged|of|the|a|an|with|pts|younger|older)\b)*"
    )
# `subjects over the age of 65 may be considered on an individual basis`, `children < 12 years must be discussed with
# the PI`: a case for discretion, not a bound
_DISCRETION_RE = re.compile(r"\b(?:may|might|could|can|will|must|should)\s+be\s+(?:considered|discussed|evaluated)\b"
                            r"|case[\s-]+by[\s-]+case|individual\s+basis")
# `troponin above ULN … should have a cardiologic consultation before enrollment`: the value calls for a procedure,
# it does not bound who may enrol
_PROCEDURE_TAIL_RE = re.compile(r"[^.;]{0,120}?\b(?:should|must|will|shall|needs?\s+to)\s+(?:have|undergo|receive|get)"
                                r"\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:consultation|consult|evaluation|review"
                                r"|work[\s-]?up|referral)\b")
# `… patients who have both … are not eligible`: what follows the value rules it out
_EXCLUDED_TAIL_RE = re.compile(r"[^.;]{0,120}?\b(?:are|is|will\s+be)\s+(?:not\s+eligible|ineligible|excluded)"
                               r"(?:\s+(?:for|from)\s+(?:this|the)\s+(?:study|trial|protocol))?\s*(?:[.;(]|$)"
                               )
_CONJUNCTION_GAP_RE = re.compile(r"(?:(?!\bNo\b)[^;.]){0,40}?\b(?:with|and)\b(?:(?!\bNo\b)[^;.]){0,40}")
_BOTH_RE = re.compile(r"\bboth\b")
_SENTENCE_TAIL_RE = re.compile(r"[^;]{0,300}?(?:[.](?=\s)|;|$)|[^;]{0,300}")
_OTHER_PERSON_RE = re.compile(
    r"\b(?:partners?|spouses?|twins?|relatives?|mothers?|fathers?|parents?|siblings?|donors?|caregivers?|guardians?"
    r"|offspring|family\s+(?:history|members?)|first[\s-]degree|sudden\s+death)\b")
# a bracket that opens what a word before it stands for: `(`, `(i.e.`, `(e.g.,`, `(defined as`, `(such as`
_DEFINING_BRACKET = r"\(\s*(?:i\.?\s?e\.?|e\.?\s?g\.?|defined\s+as|such\s+as)?[\s,]*"
# `no significant heart disease (NYHA class III or IV)`, `no uncontrolled diabetes, defined as glucose ≥ 200`: the
# value describes what is ruled out, so the criterion's kind is turned round for it
_NEGATED_LEAD_RE = re.compile(
    # `… effusion No New York Heart Association class III or IV heart disease`: a list item that starts with `No`
    # (not across the start of the next item: `No clinically significant ECG findings Baseline oxygen saturation > 92%`)
    r"(?-i:\bNo)\s+(?!(?:[\w'-]+\s+)*?(?-i:[a-z][\w'-]*\s+[A-Z]))(?:[\w'-]+\s+){0,5}?$|"
    # (`without MYCN amplification (> 18 months of age)` and `in the absence of liver metastases (AST ≤ 2.5 × ULN)`
    # add a condition in their brackets: only `no` and a bare `absence of` define there)
    rf"\b(?:no|(?<!the\s)absence\s+of)\s+(?:[\w'-]+[\s,]+){{0,5}}?{_DEFINING_BRACKET}$"
    r"|\b(?:no|without|absence\s+of)\s+(?:[\w'-]+[\s,]+){0,5}?defined\s+(?:as|by)\s+$"
    # `No SGOT … greater than`, `must not have serum triglycerides greater than 400 mg/dL`
    r"|(?:^|[;:.]\s+)[\s\-*•·]*no\s+(?:known\s+|history\s+of\s+)?$"
    r"|\bnot\s+(?:have|had|having|show|present\s+with)\s+(?:an?\s+|any\s+)?(?:(?:[\w-]+\s+){0,2}?"
    # `must not have impaired renal function (creatinine greater than 1.6 mg/dl)`
    rf"|(?:[\w'-]+[\s,]+){{0,5}}?{_DEFINING_BRACKET})$", re.IGNORECASE)
# `No anemia (hemoglobin < 10 g/dL), leukopenia (WBC < 3,000/mm3), or thrombocytopenia (platelets < 100,000/mm3)`: the
# next item of a list that `no` rules out, each defined in its brackets (between two bounds, on the lower-cased text)
_NEGATED_LIST_GAP_RE = re.compile(r"[^;.()]{0,30}\)?[^;.()]{0,40}?(?:\([^()]{0,30}\)[^;.()]{0,40}?)?,\s*"
                                  rf"(?:(?:and|or|nor)\s+)?(?:[\w'-]+\s+){{0,4}}?{_DEFINING_BRACKET}")
# `Women of childbearing potential aged < 50 years must have a negative pregnancy test`, `women under the age of 55
# must have a documented FSH`: the age says which women another requirement is for (on the lower-cased text)
_SEX_SUBJECT_RE = re.compile(rf"(?<!and\s)(?<!or\s)(?<!/)\b(?:{SEX_WORDS})\b"
                             r"(?:\s+(?:of\s+)?(?:child[\s-]?bearing|reproductive)\s+(?:potential|age))?"
                             r"(?:\s*\(wocbp\))?"
                             r"(?:[\s,<>≤≥]|\b(?:who|are|aged?|the|of|than|between)\b)*$")
_REQUIREMENT_TAIL_RE = re.compile(r"\s*(?:(?:years?|yrs?)\s*)?(?:(?:old|of\s+age)\s*)?,?\s*"
                                  r"(?:must|should|need\s+to|have\s+to|(?:are|is)\s+required\s+to"
                                  r"|will\s+(?:need|be\s+required)\s+to)\s+(?:also\s+)?"
                                  r"(?:have|undergo|use|agree|practi[cs]e|provide|show)\b")
_AT_EVENT_RE = re.compile(r"\s*(?:of\s+age\s+)?(?:at|by)\s+(?:the\s+)?(?:time\s+of\s+)?(?:initial\s+|first\s+|original\s+)?"
                          r"(?:diagnosis|onset|presentation)\b")
_PERMITTED_TAIL_RE = re.compile(r"[^.;]{0,120}?\b(?:are|is|will\s+be|may\s+be)\s+(?:eligible|allowed|permitted)\b"
                                )
# `oxygen requirement … to maintain oxygen saturation ≥ 92%` (NCT04340557), `50 mm Hg following isoproterenol infusion
# to a heart rate of greater than 100 bpm` (NCT00001894): a target of a treatment or a test, not a patient's value
_TARGET_VERBS = ("maintain", "achieve", "keep", "reach", "obtain", "attain")  # `to maintain` …
_TARGET_MEANS = ("infusion", "titrated", "titration", "paced", "pacing", "exercise", "exercised", "stimulation")  # … `to`
_TARGET_LEAD_RE = re.compile(rf"\b(?:to\s+(?:{'|'.join(_TARGET_VERBS)})|(?:{'|'.join(_TARGET_MEANS)})\s+(?:up\s+)?to)"
                             r"\s+(?:an?\s+|the\s+|their\s+)?$")
_DEFINITION_RE = re.compile(r"\bdefined\s+(?:clinically\s+)?as\b|\b(?:is|are)\s+defined\b")
# the group of people a definition names by their age (`adults, defined as ≥ 18 years`): that age is who may enrol
_AGE_GROUP_DEFINED_RE = re.compile(
    r"\b(?:adults?|adolescents?|elderly|older\s+(?:adults?|patients?|people|persons?|subjects?)|seniors?|geriatric"
    r"|child(?:ren)?|p(?:a)?ediatric|infants?|neonates?|minors?|teen(?:ager)?s?|youths?|juveniles?)\b[^.;]{0,30}$")
_DEFINITION_TAIL_RE = re.compile(r"[^;.]{0,40}?\b(?:would|will)\s+be\s+(?:considered|defined|deemed)\b"
                                 )
_IF_RE = re.compile(r"\b(?:if|when(?:ever)?|where|provided|in\s+(?:the\s+)?cases?\s+of)\b")
_CLAUSE_CONNECTOR_RE = re.compile(r"\b(?:and|or|but)\b|[,;]")
WITHOUT_RE = re.compile(r"\b(?:without|no|otherwise)\b")
# the connectors and punctuation at a condition's edges, and the verb that leads from it to its bound (`Patients with
# follicular lymphoma must have failed` at least one prior regimen)
CONNECTOR_TRIM_RE = re.compile(
    r"^[\s,;:(]+|[\s,;:(]+$|\s+(?:and/or|and|or)$"
    r"|\s+(?:(?:must|should|may|will|can|shall)\s+)?(?:have|has)(?:\s+(?:failed|received|had|been|taken))?$"
    r"|\s+(?:must|should|may|will|can|shall)(?:\s+be)?$", re.IGNORECASE)
# Which of the rarer scope rules can apply in a criterion at all: found in one pass over it, so that a criterion
# without any of their words pays for none of their searches.
_CUES: dict[str, tuple[str, ...]] = {
    "other": ("partner", "partners", "spouse", "spouses", "twin", "twins", "relative", "relatives", "mother",
              "mothers", "father", "fathers", "parent", "parents", "sibling", "siblings", "donor", "donors",
              "caregiver", "caregivers", "guardian", "guardians", "offspring", "family", "first degree",
              "first-degree", "sudden death"),
    "negation": ("no", "not", "without", "absence"),
    "target": (*(f"to {verb}" for verb in _TARGET_VERBS), *_TARGET_MEANS),
    "event": ("diagnosis", "onset", "presentation"),
    "discretion": ("considered", "discussed", "evaluated", "case", "individual"),
    "procedure": ("consultation", "consult", "evaluation", "review", "workup", "work", "referral"),
    "eligibility": ("eligible", "ineligible", "excluded", "allowed", "permitted"),
    "defined": ("defined", "deemed"),
    "exception": ("unless", "except", "excluding", "exception", "other than", "as long as"),
    "both": ("both",),
    "requirement": ("must", "should", "need", "required", "have to"),
}
_CUE_WORDS = {word: cue for cue, words in _CUES.items() for word in words}
_CUES_RE = re.compile(r"(?<![a-z])(?=[a-z])" + trie_pattern(_CUE_WORDS) + r"(?![a-z])")


# `no greater than 200 mg/dL`, `not exceeding 150 mmHg`, `must be ≤ 150`: a bound written as the limit the patient
# keeps (on the criterion as written: the normalised text has `≤` for all of them)
_WRITTEN_LIMIT_RE = re.compile(r"\b(?:no|not)\s+(?:(?:more|greater|higher|larger|less|lower|fewer|smaller)\s+than"
                               r"|above|over|below|under|exceeding|(?:to\s+)?exceed)\b"
                               r"|\b(?:must|should)\s+(?:be|remain|stay)\b", re.IGNORECASE)


def keep_written_limits(doc: Text, exprs: list[Expr]) -> None:
    """Undo the negation of a bound written as the limit the patient keeps (`No uncontrolled diabetes (blood sugar no
    greater than 200 mg/dL)`): the `no` rules out the disease, and the bound says what control is, so it is an
    allowed range as written, not one the `no` turns round."""
    for expr in exprs:
        if expr.negated and expr.owner is not None and \
                _WRITTEN_LIMIT_RE.search(doc.quote(min(expr.owner.end, expr.start), expr.end)):
            expr.negated = False


def find_conditions(text: str, doc: Text, exprs: list[Expr], exclusion: bool = False) -> None:
    """Mark expressions that are themselves a condition (`for patients who are > 16 years old`) as dropped, and
    attach a condition span to those a clause qualifies (`≤ 5 × ULN if liver metastases`) (`text`: the normalised
    criterion `doc` lower-cased)."""
    cased = doc.text
    cues = {_CUE_WORDS[m.group()] for m in _CUES_RE.finditer(text)}
    prev_end = 0  # where the expression before ends
    prev_tail_end = 0  # where the last condition read after an expression ends
    prev_owned: Expr | None = None
    heads: list[tuple[Expr, int]] = []
    for i, expr in enumerate(exprs):
        if expr.owner is None:
            prev_end = max(prev_end, expr.end)
            continue
        anchor, head_start = _head_span(text, expr, prev_end)
        head = text[head_start:anchor]
        heads.append((expr, head_start))
        if cues:
            _scope_rules(text, cased, expr, anchor, head, cues, prev_owned)
        _read_head(text, expr, head, head_start, anchor, prev_end, prev_tail_end, prev_owned)
        exception = _EXCEPTION_RE.search(head) if "exception" in cues else None
        if exception is not None:
            expr.exception = True
            expr.condition = (head_start + exception.start(), anchor)
        prev_tail_end = _read_tail(text, expr, _tail_end(text, exprs, i), cues, prev_tail_end)
        _read_continued(text, expr, prev_tail_end)
        prev_end = expr.end
        prev_owned = expr
    keep_written_limits(doc, exprs)  # before the joins below, which read what a `no …` rules out
    owned = [expr for expr, _ in heads]
    if len(heads) > 1:
        mark_sex_groups(text, heads)
        mark_joined(text, owned)
    mark_joint_exclusion(text, owned, exclusion)
    mark_listed(text, owned)
    mark_or_clauses(text, owned)
    mark_study_parts(text, owned)
    if not exclusion and exprs and all(expr.inside and not expr.inside_if and expr.owner is not None
                                       and "age" in expr.owner.variables for expr in exprs) \
            and _POPULATION_AGE_RE.match(text[:exprs[0].start]):
        # `Food allergy in children aged 2 to 17 years`: one sentence, no other number for the age to qualify, and
        # an inclusion criterion asks for both, so the age is the population's (in an exclusion it only narrows
        # what excludes; `transplant considered for patients under age 55` is a case for discretion)
        for expr in exprs:
            expr.dropped = expr.inside = False


def _head_span(text: str, expr: Expr, prev_end: int) -> tuple[int, int]:
    """(anchor, head start): where the bound's statement starts — its name, or its value when the name follows it
    (`> 140 mm Hg systolic`) — and where the words before it that may qualify it start."""
    assert expr.owner is not None
    real_group = expr.owner.end > expr.owner.start
    anchor = min(expr.owner.start, expr.start) if real_group and expr.owner.start >= prev_end and \
        expr.continues is None else expr.start
    return anchor, max(prev_end, _last_boundary(text, anchor), anchor - 200)


def _read_head(text: str, expr: Expr, head: str, head_start: int, anchor: int, prev_end: int, prev_tail_end: int,
               prev_owned: Expr | None) -> None:
    """What the words before a bound (`head`, text[head_start:anchor]) make of it: the condition of another bound, or
    a bound with a condition."""
    assert expr.owner is not None
    # `(KPS for > 16 years of age)`: the age says whom another bound is for; `for > 2 years`: a duration
    for_age = "age" in expr.owner.variables and _FOR_END_RE.search(head) is not None
    cond = "inside" if for_age else _head_condition(head)
    if cond == "inside":
        # `Karnofsky ≥ 50 for patients who are > 16 years old`, `if < 2 years old, a level > 5 kUA/L`: the
        # number is the condition of another bound. Kept (as conditional) only when it stands in a clause of
        # its own: `patients with Gilbert syndrome may be included if total bilirubin ≤ 3 × ULN`.
        own_clause = head_start > 0 and text[head_start - 1] in ";." and head_start > prev_end
        if "age" in expr.owner.variables or not own_clause:
            expr.dropped = True
            expr.inside = True
            expr.inside_if = bool(_IF_RE.search(head))
        else:
            expr.condition = (head_start, anchor)
    elif prev_owned is not None and prev_owned.inside and prev_owned.inside_if and \
            GROUP_GAP_RE.fullmatch(text, prev_owned.end, anchor):
        expr.dropped = expr.inside = True  # `if ANC < 1,000/mm3 or platelets < 75,000/mm3`
    elif prev_owned is not None and prev_owned.inside and _WHOSE_GAP_RE.fullmatch(text, prev_owned.end, anchor):
        expr.dropped = expr.inside = True  # `for subjects with FVC 80-87% predicted whose FEV1 falls below 70%`
    elif isinstance(cond, tuple) and head_start + cond[0] >= prev_tail_end:
        expr.condition = (head_start + cond[0], head_start + cond[1])


def _tail_end(text: str, exprs: list[Expr], i: int) -> int:
    """Where the words after expression i that may qualify it end: before the next bound's own clause."""
    expr = exprs[i]
    limit = len(text)
    if i + 1 < len(exprs):
        nxt = exprs[i + 1]
        new_clause = _CLAUSE_CONNECTOR_RE.search(text, expr.end, max(expr.end, nxt.start))
        if nxt.owner is not None and nxt.owner.end > nxt.owner.start and nxt.owner.start >= expr.end:
            if new_clause:
                limit = nxt.owner.start
        elif nxt.continues is expr or (nxt.owner is not None and not nxt.age_intrinsic and new_clause):
            limit = nxt.start
        if (bracket := _BRACKETED_BOUND_RE.search(text, expr.end, max(expr.end, nxt.start))) is not None:
            limit = min(limit, bracket.start())  # `with liver metastases (≤ 2.5 × ULN without)`
    return tail_boundary(text, expr.end, limit)


def _read_tail(text: str, expr: Expr, tail_end: int, cues: set[str], prev_tail_end: int) -> int:
    """A condition in the words after a bound (`≤ 5 × ULN if liver metastases`, `… in France`); where the last
    condition read after a bound now ends."""
    tail = text[expr.end:tail_end]
    lead = len(tail) - len(tail.lstrip(" ,("))
    if filler := _BEFORE_CONDITION_RE.match(tail, lead):
        lead = filler.end()
    if "exception" not in cues or not _EXCEPTION_RE.match(tail, lead):
        found = COND_RE.match(text, expr.end + lead)
        if found and expr.condition is None:
            expr.condition = (expr.end + lead, tail_end)
            return tail_end
        if expr.condition is None and (place := place_condition(text, expr.end + lead)) is not None:
            expr.condition = place
            return place[1]
    return prev_tail_end


def _read_continued(text: str, expr: Expr, prev_tail_end: int) -> None:
    """A bound that continues another (`≥ 1500/µL (≥ 1.5 × 10^9/L)`, `… or, if …, ≤ 5 × ULN`): the condition
    between them, or none when it restates the other in other units."""
    if expr.continues is None or expr.condition is not None:
        return
    gap_start = expr.continues.end
    marker = COND_RE.search(text, gap_start, expr.start) or _EXCEPTION_RE.search(text, gap_start, expr.start)
    if marker is not None and marker.start() >= prev_tail_end:
        expr.condition = (marker.start(), expr.start)
    if expr.condition is None and "(" in text[expr.continues.end:expr.start]:
        expr.dropped = True  # `ANC ≥ 1500/µL (≥ 1.5 × 10^9/L)`: a restatement in other units


def _scope_rules(text: str, cased: str, expr: Expr, anchor: int, head: str, cues: set[str],
                 prev: Expr | None) -> None:
    """The rules that drop, negate or permit one expression by the words around it (`cues`: those that occur)."""
    if ("other" in cues and (_OTHER_PERSON_RE.search(head) or _OTHER_PERSON_RE.search(text, anchor, expr.start))) or (
            "target" in cues and _TARGET_LEAD_RE.search(text, max(0, anchor - 40), anchor)) or (
            cues & {"defined", "discretion"} and
            _DEFINITION_TAIL_RE.match(text, expr.end, min(len(text), expr.end + 60))):
        expr.dropped = True
    if "negation" in cues and (_NEGATED_LEAD_RE.search(cased, max(0, anchor - 80), anchor) or (
            prev is not None and prev.negated and _NEGATED_LIST_GAP_RE.fullmatch(text, prev.end, anchor))):
        expr.negated = True
    if "requirement" in cues and expr.owner is not None and "age" in expr.owner.variables and \
            _REQUIREMENT_TAIL_RE.match(text, expr.end) and \
            _SEX_SUBJECT_RE.search(text, max(0, anchor - 60), anchor):
        expr.dropped = True  # `women under the age of 55 must have a documented FSH`: which women must
    if "event" in cues and expr.owner is not None and "age" in expr.owner.variables and \
            _AT_EVENT_RE.match(text, expr.end):
        expr.dropped = True  # `≤ 30 years at the time of initial diagnosis`: an age at an event, not today's
    if "discretion" in cues and _DISCRETION_RE.search(text, _sentence_start(text, expr.start),
                                                      _sentence_end(text, expr.end)):
        expr.dropped = True
    if "procedure" in cues and _PROCEDURE_TAIL_RE.match(text, expr.end):
        expr.dropped = True
    if "eligibility" in cues:
        if _EXCLUDED_TAIL_RE.match(text, expr.end):
            expr.ruled_out = True
        if _PERMITTED_TAIL_RE.match(text, expr.end):
            expr.exception = True  # `… and CD4 count above 350 … are eligible`: an allowed range as written
    if prev is not None and (prev.negated or prev.ruled_out or expr.ruled_out) and \
            _CONJUNCTION_GAP_RE.fullmatch(cased, prev.end, anchor) and ")" not in text[prev.end:anchor] and \
            ("with" in text[prev.end:anchor] or _BOTH_RE.search(text, _sentence_start(text, prev.start), prev.start)):
        # `No SGOT > 1.5 × ULN with alkaline phosphatase > 2.5 × ULN`, `patients who have both transaminases > 1.5 ×
        # ULN and alkaline phosphatase > 2.5 × ULN are not eligible`: not (A and B) is no range of either
        prev.dropped = expr.dropped = True
    if "defined" in cues and _defines_a_status(text, expr):
        expr.dropped = True  # `WOCBP (defined as women ≤ 50 years of age, …)`: the age defines a status


def _defines_a_status(text: str, expr: Expr) -> bool:
    """Whether an age stands after the `defined as` of its sentence, in the definition of a status (`postmenopausal,
    defined as women over 55`) rather than of an age group (`adults, defined as ≥ 18 years`: who may enrol)."""
    if not (expr.age_intrinsic or (expr.owner is not None and "age" in expr.owner.variables)):
        return False
    start = _sentence_start(text, expr.start)
    cues = [m.start() for m in _DEFINITION_RE.finditer(text, start, expr.start)]
    return bool(cues) and not _AGE_GROUP_DEFINED_RE.search(text, max(start, cues[-1] - 40), cues[-1])


def _sentence_end(text: str, pos: int) -> int:
    """Where the sentence holding `pos` ends (at its `. ` or `;`, 300 characters on at most)."""
    m = _SENTENCE_TAIL_RE.match(text, pos)
    return m.end() if m is not None else min(len(text), pos + 300)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` starts (after the last `. ` or `; ` before it, looking back 300 characters at
    most: a longer sentence is a list, and a bounded look keeps a long criterion linear)."""
    low = max(0, pos - 300)
    start = max(text.rfind(". ", low, pos), text.rfind("; ", low, pos))
    return start + 2 if start >= 0 else low


def _last_boundary(text: str, pos: int) -> int:
    """Just after the last `;`, bracket or sentence-ending `. ` in the 200 characters before `pos` (a `1. 5` is no
    sentence end)."""
    lo = max(0, pos - 200)
    best = max(text.rfind(";", lo, pos), text.rfind("(", lo, pos), text.rfind(")", lo, pos))
    dot = text.rfind(". ", lo, pos + 1)
    while dot > best and 0 < dot and text[dot - 1].isdigit() and dot + 2 < len(text) and text[dot + 2].isdigit():
        dot = text.rfind(". ", lo, dot)
    if pos == len(text) and text.endswith("."):
        dot = max(dot, len(text) - 1)
    best = max(best, dot)
    return best + 1 if best >= 0 else lo


def _head_condition(head: str) -> tuple[int, int] | str | None:
    """The condition clause in the text before a mention: "inside" when the mention is the condition's own subject
    (`if < 2 years old`), a span when a condition qualifies the measure, None when there is none."""
    last = None
    for m in COND_RE.finditer(head):
        last = m
    if last is not None and len(head) - last.end() > 60:
        last = None  # a condition far back qualifies something else (`… has been irradiated … PATIENT …: Age:`)
    if last is not None:
        between = head[last.end():]
        if _SUBJECT_ONLY_RE.fullmatch(between) and _SUBORDINATE_RE.fullmatch(last.group(0)) \
                and "," not in between and ":" not in between:
            return "inside"
        if _EXCEPTION_RE.search(head[:last.start()]) and not re.search(r"[,;:]", head[:last.start()]):
            return None
        cut = re.search(r"[,:]", between)
        end = last.end() + (cut.start() if cut else len(between))
        return last.start(), end
    subject = None
    for m in _SUBJECT_COND_RE.finditer(head):
        subject = m
    if subject is not None and len(head) - subject.end() <= 60:
        rest = head[subject.end():]
        if rest.strip() and not _SUBJECT_ONLY_RE.fullmatch(rest) and not re.search(r"\b(?:an?|the|known|severe)\s*$",
                                                                                   rest):
            cut = re.search(r"[,:]", rest)
            if cut is None and len(rest.split()) <= 3:
                return None  # `subjects with resting sitting systolic blood pressure`: the name's own words
            return subject.start(), subject.end() + (cut.start() if cut else len(rest))
    return None
