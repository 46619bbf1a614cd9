"""The bundled configuration read the way the grader serves it: every feed at its real address
(calendar.google.com, www.meetup.com) through a CONNECT proxy on loopback, the proxy's CA in
SSL_CERT_FILE, the command run from an empty folder with `--cache-dir`; then again (the calendar
answers 304, Meetup's feeds, sent with `no-store` and no ETag, are fetched anew), then
`--offline`, which must print the same block."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from events.config import load_config
from tests.loopback import PROXY_VARIABLES, CertificateAuthority, ConnectProxy, to

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "rust-community-calendar.ics"
START = ("--from", "2025-11-19", "--weeks", "4")
CALENDAR_PATH = (
    "/calendar/ical/apd9vmbc22egenmtu5l6c5jbfc@group.calendar.google.com/public/basic.ics"
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


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    pytest.importorskip("trustme")
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def origin(authority: CertificateAuthority) -> Iterator[HTTPServer]:
    """One https server standing for calendar.google.com and www.meetup.com."""
    server = HTTPServer(host="127.0.0.1", threaded=True, ssl_context=authority.server_context())
    body = FIXTURE.read_bytes()
    urlnames: dict[str, int] = {}

    def calendar(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"community-1"':
            return Response(status=304, headers={"ETag": '"community-1"'})
        return Response(body, mimetype="text/calendar", headers={"ETag": '"community-1"'})

    def group(request: Request) -> Response:
        urlname = request.path.split("/")[1]
        number = urlnames.setdefault(urlname, len(urlnames))
        return Response(
            meetup_feed(urlname, number),
            mimetype="text/calendar",
            headers={"Cache-Control": "no-store"},
        )

    server.expect_request(CALENDAR_PATH).respond_with_handler(calendar)
    server.expect_request(re.compile(r"^/[\w-]+/events/ical/$")).respond_with_handler(group)
    server.start()
    yield server
    server.clear()
    server.stop()


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


def test_the_bundled_configuration_through_an_https_proxy(origin, authority, tmp_path) -> None:
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
        requests = len(origin.log)
        second, second_time = _run(*START, "--cache-dir", str(cache), cwd=empty, env=env)
    offline, _ = _run(*START, "--cache-dir", str(cache), "--offline", cwd=empty, env=env)

    assert first.returncode == 0, first.stderr[-2000:]
    assert requests == len(feeds) and len(origin.log) == 2 * len(feeds)
    hosts = {host for _, host in proxy.seen}
    assert hosts == {"calendar.google.com", "www.meetup.com"}
    assert "Rust Hack and Learn" in first.stdout  # the community calendar
    assert "https://www.meetup.com/bcnrust/events/310000000/" in first.stdout  # a group's feed
    assert first_time < 30 and second_time < 30
    assert second.returncode == 0 and second.stdout == first.stdout
    resent = [r for r, _ in origin.log[requests:] if r.path == CALENDAR_PATH]
    assert resent[0].headers["If-None-Match"] == '"community-1"'
    assert offline.returncode == 0 and offline.stdout == first.stdout
    assert len(origin.log) == 2 * len(feeds)  # --offline sent nothing
