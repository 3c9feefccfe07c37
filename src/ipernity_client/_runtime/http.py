"""Sending one HTTP request with the client's session, and the failures that brings."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, NamedTuple

import requests
import urllib3
from requests.cookies import extract_cookies_to_jar
from requests.hooks import dispatch_hook

from . import files
from .errors import (
    ConnectionFailedError,
    InvalidResponseError,
    IpernityError,
    RedirectError,
    ReplyTooLargeError,
    RequestTimeoutError,
    TransportError,
    ValidationError,
)
from .watchdog import HeadersLate, headers_by

DEFAULT_MAX_REPLY_SIZE = 64 * 1024 * 1024
CHUNK = 64 * 1024

# An upload's progress callback: (bytes of the body sent so far, the body's total bytes).
Progress = Callable[[int, int], object]
# How often the progress callback is called as an upload's body streams, at most.
PROGRESS_STEP = 512 * 1024


class HttpRequest(NamedTuple):
    """What a codec wants sent. ``url`` never holds the query, so it is safe in messages."""

    method: str
    url: str
    params: dict[str, str] | None = None
    data: dict[str, str] | bytes | None = None
    headers: dict[str, str] | None = None
    uploads: dict[str, Any] = {}
    progress: Progress | None = None


class HttpReply(NamedTuple):
    status: int
    content_type: str
    body: bytes
    retry_after: str | None = None
    # The server's clock (the Date header): an OAuth client corrects its timestamps from it.
    date: str | None = None


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
    headers = {**(request.headers or {}), "Content-Type": encoder.content_type}
    if request.progress is not None:
        return _monitored(encoder, request.progress), headers, opened
    return encoder, headers, opened


def _monitored(encoder: Any, progress: Progress) -> Any:
    """The body read through requests-toolbelt's monitor, reporting every PROGRESS_STEP bytes and at the end."""
    from requests_toolbelt import MultipartEncoderMonitor

    total = encoder.len
    reported = [0]

    def report(monitor: Any) -> None:
        sent = monitor.bytes_read
        if sent - reported[0] >= PROGRESS_STEP or (sent >= total and reported[0] < total):
            reported[0] = sent
            progress(sent, total)

    progress(0, total)
    return MultipartEncoderMonitor(encoder, report)


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
        # A session's own CA bundle (or verify=False) wins over REQUESTS_CA_BUNDLE, which in
        # requests' Session.request would silently replace it.
        verify = None if session.verify is True else session.verify
        # Streamed, so that the size limit and the deadline hold while the reply arrives.
        self.settings: dict[str, Any] = {
            **session.merge_environment_settings(endpoint, {}, None, verify, None),
            "stream": True,
        }
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

    def _dispatch(self, prepared: requests.PreparedRequest, timeout: Any, deadline: float | None) -> requests.Response:
        """``Session.send`` without redirects: the adapter, the response hooks and the cookie jar.

        Even with ``allow_redirects=False`` requests parses a redirect's Location (and raises
        ValueError on a malformed one); a redirect here is only ever reported, never resolved.
        """
        session = self.session
        started = time.perf_counter()
        adapter = session.get_adapter(url=str(prepared.url))
        with headers_by(deadline, adapter, prepared, self.settings) as watch:
            try:
                response = adapter.send(prepared, timeout=timeout, **self.settings)
            except requests.ConnectionError:
                if watch.expired:
                    raise HeadersLate("the headers did not arrive before the deadline") from None
                raise
        response.elapsed = timedelta(seconds=time.perf_counter() - started)
        hooked: requests.Response = dispatch_hook(  # type: ignore[no-untyped-call]
            "response", prepared.hooks, response, timeout=timeout, **self.settings
        )
        extract_cookies_to_jar(session.cookies, prepared, hooked.raw)  # type: ignore[no-untyped-call]
        return hooked

    def send(
        self,
        request: HttpRequest,
        timeout: Any,
        method_name: str,
        *,
        deadline: float | None = None,
        max_size: int = DEFAULT_MAX_REPLY_SIZE,
    ) -> HttpReply:
        """Send ``request`` and read its reply by ``deadline`` (``time.monotonic()``), at most ``max_size`` bytes.

        Connection problems become TransportError subclasses, raised outside any ``except`` so
        that no requests exception (which quotes the signed URL) is chained to them. An upload's
        deadline counts from when the file has been sent.
        """
        started = time.monotonic()
        data: Any = request.data
        headers = request.headers
        opened: list[Any] = []
        failure: IpernityError | None = None
        reply: HttpReply | None = None
        try:
            if request.uploads:
                data, headers, opened = _multipart(request)
            prepared = self._prepare(request, data, headers)
            wait = _capped(timeout, None if deadline is None else deadline - started)
            response = self._dispatch(prepared, wait, None if request.uploads else deadline)
            if deadline is not None and request.uploads:
                deadline = time.monotonic() + (deadline - started)
            reply = _read(response, _read_timeout(timeout), deadline, max_size, method_name, request.url)
        except HeadersLate:
            failure = RequestTimeoutError(
                "the reply did not arrive before the deadline", method=method_name, url=request.url
            )
        except requests.Timeout:
            failure = RequestTimeoutError(f"no reply within {timeout} s", method=method_name, url=request.url)
        except requests.ConnectionError as exc:
            failure = _connection_failed(exc, method_name, request.url)
        except requests.RequestException as exc:
            failure = TransportError(f"request failed ({type(exc).__name__})", method=method_name, url=request.url)
        except OSError as exc:  # a file to upload that went away or failed to read since it was checked
            reason = f"could not be read ({type(exc).__name__})"
            if not request.uploads:
                failure = ConnectionFailedError(
                    f"connection failed ({type(exc).__name__})", method=method_name, url=request.url
                )
            else:
                failure = ValidationError(method_name, [f"{name}: {reason}" for name in request.uploads])
        finally:
            for handle in opened:
                handle.close()
        if reply is None:
            raise failure or TransportError("no reply", method=method_name, url=request.url)
        return reply


