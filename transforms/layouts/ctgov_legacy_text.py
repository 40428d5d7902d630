"""Layout `ctgov_legacy_text`: a legacy CT.gov record dumped as `Label:` lines, each followed by its value lines.

Shape (seed 003): `Trial Title:` / title, `NCT ID:` / id, `Condition:` / `a, b`, `Study design:` with nested
`Allocation:` …, repeated `Intervention:` blocks (`Intervention type:`, `Intervention name:`, `Description:`,
`Arm group label:`), `Summary:` and `Detailed description:` (narrative wrapped at ~89 columns),
`Criteria for eligibility:` / `Criteria:` (the eligibility text, wrapped), `Gender:`, ages, `Locations:` with
repeated `Facility:` blocks, dates in legacy spelling (`December 31, 2022`), `Lead sponsor:` / `Agency:`.
Lists of strings are joined with `, `. The file states no enrollment and no outcomes.

Segment, then assemble: `_segment` cuts the lines into (section, field, value lines) using the known label set
and the fixed section order (so a narrative line that happens to end with `:` is not taken for a label), then
`parse` builds the trial from those segments.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from transforms import registry_fields, vocab
from transforms.criteria import split_eligibility
from transforms.errors import ParseError
from transforms.record import Arm, Intervention, ParsedTrial, Site

NAME = "ctgov_legacy_text"
DESCRIPTION = "legacy CT.gov text dump: 'Trial Title:' / 'NCT ID:' / 'Condition:' label lines, each value on the next lines"
KIND = "free_text"

# Top-level labels in the order the layout renders them (lower-cased, without the colon).
_TOP_ORDER: tuple[str, ...] = (
    "trial title", "official title", "nct id", "condition", "conditions: official terms", "conditions: keywords",
    "study type", "study phase", "overall status", "enrollment", "study design", "intervention", "arm group",
    "summary", "detailed description", "criteria for eligibility", "gender", "minimum age", "maximum age",
    "healthy volunteers", "locations", "start date", "primary completion date", "completion date",
    "verification date", "lead sponsor", "collaborator", "overall official", "source", "record processing date",
    "source: clinicaltrials.gov page",
)
_TOP_RANK = {label: n for n, label in enumerate(_TOP_ORDER)}
# Labels that only occur nested inside one top-level section.
_CHILDREN: dict[str, tuple[str, ...]] = {
    "study design": ("allocation", "intervention model", "primary purpose", "masking", "time perspective",
                     "observational model"),
    "intervention": ("intervention type", "intervention name", "description", "arm group label", "other name"),
    "arm group": ("arm group label", "arm group type", "description"),
    "criteria for eligibility": ("study population", "sampling method", "criteria"),
    "locations": ("facility", "name", "address", "city", "state", "zip", "country", "status", "contact",
                  "contact backup", "last name", "phone", "email", "investigator", "role"),
    "lead sponsor": ("agency", "agency class"),
    "collaborator": ("agency", "agency class"),
    "overall official": ("last name", "role", "affiliation"),
}
# Fields whose value is free text: inside them only a label that may legally come next ends the value.
_NARRATIVE = {("summary", ""), ("detailed description", ""), ("criteria for eligibility", ""),
              ("criteria for eligibility", "criteria"),
              ("criteria for eligibility", "study population"), ("intervention", "description"),
              ("arm group", "description")}
# Sections that repeat: each occurrence of the label starts a new block of its children.
_REPEATING_CHILD = {"intervention": "intervention type", "locations": "facility", "arm group": "arm group label"}

# Fields that hold only other fields: a `Label: value` line right after them opens a field.
_CONTAINERS = frozenset({"study design", "intervention", "arm group", "locations", "lead sponsor", "collaborator",
                         "overall official", "facility", "address", "contact", "contact backup", "investigator"})
# Labels whose value can be checked, so that a `Label: value` line may end free text (see _ends_narrative_inline).
_TYPED: dict[str, Callable[[str], object]] = {
    "gender": vocab.sex, "minimum age": vocab.parse_age_years, "maximum age": vocab.parse_age_years,
    "healthy volunteers": vocab.yes_no, "start date": vocab.parse_date, "primary completion date": vocab.parse_date,
    "completion date": vocab.parse_date, "verification date": vocab.parse_date, "study type": vocab.study_type,
    "study phase": vocab.phase, "overall status": vocab.status, "enrollment": vocab.to_int,
}

_MAX_LABEL = 60  # no label is longer; longer lines ending with ':' are text
_COLON = re.compile(r":\s")
_LIST_SEP = re.compile(r",\s+")
_GLUED_ADDRESS = re.compile(r"\)\d+[ \t]+[A-Za-z]")  # `…Hospital)16766 Jingshi Road`: a street number after `)`
_NCT_LINE = re.compile(r"^\s*NCT ID\s*:", re.I | re.M)
_FIRST_LINE_TITLE = re.compile(r"^\s*Trial Title\s*:", re.I)
_DETECT_LABEL_LINE = re.compile(
    r"[ \t]*(?:NCT ID|Condition|Study type|Study phase|Overall status|Study design|Intervention type|"
    r"Intervention name|Arm group label|Criteria for eligibility|Conditions: Official terms)[ \t]*:[ \t]*",
    re.I)


@dataclass(slots=True)
class _Block:
    """One occurrence of a top-level section: its own value lines and its children's (field → value lines)."""

    section: str
    lines: list[str] = field(default_factory=list)
    children: list[tuple[str, list[str]]] = field(default_factory=list)

    def child(self, name: str) -> list[str] | None:
        """Value lines of the first child called `name`, or None when absent."""
        for label, lines in self.children:
            if label == name:
                return lines
        return None


