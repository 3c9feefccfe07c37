"""What a caller meets around the calls: argument checks, User-Agent, the pool, unchecked calls, logging."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

import ipernity_client
from ipernity_client import errors, models

from ..conftest import every_protocol
from ..loopback import Answer, Loopback

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"


def client(loopback: Loopback, protocol: str = "rest", fmt: str = "json", **options: Any) -> ipernity_client.Client:
    settings: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": loopback.url, "retry": None}
    return ipernity_client.Client(KEY, SECRET, TOKEN, **{**settings, **options})


@pytest.mark.parametrize("timeout", [10, 2.5, (3, 30), (0.5, 1.0)])
def test_good_timeouts_are_accepted(timeout: float | tuple[float, float]) -> None:
    assert ipernity_client.Client("key", timeout=timeout).timeout == timeout


def test_no_credential_value_appears_in_the_construction_error() -> None:
    with pytest.raises(errors.ValidationError) as caught:
        ipernity_client.Client("key", api_secret=["s3cr3t-value"], endpoint="nope")  # type: ignore[arg-type]
    assert "s3cr3t-value" not in str(caught.value)


def test_the_client_names_itself_in_user_agent(loopback: Loopback) -> None:
    loopback.handler = lambda request: Answer("<hello>world</hello>")
    client(loopback).test.hello()
    agent = loopback.requests[0].headers["User-Agent"]
    assert agent == f"ipernity-client/{ipernity_client.__version__} {requests.utils.default_user_agent()}"


def test_a_user_agent_chosen_on_the_session_is_kept(loopback: Loopback) -> None:
    loopback.handler = lambda request: Answer("<hello>world</hello>")
    session = requests.Session()
    session.headers["User-Agent"] = "my-app/2.0"
    client(loopback, session=session).test.hello()
    assert loopback.requests[0].headers["User-Agent"] == "my-app/2.0"


def test_pool_size_keeps_a_connection_per_thread(loopback: Loopback) -> None:
    """16 threads on one client with pool_size=16: no connection is opened and thrown away."""
    loopback.handler = lambda request: Answer("<hello>world</hello>")
    shared = client(loopback, pool_size=16)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: shared.test.hello(), range(160)))
    adapter = shared.session.get_adapter(loopback.url)
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    pools = adapter.poolmanager.pools
    (key,) = pools.keys()
    assert pools[key].num_connections <= 16 and pools[key].pool.maxsize == 16


@every_protocol
def test_an_unknown_method_can_be_called_unchecked(loopback: Loopback, protocol: str, fmt: str) -> None:
    """A method added after the build: signed, sent by POST on the client's protocol, read back as plain data."""
    loopback.handler = lambda request: Answer('<thing thing_id="7"><title>New</title></thing>')
    result = client(loopback, protocol, fmt).call("doc.newThing", unchecked=True, doc_id=12, tags=["a", "b"], on=True)
    (sent,) = loopback.requests
    assert (sent.method, sent.api_method) == ("POST", "doc.newThing")
    assert {name: sent.params[name] for name in ("doc_id", "tags", "on", "api_key", "auth_token")} == {
        "doc_id": "12",
        "tags": "a,b",
        "on": "1",
        "api_key": KEY,
        "auth_token": TOKEN,
    }
    assert "api_sig" in sent.params
    assert result["thing"]["thing_id"] == "7"
    assert result["thing"]["title"] in ("New", {"_value": "New"}, {"_content": "New"})


def test_without_unchecked_an_unknown_method_is_refused_with_a_suggestion() -> None:
    caller = ipernity_client.Client("key")
    with pytest.raises(errors.ValidationError, match="did you mean 'doc.get'"):
        caller.call("doc.gett")
    with pytest.raises(errors.ValidationError, match="unchecked=True"):
        caller.call("doc.newThing")


@every_protocol
def test_debug_logging_shows_each_call_and_no_credential(
    loopback: Loopback, caplog: pytest.LogCaptureFixture, protocol: str, fmt: str
) -> None:
    """The whole process at DEBUG (urllib3's request lines included) shows no token, signature or secret."""
    loopback.handler = lambda request: Answer("<echo>hi</echo>")
    with caplog.at_level(logging.DEBUG):
        client(loopback, protocol, fmt).test.echo(echo="hi")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "test.echo over" in text and "echo=hi" in text and "HTTP 200" in text and "attempt 1" in text
    api_sig = loopback.requests[0].params["api_sig"]
    for secret in (SECRET, TOKEN, api_sig, KEY):
        assert secret not in text
    assert "6fa8…72" in text


def test_a_retry_is_logged_at_info(loopback: Loopback, caplog: pytest.LogCaptureFixture) -> None:
    loopback.error(503, "busy")
    loopback.ok("<hello>world</hello>")
    policy = ipernity_client.RetryPolicy(backoff=0.0)
    with caplog.at_level(logging.INFO, logger="ipernity_client"):
        assert client(loopback, retry=policy).test.hello() == "world"
    (line,) = [record for record in caplog.records if record.levelno == logging.INFO]
    assert line.getMessage().startswith("test.hello failed (") and "attempt 2" in line.getMessage()


def test_urllib3_request_lines_are_masked(loopback: Loopback, caplog: pytest.LogCaptureFixture) -> None:
    """A signed GET carries auth_token and api_sig in its query; urllib3 logs that line at DEBUG."""
    loopback.handler = lambda request: Answer("<doc doc_id='1'/>")
    with caplog.at_level(logging.DEBUG, logger="urllib3"):
        client(loopback).doc.get(doc_id=1)
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("urllib3")]
    assert any("/api/doc.get/json?" in line and "auth_token=***" in line for line in lines), lines
    assert not any(TOKEN in line for line in lines)


def test_lazily_loaded_names_are_listed_by_dir() -> None:
    assert {"Doc", "Album", "TagList"} <= set(dir(models))
    assert {"UploadFileFileTooLargeError", "DocGetDocumentNotFoundError", "ApiError"} <= set(dir(errors))
    assert {"Client", "errors", "RetryPolicy"} <= set(dir(ipernity_client))
