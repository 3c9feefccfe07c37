"""Sending one HTTP request with the client's session, and the failures that brings."""

from __future__ import annotations

from typing import Any, NamedTuple

import requests

from ..errors import ConnectionFailedError, RequestTimeoutError, TransportError
from . import files


class HttpRequest(NamedTuple):
    """What a codec wants sent. ``url`` never holds the query, so it is safe in messages."""

    method: str
    url: str
    params: dict[str, str] | None = None
    data: dict[str, str] | bytes | None = None
    headers: dict[str, str] | None = None
    uploads: dict[str, Any] = {}


class HttpReply(NamedTuple):
    status: int
    content_type: str
    body: bytes


def _multipart(request: HttpRequest) -> tuple[Any, dict[str, str], list[Any]]:
    """A streaming multipart body: the fields first, then the files (never read whole)."""
    from requests_toolbelt import MultipartEncoder

    fields: list[tuple[str, Any]] = list((request.data or {}).items())  # type: ignore[union-attr]
    opened: list[Any] = []
    for name, value in request.uploads.items():
        filename, content, close = files.open_part(value)
        if close:
            opened.append(content)
        fields.append((name, (filename, content, "application/octet-stream")))
    encoder = MultipartEncoder(fields=fields)
    return encoder, {**(request.headers or {}), "Content-Type": encoder.content_type}, opened


def send(session: requests.Session, request: HttpRequest, timeout: Any, method_name: str) -> HttpReply:
    """Send ``request``; connection problems become TransportError subclasses."""
    data: Any = request.data
    headers = request.headers
    opened: list[Any] = []
    try:
        if request.uploads:
            data, headers, opened = _multipart(request)
        response = session.request(
            request.method, request.url, params=request.params, data=data, headers=headers, timeout=timeout
        )
        body = response.content
    except requests.Timeout:
        raise RequestTimeoutError(f"no reply within {timeout} s", method=method_name, url=request.url) from None
    except requests.ConnectionError as exc:
        reason = type(exc.args[0]).__name__ if exc.args and isinstance(exc.args[0], Exception) else type(exc).__name__
        raise ConnectionFailedError(f"connection failed ({reason})", method=method_name, url=request.url) from None
    except requests.exceptions.ChunkedEncodingError:
        raise ConnectionFailedError(
            "the connection closed before the whole reply arrived", method=method_name, url=request.url
        ) from None
    except requests.RequestException as exc:
        raise TransportError(f"request failed ({type(exc).__name__})", method=method_name, url=request.url) from None
    finally:
        for handle in opened:
            handle.close()
    return HttpReply(response.status_code, response.headers.get("Content-Type", ""), body)
