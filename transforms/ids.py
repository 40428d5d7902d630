"""Trial identifiers → their registry and the key that identifies a trial across spellings and registries."""
from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.registries import REGISTRY_ID_PATTERNS
from schemas.vocabularies import Registry

_PATTERNS = tuple((registry, re.compile(rf"\s*{pattern}\s*", re.IGNORECASE)) for registry, pattern in REGISTRY_ID_PATTERNS)
# Canonical spelling of the identifying part, per registry, where case varies in the wild.
_UPPER = {Registry.CTGOV, Registry.ISRCTN, Registry.DRKS, Registry.ANZCTR, Registry.CRIS, Registry.PACTR,
          Registry.RPCEC, Registry.TCTR, Registry.LBCTR, Registry.ITMCTR, Registry.CTRI, Registry.SLCTR, Registry.IRCT}


@dataclass(frozen=True, slots=True)
class RegistryId:
    """An identifier recognised as a registry's: which registry, and the trial key shared by all its spellings."""

    registry: Registry
    key: str  # `EUCTR:2014-003865-11`, `CTGOV:NCT01234567`


def recognise(identifier: str | None) -> RegistryId | None:
    """The registry an identifier belongs to, by its whole shape; None for sponsor numbers, WHO UTNs and the like."""
    if not identifier:
        return None
    for registry, pattern in _PATTERNS:
        m = pattern.fullmatch(identifier)
        if m:
            part = m.group("id")
            if registry in _UPPER:
                part = part.upper()
            elif registry is Registry.CHICTR:
                part = "ChiCTR" + part[6:].upper()
            return RegistryId(registry, f"{registry.value}:{part}")
    return None


def registry_of(identifier: str | None) -> str | None:
    """The registry code of an identifier (`EUCTR2014-003865-11-NL` → EUCTR), or None."""
    found = recognise(identifier)
    return found.registry.value if found else None


def key_of(identifier: str | None) -> str | None:
    """The trial key an identifier shares with its other spellings (`CTGOV:NCT01234567`), or None."""
    found = recognise(identifier)
    return found.key if found else None


def trial_id_of(identifier: str) -> str:
    """The trial key a registry's own ID gives a trial: the ID as written, an EU CTR member-state suffix dropped
    (`EUCTR2014-003865-11-NL` → `EUCTR2014-003865-11`: the per-country records are one trial)."""
    ident = identifier.strip()
    found = recognise(ident)
    if found and found.registry is Registry.EUCTR:
        return "EUCTR" + found.key.split(":", 1)[1]
    if found and found.registry is Registry.CTGOV:
        return found.key.split(":", 1)[1]
    return ident


_NCT_ANYWHERE = re.compile(r"NCT\d{8}", re.IGNORECASE)


def nct_in(identifier: str | None) -> str | None:
    """The NCT ID an identifier is (`NCT01234567`, ` nct01234567 `), or None."""
    found = recognise(identifier)
    return found.key.split(":", 1)[1] if found and found.registry is Registry.CTGOV else None
