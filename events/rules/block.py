"""The published block (CALENDAR.md §3): its header, its headings and their order, the order of
listings, and each listing's two lines.

Text inside the lines is escaped by `rules.text`, links pass `rules.links.safe_url`; what a
listing lacks (a group, a link, a place) has been chosen before it gets here, so every listing
comes out in the two-line form.
"""

from __future__ import annotations

import re
from datetime import date

from events.model import Event, Group
from events.rules.gazetteer import STATE_COUNTRIES, country_code, state_codes
from events.rules.links import safe_url
from events.rules.regions import REGION_ORDER, region_of
from events.rules.text import markdown_text

VIRTUAL = "Virtual"
#: Headings in published order: Virtual first, then the regions.
SECTION_ORDER = (VIRTUAL, *REGION_ORDER)


def header(start: date, end: date) -> str:
    """`Rusty Events between S - E 🦀` and its line end."""
    return f"Rusty Events between {start.isoformat()} - {end.isoformat()} 🦀\n"


def sections_of(event: Event) -> tuple[str, ...]:
    """Online events under Virtual; in-person under their region; hybrid under both."""
    names = []
    if event.mode != "in-person":
        names.append(VIRTUAL)
    if event.mode != "online" and event.place is not None:
        region = region_of(event.place.country)
        if region:
            names.append(region)
    return tuple(names)


def sort_key(event: Event) -> tuple[object, ...]:
    """Start date, then the location as displayed (code points), then group, then title."""
    group = event.group.name if event.group else ""
    return (event.date, event.location, group, event.title, event.url or "", event.uid)


def days(event: Event) -> str:
    """`2026-05-18`, or `2026-05-18 - 2026-05-20` for a multi-day event (last day inclusive)."""
    if event.end_date > event.date:
        return f"{event.date.isoformat()} - {event.end_date.isoformat()}"
    return event.date.isoformat()


def _link(text: str, url: str | None) -> str:
    target = safe_url(url)
    return f"[{text}]({target})" if target else text


def group_name(group: Group) -> str:
    """The group's name as the block shows it; a name that is nothing once cleaned (only
    invisible characters) is shown as its page's address, so that the link keeps a text."""
    name = markdown_text(group.name)
    if not name and (url := safe_url(group.url)):
        name = markdown_text(url.split("://", 1)[-1].rstrip("/"))
    return name or "?"


def group_link(group: Group) -> str:
    return _link(group_name(group), group.url)


def title_text(event: Event) -> str:
    """The title as the block shows it; one that is nothing once cleaned falls back, as an
    entry without a title does, to the group's name, else `Event`."""
    return markdown_text(event.title) or (group_name(event.group) if event.group else "Event")


def listing(event: Event) -> str:
    """The two lines of one listing: `* date | location | [group](link)` and
    `    * [**title**](event link)`."""
    groups = " | ".join(group_link(g) for g in event.groups)
    head = f"* {days(event)} | {markdown_text(event.location)}"
    if groups:
        head += f" | {groups}"
    group_url = event.group.url if event.group else None
    target = next((u for u in (event.url, group_url) if safe_url(u)), None)
    title = _link(f"**{title_text(event)}**", target)
    return f"{head}\n    * {title}\n"


# -- the form, as a check ---------------------------------------------------------------------

_DAY = r"\d{4}-\d\d-\d\d"
_TARGET = r"\(https?://[^\s()<>]+\)"
_GROUP = rf"\[[^\n]+?\]{_TARGET}"
CANONICAL_HEAD = re.compile(
    rf"^\* (?P<first>{_DAY})(?: - (?P<last>{_DAY}))? \| (?P<location>[^|\n]+?)"
    rf" \| {_GROUP}(?: \| {_GROUP})*$"
)
CANONICAL_TITLE = re.compile(rf"^    \* \[\*\*[^\n]+?\*\*\]{_TARGET}$")
CANONICAL_HEADER = re.compile(rf"^Rusty Events between (?P<start>{_DAY}) - (?P<end>{_DAY}) 🦀$")
_WRAPPED = re.compile(r"^(?P<mode>Virtual|Hybrid) \((?P<place>.+)\)$")
#: `City, ST, CC` or `City, CC`: a city holds no digit, comma or markup.
_PLACE = re.compile(
    r"^(?P<city>[^\d,|\[\]*<>`\\]+?), (?:(?P<state>[A-Z]{2,3}), )?(?P<country>[A-Z]{2})$"
)


