"""Read a published TWIR block into the listings a feed has to express.

The generator reads blocks on its own, without `events.archive`, so that a bug in the code under
test cannot make the test feeds agree with it. It is lenient with the archive's older styles
(headings with colons, blank lines, `Virtual and In-Person (…)`, `+` between groups) and says
why a listing cannot be expressed instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

SECTIONS = ("Virtual", "Africa", "Asia", "Europe", "North America", "Oceania", "South America")
STATE_COUNTRIES = frozenset({"US", "CA", "AU"})

_HEADER = re.compile(r"Rusty Events between\s+(\d{4}-\d\d-\d\d)\s*-\s*(\d{4}-\d\d-\d\d)")
_HEADING = re.compile(r"^#{1,3}\s*([A-Za-z ]+?)\s*:?\s*$")
_ENTRY = re.compile(r"^[*-]\s*(\d{4}-\d\d?-\d\d?[^|]*)\|\s*(.*)$")
_DAY = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)(?:-(\d\d?)(?![\d-]))?")
_TITLE_LINE = re.compile(r"^\s*[*-]\s*\[")
_LINK = re.compile(
    r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\s?(?:\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)|(https?://[^\s)]+)\)?)"
)  # `[text](url)`, and the archive's slips `[text] (url)` and `[text]url)`
_HYBRID = re.compile(r"hybrid|in[- ]person|\+\s*virtual", re.IGNORECASE)
_INNER = re.compile(r"\(([^()]*,[^()]*)\)")


@dataclass(frozen=True)
class Place:
    """A published place: the city as written, a state code (US, CA, AU only) and a country."""

    city: str
    country: str  # ISO 3166 alpha-2, GB for the United Kingdom
    state: str | None = None

    @property
    def display(self) -> str:
        country = "UK" if self.country == "GB" else self.country
        if self.state:
            return f"{self.city}, {self.state}, {country}"
        return f"{self.city}, {country}"


@dataclass(frozen=True)
class Listing:
    """One event of a block: hybrid events listed twice are one listing with two sections."""

    date: date
    end_date: date
    location: str  # the location column as published
    groups: tuple[tuple[str, str], ...]
    titles: tuple[tuple[str, str], ...]
    sections: tuple[str, ...]
    mode: str = "in-person"  # "in-person", "online" or "hybrid"
    place: Place | None = None  # the venue, or the home of an online group
    problem: str | None = None  # why a feed cannot express it, if it cannot

    @property
    def title(self) -> str:
        return self.titles[0][0]

    @property
    def url(self) -> str:
        return self.titles[0][1]

    @property
    def group(self) -> tuple[str, str]:
        return self.groups[0]

    @property
    def canonical_location(self) -> str:
        """The location column the contract's renderer would write for this listing."""
        if self.mode == "in-person":
            return self.place.display if self.place else ""
        word = "Hybrid" if self.mode == "hybrid" else "Virtual"
        return f"{word} ({self.place.display})" if self.place else word


def window(text: str) -> tuple[date, date] | None:
    """The block's S and E from its header line."""
    match = _HEADER.search(text)
    if match is None:
        return None
    return date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))


def parse(text: str) -> list[Listing]:
    """Every event of the block once, in order of first appearance, expressible or not."""
    merged: dict[tuple, Listing] = {}
    section = ""
    pending: dict | None = None

    def flush() -> None:
        nonlocal pending
        if pending is None:
            return
        listing = _listing(pending, section_of=pending.pop("section"))
        key = (listing.date, listing.end_date, listing.groups, listing.titles)
        if key in merged:
            old = merged[key]
            sections = old.sections + tuple(s for s in listing.sections if s not in old.sections)
            merged[key] = Listing(**{**old.__dict__, "sections": sections})
        else:
            merged[key] = listing
        pending = None

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        entry = _ENTRY.match(line.lstrip())
        if entry and (line.startswith(("*", "-")) or not line.startswith(" ")):
            flush()
            days, rest = entry.groups()
            pending = {"days": days, "rest": rest, "titles": [], "section": section}
        elif line.startswith("#"):
            flush()
            heading = _HEADING.match(line)
            section = heading.group(1).strip() if heading else "?"
        elif pending is not None and _TITLE_LINE.match(line):
            pending["titles"].extend(_links(line))
        else:
            flush()
    flush()
    seen: set[tuple[date, str]] = set()
    listings = []
    for listing in merged.values():
        if listing.problem is None:
            key = (listing.date, link_key(listing.url))
            if key in seen:  # one event published twice with different details
                listing = Listing(**{**listing.__dict__, "problem": "listed twice"})
            seen.add(key)
        listings.append(listing)
    return listings


