"""Render: the outputs — TWIR's Markdown block (CALENDAR.md §3, through `rules.block`) and JSON
for other sites (events/data/event.schema.json).

Every string from a feed or a page goes out through `rules.text` and every link through
`rules.links.safe_url`, so neither the block nor the JSON can carry markup, controls or a link
that is not http(s).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from events import arguments
from events.model import Agenda, Event, Group, PageFacts, Place
from events.rules import block
from events.rules.links import safe_url
from events.rules.places import display
from events.rules.text import clean_text, json_already_clean


def to_markdown(agenda: Agenda, *, header: bool = True) -> str:
    """The block exactly as TWIR publishes it; without `header`, the listings alone, which is
    what a TWIR draft's `$twir_events_list` takes (the template has its own header line)."""
    arguments.agenda("to_markdown", agenda)
    arguments.flag("to_markdown", "header", header)
    parts = [block.header(agenda.window.start, agenda.window.end), "\n"] if header else []
    for section in agenda.sections:
        parts.append(f"### {section.name}\n")
        parts.extend(block.listing(e) for e in section.events)
        parts.append("\n")
    return "".join(parts)


def _place(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "city": place.city,
        "state": place.state,
        "country": place.country,
        "display": display(place),
        "timezone": place.timezone,
    }


def _group(group: Group) -> dict[str, Any]:
    return {"name": group.name, "url": safe_url(group.url)}


def _moment(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _page(page: PageFacts | None) -> dict[str, Any] | None:
    if page is None:
        return None
    return {
        "url": safe_url(page.url),
        "name": page.name or None,
        "start": _moment(page.start),
        "end": _moment(page.end),
        "status": page.status,
        "mode": page.mode,
        "place": _place(page.place),
        "address": page.address or None,
        "online_url": safe_url(page.online_url),
        "organizers": [_group(g) for g in page.organizers],
    }


def _inert(value: Any) -> Any:
    """Every string of a JSON value through `clean_text` (links have passed `safe_url`): what
    a feed, a page or a server wrote cannot carry controls or invisible characters out."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inert(item) for item in value]
    return value


def event_json(event: Event) -> dict[str, Any]:
    """One event as a plain JSON object (see events/data/event.schema.json)."""
    return json.loads(_event_text(event))


def _event_text(event: Event) -> str:
    """One event as one line of JSON, every string through `clean_text`: most events are
    checked whole on their JSON text, in C (`json_already_clean`), the others string by
    string."""
    return _fields_text(_event_fields(event))


def _event_line(event: Event, shared: dict[tuple[int, ...], tuple[bytes, bytes]]) -> bytes:
    """`_event_text` as UTF-8. The occurrences of one entry share everything but their dates
    (the same objects): that part is written once for them all, and kept as bytes."""
    key = _entry_key(event)
    parts = shared.get(key)
    if parts is None:
        fields = _event_fields(event)
        for name in _DATES:
            del fields[name]
        head = _fields_text({"uid": fields.pop("uid")})
        tail = _fields_text(fields)
        parts = shared[key] = (head[:-1].encode("utf-8"), tail[1:].encode("utf-8"))
    dates = (
        f',"date":"{event.date.isoformat()}","end_date":"{event.end_date.isoformat()}"'
        f',"start":"{event.start.isoformat()}",'
    )
    return b"".join((parts[0], dates.encode("ascii"), parts[1]))


def _entry_key(event: Event) -> tuple[int, ...]:
    """The same for the occurrences of one entry, which share their fields' objects."""
    return tuple(map(id, _ENTRY_FIELDS(vars(event))))


def _fields_text(fields: dict[str, Any]) -> str:
    text = _encode(fields)
    if json_already_clean(text):
        return text
    return _encode(_inert(fields))


#: An event's fields that differ between the occurrences of one entry, and the others.
_DATES = ("date", "end_date", "start")
_ENTRY_FIELDS = itemgetter(*(f.name for f in dataclass_fields(Event) if f.name not in _DATES))
_COMPACT = (",", ":")
#: json.dumps with these options, its encoder made once rather than for every call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=_COMPACT).encode


def _event_fields(event: Event) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "date": event.date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "start": event.start.isoformat(),
        "title": event.title,
        "url": safe_url(event.url),
        "group": _group(event.group) if event.group else None,
        "groups": [_group(g) for g in event.groups],
        "mode": event.mode,
        "place": _place(event.place),
        "location": event.location,
        "sections": list(block.sections_of(event)),
        "calendar": event.feed,
        "sources": list(event.sources or (event.feed,)),
        "page": _page(event.page),
        "changed": list(event.changed),
        "warnings": [p.message for p in event.problems],
    }


def to_data(agenda: Agenda) -> dict[str, Any]:
    """The agenda as plain JSON values (see events/data/event.schema.json)."""
    arguments.agenda("to_data", agenda)
    return json.loads(to_json(agenda))


def to_json(agenda: Agenda) -> str:
    """The agenda as a JSON document, UTF-8 text: one event a line, so that it diffs well, and
    written by json's C encoder (an indented dump would be several times slower)."""
    return to_json_bytes(agenda).decode("utf-8")


def to_json_bytes(agenda: Agenda, *, cores: int = 1) -> bytes:
    """`to_json` encoded as UTF-8, an event at a time: the document is never held as one str
    (with an emoji in it, that is four bytes a character). With `cores` > 1 and many events,
    each of that many processes (`events.parallel`: forked) writes the lines of some entries."""
    arguments.agenda("to_json", agenda)
    days = {"start": agenda.window.start.isoformat(), "end": agenda.window.end.isoformat()}
    window = json.dumps(days, separators=_COMPACT).encode()
    events = agenda.events
    if not events:
        return b'{"window":' + window + b',"events":[]}\n'
    if cores > 1 and len(events) >= PARALLEL_MIN_EVENTS:
        from functools import partial

        from events import parallel

        shares = _shares(events, CHUNKS)
        lines: list[bytes] = [b""] * len(events)
        written = parallel.pooled(partial(_lines, events), shares, cores=cores)
        for share, share_lines in zip(shares, written, strict=True):
            for index, line in zip(share, share_lines, strict=True):
                lines[index] = line
    else:
        lines = _lines(events, range(len(events)))
    return b"".join((b'{"window":', window, b',"events":[\n', b",\n".join(lines), b"\n]}\n"))


#: Below this many events a second process costs more than it saves.
PARALLEL_MIN_EVENTS = 800
#: The events are written in this many chunks of whole entries, each process taking the next.
CHUNKS = 8


def _shares(events: tuple[Event, ...], parts: int) -> list[list[int]]:
    """The events' indexes dealt into `parts` chunks of about the same size, the largest first,
    every occurrence of one entry in the same one: what they share (`_event_line`) is then
    written once, not once a process."""
    from events.parallel import deal

    entries: dict[tuple[int, ...], list[int]] = {}
    for index, event in enumerate(events):
        entries.setdefault(_entry_key(event), []).append(index)
    ordered = sorted(entries.values(), key=len, reverse=True)
    dealt = deal([_ENTRY_COST + len(indexes) for indexes in ordered], parts)
    return [sorted(i for k in share for i in ordered[k]) for share in dealt if share]


#: What writing an entry's shared part costs, in lines written from it.
_ENTRY_COST = 3


def _lines(events: tuple[Event, ...], indexes: Sequence[int]) -> list[bytes]:
    """The JSON lines of the events at `indexes`."""
    shared: dict[tuple[int, ...], tuple[bytes, bytes]] = {}  # its events' objects are alive
    return [_event_line(events[index], shared) for index in indexes]
