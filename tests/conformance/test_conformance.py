"""The one runner of spec/conformance/: every case on REST, SOAP and XML-RPC over loopback HTTP.

Request cases check the exact request each protocol sends; reply cases check the model or the
exception a served reply gives. Cases listed in expected_failures.yaml are strict xfails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import canonicalize

import jsonschema
import pytest
import yaml
from requests_toolbelt.multipart.decoder import MultipartDecoder

import ipernity_client
from ipernity_client import errors

from ..conftest import FORMATS, PROTOCOLS
from ..loopback import Loopback, Recorded, Reply, scripted

ROOT = Path(__file__).parents[2]
CONFORMANCE = ROOT / "spec" / "conformance"
SCHEMA = json.loads((ROOT / "spec" / "schema" / "conformance.schema.json").read_text(encoding="utf-8"))
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


def served(reply: dict[str, Any]) -> Reply:
    """A case's reply as the loopback sends it: XML bodies as text/xml unless the case names a type."""
    body = reply["body"]
    default = "text/xml" if body.startswith("<") else "application/json"
    return Reply(reply.get("status", 200), body, reply.get("content_type", default), reply.get("content_length"))


@pytest.fixture(scope="module")
def wire() -> Iterator[Loopback]:
    """One server for the module: each case sets the reply it serves to every request."""
    with scripted() as server:
        yield server


def serve_always(wire: Loopback, reply: dict[str, Any]) -> None:
    """Answer every request with the case's ``reply``, from a clean record."""
    wire.requests.clear()
    wire.handler = lambda request: served(reply)


def make_client(wire: Loopback, protocol: str, fmt: str, **options: Any) -> ipernity_client.Client:
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


def parts(sent: Recorded) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
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
def test_request(wire: Loopback, tmp_path: Path, case: dict[str, Any], protocol: str) -> None:
    options = case.get("client", {})
    fmt = options.get("format", "json")
    expected = case["expect"][protocol]
    empty = pick(EMPTY_OK, "rest" if "multipart" in expected else protocol, fmt)
    assert empty is not None
    serve_always(wire, empty)
    with make_client(wire, protocol, fmt, **options) as client:
        try:
            client.call(case["method"], **call_params(case["params"], tmp_path))
        except (
            errors.InvalidResponseError
        ) as error:  # the bare ok reply lacks the result's element: only the request counts
            assert error.reason.startswith("the reply has no <"), error
    (sent,) = wire.requests
    assert (sent.method, sent.path) == (expected["http"], expected["path"])
    if "content_type" in expected:
        assert sent.content_type == expected["content_type"]
    if "query" in expected:
        assert sorted(parse_qsl(sent.query_string, keep_blank_values=True)) == sorted(expected["query"].items())
        assert sent.body == b""
    else:
        assert sent.query_string == ""
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


def common_error_rows() -> list[dict[str, str]]:
    """One row per common error of spec/errors.yaml, so that a new code is tested without a new row."""
    table = yaml.safe_load((ROOT / "spec" / "errors.yaml").read_text(encoding="utf-8"))
    return [{"code": str(entry["code"]), "error": entry["name"]} for entry in table["errors"]]


ROWS_FROM = {"common errors": common_error_rows}


def reply_cases() -> Iterator[Any]:
    for case in REPLIES["cases"]:
        rows: list[dict[str, str]] = ROWS_FROM[case["rows_from"]]() if "rows_from" in case else case.get("rows", [{}])
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
def test_reply(wire: Loopback, tmp_path: Path, case: dict[str, Any], protocol: str, fmt: str) -> None:
    reply = pick(case["replies"], protocol, fmt)
    assert reply is not None, f"{case['id']} has no reply for {protocol}/{fmt}"
    serve_always(wire, reply)
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


def test_the_common_error_rows_are_the_generated_table() -> None:
    rows = {int(row["code"]): row["error"] for row in common_error_rows()}
    assert rows == {code: cls.__name__ for code, cls in errors.COMMON_ERRORS.items()}


def test_expected_failures_name_existing_cases() -> None:
    ids = {case["id"] for case in REQUESTS["cases"] + REPLIES["cases"]}
    assert [entry["case"] for entry in FAILURES if entry["case"] not in ids] == []


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in REQUESTS["cases"] + REPLIES["cases"]]
    assert len(ids) == len(set(ids))
