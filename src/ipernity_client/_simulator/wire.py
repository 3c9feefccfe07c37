"""Bodies as ipernity writes and reads them (notes section 2).

Replies: REST json, xml and php (a PHP-serialized copy of the JSON), SOAP 1.2 envelopes with
SOAP 1.1 style faults, XML-RPC string replies and fault structs. Requests: the SOAP and XML-RPC
envelopes, parsed back into a method name and string parameters. Every reply body starts as the
XML a method answers (without the ``<api>`` wrapper); the other formats are derived from it, so
one handler serves every protocol.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from .._runtime import xmltree
from .._runtime.api import ServiceFacts, SoapFacts

SOAP_ENVELOPE = "http://www.w3.org/2003/05/soap-envelope"
SOAP_ENVELOPES = (SOAP_ENVELOPE, "http://schemas.xmlsoap.org/soap/envelope/")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
    "php": "text/plain; charset=utf-8",
    "soap": "application/soap+xml; charset=utf-8",
    "xmlrpc": "text/xml; charset=utf-8",
}


class EnvelopeError(ValueError):
    """A SOAP or XML-RPC request that cannot be read (errors 121 and 122)."""


def elements(body: str) -> etree._Element:
    """The reply elements of ``body`` under one ``<api status="ok">`` root."""
    return xmltree.parse(f'<api status="ok">{body}</api>')


def to_data(repeated: frozenset[str], body: str) -> dict[str, Any]:
    """The JSON shape of a reply body: attributes as string keys, text under ``_value``, lists as arrays."""
    root = elements(body)
    data: dict[str, Any] = {}
    for child in root:
        value = xmltree.to_raw(child)
        if child.tag in data:
            existing = data[child.tag]
            data[child.tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[str(child.tag)] = value
    for path in repeated:
        _listify(data, path.split("/"))
    return data


def _listify(node: Any, steps: list[str]) -> None:
    """Make the element at ``steps`` a list, wherever it sits under lists on the way."""
    if isinstance(node, list):
        for item in node:
            _listify(item, steps)
        return
    if not isinstance(node, dict) or steps[0] not in node:
        return
    if len(steps) == 1:
        if not isinstance(node[steps[0]], list):
            node[steps[0]] = [node[steps[0]]]
        return
    _listify(node[steps[0]], steps[1:])


def php_serialize(value: Any) -> str:
    """PHP's serialize() of JSON-like data: dicts and lists as arrays, every scalar as a string."""
    if isinstance(value, (dict, list)):
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        body = "".join(_php_key(key) + php_serialize(item) for key, item in pairs)
        return f"a:{len(value)}:{{{body}}}"
    text = str(value)
    return f's:{len(text.encode("utf-8"))}:"{text}";'


def _php_key(key: str | int) -> str:
    return f"i:{key};" if isinstance(key, int) else php_serialize(key)


def rest_ok(repeated: frozenset[str], body: str, fmt: str) -> bytes:
    """A success reply in json, xml or php; ``repeated`` names the elements JSON writes as arrays."""
    if fmt == "xml":
        return f'<?xml version="1.0" encoding="utf-8"?>\n<api status="ok">{body}</api>\n'.encode()
    data = {"api": {"status": "ok"}, **to_data(repeated, body)}
    return _encode(data, fmt)


def rest_error(code: int, message: str, fmt: str) -> bytes:
    """An error reply in json, xml or php."""
    if fmt == "xml":
        api = etree.Element("api", status="error", code=str(code), message=message)
        return etree.tostring(api, xml_declaration=True, encoding="utf-8") + b"\n"
    return _encode({"api": {"status": "error", "code": str(code), "message": message}}, fmt)


def _encode(data: dict[str, Any], fmt: str) -> bytes:
    if fmt == "php":
        return php_serialize(data).encode("utf-8")
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _envelope(content: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENVELOPE}}}Envelope", nsmap={"s": SOAP_ENVELOPE})
    etree.SubElement(envelope, f"{{{SOAP_ENVELOPE}}}Body").append(content)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def soap_ok(soap: SoapFacts, body: str) -> bytes:
    """``<x:ipernityResponse>`` holding the escaped XML body (no ``<api>`` wrapper)."""
    namespace = soap.namespace
    response = etree.Element(f"{{{namespace}}}{soap.response_element}", nsmap={"x": namespace})
    response.text = body
    return _envelope(response)


