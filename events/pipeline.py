"""The whole pipeline, one way: fetch → expand → understand → select → arrange.

`upcoming()` is the call the issue builder makes; `build_agenda()` is the same minus the
fetching, for callers that already hold the feeds' bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from .config import load_config, spec_for
from .model import Agenda, Event, FeedData, FeedSpec, Problem, Window


def next_issue_date(today: date | None = None) -> date:
    """TWIR comes out on Wednesdays: the next Wednesday on or after `today`."""
    today = today or date.today()
    return today + timedelta(days=(2 - today.weekday()) % 7)


def build_agenda(
    feeds: Sequence[FeedData], window: Window, *, registry: object | None = None
) -> Agenda:
    """Expand, understand, select and arrange the events of `feeds` for `window`.

    One entry that cannot be read becomes a Problem and never takes the others with it; a
    body that is not a calendar at all becomes a failure of its feed.
    """
    from .expand import expand
    from .registry import Registry
    from .sections import arrange
    from .select import select
    from .understand import understand

    reg = registry if isinstance(registry, Registry) else Registry.bundled()
    reg = reg.as_of(window.start)  # groups named as editors named them for this issue
    problems: list[Problem] = []
    failures: list[Problem] = []
    events: list[Event] = []
    read: list[FeedData] = []
    for feed in feeds:
        expansion = expand(feed, window)
        if not expansion.occurrences and any(
            p.uid is None and p.message.startswith("not an iCalendar feed")
            for p in expansion.problems
        ):
            failures.extend(expansion.problems)
            continue
        read.append(feed)
        problems.extend(feed.problems)
        problems.extend(expansion.problems)
        for occ in expansion.occurrences:
            try:
                events.append(understand(occ, reg))
            except Exception as exc:  # noqa: BLE001 - one entry never drops the others
                problems.append(
                    Problem(
                        feed.spec.name, f"could not be understood: {exc!r}", occ.uid, occ.summary
                    )
                )
    selection = select(events, window)
    sections, listed, unlisted = arrange(selection.events)
    for event in listed:
        problems.extend(event.problems)
    problems.extend(selection.problems)
    problems.extend(unlisted)
    return Agenda(
        window=window,
        sections=sections,
        events=listed,
        problems=tuple(problems),
        feeds=tuple(read),
        failures=tuple(failures),
    )


def upcoming(
    start: date | None = None,
    weeks: int = 4,
    *,
    calendars: Sequence[str] | None = None,
    config: str | Path | None = None,
    cache_dir: str | Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    timeout: float = 30.0,
    retries: int = 3,
    on_progress: Callable[[FeedSpec, str], None] | None = None,
) -> Agenda:
    """The events of the TWIR issue starting on `start` (default: the next Wednesday), over
    `weeks` weeks, from `calendars` (URLs or paths) or the configured feeds. `timeout` bounds
    each request; `retries` is how many times a feed is tried again after a transient failure.

    Feeds that could not be read are in `Agenda.failures`; everything else that went wrong
    is in `Agenda.problems`. Neither raises: the caller decides what to print.
    """
    from .fetch import fetch_feeds
    from .registry import Registry

    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    window = Window.of_weeks(start or next_issue_date(), weeks)
    cfg = load_config(config)
    specs = tuple(spec_for(c) for c in calendars) if calendars else cfg.calendars
    registry = Registry.bundled()
    if cfg.groups:
        registry = registry.with_groups(cfg.groups)
    outcome = fetch_feeds(
        specs,
        cache_dir=Path(cache_dir) if cache_dir else None,
        offline=offline,
        refresh=refresh,
        timeout=timeout,
        retries=retries,
        on_progress=on_progress,
    )
    agenda = build_agenda(outcome.feeds, window, registry=registry)
    return replace(agenda, failures=tuple(outcome.failures) + agenda.failures)
