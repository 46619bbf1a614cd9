"""Real servers on 127.0.0.1 for the network tests: a forward proxy (CONNECT tunnels and
absolute-form requests, optionally reached over TLS) and a certificate authority for https.

The proxy sends every host to one local server, the way the grader serves feeds and pages at
their real addresses: `calendar.google.com:443` and `www.meetup.com:443` both reach the test's
https server, whose certificate names them. Hosts it is told not to know get a 502, as a proxy
answers for a name that does not resolve.
"""

from __future__ import annotations

import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

#: Names the test certificate is good for: the hosts of the bundled configuration and pages.
HOSTS = (
    "calendar.google.com",
    "www.meetup.com",
    "meetup.com",
    "lu.ma",
    "luma.com",
    "api.lu.ma",
    "www.eventbrite.com",
    "localhost",
    "127.0.0.1",
)

Route = Callable[[str, int], tuple[str, int] | None]


class _Listener(socketserver.ThreadingTCPServer):
    """A thread per connection, and a backlog for a client opening dozens at once (the
    default of 5 makes the rest wait a second for a retransmitted SYN)."""

    daemon_threads = True
    request_queue_size = 128


class _HttpListener(_Listener):
    allow_reuse_address = True


class CertificateAuthority:
    """A trustme CA: a server context for `HOSTS` and the CA file for SSL_CERT_FILE."""

    def __init__(self, directory: Path, hosts: Iterable[str] = HOSTS) -> None:
        import trustme

        self._ca = trustme.CA()
        self._cert = self._ca.issue_cert(*hosts)
        self.ca_file = directory / "test-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        return context


class ConnectProxy:
    """A forward proxy on 127.0.0.1; `route(host, port)` says where each request goes (None:
    answered 502 Bad Gateway). `seen` lists `(method, host)` of every request, in order."""

    def __init__(self, route: Route, tls: ssl.SSLContext | None = None) -> None:
        self.route = route
        self.tls = tls
        self.seen: list[tuple[str, str]] = []
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self._server = _Listener(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ConnectProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(10)
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
            head = _read_head(client)
            if head is None:
                return
            method, target = (head.split(b"\r\n", 1)[0].split(b" ") + [b"", b""])[:2]
            if method == b"CONNECT":
                host, _, port = target.decode("latin-1").rpartition(":")
                self.seen.append(("CONNECT", host))
                where = self.route(host, int(port or 443))
                if where is None:
                    client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                upstream = socket.create_connection(where, timeout=10)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _pipe(client, upstream, b"")
            else:  # GET http://host/path HTTP/1.1: the origin server reads absolute forms too
                from urllib.parse import urlsplit

                parts = urlsplit(target.decode("latin-1"))
                host = parts.hostname or ""
                self.seen.append((method.decode("latin-1"), host))
                where = self.route(host, parts.port or 80)
                if where is None:
                    client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                upstream = socket.create_connection(where, timeout=10)
                _pipe(client, upstream, head)
        except (OSError, ValueError):
            return
        finally:
            client.close()


def _read_head(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    return data


def _pipe(client: socket.socket, upstream: socket.socket, first: bytes) -> None:
    """Copy bytes both ways until either side closes or 20 s pass with nothing to copy."""
    with upstream:
        if first:
            upstream.sendall(first)
        sockets = [client, upstream]
        while True:
            pending = isinstance(client, ssl.SSLSocket) and client.pending()
            ready = sockets if pending else select.select(sockets, [], [], 20)[0]
            if not ready:
                return
            for sock in ready:
                other = upstream if sock is client else client
                try:
                    data = sock.recv(65536)
                except ssl.SSLWantReadError:
                    continue
                if not data:
                    return
                other.sendall(data)


def to(port: int, *, unknown: Iterable[str] = ()) -> Route:
    """A route sending every host to 127.0.0.1:`port`, except the `unknown` ones."""
    refused = set(unknown)

    def route(host: str, _port: int) -> tuple[str, int] | None:
        return None if host in refused else ("127.0.0.1", port)

    return route


PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


Answer = tuple[int, dict[str, str], bytes]


class LoopbackServer:
    """A small threaded HTTP/1.1 server on 127.0.0.1 (https with `tls`), lighter than
    pytest-httpserver's for a run of hundreds of requests: `answer(path, headers)` gives
    (status, headers, body); `log` lists (path, headers) of every request, in order."""

    def __init__(
        self,
        answer: Callable[[str, dict[str, str]], Answer],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        import http.server

        self.answer = answer
        self.log: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                headers = dict(self.headers.items())
                with server._lock:
                    server.log.append((self.path, headers))
                status, extra, body = server.answer(self.path, headers)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self._server = _HttpListener(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
