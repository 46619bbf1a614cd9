"""Fetch every configured feed, concurrently, the way an editor can rely on every week.

Each feed ends up either as a FeedData (fresh, not modified, read from a file, or a cached copy
used because the fetch failed) or as one Problem line naming the feed. A response that is not an
iCalendar feed is a failed fetch and never replaces a good cached copy. httpx is imported only
when a feed is actually fetched, so that the CLI starts fast.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from events.io.cache import CacheEntry, CorruptEntry, FeedCache, default_cache_dir
from events.model import FeedData, FeedSpec, Problem, ProblemKind

if TYPE_CHECKING:
    import httpx

ProgressCallback = Callable[[FeedSpec, str], None]

#: States passed to `on_progress`, in the order a feed may go through them.
STATES = ("fetching", "retrying", "fresh", "not-modified", "file", "cached", "failed")

MAX_CONCURRENT = 8


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


class FetchError(Exception):
    """One failed attempt or fetch, worded to be shown after the feed's name and URL."""

    def __init__(
        self, message: str, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Options:
    offline: bool
    refresh: bool
    timeout: float
    max_bytes: int
    retries: int
    backoff: float
    max_wait: float
    on_progress: ProgressCallback | None

    def emit(self, spec: FeedSpec, state: str) -> None:
        if self.on_progress is not None:
            self.on_progress(spec, state)


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str


def fetch_feeds(
    specs: Sequence[FeedSpec],
    *,
    cache_dir: Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    timeout: float = 30.0,
    max_bytes: int = 50 * 2**20,
    retries: int = 3,
    backoff: float = 1.0,
    max_wait: float = 30.0,
    on_progress: ProgressCallback | None = None,
) -> FetchOutcome:
    """Fetch (or read) all feeds concurrently; never raises for a feed that cannot be read.

    `timeout` bounds each request as a whole (connect, headers and body); `max_wait` caps any
    wait between attempts, including one a server asks for with Retry-After.
    """
    options = _Options(
        offline, refresh, timeout, max_bytes, max(0, retries), backoff, max_wait, on_progress
    )
    specs = list(specs)
    if all(http_url(s.source) is None for s in specs):
        # files only: no event loop (reading a large file inside one costs several times its size)
        results = [_local(spec, options) for spec in specs]
    else:
        import asyncio

        cache = FeedCache(cache_dir if cache_dir is not None else default_cache_dir())
        results = asyncio.run(_fetch_all(specs, cache, options))
    return FetchOutcome(
        feeds=tuple(r for r in results if isinstance(r, FeedData)),
        failures=tuple(r for r in results if isinstance(r, Problem)),
    )


def feed_status(specs: Sequence[FeedSpec], cache_dir: Path | None = None) -> list[FeedStatus]:
    """Each feed's cached state (or its file's), without touching the network."""
    cache = FeedCache(cache_dir if cache_dir is not None else default_cache_dir())
    return [_status_of(spec, cache) for spec in specs]


def user_agent() -> str:
    """`twir-events/<version>`, plus the project's page when the package metadata names one."""
    from importlib import metadata

    try:
        meta = metadata.metadata("twir-events")
    except metadata.PackageNotFoundError:
        return "twir-events/0"
    version = meta["Version"] or "0"
    for entry in meta.get_all("Project-URL") or ():
        _, _, url = entry.partition(",")
        if url.strip().startswith("https://github.com/"):
            return f"twir-events/{version} (+{url.strip()})"
    return f"twir-events/{version}"


def freshness(feed: FeedData) -> str:
    """A short word for the summary: where the body came from and, for a copy, how old it is."""
    if feed.origin == "cached":
        age = feed.age_seconds
        return "cached" if age is None else f"cached, {human_age(age)} old"
    return {"fresh": "fresh", "not-modified": "not modified"}.get(feed.origin, "file")


def human_age(seconds: float) -> str:
    """An age the way a person says it: `45 seconds`, `12 minutes`, `5 hours`, `3 days`."""
    seconds = max(0.0, seconds)
    for unit, size, up_to in (
        ("second", 1, 90),
        ("minute", 60, 90 * 60),
        ("hour", 3600, 36 * 3600),
    ):
        if seconds < up_to:
            return _plural(round(seconds / size), unit)
    return _plural(round(seconds / 86400), "day")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from Retry-After (delta-seconds or an HTTP date); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


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


def url_problem(url: str) -> str | None:
    """Why `url` cannot be requested at all (no host, a bad port), so it fails at once."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError as err:
        return f"not a valid URL ({err})"
    if not parts.hostname:
        return "not a valid URL (no host)"
    if any(c.isspace() for c in parts.netloc):
        return "not a valid URL (space in the host)"
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
    specs: list[FeedSpec], cache: FeedCache, opts: _Options
) -> list[FeedData | Problem]:
    import asyncio

    if opts.offline or not any(http_url(s.source) for s in specs):
        return [await _guarded(None, spec, cache, opts) for spec in specs]

    import httpx

    limit = asyncio.Semaphore(MAX_CONCURRENT)

    async def one(client: httpx.AsyncClient, spec: FeedSpec) -> FeedData | Problem:
        async with limit:
            return await _guarded(client, spec, cache, opts)

    async with httpx.AsyncClient(
        headers={"User-Agent": user_agent()},
        timeout=httpx.Timeout(opts.timeout),
        follow_redirects=True,
    ) as client:
        return list(await asyncio.gather(*(one(client, spec) for spec in specs)))


async def _guarded(
    client: httpx.AsyncClient | None, spec: FeedSpec, cache: FeedCache, opts: _Options
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
    client: httpx.AsyncClient | None, spec: FeedSpec, cache: FeedCache, opts: _Options
) -> FeedData | Problem:
    url = http_url(spec.source)
    if url is None:
        return _local(spec, opts)
    entry, damage = _load(cache, url)
    if opts.offline or client is None:
        if entry is not None and entry.body is not None:
            age = _age(entry)
            note = _said(spec, url, f"offline; using the cached copy {_aged(age)}", STALE)
            opts.emit(spec, "cached")
            return FeedData(spec, entry.body, "cached", age_seconds=age, problems=(note,))
        opts.emit(spec, "failed")
        why = f"no cached copy ({damage})" if damage else "no cached copy"
        return _said(spec, url, f"offline and {why}")

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
            raise FetchError(invalid)
        got = await _download(client, spec, url, headers, opts)
        if got.status == 304:
            if entry is None or entry.body is None:
                raise FetchError("HTTP 304 Not Modified, but there is no cached copy")
            body, origin = entry.body, _origin("not-modified")
            etag = got.etag or entry.etag
            last_modified = got.last_modified or entry.last_modified
        else:
            problem = icalendar_problem(got.body)
            if problem:
                raise FetchError(f"{problem} (HTTP {got.status}, {got.content_type or 'no type'})")
            body, origin = got.body, _origin("fresh")
            etag, last_modified = got.etag, got.last_modified
    except FetchError as err:
        return _fall_back(spec, url, cache, entry, str(err), opts)

    kept = CacheEntry(
        url,
        body,
        etag=etag,
        last_modified=last_modified,
        fetched_at=time.time(),
        error=entry.error if entry else None,
        error_at=entry.error_at if entry else None,
    )
    problems = _store(cache, kept, spec, url)
    opts.emit(spec, origin)
    return FeedData(spec, body, origin, problems=problems)


def _fall_back(
    spec: FeedSpec,
    url: str,
    cache: FeedCache,
    entry: CacheEntry | None,
    error: str,
    opts: _Options,
) -> FeedData | Problem:
    """After a failed fetch: the cached copy with a warning, or one line naming the feed."""
    now = time.time()
    _store(cache, (entry or CacheEntry(url)).with_error(error, now), spec, url)
    if entry is None or entry.body is None:
        opts.emit(spec, "failed")
        return _said(spec, url, error)
    age = _age(entry, now)
    warning = _said(spec, url, f"{error}; using the cached copy {_aged(age)}", STALE)
    opts.emit(spec, "cached")
    return FeedData(spec, entry.body, "cached", age_seconds=age, problems=(warning,))


async def _download(
    client: httpx.AsyncClient,
    spec: FeedSpec,
    url: str,
    headers: dict[str, str],
    opts: _Options,
) -> _Response:
    """One request with retries; raises FetchError with the last attempt's reason."""
    import asyncio

    import httpx

    attempts = opts.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(opts.timeout):
                return await _attempt(client, url, headers, opts.max_bytes)
        except FetchError as exc:
            err = exc
        except (TimeoutError, httpx.TimeoutException):
            err = FetchError(f"no complete answer within {opts.timeout:g} s", retryable=True)
        except httpx.ConnectError as exc:
            err = FetchError(f"cannot connect ({_one_line(exc)})", retryable=True)
        except httpx.UnsupportedProtocol as exc:  # e.g. redirected to another scheme
            err = FetchError(_one_line(exc))
        except httpx.TransportError as exc:
            err = FetchError(f"connection failed ({_one_line(exc)})", retryable=True)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            err = FetchError(_one_line(exc))
        except Exception as exc:  # noqa: BLE001 - low-level errors surface in exception groups
            err = FetchError(f"cannot fetch ({_one_line(exc)})")
        if not err.retryable or attempt == attempts:
            if attempt > 1:
                raise FetchError(f"{err}, after {attempt} attempts")
            raise err
        delay = err.retry_after
        if delay is None:
            delay = opts.backoff * 2 ** (attempt - 1)
        opts.emit(spec, "retrying")
        await asyncio.sleep(min(delay, opts.max_wait))
    raise AssertionError("unreachable")  # pragma: no cover


async def _attempt(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int
) -> _Response:
    async with client.stream("GET", url, headers=headers) as response:
        code = response.status_code
        status = f"HTTP {code} {_reason(code, response.reason_phrase)}".strip()
        if code in (408, 429) or code >= 500:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            raise FetchError(status, retryable=True, retry_after=wait)
        if code != 304 and not 200 <= code < 300:
            raise FetchError(status)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(_too_large(max_bytes))
        body = bytearray()
        if code != 304:
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(_too_large(max_bytes))
        return _Response(
            code,
            bytes(body),
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
            response.headers.get("Content-Type", "").split(";")[0].strip(),
        )


def _local(spec: FeedSpec, opts: _Options) -> FeedData | Problem:
    """A source that is not http(s): a file, or a scheme this tool does not fetch."""
    scheme = unsupported_scheme(spec.source)
    if scheme is not None:
        opts.emit(spec, "failed")
        return _said(
            spec, spec.source, f"cannot fetch {scheme}:// (use http, https, webcal or a file)"
        )
    result = _read_file(spec, opts.max_bytes)
    opts.emit(spec, "failed" if isinstance(result, Problem) else "file")
    return result


def _read_file(spec: FeedSpec, max_bytes: int) -> FeedData | Problem:
    path = local_path(spec.source)
    where = str(path)
    try:
        with path.open("rb") as handle:
            # read(n) would reserve n bytes up front: ask the size first, then read what is there
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return _said(spec, where, _too_large(max_bytes))
            body = handle.read(size + 1)  # a file that grows meanwhile is caught below
    except FileNotFoundError:
        return _said(spec, where, "no such file")
    except IsADirectoryError:
        return _said(spec, where, "is a directory, not a file")
    except OSError as err:
        return _said(spec, where, f"cannot read ({err.strerror or err})")
    if len(body) > max_bytes:
        return _said(spec, where, _too_large(max_bytes))
    problem = icalendar_problem(body)
    if problem:
        return _said(spec, where, problem)
    return FeedData(spec, body, "file")


# --- cache helpers ----------------------------------------------------------------------------


def _load(cache: FeedCache, url: str) -> tuple[CacheEntry | None, str | None]:
    """The cached entry, treating a corrupt one as absent (and saying why)."""
    try:
        return cache.load(url), None
    except CorruptEntry as err:
        return None, str(err)


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
    url = http_url(spec.source)
    if url is None:
        path = local_path(spec.source)
        try:
            body = path.read_bytes()
            mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError as err:
            error = f"{path}: {err.strerror or err}"
            return FeedStatus(spec, "file", None, None, None, None, None, error, None)
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
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _too_large(max_bytes: int) -> str:
    return f"larger than the size limit of {human_size(max_bytes)}"


def human_size(size: int) -> str:
    """Bytes as `812 B`, `4.2 KiB`, `3.1 MiB`."""
    if size < 1024:
        return f"{size} B"
    if size < 1024**2:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024**2:.1f} MiB"


def _reason(code: int, given: str) -> str:
    """The standard reason phrase, so that messages read the same whatever the server wrote."""
    from http import HTTPStatus

    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return " ".join(given.split())


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
