"""Dates (CALENDAR.md §2 "Time"; §3 for the issue date): the local date where an event happens,
and the Wednesday an issue comes out. (The window itself is `model.Window.of_weeks`.)

The published date is the venue's local date, or the group's home date for an online event: a
Seattle meetup at 18:30 on Tuesday arrives as `…T013000Z` Wednesday and is published on Tuesday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.model import Mode, Place

#: Room a window needs inside the calendar's years 1 to 9999: occurrences are expanded a few days
#: beyond it, and local dates shift across zones.
WINDOW_ROOM = timedelta(days=31)
EARLIEST_DAY = date.min + WINDOW_ROOM
LATEST_DAY = date.max - WINDOW_ROOM


def window_error(start: date, weeks: int) -> str | None:
    """Why a window of `weeks` weeks from `start` cannot be read (it would run off the
    calendar), or None when it can."""
    if start < EARLIEST_DAY:
        return f"too early: the first day that can be read is {EARLIEST_DAY.isoformat()}"
    if start > LATEST_DAY:
        return f"too late: the last day that can be read is {LATEST_DAY.isoformat()}"
    if (LATEST_DAY - start).days < 7 * weeks:
        return (
            f"a window of {weeks} week{'s' if weeks != 1 else ''} would end after "
            f"{LATEST_DAY.isoformat()}, the last day that can be read"
        )
    return None


def next_issue_date(today: date | None = None) -> date:
    """TWIR comes out on Wednesdays: the next Wednesday on or after `today`."""
    today = today or date.today()
    return today + timedelta(days=(2 - today.weekday()) % 7)


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone of that name, or None for no name or one the database does not know."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


class LocalDays(NamedTuple):
    """When an event happens where it happens: its local start and first and last days."""

    start: datetime | date
    first: date
    last: date
    zone_guessed: str | None = None  # the calendar's zone, when only it decided the date


def local_days(
    start: datetime | date,
    end: datetime | date | None,
    *,
    mode: Mode,
    place: Place | None,
    home: Place | None,
    tzid: str | None,
    calendar_tz: str | None,
) -> LocalDays:
    """Date an occurrence in the zone where it happens: the venue's (in person, hybrid), the
    group's home (online), the TZID it was written in, else the calendar's own zone, which is
    reported when it changes the day."""
    if not isinstance(start, datetime):
        last = start
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            last = end - timedelta(days=1)  # an all-day DTEND is exclusive
        return LocalDays(start, start, last)
    guessed = None
    if start.tzinfo is None:  # floating: already local
        local_start = start
        local_end = end if isinstance(end, datetime) and end.tzinfo is None else None
    else:
        names = []
        if mode != "online" and place is not None:
            names.append(place.timezone)
        if home is not None:
            names.append(home.timezone)
        names.append(tzid)
        found = next((z for z in map(zone, names) if z is not None), None)
        if found is None:
            found = zone(calendar_tz) or ZoneInfo("UTC")
            if start.astimezone(found).date() != start.astimezone(UTC).date():
                guessed = found.key
        local_start = start.astimezone(found)
        local_end = end.astimezone(found) if isinstance(end, datetime) and end.tzinfo else None
    first = local_start.date()
    last = first
    if local_end is not None and local_end - local_start >= timedelta(days=1):
        last = (local_end - timedelta(microseconds=1)).date()
    return LocalDays(local_start, first, last, guessed)
