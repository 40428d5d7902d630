"""Which source records are one trial across registries, and that trial's id: a pure rule over plain strings.

Input, one tuple per record: `(record_key, own_ids, named_ids)` — the record's key (`file#index`), its own primary
ID(s) as written, and every other identifier it names (secondary IDs; sponsor numbers may be among them, they are
ignored). Identifiers are compared by `ids.recognise(...).key`, so spellings and EU CTR member-state suffixes do not
matter (`EUCTR2014-003865-11-NL`, `2014-003865-11` → `EUCTR:2014-003865-11`).

The rule:
* records that share a registry identifier — one's own ID named by another, or one ID named by both — are one trial,
  transitively; records with the same own ID (EU CTR's per-country records; an own ID no pattern knows, compared
  casefolded) always are;
* a numbering scheme gives one trial one ID, so two different own IDs of one scheme (`NCT01…` and `NCT02…`; jRCT,
  UMIN and NL-OMON, NTR are separate schemes) are two trials: an identifier whose records would join such IDs links
  nothing and is reported; so is a chain of identifiers that would (its records keep only their own-ID groups);
* the trial id is the NCT ID when a record of the group carries one (its own first, else the NCT ID named by the most
  records, then the smallest); otherwise one of the group's own IDs as `ids.trial_id_of` writes it (EU CTR suffix
  dropped): the registry listed first in `schemas.vocabularies.Registry` wins, an ID no pattern knows comes last, then
  the smallest; a group without own IDs takes a named registry ID by the same order; no ID → None. An ID another
  group holds as its own, or one reported as contested, never names a group: two groups never share a trial id.

Deterministic and independent of input order (everything is keyed and sorted), near-linear (union-find over record
indexes, every identifier visited once), so it can run over every record of a warehouse load.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from schemas.vocabularies import Registry
from transforms import ids

_REGISTRY_RANK = {code: n for n, code in enumerate(Registry.codes())}
_UNKNOWN = "~"  # registry part of the key of an own ID no pattern recognises: ranked after every registry
_SCHEME = re.compile(r"^[^\d]*")


class Identity(NamedTuple):
    """The answer: each record key's trial id (None: the record names no ID), and the conflicts found, sorted."""

    trial_of: dict[str, str | None]
    warnings: list[str]


def scheme_of(key: str) -> str:
    """The numbering scheme of a registry key: `CTGOV:NCT`, `JPRN:jRCT`, `JPRN:UMIN`, `EUCTR:`, `NL_OMON:NTR`."""
    registry, _, ident = key.partition(":")
    return f"{registry}:{_SCHEME.match(ident).group(0)}"  # type: ignore[union-attr]


class _Records:
    """Per record (by index, records sorted by key): own keys, named keys; per key its smallest spelling."""

    def __init__(self, records: Iterable[tuple[str, Sequence[str], Sequence[str]]]):
        own: dict[str, list[str]] = {}
        named: dict[str, list[str]] = {}
        for key, own_ids, named_ids in records:
            own.setdefault(key, []).extend(own_ids)
            named.setdefault(key, []).extend(named_ids)
        self.keys = sorted(own)
        self.spelled: dict[str, str] = {}  # key → its smallest spelling
        self._known: dict[str, str | None] = {}  # identifier as written → its key (None: no registry's)
        self.own = [self._keys_of(own[k], keep_unknown=True) for k in self.keys]
        self.named = [tuple(x for x in self._keys_of(named[k], keep_unknown=False) if x not in mine)
                      for k, mine in zip(self.keys, self.own, strict=True)]

    def _keys_of(self, written: list[str], keep_unknown: bool) -> tuple[str, ...]:
        """Registry keys of the identifiers, sorted; an own ID no registry pattern knows is keyed by its casefolded
        spelling (a named one is a sponsor number or the like: dropped)."""
        out = set()
        for raw in written:
            ident = raw.strip() if raw else ""
            if not ident:
                continue
            if ident not in self._known:
                self._known[ident] = ids.key_of(ident)
            key = self._known[ident]
            if key is None and keep_unknown:
                key = f"{_UNKNOWN}:{ident.casefold()}"
            if key is not None:
                out.add(key)
                if key not in self.spelled or ident < self.spelled[key]:
                    self.spelled[key] = ident
        return tuple(sorted(out))


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, n: int) -> int:
        root = n
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[n] != root:
            self.parent[n], n = root, self.parent[n]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the smaller index as root: the same forest in any order


