"""Read published "Upcoming Events" blocks back into values, in every style TWIR has used.

The archive is the ground truth the registry is learned from and accuracy is measured against.
Editors typed it by hand for years, so the reader is lenient: it accepts headings with colons or
single `#`, blank lines anywhere, `-` bullets, odd indentation, several groups or titles on one
line, multi-day dates written four different ways, and links with a stray space or paren. The
location column is read by `rules.places.read_location_column`, the same rule that writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from datetime import date

__all__ = ["Block", "Listing", "parse_block", "parse_links"]


@dataclass(frozen=True)
class Listing:
    """One published entry: a bullet line and the title line(s) under it."""

    date: dt.date
    end_date: dt.date  # last day, inclusive; equal to `date` for one-day events
    location: str  # the location column as published, whitespace trimmed
    groups: tuple[tuple[str, str], ...]  # (name, url); url is "" when the editor gave none
    titles: tuple[tuple[str, str], ...]  # (title without `**`, url)
    section: str


@dataclass(frozen=True)
class Block:
    """A whole published block: its window and its sections in published order."""

    start: date
    end: date
    sections: tuple[tuple[str, tuple[Listing, ...]], ...]

    @property
    def listings(self) -> tuple[Listing, ...]:
        return tuple(listing for _, listings in self.sections for listing in listings)


_HEADER = re.compile(r"Rusty Events between\s+(\d{4}-\d\d-\d\d)\s*-\s*(\d{4}-\d\d-\d\d)")
# A listing bullet: `*`, `-` or (once) `#`, then a date. Leading spaces occur too.
_LISTING = re.compile(r"^\s*(?:[*#-]+\s*)?(\d{4}-\d{1,2}-\d{1,2})")
_HEADING = re.compile(r"^#+\s*(.*?)\s*:?\s*$")
_TITLE = re.compile(r"^\s*[*-]\s*\$?\s*\[")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:-(\d{1,2})(?!\d|-))?")


def parse_block(text: str) -> Block:
    """Parse one published block; raise ValueError if it has no `Rusty Events between` header."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if _HEADER.search(line)), None)
    if first is None:
        raise ValueError("not a TWIR events block: no 'Rusty Events between S - E' header")
    header = _HEADER.search(lines[first])
    assert header is not None  # the line was found by this pattern
    sections: list[tuple[str, list[Listing]]] = []
    section = ""
    for line in lines[first + 1 :]:
        if not line.strip():
            continue
        if _LISTING.match(line):
            if not sections or sections[-1][0] != section:
                sections.append((section, []))
            try:
                sections[-1][1].append(_listing(line, section))
            except ValueError as exc:  # a date that does not exist
                raise ValueError(f"{exc}: {line.strip()!r}") from None
        elif line.lstrip().startswith("#"):
            heading = _HEADING.match(line.strip())
            section = heading.group(1) if heading else ""
        elif _TITLE.match(line) and sections and sections[-1][0] == section:
            last = sections[-1][1][-1]
            sections[-1][1][-1] = replace(last, titles=last.titles + _titles(line))
        # Anything else (stray prose) is ignored: the archive has none worth reading.
    return Block(
        date.fromisoformat(header.group(1)),
        date.fromisoformat(header.group(2)),
        tuple((name, tuple(items)) for name, items in sections),
    )


def _listing(line: str, section: str) -> Listing:
    """Split a bullet line into date range, location and groups; titles come later."""
    body = _LISTING.match(line)
    if body is None:
        raise ValueError("not a listing line")
    rest = line[body.start(1) :]
    date_part, _, rest = rest.partition("|")
    first, last = _date_range(date_part)
    links = parse_links(rest)
    if links:
        location = rest[: links[0][2]]
        groups = tuple((name, url) for name, url, _ in links)
    else:  # a group written without a link: `| Salzburg, AT | Rust Salzburg`
        location, _, plain = rest.partition("|")
        groups = ((plain.strip(), ""),) if plain.strip() else ()
    location = location.strip().strip("|").strip()
    return Listing(first, last, location, groups, (), section)


def _date_range(text: str) -> tuple[date, date]:
    """First and last day of `D`, `D - D`, `D & D`, `D, D`, `D * D` or `YYYY-MM-DD-DD`."""
    days: list[date] = []
    for match in _DATE.finditer(text):
        year, month, day, last_day = match.groups()
        days.append(date(int(year), int(month), int(day)))
        if last_day:
            days.append(date(int(year), int(month), int(last_day)))
    return days[0], max(days[-1], days[0])


def _titles(line: str) -> tuple[tuple[str, str], ...]:
    return tuple((_unbold(name), url) for name, url, _ in parse_links(line))


def _unbold(text: str) -> str:
    return text.strip().strip("*").strip()


def parse_links(text: str) -> list[tuple[str, str, int]]:
    """Every Markdown link `[text](url)` in `text` as (text, url, offset of its `[`).

    Link texts may hold balanced brackets (`[[Net-Baires] Comunidad …](…)`) and `|`; URLs may
    hold balanced parentheses. Editors' slips are tolerated: `[x] (url)`, `[x]url)`, and `[x]`
    with no URL at all (url "").
    """
    links: list[tuple[str, str, int]] = []
    pos = 0
    while (opening := text.find("[", pos)) != -1:
        closing = _balanced(text, opening, "[", "]")
        if closing == -1:
            break
        label = text[opening + 1 : closing]
        after = closing + 1
        while after < len(text) and text[after] == " " and text[after + 1 : after + 2] == "(":
            after += 1
        if text.startswith("(", after):
            end = _balanced(text, after, "(", ")")
            end = len(text) if end == -1 else end
            url = text[after + 1 : end].strip()
            while url.startswith(("(", "<")) and url.endswith((")", ">")):  # `[x]((url))`
                url = url[1:-1].strip()
            pos = end + 1
        elif text.startswith("http", after):
            url = text[after:].split(")", 1)[0].split()[0]
            pos = after + len(url) + 1
        else:
            url, pos = "", after
        links.append((label, url, opening))
    return links


def _balanced(text: str, start: int, opener: str, closer: str) -> int:
    """Index of the `closer` matching the `opener` at `start`, or -1."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index
    return -1
