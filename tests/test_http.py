"""The shared HTTP layer (`events.io.http`) against real servers on 127.0.0.1: event pages with
their cache, redirects, limits on size, decompression, time and hosts, and the standard network
environment (a CONNECT proxy of the test's own, certificates through SSL_CERT_FILE)."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from events.io.cache import CacheEntry, FeedCache
from events.io.http import (
    Decoder,
    HttpFailure,
    Page,
    fetch_pages,
    parse_retry_after,
    url_problem,
)
from tests import servers
from tests.loopback import ConnectProxy, to

_server = servers.threaded_server
server = servers.cleared_server
_plain_network = servers.plain_network

HTML = b"<!DOCTYPE html><html><head><title>Rust Meetup</title></head><body>hi</body></html>"
SIGN_IN = b"<html><head><title>Log in</title></head><body>Sign in to Meetup</body></html>"


def _pages(urls: list[str], cache: Path, **options: object) -> dict[str, Page]:
    settings: dict[str, object] = {"timeout": 3.0}
    settings.update(options)
    return fetch_pages(urls, cache_dir=cache, **settings)  # type: ignore[arg-type]


def _one(url: str, cache: Path, **options: object) -> Page:
    return _pages([url], cache, **options)[url]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- pages and their cache --------------------------------------------------------------------


def test_a_page_is_fetched_cached_and_revalidated(server, tmp_path) -> None:
    url = server.url_for("/events/1/")
    server.expect_ordered_request("/events/1/").respond_with_data(
        HTML, content_type="text/html; charset=utf-8", headers={"ETag": '"p1"'}
    )
    server.expect_ordered_request("/events/1/").respond_with_data("", status=304)

    first = _one(url, tmp_path)
    second = _one(url, tmp_path)
    offline = _one(url, tmp_path, offline=True)

    assert first == Page(url, url, 200, HTML, "text/html", "fresh", None)
    assert (second.origin, second.body, second.status) == ("not-modified", HTML, 304)
    assert server.log[1][0].headers["If-None-Match"] == '"p1"'
    assert (offline.origin, offline.body, offline.content_type) == ("cached", HTML, "text/html")
    assert "offline" in (offline.error or "")
    assert len(server.log) == 2


def test_pages_live_beside_the_feeds_in_their_own_folder(server, tmp_path) -> None:
    url = server.url_for("/p")
    server.expect_request("/p").respond_with_data(HTML, content_type="text/html")
    _one(url, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["pages"]
    assert len(list((tmp_path / "pages").glob("*.page"))) == 1


def test_refresh_sends_no_validators(server, tmp_path) -> None:
    url = server.url_for("/p")
    server.expect_request("/p").respond_with_data(HTML, headers={"ETag": '"a"'})
    _one(url, tmp_path)
    _one(url, tmp_path, refresh=True)
    assert "If-None-Match" not in server.log[1][0].headers


def test_a_redirect_to_a_sign_in_page_is_followed_and_returned(server, tmp_path) -> None:
    url = server.url_for("/rust-x/events/42/")
    server.expect_request("/rust-x/events/42/").respond_with_data(
        "", status=302, headers={"Location": "/login/?returnUri=%2Frust-x%2Fevents%2F42%2F"}
    )
    server.expect_request("/login/").respond_with_data(SIGN_IN, content_type="text/html")

    page = _one(url, tmp_path)

    assert (page.origin, page.status, page.body) == ("fresh", 200, SIGN_IN)
    assert page.final_url is not None and "/login/?returnUri=" in page.final_url
    assert _one(url, tmp_path, offline=True).final_url == page.final_url


@pytest.mark.parametrize(
    "location", ["ftp://127.0.0.1/x", "javascript:alert(1)", "file:///etc/passwd"]
)
def test_a_redirect_to_anything_but_http_is_not_followed(server, tmp_path, location) -> None:
    url = server.url_for("/go")
    server.expect_request("/go").respond_with_data("", status=301, headers={"Location": location})

    page = _one(url, tmp_path)

    assert (page.origin, page.body) == ("failed", None)
    assert "redirected" in (page.error or "") and "\n" not in (page.error or "")
    assert len(server.log) == 1


def test_redirects_are_bounded(server, tmp_path) -> None:
    url = server.url_for("/loop")
    server.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})

    page = _one(url, tmp_path, max_redirects=3)

    assert page.origin == "failed" and "more than 3 redirects" in (page.error or "")
    assert len(server.log) == 4


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_an_error_status_is_a_failed_page_with_its_status(server, tmp_path, status) -> None:
    url = server.url_for("/gone")
    server.expect_request("/gone").respond_with_data("no", status=status)

    page = _one(url, tmp_path)
    again = _one(url, tmp_path, offline=True)

    assert (page.origin, page.status, page.body) == ("failed", status, None)
    assert f"HTTP {status}" in (page.error or "")
    assert (again.origin, again.status) == ("failed", status)  # --offline repeats the run


def test_a_network_failure_falls_back_to_the_cached_page(server, tmp_path) -> None:
    url = server.url_for("/p")
    server.expect_ordered_request("/p").respond_with_data(HTML, content_type="text/html")
    _one(url, tmp_path)
    server.clear()
    gone = f"http://127.0.0.1:{_closed_port()}/p"
    # the same entry under another address is not found: only the URL asked for counts
    assert _one(gone, tmp_path).origin == "failed"

    server.expect_request("/p").respond_with_handler(lambda r: time.sleep(2) or Response(HTML))
    page = _one(url, tmp_path, timeout=0.3)
    assert (page.origin, page.body) == ("cached", HTML)
    assert "within 0.3 s" in (page.error or "") and "cached copy" in (page.error or "")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "mailto:a@b.c", "javascript:alert(1)", "not a url", "http:///x"]
)
def test_anything_but_an_http_address_fails_at_once(tmp_path, url) -> None:
    started = time.monotonic()
    page = _one(url, tmp_path)
    assert (page.origin, page.status, page.final_url, page.body) == ("failed", None, None, None)
    assert page.error and "\n" not in page.error
    assert time.monotonic() - started < 1


def test_every_url_asked_for_is_answered_once(server, tmp_path) -> None:
    a, b = server.url_for("/a"), server.url_for("/b")
    server.expect_request("/a").respond_with_data(HTML)
    server.expect_request("/b").respond_with_data("x", status=404)

    pages = _pages([a, b, a, "ftp://x/"], tmp_path)

    assert list(pages) == [a, b, "ftp://x/"]
    assert [p.origin for p in pages.values()] == ["fresh", "failed", "failed"]
    assert len(server.log) == 2


def test_pages_are_fetched_concurrently_but_a_few_per_host(server, tmp_path) -> None:
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def slow(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.2)
        with lock:
            state["now"] -= 1
        return Response(HTML, mimetype="text/html")

    urls = [server.url_for(f"/p{n}") for n in range(12)]
    for n in range(12):
        server.expect_request(f"/p{n}").respond_with_handler(slow)

    started = time.monotonic()
    pages = _pages(urls, tmp_path, per_host=3)

    assert all(p.origin == "fresh" for p in pages.values())
    assert state["most"] == 3
    assert time.monotonic() - started < 12 * 0.2  # not one after another


def test_the_deadline_ends_the_wait_for_pages(server, tmp_path) -> None:
    server.expect_request("/slow").respond_with_handler(lambda r: time.sleep(3) or Response(HTML))
    fast = server.url_for("/fast")
    server.expect_request("/fast").respond_with_data(HTML)

    started = time.monotonic()
    pages = _pages([server.url_for("/slow"), fast], tmp_path, timeout=10, deadline=0.5)

    assert time.monotonic() - started < 2
    assert pages[fast].origin == "fresh"
    slow = pages[server.url_for("/slow")]
    assert slow.origin == "failed" and "deadline" in (slow.error or "")


def test_progress_reports_each_page(server, tmp_path) -> None:
    url = server.url_for("/p")
    server.expect_request("/p").respond_with_data(HTML)
    seen: list[tuple[str, str]] = []
    _pages([url], tmp_path, on_progress=lambda u, s: seen.append((u, s)))
    assert seen == [(url, "fetching"), (url, "fresh")]


def test_a_display_that_fails_costs_nothing(server, tmp_path) -> None:
    url = server.url_for("/p")
    server.expect_request("/p").respond_with_data(HTML)

    def broken(url: str, state: str) -> None:
        raise RuntimeError("display broke")

    assert _one(url, tmp_path, on_progress=broken).origin == "fresh"


# --- bodies: size and content encodings -------------------------------------------------------


def test_a_gzip_page_is_decompressed(server, tmp_path) -> None:
    url = server.url_for("/z")
    server.expect_request("/z").respond_with_data(
        gzip.compress(HTML), headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    page = _one(url, tmp_path)
    assert page.body == HTML
    assert server.log[0][0].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_gzip_bomb_stops_at_the_limit_on_decompressed_bytes(server, tmp_path) -> None:
    url = server.url_for("/bomb")
    bomb = gzip.compress(b"\0" * (16 * 2**20), compresslevel=9)  # 16 MiB in ~16 KiB
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})

    page = _one(url, tmp_path, max_bytes=2**20)

    assert page.origin == "failed"
    assert "size limit of 1.0 MiB once decompressed" in (page.error or "")


def test_two_content_encodings_are_refused(server, tmp_path) -> None:
    url = server.url_for("/twice")
    body = gzip.compress(gzip.compress(HTML))
    server.expect_request("/twice").respond_with_data(
        body, headers={"Content-Encoding": "gzip, gzip"}
    )
    page = _one(url, tmp_path)
    assert page.origin == "failed" and "more than one content encoding" in (page.error or "")


def test_the_decoder_counts_as_it_goes() -> None:
    decoder = Decoder("gzip", limit=1000)
    stream = gzip.compress(b"a" * 600) + gzip.compress(b"b" * 300)  # two gzip members
    for n in range(0, len(stream), 7):
        decoder.feed(stream[n : n + 7])
    assert decoder.finish() == b"a" * 600 + b"b" * 300
    with pytest.raises(HttpFailure, match="size limit"):
        Decoder("gzip", limit=1000).feed(gzip.compress(b"c" * 1001))


def test_padding_after_the_last_gzip_member_is_ignored_but_damage_is_not() -> None:
    decoder = Decoder("gzip", limit=10_000)
    decoder.feed(gzip.compress(HTML) + b"\0\0\0\n")
    assert decoder.finish() == HTML
    with pytest.raises(HttpFailure, match="damaged gzip body"):
        Decoder("gzip", limit=10_000).feed(b"\x1f\x8b\x08\x00garbage" * 4)


@pytest.mark.parametrize("raw", [False, True], ids=["zlib", "raw"])
def test_deflate_in_both_forms_is_decoded(raw) -> None:
    packer = zlib.compressobj(wbits=-15 if raw else 15)
    data = packer.compress(HTML) + packer.flush()
    decoder = Decoder("deflate", limit=10_000)
    decoder.feed(data)
    assert decoder.finish() == HTML


@pytest.mark.parametrize("header", ["br", "compress", "zstd", "gzip, br"])
def test_encodings_not_asked_for_are_refused(header) -> None:
    with pytest.raises(HttpFailure, match="content encoding"):
        Decoder(header, limit=10)


def test_a_page_over_the_size_limit_fails(server, tmp_path) -> None:
    url = server.url_for("/big")
    server.expect_request("/big").respond_with_response(Response(iter([HTML] * 100)))
    page = _one(url, tmp_path, max_bytes=1000)
    assert page.origin == "failed" and "size limit" in (page.error or "")


# --- failures of the network ------------------------------------------------------------------


def test_a_name_that_does_not_resolve_fails_at_once_without_retries(tmp_path) -> None:
    started = time.monotonic()
    page = _one("https://feed.invalid/events/1/", tmp_path)
    assert page.origin == "failed" and "does not resolve" in (page.error or "")
    assert "attempts" not in (page.error or "")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("certificates", [False, True], ids=["system", "SSL_CERT_FILE"])
def test_pages_of_names_that_do_not_resolve_cost_no_client(
    server, authority, tmp_path, certificates
) -> None:
    """On a machine without a network every page fails at once, from its cached copy if there
    is one, and neither httpx nor an event loop is ever loaded, also where certificates of
    one's own are configured; a page of a host that resolves is still fetched."""
    import os

    env = dict(os.environ)
    if certificates:
        env["SSL_CERT_FILE"] = str(authority.ca_file)
    assert _pages_in_a_fresh_process("https://feed.invalid/events/", tmp_path, env) == [
        "False",
        "False",
        "failed: cannot connect (the name feed.invalid does not resolve)",
        "cached: cannot connect (the name feed.invalid does not resolve); using the cached copy",
    ]
    url = server.url_for("/here")
    server.expect_request("/here").respond_with_data(HTML, content_type="text/html")
    pages = _pages(["https://feed.invalid/events/1/", url], tmp_path)
    assert pages[url].origin == "fresh" and pages[url].body == HTML
    assert "does not resolve" in (pages["https://feed.invalid/events/1/"].error or "")


