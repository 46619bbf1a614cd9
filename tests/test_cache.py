"""The feed cache keeps body and validators together, writes atomically, and distrusts damage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from events.io.cache import CacheEntry, CorruptEntry, FeedCache, cache_key, default_cache_dir

URL = "https://calendar.example/feed.ics"
BODY = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def _entry(**changes: object) -> CacheEntry:
    values: dict[str, object] = {
        "url": URL,
        "body": BODY,
        "etag": '"abc"',
        "last_modified": "Wed, 19 Nov 2025 10:00:00 GMT",
        "fetched_at": 1_763_546_400.5,
    }
    values.update(changes)
    return CacheEntry(**values)  # type: ignore[arg-type]


def test_stored_entry_reads_back_unchanged(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path / "sub" / "dir")
    entry = _entry(error="HTTP 503 Service Unavailable", error_at=1_763_000_000.0)
    cache.store(entry)
    assert cache.load(URL) == entry


def test_entry_without_body_keeps_its_error(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    entry = CacheEntry(URL, error="cannot connect", error_at=12.0)
    cache.store(entry)
    assert cache.load(URL) == entry


def test_missing_entry_is_none(tmp_path: Path) -> None:
    assert FeedCache(tmp_path).load(URL) is None


def test_each_url_has_its_own_entry(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    other = "https://calendar.example/other.ics"
    cache.store(_entry())
    cache.store(_entry(url=other, body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
    assert cache.load(URL).body == BODY
    assert cache.load(other).body == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert cache_key(URL) != cache_key(other)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"not json at all\n" + raw,
        lambda raw: raw[: len(raw) - 10],  # truncated body
        lambda raw: raw[:-3] + b"XYZ",  # same size, other bytes
        lambda raw: raw.split(b"\n", 1)[0],  # header only, no newline
        lambda raw: b"",
        lambda raw: raw.replace(b'"format":1', b'"format":99'),
        lambda raw: raw.replace(b'"etag":"\\"abc\\""', b'"etag":42'),
    ],
    ids=["garbage", "truncated", "altered", "no-body", "empty", "format", "bad-type"],
)
def test_damaged_entry_is_corrupt(tmp_path: Path, damage) -> None:
    cache = FeedCache(tmp_path)
    cache.store(_entry())
    path = cache.path_for(URL)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CorruptEntry):
        cache.load(URL)


def test_entry_of_another_url_is_corrupt(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    other = "https://calendar.example/other.ics"
    cache.store(_entry(url=other))
    os.replace(cache.path_for(other), cache.path_for(URL))
    with pytest.raises(CorruptEntry, match="another URL"):
        cache.load(URL)


def test_store_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    for n in range(3):
        cache.store(_entry(etag=f'"v{n}"'))
    assert [p.name for p in tmp_path.iterdir()] == [cache.path_for(URL).name]


def test_failed_write_keeps_the_old_entry(tmp_path: Path, monkeypatch) -> None:
    cache = FeedCache(tmp_path)
    old = _entry()
    cache.store(old)

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        cache.store(_entry(body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", etag='"new"'))
    monkeypatch.undo()
    assert cache.load(URL) == old
    assert len(list(tmp_path.iterdir())) == 1


def test_default_directory_is_the_platform_cache_of_the_tool() -> None:
    from platformdirs import user_cache_dir

    assert default_cache_dir() == Path(user_cache_dir("twir-events"))
