"""Google Calendar's own ways (CALENDAR.md §1): the public page of every entry, and the calendar
id a feed belongs to.

Every entry of a public Google calendar has a page,
`https://www.google.com/calendar/event?eid=<E>`, where `<E>` is the unpadded base64 of
`<UID before "@google.com"> <calendar id, "@group.calendar.google.com" shortened to "@g">`;
TWIR has published such links for entries with no page of their own.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import unquote

#: The Rust Community Calendar.
COMMUNITY_CALENDAR_ID = "apd9vmbc22egenmtu5l6c5jbfc@group.calendar.google.com"
_GROUP_SUFFIX = "@group.calendar.google.com"
_ID_IN_URL = re.compile(r"/calendar/ical/([^/]+)/", re.IGNORECASE)
_ID_IN_BODY = re.compile(rb"[a-z0-9._%+-]{6,}@group\.calendar\.google\.com", re.IGNORECASE)
_FOLD = re.compile(rb"\r?\n[ \t]")  # a folded line's break (RFC 5545 §3.1)


def calendar_id(source: str, body: bytes = b"") -> str | None:
    """The Google calendar a feed comes from: the id in its export URL
    (`…/calendar/ical/<id>/public/basic.ics`), else the group calendar its entries name
    (Google lists the calendar itself as an ATTENDEE, in a line folded anywhere)."""
    if m := _ID_IN_URL.search(source):
        found = unquote(m.group(1))
        if "@" in found:
            return found
    head = body[:2_000_000]
    named = _ID_IN_BODY.search(head)
    if named is not None and b"\n" in head[max(0, named.start() - 3) : named.start()]:
        named = None  # just after a fold: its start may be on the line before
    if named is None and (b"\n " in head or b"\n\t" in head):
        named = _ID_IN_BODY.search(_FOLD.sub(b"", head))
    if named:
        return named.group(0).decode("ascii").lower()
    return None


def embed_page(calendar: str) -> str:
    """The calendar's own public page, the one people know."""
    return f"https://www.google.com/calendar/embed?src={calendar.replace('@', '%40')}"


def event_page(uid: str, calendar: str | None) -> str | None:
    """The public page of a Google entry, or None when the UID is not Google's or the
    calendar is unknown."""
    if not calendar or not uid.endswith("@google.com"):
        return None
    short = (
        calendar.removesuffix(_GROUP_SUFFIX) + "@g"
        if calendar.endswith(_GROUP_SUFFIX)
        else calendar
    )
    raw = f"{uid.removesuffix('@google.com')} {short}".encode()
    return "https://www.google.com/calendar/event?eid=" + base64.b64encode(raw).decode().rstrip("=")
