"""Text of WHO ICTRP export fields: HTML entities and line breaks decoded, list fields cut into items.

ICTRP writes every registry's free text as HTML-ish text: a source line break becomes `<br>` (often `\\r<br>`, the
CR escaped as `&#x0D;`), a registry that already stored HTML keeps its own `<br />` and `<p>` in front of ICTRP's,
and entities (`&gt;`, `&amp;`) may be escaped once more. `decode` turns that into plain lines. The splitters then
read the list fields every registry fills in its own way: `;`-joined lists (CT.gov, ChiCTR, CRIS), one item per
line with bullets, numbers and hard-wrapped lines (EU CTR, JPRN, DRKS, NL-OMON), the EU CTR's labelled sections
(`Primary end point(s): …;Timepoint(s) of evaluation of this end point: …`), MedDRA blocks and product sheets.
"""
from __future__ import annotations

import html
import re
from functools import cache

from transforms import vocab
from transforms.record import Intervention, Outcome

# ---------------------------------------------------------------- decoding

# A registry's own `<br />` followed by ICTRP's rendering of the same newline (`\r<br>`) is one line break
# (NL-OMON: `…concentration and<br /><br>the mNIS+7`); so is a CR/LF right before a `<br>` (`&#x0D;&lt;br&gt;`).
# Every alternative opens with a `<`, CR or LF, so the search skips to those; blanks before a break are left to the
# trailing-blank pass.
_BR = r"<[bB][rR]"
_BREAK = re.compile(rf"{_BR}\s*/>[ \t]*(?:\r\n|\r|\n)?[ \t]*{_BR}\s*>|{_BR}\s*/?>"
                    rf"|\r\n[ \t]*{_BR}\s*/?>|\r[ \t]*{_BR}\s*/?>|\n[ \t]*{_BR}\s*/?>|\r\n|\r")
# Block-level tags end a line; inline tags are dropped. Only these names count as tags: `<45 mL` is text.
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|tr|table|h[1-6])(?:\s[^<>]{0,200})?/?>", re.I)
_INLINE_TAG = re.compile(r"</?(?:b|i|u|em|strong|sup|sub|span|font|a|td|th|tbody|thead)(?:\s[^<>]{0,200})?/?>",
                         re.I)
_ESCAPE_LAYERS = 2
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_PLACEHOLDER = re.compile(
    r"^(?:no|none|nil|nil known|n/?a|na|not applicable|not available|not specified|not stated|unknown|-+|"
    r"none described(?: at (?:the )?time of submission)?|same as above|(?:please\s+)?(?:see|refer to)\b.*)[.;]?$",
    re.I)


def decode(raw: str | None) -> str | None:
    """Field text as plain lines: entities decoded, `<br>`/`<p>` as newlines, other tags dropped, edges trimmed."""
    if raw is None:
        return None
    text = raw
    for _ in range(_ESCAPE_LAYERS):  # registries escape their HTML, ICTRP's export may escape it once more
        if "&" not in text or (unescaped := html.unescape(text)) == text:
            break
        text = unescaped
    if "<" in text or "\r" in text:
        text = _BREAK.sub("\n", text)
        if "<" in text:
            text = _INLINE_TAG.sub("", _BLOCK_TAG.sub("\n", text))
    if " \n" in text or "\t\n" in text:
        text = _TRAILING_SPACE.sub("\n", text)
    text = text.strip()
    return text or None


def is_placeholder(text: str | None) -> bool:
    """A value that states nothing: `None`, `N/A`, `Not applicable`, `Same as above`, `See primary outcome`."""
    return text is None or bool(_PLACEHOLDER.match(" ".join(text.split())))


def value(raw: str | None) -> str | None:
    """One-line value of a field, None when empty or a placeholder."""
    text = vocab.clean(raw)
    return None if text is None or is_placeholder(text) else text


