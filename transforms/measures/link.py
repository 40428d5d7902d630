"""Linking: which variable each expression belongs to (the names grouped, then each expression given its owner).

The functions read the lower-cased criterion (`text`, same offsets as the normalised one: its patterns are
case-sensitive, whose literals fail fast) and, where case tells something (`No` starting a list item, an abbreviation
as written), the normalised criterion itself (`cased`)."""
from __future__ import annotations

import re

from schemas.measures import CATALOGUE
from transforms.measures.convert import accepts
from transforms.measures.model import BARE_ULN, GRADE, LIST, NAME, OTHER, PAIR, PERFORMANCE, VALUE, Expr, Group, Mention
from transforms.measures.normalise import GE, GT
from transforms.measures.qualify import OF_PREDICTED, SEX_WORDS
from transforms.measures.scan import COUNTED_NOUNS, COUNTED_RE, PEOPLE_TAIL_RE, PERSON_NOUNS, is_whole_criterion
from transforms.measures.units import TIME_SYMBOLS, ULN

_CMP = r"[≥≤<>]"
SILENT = ""  # a group member that is not a catalogue variable (`direct bilirubin`)
PERF = "performance"  # `performance status` without a scale

GROUP_GAP_RE = re.compile(r"(?:[\s,/&()\[\]:-]|\b(?:and/or|and|or|serum|plasma|blood|the|both|either|total|levels?"
                          r"|counts?|values?|concentrations?)\b)*")
# (`creatinine OR measured or calculated creatinine clearance`: the second name's method words, joined too)
_GROUP_GAP_WORDS_RE = re.compile(r"[\s,/()]*(?:[a-z-]{4,}\s+){0,2}(?:and/or|and|or)\s+"
                                 r"(?:[a-z-]{4,}\s+(?:or\s+)?){0,2}")
_JOIN_WORD_RE = re.compile(r"\b(?:and|or)\b")
_FILLER_BLOCK_RE = re.compile(
    r"\d|;|\.\s|\b(?:grade|ctcae|toxicit\w*|within|prior|previous\w*|history|since|after|before|during|doses?"
    r"|cycles?|days?|weeks?|months?|years?|hours?|for|if|unless|except|no|not|cannot|nor|neither|without|than"
    r"|dose|mg|times)\b|,\s*\w+\s+\w+"
    )
_CONTINUATION_RE = re.compile(
    r"[\s,;:()]*(?:and/or|and|or|but|&)?[\s,;(]*"
    # `< 2.5 × ULN, which is allowed < 5 × ULN in patients with liver metastasis` (NCT04348032)
    r"|[\s,;]*(?:which|that|this)\s+(?:is|are|may\s+be|can\s+be)\s+(?:allowed|permitted|acceptable|accepted)"
    r"(?:\s+(?:to\s+be|up\s+to|if))?\s*"
    # `≤ 3.0 × ULN or baseline or ≤ 5.0 × ULN`: an alternative reference value between two bounds
    r"|\s*(?:or|and)\s+(?:baseline|the\s+baseline\s+value)\s+(?:or|and)\s+"
    # `> 470 ms in women or > 450 ms in men`, also with a comma: `> 470 ms in women, > 450 ms in men`
    rf"|[\s,;:()]*(?:{OF_PREDICTED}\s+)?(?:for|in|if|when|with|among|on)\s[^;\d<>≤≥]{{0,60}}?[\s,;)]*"
    r"(?:\b(?:and/or|and|or|but)\b|[;,])[\s,;(]*"
    # `≤ 5 × ULN with liver metastases (≤ 2.5 × ULN without)`: the other patients' bound in brackets
    r"|[\s,;:]*(?:for|in|if|when|with|among|on)\s[^;\d<>≤≥()]{0,60}?\s*\(\s*(?:or\s+)?"
    r"|[\s,;:]*(?:except|unless)\s[^;\d<>≤≥()]{0,60}?[\s,;]*\(\s*"
    # `≤ 2.5 × ULN, unless liver metastases are present, in which case ≤ 5 × ULN`: the exception's own bound
    r"|[\s,;:(]*(?:except|unless)\s[^;\d<>≤≥()]{0,60}?[\s,;]*(?:in\s+which\s+case|then)\b[\s,:]*"
    r"|[\s,;:]*\([^()\d;<>≤≥]{1,40}\)[\s,;]*(?:\b(?:and/or|and|or|but)\b|;)[\s,;(]*"
    )
