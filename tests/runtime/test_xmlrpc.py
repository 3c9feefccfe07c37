"""The XML-RPC codec: stdlib marshalling, struct replies, and safe reply parsing.

Wire-level request and reply shapes are in spec/conformance/ (tests/conformance/), and what
XML-RPC shares with the other protocols (session, retries, timeouts, errors, validation) in the
all-protocol tests of test_client.py and test_transport.py; these cover what only XML-RPC has.
"""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime import xmlrpc as codec_module
from ipernity_client.operations import OPERATIONS

from ..loopback import Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"


def response(value: str, doctype: str = "") -> str:
    body = f"<methodResponse><params><param><value>{value}</value></param></params></methodResponse>"
    return f"<?xml version='1.0'?>{doctype}{body}"


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


def test_entities_in_a_reply_are_never_expanded(loopback: Loopback, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doctype = (
        '<!DOCTYPE methodResponse [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        f'<!ENTITY ext SYSTEM "{secret.as_uri()}">]>'
    )
    body = response("<string>&lt;echo&gt;&lol2;&ext;&lt;/echo&gt;</string>", doctype)
    (expanded,), _ = xmlrpc.client.loads(body)  # what the standard library's parser would do
    assert isinstance(expanded, str) and "lollol" in expanded
    loopback.replies = [Reply(body=body, content_type="text/xml")]
    with pytest.raises(errors.InvalidResponseError) as caught:
        client(loopback).test.echo(echo="x")
    assert "TOPSECRET" not in str(caught.value) and "lollol" not in str(caught.value)