# ISRCTN keeps a record's history in its fields: `Current primary outcome measure as of 01/02/2020:` or `Current
# inclusion criteria as of 12/03/2020:` heads the items in force, `Previous …:` (or `Original …`) those they replaced
_HISTORY_HEADING = re.compile(r"^(?P<when>current|previous|original|old)\b.{0,40}?\b(?:(?:outcome|end\s?point)s?"
                              r"(?:\s+measures?)?|(?:inclusion|exclusion|eligibility)\s+criteria)\b"
                              r"(?:\s+as\s+of\s+[^:]{1,30})?\s*:$", re.I)


def superseded_heading(line: str) -> bool | None:
    """For a heading of ISRCTN's record history, whether the items under it were replaced (`Previous …:`) or are in
    force (`Current … as of …:`); None for any other line."""
    m = _HISTORY_HEADING.match(line)
    return None if m is None else m.group("when").casefold() != "current"


def split_top_level(text: str, separator: str = ";") -> list[str]:
    """Cut at every separator outside brackets; pieces trimmed, empty ones dropped."""
    if "(" not in text and "[" not in text and "{" not in text:  # no bracket opens: every separator cuts
        return [p.strip() for p in text.split(separator) if p.strip()]
    pieces, depth, start = [], 0, 0
    for m in _state_characters(separator).finditer(text):  # only these characters change the state
        ch = m.group()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            pieces.append(text[start:m.start()])
            start = m.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


@cache
def _state_characters(separator: str) -> re.Pattern[str]:
    return re.compile(rf"[{re.escape(separator)}()\[\]{{}}]")


def unique(values: list[str]) -> list[str]:
    """The values without repeats (compared casefolded, spaces collapsed), first spelling and order kept."""
    seen: set[str] = set()
    out = []
    for v in values:
        key = " ".join(v.casefold().split())
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


# ---------------------------------------------------------------- lines, bullets, wrapping

# `- item`, `-item`, `• item`, `* item`, `1. item`, `1.item`, `1) item`, `(a) item`, `a. item`, `iv) item`.
_MARKER = re.compile(r"^(?:[-•*·▪◦–—‣∙]+\s*|\(?\d{1,2}[.)](?!\d)\s*|\(?[a-z][.)]\s+|\(?[ivx]{1,4}[.)]\s+)")
# The last word of a hard-wrapped line that cannot end a sentence (`… in patients with cardiac involvement by`).
_OPEN_END = re.compile(r"(?:[,(/&+\-–]|\b(?:a|an|the|and|or|of|in|on|at|by|for|to|with|from|per|as|than|into|"
                       r"versus|vs\.?|between|within|including|after|before|during|over|under)\b)$", re.I)
_OPEN_END_CHARS = 16  # what `_OPEN_END` can match at a line's end (its longest word), and the character before it
_CLOSED_END = re.compile(r"[.;:!?]$")
_LOWER_START = re.compile(r"^[a-z(]")
_NOTE = re.compile(r"^notes?\s*[:;]\s*", re.I)


def lines_of(text: str) -> list[str]:
    """The lines of a decoded field, trimmed; an empty string marks a blank line."""
    return [line.strip() for line in text.split("\n")]


def strip_marker(line: str) -> tuple[bool, str]:
    """(whether the line opens with a bullet or number, the line without it)."""
    m = _MARKER.match(line)
    return (True, line[m.end():].strip()) if m and line[m.end():].strip() else (False, line)


def next_where(items: list, wanted) -> list[int]:
    """For each position, the index of the first later item for which `wanted` holds (len(items): none) — one pass
    from the end, so looking ahead stays linear."""
    out = [len(items)] * len(items)
    found = len(items)
    for n in range(len(items) - 1, -1, -1):
        out[n] = found
        if wanted(items[n]):
            found = n
    return out


def stops_open(previous: str) -> bool:
    """The line stops where no sentence can: on a comma, a bracket or a word such as `of`, `and`, `with`."""
    return _OPEN_END.search(previous, max(len(previous) - _OPEN_END_CHARS, 0)) is not None


