"""What a calendar says of itself (its zone, its name, its scale), read from the bytes around
its VEVENTs; a bad value is a warning and the feed is read without it (issue 12 §2).

Both paths use `calendar_zone`: the fast one on the header lines read here, the full one on
icalendar's values, so a bad X-WR-TIMEZONE means the same thing to both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from events import model
from events.rules import google
from events.stages.expand.lines import iana_zone, text

_LINES = re.compile(r"\r?\n")
_UNFOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
_LINE = re.compile(r'([A-Za-z0-9-]+)((?:;(?:[^:";]|"[^"]*")*)*):(.*)', re.DOTALL)


@dataclass(frozen=True)
class About:
    """What the calendar says of itself, carried on each of its occurrences."""

    timezone: str | None
    name: str | None
    google_id: str | None


@dataclass(frozen=True)
class Header:
    """The calendar's own properties, or why its bytes are left to icalendar."""

    about: About
    scale: str  # CALSCALE, upper-cased
    problems: tuple[model.Problem, ...]


def calendar_zone(values: list[str]) -> tuple[str | None, str | None]:
    """The zone X-WR-TIMEZONE names (None without one) and, when it names none usable, why:
    an unknown zone, a value with parameters or escapes, two different values."""
    distinct = list(dict.fromkeys(value.strip() for value in values))
    if not distinct:
        return None, None
    if len(distinct) > 1:
        shown = ", ".join(distinct[:3])
        return None, f"X-WR-TIMEZONE is written {len(distinct)} ways ({shown}); read without it"
    value = distinct[0]
    if iana_zone(value) is None:
        return None, f"X-WR-TIMEZONE:{value[:60]} is not a time zone; read without it"
    return value, None


_SCANNED = 2_000_000  # as much of the body as `google.calendar_id` searches
_GROUP_CALENDAR = re.compile(rb"@group\.calendar\.google\.com", re.IGNORECASE)


def calendar_id(spec: model.FeedSpec, body: bytes) -> str | None:
    """The Google calendar a feed belongs to: its URL or its entries say; a saved Google export
    that says neither is the one calendar TWIR reads.

    `google.calendar_id` looks for the calendar's address in the body; it is only shown the
    bytes around each place the address's domain occurs (searching 2 MB for the address
    itself takes a third of a second)."""
    found = google.calendar_id(spec.source)
    if found is None:
        for domain in _GROUP_CALENDAR.finditer(body, 0, _SCANNED):
            around = body[max(0, domain.start() - 2000) : domain.end()]
            found = google.calendar_id(spec.source, around)
            if found is not None:
                break
    if found is None and b"PRODID:-//Google Inc" in body[:4096]:
        return google.COMMUNITY_CALENDAR_ID
    return found


def read_header(spec: model.FeedSpec, body: bytes, outside: list[tuple[int, int]]) -> Header | None:
    """The calendar's properties from the bytes outside its VEVENTs (`outside`: spans of
    `body`), or None when those bytes are not a plain calendar (icalendar then reads the feed
    and says what is wrong with it)."""
    try:
        content = b"".join(body[begin:end] for begin, end in outside).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = [line for line in _LINES.split(_UNFOLD.sub("", content)) if line.strip()]
    if not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        return None
    if lines[-1].strip().upper() != "END:VCALENDAR":
        return None
    depth = 0
    zones: list[str] = []
    names: list[str] = []
    scales: list[str] = []
    problems: list[model.Problem] = []
    for number, line in enumerate(lines):
        match = _LINE.fullmatch(line)
        if match is None:
            problems.append(
                model.Problem(
                    model.ProblemKind.BAD_HEADER,
                    spec.name,
                    f"calendar line {line[:40]!r} is not a property; read without it",
                )
            )
            continue
        name, value = match.group(1).upper(), match.group(3)
        if name in ("BEGIN", "END"):
            depth += 1 if name == "BEGIN" else -1
            if depth < 0 or (depth == 0 and number != len(lines) - 1):
                return None  # more than one calendar, or stray ENDs
            continue
        if depth != 1:
            continue
        if name == "X-WR-TIMEZONE":
            zones.append(text(value))
        elif name == "X-WR-CALNAME":
            names.append(text(value))
        elif name == "CALSCALE":
            scales.append(text(value))
    if depth != 0:
        return None
    zone, why = calendar_zone(zones)
    if why:
        problems.append(model.Problem(model.ProblemKind.BAD_HEADER, spec.name, why))
    name_text = names[0].strip() if names else ""
    about = About(zone, name_text or None, calendar_id(spec, body))
    scale = (scales[0] if scales else "GREGORIAN").strip().upper()
    return Header(about, scale, tuple(problems))
