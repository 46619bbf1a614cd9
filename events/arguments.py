"""The library's door: the arguments of `upcoming`, `build_agenda` and the renderers checked
before any work starts, so that a wrong one is a `TypeError` or `ValueError` naming it, never a
failure deep inside a stage or a silent nonsense (a string taken for a list of 37 one-letter
feeds).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from events.model import Agenda, FeedData, Window
from events.rules.dates import window_error

#: The longest window an issue covers, as on the command line.
MAX_WEEKS = 52


def _shown(value: object) -> str:
    """`str '2026-03-04'`, `PosixPath('x.ics')`: the type and the value, cut short."""
    if value is None:
        return "None"
    text = repr(value)
    text = text if len(text) <= 60 else text[:59] + "…"
    kind = type(value).__name__
    return text if text.startswith(kind) else f"{kind} {text}"


def start_date(where: str, start: object) -> date | None:
    """The issue date: a `date`, or None for the next Wednesday. A `datetime` counts as its own
    (wall-clock) date."""
    if start is None:
        return None
    if isinstance(start, datetime):
        return start.date()
    if not isinstance(start, date):
        hint = " (use date.fromisoformat)" if isinstance(start, str) else ""
        raise TypeError(f"{where}: start must be a datetime.date, not {_shown(start)}{hint}")
    return start


def weeks_count(where: str, weeks: object) -> int:
    """A whole number of weeks from 1 to 52."""
    if isinstance(weeks, bool) or not isinstance(weeks, int):
        raise TypeError(f"{where}: weeks must be an int from 1 to {MAX_WEEKS}, not {_shown(weeks)}")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"{where}: weeks must be from 1 to {MAX_WEEKS}, not {weeks}")
    return weeks


def window_of(where: str, start: date, weeks: int) -> Window:
    """The window from `start` over `weeks` weeks, when the calendar can hold it."""
    problem = window_error(start, weeks)
    if problem:
        raise ValueError(f"{where}: start {start.isoformat()}: {problem}")
    return Window.of_weeks(start, weeks)


def checked_window(where: str, window: object) -> Window:
    """A `Window` of two dates, the first not after the last, that the calendar can hold."""
    if not isinstance(window, Window):
        raise TypeError(f"{where}: window must be an events.Window, not {_shown(window)}")
    for name in ("start", "end"):
        value = getattr(window, name)
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"{where}: window.{name} must be a datetime.date, not {_shown(value)}")
    if window.end < window.start:
        raise ValueError(f"{where}: window ends ({window.end}) before it starts ({window.start})")
    problem = window_error(window.start, 0) or window_error(window.end, 0)
    if problem:
        raise ValueError(f"{where}: window {window.start} - {window.end}: {problem}")
    return window


def _sequence(where: str, name: str, value: object, kind: str) -> list[Any]:
    """The items of a list-like argument; a lone string, bytes or path is refused, not spelt."""
    if isinstance(value, str | bytes | os.PathLike) or not isinstance(value, Iterable):
        raise TypeError(
            f"{where}: {name} must be a list of {kind}, not {_shown(value)}"
            + (f" (write [{value!r}] for one)" if isinstance(value, str | os.PathLike) else "")
        )
    return list(value)


def calendar_sources(where: str, calendars: object) -> tuple[str, ...] | None:
    """Feed URLs or paths (`str` or `os.PathLike`), or None for the configured feeds."""
    if calendars is None:
        return None
    items = _sequence(where, "calendars", calendars, "URLs or paths")
    if not items:
        raise ValueError(f"{where}: calendars is empty (pass None for the configured feeds)")
    sources = []
    for index, item in enumerate(items):
        if isinstance(item, os.PathLike):
            item = os.fspath(item)
        if not isinstance(item, str):
            raise TypeError(
                f"{where}: calendars[{index}] must be a URL or a path, not {_shown(item)}"
            )
        if not item.strip():
            raise ValueError(f"{where}: calendars[{index}] is empty")
        sources.append(item)
    return tuple(sources)


def optional_path(where: str, name: str, value: object) -> Path | None:
    """A file or directory argument: a `str` or `os.PathLike`, or None."""
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike) or isinstance(value, bytes):
        raise TypeError(f"{where}: {name} must be a path (str or Path), not {_shown(value)}")
    path = Path(value)
    if not str(value).strip():
        raise ValueError(f"{where}: {name} is empty")
    return path


def flag(where: str, name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be True or False, not {_shown(value)}")
    return value


def number(where: str, name: str, value: object, *, low: float, whole: bool = False) -> Any:
    """An int at least `low` when `whole`, else a finite number above `low`."""
    wrong = isinstance(value, bool) or (whole and not isinstance(value, int))
    if wrong or not isinstance(value, int | float):
        kind = "an int" if whole else "a number"
        raise TypeError(f"{where}: {name} must be {kind}, not {_shown(value)}")
    amount = float(value)
    if whole and amount < low:
        raise ValueError(f"{where}: {name} must be at least {low}, not {value}")
    if not whole and not (math.isfinite(amount) and amount > low):
        raise ValueError(f"{where}: {name} must be a finite number above {low}, not {value}")
    return value


def callback(where: str, name: str, value: object) -> Any:
    if value is not None and not callable(value):
        raise TypeError(f"{where}: {name} must be callable or None, not {_shown(value)}")
    return value


def feed_data(where: str, feeds: object) -> tuple[FeedData, ...]:
    """`FeedData` values (bytes already fetched); paths and URLs are for `upcoming`."""
    items = _sequence(where, "feeds", feeds, "events.FeedData")
    for index, item in enumerate(items):
        if not isinstance(item, FeedData):
            hint = (
                " (to read files or URLs, use events.upcoming(calendars=[...]))"
                if isinstance(item, str | os.PathLike)
                else ""
            )
            raise TypeError(
                f"{where}: feeds[{index}] must be an events.FeedData, not {_shown(item)}{hint}"
            )
        if not isinstance(item.body, bytes):
            raise TypeError(f"{where}: feeds[{index}].body must be bytes, not {_shown(item.body)}")
    return tuple(items)


def agenda(where: str, value: object) -> Agenda:
    if not isinstance(value, Agenda):
        raise TypeError(f"{where}: agenda must be an events.Agenda, not {_shown(value)}")
    return value
