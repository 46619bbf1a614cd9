"""The whole pipeline, one way: fetch → expand → understand → select → arrange.

`upcoming()` is the call the issue builder makes; `build_agenda()` is the same minus the
fetching, for callers that already hold the feeds' bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from os import PathLike
from pathlib import Path

from events.config import load_config, spec_for
from events.model import Agenda, Event, FeedData, FeedSpec, Problem, ProblemKind, Window
from events.rules.dates import next_issue_date

__all__ = ["build_agenda", "next_issue_date", "upcoming"]


def build_agenda(
    feeds: Sequence[FeedData], window: Window, *, registry: object | None = None
) -> Agenda:
    """Expand, understand, select and arrange the events of `feeds` for `window`.

    One entry that cannot be read becomes a Problem and never takes the others with it; a
    body that is not a calendar at all becomes a failure of its feed.
    """
    from events import arguments
    from events.registry import Registry

    feeds = arguments.feed_data("build_agenda", feeds)
    window = arguments.checked_window("build_agenda", window)
    if registry is not None and not isinstance(registry, Registry):
        raise TypeError(
            f"build_agenda: registry must be an events.registry.Registry or None, "
            f"not {type(registry).__name__}"
        )
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
    """Expand and understand one feed; a large one on both cores, each process reading the
    whole feed but parsing, expanding and understanding only its share of the entries.

    Returns the problems of the expansion and, for each occurrence in order, the Event or the
    Problem of an entry that could not be understood.
    """
    from functools import partial

    from events import parallel

    shares = parallel.usable_cores() if len(feed.body) >= PARALLEL_MIN_BYTES else 1
    work = partial(_expand_and_understand, feed, window=window, shares=shares, registry=registry)
    done = parallel.run(work, range(shares))
    problems = tuple(dict.fromkeys(p for share_problems, _ in done for p in share_problems))
    results = sorted((pair for _, pairs in done for pair in pairs), key=lambda pair: pair[0])
    return problems, [result for _, result in results]


def _expand_and_understand(
    feed: FeedData, share: int, window: Window, shares: int, registry: object
) -> tuple[tuple[Problem, ...], list[tuple[tuple[datetime, str], Event | Problem]]]:
    """One share of a feed read through the expand and understand stages: its problems, and
    each occurrence's Event (or Problem) with the key that orders occurrences."""
    from events.stages.expand import expand_share, order_key
    from events.stages.understand import understand

    expansion = expand_share(feed, window, share, shares)
    results: list[tuple[tuple[datetime, str], Event | Problem]] = []
    for occ in expansion.occurrences:
        try:
            result: Event | Problem = understand(occ, registry)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - one entry never drops the others
            result = Problem(
                ProblemKind.UNREADABLE_ENTRY,
                feed.spec.name,
                f"could not be understood: {exc!r}",
                occ.uid,
                occ.summary,
            )
        results.append((order_key(occ), result))
    return expansion.problems, results


def upcoming(
    start: date | None = None,
    weeks: int = 4,
    *,
    calendars: Sequence[str | PathLike[str]] | None = None,
    config: str | Path | None = None,
    cache_dir: str | Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    timeout: float = 30.0,
    retries: int = 3,
    on_progress: Callable[[FeedSpec, str], None] | None = None,
) -> Agenda:
    """The events of the TWIR issue starting on `start` (default: the next Wednesday), over
    `weeks` weeks (1 to 52), from `calendars` (a list of URLs or paths) or the configured
    feeds. A `datetime` as `start` counts as its date. `timeout` bounds each request; `retries`
    is how many times a feed is tried again after a transient failure.

    A wrong argument raises TypeError or ValueError naming it, before any work. Feeds that
    could not be read are in `Agenda.failures`; everything else that went wrong is in
    `Agenda.problems`. Neither raises: the caller decides what to print.
    """
    from events import arguments as a
    from events.registry import Registry
    from events.stages.fetch import fetch_feeds

    where = "upcoming"
    day, weeks = a.start_date(where, start), a.weeks_count(where, weeks)
    window = a.window_of(where, day or next_issue_date(), weeks)
    sources = a.calendar_sources(where, calendars)
    config, cache_dir = (
        a.optional_path(where, "config", config),
        a.optional_path(where, "cache_dir", cache_dir),
    )
    offline, refresh = a.flag(where, "offline", offline), a.flag(where, "refresh", refresh)
    timeout = a.number(where, "timeout", timeout, low=0)
    retries = a.number(where, "retries", retries, low=0, whole=True)
    on_progress = a.callback(where, "on_progress", on_progress)
    cfg = load_config(config)
    specs = tuple(spec_for(c) for c in sources) if sources else cfg.calendars
    registry = Registry.bundled()
    if cfg.groups:
        registry = registry.with_groups(cfg.groups)
    outcome = fetch_feeds(
        specs,
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        timeout=timeout,
        retries=retries,
        on_progress=on_progress,
    )
    agenda = build_agenda(outcome.feeds, window, registry=registry)
    return replace(agenda, failures=tuple(outcome.failures) + agenda.failures)
