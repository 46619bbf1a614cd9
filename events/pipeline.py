"""The whole pipeline, one way: fetch → expand → understand → select → pages → arrange.

`upcoming()` is the call the issue builder makes; `build_agenda()` is the same minus the
fetching, for callers that already hold the feeds' bytes (and, if they want the page stage,
the pages, or a function that fetches them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from operator import itemgetter
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

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

if TYPE_CHECKING:
    from events.io.http import Page
    from events.registry import Registry
    from events.stages.select import Selection

__all__ = [
    "PAGE_TIMEOUT",
    "RegistryError",
    "build_agenda",
    "load_registry",
    "next_issue_date",
    "upcoming",
]


class RegistryError(ValueError):
    """A registry file or an archive that cannot be used; the message names it."""


def load_registry(registry: Registry | str | Path | None = None) -> Registry:
    """`registry` itself, the registry in a JSON file, or the shipped one."""
    from events.registry import Registry

    if registry is None:
        return Registry.bundled()
    if isinstance(registry, Registry):
        return registry
    if not isinstance(registry, str | Path):
        raise TypeError(f"registry must be a Registry or a file, not {type(registry).__name__}")
    try:
        return Registry.from_json(registry)
    except OSError as exc:
        raise RegistryError(f"{registry}: cannot read registry: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RegistryError(
            f"{registry}: not a registry 'registry learn' wrote ({exc!r})"
        ) from None


def _refresh(
    registry: Registry, archive: str | Path | Sequence[str | Path], before: date
) -> Registry:
    from events.registry.refresh import archive_folders, refresh_from

    paths = [archive] if isinstance(archive, str | Path) else list(archive)
    folders: list[Path] = []
    for path in paths:
        try:
            folders.extend(archive_folders(Path(path)))
        except ValueError as exc:
            raise RegistryError(f"archive {exc}") from None
    return refresh_from(registry, folders, before)


#: Pages: the URLs asked for, and what each gave (`events.io.http.fetch_pages`).
PageFetcher = Callable[[Sequence[str]], Mapping[str, "Page"]]

#: Each page request is given at most this many seconds (or the run's timeout, if shorter):
#: pages settle a listing, they must not hold up the block.
PAGE_TIMEOUT = 15.0


def build_agenda(
    feeds: Sequence[FeedData],
    window: Window,
    *,
    registry: object | None = None,
    pages: Mapping[str, Page] | PageFetcher | None = None,
) -> Agenda:
    """Expand, understand, select, check on their pages and arrange the events of `feeds` for
    `window`.

    One entry that cannot be read becomes a Problem and never takes the others with it; a
    body that is not a calendar at all becomes a failure of its feed. `pages` are the event
    pages by the URL asked for, or a function fetching the URLs it is given; without them the
    page stage is skipped.
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
    if pages is not None and not (isinstance(pages, Mapping) or callable(pages)):
        raise TypeError(
            "build_agenda: pages must be a mapping of URL to Page, a function fetching URLs, "
            f"or None, not {type(pages).__name__}"
        )
    given = registry if isinstance(registry, Registry) else None
    later = _Later(lambda: (given or Registry.bundled()).as_of(window.start))
    return _agenda(feeds, window, later, pages)


class _Later:
    """The run's registry (groups named as editors named them for this issue), made once,
    when first needed: for a large feed, while a second process scans its part of it."""

    def __init__(self, make: Callable[[], Registry]) -> None:
        self._make = make
        self._made: Registry | None = None

    def __call__(self) -> Registry:
        if self._made is None:
            self._made = self._make()
        return self._made


def _agenda(
    feeds: Sequence[FeedData],
    window: Window,
    made: _Later,
    pages: Mapping[str, Page] | PageFetcher | None,
) -> Agenda:
    """`build_agenda` with its arguments checked."""
    problems: list[Problem] = []
    failures: list[Problem] = []
    events: list[Event] = []
    read: list[FeedData] = []
    readings = _read_feeds(feeds, window, made)
    from events.stages.arrange import arrange
    from events.stages.select import select

    for feed, (expansion_problems, understood) in zip(feeds, readings, strict=True):
        if not understood and any(p.kind.source_failed for p in expansion_problems):
            failures.extend(expansion_problems)
            continue
        read.append(feed)
        problems.extend(feed.problems)
        problems.extend(expansion_problems)
        for result in understood:
            (events if isinstance(result, Event) else problems).append(result)  # type: ignore[arg-type]
    selection = select(events, window)
    page_problems: tuple[Problem, ...] = ()
    if pages is not None:
        selection, page_problems = _check_pages(selection, pages, window, made())
    sections, listed, unlisted = arrange(selection.events)
    for event in listed:
        problems.extend(event.problems)
    problems.extend(selection.problems)
    problems.extend(page_problems)
    problems.extend(unlisted)
    return Agenda(
        window=window,
        sections=sections,
        events=listed,
        problems=tuple(dict.fromkeys(problems)),  # each occurrence of an entry says it again
        feeds=tuple(read),
        failures=tuple(failures),
    )


