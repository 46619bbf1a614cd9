"""The on-disk copy of every fetched feed and page, so that a failed fetch never loses a week's
work and an `--offline` run repeats the last one.

One file per URL (feeds in the cache directory, pages in its `pages/` folder, so that neither
can shadow the other): a JSON header line (validators, times, last error, body size and digest)
followed by the body bytes. A single file keeps body and validators consistent, and each write
goes to a temporary file in the same directory that then replaces the old one atomically. An
entry that does not check out (bad header, wrong size or digest, another URL) is reported as
corrupt and treated as absent, so the feed is simply fetched again.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

FORMAT = 1
SUFFIX = ".feed"
PAGES = "pages"
#: Times are epoch seconds; anything outside this range is damage, not a date.
_LATEST = 2.0**36


class CorruptEntry(ValueError):
    """A cache file exists but cannot be trusted."""


@dataclass(frozen=True)
class CacheEntry:
    """What the cache remembers about one feed URL."""

    url: str
    body: bytes | None = None  # None when the feed was never fetched successfully
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: float | None = None  # epoch seconds of the last 200 or 304
    error: str | None = None  # the last failure, kept after later successes as history
    error_at: float | None = None
    status: int | None = None  # HTTP status of the last answer, when it was kept (pages)
    content_type: str | None = None
    final_url: str | None = None  # where redirects ended, when they did

    def with_error(self, message: str, when: float) -> CacheEntry:
        return replace(self, error=message, error_at=when)


def default_cache_dir() -> Path:
    """The platform's user cache directory for the tool."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("twir-events"))


def cache_key(url: str) -> str:
    """A file-name-safe key for a URL (different URLs never share an entry in practice)."""
    return _sha256(url.encode("utf-8"))[:32]


class FeedCache:
    """A directory of cache entries, one per URL."""

    def __init__(self, directory: Path, suffix: str = SUFFIX) -> None:
        self.directory = Path(directory)
        self.suffix = suffix

    @classmethod
    def pages(cls, directory: Path) -> FeedCache:
        """The pages' cache inside the cache directory `directory`."""
        return cls(Path(directory) / PAGES, ".page")

    def path_for(self, url: str) -> Path:
        return self.directory / f"{cache_key(url)}{self.suffix}"

    def load(self, url: str) -> CacheEntry | None:
        """The entry for `url` or None; raises CorruptEntry when it cannot be trusted."""
        try:
            raw = self.path_for(url).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise CorruptEntry(f"unreadable cache entry ({err.strerror or err})") from None
        return _decode(raw, url)

    def store(self, entry: CacheEntry) -> None:
        """Write `entry` atomically: readers see the old entry or the new one, never a mix."""
        from events.io.files import write_atomic

        write_atomic(self.path_for(entry.url), _encode(entry))


def _encode(entry: CacheEntry) -> bytes:
    body = entry.body
    header = {
        "format": FORMAT,
        "url": entry.url,
        "etag": entry.etag,
        "last_modified": entry.last_modified,
        "fetched_at": entry.fetched_at,
        "error": entry.error,
        "error_at": entry.error_at,
        "status": entry.status,
        "content_type": entry.content_type,
        "final_url": entry.final_url,
        "body_size": None if body is None else len(body),
        "body_sha256": None if body is None else _sha256(body),
    }
    line = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return line + b"\n" + (body or b"")


def _decode(raw: bytes, url: str) -> CacheEntry:
    line, sep, body = raw.partition(b"\n")
    if not sep:
        raise CorruptEntry("corrupt cache entry: no header")
    try:
        header = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CorruptEntry("corrupt cache entry: header is not valid JSON") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CorruptEntry("corrupt cache entry: unknown format")
    if header.get("url") != url:
        raise CorruptEntry("corrupt cache entry: belongs to another URL")
    size, digest = header.get("body_size"), header.get("body_sha256")
    if size is None:
        if body:
            raise CorruptEntry("corrupt cache entry: unexpected body")
        stored: bytes | None = None
    elif len(body) != size or _sha256(body) != digest:
        raise CorruptEntry("corrupt cache entry: body is damaged")
    else:
        stored = body
    try:
        return CacheEntry(
            url=url,
            body=stored,
            etag=_text(header, "etag"),
            last_modified=_text(header, "last_modified"),
            fetched_at=_number(header, "fetched_at"),
            error=_text(header, "error"),
            error_at=_number(header, "error_at"),
            status=_status(header),
            content_type=_text(header, "content_type"),
            final_url=_text(header, "final_url"),
        )
    except TypeError as err:
        raise CorruptEntry(f"corrupt cache entry: {err}") from None


def _text(header: dict[str, object], key: str) -> str | None:
    value = header.get(key)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{key} is not a string")


def _number(header: dict[str, object], key: str) -> float | None:
    value = header.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and 0 <= value < _LATEST:
            return float(value)
        raise TypeError(f"{key} is out of range")
    raise TypeError(f"{key} is not a number")


def _status(header: dict[str, object]) -> int | None:
    value = header.get("status")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 999:
        return value
    raise TypeError("status is not an HTTP status")


def _sha256(data: bytes) -> str:
    from hashlib import sha256  # loaded when a cache is used: a file feed needs none

    return sha256(data).hexdigest()
