"""HTTP for every stage that reads the network, so that limits, proxies and TLS live in one place.

Feeds and event pages are written by anyone, served by anything and read from behind whatever
proxy an editor's office has. Everything fetched here is bounded: the body's size (counted on the
decompressed bytes as they arrive, one content encoding at most), each request's time, the
run's deadline, the redirects (a few, and only to http(s)), the waits a server asks for, and the
requests in flight, in total and per host. The network is found the way curl and pip find it:
`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` through httpx's `trust_env`, and the
certificates of `SSL_CERT_FILE` / `SSL_CERT_DIR` (else certifi's bundle), also for a proxy
reached over https.

`Client` is the asynchronous layer the fetch stage uses; `fetch_pages` is the call the page stage
makes: it caches pages with their validators beside the feeds and never raises. httpx and asyncio
are imported only when something is fetched, so that a run on local files starts fast.
"""

from __future__ import annotations

import os
import re
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlsplit

from events.io.cache import CacheEntry, CorruptEntry, FeedCache, default_cache_dir
from events.io.limits import (  # noqa: F401 - also named here, where the limits apply
    FEED_MAX_BYTES,
    MAX_REDIRECTS,
    MAX_WAIT,
    PAGE_MAX_BYTES,
    human_size,
    too_large,
)
from events.rules.text import clean_text

if TYPE_CHECKING:
    import asyncio
    import ssl

    import httpx

T = TypeVar("T")

#: A request still unanswered after this long is said to be slow (`on_state(url, "slow")`).
SLOW_AFTER = 10.0
TOTAL_REQUESTS = 24
PER_HOST = 6
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

StateCallback = Callable[[str, str], None]
Origin = Literal["fresh", "not-modified", "cached", "failed"]