def link_key(url: str) -> str:
    """A link compared loosely: case and a trailing slash do not make another event."""
    return url.strip().rstrip("/").lower()


def _links(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2) or m.group(3) or "") for m in _LINK.finditer(text)]


def _days(text: str) -> tuple[date, date]:
    """First and last day of `D`, `D - D`, `D, D`, `D & D` or `YYYY-MM-DD-DD`."""
    days = []
    for year, month, day, last_day in _DAY.findall(text):
        days.append(date(int(year), int(month), int(day)))
        if last_day:
            days.append(date(int(year), int(month), int(last_day)))
    return days[0], max(days)


def _listing(raw: dict, *, section_of: str) -> Listing:
    first, last = _days(raw["days"])
    rest: str = raw["rest"]
    link = _LINK.search(rest)
    location = rest[: link.start()] if link else rest
    location = location.strip().rstrip("|").strip()
    groups = tuple(_links(rest[link.start() :])) if link else ()
    titles = tuple((name.strip().strip("*").strip(), url) for name, url in raw["titles"])
    mode, place, problem = read_location(location)
    if problem is None:
        problem = _link_problem(groups, titles)
    return Listing(
        date=first,
        end_date=max(first, last),
        location=location,
        groups=groups,
        titles=titles,
        sections=(section_of,),
        mode=mode,
        place=place,
        problem=problem,
    )


def _link_problem(groups: tuple, titles: tuple) -> str | None:
    if not groups or not all(url.startswith("http") for _, url in groups):
        return "no group link"
    if len(titles) != 1:
        return "several titles on one line" if titles else "no title"
    title, url = titles[0]
    if not url.startswith("http") or not title:
        return "no event link"
    if re.match(r"(?i)\W*cancel", title):
        return "title marks it cancelled"  # a feed entry titled so is left out, rightly
    if re.search(
        r"zoom\.us|jit\.si|meet\.google|teams\.microsoft|youtube\.|twitch\.tv|discord", url
    ):
        return "event link is a meeting link"
    if "google.com/url?" in url:
        return "event link is a Google redirect"
    return None


def read_location(text: str) -> tuple[str, Place | None, str | None]:
    """Mode, place and, if the column cannot be expressed, why not."""
    text = " ".join(text.split())
    lowered = text.lower()
    online = lowered.startswith(("virtual", "online"))
    if _HYBRID.search(text) or ("virtual" in lowered and not online):
        mode = "hybrid"
    elif online:
        mode = "online"
    else:
        place = parse_place(text)
        return "in-person", place, None if place else "place not readable"
    inner = _INNER.findall(text)
    if inner:
        body = inner[-1]
    elif mode == "hybrid":
        body = re.sub(r"\([^()]*\)", "", text)
        body = re.sub(r"(?i)^hybrid\s*[-:]?\s*", "", body.strip())
        body = re.sub(r"\s[-+]\s.*$", "", body)
    elif lowered.strip() in ("virtual", "online"):
        return mode, None, None
    else:
        return mode, None, "place not readable"
    if ";" in body:
        return mode, None, "several places"
    place = parse_place(body)
    return mode, place, None if place else "place not readable"


@cache
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


def parse_place(text: str) -> Place | None:
    """`City, ST, CC` or `City, CC` with a two-letter country; None for anything less clear."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (2, 3) or not parts[0]:
        return None
    city = parts[0]
    if "/" in city or "(" in city or "[" in city:
        return None  # two names for one place, or a place inside a place
    tail = parts[-1]
    state = parts[1].upper() if len(parts) == 3 else None
    if match := re.fullmatch(r"([A-Za-z]{2,3})\s+([A-Za-z]{2})", tail):
        state, tail = match.group(1).upper(), match.group(2)
    if not re.fullmatch(r"[A-Za-z]{2}", tail):
        return None
    country = tail.upper()
    country = "GB" if country == "UK" else country
    if country not in _countries():
        return None  # `Buffalo, NY`: a state where the country should be
    if country not in STATE_COUNTRIES:
        state = None
    elif not state or not re.fullmatch(r"[A-Z]{2,3}", state):
        return None  # `Perth, AU`: the block itself does not say what the contract wants
    return Place(city, country, state)
