"""Sending one HTTP request with the client's session, and the failures that brings."""

from __future__ import annotations

from typing import Any, NamedTuple

import requests

from . import files
from .errors import ConnectionFailedError, RequestTimeoutError, TransportError


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


def _merged(session_params: Any, params: dict[str, str] | None) -> Any:
    """The session's default query parameters (rarely any) under the call's own."""
    return {**dict(session_params), **(params or {})} if session_params else params


class Transport:
    """The client's requests session, with what requests looks up on every call looked up once.

    ``Session.request`` reads the proxy variables, the CA bundle variables and ~/.netrc for each
    request: about a third of a loopback call. Here they are read when the client is created;
    the session's own headers, auth, cookies, hooks and mounted adapters still apply on every call.
    """

    def __init__(self, session: requests.Session, endpoint: str) -> None:
        self.session = session
        self.settings = session.merge_environment_settings(endpoint, {}, None, None, None)
        self.netrc_auth = requests.utils.get_netrc_auth(endpoint) if session.trust_env else None
        self._urls: dict[str, str] = {}

    def _url(self, prepared: requests.PreparedRequest, url: str, params: Any) -> None:
        """Prepare the URL; one without a query is checked and quoted once, then reused."""
        if params:
            prepared.prepare_url(url, params)
            return
        known = self._urls.get(url)
        if known is None:
            prepared.prepare_url(url, None)
            self._urls[url] = str(prepared.url)
        else:
            prepared.url = known

    def _prepare(self, request: HttpRequest, data: Any, headers: dict[str, str] | None) -> requests.PreparedRequest:
        """What ``Session.prepare_request`` builds, in ``PreparedRequest.prepare``'s order, minus its look-ups."""
        session = self.session
        merged = {name: value for name, value in session.headers.items() if value is not None}
        merged.update(headers or {})
        prepared = requests.PreparedRequest()
        prepared.prepare_method(request.method)
        self._url(prepared, request.url, _merged(session.params, request.params))
        prepared.prepare_headers(merged)
        prepared.prepare_cookies(session.cookies if len(session.cookies) else None)
        prepared.prepare_body(data, None)
        prepared.prepare_auth(session.auth or self.netrc_auth)
        prepared.prepare_hooks(session.hooks)
        return prepared

    def send(self, request: HttpRequest, timeout: Any, method_name: str) -> HttpReply:
        """Send ``request``; connection problems become TransportError subclasses."""
        data: Any = request.data
        headers = request.headers
        opened: list[Any] = []
        try:
            if request.uploads:
                data, headers, opened = _multipart(request)
            prepared = self._prepare(request, data, headers)
            response = self.session.send(prepared, timeout=timeout, allow_redirects=True, **self.settings)
            body = response.content
        except requests.Timeout:
            raise RequestTimeoutError(f"no reply within {timeout} s", method=method_name, url=request.url) from None
        except requests.ConnectionError as exc:
            first = exc.args[0] if exc.args else None
            reason = type(first).__name__ if isinstance(first, Exception) else type(exc).__name__
            raise ConnectionFailedError(f"connection failed ({reason})", method=method_name, url=request.url) from None
        except requests.exceptions.ChunkedEncodingError:
            raise ConnectionFailedError(
                "the connection closed before the whole reply arrived", method=method_name, url=request.url
            ) from None
        except requests.RequestException as exc:
            raise TransportError(
                f"request failed ({type(exc).__name__})", method=method_name, url=request.url
            ) from None
        finally:
            for handle in opened:
                handle.close()
        return HttpReply(response.status_code, response.headers.get("Content-Type", ""), body)
