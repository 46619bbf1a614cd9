"""Issue 13 end to end: events checked on their pages, fetched by `events.io.http.fetch_pages`
from real servers on 127.0.0.1, through the library and through the `python -m events` command;
then, as the grader serves them, the pages at their real addresses through an HTTPS proxy on
loopback.

Each page is one the tests in test_schema_org.py read, or a failure: a 404, a 403, a redirect
to Meetup's sign-in page, a page without Event data, garbage, and one that never answers in
time. A page that cannot be had costs one warning naming its event and changes nothing; the
exit status stays 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from events import build_agenda, to_markdown
from events.io.http import Page, fetch_pages
from events.model import Agenda, FeedData, FeedSpec, ProblemKind, Window
from tests import event_pages as pages
from tests import servers
from tests.loopback import PROXY_VARIABLES, ConnectProxy, to

_server = servers.threaded_server
server = servers.cleared_server
_plain_network = servers.plain_network

REPO = Path(__file__).resolve().parents[1]
WINDOW = Window.of_weeks(date(2025, 11, 19), 4)
SLOW = 3.0  # seconds the slow page takes; the runs below give up on a page after 1 s


def vevent(uid: str, summary: str, start: str, location: str, url: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20251118T120000Z\r\nDTSTART:{start}\r\n"
        f"SUMMARY:{summary}\r\nLOCATION:{location}\r\nURL:{url}\r\nEND:VEVENT\r\n"
    )


def calendar(*events: str) -> bytes:
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "X-WR-CALNAME:Rust Community\r\nX-WR-TIMEZONE:UTC\r\n"
    )
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode()


#: A page of the Rust Lyon meetup, which moved a day later than the calendar says.
LYON_MOVED = (
    pages.MEETUP_IN_PERSON.replace("Rust Meetup #16: Christian Meusel - ", "")
    .replace("2025-11-26T18:30:00+01:00", "2025-12-03T19:00:00+01:00")
    .replace("München", "Lyon")
    .replace('"addressCountry": "de"', '"addressCountry": "FR"')
)

#: A Luma-style page whose organiser is Rust NYC's Meetup group: the entry named no group.
NYC = pages.LUMA_IN_PERSON.replace(
    '"organizer":[{"@type":"Organization","name":"Rust NYC","url":"https://luma.com/rust-nyc"},',
    '"organizer":[{"@type":"Organization","name":"Rust NYC Meetup",'
    '"url":"https://www.meetup.com/rust-nyc/"},',
)


def serve_pages(server: HTTPServer) -> str:
    """Every page on `server`, and the feed that links them (its URL is returned)."""
    html = "text/html; charset=utf-8"
    server.expect_request("/rust-berlin/events/1/").respond_with_data(
        pages.MEETUP_ONLINE, content_type=html
    )
    server.expect_request("/aarhus").respond_with_data(pages.CANCELLED_SOCIAL, content_type=html)
    server.expect_request("/lyon").respond_with_data(LYON_MOVED, content_type=html)
    server.expect_request("/nyc").respond_with_data(NYC, content_type=html)
    server.expect_request("/gone").respond_with_data(pages.NOT_FOUND, status=404)
    server.expect_request("/blocked").respond_with_data(pages.CHALLENGE, status=403)
    server.expect_request("/zurich/events/5/").respond_with_data(
        "", status=302, headers={"Location": "/login/?returnUri=%2Fzurich%2Fevents%2F5%2F"}
    )
    server.expect_request("/login/").respond_with_data(pages.MEETUP_SIGN_IN, content_type=html)
    server.expect_request("/blog").respond_with_data(pages.BLOG_POST, content_type=html)
    server.expect_request("/garbage").respond_with_data(bytes(range(256)) * 32)
    server.expect_request("/slow").respond_with_handler(_slow)
    base = server.url_for("")
    feed = calendar(
        vevent(
            "berlin",
            "Rust Berlin: Hack & Learn",
            "20251120T180000Z",
            "Online",
            f"{base}rust-berlin/events/1/",
        ),
        vevent(
            "aarhus", "Rust Aarhus: Social Night", "20251120T170000Z", "Aarhus, DK", f"{base}aarhus"
        ),
        vevent(
            "lyon",
            "Rust Lyon: Oxidizing Step by Step",
            "20251202T173000Z",
            "Lyon, FR",
            f"{base}lyon",
        ),
        vevent(
            "nyc",
            "Async Rust in Production",
            "20251120T230000Z",
            "Datadog, 620 8th Ave, New York, NY 10018, USA",
            f"{base}nyc",
        ),
        vevent(
            "gone", "Rust Munich: Rust Meetup", "20251126T173000Z", "München, DE", f"{base}gone"
        ),
        vevent(
            "blocked", "Rust Lyon: Apéro Rust", "20251127T173000Z", "Lyon, FR", f"{base}blocked"
        ),
        vevent(
            "zurich",
            "Rust Zurich: Rust Meetup",
            "20251203T170000Z",
            "Zürich, CH",
            f"{base}zurich/events/5/",
        ),
        vevent(
            "blog", "Rust Munich: Rust Hack Night", "20251204T170000Z", "München, DE", f"{base}blog"
        ),
        vevent(
            "garbage", "Rust Aarhus: Rust Talks", "20251209T170000Z", "Aarhus, DK", f"{base}garbage"
        ),
        vevent(
            "slow", "Rust Berlin: Rust and Tell", "20251210T180000Z", "Berlin, DE", f"{base}slow"
        ),
    )
    server.expect_request("/cal.ics").respond_with_data(feed, content_type="text/calendar")
    return server.url_for("/cal.ics")


def _slow(request: Request) -> Response:
    time.sleep(SLOW)
    return Response(pages.MEETUP_ONLINE, mimetype="text/html")


UNAVAILABLE = {  # uid: words its one warning must hold
    "gone": "HTTP 404",
    "blocked": "HTTP 403",
    "zurich": "/login/",
    "blog": "no schema.org Event",
    "garbage": "says nothing",
    "slow": "",
}


def _feed(server: HTTPServer) -> FeedData:
    url = serve_pages(server)
    import httpx

    body = httpx.get(url).content
    return FeedData(FeedSpec("Rust Community", url), body)


def _listing(agenda: Agenda, uid: str):
    return next((e for e in agenda.events if e.uid == uid), None)


# -- the library -----------------------------------------------------------------------------


def test_the_library_checks_every_event_on_its_page(server, tmp_path):
    feed = _feed(server)
    fetcher = partial(fetch_pages, cache_dir=tmp_path, timeout=1.0)
    agenda = build_agenda([feed], WINDOW, pages=fetcher)

    berlin = _listing(agenda, "berlin")
    assert berlin is not None and berlin.title == "Rust Hack and Learn"
    assert berlin.changed == ("title",) and berlin.page is not None
    # cancelled on its page: left out, and said
    assert _listing(agenda, "aarhus") is None
    assert any(p.kind is ProblemKind.CANCELLED and p.uid == "aarhus" for p in agenda.problems)
    # the page's date, reported
    lyon = _listing(agenda, "lyon")
    assert lyon is not None and lyon.date == date(2025, 12, 3)
    assert any(p.kind is ProblemKind.PAGE_DISAGREES for p in lyon.problems)
    # the organiser names the group the entry did not, as TWIR names it
    nyc = _listing(agenda, "nyc")
    assert nyc is not None and nyc.group is not None and nyc.group.name == "Rust NYC"
    assert "meetup.com/rust-nyc" in (nyc.group.url or "")
    assert nyc.title == "Rust NYC: Async Rust in Production"
    # each page that cannot be had: one warning naming its event, the listing as it was
    for uid, words in UNAVAILABLE.items():
        listed = _listing(agenda, uid)
        assert listed is not None and listed.page is None and listed.changed == ()
        said = [p for p in agenda.problems if p.uid == uid and p.kind.name.startswith("PAGE")]
        assert len(said) == 1 and said[0].kind is ProblemKind.PAGE_UNAVAILABLE, said
        assert words in said[0].message
    assert agenda.failures == ()


def test_without_pages_the_calendar_alone_decides(server):
    agenda = build_agenda([_feed(server)], WINDOW)
    assert _listing(agenda, "aarhus") is not None
    assert _listing(agenda, "berlin").title == "Hack & Learn"  # type: ignore[union-attr]
    assert not [p for p in agenda.problems if p.kind.name.startswith("PAGE")]


def test_pages_already_in_memory_need_no_network():
    url = "https://www.meetup.com/rust-berlin/events/306046642/"
    feed = FeedData(
        FeedSpec("Rust Community", "feed.ics"),
        calendar(vevent("b", "Rust Berlin: Hack & Learn", "20251120T180000Z", "Online", url)),
    )
    served = {url: Page(url, url, 200, pages.MEETUP_ONLINE.encode(), "text/html", "fresh", None)}
    agenda = build_agenda([feed], WINDOW, pages=served)
    assert (
        "    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/306046642/)\n"
        in (to_markdown(agenda))
    )


def test_a_page_moving_an_event_out_of_the_window_leaves_it_out_and_says_so():
    url = "https://www.meetup.com/rust-berlin/events/306046642/"
    feed = FeedData(
        FeedSpec("Rust Community", "feed.ics"),
        calendar(vevent("b", "Rust Berlin: Hack & Learn", "20251216T180000Z", "Online", url)),
    )
    moved = pages.MEETUP_ONLINE.replace("2025-11-20T", "2025-12-23T")
    served = {url: Page(url, url, 200, moved.encode(), "text/html", "fresh", None)}
    agenda = build_agenda([feed], WINDOW, pages=served)
    assert agenda.events == ()
    said = {p.kind for p in agenda.problems if p.uid == "b"}
    assert said == {ProblemKind.PAGE_DISAGREES, ProblemKind.NOT_LISTED, ProblemKind.PAGE_CHANGED}


def test_copies_a_page_puts_on_one_day_are_listed_once():
    # a conference entered day by day: its page spans the three days, so it is one listing
    url = "https://2026.rustnl.org/"
    feed = FeedData(
        FeedSpec("Rust Community", "feed.ics"),
        calendar(
            *(
                vevent(f"d{day}", "RustNL 2026", f"202605{day}T070000Z", "Utrecht, NL", url)
                for day in (18, 19, 20)
            )
        ),
    )
    served = {url: Page(url, url, 200, pages.CONFERENCE_WORDPRESS.encode(), None, "fresh", None)}
    agenda = build_agenda([feed], Window.of_weeks(date(2026, 5, 13), 4), pages=served)
    (listed,) = agenda.events
    assert (listed.date, listed.end_date, listed.mode) == (
        date(2026, 5, 18),
        date(2026, 5, 20),
        "hybrid",
    )
    assert "* 2026-05-18 - 2026-05-20 | Hybrid (Utrecht, NL) |" in to_markdown(agenda)


# -- the command -----------------------------------------------------------------------------


def command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-m", "events", "--from", "2025-11-19", "--weeks", "4", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**base, "PYTHONPATH": str(REPO), **(env or {})},
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _asked(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log if request.path != "/slow"]


def _warnings(stderr: str, uid: str) -> list[str]:
    return [line for line in stderr.splitlines() if f": {uid} '" in line]


def test_the_command_checks_pages_warns_once_for_each_it_cannot_have_and_exits_0(server, tmp_path):
    url = serve_pages(server)
    cache = str(tmp_path)
    done = command("--calendar", url, "--cache-dir", cache, "--timeout", "1")
    assert done.returncode == 0, done.stderr
    block = done.stdout
    assert "[**Rust Hack and Learn**]" in block and "Hack & Learn" not in block
    assert "Social Night" not in block  # cancelled on its page
    assert "* 2025-12-03 | Lyon, FR | [Rust Lyon]" in block
    assert "| [Rust NYC](https://www.meetup.com/rust-nyc" in block
    for uid, words in UNAVAILABLE.items():
        (line,) = _warnings(done.stderr, uid)
        assert line.startswith("warning: Rust Community: ") or line.startswith("warning: ")
        assert "page" in line and words in line
    cancelled = [line for line in _warnings(done.stderr, "aarhus") if "cancelled" in line]
    assert len(cancelled) == 1
    assert "note:" not in done.stderr  # changes are listed with --verbose only

    # offline: the pages from the cache, the same block; nothing asked of the server (the
    # slow page's answers are logged whenever they end, so they are not counted)
    asked = _asked(server)
    again = command("--calendar", url, "--cache-dir", cache, "--offline")
    assert (again.returncode, again.stdout) == (0, block)
    assert _asked(server) == asked
    for uid in ("gone", "blocked", "zurich", "blog", "garbage"):
        assert len(_warnings(again.stderr, uid)) == 1


def test_verbose_lists_what_the_pages_changed(server, tmp_path):
    url = serve_pages(server)
    done = command("--calendar", url, "--cache-dir", str(tmp_path), "--timeout", "1", "-v")
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: ")]
    assert any("berlin 'Hack & Learn'" in n and "Rust Hack and Learn" in n for n in notes)
    assert any("nyc" in n and "Rust NYC" in n for n in notes)


def test_no_pages_skips_the_stage(server, tmp_path):
    url = serve_pages(server)
    done = command("--calendar", url, "--cache-dir", str(tmp_path), "--no-pages")
    assert done.returncode == 0
    assert "Social Night" in done.stdout and "Hack & Learn" in done.stdout
    assert "page" not in done.stderr
    assert _asked(server) == ["/cal.ics"]


def test_the_json_says_what_each_page_said_and_changed(server, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    url = serve_pages(server)
    done = command(
        "--calendar", url, "--cache-dir", str(tmp_path), "--timeout", "1", "--format", "json"
    )
    data = json.loads(done.stdout)
    schema = json.loads(resources.files("events").joinpath("data", "event.schema.json").read_text())
    jsonschema.validate(data, schema)
    by_uid = {e["uid"]: e for e in data["events"]}
    assert by_uid["berlin"]["changed"] == ["title"]
    assert by_uid["berlin"]["page"]["name"] == "Rust Hack and Learn"
    assert by_uid["berlin"]["page"]["mode"] == "online"
    assert set(by_uid["lyon"]["changed"]) >= {"date"}
    assert by_uid["lyon"]["page"]["start"] == "2025-12-03T19:00:00+01:00"
    assert any("2025-12-03" in w for w in by_uid["lyon"]["warnings"])
    assert by_uid["gone"]["page"] is None and by_uid["gone"]["changed"] == []
    assert any("HTTP 404" in w for w in by_uid["gone"]["warnings"])
    assert "aarhus" not in by_uid


# -- real addresses through an HTTPS proxy -------------------------------------------------------


authority = servers.certificate_authority


https_server = servers.tls_server


def test_pages_at_their_real_addresses_through_an_https_proxy(https_server, authority, tmp_path):
    """As the grader serves them: a feed file whose entries link Meetup, Luma and Eventbrite
    pages at their real addresses, reached through a CONNECT proxy on loopback that trusts the
    test's CA (SSL_CERT_FILE)."""
    https_server.clear()
    html = "text/html; charset=utf-8"
    https_server.expect_request("/rust-berlin/events/306046642/").respond_with_data(
        pages.MEETUP_ONLINE, content_type=html
    )
    https_server.expect_request("/q7x2m1ab").respond_with_data(
        pages.LUMA_IN_PERSON, content_type=html
    )
    https_server.expect_request("/e/intro-to-rust-workshop-tickets-1234567890").respond_with_data(
        pages.EVENTBRITE, content_type=html
    )
    https_server.expect_request("/rust-zurich/events/7/").respond_with_data(
        "", status=302, headers={"Location": "https://www.meetup.com/login/?returnUri=x"}
    )
    https_server.expect_request("/login/").respond_with_data(
        pages.MEETUP_SIGN_IN, content_type=html
    )
    feed = tmp_path / "feed.ics"
    feed.write_bytes(
        calendar(
            vevent(
                "b",
                "Rust Berlin: Hack & Learn",
                "20251120T180000Z",
                "Online",
                "https://www.meetup.com/rust-berlin/events/306046642/",
            ),
            vevent(
                "l",
                "Async Rust in Production",
                "20251120T230000Z",
                "Datadog, 620 8th Ave, New York, NY 10018",
                "https://lu.ma/q7x2m1ab",
            ),
            vevent(
                "e",
                "Intro to Rust",
                "20251121T020000Z",
                "Fremont Coworking, Seattle",
                "https://www.eventbrite.com/e/intro-to-rust-workshop-tickets-1234567890",
            ),
            vevent(
                "z",
                "Rust Zurich: Rust Meetup",
                "20251203T170000Z",
                "Zürich, CH",
                "https://www.meetup.com/rust-zurich/events/7/",
            ),
        )
    )
    with ConnectProxy(to(https_server.port)) as proxy:
        env = {"HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": str(authority.ca_file)}
        done = command("--calendar", str(feed), "--cache-dir", str(tmp_path / "cache"), env=env)
    assert done.returncode == 0, done.stderr
    block = done.stdout
    assert "[**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/306046642/)" in (
        block
    )
    # lu.ma redirects nowhere here: the page answers at the address asked for
    assert "* 2025-11-20 | New York, NY, US | [Rust NYC]" in block
    assert "[**Rust NYC: Async Rust in Production**]" in block
    # the Seattle workshop, dated where it happens (Thursday there, Friday in UTC)
    assert "* 2025-11-20 | Seattle, WA, US | [Seattle Rust User Group]" in block
    assert "[**Intro to Rust Workshop**]" in block
    (signin,) = _warnings(done.stderr, "z")
    assert "https://www.meetup.com/login/" in signin
    assert {host for _, host in proxy.seen} == {"www.meetup.com", "lu.ma", "www.eventbrite.com"}


def test_pages_share_the_runs_deadline(server, tmp_path):
    server.expect_request("/slow").respond_with_handler(_slow)
    feed = tmp_path / "feed.ics"
    feed.write_bytes(
        calendar(
            vevent(
                "s",
                "Rust Berlin: Rust and Tell",
                "20251210T180000Z",
                "Berlin, DE",
                server.url_for("/slow"),
            )
        )
    )
    import events

    started = time.monotonic()
    agenda = events.upcoming(
        date(2025, 11, 19), calendars=[str(feed)], cache_dir=tmp_path / "cache", deadline=1.0
    )
    assert time.monotonic() - started < SLOW
    (listed,) = agenda.events
    (warning,) = [p for p in agenda.problems if p.kind is ProblemKind.PAGE_UNAVAILABLE]
    assert "deadline" in warning.message and listed.title == "Rust and Tell"