class HttpFailure(Exception):
    """One failed request or fetch, worded to follow the feed's or page's name and URL.

    `retry` says whether trying again may help: `transient` (429, 5xx, a connection reset),
    `timeout` (no complete answer in time), or `no` (a name that does not resolve, a refused
    connection, a 4xx, a limit). `status` is the HTTP status when the server answered one.
    `unreachable` marks a host that cannot be reached at all (its name does not resolve, it
    refuses connections): the run asks it nothing more.
    """

    def __init__(
        self,
        message: str,
        *,
        retry: Literal["no", "transient", "timeout"] = "no",
        retry_after: float | None = None,
        status: int | None = None,
        final_url: str | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.unreachable = unreachable
        self.retry = retry
        self.retry_after = retry_after
        self.status = status
        self.final_url = final_url


@dataclass(frozen=True)
class Answer:
    """The final response of one request (after redirects), its body decompressed."""

    url: str
    final_url: str
    status: int  # 2xx or 304
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None


@dataclass(frozen=True)
class Retries:
    """When to try again: up to `transient` more attempts after a 429, a 5xx or a broken
    connection, of which at most `timeouts` after a timeout (a server that never answers will
    not start to), waiting `backoff` × 2ⁿ or what Retry-After says, never more than `max_wait`."""

    transient: int = 3
    timeouts: int = 1
    backoff: float = 1.0
    max_wait: float = MAX_WAIT


@dataclass(frozen=True)
class Page:
    """One event page as `fetch_pages` could get it."""

    url: str  # the URL asked for
    final_url: str | None  # where redirects ended (None when nothing was fetched)
    status: int | None  # HTTP status of the final response (None: no response)
    body: bytes | None  # the decompressed body; None when none could be had
    content_type: str | None
    origin: Origin
    error: str | None  # one line: why it failed, or why a cached copy was used


# --- the client -------------------------------------------------------------------------------


class Client:
    """An httpx client with the limits above, for one run: `async with Client(...) as c`.

    `deadline` (seconds from entering) bounds the whole run: a request still queued or in flight
    then fails with a line saying so, and no retry starts that could not end before it.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        deadline: float | None = None,
        total: int = TOTAL_REQUESTS,
        per_host: int = PER_HOST,
    ) -> None:
        self.timeout = float(timeout)
        self.deadline = deadline
        self._total_limit = max(1, total)
        self._per_host = max(1, per_host)
        self._ends: float | None = None
        self._client: httpx.AsyncClient | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._unreachable: dict[str, HttpFailure] = {}
        self._total: asyncio.Semaphore | None = None

    async def __aenter__(self) -> Client:
        import asyncio

        loop = asyncio.get_running_loop()
        self._ends = None if self.deadline is None else loop.time() + max(0.0, self.deadline)
        self._total = asyncio.Semaphore(self._total_limit)
        self._client = make_httpx_client(self.timeout, self._total_limit)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        import asyncio

        if self._ends is None:
            return None
        return self._ends - asyncio.get_running_loop().time()

    async def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        max_bytes: int = FEED_MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        retries: Retries = Retries(),  # noqa: B008 - frozen, never changed
        on_state: StateCallback | None = None,
    ) -> Answer:
        """GET `url` (following up to `max_redirects` redirects to http(s) addresses), with
        retries; raises HttpFailure with the reason of the last attempt."""
        import asyncio

        problem = url_problem(url)
        if problem:
            raise HttpFailure(problem)
        if self._client is None or self._total is None:
            raise RuntimeError("Client.get outside `async with Client()`")
        parts = urlsplit(url)
        key = f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port}"
        host = self._hosts.setdefault(key, asyncio.Semaphore(self._per_host))
        try:  # a place among the requests to this host, then among all, before the deadline
            async with asyncio.timeout_at(self._ends):
                await host.acquire()
                try:
                    await self._total.acquire()
                except BaseException:
                    host.release()
                    raise
        except TimeoutError:
            raise HttpFailure(self._deadline_words()) from None
        try:
            if (known := self._unreachable.get(key)) is not None:
                raise HttpFailure(str(known), unreachable=True)  # said once, not waited for again
            return await self._with_retries(
                url, headers or {}, max_bytes, max_redirects, retries, on_state
            )
        except HttpFailure as err:
            if err.unreachable:
                self._unreachable.setdefault(key, err)
            raise
        finally:
            self._total.release()
            host.release()

    def _deadline_words(self) -> str:
        return f"no answer before the run's deadline of {self.deadline:g} s"

    async def _with_retries(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        max_redirects: int,
        retries: Retries,
        on_state: StateCallback | None,
    ) -> Answer:
        import asyncio

        loop = asyncio.get_running_loop()
        slow = None if on_state is None else loop.call_later(SLOW_AFTER, _say, on_state, url)
        try:
            left, timeouts_left, attempt = max(0, retries.transient), retries.timeouts, 0
            while True:
                attempt += 1
                budget = self.timeout
                remaining = self.remaining()
                if remaining is not None:
                    if remaining <= 0:
                        raise HttpFailure(self._deadline_words())
                    budget = min(budget, remaining)
                try:
                    async with asyncio.timeout(budget):
                        return await self._once(url, headers, max_bytes, max_redirects)
                except TimeoutError:
                    if remaining is not None and budget < self.timeout:
                        raise HttpFailure(self._deadline_words()) from None
                    err = HttpFailure(
                        f"no complete answer within {self.timeout:g} s", retry="timeout"
                    )
                except Exception as exc:  # noqa: BLE001 - every failure becomes one line
                    err = failure_of(exc, url, self.timeout)
                wait = self._wait(err, retries, attempt, left, timeouts_left)
                asked = err.retry_after
                if wait is None and left > 0 and asked is not None and asked > retries.max_wait:
                    err = HttpFailure(  # said, as the reason why there is no retry
                        f"{err}, asking to wait {min(asked, 1e9):.0f} s",
                        status=err.status,
                        final_url=err.final_url,
                    )
                if wait is None:
                    if attempt > 1:
                        raise HttpFailure(
                            f"{err}, after {attempt} attempts",
                            status=err.status,
                            final_url=err.final_url,
                        )
                    raise err
                left -= 1
                if err.retry == "timeout":
                    timeouts_left -= 1
                if on_state is not None:
                    _say(on_state, url, "retrying")
                await asyncio.sleep(wait)
        finally:
            if slow is not None:
                slow.cancel()

    def _wait(
        self, err: HttpFailure, retries: Retries, attempt: int, left: int, timeouts_left: int
    ) -> float | None:
        """How long to wait before the next attempt, or None when there is to be none."""
        if err.retry == "no" or left <= 0 or (err.retry == "timeout" and timeouts_left <= 0):
            return None
        wait = retries.backoff * 2 ** (attempt - 1)
        if err.retry_after is not None:
            if err.retry_after > retries.max_wait:
                return None  # asked to come back much later: the cached copy will do
            wait = max(wait, err.retry_after)
        wait = min(wait, retries.max_wait)
        remaining = self.remaining()
        if remaining is not None and wait + 0.5 >= remaining:
            return None  # no time left for another attempt before the deadline
        return wait

    async def _once(
        self, url: str, headers: dict[str, str], max_bytes: int, max_redirects: int
    ) -> Answer:
        assert self._client is not None
        current = url
        for _ in range(max_redirects + 1):
            request = self._client.build_request("GET", current, headers=headers)
            try:
                response = await self._client.send(request, stream=True)
            except _Redirect as hop:
                current = redirect_target(hop.base, hop.location)
                continue
            try:
                code = response.status_code
                if code in (408, 429) or code >= 500:
                    raise HttpFailure(
                        status_words(code, response.reason_phrase),
                        retry="transient",
                        retry_after=parse_retry_after(response.headers.get("Retry-After")),
                        status=code,
                        final_url=current,
                    )
                if code != 304 and not 200 <= code < 300:
                    raise HttpFailure(
                        status_words(code, response.reason_phrase), status=code, final_url=current
                    )
                body = b"" if code == 304 else await read_body(response, max_bytes)
                return Answer(
                    url,
                    current,
                    code,
                    body,
                    _header(response.headers, "ETag"),
                    _header(response.headers, "Last-Modified"),
                    content_type(response.headers.get("Content-Type")),
                )
            finally:
                await response.aclose()
        raise HttpFailure(f"more than {max_redirects} redirects")


class _Redirect(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the response hook, before httpx reads a Location header its own way (it
    would fail on `javascript:` and call a bad address a protocol error, to be retried)."""

    def __init__(self, base: httpx.URL, location: str) -> None:
        super().__init__(location)
        self.base = base
        self.location = location


async def _stop_at_redirects(response: httpx.Response) -> None:
    location = response.headers.get("Location")
    if response.status_code in _REDIRECTS and location:
        raise _Redirect(response.url, location)


def make_httpx_client(timeout: float, connections: int) -> httpx.AsyncClient:
    """The httpx client: environment proxies (`trust_env`), our certificates, no automatic
    redirects (each hop is checked here), no automatic decompression (`read_body` counts)."""
    _no_sniffio_search()
    _without_httpx_cli()
    import httpx

    context = tls_context()
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=5
    )
    try:
        mounts = _https_proxy_mounts(context, limits)
        return httpx.AsyncClient(
            headers={"User-Agent": user_agent(), "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(timeout),
            limits=limits,
            verify=context,
            trust_env=True,
            follow_redirects=False,
            event_hooks={"response": [_stop_at_redirects]},
            mounts=mounts or None,
        )
    except (ValueError, ImportError, httpx.InvalidURL) as err:  # a proxy variable httpx refuses
        raise HttpFailure(f"cannot use the proxy settings ({one_line(err)})") from None


def _no_sniffio_search() -> None:
    """httpcore tries `import sniffio` on every request; where sniffio is not installed (anyio
    no longer needs it) each try searches the whole import path again, some milliseconds a
    request. Recording it as absent, once, makes the failed import instant."""
    import importlib.util
    import sys

    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def _without_httpx_cli() -> None:
    """httpx's package loads its command-line client whenever click, pygments and rich are
    installed (x-wr-timezone brings click, rich brings pygments): some 70 ms of every run that
    fetches anything, for a client never used here. Its module is marked absent while httpx
    loads, so that httpx keeps its stand-in `httpx.main`; an import of it later still works."""
    import sys

    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        if sys.modules.get("httpx._main", False) is None:
            del sys.modules["httpx._main"]


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


def _say(on_state: StateCallback, url: str, state: str = "slow") -> None:
    """A state change told to the caller's display, whose own faults stay there."""
    with suppress(Exception):  # a display's fault never costs a fetch
        on_state(url, state)


def tls_context() -> ssl.SSLContext:
    """Certificates as curl and pip find them: `SSL_CERT_FILE` and `SSL_CERT_DIR` when set,
    else certifi's bundle (what httpx itself uses)."""
    import ssl

    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    try:
        if cafile or capath:
            return ssl.create_default_context(cafile=cafile, capath=capath)
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except (OSError, ssl.SSLError, ValueError) as err:
        where = f"SSL_CERT_FILE={cafile}" if cafile else f"SSL_CERT_DIR={capath}"
        raise HttpFailure(f"cannot load the certificates of {where} ({one_line(err)})") from None


def _https_proxy_mounts(context: ssl.SSLContext, limits: httpx.Limits) -> dict[str, Any]:
    """Transports for proxies reached over https, which must trust our certificates too (httpx
    would check them against certifi's bundle alone); other proxies are left to `trust_env`."""
    from urllib.request import getproxies

    import httpx

    mounts: dict[str, Any] = {}
    for scheme, address in getproxies().items():
        if scheme in ("http", "https", "all") and address.lower().startswith("https://"):
            mounts[f"{scheme}://"] = httpx.AsyncHTTPTransport(
                verify=context,
                limits=limits,
                proxy=httpx.Proxy(address, ssl_context=context),
            )
    return mounts


# --- bodies -----------------------------------------------------------------------------------


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The body, decompressed as it arrives; HttpFailure past `max_bytes` (raw or decoded) or
    for more than one content encoding, or one this client did not ask for."""
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise HttpFailure(too_large(max_bytes))
    decoder = Decoder(response.headers.get("Content-Encoding"), max_bytes)
    raw = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > max_bytes:
            raise HttpFailure(too_large(max_bytes))
        decoder.feed(chunk)
    return decoder.finish()


class Decoder:
    """Content-Encoding undone chunk by chunk, the output counted as it is made: a small
    compressed body can never grow past `limit` in memory."""

    def __init__(self, header: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (header or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1:
            raise HttpFailure(
                f"more than one content encoding ({clean_text(', '.join(codings))[:60]})"
            )
        coding = codings[0] if codings else None
        if coding == "x-gzip":
            coding = "gzip"
        if coding not in (None, "gzip", "deflate"):
            raise HttpFailure(f"unsupported content encoding {clean_text(str(coding))[:30]!r}")
        self.coding = coding
        self.limit = limit
        self._out = bytearray()
        self._z: Any = None  # zlib's decompress object, made on the first bytes
        self._members = 0  # compressed streams ended so far
        self._ended = False  # what follows the last stream is ignored

    def feed(self, data: bytes) -> None:
        if self.coding is None:
            self._add(data)
            return
        while data and not self._ended:
            if self._z is None:
                self._z = self._start(data)
            try:
                out = self._z.decompress(data, self.limit - len(self._out) + 1)
            except zlib.error:
                if self._members and self.coding == "gzip":  # padding after the last member
                    self._ended = True
                    return
                raise HttpFailure(f"damaged {self.coding} body") from None
            self._add(out)
            if self._z.eof:  # a gzip stream may hold several members, one after another
                self._members += 1
                data = self._z.unused_data if self.coding == "gzip" else b""
                self._ended = self.coding != "gzip"
                self._z = None
            else:
                data = self._z.unconsumed_tail

    def _start(self, data: bytes) -> Any:
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate
        zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def _add(self, out: bytes) -> None:
        self._out += out
        if len(self._out) > self.limit:
            extra = "" if self.coding is None else " once decompressed"
            raise HttpFailure(too_large(self.limit) + extra)

    def finish(self) -> bytes:
        return bytes(self._out)


# --- words and small rules --------------------------------------------------------------------


_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


@lru_cache(maxsize=4096)
def url_problem(url: str) -> str | None:
    """Why `url` cannot be requested at all (not http(s), no host, a bad port), so that it
    fails at once (asked of each page more than once: remembered)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError as err:
        return f"not a valid URL ({one_line(err)})"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http(s) address"
    if not parts.hostname:
        return "not a valid URL (no host)"
    if _SPACE_OR_CONTROL.search(url):
        return "not a valid URL (a space or a control character in it)"
    return None


def redirect_target(base: httpx.URL, location: str) -> str:
    """Where a redirect leads, if it may be followed: an http(s) address."""
    import httpx

    try:
        target = base.join(location.strip())
    except (httpx.InvalidURL, ValueError, TypeError):
        raise HttpFailure("redirected to an address that is not a valid URL") from None
    if target.scheme not in ("http", "https"):
        scheme = clean_text(target.scheme)[:20] or "relative"
        raise HttpFailure(f"redirected to a {scheme}: address, which is not followed")
    text = str(target)
    problem = url_problem(text)
    if problem:
        raise HttpFailure(f"redirected to an address that is {problem}")
    return text


def failure_of(exc: BaseException, url: str, timeout: float) -> HttpFailure:
    """An exception of httpx or below as one line, with whether retrying may help."""
    import ssl

    import httpx

    if isinstance(exc, HttpFailure):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return HttpFailure(f"no complete answer within {timeout:g} s", retry="timeout")
    if isinstance(exc, httpx.ProxyError):
        return HttpFailure(f"the proxy did not connect ({one_line(exc)})")
    if isinstance(exc, httpx.ConnectError):
        causes = list(_causes(exc))
        host = urlsplit(url).hostname or url
        if any(isinstance(c, OSError) and _is_dns(c) for c in causes):
            return HttpFailure(
                f"cannot connect (the name {host} does not resolve)", unreachable=True
            )
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return HttpFailure("cannot connect (connection refused)", unreachable=True)
        verify = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None)
        if verify is not None:
            why = getattr(verify, "verify_message", "") or one_line(verify)
            return HttpFailure(f"cannot connect (certificate not trusted: {one_line(why)})")
        if any(isinstance(c, ssl.SSLError) for c in causes):
            return HttpFailure(f"cannot connect (TLS failed: {one_line(exc)})")
        return HttpFailure(f"cannot connect ({one_line(exc)})", retry="transient")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return HttpFailure(one_line(exc))
    if isinstance(exc, httpx.TransportError):
        return HttpFailure(f"connection failed ({one_line(exc)})", retry="transient")
    if isinstance(exc, httpx.HTTPError | httpx.InvalidURL):
        return HttpFailure(one_line(exc))
    return HttpFailure(f"cannot fetch ({one_line(exc)})")


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_dns(error: OSError) -> bool:
    import socket

    return isinstance(error, socket.gaierror)


