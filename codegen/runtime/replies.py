"""Decoding a reply body (JSON or XML) into the elements under ``<api>``, or an exception.

Every protocol ends here: REST bodies directly, SOAP and XML-RPC after their envelope has been
taken off. A body that is not an ipernity reply (an HTML error page, an empty or truncated body)
raises InvalidResponseError with the HTTP status and a snippet, never a parser's own exception.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from ..errors import InvalidResponseError, error_for
from . import xmltree


def snippet(body: bytes | str, limit: int = 200) -> str:
    """The start of a body, for error messages."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _invalid(reason: str, body: bytes | str, status: int | None, method: str) -> InvalidResponseError:
    return InvalidResponseError(reason, method=method, status=status, snippet=snippet(body))


def _raise_api_error(api: dict[str, Any], method: str, status: int | None) -> None:
    code_text = str(api.get("code", "")).strip()
    try:
        code = int(code_text)
    except ValueError:
        code = 0
    message = str(api.get("message") or "")
    raise error_for(code, method)(message, code=code, method=method, http_status=status)


def check_status(children: dict[str, Any], body: bytes | str, status: int | None, method: str) -> dict[str, Any]:
    """The elements of a reply whose ``api`` element says ok; an ApiError otherwise."""
    api = children.pop("api", None)
    if not isinstance(api, dict) or "status" not in api:
        raise _invalid("the reply has no api status", body, status, method)
    if api.get("status") != "ok":
        _raise_api_error(api, method, status)
    return children


def decode_json(body: bytes | str, status: int | None, method: str) -> dict[str, Any]:
    """A JSON reply: ``{"api": {"status": …}, "<element>": …}``."""
    try:
        data = json.loads(body)
    except ValueError:
        raise _invalid("the reply is not valid JSON", body, status, method) from None
    if not isinstance(data, dict):
        raise _invalid("the reply is not a JSON object", body, status, method)
    return check_status(data, body, status, method)


def decode_xml(body: bytes | str, status: int | None, method: str, *, wrapped: bool = True) -> dict[str, Any]:
    """An XML reply: ``<api status="ok">…</api>``.

    ``wrapped=False`` accepts what SOAP and XML-RPC carry: the same body with or without the
    ``<api>`` wrapper (the notes infer it is sent without).
    """
    if not wrapped and isinstance(body, str) and not body.lstrip().startswith("<api"):
        body = f"<api status='ok'>{body}</api>"
    elif not wrapped and isinstance(body, bytes) and not body.lstrip().startswith(b"<api"):
        body = b"<api status='ok'>" + body + b"</api>"
    try:
        root = xmltree.parse(body)
    except etree.XMLSyntaxError:
        raise _invalid("the reply is not well-formed XML", body, status, method) from None
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


DECODERS = {"json": decode_json, "xml": decode_xml}