def soap_fault(service: ServiceFacts, code: int, message: str, actor: str) -> bytes:
    """A SOAP 1.1 style fault inside a SOAP 1.2 envelope, as the output-formats page shows it."""
    fault = etree.Element(f"{{{SOAP_ENVELOPE}}}Fault")
    for tag, text in (
        ("faultcode", f"{service.soap.fault_prefix}{code}"),
        ("faultstring", message),
        ("faultactor", actor),
        ("details", f"See {service.docs_url} for more details"),
    ):
        etree.SubElement(fault, tag).text = text
    return _envelope(fault)


def xmlrpc_ok(body: str) -> bytes:
    """One string param holding the escaped XML body (no ``<api>`` wrapper)."""
    response = etree.Element("methodResponse")
    value = etree.SubElement(etree.SubElement(etree.SubElement(response, "params"), "param"), "value")
    etree.SubElement(value, "string").text = body
    return etree.tostring(response, xml_declaration=True, encoding="utf-8")


def xmlrpc_fault(code: int, message: str) -> bytes:
    """A fault struct: faultCode as an int, faultString."""
    response = etree.Element("methodResponse")
    struct = etree.SubElement(etree.SubElement(etree.SubElement(response, "fault"), "value"), "struct")
    for name, kind, text in (("faultCode", "int", str(code)), ("faultString", "string", message)):
        member = etree.SubElement(struct, "member")
        etree.SubElement(member, "name").text = name
        etree.SubElement(etree.SubElement(member, "value"), kind).text = text
    return etree.tostring(response, xml_declaration=True, encoding="utf-8")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _parse(data: bytes) -> etree._Element:
    try:
        return xmltree.parse(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise EnvelopeError(str(exc)) from None


def parse_soap(soap: SoapFacts, data: bytes) -> tuple[str, dict[str, str]]:
    """(method, params) of ``<Envelope><Body><x:ipernityRequest><method>…</method><name>value</name>…``.

    The first <method> child names the call; a later one is the parameter ``method`` (api.methods.get).
    """
    root = _parse(data)
    if etree.QName(root).localname != "Envelope" or etree.QName(root).namespace not in SOAP_ENVELOPES:
        raise EnvelopeError("the root element is not a SOAP Envelope")
    body = next((child for child in _children(root) if _local(child) == "Body"), None)
    request = _children(body)[0] if body is not None and _children(body) else None
    if request is None or _local(request) != soap.request_element:
        raise EnvelopeError(f"the Body holds no {soap.request_element}")
    children = _children(request)
    first = next((child for child in children if _local(child) == "method"), None)
    method = (first.text or "").strip() if first is not None else ""
    params = {_local(child): child.text or "" for child in children if child is not first}
    return method, params


def parse_xmlrpc(data: bytes) -> tuple[str, dict[str, str]]:
    """(method, params) of ``<methodCall>`` with one struct param of scalar members."""
    root = _parse(data)
    if root.tag != "methodCall" or root.find("methodName") is None:
        raise EnvelopeError("not an XML-RPC methodCall")
    method = (root.findtext("methodName") or "").strip()
    params: dict[str, str] = {}
    values = root.findall("params/param/value")
    if not values:
        return method, params
    struct = values[0].find("struct")
    if struct is None:
        raise EnvelopeError("the first param is not a struct")
    for member in struct.findall("member"):
        name, value = member.findtext("name"), member.find("value")
        if name is None or value is None:
            raise EnvelopeError("a struct member lacks its name or value")
        typed = _children(value)
        if typed and _children(typed[0]):
            raise EnvelopeError(f"member {name!r} is not a scalar")
        params[name.strip()] = (typed[0].text if typed else value.text) or ""
    return method, params
