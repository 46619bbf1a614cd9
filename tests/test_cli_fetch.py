"""Issue 4 end to end: the real `python -m events` command against a real HTTP server on
127.0.0.1 that answers, then answers 304, 503, a sign-in page, nothing at all, or is not there.

Standard output must carry the block and nothing else; a feed served from the cache costs one
warning line naming it and the copy's age; a feed that cannot be read at all costs one line and a
non-zero exit. The server is the threaded one of tests/servers.py.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from events.cli import build_parser
from events.io.cache import CacheEntry, FeedCache
from tests import servers
from tests.test_fetch import SIGN_IN, _closed_port

_server = servers.threaded_server
server = servers.cleared_server

REPO = Path(__file__).resolve().parents[1]
#: These runs are about feeds: their events' pages (www.meetup.com) are not asked for.
START = ("--from", "2025-11-19", "--weeks", "4", "--no-pages")
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 19 Nov 2025 10:00:00 GMT"
DAY = 86400

#: A Google Calendar export in miniature: one event in the window, one long after it.
FEED = b"""BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
CALSCALE:GREGORIAN\r
METHOD:PUBLISH\r
X-WR-CALNAME:Rust Community\r
X-WR-TIMEZONE:UTC\r
BEGIN:VEVENT\r
DTSTART:20251120T170000Z\r
DTEND:20251120T190000Z\r
DTSTAMP:20251118T120000Z\r
UID:hack-and-learn@google.com\r
CREATED:20251101T090000Z\r
LAST-MODIFIED:20251101T090000Z\r
DESCRIPTION:RSVP at https://www.meetup.com/rust-berlin/events/306046642/\r
LOCATION:Online\r
SEQUENCE:0\r
STATUS:CONFIRMED\r
SUMMARY:Rust Berlin: Rust Hack and Learn\r
TRANSP:OPAQUE\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20260520T170000Z\r
DTEND:20260520T190000Z\r
DTSTAMP:20251118T120000Z\r
UID:far-away@google.com\r
DESCRIPTION:https://www.meetup.com/rust-berlin/events/399999999/\r
LOCATION:Online\r
SUMMARY:Rust Berlin: Rust Hack and Learn in May\r
END:VEVENT\r
END:VCALENDAR\r
"""

_HAS_RETRIES = "--retries" in build_parser().format_help()
needs_retries = pytest.mark.skipif(
    not _HAS_RETRIES, reason="needs the CLI's --retries flag to keep the waits short"
)
FEW = ("--retries", "0") if _HAS_RETRIES else ()
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _command(
    *args: str, env: dict[str, str] | None = None, real: bool = False
) -> subprocess.CompletedProcess[str]:
    """The command with ARGS, standard error not a terminal: `python -m events` as an editor
    runs it when `real` (or `env` is given), else `events.cli.main` in this process, which
    tells the same (standard output, standard error, status) at a fraction of the cost."""
    if real or env is not None:
        done = subprocess.run(
            [sys.executable, "-m", "events", *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env or _env(),
            timeout=60,
        )
    else:
        done = _in_process(list(args))
    assert "Traceback" not in done.stderr
    return done


def _in_process(args: list[str]) -> subprocess.CompletedProcess[str]:
    import contextlib
    import gc
    import io

    from events.cli import main

    raw, err = io.BytesIO(), io.StringIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(REPO):
        try:
            status = main(args)
        except SystemExit as exc:  # argparse's way out
            status = exc.code if isinstance(exc.code, int) else 2
        finally:
            gc.enable()  # the command turns the collector off for its one short run
            out.flush()
    return subprocess.CompletedProcess(args, status, raw.getvalue().decode("utf-8"), err.getvalue())


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    return {**env, "PYTHONPATH": str(REPO)}


def _block(
    url: str, cache: Path, *more: str, real: bool = False
) -> subprocess.CompletedProcess[str]:
    return _command(*START, "--calendar", url, "--cache-dir", str(cache), *more, real=real)


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The block the same feed makes when read from a file: what every run must print."""
    path = tmp_path_factory.mktemp("reference") / "feed.ics"
    path.write_bytes(FEED)
    done = _command(*START, "--calendar", str(path))
    assert done.returncode == 0 and "Rust Hack and Learn**" in done.stdout
    assert "in May" not in done.stdout
    return done.stdout