def detect(text: str) -> float:
    """The first non-blank line is `Trial Title:`, or the head holds several bare legacy labels on their own lines."""
    head = text[:6000]
    if _FIRST_LINE_TITLE.match(head.lstrip()):
        return 0.9
    if head.isascii() and "nct id" not in head.lower():
        return 0.0  # then no line can read `NCT ID:`, which a search for it (slow per character) would find out
    if not _NCT_LINE.search(head):
        return 0.0
    # a label line matches as a whole (the pattern never crosses a newline), so only lines with a colon are tried
    labels = {line.strip().lower() for line in head.split("\n") if ":" in line and _DETECT_LABEL_LINE.fullmatch(line)}
    return 0.8 if len(labels) >= 4 else 0.0


def _label_of(line: str) -> str | None:
    """The normalised label when the line is a bare `Label:` line (any casing), else None."""
    s = line.strip()
    if not s.endswith(":") or len(s) > _MAX_LABEL:
        return None
    return _norm_label(s[:-1])


def _norm_label(text: str) -> str:
    """Whitespace runs collapsed to one space, edges trimmed, lower case (str.split() splits on what `\\s` matches)."""
    return " ".join(text.split()).lower()


def _inline_label(line: str, section: str | None) -> tuple[str, str] | None:
    """(label, value) when the line reads `Known label: value` (the longest known label wins), else None."""
    if ":" not in line:
        return None  # most lines: no `Label:` to look for
    s = line.strip()
    best = None
    for m in _COLON.finditer(s[:_MAX_LABEL]):
        candidate = _norm_label(s[:m.start()])
        if candidate in _TOP_RANK or candidate in _CHILDREN.get(section or "", ()):
            value = s[m.end():].strip()
            if value:
                best = (candidate, value)
    return best


def _may_end_narrative(section: str, child: str, label: str) -> bool:
    """Inside free text only a label that legally follows it ends the value (a criterion may end with ':')."""
    if label in _TOP_RANK:
        return _TOP_RANK[label] > _TOP_RANK[section] or (label == section and section in _REPEATING_CHILD)
    kids = _CHILDREN.get(section, ())
    if label not in kids:
        return False
    return child not in kids or kids.index(label) > kids.index(child)


def _value_stated(current: _Block | None, child: str) -> bool:
    """A `Label: value` line may open a field only where the open field already has its value or holds only
    fields (`Study design:` / `Allocation: N/A`), never in free text: the value line of `Trial Title:` may itself
    read `Study type: a review`."""
    if current is None:
        return True
    if (current.section, child) in _NARRATIVE:
        return False
    if (child or current.section) in _CONTAINERS:
        return True
    return bool(_open_lines(current, child))


def _ends_narrative_inline(line: str, current: _Block, child: str) -> tuple[str, str] | None:
    """Inside free text, `Gender: All` (a dump writing short values on the label line) ends the text when the label
    may come next and its value reads as that field's value; any other `Word: text` line stays text."""
    inline = _inline_label(line, current.section)
    if inline is None or inline[0] not in _TYPED or not _may_end_narrative(current.section, child, inline[0]):
        return None
    return inline if _TYPED[inline[0]](inline[1]) is not None else None


