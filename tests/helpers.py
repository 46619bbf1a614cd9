"""Small builders for test values, so each test states only what it is about."""

from __future__ import annotations

from datetime import date, datetime

from events.model import Event, FeedSpec, Group, Occurrence, Place

FEED = FeedSpec(name="test feed", source="test.ics")
BERLIN = Place("Berlin", "DE")


def event(
    day: str = "2025-11-20",
    *,
    title: str = "Monthly Meetup",
    url: str | None = "https://www.meetup.com/rust-x/events/1/",
    group: str | None = "Rust X",
    group_url: str | None = "https://www.meetup.com/rust-x",
    mode: str = "in-person",
    place: Place | None = BERLIN,
    last: str | None = None,
    uid: str = "uid-1",
    cancelled: bool = False,
    groups: tuple[Group, ...] | None = None,
) -> Event:
    first = date.fromisoformat(day)
    if groups is None:
        groups = (Group(group, group_url),) if group else ()
    return Event(
        uid=uid,
        feed=FEED.name,
        title=title,
        url=url,
        groups=groups,
        mode=mode,  # type: ignore[arg-type]
        place=place,
        start=first,
        date=first,
        end_date=date.fromisoformat(last) if last else first,
        cancelled=cancelled,
    )


def occurrence(
    *,
    summary: str = "Monthly Meetup",
    description: str = "",
    location: str = "",
    url: str | None = None,
    start: datetime | date = datetime(2025, 11, 20, 18, 0),
    end: datetime | date | None = None,
    uid: str = "uid-1",
    tzid: str | None = None,
    calendar_tz: str | None = None,
    status: str | None = None,
    organizer: str | None = None,
    feed: FeedSpec = FEED,
) -> Occurrence:
    return Occurrence(
        feed=feed,
        uid=uid,
        summary=summary,
        description=description,
        location=location,
        url=url,
        start=start,
        end=end,
        status=status,
        organizer=organizer,
        tzid=tzid,
        calendar_tz=calendar_tz,
    )
