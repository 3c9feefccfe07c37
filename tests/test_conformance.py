"""The one runner of spec/conformance/: every case on REST, SOAP and XML-RPC over loopback HTTP.

Request cases check the exact request each protocol sends; reply cases check the model or the
exception a served reply gives. Cases listed in expected_failures.yaml are strict xfails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree.ElementTree import canonicalize

import jsonschema
import pytest
import yaml
from requests_toolbelt.multipart.decoder import MultipartDecoder

import ipernity_client
from ipernity_client import errors

ROOT = Path(__file__).parent.parent
CONFORMANCE = ROOT / "spec" / "conformance"
SCHEMA = json.loads((ROOT / "spec" / "schema" / "conformance.schema.json").read_text(encoding="utf-8"))
PROTOCOLS = ("rest", "soap", "xmlrpc")
FORMATS = ("json", "xml")
SOAP_OK = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
    '<x:ipernityResponse xmlns:x="urn:ipernity"/></s:Body></s:Envelope>'
)
XMLRPC_OK = "<methodResponse><params><param><value><string/></value></param></params></methodResponse>"
EMPTY_OK = {
    "json": {"body": '{"api": {"status": "ok"}}'},
    "rest/xml": {"body": '<api status="ok"/>'},
    "soap/xml": {"body": SOAP_OK},
    "xmlrpc/xml": {"body": XMLRPC_OK},
}


def load(name: str) -> dict[str, Any]:
    """A conformance file, checked against its $defs entry of the schema."""
    data: dict[str, Any] = yaml.safe_load((CONFORMANCE / f"{name}.yaml").read_text(encoding="utf-8"))
    schema = {"$ref": f"#/$defs/{name}", "$defs": SCHEMA["$defs"]}
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


REQUESTS = load("requests")
REPLIES = load("replies")
FAILURES = load("expected_failures")["failures"]
CREDENTIALS = REQUESTS["credentials"]


def marks(case_id: str, protocol: str, fmt: str) -> list[pytest.MarkDecorator]:
    return [
        pytest.mark.xfail(strict=True, reason=entry["reason"])
        for entry in FAILURES
        if entry["case"] == case_id and entry.get("protocol", protocol) == protocol and entry.get("format", fmt) == fmt
    ]


@dataclass
class Sent:
    method: str
    path: str
    query: str
    headers: Message
    body: bytes


@dataclass
class Wire:
    """A loopback server: it records every request and answers with ``reply``."""

    url: str = ""
    reply: dict[str, Any] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)


def _handler(wire: Wire) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path)
            wire.sent.append(Sent(self.command, parts.path, parts.query, self.headers, body))
            reply = wire.reply
            data = reply["body"].encode("utf-8")
            self.send_response(reply.get("status", 200))
            self.send_header(
                "Content-Type", reply.get("content_type", "text/xml" if data[:1] == b"<" else "application/json")
            )
            self.send_header("Content-Length", str(reply.get("content_length", len(data))))
            self.end_headers()
            self.wfile.write(data)
            if "content_length" in reply:
                self.close_connection = True

        do_GET = do_POST = _serve

    return Handler


@pytest.fixture(scope="module")
def wire() -> Iterator[Wire]:
    state = Wire()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


def make_client(wire: Wire, protocol: str, fmt: str, **options: Any) -> ipernity_client.Client:
    secret = CREDENTIALS["api_secret"] if options.get("api_secret", True) else None
    token = CREDENTIALS["auth_token"] if options.get("auth_token", True) else None
    return ipernity_client.Client(
        CREDENTIALS["api_key"],
        secret,
        token,
        protocol=protocol,
        format=fmt,
        endpoint=wire.url,
        retry=None,
        validate=options.get("validate", True),
    )


def call_params(params: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The case's parameters, with every {filename, content} written to a file under tmp_path."""
    values: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict):
            path = tmp_path / value["filename"]
            path.write_text(value["content"], encoding="utf-8")
            value = path
        values[name] = value
    return values


# --- requests ---------------------------------------------------------------------------------


def request_cases() -> Iterator[Any]:
    for case in REQUESTS["cases"]:
        fmt = case.get("client", {}).get("format", "json")
        for protocol in PROTOCOLS:
            yield pytest.param(case, protocol, id=f"{case['id']}-{protocol}", marks=marks(case["id"], protocol, fmt))


