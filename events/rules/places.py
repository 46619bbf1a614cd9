"""Places (CALENDAR.md §2 "LOCATION of an in-person event", §3 "Location"): reading what
people type, writing it the TWIR way, `City[, ST], CC`.

People type addresses in every local shape: venue first, postcode before or after the city,
the country in English, in its own language or as a code, sometimes no country at all. The
reading here peels the country and the state off the right end, then takes as city the
rightmost part the gazetteer knows in that country, or, failing that, the part an address puts
the city in (before the state, beside the postcode). What cannot be read that way is refused
with a reason (`explain_location`), never guessed. Cities stay as written (`München`,
`Brisbane City`); the gazetteer only confirms them and gives their time zone.

The published form is written (`display`, `location_column`) and read back
(`parse_display`, `read_location_column`) here too, so the block and the archive agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from events.model import Mode, Place
from events.rules.gazetteer import (
    STATE_COUNTRIES,
    City,
    country_code,
    find_cities,
    match_city,
    state_codes,
    timezone_for,
)
from events.rules.text import clean_text, markdown_text
from events.rules.wording import published_mode, read_location_words

# patterns compiled once, at import (a forked process inherits them compiled)
_DIGIT = re.compile(r"\d")
_IN_BRACKETS = re.compile(r"\(([^()]*)\)")
_PLUS_OR_DASH_TAIL = re.compile(r"\s(?:\+|-)\s.*$")
_TRAILING_THREE_DIGITS = re.compile(r"\s+\d{3}$")
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_TWO_LOWERCASE = re.compile(r"[a-z]{2}")
_TWO_OR_THREE_CAPITALS = re.compile(r"[A-Z]{2,3}")
_TWO_OR_THREE_LETTERS = re.compile(r"[A-Za-z]{2,3}")
_WORD_START = re.compile(r"(^|[\s\-/'])(\w)")

# -- reading a LOCATION ---------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|us|me|gg)/\S*")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_COORDINATES = re.compile(r"@\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?")
_SEPARATOR = re.compile(r"\s+[-–—·|•]\s+")
_PART_BREAK = re.compile(r"[,;\n]")

_POSTCODES = [
    re.compile(r"〒\s*\d{3}-?\d{4}"),  # JP with its mark
    re.compile(r"\b[A-Z]{1,2}-\d{4,5}\b"),  # D-10178, CH-8001, A-1010
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # UK: M3 5JZ, EC2A 2DB
    re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"),  # CA: M5H 2N2
    re.compile(r"\b\d{4}\s?[A-Z]{2}\b(?![\w-])"),  # NL: 1015 BR
    re.compile(r"\b\d{3}-\d{4}\b|\b\d{5}-\d{3}\b|\b\d{4}-\d{3}\b|\b\d{2}-\d{3}\b"),  # JP BR PT PL
    re.compile(r"\b\d{3}\s\d{2}\b"),  # CZ SK SE GR: 110 00
    re.compile(r"\b[A-Z]\d{4}[A-Z]{0,3}\b"),  # AR: C1043, C1043AAZ
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


class _Part(NamedTuple):
    """One piece of an address (between commas or ` - `), its postcode taken out."""

    text: str
    postcode: bool


class _Reading(NamedTuple):
    """A way to read the right end of an address: the country, its state, what is left."""

    country: str
    state: str | None
    rest: tuple[_Part, ...]
    named: str | None = None  # the part that named the country or state, as written
    inline_city: str | None = None  # `Sydney` of `Sydney NSW 2000`
    after_state: bool = False  # the last part of `rest` stood just before the state
    known_city_only: bool = False  # `Noser Engineering AG`: a code that may be a suffix


class _Found(NamedTuple):
    place: Place
    known: bool  # the gazetteer knows the city there
    population: int


def _split(text: str) -> list[str]:
    """The parts of an address, with commas inside parentheses kept (`Frankfurt (Main)`)."""
    text = _SEPARATOR.sub(",", text)
    if "(" not in text and "[" not in text:  # no bracket to keep commas in: split them all
        return [p.strip(" \t.-–—·") for p in _PART_BREAK.split(text) if p.strip(" \t.-–—·")]
    return _split_bracketed(text)


def _split_bracketed(text: str) -> list[str]:
    """`_split`'s parts, read a character at a time for the brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
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
        if _DIGIT.search(raw):  # every postcode pattern needs a digit, and leaves none added
            for pattern in _POSTCODES:
                stripped = pattern.sub(" ", stripped)
        stripped = " ".join(stripped.split()).strip(" ,-")
        if stripped:  # a part that was only a postcode says nothing more
            parts.append(_Part(stripped, stripped != " ".join(raw.split())))
    return parts


