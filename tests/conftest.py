"""A loopback HTTP server the tests script: it records every request and replays set replies."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "application/json"
    content_length: int | None = None
    drop: bool = False


@dataclass
class Loopback:
    """Replies come from ``handler`` (a function of the request) or a queue of Reply."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    handler: Callable[[Recorded], Reply] | None = None

    def ok_json(self, payload: dict[str, Any]) -> None:
        self.replies.append(Reply(body=json.dumps({"api": {"status": "ok"}, **payload})))

    def error_json(self, code: int, message: str = "boom") -> None:
        self.replies.append(Reply(body=json.dumps({"api": {"status": "error", "code": str(code), "message": message}})))

    def next_reply(self, request: Recorded) -> Reply:
        if self.handler is not None:
            return self.handler(request)
        return self.replies.pop(0) if self.replies else Reply(body='{"api":{"status":"ok"}}')


def _handler_class(state: Loopback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        wbufsize = -1

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            ctype = self.headers.get("Content-Type", "")
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)) if "urlencoded" in ctype else {}
            request = Recorded(
                self.command,
                parts.path,
                dict(parse_qsl(parts.query, keep_blank_values=True)),
                form,
                dict(self.headers),
                body,
            )
            state.requests.append(request)
            reply = state.next_reply(request)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header(
                "Content-Length", str(reply.content_length if reply.content_length is not None else len(data))
            )
            self.end_headers()
            self.wfile.write(data)
            if reply.content_length is not None:
                self.close_connection = True

        do_GET = do_POST = _serve

    return Handler


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    state = Loopback()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(state))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()
