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
    from .registry import Registry
    from .sections import arrange
    from .select import select

    reg = registry if isinstance(registry, Registry) else Registry.bundled()
    reg = reg.as_of(window.start)  # groups named as editors named them for this issue
    problems: list[Problem] = []
    failures: list[Problem] = []
    events: list[Event] = []
    read: list[FeedData] = []
    for feed in feeds:
        expansion, understood = _read_feed(feed, window, reg)
        if not expansion.occurrences and any(
            p.uid is None and p.message.startswith("not an iCalendar feed")
            for p in expansion.problems
        ):
            failures.extend(expansion.problems)
            continue
        read.append(feed)
        problems.extend(feed.problems)
        problems.extend(expansion.problems)
        for result in understood:
            (events if isinstance(result, Event) else problems).append(result)  # type: ignore[arg-type]
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


#: Below this many VEVENTs kept for the window, a second process costs more than it saves.
PARALLEL_MIN_EVENTS = 200


def _read_feed(
    feed: FeedData, window: Window, registry: object
) -> tuple[object, list[Event | Problem]]:
    """Expand and understand one feed, its entries dealt to both cores when there are many.

    Returns the feed's Expansion and, for each of its occurrences in order, the Event or the
    Problem of an entry that could not be understood.
    """
    from functools import partial

    from . import expand, parallel

    parts = expand.parts(feed, window, parallel.usable_cores())
    work = partial(_expand_and_understand, feed.spec, window=window, registry=registry)
    if len(parts) > 1 and sum(p.count(b"BEGIN:VEVENT") for p in parts) >= PARALLEL_MIN_EVENTS:
        done = parallel.run(work, parts)
    else:
        done = [work(part) for part in parts]
    if len(done) == 1:
        return done[0]
    pairs = sorted(
        (
            pair
            for expansion, results in done
            for pair in zip(expansion.occurrences, results, strict=True)
        ),
        key=lambda pair: expand.order_key(pair[0]),
    )
    merged = expand.merge([expansion for expansion, _ in done])
    return merged, [result for _, result in pairs]


def _expand_and_understand(
    spec: FeedSpec, part: bytes, window: Window, registry: object
) -> tuple[object, list[Event | Problem]]:
    """One part of a feed read through the expand and understand stages."""
    from .expand import expand_part
    from .understand import understand

    expansion = expand_part(spec, part, window)
    results: list[Event | Problem] = []
    for occ in expansion.occurrences:
        try:
            results.append(understand(occ, registry))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - one entry never drops the others
            message = f"could not be understood: {exc!r}"
            results.append(Problem(spec.name, message, occ.uid, occ.summary))
    return expansion, results


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
