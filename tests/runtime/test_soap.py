"""The SOAP codec: the packaged WSDL, zeep's envelopes, and replies read without expanding entities.

Wire-level request and reply shapes are in spec/conformance/ (tests/conformance/), and what SOAP
shares with the other protocols (session, retries, timeouts, errors, validation) in the
all-protocol tests of test_client.py and test_transport.py; these cover what only SOAP has.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import zeep
from lxml import etree

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime import soap
from ipernity_client.operations import OPERATIONS

from ..loopback import Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SENT = [op for op in OPERATIONS.values() if not op.has_file]


def envelope(escaped_payload: str) -> str:
    return (
        f'<s:Envelope xmlns:s="{SOAP12}"><s:Body><x:ipernityResponse xmlns:x="urn:ipernity">'
        f"{escaped_payload}</x:ipernityResponse></s:Body></s:Envelope>"
    )


def ok(xml: str) -> Reply:
    return Reply(body=envelope(escape(xml)), content_type="application/soap+xml")


def client(loopback: Loopback, **options: Any) -> ipernity_client.Client:
    settings: dict[str, Any] = {"protocol": "soap", "format": "xml", "endpoint": loopback.url, "retry": None}
    return ipernity_client.Client(KEY, SECRET, TOKEN, **{**settings, **options})


def request_element(body: bytes) -> etree._Element:
    found = etree.fromstring(body).find(f"{{{SOAP12}}}Body/{{urn:ipernity}}ipernityRequest")
    assert found is not None
    return found


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_wsdl_is_self_contained_and_loads_with_the_network_cut() -> None:
    document = etree.parse(API.wsdl)
    assert document.xpath("//*[local-name()='import' or local-name()='include' or local-name()='redefine']") == []
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise OSError('network disabled in this test')\n"
        "socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse\n"
        "from ipernity_client._api import API\n"
        "from ipernity_client._runtime import soap\n"
        "print(len(soap.load_wsdl(API.wsdl, API.service.soap).children))"
    )
    assert int(run(code)) > 3


def test_the_wsdl_declares_every_method_and_every_parameter_sent() -> None:
    wsdl = soap.load_wsdl(API.wsdl, API.service.soap)
    binding = wsdl.client.wsdl.bindings["{urn:ipernity}ipernitySoap12"]
    assert set(binding._operations) == set(OPERATIONS)
    params = {param.name for op in OPERATIONS.values() for param in op.params if param.type != "file"}
    assert wsdl.children == params | {"method", "api_key", "auth_token", "api_sig"}


def test_the_wsdl_is_loaded_once_per_process_whatever_the_threads(
    loopback: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str] = []
    real: Callable[..., Any] = zeep.Client

    def counting(*args: Any, **kwargs: Any) -> Any:
        loads.append(str(args[0]))
        time.sleep(0.05)  # a slow load, so that racing threads would all see it unfinished
        return real(*args, **kwargs)

    monkeypatch.setattr(soap, "_loaded", {})
    monkeypatch.setattr(zeep, "Client", counting)
    loopback.handler = lambda request: ok("<echo>same</echo>")
    clients = [client(loopback), client(loopback)]
    results: list[str | None] = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.test.echo(echo="same"))) for c in clients * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [API.wsdl]
    assert results == ["same"] * 8


@pytest.mark.parametrize("operation", SENT, ids=lambda op: op.name)
def test_every_envelope_is_the_one_zeep_writes(operation: Any) -> None:
    codec = soap.SoapCodec(API, "https://api.example", "xml")
    wsdl = soap.load_wsdl(API.wsdl, API.service.soap)
    for round_ in ("one", "two & <three>"):
        wire = {param.name: f"{param.name} {round_}" for param in operation.params}
        wire.update(api_key=KEY, auth_token=TOKEN, api_sig=f"sig {round_}")
        request = codec.encode(operation, dict(wire), {})
        fields: dict[str, Any] = {name: value for name, value in wire.items() if name != "method"}
        fields["method"] = [operation.name, wire["method"]] if "method" in wire else operation.name
        direct = wsdl.client.create_message(wsdl.client.service, operation.name, **fields)
        assert request.data == etree.tostring(direct, xml_declaration=True, encoding="utf-8")
        assert (request.method, request.url) == ("POST", "https://api.example/api/soap")
        assert request.headers == {"Content-Type": "application/soap+xml; charset=utf-8"}


def test_parameters_the_spec_does_not_know_follow_the_declared_ones(loopback: Loopback) -> None:
    loopback.handler = lambda request: ok("<echo>x</echo>")
    client(loopback, validate=False).call("test.echo", echo="x", brand_new="1")
    children = [(child.tag, child.text) for child in request_element(loopback.requests[0].body)]
    assert children[0] == ("method", "test.echo") and children[-1] == ("brand_new", "1")


def test_entities_in_a_reply_are_never_expanded(loopback: Loopback, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doctype = (
        '<!DOCTYPE s:Envelope [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        f'<!ENTITY ext SYSTEM "{secret.as_uri()}">]>'
    )
    body = doctype + envelope("&lt;echo&gt;&lol2;&ext;&lt;/echo&gt;")
    loopback.replies = [Reply(body=body, content_type="application/soap+xml")]
    with pytest.raises(errors.InvalidResponseError) as caught:
        client(loopback).test.echo(echo="x")
    assert "TOPSECRET" not in str(caught.value) and "lollol" not in str(caught.value)