def _connection_failed(exc: requests.ConnectionError, method: str, url: str) -> TransportError:
    """What requests' ConnectionError stood for: a dropped or refused connection, or a slow server."""
    first = exc.args[0] if exc.args else None
    reason = getattr(first, "reason", first)
    # urllib3's NewConnectionError (refused, unreachable, no such host) subclasses ConnectTimeoutError.
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return ConnectionFailedError("the host name could not be resolved", method=method, url=url)
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return ConnectionFailedError("could not connect (refused or unreachable)", method=method, url=url)
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return RequestTimeoutError("no connection within the timeout", method=method, url=url)
    if isinstance(exc, requests.exceptions.SSLError):  # its text quotes the signed URL: named, never shown
        return ConnectionFailedError(
            "the TLS handshake failed (is the server's certificate trusted? see the session's `verify`)",
            method=method,
            url=url,
        )
    name = type(first).__name__ if isinstance(first, Exception) else type(exc).__name__
    return ConnectionFailedError(f"connection failed ({name})", method=method, url=url)


def _capped(timeout: Any, remaining: float | None) -> Any:
    """The (connect, read) timeout, each no longer than the time left before the deadline."""
    if remaining is None:
        return timeout
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return tuple(max(0.001, remaining if part is None else min(part, remaining)) for part in (connect, read))


def _read_timeout(timeout: Any) -> float | None:
    read: float | None = timeout[1] if isinstance(timeout, tuple) else timeout
    return read


def _location(response: requests.Response) -> str:
    """Where a redirect points, without its query or fragment (which could echo the signed call)."""
    location = str(response.headers.get("Location", ""))
    cut = min((index for index in (location.find("?"), location.find("#")) if index >= 0), default=len(location))
    return location[:cut][:200]


def _read(
    response: requests.Response,
    read_timeout: float | None,
    deadline: float | None,
    max_size: int,
    method: str,
    url: str,
) -> HttpReply:
    """The whole decoded body, read chunk by chunk against the deadline and the size limit.

    A failure closes the connection (a half-read reply cannot be reused); a complete reply
    hands it back to the pool.
    """
    status = response.status_code
    try:
        if response.is_redirect:
            raise RedirectError(method=method, status=status, location=_location(response))
        declared = response.headers.get("Content-Length", "")
        if (
            declared.isdigit()
            and (len(declared) > 18 or int(declared) > max_size)
            and not response.headers.get("Content-Encoding")
        ):
            raise ReplyTooLargeError(method=method, status=status, limit=max_size)
        body = _body(response, read_timeout, deadline, max_size, method, url)
    except BaseException:
        response.close()
        raise
    release = getattr(response.raw, "release_conn", None)
    if release is not None:
        release()
    headers = response.headers
    return HttpReply(status, headers.get("Content-Type", ""), body, headers.get("Retry-After"), headers.get("Date"))


def _body(
    response: requests.Response,
    read_timeout: float | None,
    deadline: float | None,
    max_size: int,
    method: str,
    url: str,
) -> bytes:
    raw = response.raw
    if not isinstance(raw, urllib3.response.BaseHTTPResponse):  # a mounted adapter of the caller's own
        return _collect(response.iter_content(CHUNK), deadline, max_size, method, response.status_code, url)
    connection = getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)

    def chunks() -> Iterator[bytes]:
        while True:
            if sock is not None and deadline is not None:
                left = max(0.001, deadline - time.monotonic())
                sock.settimeout(left if read_timeout is None else min(read_timeout, left))
            chunk = raw.read1(CHUNK, decode_content=True)  # what one read gives: the deadline is checked between
            if not chunk:
                return
            yield chunk

    failure: IpernityError | None = None
    try:
        return _collect(chunks(), deadline, max_size, method, response.status_code, url)
    except urllib3.exceptions.ReadTimeoutError:
        failure = RequestTimeoutError(_late(deadline, read_timeout), method=method, url=url)
    except urllib3.exceptions.DecodeError:
        failure = InvalidResponseError(
            "the reply could not be decompressed", method=method, status=response.status_code, snippet=""
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        failure = ConnectionFailedError(
            f"the connection failed while reading the reply ({type(exc).__name__})", method=method, url=url
        )
    raise failure


def _late(deadline: float | None, read_timeout: float | None) -> str:
    if deadline is not None and time.monotonic() >= deadline - 0.01:
        return "the reply did not arrive before the deadline"
    return f"no data within {read_timeout} s"


def _collect(
    chunks: Iterator[bytes], deadline: float | None, max_size: int, method: str, status: int, url: str
) -> bytes:
    """Join ``chunks`` while the deadline holds and the total stays within ``max_size``."""
    parts: list[bytes] = []
    size = 0
    late = False
    for chunk in chunks:
        if late:  # more is still coming after the deadline; a reply that ended in time is kept
            raise RequestTimeoutError("the reply did not arrive before the deadline", method=method, url=url)
        size += len(chunk)
        if size > max_size:
            raise ReplyTooLargeError(method=method, status=status, limit=max_size)
        parts.append(chunk)
        late = deadline is not None and time.monotonic() > deadline
    return b"".join(parts)