# `Hemoglobin: men ≥ 13 g/dL, women ≥ 12 g/dL`: the next bound, written with its comparator, is another sex's
_SEX_CONTINUATION_RE = re.compile(rf"[\s,;()]*(?:and/or|and|or|but)?[\s,;(]*(?:(?:for|in)\s+)?(?:{SEX_WORDS})"
                                  r"\s*:?\s*")
_PEOPLE_RE = re.compile(
    r"(?:[\s,()]|\b(?:males?|females?|men|women|boys|girls|patients?|participants?|subjects?|volunteers?|adults?"
    r"|children|individuals?|persons?|people|healthy|and|or|of|either|sex|gender|both|inclusive)\b)*"
    )
_PEOPLE_NOUN_RE = re.compile(rf"\b(?:{PERSON_NOUNS}|who)\b")
_INFANTS_RE = re.compile(r"\b(?:children|child|infants?|neonates?|newborns?|toddlers?|babies|baby)\b")
# a name right after a value, then the end of the clause: it names that value (`> 140 mm Hg systolic, or …`)
_POSTFIX_NAME_END_RE = re.compile(r"\s*\)?\s*(?:$|[,;).]|/\s*day\b|\b(?:or|and|despite|at|on|in|for|per|daily"
                                  r"|of\s+(?:the\s+)?(?:normal\s+)?predicted)\b"
                                  # a count's volume after its name: `300 CD4 cells/µL`, `100,000 platelets/mm3`
                                  r"|(?<=\w)(?:\s*cells?)?\s*/\s*"
                                  r"(?:µl|μl|ul|mcl|mm\s*\^?\s*3|mm\(3\)|mm³|micro\s*lit(?:er|re)))")
_POSTFIX_GAP_RE = re.compile(r"\s*\(?\s*")  # `140 mmHg (systolic)`
_BOUND_BEFORE_NAME_RE = re.compile(r"\s*([≤<])\s*")  # `18 ≤ age`: a lower bound written before its name
_UPPER_BOUND_NEXT_RE = re.compile(r"\s*[≤<]")  # … `≤ 75`: the upper bound right after the name
_AGE_TAIL_RE = re.compile(r"\s*(?:$|[,;().:]|(?:with|who|and|or|of|at|in|inclusive|old|from|on|having|both|either|any"
                          r"|males?|females?|men|women|diagnosed|presenting|undergoing|suffering|scheduled|eligible"
                          r"|are|is|were|must|will|should|can|may|that|whose|without)\b)")
_TAIL_STOP_RE = re.compile(r"[;),]|\.(?: |\Z)")
_PREFIX_CMP_RE = re.compile(rf"(?P<cmp>{_CMP})\s*(?:the\s+)?$")
_BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+(?:the\s+)?$")


def group_mentions(mentions: list[Mention], text: str, cased: str, strict_words: frozenset[str]) -> list[Group]:
    """Adjacent mentions joined into groups that share one constraint (`AST/ALT`, `ALT (SGPT) and AST (SGOT)`)."""
    groups: list[Group] = []
    for men in mentions:
        variables = _members(men)
        if groups and men.start - groups[-1].end <= 40 and \
                _joinable(groups[-1], variables, text, men.start, men.end) and (
                GROUP_GAP_RE.fullmatch(text, groups[-1].end, men.start)
                or (_GROUP_GAP_WORDS_RE.fullmatch(text, groups[-1].end, men.start)
                    and not _FILLER_BLOCK_RE.search(text, groups[-1].end, men.start))):
            # `hypercalcemia (ionized calcium > 1.5)`: a name in brackets says what is measured; `INR/PT ≤ 1.5 × ULN`
            # constrains both
            groups[-1].last_kind = men.kind if "(" in text[groups[-1].end:men.start] else NAME
            groups[-1].end = men.end
            groups[-1].variables.extend(v for v in variables if v not in groups[-1].variables)
            groups[-1].kinds.add(men.kind)
            if men.kind == NAME:
                groups[-1].named.update(men.variables)
            continue
        before = text[max(0, men.start - 16):men.start]
        prefix = _PREFIX_CMP_RE.search(before)
        groups.append(Group(men.start, men.end, variables, {men.kind}, prefix.group("cmp") if prefix else None,
                            bool(_BETWEEN_BEFORE_RE.search(text[max(0, men.start - 14):men.start])),
                            cased[men.start:men.end] in strict_words, last_kind=men.kind,
                            named=set(men.variables) if men.kind == NAME else set()))
    return groups