def _strip_noise(text: str) -> str:
    """The LOCATION without invisible characters, links and map coordinates."""
    text = _COORDINATES.sub(" ", _URL.sub(" ", _INVISIBLE.sub("", text)))
    return " ".join(text.split()).strip(" ,;-–—")


def _readings(parts: list[_Part]) -> list[_Reading]:
    """Every way the right end of the parts can name a country (and a state)."""
    *rest, last = parts
    readings: list[_Reading] = []
    # `Taiwan 110`: a postcode too short to be taken for one elsewhere, after the country
    country = country_code(last.text) or country_code(_TRAILING_THREE_DIGITS.sub("", last.text))
    if country:
        readings.append(_with_state(country, tuple(rest), last.text))
    for c, s in state_codes(last.text):
        readings.append(_Reading(c, s, tuple(rest), last.text, after_state=True))
    words = last.text.split()
    if len(words) >= 2:
        head, tail = " ".join(words[:-1]), words[-1]
        # `Minneapolis, MN US`: state and country in one part
        if _TWO_CAPITALS.fullmatch(tail) and (tail_code := country_code(tail)) in STATE_COUNTRIES:
            for c, s in state_codes(head, tail_code):
                readings.append(_Reading(c, s, tuple(rest), head, after_state=True))
        # `Paris France`: city and country in one part
        lowercase_code = _TWO_LOWERCASE.fullmatch(words[-1])  # `… no` is a word, not Norway
        for n in (1, 2, 3):
            code = country_code(" ".join(words[-n:])) if len(words) > n else None
            if code and not lowercase_code:
                city = " ".join(words[:-n])
                # a bare code after a name (`Berlin DE`, but `Noser Engineering AG`: a company's
                # suffix, not Antigua) names the country only of a city the gazetteer knows
                weak = n == 1 and len(words[-1]) <= 3
                readings.append(
                    _Reading(code, None, tuple(rest), inline_city=city, known_city_only=weak)
                )
        # `Sydney NSW 2000`, `Austin TX 78701`: city and state in one part
        if _TWO_OR_THREE_CAPITALS.fullmatch(tail):
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
        if len(words) >= 2 and _TWO_OR_THREE_CAPITALS.fullmatch(words[-1]):
            found = state_codes(words[-1], country)
            if found:
                head = " ".join(words[:-1])
                return _Reading(country, found[0][1], tuple(before), named, inline_city=head)
    elif _TWO_OR_THREE_CAPITALS.fullmatch(last.text) and before:
        # `Leipzig, SN, DE`: a region code, which TWIR does not show outside US/CA/AU
        return _Reading(country, None, tuple(before), named)
    return _Reading(country, None, rest, named)


#: Characters no city name holds: Markdown and HTML typed into a LOCATION (`[Evil](/phish)`,
#: `<b>Kampala</b>`) are never taken for a place.
_MARKUP = re.compile(r"[\[\]<>|*`\\]")


def is_city_name(text: str) -> bool:
    """A city's name is a printable line with a letter in it, with no markup: no `[`, `]`,
    `<`, `>`, `|`, `*`, backtick or backslash, and nothing else the block would have to
    escape (`&amp;`, `_x_`) or clean (controls, invisible characters)."""
    if _MARKUP.search(text) or not text or not any(c.isalpha() for c in text):
        return False
    if not (text[0].isalpha() or text[0] in "'’") or not (text[-1].isalnum() or text[-1] in ").'’"):
        return False  # `( Berlin`, `Berlin,`: a piece of an address, not a name
    if "," in text or ";" in text or text.count("(") != text.count(")"):
        return False
    return clean_text(text) == text and markdown_text(text) == text


