"""The one loopback HTTP server of the tests and the bench, on 127.0.0.1 only.

``serve(respond)`` answers every request with ``respond(request)`` while a ``with`` block runs;
the bench uses it bare with fixed bodies, so that the server costs both sides of a comparison
the same little. ``scripted()`` runs a ``Loopback`` on it: it records every request, with the
protocol, format, API method and parameters it carries, and replays the replies set for it.

A scripted reply is either a raw ``Reply`` (sent as is, whatever the request) or an ``Answer``:
the method's REST XML body or an error code, encoded by the simulator's wire module for the
protocol and format the request came in on, so one canned answer serves REST, SOAP and XML-RPC.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ipernity_client._api import API
from ipernity_client._simulator import wire
from ipernity_client._simulator.call import UploadedFile
from ipernity_client._simulator.server import read_form

# The documented endpoints (spec/service.yaml), written out rather than read from the package,
# so that a client sending to the wrong path gets a 404 instead of an answer.
REST_ROUTE = re.compile(r"^/api/(?P<method>[^/]+)/(?P<format>json|xml)$")
ENVELOPE_ROUTES = {
    "/api/soap": ("soap", "xml"),
    "/api/soap/json": ("soap", "json"),
    "/api/xmlrpc": ("xmlrpc", "xml"),
    "/api/xmlrpc/json": ("xmlrpc", "json"),
}
# SOAP 1.2 over HTTP sends faults with status 500, as the simulator does.
SOAP_FAULT_STATUS = 500


@dataclass(frozen=True)
class Request:
    """One request as it arrived: verb, request target (path and query), headers and body."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """Bytes to send back as they are; ``content_length`` overrides the header, ``drop`` closes unanswered."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "application/json"
    content_length: int | None = None
    drop: bool = False
    headers: dict[str, str] = field(default_factory=dict)


Responder = Callable[[Request], Reply]


def _handler_class(respond: Responder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
        wbufsize = -1

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = respond(Request(self.command, self.path, dict(self.headers), body))
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data) if reply.content_length is None else reply.content_length))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            if reply.content_length is not None:
                self.close_connection = True

        do_GET = do_POST = _serve

    return Handler


@contextlib.contextmanager
def serve(respond: Responder) -> Iterator[str]:
    """Answer on a free port of 127.0.0.1 while the block runs; gives the base URL."""
    with serve_handler(_handler_class(respond)) as url:
        yield url


@contextlib.contextmanager
def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1 while the block runs; gives the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits up to one poll interval, paid by every test that starts a server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Recorded:
    """One request as the server saw it, with the API call read back from its path and body.

    ``protocol`` and ``format`` come from the path ("" for a path no protocol uses);
    ``envelope`` holds the parameters of a SOAP or XML-RPC envelope.
    """

    method: str
    path: str
    query_string: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    body: bytes
    files: dict[str, UploadedFile] = field(default_factory=dict)
    protocol: str = ""
    format: str = ""
    api_method: str = ""
    envelope: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        """The call's parameters, whatever carried them: query, form, multipart fields or envelope."""
        return {**self.query, **self.form, **self.envelope}

    @property
    def content_type(self) -> str:
        """The media type of the body, without its parameters ("" when there is none)."""
        return self.headers.get("Content-Type", "").partition(";")[0].strip().lower()


def record(request: Request) -> Recorded:
    """The request, with the protocol, format, API method and parameters it carries."""
    parts = urlsplit(request.target)
    ctype = request.headers.get("Content-Type", "")
    body = request.body
    form, files = read_form(ctype, body) if ctype.startswith(("multipart/", "application/x-www-form")) else ({}, {})
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    recorded = Recorded(request.method, parts.path, parts.query, query, form, request.headers, body, files)
    if parts.path in ENVELOPE_ROUTES:
        recorded.protocol, recorded.format = ENVELOPE_ROUTES[parts.path]
        with contextlib.suppress(wire.EnvelopeError):  # an unreadable envelope leaves api_method empty
            if recorded.protocol == "soap":
                recorded.api_method, recorded.envelope = wire.parse_soap(API.service.soap, body)
            else:
                recorded.api_method, recorded.envelope = wire.parse_xmlrpc(body)
    elif route := REST_ROUTE.match(parts.path):
        recorded.protocol, recorded.format, recorded.api_method = "rest", route["format"], route["method"]
    return recorded


@dataclass(frozen=True)
class Answer:
    """What ipernity answers, given once: the method's XML body (without ``<api>``), or ``code``.

    ``reply`` encodes it as the simulator would for the request's protocol and format: REST
    bodies (also under /api/soap/json and /api/xmlrpc/json), the SOAP envelope or fault, the
    XML-RPC string or fault struct.
    """

    body: str = ""
    code: int | None = None
    message: str = ""

    def reply(self, request: Recorded) -> Reply:
        protocol, fmt = request.protocol, request.format
        if not protocol:
            return Reply(404, f"no protocol answers on {request.path}", "text/plain")
        enveloped = protocol if fmt == "xml" and protocol != "rest" else ""
        if self.code is None:
            if enveloped == "soap":
                return Reply(200, wire.soap_ok(API.service.soap, self.body), wire.CONTENT_TYPES["soap"])
            if enveloped == "xmlrpc":
                return Reply(200, wire.xmlrpc_ok(self.body), wire.CONTENT_TYPES["xmlrpc"])
            repeated = API.simulator_data.repeated.get(request.api_method, frozenset())
            return Reply(200, wire.rest_ok(repeated, self.body, fmt), wire.CONTENT_TYPES[fmt])
        if enveloped == "soap":
            actor = f"http://{request.headers.get('Host', '')}/api/soap/"
            fault = wire.soap_fault(API.service, self.code, self.message, actor)
            return Reply(SOAP_FAULT_STATUS, fault, wire.CONTENT_TYPES["soap"])
        if enveloped == "xmlrpc":
            return Reply(200, wire.xmlrpc_fault(self.code, self.message), wire.CONTENT_TYPES["xmlrpc"])
        return Reply(200, wire.rest_error(self.code, self.message, fmt), wire.CONTENT_TYPES[fmt])


@dataclass
class Loopback:
    """Replies come from ``handler`` (a function of the request) or a queue; an empty queue answers ok."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    replies: list[Reply | Answer] = field(default_factory=list)
    handler: Callable[[Recorded], Reply | Answer] | None = None

    def ok(self, body: str = "") -> None:
        """Queue a success answer: ``body`` is the method's XML reply, e.g. ``<echo>hi</echo>``."""
        self.replies.append(Answer(body))

    def error(self, code: int, message: str = "boom") -> None:
        """Queue an error answer, as a REST error body, a SOAP fault or an XML-RPC fault."""
        self.replies.append(Answer(code=code, message=message))

    def respond(self, request: Request) -> Reply:
        """Record ``request`` and give the reply set for it."""
        recorded = record(request)
        self.requests.append(recorded)
        if self.handler is not None:
            reply = self.handler(recorded)
        else:
            reply = self.replies.pop(0) if self.replies else Answer()
        return reply.reply(recorded) if isinstance(reply, Answer) else reply


@contextlib.contextmanager
def scripted() -> Iterator[Loopback]:
    """A ``Loopback`` answering on 127.0.0.1 while the block runs."""
    loopback = Loopback()
    with serve(loopback.respond) as url:
        loopback.url = url
        yield loopback
