"""Hostile replies: each gives a value or an IpernityError subclass, and none leaks a credential.

Deeply nested JSON, numbers too large for a float, redirects (followed by nobody, whatever their
Location), compressed bombs, replies dripped byte by byte, DTDs in every XML-carrying protocol,
error pages that echo the request. The server here writes raw bytes (headers included) so that
each reply is exactly the hostile one.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import pickle
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import ipernity_client
from ipernity_client import errors
from ipernity_client._runtime import coerce, http

from ..conftest import COMBINATIONS, every_protocol
from ..loopback import Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"
ENVELOPED = [combination for combination in COMBINATIONS if combination.values[0] != "rest"]
Writer = Callable[[socket.socket, bytes], None]


def _read_request(conn: socket.socket) -> bytes:
    """The request's head and body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextlib.contextmanager
def raw_server(write: Writer) -> Iterator[tuple[str, list[bytes]]]:
    """127.0.0.1 server answering each connection's first request with ``write(conn, request)``, then closing."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    requests: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn, contextlib.suppress(OSError):
                request = _read_request(conn)
                requests.append(request)
                write(conn, request)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", requests
    finally:
        stop.set()
        thread.join()
        listener.close()


def answer(status: str, body: bytes, *headers: str) -> Writer:
    def write(conn: socket.socket, request: bytes) -> None:
        head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close", *headers]
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    return write


def make(endpoint: str, protocol: str = "rest", fmt: str = "json", **options: Any) -> ipernity_client.Client:
    settings: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": endpoint, "retry": None}
    return ipernity_client.Client(KEY, SECRET, TOKEN, **{**settings, **options})


def assert_clean(error: BaseException) -> None:
    """No credential in the message, the repr, the attributes, the pickle or a chained exception."""
    texts = [str(error), repr(error), repr(vars(error)), repr(pickle.dumps(error))]
    for chained in (error.__context__, error.__cause__):
        texts.append(repr(chained))
    for text in texts:
        assert SECRET not in text and TOKEN not in text, text


@every_protocol
def test_json_nested_a_thousand_deep_is_an_invalid_response(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.replies.append(Reply(200, '{"api": {"status": "ok"}, "doc": ' + "[" * 5000 + "]" * 5000 + "}"))
    with pytest.raises(errors.InvalidResponseError) as caught:
        make(loopback.url, protocol, "json").doc.get(doc_id=1)
    # Before 3.13 json.loads gives up with RecursionError; 3.13 parses it, and the lists hold no document.
    assert caught.value.reason in ("the reply is not valid JSON", "the reply has no doc_id attribute")


def test_lists_nested_under_the_recursion_limit_give_a_value() -> None:
    nested: Any = "x"
    for _ in range(5000):
        nested = [nested]
    assert coerce.mapping(nested) == {"_value": "x"}


@pytest.mark.parametrize("number", ["1" + "0" * 309, "1e999", "-1" + "0" * 400])
def test_a_number_too_large_for_a_float_is_kept_not_raised(loopback: Loopback, number: str) -> None:
    assert coerce.to_float(10**309) is None
    loopback.replies.append(Reply(200, '{"api": {"status": "ok"}, "doc": {"doc_id": "1", "lat": ' + number + "}}"))
    doc = make(loopback.url).doc.get(doc_id=1)
    assert doc.doc_id == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(
    "location",
    ["http://[::1/evil?auth_token=" + TOKEN, "https://evil.example/api/doc.get/json?api_sig=abc&auth_token=" + TOKEN],
)
def test_redirects_are_not_followed(status: int, location: str) -> None:
    """Not even to the same host: the request would be signed again (or re-sent) elsewhere."""
    with raw_server(answer(f"{status} Moved", b"", f"Location: {location}")) as (url, seen):
        with pytest.raises(errors.RedirectError) as caught:
            make(url).doc.tags.add(doc_id=1, keywords="a")
    error = caught.value
    assert isinstance(error, errors.InvalidResponseError) and error.status == status
    assert error.location == location.partition("?")[0] and error.location in str(error)
    assert len(seen) == 1
    assert_clean(error)


def test_the_reply_size_is_bounded_after_decompression() -> None:
    bomb = gzip.compress(b'{"api": {"status": "ok"}, "echo": "' + b"a" * (8 * 1024 * 1024) + b'"}')
    assert len(bomb) < 16 * 1024
    with raw_server(answer("200 OK", bomb, "Content-Type: application/json", "Content-Encoding: gzip")) as (url, _):
        with pytest.raises(errors.ReplyTooLargeError) as caught:
            make(url, max_reply_size=1024 * 1024).test.echo(echo="x")
        assert caught.value.limit == 1024 * 1024 and "max_reply_size=1048576" in str(caught.value)
        assert make(url).test.echo(echo="x") == "a" * (8 * 1024 * 1024)


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    body = b'{"api": {"status": "ok"}, "echo": "' + b"a" * 4000 + b'"}'
    with raw_server(answer("200 OK", body, "Content-Type: application/json")) as (url, _):
        with pytest.raises(errors.ReplyTooLargeError):
            make(url, max_reply_size=1000).test.echo(echo="x")


def drip(body: bytes, pause: float, sent: list[int]) -> Writer:
    """Headers at once, then the body one byte at a time; ``sent`` counts the bytes written."""

    def write(conn: socket.socket, request: bytes) -> None:
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
        for byte in body:
            conn.sendall(bytes([byte]))
            sent.append(byte)
            time.sleep(pause)

    return write


def test_a_dripped_reply_ends_at_the_deadline_not_after_every_byte() -> None:
    """Each byte comes well within the read timeout; the deadline ends the call while the body still drips."""
    body = b'{"api": {"status": "ok"}, "echo": "' + b"a" * 200 + b'"}'
    sent: list[int] = []
    with raw_server(drip(body, 0.05, sent)) as (url, _):
        with pytest.raises(errors.RequestTimeoutError) as caught:
            make(url, timeout=(1, 1), deadline=0.5).test.echo(echo="x")
        assert len(sent) < len(body)
    assert "deadline" in caught.value.reason


def test_the_deadline_covers_retries() -> None:
    """A read that keeps failing is retried only while the call's deadline allows another try.

    The call ends with the server's own error; on a machine so loaded that the last attempt
    itself outlives the deadline, it ends in the timeout instead: both are bounded and typed.
    """
    with raw_server(answer("503 Busy", b"<html>busy</html>", "Content-Type: text/html")) as (url, seen):
        retry = ipernity_client.RetryPolicy(attempts=100, backoff=0.2, max_backoff=0.2)
        with pytest.raises((errors.InvalidResponseError, errors.RequestTimeoutError)):
            make(url, retry=retry, deadline=1.0).test.echo(echo="x")
    assert 2 <= len(seen) <= 11  # pauses of 0.1 to 0.2 s (jitter) within 1 s


def test_a_reply_complete_when_the_deadline_passes_is_kept() -> None:
    """The deadline ends a reply that is still arriving, not one already read to its end."""

    def last_piece_late() -> Iterator[bytes]:
        yield b"{"
        time.sleep(0.02)
        yield b"}"

    assert http._collect(last_piece_late(), time.monotonic() + 0.01, 100, "test.echo", 200, "u") == b"{}"
    with pytest.raises(errors.RequestTimeoutError):
        http._collect(iter([b"{", b"x", b"}"]), time.monotonic() - 1, 100, "test.echo", 200, "u")


@pytest.mark.parametrize(
    ("protocol", "fmt", "doctype"),
    [
        ("rest", "xml", '<!DOCTYPE api [<!ENTITY t "Nice car">]><api status="ok"><echo>&t;</echo></api>'),
        ("soap", "xml", "escaped"),
        ("xmlrpc", "xml", "escaped"),
        ("soap", "xml", "envelope"),
        ("xmlrpc", "xml", "envelope"),
    ],
)
def test_a_dtd_in_any_xml_reply_is_refused(loopback: Loopback, protocol: str, fmt: str, doctype: str) -> None:
    dtd = '<!DOCTYPE x [<!ENTITY t "Nice car">]>'
    if doctype == "envelope" and protocol == "soap":
        body = dtd + (
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
            '<x:ipernityResponse xmlns:x="urn:ipernity">&lt;echo&gt;hi&lt;/echo&gt;</x:ipernityResponse>'
            "</s:Body></s:Envelope>"
        )
    elif doctype == "envelope":
        body = (
            dtd
            + "<methodResponse><params><param><value><string>&lt;echo&gt;&t;&lt;/echo&gt;</string></value></param></params></methodResponse>"
        )
    elif protocol == "soap":
        body = (
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
            '<x:ipernityResponse xmlns:x="urn:ipernity">&lt;!DOCTYPE echo [&lt;!ENTITY t "x"&gt;]&gt;&lt;echo&gt;&amp;t;&lt;/echo&gt;</x:ipernityResponse>'
            "</s:Body></s:Envelope>"
        )
    elif protocol == "xmlrpc":
        body = (
            "<methodResponse><params><param><value><string>&lt;!DOCTYPE echo [&lt;!ENTITY t 'x'&gt;]&gt;"
            "&lt;echo&gt;&amp;t;&lt;/echo&gt;</string></value></param></params></methodResponse>"
        )
    else:
        body = doctype
    loopback.replies.append(Reply(200, body, "text/xml"))
    with pytest.raises(errors.UnsafeReplyError) as caught:
        make(loopback.url, protocol, fmt).test.echo(echo="x")
    assert "DTD" in str(caught.value)


@every_protocol
def test_an_error_page_echoing_the_request_shows_no_credential(loopback: Loopback, protocol: str, fmt: str) -> None:
    """The snippet, the message and the pickle of the error have the secret, token and signature masked."""
    loopback.handler = lambda request: Reply(
        400, f"<html>Bad request: {json.dumps(request.params)}</html>", "text/html"
    )
    with pytest.raises(errors.InvalidResponseError) as caught:
        make(loopback.url, protocol, fmt).doc.get(doc_id=1)
    sent = loopback.requests[0].params
    assert sent["auth_token"] == TOKEN
    for text in (caught.value.snippet, str(caught.value)):
        assert TOKEN not in text and sent["api_sig"] not in text
    assert "***" in caught.value.snippet
    assert_clean(caught.value)


def test_a_connection_failure_carries_no_chained_exception() -> None:
    """requests' own exception quotes the signed URL: it is not chained to the one raised."""
    with raw_server(lambda conn, request: None) as (url, _):
        with pytest.raises(errors.ConnectionFailedError) as caught:
            make(url).doc.get(doc_id=1)
    error = caught.value
    assert error.__context__ is None and error.__cause__ is None
    assert_clean(error)


