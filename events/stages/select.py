"""Keep what an issue lists: inside the window by local date, not cancelled, each event once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from events.model import Event, Problem, Window


@dataclass(frozen=True)
class Selection:
    """The events to list, and what was left out that an editor should hear about."""

    events: tuple[Event, ...]
    problems: tuple[Problem, ...]


def select(events: Iterable[Event], window: Window) -> Selection:
    """Window by local dates (a multi-day event still running on the first day stays), drop
    cancelled entries with a note, and list an event entered twice, or present in two feeds,
    once: the same event link on the same day, or the same UID on the same day."""
    kept: list[Event] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, object], int] = {}
    for event in events:
        if not window.overlaps(event.date, event.end_date):
            continue
        if event.cancelled:
            problems.append(_note(event, f"cancelled on {event.date}; left out"))
            continue
        keys = [("uid", event.uid, event.date)]
        if event.url:
            keys.append(("url", event.url.rstrip("/").casefold(), event.date))
        index = next((seen[k] for k in keys if k in seen), None)
        if index is None:
            for key in keys:
                seen[key] = len(kept)
            kept.append(event)
            continue
        if len(event.problems) < len(kept[index].problems):
            kept[index] = event
        for key in keys:
            seen.setdefault(key, index)
    return Selection(tuple(kept), tuple(problems))


def _note(event: Event, message: str) -> Problem:
    return Problem(event.feed, message, event.uid, event.title)
