"""Fetch every configured feed, concurrently, the way an editor can rely on every week.

Each feed ends up either as a FeedData (fresh, not modified, read from a file, or a cached copy
used because the fetch failed) or as one Problem line naming the feed. A response that is not an
iCalendar feed is a failed fetch and never replaces a good cached copy. The network itself
(limits, retries, the run's deadline, proxies, TLS) is `events.io.http`'s; it and the cache, and
httpx with them, are loaded only when a feed is actually fetched, so that a run on local files
starts its scan sooner.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from events.io.limits import FEED_MAX_BYTES, MAX_WAIT, human_size, too_large
from events.model import FeedData, FeedSpec, Problem, ProblemKind

if TYPE_CHECKING:
    from events.io.cache import CacheEntry, FeedCache
    from events.io.http import Client, Retries

ProgressCallback = Callable[[FeedSpec, str], None]

#: States passed to `on_progress`, in the order a feed may go through them ("slow": still no
#: answer after `events.io.http.SLOW_AFTER` seconds).
STATES = ("fetching", "retrying", "slow", "fresh", "not-modified", "file", "cached", "failed")
#: The final states: each feed ends in exactly one of them.
FINAL_STATES = frozenset({"fresh", "not-modified", "file", "cached", "failed"})

#: Feeds in flight at once, in all and to one host (Meetup serves most of the bundled ones).
MAX_CONCURRENT = 24
PER_HOST = 8

__all__ = [
    "FINAL_STATES",
    "STATES",
    "FeedStatus",
    "FetchOutcome",
    "feed_status",
    "fetch_feeds",
    "freshness",
    "human_age",
    "human_size",
    "icalendar_problem",
]


@dataclass(frozen=True)
class FetchOutcome:
    """Every spec lands in exactly one of the two, each tuple in input order."""

    feeds: tuple[FeedData, ...]
    failures: tuple[Problem, ...]


@dataclass(frozen=True)
class FeedStatus:
    """What is known about one feed without fetching it, for the `feeds` subcommand."""

    spec: FeedSpec
    kind: Literal["url", "file"]
    fetched_at: datetime | None  # last 200/304 (a file's modification time), UTC
    etag: str | None
    last_modified: str | None
    size: int | None  # bytes of the cached copy or the file
    events: int | None  # BEGIN:VEVENT count in it
    last_error: str | None
    error_at: datetime | None


@dataclass(frozen=True)
class _Options:
    offline: bool
    refresh: bool
    timeout: float
    deadline: float | None
    max_bytes: int
    retries: Retries
    per_host: int
    on_progress: ProgressCallback | None

    def emit(self, spec: FeedSpec, state: str) -> None:
        _emit(self.on_progress, spec, state)


def _emit(on_progress: ProgressCallback | None, spec: FeedSpec, state: str) -> None:
    if on_progress is not None:
        try:
            on_progress(spec, state)
        except Exception:  # noqa: BLE001 - a display's fault never costs a feed
            return


def fetch_feeds(
    specs: Sequence[FeedSpec],
    *,
    cache_dir: Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    timeout: float = 30.0,
    deadline: float | None = None,
    max_bytes: int = FEED_MAX_BYTES,
    retries: int = 3,
    backoff: float = 1.0,
    max_wait: float = MAX_WAIT,
    per_host: int = PER_HOST,
    on_progress: ProgressCallback | None = None,
) -> FetchOutcome:
    """Fetch (or read) all feeds concurrently; never raises for a feed that cannot be read.

    `timeout` bounds each request as a whole (connect, headers and body); `deadline` bounds the
    whole fetch: a feed with no answer by then is served from the cache, or fails. `retries`
    is how many times a feed is tried again after a 429, a 5xx or a broken connection (after a
    timeout only once; never after a name that does not resolve or a refused connection),
    waiting at most `max_wait` seconds, Retry-After included.
    """
    specs = list(specs)
    results: list[FeedData | Problem] = []
    if all(http_url(s.source) is None for s in specs):
        # files only: no event loop (reading a large file inside one costs several times its
        # size), and the network code is not even loaded
        results = [_local(spec, max_bytes, partial(_emit, on_progress)) for spec in specs]
    else:
        import asyncio

        from events.io.cache import FeedCache, default_cache_dir
        from events.io.http import Retries

        options = _Options(
            offline,
            refresh,
            timeout,
            deadline,
            max_bytes,
            Retries(transient=max(0, retries), timeouts=1, backoff=backoff, max_wait=max_wait),
            per_host,
            on_progress,
        )
        cache = FeedCache(cache_dir if cache_dir is not None else default_cache_dir())
        # handed back through a list, not as the task's result: asyncio.run's ending formats
        # its main task's repr, and with it every feed's body
        asyncio.run(_fetch_all(specs, cache, options, results))
    return FetchOutcome(
        feeds=tuple(r for r in results if isinstance(r, FeedData)),
        failures=tuple(r for r in results if isinstance(r, Problem)),
    )


def feed_status(specs: Sequence[FeedSpec], cache_dir: Path | None = None) -> list[FeedStatus]:
    """Each feed's cached state (or its file's), without touching the network."""
    from events.io.cache import FeedCache, default_cache_dir

    cache = FeedCache(cache_dir if cache_dir is not None else default_cache_dir())
    return [_status_of(spec, cache) for spec in specs]


def freshness(feed: FeedData) -> str:
    """A short word for the summary: where the body came from and, for a copy, how old it is."""
    if feed.origin == "cached":
        age = feed.age_seconds
        return "cached" if age is None else f"cached, {human_age(age)} old"
    return {"fresh": "fresh", "not-modified": "not modified"}.get(feed.origin, "file")


def human_age(seconds: float) -> str:
    """An age the way a person says it: `45 seconds`, `12 minutes`, `5 hours`, `3 days`."""
    seconds = max(0.0, seconds) if seconds == seconds else 0.0  # NaN: no age worth saying
    for unit, size, up_to in (
        ("second", 1, 90),
        ("minute", 60, 90 * 60),
        ("hour", 3600, 36 * 3600),
    ):
        if seconds < up_to:
            return _plural(round(seconds / size), unit)
    return _plural(round(min(seconds, 1e12) / 86400), "day")


def icalendar_problem(body: bytes) -> str | None:
    """Why `body` is not a whole iCalendar stream, or None if it looks like one."""
    # only the ends are looked at: copying a feed of many megabytes would double its memory
    head = body[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    tail = body[-4096:].rstrip()
    if not head or not tail:
        return "empty, no calendar data"
    if head[:15].upper() != b"BEGIN:VCALENDAR":
        if head[:1] == b"<" or b"<html" in head.lower():
            return "an HTML page, not an iCalendar feed"
        start = head[:24].decode("utf-8", "replace")
        return f"not an iCalendar feed (it starts with {start!r})"
    if tail[-13:].upper() != b"END:VCALENDAR":
        return "truncated iCalendar feed (no END:VCALENDAR at the end)"
    return None


def unsupported_scheme(source: str) -> str | None:
    """The scheme of a source that is neither http(s), webcal, file nor a plain path."""
    found = _SCHEME.match(source)
    if found is None or found[1].lower() in ("http", "https", "webcal", "file"):
        return None
    return found[1]


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


def http_url(source: str) -> str | None:
    """The URL to request for a source, or None when the source is a local file."""
    lowered = source.lower()
    if lowered.startswith(("http://", "https://")):
        return source
    if lowered.startswith("webcal://"):  # calendar apps' name for https
        return "https://" + source[len("webcal://") :]
    return None


def local_path(source: str) -> Path:
    """The file a non-http source names (a plain path or a file:// URL)."""
    if source.lower().startswith("file://"):
        from urllib.parse import urlsplit
        from urllib.request import url2pathname

        return Path(url2pathname(urlsplit(source).path))
    return Path(source).expanduser()


# --- the stage itself -------------------------------------------------------------------------


async def _fetch_all(
    specs: list[FeedSpec], cache: FeedCache, opts: _Options, out: list[FeedData | Problem]
) -> None:
    import asyncio

    from events.io.http import Client, HttpFailure

    if opts.offline:
        out.extend([await _guarded(None, spec, cache, opts) for spec in specs])
        return
    client = Client(
        timeout=opts.timeout, deadline=opts.deadline, total=MAX_CONCURRENT, per_host=opts.per_host
    )
    try:
        async with client:
            out.extend(await asyncio.gather(*(_guarded(client, s, cache, opts) for s in specs)))
    except HttpFailure as err:  # no client at all (the certificates, the proxy settings)
        out.extend([await _guarded(str(err), spec, cache, opts) for spec in specs])


async def _guarded(
    client: Client | str | None, spec: FeedSpec, cache: FeedCache, opts: _Options
) -> FeedData | Problem:
    """`_fetch_one`, but a surprise in one feed is that feed's one line, never a traceback."""
    try:
        return await _fetch_one(client, spec, cache, opts)
    except Exception as exc:  # noqa: BLE001 - one feed's surprise never costs the others
        opts.emit(spec, "failed")
        return Problem(
            ProblemKind.UNREADABLE_SOURCE, spec.name, f"unexpected failure ({_one_line(exc)})"
        )


async def _fetch_one(
    client: Client | str | None, spec: FeedSpec, cache: FeedCache, opts: _Options
) -> FeedData | Problem:
    """One feed: `client` fetches it; None means offline; a string says why there is no
    client, and the cached copy serves."""
    from events.io.cache import CacheEntry
    from events.io.http import HttpFailure, url_problem

    url = http_url(spec.source)
    if url is None:
        return _local(spec, opts.max_bytes, opts.emit)
    entry, damage = _load(cache, url)
    if client is None:
        if entry is not None and entry.body is not None:
            age = _age(entry)
            note = _said(spec, url, f"offline; using the cached copy {_aged(age)}", STALE)
            opts.emit(spec, "cached")
            return FeedData(spec, entry.body, "cached", age_seconds=age, problems=(note,))
        opts.emit(spec, "failed")
        why = f"no cached copy ({damage})" if damage else "no cached copy"
        return _said(spec, url, f"offline and {why}")
    if isinstance(client, str):
        return await _fall_back(spec, url, cache, entry, client, opts)

    headers: dict[str, str] = {}
    if entry is not None and entry.body is not None and not opts.refresh:
        if entry.etag:
            headers["If-None-Match"] = entry.etag
        if entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
    opts.emit(spec, "fetching")
    try:
        invalid = url_problem(url)
        if invalid:
            raise HttpFailure(invalid)
        got = await client.get(
            url,
            headers=headers,
            max_bytes=opts.max_bytes,
            retries=opts.retries,
            on_state=lambda _url, state: opts.emit(spec, state),
        )
        if got.status == 304:
            if entry is None or entry.body is None:
                raise HttpFailure("HTTP 304 Not Modified, but there is no cached copy")
            body, origin = entry.body, _origin("not-modified")
            etag = got.etag or entry.etag
            last_modified = got.last_modified or entry.last_modified
        else:
            problem = icalendar_problem(got.body)
            if problem:
                kind = got.content_type or "no type"
                raise HttpFailure(f"{problem} (HTTP {got.status}, {kind})")
            body, origin = got.body, _origin("fresh")
            etag, last_modified = got.etag, got.last_modified
    except HttpFailure as err:
        return await _fall_back(spec, url, cache, entry, str(err), opts)

    kept = CacheEntry(
        url,
        body,
        etag=etag,
        last_modified=last_modified,
        fetched_at=time.time(),
        error=entry.error if entry else None,
        error_at=entry.error_at if entry else None,
    )
    problems = await _store_async(cache, kept, spec, url)
    opts.emit(spec, origin)
    return FeedData(spec, body, origin, problems=problems)


async def _fall_back(
    spec: FeedSpec,
    url: str,
    cache: FeedCache,
    entry: CacheEntry | None,
    error: str,
    opts: _Options,
) -> FeedData | Problem:
    """After a failed fetch: the cached copy with a warning, or one line naming the feed."""
    from events.io.cache import CacheEntry

    now = time.time()
    await _store_async(cache, (entry or CacheEntry(url)).with_error(error, now), spec, url)
    if entry is None or entry.body is None:
        opts.emit(spec, "failed")
        return _said(spec, url, error)
    age = _age(entry, now)
    warning = _said(spec, url, f"{error}; using the cached copy {_aged(age)}", STALE)
    opts.emit(spec, "cached")
    return FeedData(spec, entry.body, "cached", age_seconds=age, problems=(warning,))


def _local(
    spec: FeedSpec, max_bytes: int, emit: Callable[[FeedSpec, str], None]
) -> FeedData | Problem:
    """A source that is not http(s): a file, or a scheme this tool does not fetch."""
    scheme = unsupported_scheme(spec.source)
    if scheme is not None:
        emit(spec, "failed")
        return _said(
            spec, spec.source, f"cannot fetch {scheme}:// (use http, https, webcal or a file)"
        )
    path = local_path(spec.source)
    where = str(path)
    body = read_regular_file(path, max_bytes)
    result: FeedData | Problem
    if isinstance(body, str):
        result = _said(spec, where, body)
    elif problem := icalendar_problem(body):
        result = _said(spec, where, problem)
    else:
        result = FeedData(spec, body, "file")
    emit(spec, "failed" if isinstance(result, Problem) else "file")
    return result


def read_regular_file(path: Path, max_bytes: int) -> bytes | str:
    """The bytes of a regular file of at most `max_bytes`, or why it cannot be read: a FIFO,
    a device or a directory is refused at once (opening without blocking, then asking what
    was opened), never waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return "no such file"
    except IsADirectoryError:
        return "is a directory, not a file"
    except OSError as err:
        return f"cannot read ({err.strerror or err})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"is {_file_kind(info.st_mode)}, not a regular file"
        # read(n) would reserve n bytes up front: ask the size first, then read what is there
        if info.st_size > max_bytes:
            return too_large(max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            body = handle.read(info.st_size + 1)  # a file that grows meanwhile is caught below
    except OSError as err:
        return f"cannot read ({err.strerror or err})"
    finally:
        os.close(fd)
    if len(body) > max_bytes:
        return too_large(max_bytes)
    return body


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


# --- cache helpers ----------------------------------------------------------------------------


def _load(cache: FeedCache, url: str) -> tuple[CacheEntry | None, str | None]:
    """The cached entry, treating a corrupt one as absent (and saying why)."""
    from events.io.cache import CorruptEntry

    try:
        return cache.load(url), None
    except CorruptEntry as err:
        return None, str(err)


async def _store_async(
    cache: FeedCache, entry: CacheEntry, spec: FeedSpec, url: str
) -> tuple[Problem, ...]:
    """`_store` in a thread: each write is flushed to disk, and many feeds write at once."""
    import asyncio

    return await asyncio.to_thread(_store, cache, entry, spec, url)


def _store(cache: FeedCache, entry: CacheEntry, spec: FeedSpec, url: str) -> tuple[Problem, ...]:
    """Write the entry; a cache that cannot be written is a warning, not a failed feed."""
    try:
        cache.store(entry)
    except OSError as err:
        why = f"cannot update the cache in {cache.directory} ({err.strerror or err})"
        return (_said(spec, url, why, ProblemKind.CACHE),)
    return ()


def _age(entry: CacheEntry, now: float | None = None) -> float | None:
    if entry.fetched_at is None:
        return None
    return max(0.0, (now if now is not None else time.time()) - entry.fetched_at)


def _status_of(spec: FeedSpec, cache: FeedCache) -> FeedStatus:
    from events.io.cache import CorruptEntry

    url = http_url(spec.source)
    if url is None:
        path = local_path(spec.source)
        body = read_regular_file(path, FEED_MAX_BYTES)
        if isinstance(body, str):
            return FeedStatus(spec, "file", None, None, None, None, None, f"{path}: {body}", None)
        try:
            mtime = _datetime(path.stat().st_mtime)
        except OSError:
            mtime = None
        events = body.count(b"BEGIN:VEVENT")
        return FeedStatus(spec, "file", mtime, None, None, len(body), events, None, None)
    try:
        entry = cache.load(url)
    except CorruptEntry as err:
        return FeedStatus(spec, "url", None, None, None, None, None, str(err), None)
    if entry is None:
        return FeedStatus(spec, "url", None, None, None, None, None, None, None)
    cached = entry.body
    return FeedStatus(
        spec,
        "url",
        _datetime(entry.fetched_at),
        entry.etag,
        entry.last_modified,
        None if cached is None else len(cached),
        None if cached is None else cached.count(b"BEGIN:VEVENT"),
        entry.error,
        _datetime(entry.error_at),
    )


# --- wording ----------------------------------------------------------------------------------


STALE = ProblemKind.STALE_COPY
Origin = Literal["file", "fresh", "not-modified", "cached"]


def _origin(value: Origin) -> Origin:
    return value


def _said(
    spec: FeedSpec, where: str, message: str, kind: ProblemKind = ProblemKind.UNREADABLE_SOURCE
) -> Problem:
    """A line naming the feed, then its URL or path unless the name is what the user typed."""
    if spec.name in (spec.source, where):
        return Problem(kind, spec.name, message)
    return Problem(kind, spec.name, f"{where}: {message}")


def _aged(age: float | None) -> str:
    return "of unknown age" if age is None else f"from {human_age(age)} ago"


def _datetime(epoch: float | None) -> datetime | None:
    if epoch is None:
        return None
    try:
        return datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):  # a damaged time says nothing
        return None


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
