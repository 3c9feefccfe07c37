"""The simulator as a real threaded HTTP server on 127.0.0.1, and the object tests hold.

Requests are read the way ipernity takes them (REST query or form, multipart uploads, SOAP and
XML-RPC envelopes) into protocol-free Calls for the dispatcher; its replies are written back,
slowly, truncated or not at all when a fault says so.
"""

from __future__ import annotations

import re
import socket
import ssl
import sys
import threading
import time
from collections.abc import Mapping
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qsl, urlsplit

from requests_toolbelt.multipart.decoder import MultipartDecoder

from .._runtime.api import Api, ServiceFacts
from .._runtime.core import BaseClient
from . import auth, media, oauth
from .call import ApiFailure, Call, UploadedFile
from .dispatch import Dispatcher, Reply
from .faults import FaultPlan
from .log import RequestLog
from .rules import RateLimit, RateLimiter
from .state import Clock, State, Token, User
from .wire import EnvelopeError, parse_soap, parse_xmlrpc

C = TypeVar("C", bound=BaseClient)
S = TypeVar("S", bound="SimulatorEngine")
# How often the serving thread checks for stop(): short, so tests stop their simulator at once.
POLL_SECONDS = 0.02


class Routes:
    """Which path serves what, from the service's facts: REST, the envelopes, the authorize page."""

    def __init__(self, service: ServiceFacts) -> None:
        self.rest = re.compile(
            "^"
            + re.escape(service.rest_path)
            .replace(re.escape("{method}"), r"(?P<method>[^/]+)")
            .replace("/" + re.escape("{format}"), r"(?:/(?P<format>[^/]*))?")
            + "/?$"
        )
        self.authorize = urlsplit(service.authorize_url).path
        self.oauth = oauth.paths(self.authorize)
        # path → (protocol, format of the call, error code of an unreadable envelope)
        self.envelopes = {
            service.soap.path: ("soap", "soap", 121),
            service.soap.json_path: ("soap", "json", 121),
            service.xmlrpc.path: ("xmlrpc", "xmlrpc", 122),
            service.xmlrpc.json_path: ("xmlrpc", "json", 122),
        }
        self.formats = service.formats


def _disposition(value: str) -> tuple[str, str | None]:
    """(field name, file name or None) of a multipart part's Content-Disposition."""
    message = Message()
    message["content-disposition"] = value
    name = message.get_param("name", header="content-disposition")
    return (name if isinstance(name, str) else ""), message.get_filename()