def _clashes(keys: set[str]) -> list[str]:
    """The keys that share a numbering scheme with another of the given keys, sorted."""
    if len(keys) < 2:
        return []
    by_scheme: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        by_scheme[scheme_of(key)].add(key)
    return sorted(k for group in by_scheme.values() if len(group) > 1 for k in group)


def resolve(records: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> Identity:
    """Group the records into trials and name each trial; see the module docstring for the rule."""
    recs = _Records(records)
    size = len(recs.keys)
    holders: dict[str, list[int]] = defaultdict(list)
    namers: dict[str, list[int]] = defaultdict(list)
    for n in range(size):
        for key in recs.own[n]:
            holders[key].append(n)
        for key in recs.named[n]:
            namers[key].append(n)

    own_groups = _UnionFind(size)  # records holding one own ID: always one trial
    for members in holders.values():
        for n in members[1:]:
            own_groups.union(members[0], n)

    warnings: list[str] = []
    contested: set[str] = set()
    links = _UnionFind(size)
    for members in holders.values():
        for n in members[1:]:
            links.union(members[0], n)
    for key in sorted(namers):
        members = holders.get(key, []) + namers[key]
        clash = _clashes(set().union(*(recs.own[n] for n in members)))
        if clash:
            warnings.append(f"{_shown(key)} is named by records of different trials ({', '.join(map(_shown, clash))})"
                            ": not merged")
            contested.add(key)
            continue
        for n in members[1:]:
            links.union(members[0], n)

    components: dict[int, list[int]] = defaultdict(list)
    for n in range(size):
        components[links.find(n)].append(n)
    groups: list[list[int]] = []
    for members in components.values():
        clash = _clashes(set().union(*(recs.own[n] for n in members)))
        if not clash:
            groups.append(members)
            continue
        warnings.append(f"records {', '.join(recs.keys[n] for n in members)} link different trials "
                        f"({', '.join(map(_shown, clash))}) through several identifiers: only records sharing an own "
                        "ID are merged")
        split: dict[int, list[int]] = defaultdict(list)
        for n in members:
            split[own_groups.find(n)].append(n)
        groups.extend(split.values())

    trial_of: dict[str, str | None] = {}
    for members in groups:
        mine = {own_groups.find(m) for m in members}
        outside = {k for n in members for k in recs.named[n]
                   if k in contested or any(own_groups.find(h) not in mine for h in holders.get(k, ()))}
        trial_id, warning = _trial_id(recs, members, outside)
        if warning:
            warnings.append(warning)
        for n in members:
            trial_of[recs.keys[n]] = trial_id
    return Identity(trial_of, sorted(warnings))


def _shown(key: str) -> str:
    return key.partition(":")[2]


def _by_registry(recs: _Records, keys: set[str]) -> str | None:
    if not keys:
        return None
    return min((_REGISTRY_RANK.get(k.partition(":")[0], len(_REGISTRY_RANK)), ids.trial_id_of(recs.spelled[k]))
               for k in keys)[1]


def _trial_id(recs: _Records, members: list[int], excluded: set[str]) -> tuple[str | None, str | None]:
    """(trial id of one group, a warning when the group names several NCT IDs); `excluded`: named IDs that belong
    to another group or are contested, never this group's id."""
    own = set().union(*(recs.own[n] for n in members))
    named = Counter(k for n in members for k in recs.named[n] if k not in excluded)
    own_nct = sorted(k for k in own if k.startswith("CTGOV:"))
    named_nct = sorted((k for k in named if k.startswith("CTGOV:")), key=lambda k: (-named[k], k))
    warning = None
    if len(set(own_nct) | set(named_nct)) > 1:
        warning = (f"records {', '.join(recs.keys[n] for n in members)} name several NCT IDs "
                   f"({', '.join(_shown(k) for k in sorted(set(own_nct) | set(named_nct)))})")
    if own_nct or named_nct:
        return _shown((own_nct or named_nct)[0]), warning
    return _by_registry(recs, own) or _by_registry(recs, set(named)), warning