def _segment(lines: list[str]) -> list[_Block]:
    """Cut the lines into top-level blocks with their nested fields, using the known label set and order."""
    blocks: list[_Block] = []
    current: _Block | None = None
    child = ""
    for line in lines:
        label: str | None = None
        inline_value: str | None = None
        if ":" in line:  # a line without a colon holds no `Label:` of either kind (most lines)
            label = _label_of(line)
            if label is None and _value_stated(current, child):
                inline = _inline_label(line, current.section if current else None)
                if inline:
                    label, inline_value = inline
            elif label is None and current is not None and (inline := _ends_narrative_inline(line, current, child)):
                label, inline_value = inline
            if label is not None and current is not None and (current.section, child) in _NARRATIVE:
                if not _may_end_narrative(current.section, child, label):
                    label = None
        if label is None:
            if current is not None:  # text before the first label has nothing to attach to
                _open_lines(current, child).append(line)
            continue
        if current is not None and label in _CHILDREN.get(current.section, ()) and label != current.section:
            child = label
            current.children.append((label, [] if inline_value is None else [inline_value]))
            continue
        if label in _TOP_RANK:
            current = _Block(label, [] if inline_value is None else [inline_value])
            blocks.append(current)
            child = ""
            continue
        # a known nested label outside its section: keep it as text of whatever is open
        if current is not None:
            _open_lines(current, child).append(line)
    return blocks


def _open_lines(current: _Block, child: str) -> list[str]:
    """The lines of what is open: the nested field last opened (`child`), else the block itself."""
    return current.children[-1][1] if child else current.lines


def _one_line(lines: list[str] | None) -> str | None:
    """Value lines joined into one cleaned line (wrapped values are re-joined)."""
    if not lines:
        return None
    return vocab.clean(" ".join(lines))


def _block_text(lines: list[str] | None) -> str | None:
    """Value lines kept as lines (for the eligibility splitter); the layout never leaves a blank line inside a
    value, so blank lines (a double-spaced copy) are dropped rather than read as paragraph breaks."""
    if not lines:
        return None
    return vocab.clean_block("\n".join(line for line in lines if line.strip()))


def _split_list(value: str | None) -> list[str]:
    """A `, `-joined list of strings back into its items."""
    if not value:
        return []
    return [item for item in (vocab.clean(p) for p in _LIST_SEP.split(value)) if item]


def _split_arm_labels(value: str, known: set[str]) -> list[str]:
    """`A, B (x, y), C` → labels. A comma inside parentheses never splits (`Treatment (chemotherapy, TBI)`), and
    the layout joins several labels in sorted (code point) order, so pieces out of order, none of them a label
    seen alone elsewhere, are one label with commas in it (`carbo, taxol, amifostine`)."""
    pieces = _LIST_SEP.split(value)
    groups: list[str] = []
    i = 0
    while i < len(pieces):
        size, depth = 1, pieces[i].count("(") - pieces[i].count(")")
        while depth > 0 and i + size < len(pieces):
            depth += pieces[i + size].count("(") - pieces[i + size].count(")")
            size += 1
        groups.append(", ".join(pieces[i:i + size]))
        i += size
    if len(groups) > 1 and groups != sorted(groups) and not any(g.casefold() in known for g in groups):
        groups = [value]
    return [label for label in (vocab.clean(g) for g in groups) if label]


def _interventions_and_arms(blocks: list[_Block]) -> tuple[list[Intervention], list[Arm]]:
    """Interventions (de-duplicated on type and name) and the arms named by their `Arm group label:` lines."""
    interventions: list[Intervention] = []
    seen: set[tuple[str | None, str]] = set()
    links: list[tuple[str, str]] = []  # (raw arm-label value, intervention name)
    for block in blocks:
        if block.section != "intervention":
            continue
        name = _one_line(block.child("intervention name"))
        if name is None:
            continue
        kind = vocab.intervention_type(_one_line(block.child("intervention type")))
        if (kind, name.casefold()) not in seen:
            seen.add((kind, name.casefold()))
            interventions.append(Intervention(name=name, intervention_type=kind,
                                              description=_one_line(block.child("description"))))
        for label_name, lines in block.children:
            if label_name == "arm group label" and (value := _one_line(lines)):
                links.append((value, name))
    known = {value.casefold() for value, _ in links if not _LIST_SEP.search(value)}
    arms: dict[str, Arm] = {}
    for value, name in links:
        for label in _split_arm_labels(value, known):
            arm = arms.setdefault(label.casefold(), Arm(label=label))
            if name not in arm.intervention_names:
                arm.intervention_names.append(name)
    return interventions, list(arms.values())


