"""The loopback HTTP server the network tests share, as pytest fixtures.

A module takes them by assignment (`_server = servers.threaded_server`, `server =
servers.cleared_server`, `_plain_network = servers.plain_network`, `authority =
servers.certificate_authority`, `https_server = servers.tls_server`): pytest finds fixtures among a
module's names, and a plain import would read as unused to the linter. One server a module, cleared
around each test, threaded so that a slow handler never holds up another request; the https one
has a certificate of the module's own certificate authority (trustme).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.loopback import PROXY_VARIABLES, CertificateAuthority


@pytest.fixture(scope="module")
def threaded_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def cleared_server(_server: HTTPServer) -> Iterator[HTTPServer]:
    _server.clear()
    yield _server
    _server.clear()


@pytest.fixture(autouse=True)
def plain_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy or certificate variable of the machine's leaks into a test."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def certificate_authority(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    pytest.importorskip("trustme")
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def tls_server(authority: CertificateAuthority) -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", threaded=True, ssl_context=authority.server_context())
    server.start()
    yield server
    server.clear()
    server.stop()