def status_words(code: int, given: str) -> str:
    """`HTTP 503 Service Unavailable`: the standard phrase, so that messages read the same
    whatever the server wrote (and a server's escapes never reach a terminal)."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = clean_text(given)[:60]
    return f"HTTP {code} {phrase}".strip()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from Retry-After (delta-seconds or an HTTP date); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value[:12])
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def content_type(header: str | None) -> str | None:
    """The media type of a Content-Type header, lower case, without parameters."""
    kind = clean_text((header or "").split(";")[0]).lower()
    return kind[:100] or None


def _header(headers: httpx.Headers, name: str) -> str | None:
    value = headers.get(name)
    return value[:1000] if value else None


def one_line(exc: BaseException | str) -> str:
    text = clean_text(str(exc))[:300]
    return text or type(exc).__name__


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end from synchronous code, in a thread of its own when the
    caller already runs an event loop (a notebook, an async application)."""
    import asyncio

    out: list[T] = []

    async def main() -> None:  # the result goes through `out`: asyncio.run's ending formats
        out.append(await make())  # its main task's repr, and would format every body

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(main())
        return out[0]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
    return out[0]


# --- event pages ------------------------------------------------------------------------------


def fetch_pages(
    urls: Sequence[str],
    *,
    cache_dir: Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    timeout: float = 15.0,
    deadline: float | None = None,
    max_bytes: int = PAGE_MAX_BYTES,
    per_host: int = 4,
    max_redirects: int = MAX_REDIRECTS,
    on_progress: Callable[[str, str], None] | None = None,
) -> dict[str, Page]:
    """Fetch each page once (concurrently, a few per host, within `deadline` seconds), with
    its validators, from the pages' cache in `cache_dir`; `offline` reads the cache only.

    Every URL asked for is a key of the answer. Only http(s) is fetched; a redirect is followed
    (to a sign-in page too: the page is returned, the caller judges it); a 4xx or 5xx is a
    failed page with its status. Never raises.
    """
    wanted = list(dict.fromkeys([urls] if isinstance(urls, str) else [str(u) for u in urls]))
    if not wanted:
        return {}
    try:
        cache = FeedCache.pages(cache_dir if cache_dir is not None else default_cache_dir())
        options = _PageOptions(
            offline, refresh, timeout, deadline, max_bytes, per_host, max_redirects, on_progress
        )
        pages = {} if offline else _unresolved_pages(wanted, cache, options)
        rest = [url for url in wanted if url not in pages]
        if not offline and any(url_problem(url) is None for url in rest):
            pages.update(run_sync(lambda: _fetch_pages(rest, cache, options)))
        else:  # offline, or nothing left to fetch: no event loop, and httpx is not even loaded
            pages.update((url, _page_offline(url, cache, options)) for url in rest)
        return {url: pages[url] for url in wanted}
    except Exception as exc:  # noqa: BLE001 - the page stage is never stopped by the network
        why = exc if isinstance(exc, HttpFailure) else f"cannot fetch ({one_line(exc)})"
        return {url: Page(url, None, None, None, None, "failed", str(why)) for url in wanted}