def _members(men: Mention) -> list[str]:
    """The group members a mention brings: its variables, or a marker for a name outside the catalogue."""
    if men.kind == OTHER:
        return [SILENT]
    if men.kind == PERFORMANCE:
        return [PERF]
    return list(men.variables)


def _joinable(group: Group, variables: list[str], text: str, start: int, end: int) -> bool:
    """Names separated by blanks only are one name (`ECOG performance status`); other pairs need a connector
    (`AST/ALT`, `ALT and AST`), so that `Age: Any age Performance status: 0-2` keeps age out of ECOG."""
    if (gap := text[group.end:start]).strip():
        # `Normal blood glucose values OR blood glucose > 175 mg/dL`: the same name again after `or`/`and` opens a
        # clause of its own (`Karnofsky or Lansky`, two names of one variable, is one group)
        return not (_JOIN_WORD_RE.search(gap) is not None and text[start:end] in text[group.start:group.end])
    family = {PERF, "ecog", "karnofsky", SILENT}
    return set(variables) <= set(group.variables) or (set(variables) | set(group.variables)) <= family


def _strip_parentheticals(gap: str) -> str:
    """The gap without its closed (...) / [...] groups and without brackets: `(as estimated by … ≥ 18yo)` is an
    aside, but the words after a bracket that is still open belong to the gap."""
    if ")" not in gap and "]" not in gap:
        return gap.replace("(", " ").replace("[", " ")
    keep = [ch not in "()[]" for ch in gap]
    opened: list[int] = []
    for i, ch in enumerate(gap):
        if ch in "([":
            opened.append(i)
        elif ch in ")]":
            # a bracket closing one opened before the gap: what precedes it is the rest of that aside
            start = opened.pop() if opened else 0
            for k in range(start, i + 1):
                keep[k] = False
    return "".join(ch if keep[i] else " " for i, ch in enumerate(gap))


def _is_filler(text: str, start: int, end: int, strict: bool) -> bool:
    """Whether text[start:end] can separate a variable name from its value (`count of`, `(ANC) is`, `: `)."""
    gap = text[start:end]
    if len(gap) > 260:
        return False
    bare = " ".join(_strip_parentheticals(gap).split())
    if strict:
        return len(bare.strip(" :=-")) == 0
    words = bare.split()
    return len(bare) <= 60 and len(words) <= 8 and not _FILLER_BLOCK_RE.search(bare)


def _inside_closed_paren(text: str, start: int, end: int) -> bool:
    """Whether a parenthesis opened before `start` closes within text[start:end] (the mention was in an aside)."""
    if text.find(")", start, end) < 0 and text.find("]", start, end) < 0:
        return False
    depth = 0
    for ch in text[start:end]:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return True
    return False


def _in_aside(text: str, grp: Group, end: int) -> bool:
    """Whether the name sits in a parenthesis that closes before `end` (`(e.g., creatinine clearance; mGFR) is
    required: ≥ 60`) — unless the parenthesis holds nothing but the name (`aminotransferase (AST) > 100 IU/L`)."""
    if text.find(")", grp.start, end) < 0 and text.find("]", grp.start, end) < 0:
        return False
    depth = 0
    for k in range(grp.start, end):
        ch = text[k]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return bool(text[grp.end:k].strip()) or not text[:grp.start].rstrip().endswith(("(", "["))
    return False


