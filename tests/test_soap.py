"""The SOAP binding: the packaged WSDL, zeep's envelopes, and the shared transport and replies.

Wire-level request and reply shapes are in spec/conformance/ (tests/test_conformance.py); these
tests cover what only SOAP has: zeep's loading and envelopes, and the runtime it shares.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import requests
from lxml import etree

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime import soap
from ipernity_client.operations import OPERATIONS

from .conftest import Loopback, Reply

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


def fault(code: int, message: str) -> Reply:
    body = (
        f'<s:Envelope xmlns:s="{SOAP12}"><s:Body><s:Fault><faultcode>ipernity.error.{code}</faultcode>'
        f"<faultstring>{message}</faultstring></s:Fault></s:Body></s:Envelope>"
    )
    return Reply(status=500, body=body, content_type="application/soap+xml")


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


def test_import_ipernity_loads_no_zeep_but_a_soap_client_does() -> None:
    code = (
        "import sys, ipernity_client\n"
        "assert 'zeep' not in sys.modules\n"
        "ipernity_client.Client('k', protocol='rest'); ipernity_client.Client('k', protocol='xmlrpc')\n"
        "assert 'zeep' not in sys.modules\n"
        "ipernity_client.Client('k', protocol='soap')\n"
        "print('zeep' in sys.modules)"
    )
    assert run(code) == "True"


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
    real = soap.zeep.Client

    def counting(*args: Any, **kwargs: Any) -> Any:
        loads.append(str(args[0]))
        time.sleep(0.05)  # a slow load, so that racing threads would all see it unfinished
        return real(*args, **kwargs)

    monkeypatch.setattr(soap, "_loaded", {})
    monkeypatch.setattr(soap.zeep, "Client", counting)
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


def test_calls_share_the_clients_session_and_its_connection(loopback: Loopback) -> None:
    session = requests.Session()
    loopback.handler = lambda request: ok("<echo>x</echo>")
    soap_client = client(loopback, session=session)
    for _ in range(5):
        assert soap_client.test.echo(echo="x") == "x"
    pools = session.get_adapter(loopback.url).poolmanager.pools
    assert len(loopback.requests) == 5
    assert [pools[key].num_connections for key in pools.keys()] == [1]


def test_the_clients_timeout_applies(loopback: Loopback) -> None:
    def slow(request: Any) -> Reply:
        time.sleep(0.6)
        return ok("<echo>late</echo>")

    loopback.handler = slow
    with pytest.raises(errors.RequestTimeoutError):
        client(loopback, timeout=(2.0, 0.2)).test.echo(echo="x")


def test_reads_are_retried_by_the_shared_policy_and_writes_are_not(loopback: Loopback) -> None:
    gateway = Reply(status=502, body="<html><body>Bad Gateway</body></html>", content_type="text/html")
    loopback.replies = [gateway, fault(503, "busy"), ok("<echo>x</echo>")]
    patient = client(loopback, retry=ipernity_client.RetryPolicy(attempts=3, backoff=0.001))
    assert patient.test.echo(echo="x") == "x" and len(loopback.requests) == 3
    loopback.replies = [gateway, ok("")]
    with pytest.raises(errors.InvalidResponseError):
        patient.doc.delete(doc_id=1)
    assert len(loopback.requests) == 4


def test_invalid_calls_are_refused_before_sending(loopback: Loopback) -> None:
    with pytest.raises(errors.ValidationError, match="missing required parameter 'echo'"):
        client(loopback).call("test.echo")
    assert loopback.requests == []


def test_a_fault_reads_like_the_same_rest_error(loopback: Loopback) -> None:
    loopback.replies = [fault(105, "The query signature is invalid.")]
    with pytest.raises(errors.SignatureInvalidError) as over_soap:
        client(loopback).test.echo(echo="x")
    loopback.error_json(105, "The query signature is invalid.")
    with pytest.raises(errors.SignatureInvalidError) as over_rest:
        client(loopback, protocol="rest", format="json").test.echo(echo="x")
    assert str(over_soap.value) == str(over_rest.value)
    assert over_soap.value.http_status == 500


def test_text_xml_cannot_carry_is_refused_before_sending(loopback: Loopback) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client(loopback).test.echo(echo="bell \x07 and nul \x00")
    assert caught.value.problems == ["echo: '\\x07' cannot be sent in XML (SOAP, XML-RPC); use REST"]
    assert loopback.requests == []


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
