"""The generated client over REST against a loopback server: signing, verbs, errors, parsing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ipernity
import pytest
from ipernity import errors
from ipernity._runtime.signing import signature
from ipernity.operations import OPERATIONS

from .conftest import Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"


def client(loopback: Loopback, **options: object) -> ipernity.Client:
    settings: dict[str, object] = {"endpoint": loopback.url, "retry": None, **options}
    return ipernity.Client(KEY, SECRET, TOKEN, **settings)  # type: ignore[arg-type]


def test_signature_vector_for_a_method_call() -> None:
    params = {"api_key": KEY, "doc_id": "1234", "keywords": "easy"}
    assert signature(params, "doc.tags.add", SECRET) == "a269b218feb341ef03bc093a0f2c8078"


def test_signature_vector_sent_over_http(loopback: Loopback) -> None:
    loopback.ok_json({"tags": {"added": "1", "dropped": "0"}})
    anonymous = ipernity.Client(KEY, SECRET, endpoint=loopback.url, validate=False, retry=None)
    result = anonymous.doc.tags.add(doc_id=1234, keywords="easy")
    sent = loopback.requests[0]
    assert sent.method == "POST" and sent.path == "/api/doc.tags.add/json"
    assert sent.form["api_sig"] == "a269b218feb341ef03bc093a0f2c8078"
    assert result is not None and result.added == 1


def test_signature_vector_for_an_authorization_link() -> None:
    url = ipernity.Client(KEY, SECRET).authorization_url({"network": "read"})
    assert url.startswith("https://www.ipernity.com/apps/authorize?")
    assert "api_sig=da183021cd39461108770b822fcd9398" in url


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_http_verb_follows_the_spec(loopback: Loopback, name: str) -> None:
    operation = OPERATIONS[name]
    if operation.has_file:
        pytest.skip("uploads are multipart; covered below")
    client(loopback, validate=False).call(name)
    sent = loopback.requests[0]
    assert sent.method == ("POST" if operation.post else "GET")
    assert sent.path == f"/api/{name}/json"
    assert sent.params["api_key"] == KEY and sent.params["auth_token"] == TOKEN
    unsigned = {k: v for k, v in sent.params.items() if k != "api_sig"}
    assert sent.params["api_sig"] == signature(unsigned, name, SECRET)


def test_upload_is_multipart_and_the_file_is_not_signed(loopback: Loopback, tmp_path: Path) -> None:
    photo = tmp_path / "car.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    loopback.ok_json({"ticket": "12345445"})
    ticket = client(loopback).upload.file(file=photo, title="My car", is_public=True)
    assert ticket == "12345445"
    sent = loopback.requests[0]
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert b'filename="car.jpg"' in sent.body and b"not really a jpeg" in sent.body
    fields = {"api_key": KEY, "auth_token": TOKEN, "title": "My car", "is_public": "1"}
    assert f'name="api_sig"\r\n\r\n{signature(fields, "upload.file", SECRET)}'.encode() in sent.body


@pytest.mark.parametrize(
    "error", ipernity.errors.COMMON_ERRORS.items(), ids=lambda e: str(e[0]) if isinstance(e, tuple) else ""
)
def test_every_common_code_maps_to_its_class(loopback: Loopback, error: tuple[int, type[errors.ApiError]]) -> None:
    code, cls = error
    loopback.error_json(code, "server says no")
    with pytest.raises(cls) as caught:
        client(loopback).doc.get(doc_id=1)
    assert caught.value.code == code and caught.value.method == "doc.get"
    assert str(caught.value) == f"doc.get: error {code} ({cls.label}): server says no"
    assert isinstance(caught.value, errors.ApiError)


def test_categories_and_retryable_flags() -> None:
    assert issubclass(errors.SignatureInvalidError, errors.AuthError)
    assert issubclass(errors.InsufficientPermissionsError, errors.PermissionDeniedError)
    assert errors.ServiceUnavailableError.retryable and not errors.TokenInvalidError.retryable


def test_method_errors_are_scoped_to_their_method(loopback: Loopback) -> None:
    loopback.error_json(1, "Group not found")
    with pytest.raises(errors.GroupDocsAddGroupNotFoundError) as caught:
        client(loopback).group.docs.add(group_id=5, doc_id=[1, 2])
    assert isinstance(caught.value, errors.GroupDocsAddError)
    loopback.error_json(1, "Document not found")
    with pytest.raises(errors.DocGetDocumentNotFoundError):
        client(loopback).doc.get(doc_id=1)
    assert errors.error_for(1, "doc.get") is errors.DocGetDocumentNotFoundError
    assert errors.error_for(1, "test.hello") is errors.UnknownApiError
    assert errors.error_for(105, "anything") is errors.SignatureInvalidError


def test_xml_and_json_replies_parse_to_equal_models(loopback: Loopback) -> None:
    example = OPERATIONS["doc.get"].example
    loopback.replies.append(Reply(body=f'<api status="ok">{example}</api>', content_type="text/xml"))
    from_xml = client(loopback, format="xml").doc.get(doc_id=12345)
    from ipernity._runtime import xmltree

    raw = xmltree.to_raw(xmltree.parse(f"<api>{example}</api>"))
    loopback.replies.append(Reply(body=json.dumps({"api": {"status": "ok"}, **raw})))
    from_json = client(loopback).doc.get(doc_id=12345)
    assert from_xml == from_json
    assert from_xml is not None and from_xml.doc_id == 12345 and from_xml.visibility is not None
    assert from_xml.visibility.ispublic is True and from_xml.notes is not None
    assert from_xml.notes.note[0].value == "I love the Starsky & Hutch painting"
    assert loopback.requests[0].path == "/api/doc.get/xml"


def test_json_quirks(loopback: Loopback) -> None:
    loopback.ok_json(
        {"tickets": {"count": "1", "eta": "", "ticket": {"id": "9", "done": "1", "doc_id": "7", "flavour": "x"}}}
    )
    tickets = client(loopback).upload.check_tickets(tickets=["9"])
    assert tickets is not None and tickets.count == 1 and tickets.eta is None
    assert tickets.ticket[0].done is True and tickets.ticket[0].doc_id == 7
    assert tickets.ticket[0].extra == {"flavour": "x"}
    loopback.ok_json({"tickets": {"count": "0", "done": "n/a"}})
    empty = client(loopback).upload.check_tickets(tickets=["9"])
    assert empty is not None and empty.ticket == [] and empty.done is None and empty.extra == {"done": "n/a"}
    loopback.ok_json({"doc": {"doc_id": 3, "owner": [], "thumbs": ""}})
    doc = client(loopback).doc.get(doc_id=3)
    assert doc is not None and doc.owner is None and doc.thumbs is None


def test_dynamic_call_returns_the_typed_model(loopback: Loopback) -> None:
    loopback.ok_json({"echo": "hi"})
    assert client(loopback).call("test.echo", echo="hi") == "hi"
    with pytest.raises(errors.ValidationError, match="unknown method 'doc.gte'"):
        client(loopback).call("doc.gte")


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda c: c.call("doc.get"), "missing required parameter 'doc_id'"),
        (lambda c: c.call("doc.get", doc_id=1, doc_ids=2), "unknown parameter 'doc_ids' (did you mean 'doc_id'?)"),
        (lambda c: c.doc.get(doc_id=1.5), "doc_id: expected an id"),
        (
            lambda c: c.doc.get(doc_id=1, extra=["tags", "colour"]),
            "extra[1]: 'colour' is not one of tags, notes, geo, md5",
        ),
        (lambda c: c.group.docs.add(group_id=1, doc_id=list(range(21))), "doc_id: 21 items, the API takes at most 20"),
        (lambda c: c.upload.file(file=b"x", safety=4), "safety: 4 is not one of 1, 2, 3"),
        (lambda c: c.upload.file(file=b"x", lat=200.0), "lat: 200.0 is above the maximum 90"),
        (lambda c: c.upload.file(file="/no/such/file.jpg"), "file: no such file"),
        (lambda c: c.signed_url("group.docs.add", group_id=1, doc_id=[1]), "must be sent with HTTP POST"),
    ],
)
def test_validation_errors_before_sending(loopback: Loopback, call: object, expected: str) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        call(client(loopback))  # type: ignore[operator]
    assert expected in str(caught.value)
    assert loopback.requests == []


def test_validation_reports_every_problem_at_once(loopback: Loopback) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client(loopback).call("group.docs.add", doc_id=list(range(30)), bogus=1)
    assert len(caught.value.problems) == 3


def test_missing_credentials_are_validation_errors(loopback: Loopback) -> None:
    keyless = ipernity.Client(KEY, endpoint=loopback.url)
    with pytest.raises(errors.ValidationError) as caught:
        keyless.account.get_quota()
    assert "no api_secret" in str(caught.value) and "needs an auth token but the client has none" in str(caught.value)


def test_bad_client_options() -> None:
    with pytest.raises(errors.ValidationError, match="protocol 'grpc' is not one of rest, soap, xmlrpc"):
        ipernity.Client(KEY, protocol="grpc")
    with pytest.raises(errors.ValidationError, match="format 'php'"):
        ipernity.Client(KEY, format="php")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(502, "<html><body>Bad Gateway</body></html>", "text/html"), "HTTP 502 without an ipernity reply"),
        (Reply(200, b""), "the reply is empty"),
        (Reply(200, '{"api": {"status": "ok"}, "doc": {"doc_id'), "not valid JSON"),
        (Reply(200, '{"doc": {}}'), "no api status"),
        (Reply(200, "[1, 2]"), "not a JSON object"),
    ],
)
def test_non_api_replies_raise_invalid_response(loopback: Loopback, reply: Reply, reason: str) -> None:
    loopback.replies.append(reply)
    with pytest.raises(errors.InvalidResponseError) as caught:
        client(loopback).doc.get(doc_id=1)
    assert reason in str(caught.value) and caught.value.status == reply.status


def test_truncated_xml_and_wrong_root(loopback: Loopback) -> None:
    loopback.replies.append(Reply(200, '<api status="ok"><doc doc_id="1"', "text/xml"))
    with pytest.raises(errors.InvalidResponseError, match="not well-formed XML"):
        client(loopback, format="xml").doc.get(doc_id=1)
    loopback.replies.append(Reply(200, "<html><p>hi</p></html>", "text/xml"))
    with pytest.raises(errors.InvalidResponseError, match="root element is <html>"):
        client(loopback, format="xml").doc.get(doc_id=1)


def test_xml_entities_are_not_expanded(loopback: Loopback) -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE api [<!ENTITY e "expanded">]><api status="ok"><echo>&e;</echo></api>'
    loopback.replies.append(Reply(200, bomb, "text/xml"))
    assert client(loopback, format="xml").test.echo(echo="x") in ("", None)


def test_connection_failures_are_transport_errors(loopback: Loopback) -> None:
    loopback.replies.append(Reply(drop=True))
    with pytest.raises(errors.ConnectionFailedError) as caught:
        client(loopback).doc.get(doc_id=1)
    assert "auth_token" not in str(caught.value) and TOKEN not in str(caught.value)
    loopback.replies.append(Reply(200, '{"api":{"status":"ok"}}', content_length=500))
    with pytest.raises(errors.ConnectionFailedError):
        client(loopback).doc.get(doc_id=1)


def test_timeout_is_a_transport_error(loopback: Loopback) -> None:
    import threading

    release = threading.Event()

    def slow(request: object) -> Reply:
        release.wait(5)
        return Reply(body='{"api":{"status":"ok"}}')

    loopback.handler = slow
    try:
        with pytest.raises(errors.RequestTimeoutError):
            client(loopback, timeout=0.2).doc.get(doc_id=1)
    finally:
        release.set()


def test_error_text_never_holds_secrets(loopback: Loopback) -> None:
    loopback.error_json(105, "The query signature is invalid.")
    with pytest.raises(errors.ApiError) as caught:
        client(loopback).doc.get(doc_id=1)
    text = str(caught.value) + repr(caught.value.args)
    assert SECRET not in text and TOKEN not in text and loopback.requests[0].params["api_sig"] not in text


def test_reads_are_retried_and_writes_are_not(loopback: Loopback) -> None:
    policy = ipernity.RetryPolicy(attempts=3, backoff=0.0)
    loopback.error_json(503)
    loopback.ok_json({"echo": "again"})
    assert client(loopback, retry=policy).test.echo(echo="again") == "again"
    assert len(loopback.requests) == 2
    loopback.requests.clear()
    loopback.error_json(503)
    with pytest.raises(errors.ServiceUnavailableError):
        client(loopback, retry=policy).group.docs.add(group_id=1, doc_id=[1])
    assert len(loopback.requests) == 1


def test_token_and_key_are_sent(loopback: Loopback) -> None:
    client(loopback).test.hello()
    assert loopback.requests[0].query["auth_token"] == TOKEN


def test_import_loads_no_soap_machinery() -> None:
    code = "import sys, ipernity; print(any(m.startswith(('zeep', 'ipernity._runtime.soap', 'ipernity._runtime.xmlrpc')) for m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


def test_client_is_shared_between_threads(loopback: Loopback) -> None:
    from concurrent.futures import ThreadPoolExecutor

    loopback.handler = lambda request: Reply(body=json.dumps({"api": {"status": "ok"}, "echo": request.query["echo"]}))
    shared = client(loopback)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: shared.test.echo(echo=str(n)), range(40)))
    assert results == [str(n) for n in range(40)]