def _check_pages(
    selection: Selection,
    pages: Mapping[str, Page] | PageFetcher,
    window: Window,
    registry: Registry,
) -> tuple[Selection, tuple[Problem, ...]]:
    """The selected events checked on their pages, then selected again: a page may move an
    event out of the window (said, with what its page said) or onto the day of a copy of it
    (listed once)."""
    from events.stages.pages import check_pages, page_urls
    from events.stages.select import Selection, select, selects_alike

    fetched = pages(page_urls(selection.events)) if callable(pages) else pages
    checked, said = check_pages(selection.events, fetched, registry)
    # a page that moved, relinked, renamed or cancelled nothing leaves the selection standing
    if selects_alike(checked, selection.events):
        again = Selection(checked, ())
    else:
        again = select(checked, window)
    problems = list(said)
    for event in checked:
        if not window.overlaps(event.date, event.end_date):
            problems.extend(p for p in event.problems if p.kind in _PAGE_KINDS)
            problems.append(
                Problem(
                    ProblemKind.NOT_LISTED,
                    event.feed,
                    f"its page dates it {event.date}, outside the window; left out",
                    event.uid,
                    event.title,
                )
            )
    return Selection(again.events, selection.problems + again.problems), tuple(problems)


_PAGE_KINDS = frozenset(
    {ProblemKind.PAGE_DISAGREES, ProblemKind.PAGE_UNAVAILABLE, ProblemKind.PAGE_CHANGED}
)


#: Below this size a feed is read in one process: a second one costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000
#: From this many such small feeds on (Meetup group feeds), they are shared between the cores.
PARALLEL_MIN_FEEDS = 8

Reading = tuple[tuple[Problem, ...], list[Event | Problem]]


def _read_feeds(feeds: Sequence[FeedData], window: Window, registry: _Later) -> list[Reading]:
    """`_read_feed` of every feed, in order. Many small feeds (the ~150 group feeds of the
    bundled list) are dealt between the cores by size, each process reading its share whole;
    a large feed is split between the cores by `_read_feed` itself."""
    from functools import partial

    from events import parallel

    cores = parallel.usable_cores()
    small = [i for i, feed in enumerate(feeds) if len(feed.body) < PARALLEL_MIN_BYTES]
    readings: dict[int, Reading] = {}
    if cores > 1 and len(small) >= PARALLEL_MIN_FEEDS:
        registry()  # made once, and the later stages loaded, before the processes part
        _load_later_stages()
        small.sort(key=lambda i: -len(feeds[i].body))
        dealt = parallel.deal([len(feeds[i].body) for i in small], cores)
        shares = [[small[k] for k in share] for share in dealt]
        work = partial(_read_several, feeds, window=window, registry=registry)
        for share, done in zip(shares, parallel.run(work, shares), strict=True):
            readings.update(zip(share, done, strict=True))
    return [readings.get(i) or _read_feed(feed, window, registry) for i, feed in enumerate(feeds)]


def _read_several(
    feeds: Sequence[FeedData], indexes: list[int], window: Window, registry: _Later
) -> list[Reading]:
    return [_read_feed(feeds[i], window, registry) for i in indexes]


def _read_feed(
    feed: FeedData, window: Window, registry: Registry | _Later
) -> tuple[tuple[Problem, ...], list[Event | Problem]]:
    """Expand and understand one feed; a large one in pieces, on both cores: its bytes in
    `SCAN_PARTS` parts, then, once the parts' entries are put together, the entries that may
    reach the window in `CHUNKS` chunks. Each process takes the next piece when it is free
    (`parallel.pooled`), this one making the registry first, if still to be made.

    Returns the problems of the expansion and, for each occurrence in order, the Event or the
    Problem of an entry that could not be understood.
    """
    from functools import partial

    from events import parallel
    from events.stages.expand import plan, scan_part

    later = registry if isinstance(registry, _Later) else _Later(lambda: registry)
    large = len(feed.body) >= PARALLEL_MIN_BYTES
    cores = parallel.usable_cores() if large else 1
    parts = SCAN_PARTS if large else 1

    def meanwhile() -> None:  # while the other processes scan
        later()
        _load_later_stages()

    scan = partial(scan_part, feed, window, parts=parts)
    scans = parallel.pooled(scan, range(parts), first=meanwhile, cores=cores)
    planned = plan(feed, window, scans, CHUNKS if large else 1)
    del scans  # what the plan did not keep (most of a decade) is freed before expanding
    work = partial(_expand_and_understand, feed, planned=planned, registry=later())
    done = parallel.pooled(work, range(len(planned.shares)), cores=cores)
    problems = tuple(dict.fromkeys(p for share_problems, _ in done for p in share_problems))
    results = sorted((pair for _, pairs in done for pair in pairs), key=lambda pair: pair[0])
    return problems, [result for _, result in results]


