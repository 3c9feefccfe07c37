"""The HTTP layer every protocol shares: the caller's requests session keeps its meaning.

The transport prepares requests itself (to skip requests' per-call environment look-ups), so
these check that what a session carries still reaches the server: default headers, auth,
cookies, hooks, mounted adapters, proxies from the environment.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

import ipernity_client

from ..conftest import every_protocol
from ..loopback import Answer, Loopback


@pytest.fixture(autouse=True)
def _echo(loopback: Loopback) -> None:
    """These tests call test.echo and look at what was sent; its reply holds the echo element."""
    loopback.handler = lambda request: Answer("<echo>hi</echo>")


def _client(url: str, protocol: str, fmt: str, session: requests.Session) -> ipernity_client.Client:
    return ipernity_client.Client(
        "key", "secret", protocol=protocol, format=fmt, endpoint=url, session=session, retry=None
    )


@every_protocol
def test_the_session_headers_auth_and_hooks_apply(loopback: Loopback, protocol: str, fmt: str) -> None:
    seen: list[int] = []
    session = requests.Session()
    session.headers["User-Agent"] = "my-app/1.0"
    session.headers["Accept-Encoding"] = None  # type: ignore[assignment]  # requests drops a header set to None
    session.auth = ("proxyuser", "pw")
    session.hooks["response"].append(lambda response, **_: seen.append(response.status_code))
    with _client(loopback.url, protocol, fmt, session) as client:
        assert client.test.echo(echo="hi") == "hi"
    (request,) = loopback.requests
    assert request.headers["User-Agent"] == "my-app/1.0"
    assert request.headers["Accept-Encoding"] == "identity"  # http.client's own, not requests' gzip default
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"proxyuser:pw").decode()
    assert seen == [200]


@every_protocol
def test_calls_share_the_clients_session_and_its_connection(loopback: Loopback, protocol: str, fmt: str) -> None:
    session = requests.Session()
    loopback.handler = lambda request: Answer("<echo>x</echo>")
    client = _client(loopback.url, protocol, fmt, session)
    for _ in range(5):
        assert client.test.echo(echo="x") == "x"
    adapter = session.get_adapter(loopback.url)
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    pools = adapter.poolmanager.pools
    assert len(loopback.requests) == 5
    assert [pools[key].num_connections for key in pools.keys()] == [1]


@every_protocol
def test_the_session_cookies_are_sent(loopback: Loopback, protocol: str, fmt: str) -> None:
    session = requests.Session()
    session.cookies.set("lang", "fr", domain="127.0.0.1", path="/")
    with _client(loopback.url, protocol, fmt, session) as client:
        client.test.echo(echo="hi")
    assert loopback.requests[0].headers["Cookie"] == "lang=fr"


@every_protocol
def test_credentials_in_the_endpoint_and_session_params_apply_to_every_call(
    loopback: Loopback, protocol: str, fmt: str
) -> None:
    """The transport quotes a query-less URL once and reuses it: what it implies must not be lost."""
    session = requests.Session()
    session.params = {"trace": "1"}
    endpoint = loopback.url.replace("http://", "http://me:s%3Acret@")
    with ipernity_client.Client(
        "key", "secret", protocol=protocol, format=fmt, endpoint=endpoint, session=session, retry=None
    ) as client:
        client.test.echo(echo="one")
        session.params = {}
        client.test.echo(echo="two")
    first, second = loopback.requests
    expected = "Basic " + base64.b64encode(b"me:s:cret").decode()
    assert first.headers["Authorization"] == second.headers["Authorization"] == expected
    assert first.query["trace"] == "1"
    assert "trace" not in second.query
    assert first.params["echo"] == "one" and second.params["echo"] == "two"


@every_protocol
def test_a_mounted_adapter_carries_the_calls(loopback: Loopback, protocol: str, fmt: str) -> None:
    class Counting(requests.adapters.HTTPAdapter):
        sent = 0

        def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
            Counting.sent += 1
            return super().send(request, *args, **kwargs)

    session = requests.Session()
    session.mount("http://", Counting())
    with _client(loopback.url, protocol, fmt, session) as client:
        client.test.echo(echo="hi")
        client.test.echo(echo="again")
    assert Counting.sent == 2


def test_proxies_from_the_environment_are_read_when_the_client_is_made(
    loopback: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loopback plays the proxy: the request line names the real host."""
    monkeypatch.setenv("HTTP_PROXY", loopback.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = ipernity_client.Client("key", endpoint="http://api.ipernity.invalid", retry=None)
    monkeypatch.delenv("HTTP_PROXY")
    client.test.echo(echo="hi")
    (request,) = loopback.requests
    assert request.headers["Host"] == "api.ipernity.invalid"
    assert request.path == "/api/test.echo/json"