def _serve_feed(server: HTTPServer, path: str = "/cal.ics") -> None:
    server.expect_ordered_request(path).respond_with_data(
        FEED,
        content_type="text/calendar",
        headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
    )


@pytest.fixture
def cached(server: HTTPServer, tmp_path: Path, expected: str) -> Iterator[tuple[str, Path]]:
    """A feed URL whose good copy an earlier run cached, two days ago; the server forgets."""
    url = server.url_for("/cal.ics")
    _serve_feed(server)
    assert _block(url, tmp_path).stdout == expected
    _age_entry(tmp_path, url, 2 * DAY)
    server.clear()
    yield url, tmp_path


def _age_entry(cache_dir: Path, url: str, seconds: float) -> None:
    cache = FeedCache(cache_dir)
    entry = cache.load(url)
    assert entry is not None and entry.body == FEED
    cache.store(replace(entry, fetched_at=time.time() - seconds))


def _warning_naming(stderr: str, url: str, *words: str) -> None:
    """Exactly one line: a warning naming the feed, with the given words in it."""
    (line,) = stderr.splitlines()
    assert line.startswith(f"warning: {url}: ") and line.count(url) == 1
    for word in words:
        assert word in line


def _one_error_line(done: subprocess.CompletedProcess[str], name: str) -> str:
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {name}: ") and line.count(name) == 1
    return line


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


# --- the server answers ---------------------------------------------------------------------------


def test_first_run_prints_the_block_and_nothing_on_a_non_terminal_stderr(
    server, tmp_path, expected
) -> None:
    url = server.url_for("/cal.ics")
    _serve_feed(server)

    done = _block(url, tmp_path, real=True)

    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")
    entry = FeedCache(tmp_path).load(url)
    assert entry is not None and (entry.body, entry.etag) == (FEED, ETAG)


def test_second_run_sends_the_validators_and_a_304_prints_the_same_block(
    server, tmp_path, expected
) -> None:
    url = server.url_for("/cal.ics")
    _serve_feed(server)
    server.expect_ordered_request("/cal.ics").respond_with_data("", status=304)

    _block(url, tmp_path)
    done = _block(url, tmp_path, real=True)

    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")
    again = server.log[1][0].headers
    assert (again["If-None-Match"], again["If-Modified-Since"]) == (ETAG, LAST_MODIFIED)
    assert server.log[1][1].status_code == 304


# --- the server fails, the cache serves -----------------------------------------------------------


@needs_retries
def test_503s_print_the_cached_block_with_a_warning_naming_the_feed_and_age(
    server, cached, expected
) -> None:
    url, cache = cached
    server.expect_request("/cal.ics").respond_with_data("down", status=503)

    done = _block(url, cache, "--retries", "1")

    assert (done.returncode, done.stdout) == (0, expected)
    assert len(server.log) == 2
    _warning_naming(done.stderr, url, "HTTP 503", "cached copy from 2 days ago")


def test_a_sign_in_page_prints_the_cached_block_and_keeps_the_good_copy(
    server, cached, expected
) -> None:
    url, cache = cached
    server.expect_request("/cal.ics").respond_with_data(SIGN_IN, content_type="text/html")

    done = _block(url, cache)

    assert (done.returncode, done.stdout) == (0, expected)
    _warning_naming(done.stderr, url, "HTML page", "2 days ago")
    kept = FeedCache(cache).load(url)
    assert kept is not None and (kept.body, kept.etag) == (FEED, ETAG)