def _load_later_stages() -> None:
    """Import the stages after the scan and read the data they read at first use, once,
    before the processes part for them: none of it is then loaded while the other process
    waits, nor in each process again."""
    import dateutil.rrule  # noqa: F401 - for the rules recurrence does not count itself

    import events.stages.arrange
    import events.stages.expand.fast
    import events.stages.render
    import events.stages.select
    import events.stages.understand  # noqa: F401
    from events.rules import gazetteer, regions

    gazetteer.load()
    regions.load()


#: A large feed's bytes are scanned in this many parts, and the entries that may reach the
#: window are read in this many chunks: small enough that the processes finish together,
#: large enough that taking one costs nothing. Fixed, so that the problems come in the same
#: order whatever the number of cores.
SCAN_PARTS = 16
CHUNKS = 32


def _expand_and_understand(
    feed: FeedData, share: int, planned: object, registry: object
) -> tuple[tuple[Problem, ...], list[tuple[tuple[datetime, str], Event | Problem]]]:
    """One share of a feed read through the expand and understand stages: its problems, and
    each occurrence's Event (or Problem) with the key that orders occurrences.

    The occurrences of one entry differ only in when they happen: the entry is understood
    once and its other occurrences are dated where it happens (`_redated`)."""
    from events.stages.expand import expand_planned, order_key
    from events.stages.understand import understand

    expansion = expand_planned(feed, planned, share)  # type: ignore[arg-type]
    results: list[tuple[tuple[datetime, str], Event | Problem]] = []
    understood: dict[tuple[object, ...], _Redating | None] = {}
    for occ in expansion.occurrences:
        key = _entry_of(occ)
        first = understood.get(key)
        result: Event | Problem | None = None if first is None else _redated(first, occ)
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
            if key not in understood:
                understood[key] = _redating(occ, result)
        results.append((order_key(occ), result))
    return expansion.problems, results


#: An occurrence's fields apart from when it starts and ends, in their order.
_ENTRY_FIELDS = itemgetter(*(f.name for f in fields(Occurrence) if f.name not in ("start", "end")))


def _entry_of(occ: Occurrence) -> tuple[object, ...]:
    """What an occurrence says apart from when it starts and ends (and the kind of time)."""
    return (
        _ENTRY_FIELDS(vars(occ)),
        type(occ.start),
        getattr(occ.start, "tzinfo", None),
        type(occ.end),
        getattr(occ.end, "tzinfo", None),
    )


class _Redating(NamedTuple):
    """How the other occurrences of an understood entry are dated: as `understand` dated its
    first one (rules.dates.local_days, with what the entry was understood to be)."""

    event: Event
    where: dict[str, object]
    zone_guessed: object


def _redating(first: Occurrence, event: Event | Problem) -> _Redating | None:
    """How to date `event`'s entry elsewhere, or None when that cannot be told for certain:
    `understand` then reads each occurrence itself."""
    from events.rules.dates import local_days
    from events.stages.understand import dating_home

    if not isinstance(event, Event):
        return None
    where: dict[str, object] = {
        "mode": event.mode,
        "place": event.place,
        "home": dating_home(event.groups, (p.kind for p in event.problems)),
        "tzid": first.tzid,
        "calendar_tz": first.calendar_tz,
    }
    before = local_days(first.start, first.end, **where)  # type: ignore[arg-type]
    if (before.start, before.first, before.last) != (event.start, event.date, event.end_date):
        return None  # understand dates it otherwise than assumed here
    return _Redating(event, where, before.zone_guessed)