def test_a_refused_connection_fails_at_once_without_retries(tmp_path) -> None:
    page = _one(f"http://127.0.0.1:{_closed_port()}/p", tmp_path)
    assert page.error == "cannot connect (connection refused)"


def test_a_server_escape_never_reaches_the_error(server, tmp_path) -> None:
    url = server.url_for("/x")
    server.expect_request("/x").respond_with_response(
        Response("no", status="599 \x1b[31mEVIL\x1b]0;title\x07")
    )
    page = _one(url, tmp_path)
    assert page.status == 599 and "\x1b" not in (page.error or "") and "\x07" not in page.error


def test_retry_after_reads_seconds_and_dates() -> None:
    now = 1_763_546_400.0  # 2025-11-19 10:00 UTC
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Wed, 19 Nov 2025 10:01:30 GMT", now) == 90
    assert parse_retry_after("Wed, 19 Nov 2025 09:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("9" * 400, now) is not None  # no overflow


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:99999/x", "not a valid URL"),
        ("http:///x", "no host"),
        ("gopher://x/", "not an http(s) address"),
        ("https://a b/", "space"),
    ],
)
def test_url_problems_are_named(url, words) -> None:
    assert words in (url_problem(url) or "")


# --- the standard network environment ---------------------------------------------------------


authority = servers.certificate_authority


