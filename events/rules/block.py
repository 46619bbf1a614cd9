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


def group_link(group: Group) -> str:
    return _link(markdown_text(group.name), group.url)


def listing(event: Event) -> str:
    """The two lines of one listing: `* date | location | [group](link)` and
    `    * [**title**](event link)`."""
    groups = " | ".join(group_link(g) for g in event.groups)
    head = f"* {days(event)} | {markdown_text(event.location)}"
    if groups:
        head += f" | {groups}"
    group_url = event.group.url if event.group else None
    target = next((u for u in (event.url, group_url) if safe_url(u)), None)
    title = _link(f"**{markdown_text(event.title)}**", target)
    return f"{head}\n    * {title}\n"


# -- the form, as a check ---------------------------------------------------------------------

_DAY = r"\d{4}-\d\d-\d\d"
_TARGET = r"\(https?://[^\s()<>]+\)"
_LOCATION = r"(?:Virtual|(?:Virtual|Hybrid) \([^|\n]+\)|[^|\[\]*\n]+?, (?:[A-Z]{2,3}, )?[A-Z]{2})"
_GROUP = rf"\[[^\n]+?\]{_TARGET}"
CANONICAL_HEAD = re.compile(
    rf"^\* {_DAY}(?: - {_DAY})? \| {_LOCATION} \| {_GROUP}(?: \| {_GROUP})*$"
)
CANONICAL_TITLE = re.compile(rf"^    \* \[\*\*[^\n]+?\*\*\]{_TARGET}$")
CANONICAL_HEADER = re.compile(rf"^Rusty Events between {_DAY} - {_DAY} 🦀$")


def noncanonical_lines(block: str) -> list[str]:
    """The lines of a rendered block that break the form of §3; empty when it holds: the
    header and an empty line, then each non-empty section in order as its heading, listings
    of exactly two lines, and one empty line."""
    if not block.endswith("\n"):
        return ["(no final newline)"]
    lines = block.split("\n")[:-1]
    bad: list[str] = []
    if len(lines) < 2 or not CANONICAL_HEADER.match(lines[0]) or lines[1] != "":
        return lines[:2] or ["(empty)"]
    at, last_section = 2, -1
    while at < len(lines):
        heading = lines[at]
        name = heading[4:] if heading.startswith("### ") else None
        if name not in SECTION_ORDER or SECTION_ORDER.index(name) <= last_section:
            bad.append(heading)
        else:
            last_section = SECTION_ORDER.index(name)
        at += 1
        listed = 0
        while at < len(lines) and lines[at] != "":
            head, title = lines[at], lines[at + 1] if at + 1 < len(lines) else ""
            if not CANONICAL_HEAD.match(head):
                bad.append(head)
            if not CANONICAL_TITLE.match(title):
                bad.append(title)
            at += 2
            listed += 1
        if not listed:
            bad.append(f"(empty section: {heading})")
        if at >= len(lines):
            bad.append(f"(no empty line after the section {heading})")
        at += 1  # the empty line after the section
    return bad