def continues(previous: str, line: str) -> bool:
    """The line is the hard-wrapped rest of the previous one: that one stops mid-sentence."""
    if _CLOSED_END.search(previous, max(len(previous) - 2, 0)):
        return False
    return bool(_LOWER_START.match(line)) or stops_open(previous)


# ---------------------------------------------------------------- outcomes

_EU_SECTION = re.compile(
    r"(?:^|;)\s*(?P<label>main objective|secondary objective|primary end ?points?(?:\s*\(s\))?|"
    r"secondary end ?points?(?:\s*\(s\))?|timepoints?(?:\s*\(s\))? of evaluation of this end ?point)\s*:\s*", re.I)
# A line that only heads the items under it: `Safety endpoints:`, `Week 35 Interim Analysis:`, `Final Analysis
# Secondary Endpoint` — short, no sentence in it.
_HEADING_WORDS = re.compile(r"\b(?:end ?points?|outcomes?|analys[ie]s|measures?)\b", re.I)
_SENTENCE_STOP = re.compile(r"[.;]\s")
_ANNOUNCES = re.compile(r"\b(?:following|as follows)\b", re.I)


def outcomes(text: str | None, kind: str) -> list[Outcome]:
    """Outcome items of an ICTRP outcome field of the given kind (PRIMARY, SECONDARY)."""
    if not text:
        return []
    labels = list(_EU_SECTION.finditer(text))
    if not labels:
        return _dedupe(_outcome_items(text, kind, None))
    found: list[Outcome] = []
    pending: list[Outcome] = []  # items of the last end-point section, waiting for its time frame
    for n, m in enumerate(labels):
        body = text[m.end():labels[n + 1].start() if n + 1 < len(labels) else len(text)]
        label = m.group("label").casefold()
        if label.startswith("timepoint"):
            time_frame = vocab.clean(body)
            for o in pending:
                o.time_frame = time_frame
            pending = []
        elif "end" in label:
            pending = _outcome_items(body, "SECONDARY" if label.startswith("secondary") else "PRIMARY", None)
            found.extend(pending)
    return _dedupe(found)


def _outcome_items(text: str, kind: str, time_frame: str | None) -> list[Outcome]:
    lines = lines_of(text)
    if sum(1 for line in lines if line) <= 1:
        # one line: CT.gov, ChiCTR and CRIS join outcomes with `;`
        measures = [strip_marker(piece)[1] for piece in split_top_level(" ".join(lines))]
        return [Outcome(kind, m, time_frame=time_frame) for m in measures if not is_placeholder(m)]
    items: list[list] = []  # [kind, measure pieces, description pieces, collects sub-items]
    current: list | None = None
    field_kind, blank_before, superseded = kind, False, False
    following = next_where(lines, bool)
    for n, line in enumerate(lines):
        if not line:
            blank_before = True
            continue
        marked, body = strip_marker(line)
        if is_placeholder(body):
            current, blank_before = None, False
            continue
        if not marked and (history := superseded_heading(body)) is not None:
            superseded, kind, current, blank_before = history, _heading_kind(body, field_kind), None, True
            continue
        if superseded:
            continue
        nxt = lines[following[n]] if following[n] < len(lines) else None
        if not marked and nxt is not None and _is_heading(body, strip_marker(nxt)[0]):
            kind = _heading_kind(body, field_kind)
            current, blank_before = None, True
            continue
        if current is not None and (current[3] or current[1][-1].endswith(":")) and marked:
            current[1].append(line)  # the items a sentence ending in `:` announces belong to it
            current[3] = True
        elif current is not None and not marked and not blank_before and continues((current[2] or current[1])[-1],
                                                                                    body):
            (current[2] or current[1]).append(body)
        elif current is not None and not marked and _NOTE.match(body):
            current[2].append(_NOTE.sub("", body))
        else:
            current = [kind, [body], [], False]
            items.append(current)
        blank_before = False
    found = []
    for k, measure, description, _ in items:
        cleaned = vocab.clean(" ".join(measure))
        if cleaned:
            found.append(Outcome(k, cleaned, description=vocab.clean(" ".join(description)), time_frame=time_frame))
    return found


