"""Write calendar entries the way Google Calendar's public `basic.ics` export writes them.

Byte-level habits matter to the code under test, so they are reproduced rather than left to a
library: CRLF, folding at 75 octets without splitting a UTF-8 character, Google's header and
property order, one 1970-based VTIMEZONE per TZID, `&amp\\;` in escaped HTML, UTC one-offs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PRODID = "-//Google Inc//Google Calendar 70.9054//EN"
CALENDAR_ADDRESS = "apd9vmbc22egenmtu5l6c5jbfc@group.calendar.google.com"


@dataclass
class VEvent:
    """One VEVENT as Google exports it; datetimes are aware, dates mean all-day."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    created: datetime
    tzid: str | None = None  # None: datetimes are written in UTC with `Z`
    rrule: str | None = None
    exdates: list[datetime] = field(default_factory=list)
    recurrence_id: datetime | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None
    status: str = "CONFIRMED"
    sequence: int = 0
    attendee: bool = False
    organizer: str | None = None
    conference: str | None = None
    alarm: bool = False
    lic_error: bool = False
    zone: str | None = None  # where its local dates are read; not written to the feed


def escape(text: str) -> str:
    """RFC 5545 TEXT escaping, as Google applies it (commas and semicolons too)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> bytes:
    """One content line folded at 75 octets, never inside a UTF-8 character, CRLF-terminated."""
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte: back off
            cut -= 1
        pieces.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines start with a space
    pieces.append(data)
    return b"\r\n ".join(pieces) + b"\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: datetime | date, tzid: str | None) -> str:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    if tzid is None:
        return f"{name}:{_utc(value)}"
    local = value.astimezone(ZoneInfo(tzid))
    return f"{name};TZID={tzid}:{local:%Y%m%dT%H%M%S}"


def event_lines(event: VEvent, stamp: datetime) -> list[str]:
    """The content lines of one VEVENT in Google's property order."""
    lines = ["BEGIN:VEVENT", _when("DTSTART", event.start, event.tzid)]
    lines.append(_when("DTEND", event.end, event.tzid))
    if event.rrule:
        lines.append(f"RRULE:{event.rrule}")
    lines += [_when("EXDATE", moment, event.tzid) for moment in event.exdates]
    lines.append(f"DTSTAMP:{_utc(stamp)}")
    if event.organizer:
        lines.append(f"ORGANIZER;CN={event.organizer}:mailto:{CALENDAR_ADDRESS}")
    lines.append(f"UID:{event.uid}")
    if event.attendee:
        lines.append(
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
            f"CN=Rust Community;X-NUM-GUESTS=0:mailto:{CALENDAR_ADDRESS}"
        )
    if event.conference:
        lines.append(f"X-GOOGLE-CONFERENCE:{event.conference}")
    if event.recurrence_id is not None:
        lines.append(_when("RECURRENCE-ID", event.recurrence_id, event.tzid))
    lines.append(f"CREATED:{_utc(event.created)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    modified = event.created + timedelta(days=event.sequence * 3, hours=event.sequence)
    lines.append(f"LAST-MODIFIED:{_utc(modified)}")
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    lines.append(f"SEQUENCE:{event.sequence}")
    lines.append(f"STATUS:{event.status}")
    lines.append(f"SUMMARY:{escape(event.summary)}")
    lines.append("TRANSP:OPAQUE")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.lic_error:
        lines.append(
            "X-LIC-ERROR;X-LIC-ERRORTYPE=VALUE-PARSE-ERROR:No value for LOCATION property. "
            "Removing entire property:"
        )
    if event.alarm:
        lines += [
            "BEGIN:VALARM",
            "ACTION:NONE",
            "TRIGGER;VALUE=DATE-TIME:19760401T005545Z",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def vtimezone_lines(tzid: str, year: int) -> list[str]:
    """A VTIMEZONE with one 1970-based rule per kind, read off the IANA zone for `year`."""
    zone = ZoneInfo(tzid)
    changes = _transitions(zone, year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}", f"X-LIC-LOCATION:{tzid}"]
    if not changes:
        offset = datetime(year, 1, 15, 12, tzinfo=UTC).astimezone(zone)
        text = _offset(offset.utcoffset())
        lines += [
            "BEGIN:STANDARD",
            f"TZOFFSETFROM:{text}",
            f"TZOFFSETTO:{text}",
            f"TZNAME:{offset.tzname()}",
            "DTSTART:19700101T000000",
            "END:STANDARD",
        ]
    for before, after in changes:
        kind = "DAYLIGHT" if after.dst() else "STANDARD"
        local = before.replace(tzinfo=None)  # the wall clock just before the change
        local = local + timedelta(seconds=1)
        nth = (local.day - 1) // 7 + 1
        last = (local + timedelta(days=7)).month != local.month
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local.weekday()]
        byday = f"-1{weekday}" if last else f"{nth}{weekday}"
        start = _rule_date_1970(local.month, weekday, -1 if last else nth)
        lines += [
            f"BEGIN:{kind}",
            f"TZOFFSETFROM:{_offset(before.utcoffset())}",
            f"TZOFFSETTO:{_offset(after.utcoffset())}",
            f"TZNAME:{after.tzname()}",
            f"DTSTART:1970{start:%m%d}T{local:%H%M%S}",
            f"RRULE:FREQ=YEARLY;BYMONTH={local.month};BYDAY={byday}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def _transitions(zone: ZoneInfo, year: int) -> list[tuple[datetime, datetime]]:
    """Local times just before and just after each offset change in `year`."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    step = timedelta(hours=1)
    previous = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        nxt = moment + step
        offset = nxt.astimezone(zone).utcoffset()
        if offset != previous:
            found.append(((nxt - timedelta(seconds=1)).astimezone(zone), nxt.astimezone(zone)))
            previous = offset
        moment = nxt
    return found


def _rule_date_1970(month: int, weekday: str, nth: int) -> date:
    days = [date(1970, month, d) for d in range(1, 32) if _valid(1970, month, d)]
    matching = [
        d for d in days if ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d.weekday()] == weekday
    ]
    return matching[nth - 1] if nth > 0 else matching[-1]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def calendar_bytes(
    events: list[VEvent],
    *,
    name: str,
    timezone: str,
    stamp: datetime,
    description: str | None = None,
) -> bytes:
    """A whole `basic.ics`: header, a VTIMEZONE per TZID used, then the events as given."""
    year = stamp.year
    tzids = sorted({e.tzid for e in events if e.tzid}, key=lambda z: (z != timezone, z))
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{timezone}",
    ]
    if description:
        lines.append(f"X-WR-CALDESC:{escape(description)}")
    for tzid in tzids:
        lines += vtimezone_lines(tzid, year)
    for event in events:
        lines += event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)