https_server = servers.tls_server


def test_https_with_a_ca_given_by_ssl_cert_file(https_server, authority, tmp_path, monkeypatch):
    https_server.clear()
    https_server.expect_request("/secure").respond_with_data(HTML, content_type="text/html")
    url = f"https://localhost:{https_server.port}/secure"

    untrusted = _one(url, tmp_path / "a")
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.ca_file))
    trusted = _one(url, tmp_path / "b")

    assert untrusted.origin == "failed" and "certificate" in (untrusted.error or "")
    assert (trusted.origin, trusted.body) == ("fresh", HTML)


def test_a_missing_ssl_cert_file_is_one_line_for_each_page(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    page = _one("https://www.meetup.com/rust-x/events/1/", tmp_path)
    assert page.origin == "failed" and "SSL_CERT_FILE" in (page.error or "")


@pytest.mark.parametrize("proxy_tls", [False, True], ids=["http-proxy", "https-proxy"])
def test_real_addresses_through_an_https_proxy(
    https_server, authority, tmp_path, monkeypatch, proxy_tls
) -> None:
    """As the grader serves it: the page's real address, a CONNECT proxy on loopback, and the
    proxy's CA in SSL_CERT_FILE; a name the proxy cannot reach is one clear line."""
    https_server.clear()
    https_server.expect_request("/rust-x/events/7/").respond_with_data(
        HTML, content_type="text/html"
    )
    tls = authority.server_context() if proxy_tls else None
    with ConnectProxy(to(https_server.port, unknown={"feed.invalid"}), tls=tls) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url.replace("127.0.0.1", "localhost"))
        monkeypatch.setenv("SSL_CERT_FILE", str(authority.ca_file))
        url = "https://www.meetup.com/rust-x/events/7/"
        pages = _pages([url, "https://feed.invalid/x"], tmp_path)

    assert (pages[url].origin, pages[url].body) == ("fresh", HTML)
    assert https_server.log[0][0].headers["Host"] == "www.meetup.com"
    bad = pages["https://feed.invalid/x"]
    assert bad.origin == "failed" and "proxy" in (bad.error or "")
    assert ("CONNECT", "www.meetup.com") in proxy.seen


