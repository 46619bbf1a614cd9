"""The whole pipeline, one way: fetch → expand → understand → select → arrange.

`upcoming()` is the call the issue builder makes; `build_agenda()` is the same minus the
fetching, for callers that already hold the feeds' bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from events.config import load_config, spec_for
from events.model import (
    Agenda,
    Event,
    FeedData,
    FeedSpec,
    Occurrence,
    Problem,
    ProblemKind,
    Window,
)
from events.rules.dates import next_issue_date

__all__ = ["build_agenda", "next_issue_date", "upcoming"]


def build_agenda(
    feeds: Sequence[FeedData], window: Window, *, registry: object | None = None
) -> Agenda:
    """Expand, understand, select and arrange the events of `feeds` for `window`.

    One entry that cannot be read becomes a Problem and never takes the others with it; a
    body that is not a calendar at all becomes a failure of its feed.
    """
    from events.registry import Registry
    from events.stages.arrange import arrange
    from events.stages.select import select

    reg = registry if isinstance(registry, Registry) else Registry.bundled()
    reg = reg.as_of(window.start)  # groups named as editors named them for this issue
    problems: list[Problem] = []
    failures: list[Problem] = []
    events: list[Event] = []
    read: list[FeedData] = []
    for feed in feeds:
        expansion_problems, understood = _read_feed(feed, window, reg)
        if not understood and any(p.kind.source_failed for p in expansion_problems):
            failures.extend(expansion_problems)
            continue
        read.append(feed)
        problems.extend(feed.problems)
        problems.extend(expansion_problems)
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


#: Below this size a feed is read in one process: a second one costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000


def _read_feed(
    feed: FeedData, window: Window, registry: object
) -> tuple[tuple[Problem, ...], list[Event | Problem]]:
    """Expand and understand one feed; a large one on both cores: each process scans its part
    of the bytes, then, once the parts' entries are put together, expands and understands its
    share of the entries that may reach the window.

    Returns the problems of the expansion and, for each occurrence in order, the Event or the
    Problem of an entry that could not be understood.
    """
    from functools import partial

    from events import parallel
    from events.stages.expand import plan, scan_part

    shares = parallel.usable_cores() if len(feed.body) >= PARALLEL_MIN_BYTES else 1
    scans = parallel.run(partial(scan_part, feed, window, parts=shares), range(shares))
    planned = plan(feed, window, scans, shares)
    work = partial(_expand_and_understand, feed, planned=planned, registry=registry)
    done = parallel.run(work, range(shares))
    problems = tuple(dict.fromkeys(p for share_problems, _ in done for p in share_problems))
    results = sorted((pair for _, pairs in done for pair in pairs), key=lambda pair: pair[0])
    return problems, [result for _, result in results]


def _expand_and_understand(
    feed: FeedData, share: int, planned: object, registry: object
) -> tuple[tuple[Problem, ...], list[tuple[tuple[datetime, str, str, str], Event | Problem]]]:
    """One share of a feed read through the expand and understand stages: its problems, and
    each occurrence's Event (or Problem) with the key that orders occurrences.

    The occurrences of one entry differ only in when they happen: the entry is understood
    once and its other occurrences are dated where it happens (`_redated`)."""
    from events.stages.expand import expand_planned, order_key
    from events.stages.understand import understand

    expansion = expand_planned(feed, planned, share)  # type: ignore[arg-type]
    results: list[tuple[tuple[datetime, str, str, str], Event | Problem]] = []
    understood: dict[tuple[object, ...], tuple[Occurrence, Event | Problem]] = {}
    for occ in expansion.occurrences:
        key = _entry_of(occ)
        first = understood.get(key)
        result: Event | Problem | None = None if first is None else _redated(*first, occ)
        if result is None:
            try:
                result = understand(occ, registry)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - one entry never drops the others
                result = Problem(
                    ProblemKind.UNREADABLE_ENTRY,
                    feed.spec.name,
                    f"could not be understood: {exc!r}",
                    occ.uid,
                    occ.summary,
                )
            if first is None:
                understood[key] = (occ, result)
        results.append((order_key(occ), result))
    return expansion.problems, results


def _entry_of(occ: Occurrence) -> tuple[object, ...]:
    """What an occurrence says apart from when it starts and ends (and the kind of time)."""
    return (
        replace(occ, start=date.min, end=None),
        type(occ.start),
        getattr(occ.start, "tzinfo", None),
        type(occ.end),
        getattr(occ.end, "tzinfo", None),
    )


def _redated(first: Occurrence, event: Event | Problem, occ: Occurrence) -> Event | None:
    """`event`, understood from `first`, for another occurrence of the same entry: dated
    where that one happens, as `understand` dates it (rules.dates.local_days, with what the
    entry was understood to be). None when that cannot be told for certain: `understand`
    then reads the occurrence itself."""
    from events.rules.dates import local_days

    if not isinstance(event, Event):
        return None
    where = {
        "mode": event.mode,
        "place": event.place,
        "home": event.groups[0].home if event.groups else None,
        "tzid": occ.tzid,
        "calendar_tz": occ.calendar_tz,
    }
    before = local_days(first.start, first.end, **where)  # type: ignore[arg-type]
    if (before.start, before.first, before.last) != (event.start, event.date, event.end_date):
        return None  # understand dates it otherwise than assumed here
    when = local_days(occ.start, occ.end, **where)  # type: ignore[arg-type]
    if when.zone_guessed != before.zone_guessed:
        return None  # its problems would differ
    return replace(event, start=when.start, date=when.first, end_date=when.last)


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
    from events.registry import Registry
    from events.stages.fetch import fetch_feeds

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