def read_form(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Fields and files of a urlencoded or multipart body; an unreadable body has none."""
    params: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    if content_type.startswith("multipart/form-data"):
        try:
            parts = MultipartDecoder(body, content_type).parts
        except Exception:  # the decoder raises its own exception types for any malformed body
            return params, files
        for part in parts:
            name, filename = _disposition(part.headers.get(b"Content-Disposition", b"").decode("utf-8", "replace"))
            if filename is not None:
                files[name] = UploadedFile(filename, part.content)
            else:
                params[name] = part.content.decode("utf-8", "replace")
    elif body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params, files


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 resets connections when a few threads call at once.
    request_queue_size = 1024

    def __init__(
        self, address: tuple[str, int], dispatcher: Dispatcher, routes: Routes, tls: ssl.SSLContext | None
    ) -> None:
        super().__init__(address, _RequestHandler)
        self.dispatcher = dispatcher
        self.routes = routes
        self.tls = tls

    def get_request(self) -> tuple[socket.socket, Any]:
        """The accepted connection, wrapped for TLS; the handshake runs in the request's own thread."""
        conn, address = super().get_request()
        if self.tls is not None:
            conn = self.tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (after a timeout, say) or refused the certificate is normal here."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client waits ~40 ms
    # (its delayed ACK) for the body of every reply after the first.
    disable_nagle_algorithm = True
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log records the calls."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header on the simulator's clock: an OAuth client sets its own by it."""
        return super().date_time_string(self.server.dispatcher.state.clock() if timestamp is None else timestamp)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        body = self._body()
        dispatcher = self.server.dispatcher
        routes = self.server.routes
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        client = self.client_address[0]
        if path == routes.authorize:
            self._send_page(auth.authorize_page(dispatcher.api, dispatcher.state, query))
        elif media.is_media_path(path):
            self._send(media.serve(dispatcher.state, path))
        elif path in routes.oauth:
            form, _ = read_form(self.headers.get("Content-Type", ""), body)
            params = {**query, **form}
            step = routes.oauth[path]
            page = oauth.serve(dispatcher.api, dispatcher.state, step, self.command, dispatcher.endpoint + path, params)
            self._send_page(page)
        elif path in routes.envelopes:
            self._send(self._envelope(path, body, client))
        elif match := routes.rest.match(url.path):
            form, files = read_form(self.headers.get("Content-Type", ""), body)
            fmt = match.group("format") or "json"
            problem = None if fmt in routes.formats else ApiFailure(102)
            call = Call(
                match.group("method"),
                {**query, **form},
                "rest",
                fmt if problem is None else "json",
                self.command,
                client,
                files,
                url.path,
            )
            self._send(dispatcher.dispatch(call, problem))
        else:
            self._send(Reply(404, "text/plain; charset=utf-8", b"Not found: try /api/<method>/<format>\n"))

    def _envelope(self, path: str, body: bytes, client: str) -> Reply:
        protocol, fmt, code = self.server.routes.envelopes[path]
        soap = self.server.dispatcher.api.service.soap
        try:
            method, params = parse_soap(soap, body) if protocol == "soap" else parse_xmlrpc(body)
        except EnvelopeError:
            call = Call("", {}, protocol, fmt, self.command, client)
            return self.server.dispatcher.dispatch(call, ApiFailure(code))
        return self.server.dispatcher.dispatch(Call(method, params, protocol, fmt, self.command, client, path=path))

    def _send_page(self, page: auth.Page) -> None:
        self.send_response(page.status)
        headers = {"Content-Type": page.content_type, "Content-Length": str(len(page.body)), **page.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(page.body)

    def _send(self, reply: Reply) -> None:
        fault = reply.fault
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        body = reply.body
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        if fault is not None and fault.kind == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
            body = body[: len(body) // 2]
        self.end_headers()
        self.wfile.write(body)


class SimulatorEngine:
    """A local ipernity: REST, SOAP and XML-RPC on 127.0.0.1, with state, faults and a request log.

    It serves the API of its ``api`` class attribute and hands out clients of ``client_class``:
    the generated package binds both as ``ipernity_client.testing.Simulator``. Use it as a context
    manager (or ``start``/``stop``); point a client at ``endpoint``. The demo app (``api_key``,
    ``api_secret``) and its member ``state.member`` exist from the start. With ``tls`` (a server
    ``ssl.SSLContext`` holding a certificate for the host) it serves HTTPS, where ipernity's rules
    differ: PLAINTEXT OAuth signatures are accepted there only.
    """

    api: ClassVar[Api]
    client_class: ClassVar[type[BaseClient]]

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        upload_seconds: float = 5.0,
        rate_limit: RateLimit | None = None,
        seed: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        if not hasattr(type(self), "api"):
            raise TypeError(f"{type(self).__name__} names no API to serve; use ipernity_client.testing.Simulator")
        self.state = State(clock, upload_seconds=upload_seconds)
        self.faults = FaultPlan(seed)
        self.log = RequestLog()
        self.limiter = RateLimiter(rate_limit, self.state.clock)
        self.dispatcher = Dispatcher(self.api, self.state, self.faults, self.limiter, self.log)
        self.routes = Routes(self.api.service)
        self._address = (host, port)
        self._tls = tls
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(endpoint={self.endpoint!r})" if self._server else f"{name}(stopped)"

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self: S) -> S:
        """Listen (on a free port unless one was given) and serve in a background thread."""
        if self._server is None:
            self._server = _HttpServer(self._address, self.dispatcher, self.routes, self._tls)
            self.dispatcher.endpoint = self.endpoint
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(POLL_SECONDS,), name="ipernity-simulator", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    @property
    def endpoint(self) -> str:
        """The URL to give ``Client(endpoint=…)``."""
        if self._server is None:
            raise RuntimeError("the simulator is not running; call start() or use it in a with block")
        host, port = self._server.server_address[:2]
        return f"{'https' if self._tls else 'http'}://{host!s}:{port}"

    @property
    def api_key(self) -> str:
        return self.state.demo_app.key

    @property
    def api_secret(self) -> str:
        return self.state.demo_app.secret

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.limiter.limit

    @rate_limit.setter
    def rate_limit(self, limit: RateLimit | None) -> None:
        self.limiter.limit = limit

    def reset(self) -> None:
        """A fresh world (demo app, member, album and groups), no faults, an empty log and rate window.

        One running simulator can then serve many independent tests: starting a server per test
        costs more than the test. Tokens and objects from before are gone; the clock is kept.
        """
        old = self.state
        self.state = State(old.clock, upload_seconds=old.upload_seconds)
        self.dispatcher.state = self.state
        self.faults.clear()
        self.limiter.clear()
        self.log.clear()

    def token(self, perms: Mapping[str, str], user: User | None = None) -> Token:
        """A token of the demo app for ``user`` (the demo member by default), skipping the frob flow."""
        return self.state.issue_token(user or self.state.member, perms)

    def approve(self, frob: str, perms: Mapping[str, str], user: User | None = None) -> None:
        """The member accepts on the authorize page: ``frob`` can now be traded for a token."""
        self.state.approve(frob, perms, user)

    @property
    def authorize_path(self) -> str:
        """Where the stand-in authorize page answers: GET a signed ``authorization_url`` link here."""
        return self.routes.authorize

    def client(self, *, perms: Mapping[str, str] | None = None, user: User | None = None, **options: Any) -> BaseClient:
        """A client of the demo app on this simulator; with ``perms``, also a token."""
        return self.make_client(self.client_class, perms, user, options)

    def make_client(
        self, client_class: type[C], perms: Mapping[str, str] | None, user: User | None, options: dict[str, Any]
    ) -> C:
        """A ``client_class`` of the demo app on this simulator; with ``perms``, also a token."""
        token = self.token(perms, user).token if perms is not None else None
        options.setdefault("auth_token", token)
        return client_class(self.api_key, self.api_secret, endpoint=self.endpoint, **options)
