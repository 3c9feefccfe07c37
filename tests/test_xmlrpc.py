"""The XML-RPC binding: stdlib marshalling, the shared requests transport, safe reply parsing.

Wire-level request and reply shapes are in spec/conformance/ (tests/test_conformance.py); these
tests cover what only XML-RPC has and the runtime it shares.
"""

from __future__ import annotations

import time
import xmlrpc.client
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import requests

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime import xmlrpc as codec_module
from ipernity_client.operations import OPERATIONS

from .conftest import Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"


def response(value: str, doctype: str = "") -> str:
    body = f"<methodResponse><params><param><value>{value}</value></param></params></methodResponse>"
    return f"<?xml version='1.0'?>{doctype}{body}"


def ok(xml: str) -> Reply:
    return Reply(body=response(f"<string>{escape(xml)}</string>"), content_type="text/xml")


def fault(code: int, message: str) -> Reply:
    body = xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True)
    return Reply(body=body, content_type="text/xml")


def client(loopback: Loopback, **options: Any) -> ipernity_client.Client:
    settings: dict[str, Any] = {"protocol": "xmlrpc", "format": "xml", "endpoint": loopback.url, "retry": None}
    return ipernity_client.Client(KEY, SECRET, TOKEN, **{**settings, **options})


@pytest.mark.parametrize("operation", [op for op in OPERATIONS.values() if not op.has_file], ids=lambda op: op.name)
def test_every_call_is_one_struct_of_string_members(operation: Any) -> None:
    codec = codec_module.XmlRpcCodec(API, "https://api.example", "json")
    wire = {param.name: f"{param.name} & <é>" for param in operation.params}
    wire.update(api_key=KEY, auth_token=TOKEN, api_sig="sig")
    request = codec.encode(operation, dict(wire), {})
    assert (request.method, request.url) == ("POST", "https://api.example/api/xmlrpc/json")
    assert isinstance(request.data, bytes)
    params, method = xmlrpc.client.loads(request.data)  # our own request: trusted input
    assert method == operation.name and params == (wire,)
    assert list(params[0]) == sorted(wire)


def test_calls_share_the_clients_session_and_its_connection(loopback: Loopback) -> None:
    session = requests.Session()
    loopback.handler = lambda request: ok("<echo>x</echo>")
    rpc = client(loopback, session=session)
    for _ in range(5):
        assert rpc.test.echo(echo="x") == "x"
    pools = session.get_adapter(loopback.url).poolmanager.pools
    assert len(loopback.requests) == 5
    assert [pools[key].num_connections for key in pools.keys()] == [1]
    assert {request.headers["Content-Type"] for request in loopback.requests} == {"text/xml"}


def test_the_clients_timeout_applies(loopback: Loopback) -> None:
    def slow(request: Any) -> Reply:
        time.sleep(0.6)
        return ok("<echo>late</echo>")

    loopback.handler = slow
    with pytest.raises(errors.RequestTimeoutError):
        client(loopback, timeout=(2.0, 0.2)).test.echo(echo="x")


def test_retryable_faults_are_retried_by_the_shared_policy(loopback: Loopback) -> None:
    loopback.replies = [fault(113, "slow down"), fault(500, "oops"), ok("<echo>x</echo>")]
    patient = client(loopback, retry=ipernity_client.RetryPolicy(attempts=3, backoff=0.001))
    assert patient.test.echo(echo="x") == "x" and len(loopback.requests) == 3
    loopback.replies = [fault(105, "bad signature")]
    with pytest.raises(errors.SignatureInvalidError):
        patient.test.echo(echo="x")
    assert len(loopback.requests) == 4


def test_a_fault_reads_like_the_same_rest_error(loopback: Loopback) -> None:
    loopback.replies = [fault(1, "We could not echo back")]
    with pytest.raises(errors.TestEchoNothingWasSentError) as over_xmlrpc:
        client(loopback).test.echo(echo="x")
    loopback.error_json(1, "We could not echo back")
    with pytest.raises(errors.TestEchoNothingWasSentError) as over_rest:
        client(loopback, protocol="rest", format="json").test.echo(echo="x")
    assert str(over_xmlrpc.value) == str(over_rest.value)


def test_a_struct_reply_with_arrays_builds_the_same_model(loopback: Loopback) -> None:
    reply = xmlrpc.client.dumps(
        (
            {
                "tickets": {
                    "count": "2",
                    "done": "1",
                    "ticket": [{"id": "712218", "done": "1", "doc_id": "5412"}, {"id": "712311", "done": "0"}],
                }
            },
        ),
        methodresponse=True,
    )
    loopback.replies = [Reply(body=reply, content_type="text/xml")]
    tickets = client(loopback).upload.check_tickets(tickets=["712218", "712311"])
    assert tickets is not None and tickets.count == 2 and tickets.done == 1
    assert [(t.id, t.done, t.doc_id) for t in tickets.ticket] == [("712218", True, 5412), ("712311", False, None)]


def test_text_xml_cannot_carry_is_refused_before_sending(loopback: Loopback) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client(loopback).test.echo(echo="bell \x07 and nul \x00")
    assert caught.value.problems == ["echo: '\\x07' cannot be sent in XML (SOAP, XML-RPC); use REST"]
    assert loopback.requests == []


def test_entities_in_a_reply_are_never_expanded(loopback: Loopback, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doctype = (
        '<!DOCTYPE methodResponse [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        f'<!ENTITY ext SYSTEM "{secret.as_uri()}">]>'
    )
    body = response("<string>&lt;echo&gt;&lol2;&ext;&lt;/echo&gt;</string>", doctype)
    assert "lollol" in xmlrpc.client.loads(body)[0][0]  # what the standard library's parser would do
    loopback.replies = [Reply(body=body, content_type="text/xml")]
    with pytest.raises(errors.InvalidResponseError) as caught:
        client(loopback).test.echo(echo="x")
    assert "TOPSECRET" not in str(caught.value) and "lollol" not in str(caught.value)