@pytest.mark.parametrize(
    "error",
    [
        errors.ValidationError("doc.get", ["doc_id: expected an id"]),
        errors.ConnectionFailedError("connection failed", method="doc.get", url="http://x/api/doc.get/json"),
        errors.RequestTimeoutError("no reply", method="doc.get", url="http://x"),
        errors.InvalidResponseError("bad", method="doc.get", status=502, snippet="<html>"),
        errors.RedirectError(method="doc.get", status=302, location="http://elsewhere/"),
        errors.ReplyTooLargeError(method="doc.get", status=200, limit=10),
        errors.UnsafeReplyError("DTD", method="doc.get", status=200, snippet="<!DOCTYPE"),
        errors.DocGetDocumentNotFoundError("Document not found", code=1, method="doc.get", http_status=200),
        errors.SignatureInvalidError("The query signature is invalid.", code=105, method="doc.get"),
        errors.UnknownApiError("?", code=77, method="doc.get"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_exception_survives_pickle(error: errors.IpernityError) -> None:
    """A worker's error crosses a process pool whole: class, code, method, message and attributes."""
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)
    if isinstance(error, errors.ApiError) and isinstance(copy, errors.ApiError):
        assert (copy.code, copy.method, copy.message) == (error.code, error.method, error.message)


def test_the_message_does_not_repeat_the_label() -> None:
    error = errors.DocGetDocumentNotFoundError("Document not found", code=1, method="doc.get")
    assert str(error) == "doc.get: error 1 (Document not found)"
    other = errors.DocGetDocumentNotFoundError("Not yours", code=1, method="doc.get")
    assert str(other) == "doc.get: error 1 (Document not found): Not yours"


def test_an_oauth_signature_echoed_back_is_masked(loopback: Loopback) -> None:
    loopback.handler = lambda request: Reply(400, f"<html>{request.params.get('oauth_signature')}</html>", "text/html")
    client = ipernity_client.Client.from_oauth(
        "consumer", "consumer-secret", "oauth-token", "token-secret", endpoint=loopback.url, retry=None
    )
    with pytest.raises(errors.InvalidResponseError) as caught:
        client.doc.get(doc_id=1)
    signature = loopback.requests[0].params["oauth_signature"]
    assert signature and signature not in caught.value.snippet and "***" in caught.value.snippet
    assert "consumer-secret" not in str(caught.value) and "token-secret" not in str(caught.value)