def _facility_name(value: str | None) -> str | None:
    """The facility name without a street address glued to it: seed 003 reads
    `… University (Qianfoshan Hospital)16766 Jingshi Road, Jinan City` for the facility `… (Qianfoshan Hospital)`."""
    if value is None:
        return None
    m = _GLUED_ADDRESS.search(value)
    return value[: m.start() + 1] if m else value


def _sites(block: _Block) -> list[Site]:
    """One site per `Facility:` sub-block of `Locations:`."""
    sites: list[Site] = []
    current: Site | None = None
    in_contact = False
    for label, lines in block.children:
        if label == "facility":
            current = Site()
            sites.append(current)
            in_contact = False
            continue
        if current is None:
            continue
        if label in ("contact", "contact backup", "investigator"):
            in_contact = True
        value = _one_line(lines)
        if in_contact:
            continue
        if label == "name":
            current.facility = _facility_name(value)
        elif label == "city":
            current.city = value
        elif label == "state":
            current.state = value
        elif label == "zip":
            current.zip = value
        elif label == "country":
            current.country = value
        elif label == "status":
            current.status = vocab.status(value)
    return [s for s in sites if s.facility or s.city or s.country]


def parse(text: str, source: str) -> list[ParsedTrial | ParseError]:
    """Parse one legacy text dump into one trial."""
    blocks = _segment(text.split("\n"))
    if not blocks:
        raise ParseError(source, NAME, "labels", "no 'Label:' lines found")
    first: dict[str, _Block] = {}
    for block in blocks:
        first.setdefault(block.section, block)

    def top(label: str) -> str | None:
        block = first.get(label)
        return _one_line(block.lines) if block else None

    def nested(section: str, child: str) -> str | None:
        block = first.get(section)
        return _one_line(block.child(child)) if block else None

    trial = ParsedTrial(layout=NAME)
    trial.title = top("trial title")
    trial.official_title = top("official title")
    trial.nct_id = vocab.nct_id(top("nct id"))
    trial.conditions = _split_list(top("condition"))
    trial.study_type = vocab.study_type(top("study type"))
    trial.phase = vocab.phase(top("study phase"))
    trial.overall_status = vocab.status(top("overall status"))
    trial.enrollment = vocab.to_int(top("enrollment"))
    trial.allocation = vocab.allocation(nested("study design", "allocation"))
    trial.intervention_model = vocab.intervention_model(nested("study design", "intervention model"))
    trial.primary_purpose = vocab.primary_purpose(nested("study design", "primary purpose"))
    trial.masking = vocab.masking(nested("study design", "masking"))
    trial.interventions, trial.arms = _interventions_and_arms(blocks)
    trial.brief_summary = top("summary")
    trial.detailed_description = top("detailed description")
    eligibility = first.get("criteria for eligibility")
    if eligibility is not None:
        trial.eligibility_text = _block_text(eligibility.child("criteria") or eligibility.lines)
        trial.criteria = split_eligibility(trial.eligibility_text)
    trial.sex = vocab.sex(top("gender"))
    trial.min_age_years = vocab.parse_age_years(top("minimum age"))
    trial.max_age_years = vocab.parse_age_years(top("maximum age"))
    trial.healthy_volunteers = vocab.yes_no(top("healthy volunteers"))
    if "locations" in first:
        trial.sites = [site for block in blocks if block.section == "locations" for site in _sites(block)]
    trial.start_date = vocab.parse_date(top("start date"))
    trial.primary_completion_date = vocab.parse_date(top("primary completion date"))
    trial.completion_date = vocab.parse_date(top("completion date"))
    trial.last_update_date = vocab.parse_date(top("verification date"))
    trial.lead_sponsor = nested("lead sponsor", "agency") or top("lead sponsor")
    trial.sponsors = registry_fields.sponsors(
        (trial.lead_sponsor, nested("lead sponsor", "agency class")),
        [(_one_line(b.child("agency")) or _one_line(b.lines), _one_line(b.child("agency class")))
         for b in blocks if b.section == "collaborator"])
    trial.registry = "CTGOV" if trial.nct_id else None
    trial.identifiers = registry_fields.identifiers(trial.nct_id, [])
    if trial.nct_id is None and trial.title is None:
        raise ParseError(source, NAME, "trial", "neither 'Trial Title:' nor 'NCT ID:' states a value")
    return [trial]