def _is_heading(line: str, next_marked: bool) -> bool:
    words = len(line.split())
    if _ANNOUNCES.search(line):
        return False  # `… in the following measurements:` leads into its own sub-items
    if line.endswith(":"):
        return words <= 6
    return next_marked and words <= 12 and bool(_HEADING_WORDS.search(line)) and not _SENTENCE_STOP.search(line)


def _heading_kind(heading: str, field_kind: str) -> str:
    """A heading naming secondary (or primary) end points sets the kind of the items under it; others (`Safety
    end points:`) go back to the field's own kind."""
    low = heading.casefold()
    if "secondary" in low:
        return "SECONDARY"
    if "primary" in low:
        return "PRIMARY"
    return field_kind


def _dedupe(found: list[Outcome]) -> list[Outcome]:
    seen: set[tuple[str, str]] = set()
    out = []
    for o in found:
        key = (o.kind, " ".join(o.measure.casefold().split()).rstrip(".;"))
        if key not in seen:
            seen.add(key)
            out.append(o)
    return out


# ---------------------------------------------------------------- conditions

_MEDDRA = re.compile(r"MedDRA version\s*:", re.I)
_MEDDRA_TERM = re.compile(r"(?<![a-z])Term\s*:\s*(.+?)\s*(?=System Organ Class|MedDRA version|Level\s*:|"
                          r"Classification code|\n|$)", re.I)
_THERAPEUTIC_AREA = re.compile(r"^therapeutic area\s*:", re.I)
# Codes registries append to condition names: ICD-10 (`E85.1`), Orphanet (`ORPHA:210115`), MedDRA numbers.
_CODE = re.compile(r"^(?:[A-Z]\d{2}(?:\.\d{1,2})?[A-Z]?|ORPHA\s*:\s*\d+|\d{4,})$")


def conditions(text: str | None) -> list[str]:
    """Condition names: `;`-joined and line items, MedDRA terms of EU CTR blocks, codes and placeholders dropped."""
    if not text:
        return []
    names: list[str] = []
    for piece in split_top_level(text):
        if _THERAPEUTIC_AREA.match(piece):
            continue
        meddra = _MEDDRA.search(piece)
        free = piece[:meddra.start()] if meddra else piece
        for line in lines_of(free):
            name = vocab.clean(strip_marker(line)[1])
            if name and not is_placeholder(name) and not all(_CODE.match(t) for t in name.replace(",", " ").split()):
                names.append(name)
        if meddra:
            names.extend(t for t in (vocab.clean(m.group(1)) for m in _MEDDRA_TERM.finditer(piece[meddra.start():]))
                         if t)
    return unique(names)


# ---------------------------------------------------------------- interventions

# Labels of the product sheets EU CTR, CTIS and JapicCTI write into the intervention field.
_PRODUCT_LABEL = re.compile(
    r"(?:^|(?<=[\n,;]))[ \t]*(?P<label>trade name|product name|product code|pharmaceutical form|"
    r"inn or proposed inn|cas number|current sponsor code|other descriptive name|concentration unit|"
    r"concentration type|concentration number|pharmaceutical form of the placebo|"
    r"route of administration of the placebo|strength|generic name etc|inn of investigational material|"
    r"therapeutic category code|dosage and administration for investigational material)\s*:[ \t]*", re.I)
# The field a product is named by, best first.
_PRODUCT_NAME_ORDER = ("trade name", "product name", "inn or proposed inn", "generic name etc",
                       "inn of investigational material", "product code", "current sponsor code",
                       "other descriptive name")
_BLANK_LINE = re.compile(r"\n\s*\n")
_LABELLED = re.compile(r"^(?P<label>[^:;\n]{1,40}?)\s*:\s*(?P<rest>.*)$", re.S)
# `Group 1:`, `Arm A:`, `Cohort 2:` — the item is the group's whole text.
_GROUP_LABEL = re.compile(r"^(?:group|arm|cohort)\s*[\w-]{1,3}$", re.I)


