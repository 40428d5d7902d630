"""Identifiers, sponsors and MeSH terms as the registry layouts state them, turned into record fields the same way
by every layout: which identifier is the record's own, which another registry's, which a sponsor's number."""
from __future__ import annotations

from collections.abc import Iterable

from transforms import ids, vocab
from transforms.record import Identifier, MeshLeaf, MeshTerm, Sponsor


def identifiers(own: str | None, others: Iterable[str | None]) -> list[Identifier]:
    """The record's own ID (PRIMARY), then each other ID it names once: another registry's (REGISTRY, by the ID's
    shape, `2014-003865-11` → EUCTR) or anything else (OTHER: protocol, grant and ethics numbers). A type label the
    source gives (`Identifier Type: REGISTRY`, `NCI-2023-02484`) is not enough: only the shape names a registry."""
    out: list[Identifier] = []
    seen: set[str] = set()
    if own and (own := own.strip()):
        out.append(Identifier(own, "PRIMARY", ids.registry_of(own)))
        seen.add(own.casefold())
    for raw in others:
        ident = vocab.clean(raw)
        if not ident or ident.casefold() in seen:
            continue
        seen.add(ident.casefold())
        registry = ids.registry_of(ident)
        out.append(Identifier(ident, "REGISTRY" if registry else "OTHER", registry))
    return out


def sponsors(lead: tuple[str | None, str | None] | None,
             collaborators: Iterable[tuple[str | None, str | None]] = ()) -> list[Sponsor]:
    """LEAD then COLLABORATOR rows from (name, agency class as written) pairs; an unnamed one is left out, a
    collaborator repeating the lead or an earlier collaborator too."""
    out: list[Sponsor] = []
    seen: set[str] = set()
    for role, pairs in (("LEAD", [lead] if lead else []), ("COLLABORATOR", collaborators)):
        for name, agency in pairs:
            name = vocab.clean(name)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                agency_class = vocab.agency_class(agency) if isinstance(agency, str) else None
                out.append(Sponsor(name=name, role=role, agency_class=agency_class))
    return out


def mesh_terms(direct: Iterable[tuple[object, object]], ancestors: Iterable[tuple[object, object]] = ()) -> list[MeshTerm]:
    """DIRECT then ANCESTOR terms from (MeSH UI, heading) pairs as the source holds them; a pair without a
    well-formed UI is left out (no UI is ever looked up or made up from a heading)."""
    out: list[MeshTerm] = []
    seen: set[tuple[str, str]] = set()
    for relation, pairs in (("DIRECT", direct), ("ANCESTOR", ancestors)):
        for raw_id, term in pairs:
            mesh_id = vocab.mesh_id(raw_id) if isinstance(raw_id, str) else None
            if mesh_id and (mesh_id, relation) not in seen:
                seen.add((mesh_id, relation))
                # headings are the registry's own vocabulary: whitespace is all there is to tidy
                heading = (" ".join(term.split()) or None) if isinstance(term, str) else None
                out.append(MeshTerm(mesh_id=mesh_id, term=heading, relation=relation))
    return out


def mesh_leaves(found: Iterable[tuple[str | None, str | None]], terms: list[MeshTerm]) -> list[MeshLeaf]:
    """Names as the record wrote them (`asFound`) with the MeSH term the registry filed them under (the leaf's
    name), joined to that term's UI among the record's own terms; a leaf whose term is not among them is left out."""
    by_term = {t.term.casefold(): t for t in terms if t.term}
    out: list[MeshLeaf] = []
    seen: set[tuple[str, str]] = set()
    for raw_found, raw_name in found:
        as_found, leaf_name = vocab.clean(raw_found), vocab.clean(raw_name)
        if not as_found or not leaf_name:
            continue
        term = by_term.get(leaf_name.casefold())
        if term is not None and (as_found, term.mesh_id) not in seen:
            seen.add((as_found, term.mesh_id))
            out.append(MeshLeaf(as_found=as_found, mesh_id=term.mesh_id, term=term.term))
    return out