@needs_retries
def test_no_answer_within_the_timeout_prints_the_cached_block(
    silent_port, tmp_path, expected
) -> None:
    url = f"http://127.0.0.1:{silent_port}/cal.ics"
    FeedCache(tmp_path).store(CacheEntry(url, FEED, fetched_at=time.time() - 3 * 3600))

    started = time.monotonic()
    done = _block(url, tmp_path, "--timeout", "2", *FEW, real=True)
    elapsed = time.monotonic() - started

    assert (done.returncode, done.stdout) == (0, expected)
    _warning_naming(done.stderr, url, "no complete answer within 2 s", "3 hours ago")
    assert 2 <= elapsed < 10  # the 2 s timeout, no retry, and a start on a busy machine


@needs_retries
def test_no_server_at_all_prints_the_cached_block(tmp_path, expected) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/cal.ics"
    FeedCache(tmp_path).store(CacheEntry(url, FEED, fetched_at=time.time() - 600))

    done = _block(url, tmp_path, *FEW)

    assert (done.returncode, done.stdout) == (0, expected)
    _warning_naming(done.stderr, url, "cannot connect", "10 minutes ago")


# --- offline --------------------------------------------------------------------------------------


def test_offline_sends_nothing_and_prints_the_cached_block(server, cached, expected) -> None:
    url, cache = cached
    _serve_feed(server)

    done = _block(url, cache, "--offline", real=True)

    assert (done.returncode, done.stdout) == (0, expected)
    assert server.log == []
    _warning_naming(done.stderr, url, "offline", "2 days ago")


def test_offline_with_an_empty_cache_is_one_line_and_a_failure(server, tmp_path) -> None:
    url = server.url_for("/cal.ics")
    _serve_feed(server)

    done = _block(url, tmp_path, "--offline")

    assert done.returncode != 0 and done.stdout == ""
    assert "no cached copy" in _one_error_line(done, url)
    assert server.log == []


# --- nothing to be had ----------------------------------------------------------------------------


@needs_retries
def test_no_server_and_no_cache_is_one_line_and_exit_1(tmp_path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/cal.ics"

    done = _block(url, tmp_path, *FEW, real=True)

    assert (done.returncode, done.stdout) == (1, "")
    assert "cannot connect" in _one_error_line(done, url)


@needs_retries
def test_one_of_two_feeds_failing_prints_the_other_block_and_exits_1(
    server, tmp_path, expected
) -> None:
    good = server.url_for("/cal.ics")
    gone = f"http://127.0.0.1:{_closed_port()}/cal.ics"
    _serve_feed(server)

    done = _command(
        *START, "--calendar", good, "--calendar", gone, "--cache-dir", str(tmp_path), *FEW
    )

    assert (done.returncode, done.stdout) == (1, expected)
    assert "cannot connect" in _one_error_line(done, gone)


# --- the state of the feeds -----------------------------------------------------------------------


def test_feeds_shows_last_fetch_validators_size_events_and_last_error(server, tmp_path) -> None:
    url = server.url_for("/cal.ics")
    _serve_feed(server)
    server.expect_ordered_request("/cal.ics").respond_with_data(SIGN_IN, content_type="text/html")
    _block(url, tmp_path)
    _block(url, tmp_path)

    done = _command("feeds", "--calendar", url, "--cache-dir", str(tmp_path))

    assert done.returncode == 0 and done.stderr == ""
    lines = {line.split(None, 1)[0]: line for line in done.stdout.splitlines()[1:]}
    assert done.stdout.splitlines()[0] == url
    assert re.search(r"last fetch +\d{4}-\d\d-\d\d \d\d:\d\d UTC, \d+ seconds? ago", done.stdout)
    assert f"ETag {ETAG}" in lines["validators"] and LAST_MODIFIED in lines["validators"]
    assert lines["size"].split()[1:] == [str(len(FEED)), "B"]
    assert lines["events"].split()[1:] == ["2"]
    assert "HTML page" in lines["last"] and "ago" in lines["last"]


# --- on a terminal --------------------------------------------------------------------------------


def _run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """Run the command with standard error on a pseudo-terminal; (status, stdout, stderr)."""
    pty = pytest.importorskip("pty")
    try:
        leader, follower = pty.openpty()
    except OSError:
        pytest.skip("no pseudo-terminal here")
    env = {**_env(), "TERM": "xterm", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "events", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            cwd=REPO,
            env=env,
        )
    finally:
        os.close(follower)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the child closed its end
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        out, _ = child.communicate(timeout=60)
        reader.join(timeout=10)
    finally:
        os.close(leader)
    err = _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")
    return child.returncode, out.decode("utf-8"), err


def test_on_a_terminal_progress_and_a_per_feed_summary_go_to_stderr(
    server, tmp_path, expected
) -> None:
    good, bad = server.url_for("/cal.ics"), server.url_for("/signin")
    _serve_feed(server)
    server.expect_request("/signin").respond_with_data(SIGN_IN, content_type="text/html")

    status, out, err = _run_with_terminal_stderr(
        *START, "--calendar", good, "--calendar", bad, "--cache-dir", str(tmp_path)
    )

    assert (status, out) == (1, expected)
    assert re.search(r"fetching feeds .* 2/2 0:00:\d\d", err)  # feeds done, time elapsed
    assert f"{bad}: failed" in err and f"{good}: fresh" not in err.split("Feeds")[0]
    assert "2 feeds: 1 fresh, 1 failed" in err
    summary = err[err.index("Feeds") :].splitlines()
    assert [line.split() for line in summary[1:]] == [
        ["feed", "freshness", "events", "warnings"],
        [good, "fresh", "1", "0"],
        [bad, "failed", "–", "1"],
    ]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "source",
    ["http://127.0.0.1:99999/cal.ics", "http:///cal.ics", "ftp://127.0.0.1/cal.ics"],
    ids=["port-out-of-range", "no-host", "ftp"],
)
def test_a_source_that_cannot_be_fetched_at_all_is_one_line_at_once(source, tmp_path) -> None:
    started = time.monotonic()
    done = _block(source, tmp_path)

    assert (done.returncode, done.stdout) == (1, "")
    _one_error_line(done, source)
    assert time.monotonic() - started < 5  # no retries for what cannot get better