def assign_owners(text: str, exprs: list[Expr], groups: list[Group]) -> None:
    """Give each expression its variable group: itself (age), the name before it, the count noun after it, or the
    expression it continues."""
    gi = 0
    prev: Expr | None = None
    for expr in exprs:
        if expr.form == GRADE:
            expr.owner = next((g for g in reversed(groups) if g.end <= expr.start
                               and expr.grade_variable in g.variables), None)
            prev = expr
            continue
        if expr.states_age and expr.form != LIST:
            expr.age_intrinsic = True
        while gi < len(groups) and groups[gi].end <= expr.start:
            gi += 1
        candidates: list[Group] = []
        for k in range(gi - 1, max(-1, gi - 4), -1):
            grp = groups[k]
            if grp.postfix:
                break  # it names the value before it
            if prev is not None and prev.end > grp.end and not _inside_closed_paren(text, prev.end, expr.start):
                break
            if _in_aside(text, grp, expr.start):
                continue  # the name sits in an aside that closes before the number: look further back
            if _is_filler(text, grp.end, expr.start, grp.strict):
                candidates.append(grp)
            break
        cont = None
        if prev is not None and prev.owner is not None and expr.start - prev.end <= 90 and \
                (_CONTINUATION_RE.fullmatch(text, prev.end, expr.start) or (
                    expr.cmp is not None and _SEX_CONTINUATION_RE.fullmatch(text, prev.end, expr.start))) and \
                not (candidates and candidates[0].start > prev.end):
            cont = prev
        if (below := _bounded_from_below(text, expr, groups, gi)) is not None:
            expr.owner, expr.cmp = below
        elif (postfix := _postfix_owner(text, expr, groups, gi, candidates)) is not None:
            expr.owner = postfix
            postfix.postfix = True
            if expr.cmp is None and expr.post is None and prev is not None and prev.owner is not None and \
                    prev.owner.postfix and expr.start - prev.end <= 40:
                expr.comparator_from = prev  # `below 100 systolic or 70 diastolic`
        elif expr.age_intrinsic:
            age_group = next((g for g in candidates if "age" in g.variables), None)
            expr.owner = age_group or Group(expr.start, expr.start, ["age"], set())
            if cont is not None and cont.owner is not None and "age" in cont.owner.variables:
                expr.continues = cont
        elif cont is not None and cont.owner is not None and _fits_any(cont.owner, expr):
            expr.owner, expr.continues = cont.owner, cont
        elif (counted := _counted_owner(text, expr)) is not None:
            expr.owner = counted
        elif candidates:
            expr.owner = candidates[0]
        elif (named := _named_by_unit(expr, groups, gi)) is not None:
            expr.owner = named
        elif _implicit_age(text, expr) or _whole_criterion_bound(text, expr):
            expr.owner = Group(expr.start, expr.start, ["age"], set())
            expr.age_intrinsic = True
        prev = expr


def _named_by_unit(expr: Expr, groups: list[Group], gi: int) -> Group | None:
    """The name a count's unit holds (`< 100,000 platelets/mm3`: the unit `/µL` names its cells)."""
    span = expr.u2_span or expr.u1_span
    if span is None:
        return None
    return next((g for g in groups[gi:gi + 2] if span[0] <= g.start and g.end <= span[1]), None)


def _postfix_owner(text: str, expr: Expr, groups: list[Group], gi: int, candidates: list[Group]) -> Group | None:
    """The name right after a value that names it (`> 140 mm Hg systolic, or > 90 mm Hg diastolic`), when the
    name before it (if any) cannot take it alone (`blood pressure (BP) > 140 …` names a pair)."""
    if gi >= len(groups) or expr.form != VALUE or (candidates and candidates[0].kinds != {PAIR}):
        return None
    grp = groups[gi]
    if grp.kinds != {NAME} or _POSTFIX_GAP_RE.fullmatch(text, expr.end, grp.start) is None:
        return None
    return grp if _POSTFIX_NAME_END_RE.match(text, grp.end) else None


