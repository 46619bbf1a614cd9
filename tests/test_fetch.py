"""The fetch stage against a real HTTP server on 127.0.0.1: caching, retries, failures, offline."""

from __future__ import annotations

import gzip
import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from events.io.cache import CacheEntry, FeedCache
from events.model import FeedData, FeedSpec, Problem
from events.stages.fetch import (
    FetchOutcome,
    feed_status,
    fetch_feeds,
    freshness,
    human_age,
    icalendar_problem,
)
from tests import servers

_server = servers.threaded_server
server = servers.cleared_server
_plain_network = servers.plain_network


def _calendar(*uids: str) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:20251120T180000Z\r\nSUMMARY:Meetup {uid}\r\n"
        "END:VEVENT\r\n"
        for uid in uids
    )
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n"
    return text.encode()


FEED = _calendar("a@test", "b@test")
NEWER = _calendar("a@test", "b@test", "c@test")
SIGN_IN = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in</body></html>"
LAST_MODIFIED = "Wed, 19 Nov 2025 10:00:00 GMT"


def _spec(server: HTTPServer, path: str = "/cal.ics", name: str = "Rust Calendar") -> FeedSpec:
    return FeedSpec(name=name, source=server.url_for(path))


def _fetch(specs: list[FeedSpec], cache_dir: Path, **options: object) -> FetchOutcome:
    """fetch_feeds with test-sized waits; options override them."""
    settings: dict[str, object] = {"timeout": 2.0, "retries": 0, "backoff": 0.01, "max_wait": 0.5}
    settings.update(options)
    return fetch_feeds(specs, cache_dir=cache_dir, **settings)  # type: ignore[arg-type]


def _only_feed(outcome: FetchOutcome) -> FeedData:
    assert outcome.failures == ()
    assert len(outcome.feeds) == 1
    return outcome.feeds[0]


def _only_failure(outcome: FetchOutcome) -> Problem:
    assert outcome.feeds == ()
    assert len(outcome.failures) == 1
    return outcome.failures[0]


def _seed(cache_dir: Path, spec: FeedSpec, body: bytes = FEED, age: float = 0.0) -> None:
    """A good cached copy of `age` seconds, as an earlier run would have left it."""
    entry = CacheEntry(spec.source, body, etag='"old"', fetched_at=time.time() - age)
    FeedCache(cache_dir).store(entry)


def _cached_body(cache_dir: Path, spec: FeedSpec) -> bytes | None:
    entry = FeedCache(cache_dir).load(spec.source)
    return None if entry is None else entry.body


def _requests(server: HTTPServer) -> list[Request]:
    return [request for request, _ in server.log]


def _sent(server: HTTPServer, path: str) -> list[Request]:
    """The requests for `path` (a request an earlier test gave up on may still arrive)."""
    return [request for request in _requests(server) if request.path == path]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _assert_one_line_naming(problem: Problem, spec: FeedSpec) -> str:
    line = str(problem)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"{spec.name}: {spec.source}: ")
    return line


# --- validators and the cache ------------------------------------------------------------------


