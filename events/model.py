"""The plain values that flow between the pipeline's stages.

fetch → FeedData → expand → Occurrence → understand → Event → select → pages → arrange →
Agenda → render. Every value is a frozen dataclass so that no stage can change what an earlier
one produced; `Problem` says what went wrong on the way, with a `ProblemKind` code can branch on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Literal

Mode = Literal["in-person", "online", "hybrid"]


class Severity(Enum):
    """How loudly a problem is said: errors fail the run, notes only with `--verbose`."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class ProblemKind(Enum):
    """What went wrong, for code to branch on (the message is for people)."""

    # a source as a whole
    UNREADABLE_SOURCE = "unreadable source"  # not fetched or read, and no copy to fall back on
    NOT_A_CALENDAR = "not a calendar"
    STALE_COPY = "cached copy used"
    CACHE = "cache not written"
    BAD_HEADER = "bad calendar property"
    # an entry
    UNREADABLE_ENTRY = "unreadable entry"
    DOUBTFUL_ENTRY = "doubtful entry"
    CANCELLED = "cancelled"
    NOT_LISTED = "not listed"
    NO_GROUP = "no group"
    GROUP_UNKNOWN = "group not in the registry"
    GROUP_GUESSED = "group guessed"
    NO_GROUP_LINK = "no group link"
    NO_EVENT_LINK = "no event link"
    NO_TITLE = "no title"
    PLACE_NOT_UNDERSTOOD = "place not understood"
    HOME_GUESSED = "home guessed"
    NO_TIME_ZONE = "no time zone"
    # notes: said with --verbose
    DUPLICATE = "duplicate"
    MERGED = "merged"
    NOT_ABOUT_RUST = "not about Rust"
    # event pages
    PAGE_UNAVAILABLE = "page unavailable"
    PAGE_DISAGREES = "page disagrees"
    PAGE_CHANGED = "page changed"

    @property
    def severity(self) -> Severity:
        if self in (ProblemKind.UNREADABLE_SOURCE, ProblemKind.NOT_A_CALENDAR):
            return Severity.ERROR
        if self in _NOTES:
            return Severity.NOTE
        return Severity.WARNING

    @property
    def source_failed(self) -> bool:
        """The source as a whole gave nothing."""
        return self in (ProblemKind.UNREADABLE_SOURCE, ProblemKind.NOT_A_CALENDAR)


_NOTES = frozenset(
    {
        ProblemKind.DUPLICATE,
        ProblemKind.MERGED,
        ProblemKind.NOT_ABOUT_RUST,
        ProblemKind.PAGE_CHANGED,
    }
)


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
    required: bool = False  # a run that cannot read it has failed
    rust_only: bool = False  # a general-tech group: only its events about Rust count


@dataclass(frozen=True)
class Problem:
    """Something the tool could not read or understand, said on standard error: of which kind,
    in which feed (or page), and for an entry its UID and SUMMARY."""

    kind: ProblemKind
    feed: str
    message: str
    uid: str | None = None
    summary: str | None = None

    def __str__(self) -> str:
        """One printable line: what a feed holds cannot reach a terminal as escapes."""
        from events.rules.text import clean_text

        if self.uid is None:
            return clean_text(f"{self.feed}: {self.message}")
        return clean_text(f"{self.feed}: {self.uid} {self.summary!r}: {self.message}")


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
    calendar_name: str | None = None  # the calendar's X-WR-CALNAME
    calendar_id: str | None = None  # a Google calendar's id, for its entries' public pages

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class Place:
    """A place as published (`rules.places.display` writes it): city as written, country,
    state in the US, Canada and Australia, and its time zone."""

    city: str
    country: str  # ISO 3166 alpha-2 (GB for the United Kingdom)
    state: str | None = None
    timezone: str | None = None  # IANA name, when known


@dataclass(frozen=True)
class Group:
    """A group as published: its name, its page, and where it is at home."""

    name: str
    url: str | None = None
    home: Place | None = None


@dataclass(frozen=True)
class PageFacts:
    """What an event's own page says about it (schema.org `Event` data, CALENDAR.md §1), as
    plain values; a field is None when the page does not say."""

    url: str
    name: str | None = None
    start: datetime | date | None = None
    end: datetime | date | None = None
    status: str | None = None  # scheduled, cancelled, postponed, rescheduled, moved-online
    mode: Mode | None = None
    place: Place | None = None
    address: str | None = None  # the address as the page writes it
    online_url: str | None = None
    organizers: tuple[Group, ...] = ()


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
    start: datetime | dt.date  # aware local datetime, or a date for all-day events
    date: dt.date  # local start date
    end_date: dt.date  # local last day (inclusive)
    cancelled: bool = False
    about_rust: bool = True  # False for an event of a general-tech group that is not
    from_group_feed: bool = False  # read from the group's own feed (Meetup, Luma)
    problems: tuple[Problem, ...] = ()
    sources: tuple[str, ...] = ()  # every feed the event was found in, its own first
    page: PageFacts | None = None  # what its page said, when the page was read
    changed: tuple[str, ...] = ()  # the fields the page settled or corrected

    @property
    def group(self) -> Group | None:
        return self.groups[0] if self.groups else None

    @property
    def location(self) -> str:
        """The location column exactly as the block shows it (`rules.places`)."""
        from events.rules.places import location_column

        return location_column(self.mode, self.place)


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
    calendars: tuple[FeedSpec, ...] = field(default=())  # every feed asked for, read or not