# --- many feeds: which failures fail the run ------------------------------------------------------

#: A Meetup group's own feed in miniature: its next event, in the window.
GROUP_FEED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Meetup//RemoteApi//EN\r
X-WR-CALNAME:Rust Kyiv\r
BEGIN:VEVENT\r
UID:event_312345678@meetup.com\r
DTSTART:20251125T160000Z\r
DTEND:20251125T180000Z\r
SUMMARY:Rust Kyiv meetup #12\r
URL:https://www.meetup.com/rust-kyiv/events/312345678/\r
LOCATION:Online event\r
DESCRIPTION:Rust Kyiv\\nTalks and chat.\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _config(tmp_path: Path, *feeds: tuple[str, str, bool]) -> Path:
    """A calendars.toml of (name, url, required) feeds; the group feeds name their group."""
    tables = []
    for name, url, required in feeds:
        lines = ["[[calendar]]", f'name = "{name}"', f'url = "{url}"']
        if required:
            lines.append("required = true")
        else:
            lines.append('group_url = "https://www.meetup.com/rust-kyiv/"')
        tables.append("\n".join(lines))
    path = tmp_path / "calendars.toml"
    path.write_text("\n\n".join(tables) + "\n")
    return path


def _run_config(config: Path, cache: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return _command(*START, "--config", str(config), "--cache-dir", str(cache), *FEW, *more)


def test_a_group_feed_that_fails_is_a_warning_naming_it_and_exit_0(server, tmp_path) -> None:
    _serve_feed(server)
    gone = f"http://127.0.0.1:{_closed_port()}/rust-kyiv/events/ical/"
    config = _config(
        tmp_path,
        ("Rust Community Calendar", server.url_for("/cal.ics"), True),
        ("Rust Kyiv (Meetup)", gone, False),
    )

    done = _run_config(config, tmp_path / "cache")

    assert done.returncode == 0 and "Rust Hack and Learn" in done.stdout
    (line,) = [x for x in done.stderr.splitlines() if "Rust Kyiv (Meetup)" in x]
    assert line.startswith("warning: Rust Kyiv (Meetup): ") and "connection refused" in line
    assert "error:" not in done.stderr


def test_a_required_feed_that_fails_is_an_error_and_exit_1(server, tmp_path) -> None:
    server.expect_request("/rust-kyiv/events/ical/").respond_with_data(GROUP_FEED)
    config = _config(
        tmp_path,
        ("Rust Community Calendar", f"http://127.0.0.1:{_closed_port()}/cal.ics", True),
        ("Rust Kyiv (Meetup)", server.url_for("/rust-kyiv/events/ical/"), False),
    )

    done = _run_config(config, tmp_path / "cache")

    assert done.returncode == 1
    assert "Rust Kyiv meetup #12" in done.stdout  # the block of what could be read
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert line.startswith("error: Rust Community Calendar: ")


def test_no_feed_read_at_all_is_exit_1_with_nothing_on_stdout(tmp_path) -> None:
    config = _config(
        tmp_path,
        ("Rust Community Calendar", "https://feed.invalid/cal.ics", False),
        ("Rust Kyiv (Meetup)", f"http://127.0.0.1:{_closed_port()}/k/events/ical/", False),
    )
    started = time.monotonic()
    done = _run_config(config, tmp_path / "cache", "--retries", "3")
    assert time.monotonic() - started < 15  # no retries for what cannot get better
    assert (done.returncode, done.stdout) == (1, "")
    errors = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 2 and "does not resolve" in errors[0]


@needs_retries
def test_timeout_2_against_a_server_that_never_answers_gives_up_within_15_s(
    silent_port, tmp_path, expected
) -> None:
    url = f"http://127.0.0.1:{silent_port}/cal.ics"
    FeedCache(tmp_path).store(CacheEntry(url, FEED, fetched_at=time.time() - 3 * 3600))

    started = time.monotonic()
    done = _block(url, tmp_path, "--timeout", "2", real=True)  # the default retries
    elapsed = time.monotonic() - started

    assert (done.returncode, done.stdout) == (0, expected)
    _warning_naming(done.stderr, url, "no complete answer within 2 s, after 2 attempts")
    assert elapsed < 15


def test_the_deadline_flag_bounds_the_run(silent_port, tmp_path, expected) -> None:
    url = f"http://127.0.0.1:{silent_port}/cal.ics"
    FeedCache(tmp_path).store(CacheEntry(url, FEED, fetched_at=time.time() - 600))

    started = time.monotonic()
    done = _block(url, tmp_path, "--timeout", "30", "--deadline", "1.5")

    assert time.monotonic() - started < 10
    assert (done.returncode, done.stdout) == (0, expected)
    _warning_naming(done.stderr, url, "run's deadline of 1.5 s", "10 minutes ago")


@pytest.mark.parametrize("value", ["0", "-1", "soon", "99999"])
def test_a_bad_deadline_is_a_usage_error(value, tmp_path) -> None:
    done = _command(*START, "--deadline", value, "--calendar", "x.ics")
    assert done.returncode == 2 and "--deadline" in done.stderr


def test_a_fifo_given_as_calendar_is_refused_at_once(tmp_path) -> None:
    fifo = tmp_path / "feed.ics"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = _block(str(fifo), tmp_path / "cache", real=True)
    assert time.monotonic() - started < 10
    assert (done.returncode, done.stdout) == (1, "")
    assert "is a FIFO, not a regular file" in _one_error_line(done, str(fifo))


def test_a_slow_feed_gets_a_line_when_stderr_is_not_a_terminal(
    server, tmp_path, monkeypatch, capsys
) -> None:
    import gc

    import events.io.http
    from events.cli import main

    monkeypatch.setattr(events.io.http, "SLOW_AFTER", 0.3)
    url = server.url_for("/cal.ics")
    server.expect_request("/cal.ics").respond_with_handler(
        lambda request: time.sleep(1.0) or __import__("werkzeug").Response(FEED)
    )
    try:
        status = main([*START, "--calendar", url, "--cache-dir", str(tmp_path)])
    finally:
        gc.enable()  # the command turns the collector off for its one short run
    out, err = capsys.readouterr()
    assert status == 0 and "Rust Hack and Learn" in out
    assert err == f"twir-events: still waiting for {url} after 0.3 s\n"


def test_feeds_never_prints_a_servers_escapes(server, tmp_path) -> None:
    url = server.url_for("/cal.ics")
    server.expect_request("/cal.ics").respond_with_data(
        FEED, headers={"ETag": '"v1\x1b]0;owned\x07\x1b[2J"'}
    )
    _block(url, tmp_path)
    other = server.url_for("/other.ics")
    server.expect_request("/other.ics").respond_with_response(
        __import__("werkzeug").Response("x", status="599 \x1b[31mred\x1b[0m")
    )
    _block(other, tmp_path, *FEW)

    done = _command(
        "feeds", "--calendar", url, "--calendar", other, "--cache-dir", str(tmp_path), real=True
    )

    assert done.returncode == 0
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert 'ETag "v1 ]0;owned [2J"' in done.stdout and "HTTP 599 [31mred [0m" in done.stdout
    assert done.stdout.rstrip().endswith("2 feeds: 1 cached, 1 never fetched, 1 failing")


def test_feeds_lists_every_configured_feed(tmp_path) -> None:
    config = _config(
        tmp_path,
        ("Rust Community Calendar", "https://calendar.google.com/x.ics", True),
        *((f"Group {n}", f"https://www.meetup.com/g{n}/events/ical/", False) for n in range(30)),
    )
    done = _command("feeds", "--config", str(config), "--cache-dir", str(tmp_path / "cache"))
    assert done.returncode == 0
    names = [line for line in done.stdout.splitlines() if line and not line.startswith(" ")]
    assert names[:-1] == ["Rust Community Calendar", *(f"Group {n}" for n in range(30))]
    assert names[-1] == "31 feeds: 0 cached, 31 never fetched, 0 failing"


def _measured(*args: str) -> tuple[int, str, str, int]:
    """The real command: its status, standard output and error, and its peak memory (bytes)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "events", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=_env(),
    )
    assert child.stdout is not None and child.stderr is not None
    out, err = child.stdout.read(), child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, out.decode(), err.decode(), usage.ru_maxrss * 1024


def test_a_double_gzip_bomb_is_one_line_and_little_memory(server, tmp_path) -> None:
    """`Content-Encoding: gzip, gzip` over a gigabyte of zeros (1,024 gzip members of a MiB
    each, about 1 MB, compressed again): refused with one line, the process far below 400 MB."""
    import gzip

    inner = gzip.compress(b"\0" * 2**20, compresslevel=9) * 1024
    bomb = gzip.compress(inner, compresslevel=9)
    server.expect_request("/bomb.ics").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip"}, content_type="text/calendar"
    )
    url = server.url_for("/bomb.ics")
    status, out, err, peak = _measured(*START, "--calendar", url, "--cache-dir", str(tmp_path))
    assert (status, out) == (1, "")
    (line,) = err.splitlines()
    assert line == f"error: {url}: more than one content encoding (gzip, gzip)"
    assert peak < 400 * 2**20


def test_a_single_gzip_bomb_stops_at_the_limit_in_little_memory(server, tmp_path) -> None:
    """One content encoding over a gigabyte of zeros: decompression counted as it goes stops
    at the 50 MiB limit, the process far below 400 MB."""
    import gzip

    bomb = gzip.compress(b"BEGIN:VCALENDAR\r\n") + gzip.compress(b"\0" * 2**20) * 1024
    server.expect_request("/bomb.ics").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/calendar"
    )
    url = server.url_for("/bomb.ics")
    status, out, err, peak = _measured(*START, "--calendar", url, "--cache-dir", str(tmp_path))
    assert (status, out) == (1, "")
    (line,) = err.splitlines()
    assert line.endswith("larger than the size limit of 50.0 MiB once decompressed")
    assert peak < 400 * 2**20