@dataclass(frozen=True)
class _PageOptions:
    offline: bool
    refresh: bool
    timeout: float
    deadline: float | None
    max_bytes: int
    per_host: int
    max_redirects: int
    on_progress: Callable[[str, str], None] | None

    def emit(self, url: str, state: str) -> None:
        if self.on_progress is not None:
            _say(self.on_progress, url, state)


#: Pages are retried once after a transient failure: they add to a listing, they do not make it.
_PAGE_RETRIES = Retries(transient=1, timeouts=0, backoff=0.5, max_wait=2.0)


async def _fetch_pages(urls: list[str], cache: FeedCache, opts: _PageOptions) -> dict[str, Page]:
    import asyncio

    try:
        client = Client(timeout=opts.timeout, deadline=opts.deadline, per_host=opts.per_host)
        async with client:
            got = await asyncio.gather(*(_page(client, url, cache, opts) for url in urls))
    except HttpFailure as err:  # the client itself could not be made (certificates, proxy)
        return {url: _page_failed(url, str(err), None) for url in urls}
    return dict(zip(urls, got, strict=True))


@lru_cache(maxsize=4096)
def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _unresolved_pages(urls: list[str], cache: FeedCache, opts: _PageOptions) -> dict[str, Page]:
    """The pages whose host's name does not resolve, settled before any client or event loop
    is made: on a machine without a network, the page stage then costs next to nothing."""
    hosts = {url: _host(url) for url in urls if url_problem(url) is None}
    unknown = _names_unknown(set(hosts.values()), min(opts.timeout, 5.0))
    pages: dict[str, Page] = {}
    now = time.time()
    cached = cache.directory.is_dir()  # no pages' cache yet: no copy of any page to look for
    for url, host in hosts.items():
        if (why := unknown.get(host)) is not None:
            entry = _load_entry(cache, url) if cached else None
            pages[url], kept = _unanswered(url, entry, why, opts, now)
            if kept is not None:
                with suppress(OSError):
                    cache.store(kept)
    return pages