def _redated(redating: _Redating, occ: Occurrence) -> Event | None:
    """The entry's event for another of its occurrences (the same tzid and calendar zone: they
    are part of the entry), dated where that one happens; None when its problems would differ."""
    from events.rules.dates import local_days

    when = local_days(occ.start, occ.end, **redating.where)  # type: ignore[arg-type]
    if when.zone_guessed != redating.zone_guessed:
        return None  # its problems would differ
    redated = object.__new__(Event)  # `replace` without __init__: a copy for each occurrence
    vars(redated).update(
        vars(redating.event), start=when.start, date=when.first, end_date=when.last
    )
    return redated


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
    deadline: float | None = 60.0,
    on_progress: Callable[[FeedSpec, str], None] | None = None,
    registry: Registry | str | Path | None = None,
    archive: str | Path | Sequence[str | Path] | None = None,
    pages: bool = True,
) -> Agenda:
    """The events of the TWIR issue starting on `start` (default: the next Wednesday), over
    `weeks` weeks (1 to 52), from `calendars` (a list of URLs or paths) or the configured
    feeds. A `datetime` as `start` counts as its date. `timeout` bounds each request;
    `retries` is how many times a feed is tried again after a transient failure; `deadline`
    (seconds, None for none) bounds the fetching of feeds and pages: what has not answered by
    then comes from the cache, or fails. With `pages`, each listed event is checked
    on its own page (`offline`: pages from the cache only).

    Groups are named by `registry`: a Registry, used as it is, or a JSON file that `twir-events
    registry learn` wrote, whose groups win over the shipped registry's (the fallback, and the
    default); then refreshed from the TWIR issues in `archive` (a checkout, or folders of issues
    or blocks) dated before `start`; then by calendars.toml's groups.

    A wrong argument raises TypeError or ValueError naming it, before any work. Feeds that
    could not be read are in `Agenda.failures`; everything else that went wrong is in
    `Agenda.problems`. Neither raises: the caller decides what to print.
    """
    from events import arguments as a
    from events.stages.fetch import fetch_feeds

    began = time.monotonic()
    where = "upcoming"
    day, weeks = a.start_date(where, start), a.weeks_count(where, weeks)
    window = a.window_of(where, day or next_issue_date(), weeks)
    sources = a.calendar_sources(where, calendars)
    config, cache_dir = (
        a.optional_path(where, "config", config),
        a.optional_path(where, "cache_dir", cache_dir),
    )
    offline, refresh = a.flag(where, "offline", offline), a.flag(where, "refresh", refresh)
    pages = a.flag(where, "pages", pages)
    timeout = a.number(where, "timeout", timeout, low=0)
    retries = a.number(where, "retries", retries, low=0, whole=True)
    if deadline is not None:
        deadline = a.number(where, "deadline", deadline, low=0)
    on_progress = a.callback(where, "on_progress", on_progress)
    if registry is not None:
        from events.registry import Registry

        if not isinstance(registry, Registry):
            a.optional_path(where, "registry", registry)
    cfg = load_config(config)
    specs = tuple(dict.fromkeys(spec_for(c) for c in sources)) if sources else cfg.calendars
    groups = cfg.groups
    if registry is None and archive is None:  # the shipped one: made while a feed is scanned

        def make_registry() -> Registry:
            from events.registry import Registry

            shipped = Registry.bundled()
            return (shipped.with_groups(groups) if groups else shipped).as_of(window.start)

        later = _Later(make_registry)

    else:  # one of the caller's, read now: a fault in it is said before anything is fetched
        from events.registry import Registry

        shipped = Registry.bundled()
        chosen = load_registry(registry)
        if not isinstance(registry, Registry) and chosen is not shipped:
            from events.registry.refresh import combined

            chosen = combined(chosen, shipped, before=window.start)
        if archive is not None:
            chosen = _refresh(chosen, archive, window.start)
        if groups:
            chosen = chosen.with_groups(groups)
        ready = chosen.as_of(window.start)
        later = _Later(lambda: ready)

    outcome = fetch_feeds(
        specs,
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        timeout=timeout,
        retries=retries,
        deadline=deadline,
        on_progress=on_progress,
    )
    fetcher: PageFetcher | None = None
    if pages:
        from events.io.http import fetch_pages

        def fetcher(urls: Sequence[str]) -> Mapping[str, Page]:
            """The pages, within what is left of the run's deadline."""
            left = None if deadline is None else max(0.0, deadline - (time.monotonic() - began))
            return fetch_pages(
                urls,
                cache_dir=Path(cache_dir) if cache_dir else None,
                offline=offline,
                refresh=refresh,
                timeout=min(timeout, PAGE_TIMEOUT),
                deadline=left,
            )

    agenda = _agenda(outcome.feeds, window, later, fetcher)
    failures = tuple(outcome.failures) + agenda.failures
    return replace(agenda, failures=failures, calendars=specs)
