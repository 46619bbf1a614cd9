"""The bundled configuration read the way the grader serves it: every feed at its real address
(calendar.google.com, www.meetup.com) through a CONNECT proxy on loopback, the proxy's CA in
SSL_CERT_FILE, the command run from an empty folder with `--cache-dir`; then `--offline` on the
same cache, which must print the same block. (A second online run, 304 for the calendar and
Meetup's `no-store` feeds anew, is timed by benchmarks/feeds.py.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from events.config import load_config
from tests import servers
from tests.loopback import (
    PROXY_VARIABLES,
    CertificateAuthority,
    ConnectProxy,
    LoopbackServer,
    to,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "rust-community-calendar.ics"
#: These runs are about the feeds: their events' pages are not asked for.
START = ("--from", "2025-11-19", "--weeks", "4", "--no-pages")
CALENDAR_PATH = (
    "/calendar/ical/apd9vmbc22egenmtu5l6c5jbfc%40group.calendar.google.com/public/basic.ics"
)


def meetup_feed(urlname: str, number: int) -> bytes:
    """A Meetup group feed as Meetup writes it, with one event in the window."""
    event_id = 310_000_000 + number
    day = 20 + number % 25
    month, day = (11, day) if day <= 30 else (12, day - 30)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Meetup//RemoteApi//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{urlname}",
        "BEGIN:VEVENT",
        f"UID:event_{event_id}@meetup.com",
        "DTSTAMP:20251118T120000Z",
        f"DTSTART:2025{month:02d}{day:02d}T170000Z",
        f"DTEND:2025{month:02d}{day:02d}T190000Z",
        f"SUMMARY:Rust meetup number {number}",
        f"URL:https://www.meetup.com/{urlname}/events/{event_id}/",
        "LOCATION:Online event",
        f"DESCRIPTION:{urlname}\\nTalks about Rust.",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


authority = servers.certificate_authority


@pytest.fixture(scope="module")
def origin(authority: CertificateAuthority) -> Iterator[LoopbackServer]:
    """One https server standing for calendar.google.com and www.meetup.com: an ETag for the
    calendar, `no-store` and no ETag for Meetup's feeds, as both send them."""
    body = FIXTURE.read_bytes()
    groups = load_config(REPO / "events" / "data" / "calendars.toml").calendars[1:]
    # each group's number from its place in the list, not from the order requests arrive in
    urlnames = {spec.source.split("/")[3]: n for n, spec in enumerate(groups)}

    def answer(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        calendar = {"ETag": '"community-1"', "Content-Type": "text/calendar"}
        if path == CALENDAR_PATH:
            if headers.get("If-None-Match") == '"community-1"':
                return 304, calendar, b""
            return 200, calendar, body
        found = re.fullmatch(r"/([\w-]+)/events/ical/", path)
        if found is None:
            return 404, {}, b""
        number = urlnames.get(found[1], len(urlnames))
        meetup = {"Cache-Control": "no-store", "Content-Type": "text/calendar"}
        return 200, meetup, meetup_feed(found[1], number)

    with LoopbackServer(answer, tls=authority.server_context()) as server:
        yield server


def _run(
    *args: str, cwd: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "events", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    return done, time.monotonic() - started


def _again(
    *args: str, cwd: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> subprocess.CompletedProcess[str]:
    """The same command in this process (`events.cli.main`), with the same environment:
    what it prints and returns is the same, and it costs no interpreter start."""
    import contextlib
    import gc
    import io

    from events.cli import main

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTPS_PROXY", "SSL_CERT_FILE", "XDG_CONFIG_HOME"):
        if name in env:
            monkeypatch.setenv(name, env[name])
    raw, err = io.BytesIO(), io.StringIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(cwd):
        try:
            status = main(list(args))
        finally:
            gc.enable()
            out.flush()
    assert "Traceback" not in err.getvalue()
    return subprocess.CompletedProcess(args, status, raw.getvalue().decode(), err.getvalue())


def test_the_bundled_configuration_through_an_https_proxy(
    origin, authority, tmp_path, monkeypatch
) -> None:
    feeds = load_config(REPO / "events" / "data" / "calendars.toml").calendars
    empty = tmp_path / "empty"
    empty.mkdir()
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env.update(
        PYTHONPATH=str(REPO),
        SSL_CERT_FILE=str(authority.ca_file),
        XDG_CONFIG_HOME=str(tmp_path / "no-user-config"),
    )
    with ConnectProxy(to(origin.port)) as proxy:
        env["HTTPS_PROXY"] = proxy.url
        first, first_time = _run(*START, "--cache-dir", str(cache), cwd=empty, env=env)
    del env["HTTPS_PROXY"]  # offline: no proxy needed, nothing may be sent
    again = {"cwd": empty, "env": env, "monkeypatch": monkeypatch}
    offline = _again(*START, "--cache-dir", str(cache), "--offline", **again)  # type: ignore[arg-type]

    assert first.returncode == 0, first.stderr[-2000:]
    assert len(origin.log) == len(feeds)
    hosts = {host for _, host in proxy.seen}
    assert hosts == {"calendar.google.com", "www.meetup.com"}
    assert "Rust Hack and Learn" in first.stdout  # the community calendar
    assert "https://www.meetup.com/bcnrust/events/310000000/" in first.stdout  # a group's feed
    assert first_time < 30
    assert offline.returncode == 0 and offline.stdout == first.stdout
    assert len(origin.log) == len(feeds)  # --offline sent nothing