def location_country(location: str) -> tuple[str, str] | None:
    """The mode word (`Virtual`, `Hybrid` or "" in person) and the country code of a canonical
    location column; None when the column is not in the form of §3 (`City, ST, CC` with a
    real state in the US, Canada and Australia only, `UK` for the United Kingdom)."""
    if location == VIRTUAL:
        return VIRTUAL, ""
    wrapped = _WRAPPED.match(location)
    mode, place = (wrapped["mode"], wrapped["place"]) if wrapped else ("", location)
    found = _PLACE.match(place)
    if not found or found["country"] == "GB" or found["city"] != found["city"].strip():
        return None
    country = "GB" if found["country"] == "UK" else found["country"]
    if country_code(country) != country:
        return None
    state = found["state"]
    if (country in STATE_COUNTRIES) != (state is not None):
        return None
    if state is not None and not state_codes(state, country):
        return None
    return mode, country


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def noncanonical_lines(block: str) -> list[str]:
    """The lines of a rendered block that break the form of §3; empty when it holds: the
    header and an empty line, then each non-empty section in order as its heading, listings
    of exactly two lines in order (date, then location) that belong under it and overlap the
    window, and one empty line. A hybrid listing under Virtual is under its region too."""
    if not block.endswith("\n"):
        return ["(no final newline)"]
    lines = block.split("\n")[:-1]
    bad: list[str] = []
    header = CANONICAL_HEADER.match(lines[0]) if lines else None
    if len(lines) < 2 or not header or lines[1] != "":
        return lines[:2] or ["(empty)"]
    start, end = _day(header["start"]), _day(header["end"])
    at, last_section = 2, -1
    hybrids: dict[str, set[str]] = {}  # a hybrid's head line (after Virtual) → its region
    while at < len(lines):
        heading = lines[at]
        name = heading[4:] if heading.startswith("### ") else None
        if name not in SECTION_ORDER or SECTION_ORDER.index(name) <= last_section:
            bad.append(heading)
        else:
            last_section = SECTION_ORDER.index(name)
        at += 1
        listed = 0
        previous: tuple[date, str] | None = None
        while at < len(lines) and lines[at] != "":
            head, title = lines[at], lines[at + 1] if at + 1 < len(lines) else ""
            problem = _head_problem(head, name, start, end, previous)
            if problem:
                bad.append(head)
            else:
                found = CANONICAL_HEAD.match(head)
                assert found is not None
                previous = (date.fromisoformat(found["first"]), found["location"])
                if found["location"].startswith("Hybrid ("):
                    hybrids.setdefault(head, set()).add(name or "")
            if not CANONICAL_TITLE.match(title):
                bad.append(title)
            at += 2
            listed += 1
        if not listed:
            bad.append(f"(empty section: {heading})")
        if at >= len(lines):
            bad.append(f"(no empty line after the section {heading})")
        at += 1  # the empty line after the section
    bad += [head for head, names in hybrids.items() if len(names) != 2]
    return bad


def _head_problem(
    head: str, section: str | None, start: date | None, end: date | None, previous: object
) -> str | None:
    """Why a listing's first line is not canonical under `section`, or None."""
    found = CANONICAL_HEAD.match(head)
    if not found:
        return "shape"
    first, last = _day(found["first"]), _day(found["last"] or found["first"])
    if first is None or last is None or last < first or (found["last"] and last == first):
        return "dates"
    if start is not None and end is not None and (first > end or last < start):
        return "outside the window"
    where = location_country(found["location"])
    if where is None:
        return "location"
    mode, country = where
    if section == VIRTUAL and not mode:
        return "in person under Virtual"
    if section != VIRTUAL and (mode == VIRTUAL or region_of(country) != section):
        return "under another region"
    if isinstance(previous, tuple) and (first, found["location"]) < previous:
        return "order"
    return None