def parts(sent: Sent) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(fields, files) of a multipart body."""
    fields_found: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}
    for part in MultipartDecoder(sent.body, sent.headers["Content-Type"]).parts:
        disposition = Message()
        disposition["Content-Disposition"] = part.headers[b"Content-Disposition"].decode("utf-8")
        name = disposition.get_param("name", header="Content-Disposition")
        filename = disposition.get_param("filename", header="Content-Disposition")
        if filename is None:
            fields_found[str(name)] = part.text
        else:
            files[str(name)] = {"filename": str(filename), "content": part.text}
    return fields_found, files


def c14n(document: str | bytes) -> str:
    text = document.decode("utf-8") if isinstance(document, bytes) else document
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    return canonicalize(text, strip_text=True, rewrite_prefixes=True)


@pytest.mark.parametrize(("case", "protocol"), list(request_cases()))
def test_request(wire: Wire, tmp_path: Path, case: dict[str, Any], protocol: str) -> None:
    options = case.get("client", {})
    fmt = options.get("format", "json")
    expected = case["expect"][protocol]
    wire.reply = pick(EMPTY_OK, "rest" if "multipart" in expected else protocol, fmt) or {}
    wire.sent.clear()
    with make_client(wire, protocol, fmt, **options) as client:
        client.call(case["method"], **call_params(case["params"], tmp_path))
    assert len(wire.sent) == 1
    sent = wire.sent[0]
    assert (sent.method, sent.path) == (expected["http"], expected["path"])
    if "content_type" in expected:
        assert sent.headers.get_content_type() == expected["content_type"]
    if "query" in expected:
        assert sorted(parse_qsl(sent.query, keep_blank_values=True)) == sorted(expected["query"].items())
        assert sent.body == b""
    else:
        assert sent.query == ""
    if "form" in expected:
        assert sorted(parse_qsl(sent.body.decode("utf-8"), keep_blank_values=True)) == sorted(expected["form"].items())
    if "multipart" in expected:
        assert parts(sent) == (expected["multipart"]["fields"], expected["multipart"]["files"])
    if "envelope" in expected:
        assert c14n(sent.body) == c14n(expected["envelope"])
    if "payload" in expected:
        assert sent.body == expected["payload"].encode("utf-8")


# --- replies ----------------------------------------------------------------------------------


def fill(value: Any, row: dict[str, str]) -> Any:
    """``value`` with every "{name}" of the row replaced, in every string it holds."""
    if isinstance(value, str):
        for name, text in row.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, dict):
        return {key: fill(item, row) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, row) for item in value]
    return value


def pick(replies: dict[str, Any], protocol: str, fmt: str) -> dict[str, Any] | None:
    for key in (f"{protocol}/{fmt}", protocol, fmt, "any"):
        if key in replies:
            reply: dict[str, Any] = replies[key]
            return reply
    return None


def reply_cases() -> Iterator[Any]:
    for case in REPLIES["cases"]:
        rows: list[dict[str, str]] = case.get("rows", [{}])
        for row in rows:
            suffix = "".join(f"-{value}" for value in row.values())
            for fmt in case.get("formats", FORMATS):
                for protocol in PROTOCOLS:
                    yield pytest.param(
                        fill(case, row),
                        protocol,
                        fmt,
                        id=f"{case['id']}{suffix}-{protocol}-{fmt}",
                        marks=marks(case["id"], protocol, fmt),
                    )


def same(actual: Any, expected: Any, where: str = "result") -> None:
    """A mapping names the fields of a model to check, or every key of a dict; lists check each item."""
    if isinstance(expected, dict) and is_dataclass(actual):
        names = {f.name for f in fields(actual)}
        for key, value in expected.items():
            assert key in names, f"{where}: {type(actual).__name__} has no field {key!r}"
            same(getattr(actual, key), value, f"{where}.{key}")
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(expected), f"{where}: {actual!r} != {expected!r}"
        for key, value in expected.items():
            same(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual!r} != {expected!r}"
        for index, (item, value) in enumerate(zip(actual, expected, strict=True)):
            same(item, value, f"{where}[{index}]")
    else:
        assert actual == expected and type(actual) is type(expected), f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize(("case", "protocol", "fmt"), list(reply_cases()))
def test_reply(wire: Wire, tmp_path: Path, case: dict[str, Any], protocol: str, fmt: str) -> None:
    reply = pick(case["replies"], protocol, fmt)
    assert reply is not None, f"{case['id']} has no reply for {protocol}/{fmt}"
    wire.reply = reply
    expect = case["expect"]
    with make_client(wire, protocol, fmt) as client:
        if "error" not in expect:
            result = client.call(case["method"], **call_params(case["params"], tmp_path))
            if "type" in expect:
                assert type(result).__name__ == expect["type"]
            same(result, expect["result"])
            return
        cls = getattr(errors, expect["error"])
        with pytest.raises(cls) as caught:
            client.call(case["method"], **call_params(case["params"], tmp_path))
    error = caught.value
    assert type(error) is cls
    if "code" in expect:
        assert str(error.code) == expect["code"]
    if "message" in expect:
        assert error.message == expect["message"]
    if "status" in expect:
        status = error.status if isinstance(error, errors.InvalidResponseError) else error.http_status
        assert status == expect["status"]
    if "snippet" in expect:
        assert expect["snippet"] in error.snippet


# --- the data itself --------------------------------------------------------------------------


def test_every_common_error_code_has_a_row() -> None:
    (case,) = [case for case in REPLIES["cases"] if case["id"] == "error/common-codes"]
    rows = {int(row["code"]): row["error"] for row in case["rows"]}
    assert rows == {code: cls.__name__ for code, cls in errors.COMMON_ERRORS.items()}


def test_expected_failures_name_existing_cases() -> None:
    ids = {case["id"] for case in REQUESTS["cases"] + REPLIES["cases"]}
    assert [entry["case"] for entry in FAILURES if entry["case"] not in ids] == []


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in REQUESTS["cases"] + REPLIES["cases"]]
    assert len(ids) == len(set(ids))
