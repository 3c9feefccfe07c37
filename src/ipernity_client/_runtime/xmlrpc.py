"""The XML-RPC codec: one struct of string members out, the REST XML body (as a string) back.

The call is marshalled by the standard library's ``xmlrpc.client.dumps`` but sent through the
shared ``send`` on the client's requests session: the standard transport has no timeout and
no connection reuse. Replies are read with the safe lxml parser, never ``xmlrpc.client.loads``,
whose expat parser expands entities a reply could declare.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any, NoReturn

from lxml import etree

from .api import Api
from .envelope import EnvelopeCodec
from .errors import InvalidResponseError
from .http import HttpRequest
from .operation import Operation
from .replies import (
    check_status,
    decode_payload,
    raise_fault,
    snippet,
)
from .validation import check_xml_text

CONTENT_TYPE = "text/xml"


def _value(node: etree._Element) -> Any:
    """An XML-RPC <value> as plain data: scalars as their text, arrays as lists, structs as dicts."""
    typed = [child for child in node if isinstance(child.tag, str)]
    if not typed:
        return node.text or ""
    kind = typed[0]
    if kind.tag == "struct":
        return {
            member.findtext("name", ""): _value(value)
            for member in kind.iterchildren("member")
            if (value := member.find("value")) is not None
        }
    if kind.tag == "array":
        return [_value(value) for value in kind.iterfind("data/value")]
    if kind.tag == "nil":
        return None
    return kind.text or ""


def _fault(fault: etree._Element, body: bytes, method: str, status: int) -> NoReturn:
    """Raise the ApiError of a fault; faultCode may be an int or a string like ``ipernity.error.105``."""
    value = fault.find("value")
    members = _value(value) if value is not None else None
    if not isinstance(members, dict):
        raise InvalidResponseError("the fault has no struct", method=method, status=status, snippet=snippet(body))
    raise_fault(str(members.get("faultCode") or ""), str(members.get("faultString") or ""), status)


class XmlRpcCodec(EnvelopeCodec):
    """POST a methodCall to /api/xmlrpc (or /api/xmlrpc/json) and read the methodResponse."""

    def __init__(self, api: Api, base_url: str, fmt: str) -> None:
        super().__init__(base_url, api.service.xmlrpc.path, api.service.xmlrpc.json_path, fmt)

    def encode(self, operation: Operation, wire: dict[str, str], uploads: dict[str, Any]) -> HttpRequest:
        check_xml_text(operation, wire)
        members = dict(sorted(wire.items()))
        # dumps escapes only &, < and >; a raw CR would reach the server's parser as LF (XML line-end
        # normalisation), changing the value after it was signed. Every CR in the payload is in a value.
        payload = xmlrpc.client.dumps((members,), methodname=operation.name, encoding="utf-8").replace("\r", "&#13;")
        return HttpRequest("POST", self.url, data=payload.encode("utf-8"), headers={"Content-Type": CONTENT_TYPE})

    def read_envelope(self, root: etree._Element, body: bytes, status: int, method: str) -> dict[str, Any]:
        if root.tag != "methodResponse":
            raise InvalidResponseError(
                f"the reply is <{root.tag}>, not an XML-RPC methodResponse",
                method=method,
                status=status,
                snippet=snippet(body),
            )
        fault = root.find("fault")
        if fault is not None:
            _fault(fault, body, method, status)
        value = root.find("params/param/value")
        if value is None:
            raise InvalidResponseError(
                "the methodResponse holds no value", method=method, status=status, snippet=snippet(body)
            )
        result = _value(value)
        if isinstance(result, str):
            return decode_payload(result, status, method)
        if isinstance(result, dict):
            return check_status(result, body, status, method) if "api" in result else result
        raise InvalidResponseError(
            "the methodResponse value is neither a string nor a struct",
            method=method,
            status=status,
            snippet=snippet(body),
        )