def _names_unknown(hosts: set[str], timeout: float) -> dict[str, HttpFailure]:
    """The `hosts` whose names do not resolve, asked one after the other, in threads, for at most
    `timeout` seconds (a name still unanswered then is left to the client). A resolver that
    drops a query answers only when it asks again, seconds later: each name is given
    `_ASK_AGAIN` seconds before the next is asked, and those still unanswered are asked
    again, each given twice as long, and so on.
    Behind a proxy the proxy resolves names, and certificates of one's own that are not there
    (`SSL_CERT_FILE`) are a fault the client names for every page: nothing is asked here then.
    """
    import socket
    import threading

    if any(os.environ.get(name) for name in _PROXIES) or _certificates_missing():
        return {}
    answers: dict[str, HttpFailure | None] = {}
    answered = threading.Event()

    def ask(host: str) -> None:
        why: HttpFailure | None = None
        try:  # one question (A), not two: a name that does not exist has no record of any kind
            socket.getaddrinfo(host, 443, family=socket.AF_INET, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            if error.errno != getattr(socket, "EAI_NODATA", None):  # no IPv4, maybe IPv6
                why = HttpFailure(
                    f"cannot connect (the name {host} does not resolve)", unreachable=True
                )
        except (OSError, UnicodeError, ValueError):
            pass  # the client will say what it is
        answers.setdefault(host, why)  # the first answer for a name counts
        answered.set()

    ends = time.monotonic() + timeout
    pending, wait = sorted(hosts), _ASK_AGAIN
    while pending and time.monotonic() < ends:
        for host in pending:  # one question at a time: a resolver drops more of a burst
            threading.Thread(target=ask, args=(host,), daemon=True).start()
            given = min(ends, time.monotonic() + wait)
            while host not in answers and (left := given - time.monotonic()) > 0:
                answered.wait(left)
                answered.clear()
        pending = [host for host in pending if host not in answers]
        wait *= 2
    return {host: why for host, why in list(answers.items()) if why is not None}


#: Seconds a name is given to answer before the next is asked (then twice as long, …).
_ASK_AGAIN = 0.05


_PROXIES = tuple(
    name for base in ("https_proxy", "http_proxy", "all_proxy") for name in (base, base.upper())
)


def _certificates_missing() -> bool:
    """Whether `SSL_CERT_FILE` or `SSL_CERT_DIR` names something that is not there."""
    cafile = os.environ.get("SSL_CERT_FILE")
    capath = os.environ.get("SSL_CERT_DIR")
    return bool(cafile and not os.path.isfile(cafile)) or bool(capath and not os.path.isdir(capath))


def _unanswered(
    url: str, entry: CacheEntry | None, err: HttpFailure, opts: _PageOptions, asked_at: float
) -> tuple[Page, CacheEntry | None]:
    """A page no server answered (`err` has no status): its cached copy, with the entry to
    store that remembers the failure; else a failure."""
    if entry is not None and entry.body is not None:
        opts.emit(url, "cached")
        return _from_entry(entry, f"{err}; using the cached copy"), entry.with_error(
            str(err), asked_at
        )
    opts.emit(url, "failed")
    return _page_failed(url, str(err), None), None


async def _without_answer(
    url: str,
    entry: CacheEntry | None,
    err: HttpFailure,
    cache: FeedCache,
    opts: _PageOptions,
    asked_at: float,
) -> Page:
    """`_unanswered`, its entry stored without holding up the other pages."""
    page, kept = _unanswered(url, entry, err, opts, asked_at)
    if kept is not None:
        await _store_entry(cache, kept)
    return page


async def _page(client: Client, url: str, cache: FeedCache, opts: _PageOptions) -> Page:
    try:
        return await _page_online(client, url, cache, opts)
    except Exception as exc:  # noqa: BLE001 - one page's surprise never costs the others
        opts.emit(url, "failed")
        return _page_failed(url, f"cannot fetch ({one_line(exc)})", None)


async def _page_online(client: Client, url: str, cache: FeedCache, opts: _PageOptions) -> Page:
    problem = url_problem(url)
    if problem:
        opts.emit(url, "failed")
        return _page_failed(url, problem, None)
    entry = _load_entry(cache, url)
    headers: dict[str, str] = {}
    if entry is not None and entry.body is not None and not opts.refresh:
        if entry.etag:
            headers["If-None-Match"] = entry.etag
        if entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
    opts.emit(url, "fetching")
    now = time.time()
    try:
        got = await client.get(
            url,
            headers=headers,
            max_bytes=opts.max_bytes,
            max_redirects=opts.max_redirects,
            retries=_PAGE_RETRIES,
            on_state=opts.emit,
        )
    except HttpFailure as err:
        if err.status is not None:  # the server answered 4xx/5xx: remembered for --offline
            kept = CacheEntry(url, None, status=err.status, error=str(err), error_at=now)
            await _store_entry(cache, kept)
            opts.emit(url, "failed")
            return Page(url, err.final_url, err.status, None, None, "failed", str(err))
        return await _without_answer(url, entry, err, cache, opts, now)
    if got.status == 304:
        if entry is None or entry.body is None:
            opts.emit(url, "failed")
            return _page_failed(url, "HTTP 304 Not Modified, but there is no cached copy", 304)
        kept = CacheEntry(
            url,
            entry.body,
            etag=got.etag or entry.etag,
            last_modified=got.last_modified or entry.last_modified,
            fetched_at=now,
            status=entry.status,
            content_type=entry.content_type,
            final_url=entry.final_url,
        )
        await _store_entry(cache, kept)
        opts.emit(url, "not-modified")
        return Page(
            url, entry.final_url or url, 304, entry.body, entry.content_type, "not-modified", None
        )
    kept = CacheEntry(
        url,
        got.body,
        etag=got.etag,
        last_modified=got.last_modified,
        fetched_at=now,
        status=got.status,
        content_type=got.content_type,
        final_url=got.final_url,
    )
    await _store_entry(cache, kept)
    opts.emit(url, "fresh")
    return Page(url, got.final_url, got.status, got.body, got.content_type, "fresh", None)


def _page_offline(url: str, cache: FeedCache, opts: _PageOptions) -> Page:
    problem = url_problem(url)
    if problem:
        opts.emit(url, "failed")
        return _page_failed(url, problem, None)
    entry = _load_entry(cache, url)
    if entry is not None and entry.body is not None:
        opts.emit(url, "cached")
        return _from_entry(entry, "offline; using the cached copy")
    opts.emit(url, "failed")
    if entry is not None and entry.status is not None:  # the last run's answer, remembered
        return _page_failed(url, entry.error or status_words(entry.status, ""), entry.status)
    return _page_failed(url, "offline and no cached copy", None)


def _from_entry(entry: CacheEntry, why: str) -> Page:
    return Page(
        entry.url,
        entry.final_url or entry.url,
        entry.status,
        entry.body,
        entry.content_type,
        "cached",
        why,
    )


def _page_failed(url: str, error: str, status: int | None) -> Page:
    return Page(url, None, status, None, None, "failed", error)


def _load_entry(cache: FeedCache, url: str) -> CacheEntry | None:
    try:
        return cache.load(url)
    except CorruptEntry:
        return None


async def _store_entry(cache: FeedCache, entry: CacheEntry) -> None:
    """Written in a thread (each write is flushed to disk); a cache that cannot be written
    costs only the next run's validators."""
    import asyncio

    with suppress(OSError):
        await asyncio.to_thread(cache.store, entry)