def test_etag_is_sent_back_and_304_reuses_the_cached_body(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_ordered_request("/cal.ics").respond_with_data(
        FEED, headers={"ETag": '"v1"'}, content_type="text/calendar"
    )
    server.expect_ordered_request("/cal.ics").respond_with_data("", status=304)

    first = _only_feed(_fetch([spec], tmp_path))
    second = _only_feed(_fetch([spec], tmp_path))

    assert (first.origin, first.body) == ("fresh", FEED)
    assert (second.origin, second.body) == ("not-modified", FEED)
    sent = _requests(server)
    assert "If-None-Match" not in sent[0].headers
    assert sent[1].headers["If-None-Match"] == '"v1"'


def test_last_modified_is_sent_back_as_if_modified_since(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_ordered_request("/cal.ics").respond_with_data(
        FEED, headers={"Last-Modified": LAST_MODIFIED}
    )
    server.expect_ordered_request("/cal.ics").respond_with_data("", status=304)

    _fetch([spec], tmp_path)
    again = _only_feed(_fetch([spec], tmp_path))

    assert again.origin == "not-modified"
    assert _requests(server)[1].headers["If-Modified-Since"] == LAST_MODIFIED


def test_refresh_ignores_the_validators(server, tmp_path) -> None:
    spec = _spec(server)
    _seed(tmp_path, spec)
    server.expect_request("/cal.ics").respond_with_data(NEWER, headers={"ETag": '"v2"'})

    feed = _only_feed(_fetch([spec], tmp_path, refresh=True))

    assert (feed.origin, feed.body) == ("fresh", NEWER)
    assert "If-None-Match" not in _requests(server)[0].headers
    assert _cached_body(tmp_path, spec) == NEWER


def test_corrupt_cache_entry_is_ignored_and_refetched(server, tmp_path) -> None:
    spec = _spec(server)
    _seed(tmp_path, spec)
    FeedCache(tmp_path).path_for(spec.source).write_bytes(b"\x00garbage\n" + FEED)
    server.expect_request("/cal.ics").respond_with_data(NEWER)

    feed = _only_feed(_fetch([spec], tmp_path))

    assert (feed.origin, feed.body) == ("fresh", NEWER)
    assert "If-None-Match" not in _requests(server)[0].headers
    assert _cached_body(tmp_path, spec) == NEWER


def test_cache_directory_holds_no_temporary_files_after_fetches(server, tmp_path) -> None:
    specs = [_spec(server, "/a.ics", "A"), _spec(server, "/b.ics", "B")]
    server.expect_request("/a.ics").respond_with_data(FEED, headers={"ETag": '"a"'})
    server.expect_request("/b.ics").respond_with_data(SIGN_IN, content_type="text/html")

    _fetch(specs, tmp_path)
    _fetch(specs, tmp_path)

    names = sorted(p.name for p in tmp_path.iterdir())
    cache = FeedCache(tmp_path)
    assert names == sorted(cache.path_for(s.source).name for s in specs)


def test_user_agent_names_the_tool(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(FEED)
    _fetch([spec], tmp_path)
    assert _requests(server)[0].headers["User-Agent"].startswith("twir-events/")


# --- retries -----------------------------------------------------------------------------------


def test_503_is_retried_until_the_feed_comes(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_ordered_request("/cal.ics").respond_with_data("busy", status=503)
    server.expect_ordered_request("/cal.ics").respond_with_data(FEED)
    states: list[str] = []

    feed = _only_feed(
        _fetch([spec], tmp_path, retries=2, on_progress=lambda s, st: states.append(st))
    )

    assert feed.origin == "fresh"
    assert len(server.log) == 2
    assert states == ["fetching", "retrying", "fresh"]


def test_429_waits_as_long_as_retry_after_says(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_ordered_request("/cal.ics").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    server.expect_ordered_request("/cal.ics").respond_with_data(FEED)

    started = time.monotonic()
    feed = _only_feed(_fetch([spec], tmp_path, retries=1, backoff=0.01, max_wait=5))

    assert feed.origin == "fresh"
    assert time.monotonic() - started >= 0.9


def test_a_retry_after_beyond_the_cap_is_not_waited_for(server, tmp_path) -> None:
    spec = _spec(server)
    _seed(tmp_path, spec, age=60)
    server.expect_ordered_request("/cal.ics").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "36000"}
    )
    server.expect_ordered_request("/cal.ics").respond_with_data(FEED)

    started = time.monotonic()
    feed = _only_feed(_fetch([spec], tmp_path, retries=3, max_wait=5))

    assert time.monotonic() - started < 2
    assert feed.origin == "cached" and len(server.log) == 1
    assert "HTTP 429 Too Many Requests, asking to wait 36000 s" in str(feed.problems[0])


def test_waits_are_capped_by_the_deadline(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(
        "busy", status=503, headers={"Retry-After": "2"}
    )

    started = time.monotonic()
    problem = _only_failure(_fetch([spec], tmp_path, retries=3, max_wait=5, deadline=1.5))

    assert time.monotonic() - started < 2.5
    assert "HTTP 503" in str(problem) and len(server.log) == 1


def test_a_client_error_is_not_retried(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data("gone", status=404)

    problem = _only_failure(_fetch([spec], tmp_path, retries=3))

    assert "HTTP 404" in _assert_one_line_naming(problem, spec)
    assert len(server.log) == 1


# --- failures and the cached copy --------------------------------------------------------------


def test_503_forever_falls_back_to_the_cached_copy_with_its_age(server, tmp_path) -> None:
    spec = _spec(server)
    _seed(tmp_path, spec, age=3 * 86400 + 60)
    server.expect_request("/cal.ics").respond_with_data("down", status=503)

    feed = _only_feed(_fetch([spec], tmp_path, retries=2))

    assert (feed.origin, feed.body) == ("cached", FEED)
    assert feed.age_seconds == pytest.approx(3 * 86400 + 60, abs=30)
    assert len(server.log) == 3
    (warning,) = feed.problems
    line = _assert_one_line_naming(warning, spec)
    assert "HTTP 503" in line and "3 days" in line and "cached copy" in line
    assert freshness(feed) == "cached, 3 days old"


def test_503_forever_without_a_copy_is_a_failure(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data("down", status=503)

    problem = _only_failure(_fetch([spec], tmp_path, retries=1))

    assert "HTTP 503" in _assert_one_line_naming(problem, spec)
    assert "2 attempts" in str(problem)


def test_sign_in_page_is_a_failure_that_keeps_the_good_copy(server, tmp_path) -> None:
    spec = _spec(server)
    _seed(tmp_path, spec, age=7200)
    server.expect_request("/cal.ics").respond_with_data(SIGN_IN, content_type="text/html")

    feed = _only_feed(_fetch([spec], tmp_path))

    assert (feed.origin, feed.body) == ("cached", FEED)
    assert "HTML page" in str(feed.problems[0]) and "2 hours" in str(feed.problems[0])
    assert _cached_body(tmp_path, spec) == FEED


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (SIGN_IN, "HTML page"),
        (b"", "empty"),
        (FEED[: len(FEED) // 2], "truncated"),
        (b"Sorry, calendar not found\n", "not an iCalendar feed"),
    ],
    ids=["sign-in", "empty", "truncated", "text"],
)
def test_a_body_that_is_not_a_calendar_is_a_failure(server, tmp_path, body, words) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(body)

    problem = _only_failure(_fetch([spec], tmp_path))

    assert words in _assert_one_line_naming(problem, spec)
    assert _cached_body(tmp_path, spec) is None


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
def test_a_body_over_the_size_limit_is_a_failure(server, tmp_path, chunked) -> None:
    spec = _spec(server)
    big = _calendar(*(f"{n}@test" for n in range(100)))
    if chunked:
        server.expect_request("/cal.ics").respond_with_response(
            Response(iter([big[:4000], big[4000:]]), mimetype="text/calendar")
        )
    else:
        server.expect_request("/cal.ics").respond_with_data(big)

    problem = _only_failure(_fetch([spec], tmp_path, max_bytes=2000, retries=2))

    assert "size limit" in _assert_one_line_naming(problem, spec)
    assert len(server.log) == 1


def test_a_server_that_does_not_answer_times_out(server, tmp_path) -> None:
    spec = _spec(server)

    def silent(request: Request) -> Response:
        time.sleep(1.0)
        return Response(FEED)

    server.expect_request("/cal.ics").respond_with_handler(silent)
    started = time.monotonic()
    problem = _only_failure(_fetch([spec], tmp_path, timeout=0.3))

    assert time.monotonic() - started < 0.9
    assert "within 0.3 s" in _assert_one_line_naming(problem, spec)


def test_a_dribbling_server_cannot_stretch_the_timeout(server, tmp_path) -> None:
    spec = _spec(server)

    def dribble() -> Iterator[bytes]:
        yield b"BEGIN:VCALENDAR\r\n"
        for _ in range(20):
            time.sleep(0.1)
            yield b"X-PAD:x\r\n"
        yield b"END:VCALENDAR\r\n"

    server.expect_request("/cal.ics").respond_with_handler(
        lambda request: Response(dribble(), mimetype="text/calendar")
    )
    started = time.monotonic()
    problem = _only_failure(_fetch([spec], tmp_path, timeout=0.5))

    assert time.monotonic() - started < 1.2
    assert "within 0.5 s" in _assert_one_line_naming(problem, spec)


def test_a_closed_port_is_a_failure(tmp_path) -> None:
    spec = FeedSpec("Gone", f"http://127.0.0.1:{_closed_port()}/cal.ics")

    problem = _only_failure(_fetch([spec], tmp_path, retries=1))

    assert "cannot connect" in _assert_one_line_naming(problem, spec)


def test_a_closed_port_falls_back_to_the_cached_copy(tmp_path) -> None:
    spec = FeedSpec("Gone", f"http://127.0.0.1:{_closed_port()}/cal.ics")
    _seed(tmp_path, spec, age=600)

    feed = _only_feed(_fetch([spec], tmp_path))

    assert (feed.origin, feed.body) == ("cached", FEED)
    assert "10 minutes" in _assert_one_line_naming(feed.problems[0], spec)


# --- offline -----------------------------------------------------------------------------------


def test_offline_uses_the_cached_copy_and_sends_nothing(server, tmp_path) -> None:
    spec = _spec(server, "/offline.ics")
    _seed(tmp_path, spec, age=5400)
    server.expect_request("/offline.ics").respond_with_data(NEWER)

    feed = _only_feed(_fetch([spec], tmp_path, offline=True))

    assert (feed.origin, feed.body) == ("cached", FEED)
    assert feed.age_seconds == pytest.approx(5400, abs=30)
    assert _sent(server, "/offline.ics") == []


def test_offline_without_a_copy_is_a_failure(server, tmp_path) -> None:
    spec = _spec(server, "/offline-no-copy.ics")

    problem = _only_failure(_fetch([spec], tmp_path, offline=True))

    assert "no cached copy" in _assert_one_line_naming(problem, spec)
    assert _sent(server, "/offline-no-copy.ics") == []


# --- several feeds and local files -------------------------------------------------------------


def test_feeds_are_fetched_concurrently(server, tmp_path) -> None:
    both_arrived = threading.Barrier(2, timeout=3)

    def meet(request: Request) -> Response:
        try:
            both_arrived.wait()
        except threading.BrokenBarrierError:
            return Response("the other request never came", status=500)
        return Response(FEED, mimetype="text/calendar")

    specs = [_spec(server, "/a.ics", "A"), _spec(server, "/b.ics", "B")]
    server.expect_request("/a.ics").respond_with_handler(meet)
    server.expect_request("/b.ics").respond_with_handler(meet)

    outcome = _fetch(specs, tmp_path, timeout=5)

    assert outcome.failures == ()
    assert [f.spec.name for f in outcome.feeds] == ["A", "B"]


def test_outcome_keeps_input_order_and_separates_failures(server, tmp_path) -> None:
    specs = [
        _spec(server, "/bad.ics", "Bad"),
        _spec(server, "/a.ics", "A"),
        FeedSpec("Missing", str(tmp_path / "missing.ics")),
        _spec(server, "/b.ics", "B"),
    ]
    server.expect_request("/bad.ics").respond_with_data("no", status=403)
    server.expect_request("/a.ics").respond_with_data(FEED)
    server.expect_request("/b.ics").respond_with_data(NEWER)

    outcome = _fetch(specs, tmp_path / "cache")

    assert [f.spec.name for f in outcome.feeds] == ["A", "B"]
    assert [p.feed for p in outcome.failures] == ["Bad", "Missing"]


def test_local_files_are_read(tmp_path) -> None:
    path = tmp_path / "feed.ics"
    path.write_bytes(FEED)
    specs = [FeedSpec("Plain", str(path)), FeedSpec("URL", path.as_uri())]

    outcome = _fetch(specs, tmp_path / "cache")

    assert outcome.failures == ()
    assert [(f.origin, f.body) for f in outcome.feeds] == [("file", FEED), ("file", FEED)]
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "no such file"), (SIGN_IN, "HTML page"), (FEED * 50, "size limit")],
    ids=["missing", "not-calendar", "too-large"],
)
def test_an_unusable_local_file_is_a_failure_naming_it(tmp_path, content, words) -> None:
    path = tmp_path / "feed.ics"
    if content is not None:
        path.write_bytes(content)

    problem = _only_failure(_fetch([FeedSpec("Local", str(path))], tmp_path, max_bytes=4096))

    assert str(problem).startswith(f"Local: {path}: ")
    assert words in str(problem)


# --- status --------------------------------------------------------------------------------------


def test_status_shows_validators_size_events_and_last_error(server, tmp_path) -> None:
    good, bad, never = (_spec(server, f"/{n}.ics", n) for n in ("good", "bad", "never"))
    server.expect_request("/good.ics").respond_with_data(
        FEED, headers={"ETag": '"g"', "Last-Modified": LAST_MODIFIED}
    )
    server.expect_request("/bad.ics").respond_with_data("down", status=503)
    before = datetime.now(UTC) - timedelta(seconds=1)
    _fetch([good, bad], tmp_path)

    ok, failed, unknown = feed_status([good, bad, never], tmp_path)

    assert (ok.etag, ok.last_modified, ok.size, ok.events) == ('"g"', LAST_MODIFIED, len(FEED), 2)
    assert ok.fetched_at is not None and ok.fetched_at >= before and ok.last_error is None
    assert failed.size is None and failed.fetched_at is None
    assert "HTTP 503" in failed.last_error and failed.error_at >= before
    assert (unknown.fetched_at, unknown.size, unknown.last_error) == (None, None, None)


def test_status_reports_a_corrupt_entry(tmp_path) -> None:
    spec = FeedSpec("Damaged", "https://calendar.example/feed.ics")
    FeedCache(tmp_path).path_for(spec.source).write_bytes(b"junk")

    (status,) = feed_status([spec], tmp_path)

    assert status.last_error == "corrupt cache entry: no header"


# --- wording and display -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "5 seconds"), (1, "1 second"), (600, "10 minutes"), (7200, "2 hours"), (259200, "3 days")],
)
def test_ages_are_said_the_human_way(seconds, words) -> None:
    assert human_age(seconds) == words


def test_a_whole_calendar_with_a_bom_and_lowercase_names_is_accepted() -> None:
    assert icalendar_problem(b"\xef\xbb\xbfbegin:vcalendar\r\nend:vcalendar\r\n\r\n") is None


def test_progress_summary_and_status_render_for_a_terminal(server, tmp_path) -> None:
    from rich.console import Console

    from events.cli.progress import print_status, print_summary, progress_callback

    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    spec = _spec(server, name="Rust Community Calendar")
    server.expect_request("/cal.ics").respond_with_data(FEED, headers={"ETag": '"v9"'})

    feed = _only_feed(_fetch([spec], tmp_path, on_progress=progress_callback(console)))
    print_summary(
        console, [(spec.name, freshness(feed), 2, 0), ("Luma [x]", "cached, 3 days old", None, 1)]
    )
    print_status(console, feed_status([spec], tmp_path))

    out = console.file.getvalue()
    assert "Rust Community Calendar: fetching" in out and "Rust Community Calendar: fresh" in out
    assert "Luma [x]" in out and "cached, 3 days old" in out
    assert '"v9"' in out and "ago" in out


# --- failures of each kind, and how long they may take -----------------------------------------


def test_a_name_that_does_not_resolve_is_not_retried(tmp_path) -> None:
    spec = FeedSpec("Nowhere", "https://feed.invalid/cal.ics")
    started = time.monotonic()
    problem = _only_failure(_fetch([spec], tmp_path, retries=3, backoff=1.0))
    assert time.monotonic() - started < 5
    line = _assert_one_line_naming(problem, spec)
    assert "does not resolve" in line and "attempts" not in line


def test_a_refused_connection_is_not_retried(tmp_path) -> None:
    spec = FeedSpec("Gone", f"http://127.0.0.1:{_closed_port()}/cal.ics")
    started = time.monotonic()
    problem = _only_failure(_fetch([spec], tmp_path, retries=3, backoff=1.0))
    assert time.monotonic() - started < 3
    assert _assert_one_line_naming(problem, spec).endswith("cannot connect (connection refused)")


def test_a_server_that_never_answers_is_tried_twice_at_most(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_handler(
        lambda request: time.sleep(1.5) or Response(FEED)
    )
    started = time.monotonic()
    problem = _only_failure(_fetch([spec], tmp_path, timeout=0.3, retries=3, backoff=0.05))
    assert time.monotonic() - started < 1.5
    assert "within 0.3 s, after 2 attempts" in _assert_one_line_naming(problem, spec)


def test_5xx_with_retry_after_is_retried_after_the_wait(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_ordered_request("/cal.ics").respond_with_data(
        "busy", status=503, headers={"Retry-After": "1"}
    )
    server.expect_ordered_request("/cal.ics").respond_with_data(FEED)
    started = time.monotonic()
    feed = _only_feed(_fetch([spec], tmp_path, retries=1, backoff=0.01, max_wait=5))
    assert feed.origin == "fresh" and time.monotonic() - started >= 0.9


def test_the_deadline_serves_what_has_not_answered_from_the_cache(server, tmp_path) -> None:
    slow, fast, gone = (_spec(server, f"/{n}.ics", n) for n in ("slow", "fast", "gone"))
    _seed(tmp_path, slow, age=3600)
    for path in ("/slow.ics", "/gone.ics"):
        server.expect_request(path).respond_with_handler(lambda r: time.sleep(4) or Response(FEED))
    server.expect_request("/fast.ics").respond_with_data(NEWER)

    started = time.monotonic()
    outcome = _fetch([slow, fast, gone], tmp_path, timeout=30, retries=3, deadline=1.0)

    assert time.monotonic() - started < 3
    cached, fresh = outcome.feeds
    assert (cached.spec.name, cached.origin, fresh.spec.name, fresh.origin) == (
        "slow",
        "cached",
        "fast",
        "fresh",
    )
    assert "run's deadline of 1 s" in str(cached.problems[0])
    (failure,) = outcome.failures
    assert failure.feed == "gone" and "deadline" in failure.message


def test_the_deadline_also_bounds_feeds_still_queued(server, tmp_path) -> None:
    specs = [_spec(server, f"/q{n}.ics", f"q{n}") for n in range(4)]
    server.expect_request(re.compile(r"/q\d\.ics")).respond_with_handler(
        lambda r: time.sleep(1.0) or Response(FEED)
    )
    started = time.monotonic()
    outcome = _fetch(specs, tmp_path, timeout=30, per_host=1, deadline=1.5)
    assert time.monotonic() - started < 3
    assert len(outcome.feeds) == 1 and len(outcome.failures) == 3
    assert all("deadline" in p.message for p in outcome.failures)


def test_a_slow_feed_is_said_to_be_slow(server, tmp_path, monkeypatch) -> None:
    import events.io.http

    monkeypatch.setattr(events.io.http, "SLOW_AFTER", 0.2)
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_handler(
        lambda request: time.sleep(0.6) or Response(FEED)
    )
    states: list[str] = []
    _fetch([spec], tmp_path, on_progress=lambda s, st: states.append(st))
    assert states == ["fetching", "slow", "fresh"]


def test_feeds_are_bounded_per_host(server, tmp_path) -> None:
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def count(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.1)
        with lock:
            state["now"] -= 1
        return Response(FEED, mimetype="text/calendar")

    server.expect_request(re.compile(r"/g\d+\.ics")).respond_with_handler(count)
    specs = [_spec(server, f"/g{n}.ics", f"g{n}") for n in range(20)]
    outcome = _fetch(specs, tmp_path, per_host=4, timeout=10)
    assert len(outcome.feeds) == 20 and state["most"] == 4


def test_150_feeds_are_fetched_concurrently_and_in_order(server, tmp_path) -> None:
    """The bundled list's size: ~150 feeds on one host, each answering in 0.1 s: fetched eight
    at a time (one after another they would take 15 s), kept in the configured order."""
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def feed(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.1)
        with lock:
            state["now"] -= 1
        uid = request.path.strip("/").split("/")[0]
        return Response(_calendar(f"{uid}@meetup.com"), mimetype="text/calendar")

    server.expect_request(re.compile(r"/[\w-]+/events/ical/")).respond_with_handler(feed)
    specs = [_spec(server, f"/group-{n}/events/ical/", f"group {n}") for n in range(150)]

    started = time.monotonic()
    outcome = _fetch(specs, tmp_path, timeout=20)
    elapsed = time.monotonic() - started

    assert outcome.failures == ()
    assert [f.spec.name for f in outcome.feeds] == [s.name for s in specs]
    assert all(f"group-{n}@meetup.com".encode() in f.body for n, f in enumerate(outcome.feeds))
    served = [r for r, _ in server.log if r.path.startswith("/group-")]
    assert 1 < state["most"] <= 8 and len(served) == 150
    assert elapsed < 13  # one after another: 15 s


# --- limits ------------------------------------------------------------------------------------


def test_a_gzip_bomb_feed_fails_at_the_limit(server, tmp_path) -> None:
    spec = _spec(server)
    _seed(tmp_path, spec)
    bomb = gzip.compress(b"BEGIN:VCALENDAR\r\n" + b"\0" * (8 * 2**20), compresslevel=9)
    server.expect_request("/cal.ics").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    feed = _only_feed(_fetch([spec], tmp_path, max_bytes=2**20))
    assert feed.origin == "cached"
    assert "size limit of 1.0 MiB once decompressed" in str(feed.problems[0])


def test_a_double_gzip_feed_is_refused_with_a_clear_line(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(
        gzip.compress(gzip.compress(FEED)), headers={"Content-Encoding": "gzip, gzip"}
    )
    problem = _only_failure(_fetch([spec], tmp_path))
    assert "more than one content encoding (gzip, gzip)" in _assert_one_line_naming(problem, spec)


def test_a_gzip_feed_is_read(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}
    )
    assert _only_feed(_fetch([spec], tmp_path)).body == FEED


def test_a_moved_feed_is_followed(server, tmp_path) -> None:
    spec = _spec(server, "/old.ics")
    server.expect_request("/old.ics").respond_with_data(
        "", status=301, headers={"Location": "/new.ics"}
    )
    server.expect_request("/new.ics").respond_with_data(FEED)
    assert _only_feed(_fetch([spec], tmp_path)).body == FEED


def test_a_redirect_elsewhere_than_http_is_a_failure(server, tmp_path) -> None:
    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    problem = _only_failure(_fetch([spec], tmp_path, retries=2))
    assert "redirected to a file: address" in _assert_one_line_naming(problem, spec)
    assert len(server.log) == 1


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_a_fifo_a_directory_or_a_device_is_refused_at_once(tmp_path, kind) -> None:
    import os

    path = {"directory": tmp_path, "device": Path("/dev/zero")}.get(kind, tmp_path / "pipe")
    if kind == "fifo":
        os.mkfifo(path)
    if not path.exists():
        pytest.skip(f"no {path} here")
    started = time.monotonic()
    problem = _only_failure(_fetch([FeedSpec("Odd", str(path))], tmp_path / "cache"))
    (status,) = feed_status([FeedSpec("Odd", str(path))], tmp_path / "cache")
    assert time.monotonic() - started < 2
    words = {"fifo": "a FIFO", "directory": "a directory", "device": "a device"}[kind]
    assert f"is {words}, not a regular file" in str(problem)
    assert status.last_error is not None and words in status.last_error


def test_a_cache_that_cannot_be_written_is_a_cache_warning(server, tmp_path) -> None:
    from events.model import ProblemKind

    spec = _spec(server)
    server.expect_request("/cal.ics").respond_with_data(FEED)
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    feed = _only_feed(_fetch([spec], blocked / "cache"))
    assert feed.origin == "fresh"
    assert [p.kind for p in feed.problems] == [ProblemKind.CACHE]


@pytest.mark.parametrize("stamp", ["1e300", "NaN", "-5", "true"])
def test_a_damaged_cache_time_is_a_corrupt_entry_not_a_crash(tmp_path, stamp) -> None:
    spec = FeedSpec("Damaged", "https://calendar.example/feed.ics")
    FeedCache(tmp_path).store(CacheEntry(spec.source, FEED, fetched_at=1.0))
    path = FeedCache(tmp_path).path_for(spec.source)
    path.write_bytes(
        path.read_bytes().replace(b'"fetched_at":1.0', f'"fetched_at":{stamp}'.encode())
    )

    (status,) = feed_status([spec], tmp_path)

    assert status.last_error is not None and "corrupt cache entry" in status.last_error
