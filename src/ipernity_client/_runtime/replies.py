"""Decoding a reply body (JSON or XML) into the elements under ``<api>``, or an exception.

Every protocol ends here: REST bodies directly, SOAP and XML-RPC after their envelope has been
taken off. A body that is not an ipernity reply (an HTML error page, an empty or truncated body)
raises InvalidResponseError with the HTTP status and a snippet, never a parser's own exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from lxml import etree

from .errors import ErrorReply, InvalidResponseError, UnsafeReplyError
from .http import HttpReply

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_API_ROOT = re.compile(rb"^\s*<api[\s/>]")
_FAULT_CODE = re.compile(r"(\d+)\s*$")
_NOT_JSON = object()
_DTD_REFUSED = "the reply declares a DTD, which ipernity never sends: refused"


def snippet(body: bytes | str, limit: int = 200) -> str:
    """The start of a body, for error messages."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _invalid(reason: str, body: bytes | str, status: int | None, method: str) -> InvalidResponseError:
    return InvalidResponseError(reason, method=method, status=status, snippet=snippet(body))


def _raise_api_error(api: dict[str, Any], status: int | None) -> NoReturn:
    code_text = str(api.get("code", "")).strip()
    try:
        code = int(code_text)
    except ValueError:
        code = 0
    raise ErrorReply(code, str(api.get("message") or ""), status)


def raise_fault(code: str, message: str, status: int | None) -> NoReturn:
    """A SOAP or XML-RPC fault as the same ErrorReply a REST error body gives.

    ``code`` is the fault code as sent: ``105``, ``ipernity.error.105`` or ``s:ipernity.error.105``;
    one without a number has code 0 (UnknownApiError).
    """
    match = _FAULT_CODE.search(code)
    _raise_api_error({"code": match.group(1) if match else "", "message": message}, status)


def check_status(children: dict[str, Any], body: bytes | str, status: int | None, method: str) -> dict[str, Any]:
    """The elements of a reply whose ``api`` element says ok; an ErrorReply otherwise."""
    api = children.pop("api", None)
    if not isinstance(api, dict) or "status" not in api:
        raise _invalid("the reply has no api status", body, status, method)
    if api.get("status") != "ok":
        _raise_api_error(api, status)
    return children


def looks_like_json(body: bytes | str) -> bool:
    """A body to read as JSON rather than XML: it opens with an object or an array."""
    start = body.lstrip()[:1]
    return start in (b"{", b"[", "{", "[")


def decode_json(body: bytes | str, status: int | None, method: str) -> dict[str, Any]:
    """A JSON reply: ``{"api": {"status": …}, "<element>": …}``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: arrays or objects nested too deep
        data = _NOT_JSON
    if data is _NOT_JSON:
        raise _invalid("the reply is not valid JSON", body, status, method)
    if not isinstance(data, dict):
        raise _invalid("the reply is not a JSON object", body, status, method)
    return check_status(data, body, status, method)


def parse_xml(body: bytes | str, status: int | None, method: str) -> etree._Element:
    """The root of an XML body (reply or envelope) read by the safe parser, or InvalidResponseError."""
    from lxml import etree  # imported here: JSON-only clients never load lxml

    from . import xmltree

    try:
        return xmltree.parse(body)
    except etree.XMLSyntaxError:
        reason = "the reply is not well-formed XML"
    except xmltree.DoctypeRefused:
        raise UnsafeReplyError(
            _DTD_REFUSED,
            method=method,
            status=status,
            snippet=snippet(body),
        ) from None
    raise _invalid(reason, body, status, method)


def decode_xml(body: bytes | str, status: int | None, method: str, *, wrapped: bool = True) -> dict[str, Any]:
    """An XML reply: ``<api status="ok">…</api>``.

    ``wrapped=False`` accepts what SOAP and XML-RPC carry: the same body with or without the
    ``<api>`` wrapper (the notes infer it is sent without), after an optional XML declaration.
    """
    if not wrapped:
        data = _DECLARATION.sub(b"", body.encode("utf-8") if isinstance(body, str) else body, count=1)
        if data.lstrip().startswith(b"<!DOCTYPE"):
            raise UnsafeReplyError(_DTD_REFUSED, method=method, status=status, snippet=snippet(body))
        body = data if _API_ROOT.match(data) else b"<api status='ok'>" + data + b"</api>"
    from . import xmltree

    root = parse_xml(body, status, method)
    if root.tag != "api":
        raise _invalid(f"the reply's root element is <{root.tag}>, not <api>", body, status, method)
    api: dict[str, Any] = {str(key): value for key, value in root.attrib.items()}
    children = xmltree.to_raw(root)
    if not isinstance(children, dict):
        children = {}
    for key in api:
        children.pop(key, None)
    children["api"] = api
    return check_status(children, body, status, method)


def decode_payload(payload: str, status: int | None, method: str) -> dict[str, Any]:
    """The reply body a SOAP or XML-RPC envelope carries as text: JSON, or XML with or without <api>."""
    if looks_like_json(payload):
        return decode_json(payload, status, method)
    return decode_xml(payload, status, method, wrapped=False)


def decode_reply(read: Callable[[bytes, int, str], dict[str, Any]], reply: HttpReply, method: str) -> dict[str, Any]:
    """Run a protocol's body reader with the HTTP checks every protocol shares.

    An empty body, or a body the reader rejects, is an InvalidResponseError naming the HTTP
    status; so is a success body under an HTTP error status. Error replies pass through as raised.
    """
    status = reply.status
    body = reply.body
    if not body.strip():
        raise InvalidResponseError("the reply is empty", method=method, status=status, snippet="")
    try:
        elements = read(body, status, method)
    except InvalidResponseError:
        if status >= 400:
            raise _invalid(f"HTTP {status} without an ipernity reply", body, status, method) from None
        raise
    if status >= 400:
        raise _invalid(f"HTTP {status} with a success body", body, status, method)
    return elements


DECODERS = {"json": decode_json, "xml": decode_xml}