def _plausible_city(text: str) -> bool:
    """Could this part, unknown to the gazetteer, be a city? Not a street, venue, code or region,
    and no markup."""
    if (
        not is_city_name(text)
        or _STREET.search(text)
        or len(text.split()) > 4
        or not any(c.isalpha() for c in text)
    ):
        return False
    if _TWO_OR_THREE_CAPITALS.fullmatch(text):
        return False
    return not (country_code(text) or state_codes(text))


def _as_written(text: str) -> str:
    """The city as the entry writes it, only capitalised when typed all in lower case."""
    if not text.islower():
        return text
    return _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _tail(text: str, country: str, state: str | None) -> str | None:
    """`9th Floor New York`: the last words of a part, when they name a known city."""
    words = text.split()
    for n in (3, 2, 1):
        if len(words) > n and find_cities(" ".join(words[-n:]), country, state):
            return " ".join(words[-n:])
    return None


def _state_of(found: tuple[City, ...]) -> str | None:
    """The state of a city the gazetteer knows, when its big namesakes agree on one."""
    if not found:
        return None
    best = found[0]
    states = {c.state for c in found if c.population * 10 > best.population}
    return best.state if len(states) == 1 else None


def _place(text: str, country: str, state: str | None, found: tuple[City, ...]) -> _Found:
    best = found[0] if found else None
    if state is None and country in STATE_COUNTRIES:
        state = _state_of(found)
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
        # `[Evil](/phish)`, `` `Berlin ``: markup is never a city (its tail may hold one)
        shown, found = match_city(text, country, state) if is_city_name(text) else (text, ())
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
    if reading.known_city_only:
        return None
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
            text, found = match_city(text) if not _DIGIT.search(text) else (text, ())
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
    if not known and len({display(f.place) for f in found}) > 1:
        return None, f"ambiguous: {' or '.join(sorted({display(f.place) for f in found}))}"
    return max(known or found, key=lambda f: f.population).place, None


@lru_cache(maxsize=4096)
def explain_location(text: str) -> tuple[Place | None, str | None]:
    """The place a LOCATION names, or None and a short reason (online, unreadable, ambiguous).

    The wording decides first (`wording.read_location_words`): an online LOCATION names no
    venue, a hybrid one names its venue beside the online words. Cached: a recurring series
    repeats its LOCATION on every occurrence."""
    visible = " ".join(_INVISIBLE.sub("", text).split())
    if (missing := visible.count("(") - visible.count(")")) > 0:
        visible += ")" * missing  # `… (Montreal, QC H2A 7E0, Canada`: a bracket left open
    if not visible.strip(" .!:"):
        return None, "no location given"
    bare = _strip_noise(visible)
    if not bare:
        return None, "a link, not a place (online)"
    words = read_location_words(bare)
    if words.mode == "online":
        return None, "online"
    if words.mode is None or not words.place:
        return None, "no place given"
    cleaned = words.place
    bracketed = re.compile(r"\(([^()]*,[^()]*)\)")
    if not bracketed.search(cleaned):
        place, reason = _explain(cleaned)
    else:
        # `Venue (2 Harrison St, San Francisco, CA)` or `Berlin, DE (2nd floor, room 5)`
        place, reason = _explain(bracketed.sub(" ", cleaned))
        if place is None:
            place, reason = _explain(bracketed.sub(lambda m: f", {m.group(1)},", cleaned))
    if place is not None and not is_city_name(place.city):
        return None, f"no city I can recognise ({place.city!r} holds markup)"
    return place, reason


def parse_location(text: str) -> Place | None:
    """The place a LOCATION names, or None when it is online or cannot be read."""
    return explain_location(text)[0]


_NAME_WORDS = re.compile(r"[^\W_]+")
#: A city named in a group's name must be this big, and ten times bigger than its namesakes.
HOME_MIN_POPULATION = 100_000


@lru_cache(maxsize=4096)
def home_in_name(name: str) -> Place | None:
    """The city a group's name or Meetup urlname names (`Boston Rust Meetup`,
    `rust-and-c-plus-plus-in-cardiff`), when the gazetteer knows one big city of that name:
    a guess at the home of a group nobody has published yet."""
    words = _NAME_WORDS.findall(name)
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            text = " ".join(words[start : start + size])
            if len(text) < 4 or any(c.isdigit() for c in text):
                continue
            shown, found = match_city(text)
            if not found or found[0].population < HOME_MIN_POPULATION:
                continue
            best = found[0]
            rival = next(
                (c for c in found[1:] if (c.country, c.state) != (best.country, best.state)), None
            )
            if rival is not None and rival.population * 10 > best.population:
                continue
            city = _as_written(shown)
            return Place(city, best.country, best.state, best.timezone)
    return None