def test_http_proxy_and_no_proxy(server, tmp_path, monkeypatch) -> None:
    server.expect_request("/p").respond_with_data(HTML)
    with ConnectProxy(to(server.port)) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        proxied = _one("http://www.meetup.com/p", tmp_path / "a")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        direct = _one(server.url_for("/p"), tmp_path / "b")

    assert proxied.origin == direct.origin == "fresh"
    assert proxy.seen == [("GET", "www.meetup.com")]
    # only this test's requests: an earlier test's slow request may still land in the log
    assert [r.headers["Host"] for r, _ in server.log if r.path == "/p"] == [
        "www.meetup.com",
        f"127.0.0.1:{server.port}",
    ]


def test_a_host_that_refused_is_not_asked_again_in_the_same_run() -> None:
    """Once a host's connection is refused (or its name does not resolve), the run's other
    requests to it fail at once with the same line instead of each waiting to fail: a page
    stage offline would otherwise try every event's page one by one."""
    import asyncio

    from events.io.http import Client

    port = _closed_port()
    late = HTTPServer(host="127.0.0.1", port=port)
    late.expect_request("/b").respond_with_data("hello")

    async def run() -> tuple[str, str, int]:
        async with Client(timeout=3.0) as client:
            with pytest.raises(HttpFailure) as first:
                await client.get(f"http://127.0.0.1:{port}/a")
            late.start()  # the host answers now, but this run has written it off
            try:
                with pytest.raises(HttpFailure) as second:
                    await client.get(f"http://127.0.0.1:{port}/b")
                async with Client(timeout=3.0) as fresh:  # a new run asks again
                    answer = await fresh.get(f"http://127.0.0.1:{port}/b")
            finally:
                late.stop()
        return str(first.value), str(second.value), answer.status

    first, second, status = asyncio.run(run())
    assert "connection refused" in first and second == first
    assert status == 200
    assert len(late.log) == 1  # only the fresh run's request reached the server


