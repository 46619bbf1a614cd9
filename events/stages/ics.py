"""iCalendar output: the selection as a feed other sites can subscribe to (RFC 5545).

One VEVENT per listed event (a hybrid event once, though the block lists it twice), with a UID
that stays the same from run to run (the source entry's UID and the local date, hashed), the
event's page as URL and the block's location. Times are written in UTC; an all-day event keeps
its dates (DTEND exclusive). Every string passes `rules.text` and every link
`rules.links.safe_url`, as in the block.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from events.model import Agenda, Event
from events.rules import block
from events.rules.links import safe_url
from events.rules.text import clean_text

PRODID = "-//twir-events//Rusty Events//EN"
UID_DOMAIN = "twir-events"


def event_uid(event: Event) -> str:
    """A UID that names this occurrence in every run: the source UID and the local date."""
    digest = hashlib.sha256(f"{event.uid}\n{event.date.isoformat()}".encode()).hexdigest()
    return f"{digest[:32]}@{UID_DOMAIN}"


def to_ics(agenda: Agenda, *, now: datetime | None = None) -> bytes:
    """The agenda's events as an iCalendar document (CRLF lines, folded), UTF-8."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    window = agenda.window
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Rusty Events")
    # how often subscribers should look again (RFC 7986, and the name most clients read)
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    calendar.add(
        "x-wr-caldesc",
        f"Rust community events between {window.start.isoformat()} and "
        f"{window.end.isoformat()}, as This Week in Rust lists them",
    )
    for event in agenda.events:
        entry = VEvent()
        entry.add("uid", event_uid(event))
        entry.add("dtstamp", stamp)
        if isinstance(event.start, datetime):
            entry.add("dtstart", event.start.astimezone(UTC))
            end = event.page.end if event.page is not None else None
            if isinstance(end, datetime) and end.tzinfo is not None and end > event.start:
                entry.add("dtend", end.astimezone(UTC))
        else:
            entry.add("dtstart", event.date)
            entry.add("dtend", event.end_date + timedelta(days=1))
        entry.add("summary", clean_text(event.title))
        url = safe_url(event.url)
        if url:
            entry.add("url", url)
        entry.add("location", clean_text(event.location))
        entry.add("description", _description(event, url))
        entry.add("categories", list(block.sections_of(event)) or ["Virtual"])
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


def _description(event: Event, url: str | None) -> str:
    lines = []
    for group in event.groups:
        link = safe_url(group.url)
        lines.append(f"{clean_text(group.name)}: {link}" if link else clean_text(group.name))
    if url:
        lines.append(url)
    return "\n".join(lines)
