"""The two outputs: TWIR's Markdown block (CALENDAR.md §3) and JSON for other sites.

Text from feeds is shown as written, except what would break the line, the Markdown or a
terminal: control characters, newlines, `**`, unbalanced brackets and non-http(s) links.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from events.model import Agenda, Event, Group, Place
from events.rules.links import safe_url
from events.stages.arrange import sections_of

_BIDI = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
_SPACES = re.compile(r"\s+")
#: C0 and C1 controls (Cc), line and paragraph separators: each becomes a space.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """One line of printable text: controls and bidirectional overrides go, spaces fold."""
    text = _SURROGATES.sub("", _CONTROLS.sub(" ", text.translate(_BIDI)))
    return _SPACES.sub(" ", text).strip()


def markdown_text(text: str) -> str:
    """`clean_text`, then neutralise what would end the bold or the link early."""
    text = clean_text(text).replace("**", r"\*\*")
    out: list[str] = []
    open_at: list[int] = []
    for ch in text:
        if ch == "[":
            open_at.append(len(out))
        elif ch == "]":
            if open_at:
                open_at.pop()
            else:
                ch = r"\]"
        out.append(ch)
    for i in open_at:
        out[i] = r"\["
    result = "".join(out)
    if result.endswith("\\") and not result.endswith("\\\\"):
        result += "\\"
    return result


def _link(text: str, url: str | None) -> str:
    target = safe_url(url)
    return f"[{text}]({target})" if target else text


def _group(group: Group) -> str:
    return _link(markdown_text(group.name), group.url)


def _day(event: Event) -> str:
    if event.end_date > event.date:
        return f"{event.date.isoformat()} - {event.end_date.isoformat()}"
    return event.date.isoformat()


def entry_lines(event: Event) -> str:
    """The two lines of one listing."""
    groups = " | ".join(_group(g) for g in event.groups)
    head = f"* {_day(event)} | {clean_text(event.location)}"
    if groups:
        head += f" | {groups}"
    # without an event link, the title leads to the group's page (said in a warning)
    target = event.url or (event.group.url if event.group else None)
    title = _link(f"**{markdown_text(event.title)}**", target)
    return f"{head}\n    * {title}\n"


def header(start: date, end: date) -> str:
    return f"Rusty Events between {start.isoformat()} - {end.isoformat()} 🦀\n"


def to_markdown(agenda: Agenda) -> str:
    """The block exactly as TWIR publishes it."""
    parts = [header(agenda.window.start, agenda.window.end), "\n"]
    for section in agenda.sections:
        parts.append(f"### {section.name}\n")
        parts.extend(entry_lines(e) for e in section.events)
        parts.append("\n")
    return "".join(parts)


def _place(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "city": clean_text(place.city),
        "state": place.state,
        "country": place.country,
        "display": clean_text(place.display),
        "timezone": place.timezone,
    }


def _group_json(group: Group) -> dict[str, Any]:
    return {"name": clean_text(group.name), "url": safe_url(group.url)}


def event_json(event: Event) -> dict[str, Any]:
    """One event as a plain JSON object (see events/data/event.schema.json)."""
    return {
        "uid": event.uid,
        "date": event.date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "start": event.start.isoformat(),
        "title": clean_text(event.title),
        "url": safe_url(event.url),
        "group": _group_json(event.group) if event.group else None,
        "groups": [_group_json(g) for g in event.groups],
        "mode": event.mode,
        "place": _place(event.place),
        "location": clean_text(event.location),
        "sections": list(sections_of(event)),
        "calendar": event.feed,
        "warnings": [p.message for p in event.problems],
    }


def to_data(agenda: Agenda) -> dict[str, Any]:
    return {
        "window": {"start": agenda.window.start.isoformat(), "end": agenda.window.end.isoformat()},
        "events": [event_json(e) for e in agenda.events],
    }


def to_json(agenda: Agenda) -> str:
    """The agenda as a JSON document, UTF-8 text: one event a line, so that it diffs well, and
    written by json's C encoder (an indented dump would be several times slower)."""
    data = to_data(agenda)
    window = json.dumps(data["window"], ensure_ascii=False)
    if not data["events"]:
        return f'{{"window": {window}, "events": []}}\n'
    events = ",\n".join(json.dumps(event, ensure_ascii=False) for event in data["events"])
    return f'{{"window": {window}, "events": [\n{events}\n]}}\n'