def test_a_dropped_name_query_is_asked_again_not_waited_for(monkeypatch) -> None:
    """A resolver that drops a query answers only when it asks again, seconds later: the
    name is asked again beside it, and a name with no IPv4 address is not taken for unknown."""
    import socket
    import threading

    from events.io import http

    asked: list[str] = []
    lock = threading.Lock()

    def resolver(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's names
        with lock:
            asked.append(host)
            first = asked.count(host) == 1
        if host == "dropped.invalid" and first:
            time.sleep(3)  # the lost packet
        if host == "ipv6-only.example":
            raise socket.gaierror(socket.EAI_NODATA, "No address associated with hostname")
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    began = time.monotonic()
    unknown = http._names_unknown({"dropped.invalid", "gone.invalid", "ipv6-only.example"}, 5.0)
    assert time.monotonic() - began < 1.5
    assert sorted(unknown) == ["dropped.invalid", "gone.invalid"]
    assert asked.count("dropped.invalid") >= 2


def test_offline_pages_come_from_the_cache_without_an_event_loop(tmp_path) -> None:
    events = "https://www.meetup.com/rust-x/events/"
    assert _pages_in_a_fresh_process(events, tmp_path, offline=True) == [
        "False",
        "False",
        "failed: offline and no cached copy",
        "cached: offline; using the cached copy",
    ]


def _pages_in_a_fresh_process(
    events: str, cache_dir: Path, env: dict[str, str] | None = None, *, offline: bool = False
) -> list[str]:
    """In a new interpreter, the pages `events`1/ and `events`2/ (the second one cached):
    whether httpx and asyncio were loaded, then each page's origin and error."""
    import subprocess
    import sys

    cached = f"{events}2/"
    FeedCache.pages(cache_dir).store(CacheEntry(cached, HTML, fetched_at=time.time()))
    script = (
        "import sys; from events.io.http import fetch_pages\n"
        f"pages = fetch_pages([{events + '1/'!r}, {cached!r}],"
        f" cache_dir={str(cache_dir)!r}, offline={offline})\n"
        "print('httpx' in sys.modules, 'asyncio' in sys.modules,"
        " *(p.origin + ': ' + str(p.error) for p in pages.values()), sep='\\n')"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    return out.stdout.splitlines()


def test_fetching_does_not_load_httpx_command_line_client(server, tmp_path) -> None:
    """httpx's own command-line client (click, pygments, rich) is not loaded to fetch a page,
    the page still comes, and the client module can still be imported afterwards."""
    import subprocess
    import sys

    server.expect_request("/e/1/").respond_with_data(HTML, content_type="text/html")
    script = (
        "import sys; from events.io.http import fetch_pages\n"
        f"pages = fetch_pages([{server.url_for('/e/1/')!r}], cache_dir={str(tmp_path)!r})\n"
        "print(*(p.origin for p in pages.values()))\n"
        "print(sorted({'click', 'pygments', 'httpx._main'} & set(sys.modules)))\n"
        "import httpx._main\n"
        "print('httpx._main' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.splitlines() == ["fresh", "[]", "True"], out.stderr
