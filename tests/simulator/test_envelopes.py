"""The simulator's SOAP and XML-RPC endpoints with hand-written envelopes (notes 2.2 and 2.3).

What a client call over either protocol gets (signed calls, tokens, the request log) is in the
all-protocol tests of test_protocols.py and test_all_methods.py; these check the envelopes.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest
import requests
from lxml import etree

from ipernity_client._runtime.signing import signature
from ipernity_client.testing import DEMO_API_KEY, DEMO_API_SECRET, Simulator

SOAP = "http://www.w3.org/2003/05/soap-envelope"


def soap_request(method: str, params: dict[str, str]) -> str:
    children = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in params.items())
    return (
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><x:ipernityRequest xmlns:x="urn:ipernity">'
        f"<method>{method}</method>{children}</x:ipernityRequest></s:Body></s:Envelope>"
    )


def xmlrpc_request(method: str, params: dict[str, str]) -> str:
    members = "".join(
        f"<member><name>{name}</name><value><string>{escape(value)}</string></value></member>"
        for name, value in params.items()
    )
    return (
        f"<?xml version='1.0'?><methodCall><methodName>{method}</methodName>"
        f"<params><param><value><struct>{members}</struct></value></param></params></methodCall>"
    )


def post(sim: Simulator, path: str, body: str) -> requests.Response:
    return requests.post(f"{sim.endpoint}{path}", data=body.encode(), timeout=10)


# SOAP


def test_soap_success_carries_the_escaped_body_without_api(sim: Simulator) -> None:
    reply = post(sim, "/api/soap", soap_request("test.echo", {"api_key": DEMO_API_KEY, "echo": "a & b"}))
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("application/soap+xml")
    assert "&lt;echo&gt;a &amp;amp; b&lt;/echo&gt;" in reply.text
    root = etree.fromstring(reply.content)
    response = root.find(f"{{{SOAP}}}Body/{{urn:ipernity}}ipernityResponse")
    assert response is not None and response.text == "<echo>a &amp; b</echo>"


def test_soap_fault_has_the_documented_fields(sim: Simulator) -> None:
    reply = post(sim, "/api/soap", soap_request("test.hello", {}))
    assert reply.status_code == 500
    fault = etree.fromstring(reply.content).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None
    assert fault.findtext("faultcode") == "ipernity.error.100"
    assert fault.findtext("faultstring") == "Please add the api_key parameter to this request."
    assert fault.findtext("faultactor") == f"{sim.endpoint}/api/soap/"
    assert fault.findtext("details") == "See http://www.ipernity.com/help/api for more details"


def test_soap_json_answers_the_rest_json_body(sim: Simulator) -> None:
    reply = post(sim, "/api/soap/json", soap_request("test.hello", {"api_key": DEMO_API_KEY}))
    assert reply.json() == {"api": {"status": "ok"}, "hello": "hello world!"}
    error = post(sim, "/api/soap/json", soap_request("test.hello", {"api_key": "nope"}))
    assert error.json()["api"]["code"] == "101"


def test_soap_signature_covers_the_children_but_method(sim: Simulator) -> None:
    params = {"api_key": DEMO_API_KEY}
    good = {**params, "api_sig": signature(params, "auth.getFrob", DEMO_API_SECRET)}
    assert "frob" in post(sim, "/api/soap/json", soap_request("auth.getFrob", good)).json()["auth"]
    bad = {**params, "api_sig": signature({**params, "method": "auth.getFrob"}, "auth.getFrob", DEMO_API_SECRET)}
    assert post(sim, "/api/soap/json", soap_request("auth.getFrob", bad)).json()["api"]["code"] == "105"


@pytest.mark.parametrize(
    "body",
    [
        "not xml at all",
        "<a><b></a>",
        "<methodCall/>",
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><other/></s:Body></s:Envelope>',
    ],
)
def test_121_unparsable_soap_envelope(sim: Simulator, body: str) -> None:
    fault = etree.fromstring(post(sim, "/api/soap", body).content).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None and fault.findtext("faultcode") == "ipernity.error.121"
    assert post(sim, "/api/soap/json", body).json()["api"]["code"] == "121"


def test_soap_without_a_method_is_103(sim: Simulator) -> None:
    reply = post(sim, "/api/soap/json", soap_request("", {"api_key": DEMO_API_KEY}))
    assert reply.json()["api"]["code"] == "103"


# XML-RPC


def test_xmlrpc_success_is_one_string_holding_the_body(sim: Simulator) -> None:
    reply = post(sim, "/api/xmlrpc", xmlrpc_request("test.echo", {"api_key": DEMO_API_KEY, "echo": "<hi>"}))
    assert reply.status_code == 200
    assert etree.fromstring(reply.content).findtext("params/param/value/string") == "<echo>&lt;hi&gt;</echo>"


def test_xmlrpc_fault_has_an_int_code(sim: Simulator) -> None:
    reply = post(sim, "/api/xmlrpc", xmlrpc_request("test.hello", {"api_key": "nope"}))
    members = {
        member.findtext("name"): member.find("value/*")
        for member in etree.fromstring(reply.content).findall("fault/value/struct/member")
    }
    code, text = members["faultCode"], members["faultString"]
    assert code is not None and code.tag == "int" and code.text == "101"
    assert text is not None and text.text == "This API key is invalid or disabled."


def test_xmlrpc_json_answers_the_rest_json_body(sim: Simulator) -> None:
    reply = post(sim, "/api/xmlrpc/json", xmlrpc_request("test.hello", {"api_key": DEMO_API_KEY}))
    assert json.loads(reply.content) == {"api": {"status": "ok"}, "hello": "hello world!"}


def test_xmlrpc_takes_typed_scalars_as_strings(sim: Simulator) -> None:
    body = xmlrpc_request("test.echo", {"api_key": DEMO_API_KEY, "echo": "42"}).replace(
        "<string>42</string>", "<int>42</int>"
    )
    assert "<int>42</int>" in body
    assert post(sim, "/api/xmlrpc/json", body).json()["echo"] == "42"


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        "<methodCall><params/></methodCall>",
        "<methodCall><methodName>test.hello</methodName><params><param><value><array/></value></param></params></methodCall>",
    ],
)
def test_122_unparsable_xmlrpc_envelope(sim: Simulator, body: str) -> None:
    members = etree.fromstring(post(sim, "/api/xmlrpc", body).content).findall("fault/value/struct/member")
    assert {m.findtext("name"): m.findtext("value/int") for m in members}["faultCode"] == "122"
    assert post(sim, "/api/xmlrpc/json", body).json()["api"]["code"] == "122"
