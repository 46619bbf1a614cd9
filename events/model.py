"""The plain values that flow between the pipeline's stages.

fetch → FeedData → expand → Occurrence → understand → Event → select → group → Agenda → render.
Every value is a frozen dataclass so that no stage can change what an earlier one produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

Mode = Literal["in-person", "online", "hybrid"]

#: Countries whose published places carry a state or province code.
STATE_COUNTRIES = frozenset({"US", "CA", "AU"})


@dataclass(frozen=True)
class Window:
    """The issue's window: both ends inclusive, compared with local dates."""

    start: date
    end: date

    @classmethod
    def of_weeks(cls, start: date, weeks: int) -> Window:
        return cls(start, start + timedelta(days=7 * weeks))

    def overlaps(self, first: date, last: date) -> bool:
        return first <= self.end and last >= self.start


@dataclass(frozen=True)
class FeedSpec:
    """One configured calendar: where it is and, for a single group's feed, whose it is."""

    name: str
    source: str  # an http(s) URL or a file path
    group: str | None = None  # registry name (or plain name) of the group owning the feed
    group_url: str | None = None


@dataclass(frozen=True)
class Problem:
    """Something the tool could not read or understand, said on standard error."""

    feed: str
    message: str
    uid: str | None = None
    summary: str | None = None

    def __str__(self) -> str:
        if self.uid is None:
            return f"{self.feed}: {self.message}"
        return f"{self.feed}: {self.uid} {self.summary!r}: {self.message}"


@dataclass(frozen=True)
class FeedData:
    """The body of one feed as fetched or read, with how fresh it is."""

    spec: FeedSpec
    body: bytes
    origin: Literal["file", "fresh", "not-modified", "cached"] = "file"
    age_seconds: float | None = None  # age of a cached copy used instead of a fresh one
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a VEVENT, as the feed states it, before any interpretation."""

    feed: FeedSpec
    uid: str
    summary: str
    description: str
    location: str
    url: str | None
    start: (
        datetime | date
    )  # aware datetime (UTC or the TZID's zone), naive if floating, date if all-day
    end: datetime | date | None
    status: str | None = None
    organizer: str | None = None  # the ORGANIZER's CN, if any
    tzid: str | None = None  # the TZID the feed wrote on DTSTART, if any
    calendar_tz: str | None = None  # the calendar's X-WR-TIMEZONE

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class Place:
    """A published place: `City, ST, CC` in the US, Canada and Australia, else `City, CC`."""

    city: str
    country: str  # ISO 3166 alpha-2 (GB for the United Kingdom)
    state: str | None = None
    timezone: str | None = None  # IANA name, when known

    @property
    def display(self) -> str:
        country = "UK" if self.country == "GB" else self.country
        if self.state and self.country in STATE_COUNTRIES:
            return f"{self.city}, {self.state}, {country}"
        return f"{self.city}, {country}"


@dataclass(frozen=True)
class Group:
    """A group as published: its name, its page, and where it is at home."""

    name: str
    url: str | None = None
    home: Place | None = None


@dataclass(frozen=True)
class Event:
    """One listing-to-be: an occurrence understood the way an editor would read it."""

    uid: str
    feed: str
    title: str
    url: str | None
    groups: tuple[Group, ...]
    mode: Mode
    place: Place | None  # the venue for in-person and hybrid events, the group's home online
    start: datetime | date  # aware local datetime, or a date for all-day events
    date: date  # local start date
    end_date: date  # local last day (inclusive)
    cancelled: bool = False
    problems: tuple[Problem, ...] = ()

    @property
    def group(self) -> Group | None:
        return self.groups[0] if self.groups else None

    @property
    def location(self) -> str:
        """The location column exactly as the block shows it."""
        if self.mode == "in-person":
            return self.place.display if self.place else "Virtual"
        word = "Hybrid" if self.mode == "hybrid" else "Virtual"
        return f"{word} ({self.place.display})" if self.place else word


@dataclass(frozen=True)
class Section:
    """A heading of the block and its events in published order."""

    name: str
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Agenda:
    """Everything a renderer needs: the window, the sections, and what went wrong on the way."""

    window: Window
    sections: tuple[Section, ...]
    events: tuple[Event, ...]  # each event once, sorted
    problems: tuple[Problem, ...] = field(default=())
    feeds: tuple[FeedData, ...] = field(default=())  # the feeds read, fresh or from the cache
    failures: tuple[Problem, ...] = field(default=())  # feeds that could not be read at all