def _bounded_from_below(text: str, expr: Expr, groups: list[Group], gi: int) -> tuple[Group, str] | None:
    """`18 ≤ age ≤ 75`, `18.5 ≤ BMI ≤ 30 kg/m2`: a bare value, `≤` or `<`, the name, then its upper bound — the
    value is the name's lower bound (the group, and the comparator as read from the name's side)."""
    if gi >= len(groups) or expr.form != VALUE or expr.cmp or expr.post or expr.n2 is not None:
        return None
    grp = groups[gi]
    m = _BOUND_BEFORE_NAME_RE.match(text, expr.end)
    if m is None or m.end() != grp.start or not _UPPER_BOUND_NEXT_RE.match(text, grp.end) or not _fits_any(grp, expr):
        return None
    return grp, GE if m.group(1) == "≤" else GT


def _implicit_age(text: str, expr: Expr) -> bool:
    """`Men 18-75 years`, `who are between 18 and 55 years`, `Adults (≥ 18 years)`: a span of years right after
    the people it describes is their age (a duration follows a verb or `for`, not a person)."""
    if expr.form != VALUE:
        return False
    kinds = {expr.u1, expr.u2} - {None}
    if not kinds or not kinds <= TIME_SYMBOLS:
        return False
    head = text[max(0, expr.start - 80):expr.start]
    if not _AGE_TAIL_RE.match(text, expr.end):
        return False  # `women who are less than 1 year postmenopausal`
    people = PEOPLE_TAIL_RE.search(head)
    if people is not None and _PEOPLE_NOUN_RE.search(people.group()):  # `women with description of 2 years`: no
        return kinds == {"years"} or expr.age_comparative or bool(_INFANTS_RE.search(head))
    # `18-75 years` as a whole criterion (or a clause of it: `6 months to 2 years; > 2 years to 6 years`): nothing
    # before it, nothing but people after it
    tail = text[expr.end:tail_boundary(text, expr.end, len(text))]
    return ("years" in kinds or expr.age_comparative) and not head.rsplit(";", 1)[-1].strip(" -*•·:") and (
        not tail.strip() or bool(_PEOPLE_RE.fullmatch(tail)))


def _whole_criterion_bound(text: str, expr: Expr) -> bool:
    """`Over 18`, `Adults 18 and over`: a criterion that is one bound on a whole number (but for the people it is
    about) states an age."""
    if expr.form != VALUE or expr.u1 or expr.u2 or expr.n2 is not None or not (expr.cmp or expr.post):
        return False
    if expr.n1 is None or expr.n1 != int(expr.n1) or not 1 <= expr.n1 <= 100:
        return False
    return is_whole_criterion(text, expr.start, expr.end)  # `text` is the lower-cased criterion already


def _fits_any(group: Group, expr: Expr) -> bool:
    """Whether the expression's unit could belong to one of the group's variables (continuations must agree)."""
    unit = expr.u1 or expr.u2
    if expr.form == BARE_ULN:
        unit = ULN
    elif not unit and expr.form == VALUE:
        return True  # a bare number continues in the unit of the bound before it
    return any(accepts(v, unit) for v in group.variables if v in CATALOGUE)


def _counted_owner(text: str, expr: Expr) -> Group | None:
    """`≥ 2 prior lines of therapy`, `more than 2 chemotherapy regimens`: a count followed by what it counts."""
    if expr.form != VALUE or expr.u1 or expr.u2 or expr.n2 is not None:
        return None
    m = COUNTED_RE.match(text, expr.end)
    if m is None:
        return None
    return Group(m.start("noun"), m.end("noun"), [COUNTED_NOUNS[m.group("noun").lower()]], set())


def tail_boundary(text: str, start: int, limit: int) -> int:
    """The first `;`, `)`, `,` or sentence-ending `.` after `start` (at most 120 characters on, and before `limit`)."""
    end = min(limit, start + 120)
    m = _TAIL_STOP_RE.search(text, start, min(len(text), end + 1))
    return m.start() if m is not None and m.start() < end else end