# -- the published form (CALENDAR.md §3 "Location") ------------------------------------------


def display(place: Place) -> str:
    """`City, ST, CC` in the US, Canada and Australia, `City, CC` elsewhere; the United
    Kingdom is `UK`."""
    country = "UK" if place.country == "GB" else place.country
    if place.state and place.country in STATE_COUNTRIES:
        return f"{place.city}, {place.state}, {country}"
    return f"{place.city}, {country}"


def location_column(mode: Mode, place: Place | None) -> str:
    """The location column of a listing: the place in person, `Hybrid (place)`, `Virtual
    (home)`, or bare `Virtual` for an online event of a group without a home (and for a hybrid
    one whose venue nobody could read: §3 has no bare `Hybrid`)."""
    if mode == "in-person":
        return display(place) if place else "Virtual"
    word = "Hybrid" if mode == "hybrid" else "Virtual"
    return f"{word} ({display(place)})" if place else "Virtual"  # no bare `Hybrid` in §3


_STATE_COUNTRY = re.compile(r"^([A-Z]{2,3})\s+([A-Z]{2})$")


def parse_display(text: str, *, lenient: bool = False) -> Place | None:
    """A place written the TWIR way: `City, ST, CC` or `City, CC` (`UK` is GB).

    Strict on shape: the last part must be a country code and, in the US, Canada and
    Australia, a middle part a known state code; a region code elsewhere (`Leipzig, SN, DE`)
    is dropped. `lenient` reads what editors typed in older issues too: a country name
    (`Tel Aviv, Israel`), state and country in one part (`Minneapolis, MN US`), a city with
    a number, an unknown state code (kept out).
    """
    parts = [p.strip() for p in text.strip().split(",")]
    if not lenient and (len(parts) not in (2, 3) or not all(parts)):
        return None
    if len(parts) < 2 or not parts[0]:
        return None
    last, state_part = parts[-1], parts[-2] if len(parts) >= 3 else None
    if lenient and (m := _STATE_COUNTRY.match(last)):
        state_part, last = m.groups()
    if not _TWO_LETTERS.fullmatch(last) and not lenient:
        return None
    country = country_code(last)
    city = parts[0]
    if country is None or not is_city_name(city) or (not lenient and _DIGIT.search(city)):
        return None
    state = None
    if state_part is not None:
        if not _TWO_OR_THREE_LETTERS.fullmatch(state_part):
            if not lenient:
                return None
        elif country in STATE_COUNTRIES:
            if state_codes(state_part, country):
                state = state_part.upper()
            elif not lenient:
                return None
    if state is None and country in STATE_COUNTRIES and not lenient:
        state = _state_of(find_cities(city, country))  # `Toronto, CA` is `Toronto, ON, CA`
    return Place(city, country, state, timezone_for(city, country, state))


def read_location_column(column: str) -> tuple[Mode, tuple[Place, ...]]:
    """The mode and places of a published location column, in any style TWIR has used.

    `Virtual (Berlin, DE)` is online in Berlin, `Virtual (A; B)` names two places, bare
    `Virtual` none; `Hybrid (…)`, `Virtual and In-Person (…)`, `Munich, DE + Virtual` are
    hybrid; anything else is an in-person place (`Los Angeles (Chino Hills), CA, US` too).
    """
    text = " ".join(column.split())
    mode = published_mode(text)
    if mode == "in-person":
        place = parse_display(text, lenient=True)
        return mode, (place,) if place else ()
    inner = [group for group in _IN_BRACKETS.findall(text) if "," in group]
    if inner:
        parts = inner[-1].split(";")
    elif mode == "hybrid":  # `Munich, DE + Virtual`, `Hybrid (Virtual + In-person) Munich, DE`
        bare = _IN_BRACKETS.sub("", text).strip().removeprefix("Hybrid").lstrip(" -:")
        parts = [_PLUS_OR_DASH_TAIL.sub("", bare)]
    else:
        parts = []
    places = [parse_display(part, lenient=True) for part in parts]
    return mode, tuple(p for p in places if p)