def interventions(text: str | None) -> list[Intervention]:
    """Interventions of an ICTRP intervention field, typed where written as `Drug: …`."""
    if not text:
        return []
    if _PRODUCT_LABEL.search(text):
        found = _products(text)
    else:
        lines = [line for line in lines_of(text) if line]
        if len(lines) == 1 and ";" in lines[0]:
            found = _labelled_list(split_top_level(lines[0]))
        else:
            found = _line_items(lines)
    out, seen = [], set()
    for item in found:
        key = (item.intervention_type, " ".join(item.name.casefold().split()))
        if key not in seen and not is_placeholder(item.name):
            seen.add(key)
            out.append(item)
    return out


def _products(text: str) -> list[Intervention]:
    """One intervention per product sheet; a sheet starts at a blank line or when a label comes round again."""
    found = []
    for block in _BLANK_LINE.split(text):
        sheets: list[dict[str, tuple[str, str]]] = []  # label casefolded → (label as written, value)
        labels = list(_PRODUCT_LABEL.finditer(block))
        for n, m in enumerate(labels):
            label = m.group("label").casefold()
            end = labels[n + 1].start() if n + 1 < len(labels) else len(block)
            val = vocab.clean(block[m.end():end].split("\n")[0].strip(" ,;"))
            if not sheets or label in sheets[-1]:
                sheets.append({})
            if val and not is_placeholder(val):
                sheets[-1][label] = (m.group("label"), val)
        for sheet in sheets:
            name = next((sheet[k][1] for k in _PRODUCT_NAME_ORDER if k in sheet), None)
            if name:
                details = "; ".join(f"{label}: {val}" for label, val in sheet.values())
                found.append(Intervention(name=name, description=details))
    return found


def _labelled_list(pieces: list[str]) -> list[Intervention]:
    """`Drug: A;Drug: B` (CT.gov) or `group A:intervention;group B:intervention` (ChiCTR)."""
    found = []
    for piece in pieces:
        m = _LABELLED.match(piece)
        kind = vocab.intervention_type(m.group("label")) if m else None
        if m and kind is not None:
            found.append(Intervention(name=m.group("rest").strip(), intervention_type=kind))
        elif m and all(_LABELLED.match(p) for p in pieces):
            found.append(Intervention(name=m.group("rest").strip(), description=vocab.clean(m.group("label"))))
        else:
            found.append(Intervention(name=piece))
    return [i for i in found if i.name]


def _line_items(lines: list[str]) -> list[Intervention]:
    """Items opening with a type (`Radiation : …`), an arm type (`Experimental: …`) or a group (`Group 1: …`);
    the lines after an item describe it. Without such openings the whole text is one intervention."""
    items: list[list] = []  # [name, type, description parts, is_group]
    for line in lines:
        m = _LABELLED.match(line)
        label = m.group("label").strip() if m else ""
        kind = vocab.intervention_type(label) if m else None
        if m and kind is not None:
            items.append([m.group("rest").strip(), kind, [], False])
        elif m and vocab.arm_type(label) is not None:
            items.append([m.group("rest").strip(), None, [], False])
        elif m and _GROUP_LABEL.match(label):
            items.append([line, None, [], True])
        elif items:
            items[-1][2].append(line)
        else:
            items.append([line, None, [], True])
    out = []
    for name, kind, details, is_group in items:
        if is_group:
            name, details = " ".join([name, *details]), []
        elif details and (field := _LABELLED.match(name)) and all(_LABELLED.match(d) for d in details):
            # `Radiation : radiopharmaceutical: SNUBH-NM-333(18F)` then `volume: 5~10CC`, `route: intra vein` (CRIS):
            # a list of fields, the first of which names the intervention
            name, details = field.group("rest"), [f"{field.group('label').strip()}: {field.group('rest')}", *details]
        name = vocab.clean(name)
        if name:
            out.append(Intervention(name=name, intervention_type=kind, description=vocab.clean(" ".join(details))))
    return out
