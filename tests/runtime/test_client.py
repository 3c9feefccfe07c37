"""The generated client end to end over loopback HTTP, on REST, SOAP and XML-RPC in JSON and XML.

The loopback server encodes one canned Answer for the protocol and format each request came in
on, so every test that calls a method runs on all six. Exact wire shapes are in
spec/conformance/ (tests/conformance/), zeep and xmlrpc.client specifics in test_soap.py and
test_xmlrpc.py; these tests cover what the client does with a call: signing, verbs, errors,
parsing, retries and threads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import ipernity_client
from ipernity_client import errors, models
from ipernity_client._api import API
from ipernity_client._runtime.signing import signature
from ipernity_client._simulator.call import UploadedFile
from ipernity_client.operations import OPERATIONS

from ..conftest import COMBINATIONS, FORMATS, PROTOCOLS, every_protocol
from ..loopback import Answer, Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"
ENVELOPED = [combination for combination in COMBINATIONS if combination.values[0] != "rest"]
SENT = sorted(name for name, operation in OPERATIONS.items() if not operation.has_file)
DOC = API.simulator_data.replies["doc.get"]
GATEWAY_PAGE = "<html><body>Bad Gateway</body></html>"


def client(loopback: Loopback, protocol: str = "rest", fmt: str = "json", **options: Any) -> ipernity_client.Client:
    settings: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": loopback.url, "retry": None}
    return ipernity_client.Client(KEY, SECRET, TOKEN, **{**settings, **options})


def path(protocol: str, fmt: str, method: str) -> str:
    """Where the documented API takes ``method`` (spec/service.yaml)."""
    if protocol == "rest":
        return f"/api/{method}/{fmt}"
    return f"/api/{protocol}/json" if fmt == "json" else f"/api/{protocol}"


def send(caller: ipernity_client.Client, method: str) -> None:
    """Call ``method`` for what goes out: the loopback's bare ok reply lacks most results' element."""
    try:
        caller.call(method)
    except errors.InvalidResponseError as error:
        assert error.reason.startswith("the reply has no <"), error


def signed(method: str, **params: str) -> dict[str, str]:
    """``params`` with the key, the token and the api_sig the client must add."""
    unsigned = {**params, "api_key": KEY, "auth_token": TOKEN}
    return {**unsigned, "api_sig": signature(unsigned, method, SECRET)}


def test_signature_vector_for_a_method_call() -> None:
    params = {"api_key": KEY, "doc_id": "1234", "keywords": "easy"}
    assert signature(params, "doc.tags.add", SECRET) == "a269b218feb341ef03bc093a0f2c8078"


@every_protocol
def test_signature_vector_sent_over_the_wire(loopback: Loopback, protocol: str, fmt: str) -> None:
    """The notes' worked example arrives with the same api_sig in a REST form, a SOAP envelope or an XML-RPC struct."""
    loopback.ok('<tags added="1" dropped="0"/>')
    anonymous = ipernity_client.Client(
        KEY, SECRET, protocol=protocol, format=fmt, endpoint=loopback.url, validate=False, retry=None
    )
    result = anonymous.doc.tags.add(doc_id=1234, keywords="easy")
    (sent,) = loopback.requests
    assert (sent.method, sent.path, sent.api_method) == ("POST", path(protocol, fmt, "doc.tags.add"), "doc.tags.add")
    vector = "a269b218feb341ef03bc093a0f2c8078"
    assert sent.params == {"api_key": KEY, "doc_id": "1234", "keywords": "easy", "api_sig": vector}
    assert result is not None and (result.added, result.dropped) == (1, 0)


def test_signature_vector_for_an_authorization_link() -> None:
    url = ipernity_client.Client(KEY, SECRET).authorization_url({"network": "read"})
    assert url.startswith("https://www.ipernity.com/apps/authorize?")
    assert "api_sig=da183021cd39461108770b822fcd9398" in url


# REST only: the HTTP verb and query-or-form are REST's choices; SOAP and XML-RPC are checked next.
@pytest.mark.parametrize("name", SENT)
def test_rest_verb_and_signature_follow_the_spec(loopback: Loopback, name: str) -> None:
    send(client(loopback, validate=False), name)
    (sent,) = loopback.requests
    if OPERATIONS[name].post:
        assert (sent.method, sent.path, sent.query) == ("POST", f"/api/{name}/json", {})
        assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert sent.form == signed(name)
    else:
        assert (sent.method, sent.path, sent.body) == ("GET", f"/api/{name}/json", b"")
        assert sent.query == signed(name)


@pytest.mark.parametrize(("protocol", "fmt"), ENVELOPED)
def test_soap_and_xmlrpc_post_every_method_signed_as_over_rest(loopback: Loopback, protocol: str, fmt: str) -> None:
    """One POST per call to the protocol's single endpoint, the method named in the envelope, the same api_sig."""
    caller = client(loopback, protocol, fmt, validate=False)
    for name in SENT:
        send(caller, name)
    expected = [("POST", path(protocol, fmt, name), name, signed(name)) for name in SENT]
    assert [(sent.method, sent.path, sent.api_method, sent.params) for sent in loopback.requests] == expected


@every_protocol
def test_uploads_go_over_rest_multipart_whatever_the_protocol(
    loopback: Loopback, tmp_path: Path, protocol: str, fmt: str
) -> None:
    """The notes know no SOAP or XML-RPC upload; the file part is not signed and the REST reply is read."""
    photo = tmp_path / "car.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    loopback.ok("<ticket>12345445</ticket>")
    ticket = client(loopback, protocol, fmt).upload.file(file=photo, title="My car", is_public=True, check_quota=False)
    assert ticket == "12345445"
    (sent,) = loopback.requests
    assert (sent.method, sent.path) == ("POST", f"/api/upload.file/{fmt}")
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert sent.files == {"file": UploadedFile("car.jpg", b"\xff\xd8 not really a jpeg")}
    assert sent.form == signed("upload.file", title="My car", is_public="1")


@every_protocol
def test_an_error_reply_raises_its_class_without_secrets(loopback: Loopback, protocol: str, fmt: str) -> None:
    """Every code's class is checked per protocol in spec/conformance/; here the exception's own content."""
    loopback.error(105, "The query signature is invalid.")
    with pytest.raises(errors.SignatureInvalidError) as caught:
        client(loopback, protocol, fmt).doc.get(doc_id=1)
    error = caught.value
    assert type(error) is errors.SignatureInvalidError
    assert (error.code, error.method, error.message) == (105, "doc.get", "The query signature is invalid.")
    assert error.http_status == (500 if (protocol, fmt) == ("soap", "xml") else 200)
    assert str(error) == "doc.get: error 105: The query signature is invalid."
    text = str(error) + repr(error.args)
    assert SECRET not in text and TOKEN not in text and loopback.requests[0].params["api_sig"] not in text


def test_categories_retryable_flags_and_scoped_lookup() -> None:
    assert issubclass(errors.SignatureInvalidError, errors.AuthError)
    assert issubclass(errors.InsufficientPermissionsError, errors.PermissionDeniedError)
    assert errors.ServiceUnavailableError.retryable and not errors.TokenInvalidError.retryable
    assert errors.error_for(1, "doc.get") is errors.DocGetDocumentNotFoundError
    assert errors.error_for(1, "test.hello") is errors.UnknownApiError
    assert errors.error_for(105, "anything") is errors.SignatureInvalidError


@every_protocol
def test_method_errors_are_scoped_to_their_method(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.error(1, "Group not found")
    loopback.error(1, "Document not found")
    caller = client(loopback, protocol, fmt)
    with pytest.raises(errors.GroupDocsAddGroupNotFoundError) as group:
        caller.group.docs.add(group_id=5, doc_id=[1, 2])
    with pytest.raises(errors.DocGetDocumentNotFoundError) as doc:
        caller.doc.get(doc_id=1)
    assert isinstance(group.value, errors.GroupDocsAddError) and not isinstance(doc.value, errors.GroupDocsAddError)
    assert (group.value.code, group.value.message, doc.value.code) == (1, "Group not found", 1)
    assert [sent.api_method for sent in loopback.requests] == ["group.docs.add", "doc.get"]


@every_protocol
def test_the_documented_example_gives_one_model_on_every_protocol(loopback: Loopback, protocol: str, fmt: str) -> None:
    """doc.get's full example, encoded for the protocol and format, parses to the model REST JSON gives."""
    loopback.replies = [Answer(DOC), Answer(DOC)]
    reference = client(loopback).doc.get(doc_id=12345)
    doc = client(loopback, protocol, fmt).doc.get(doc_id=12345, extra=["tags", "notes"])
    assert type(doc) is models.Doc and doc == reference
    assert doc.doc_id == 12345 and doc.owner is not None and doc.owner.username == "Christophe"
    assert doc.visibility is not None and (doc.visibility.ispublic, doc.visibility.isfriend) == (True, False)
    assert doc.thumbs is not None and [thumb.w for thumb in doc.thumbs.thumb] == [75, 100, 240, 500, 560, 1024]
    assert doc.notes is not None and [note.value for note in doc.notes.note] == [
        "I love the Starsky & Hutch painting",
        "Nice car",
    ]
    sent = loopback.requests[1]
    assert (sent.path, sent.api_method) == (path(protocol, fmt, "doc.get"), "doc.get")
    assert sent.params == signed("doc.get", doc_id="12345", extra="tags,notes")


@every_protocol
def test_sparse_and_unknown_fields(loopback: Loopback, protocol: str, fmt: str) -> None:
    """Empty values read as None, a lone repeated element as a list, unknown or unreadable fields go to extra."""
    loopback.ok('<tickets count="1" eta=""><ticket id="9" done="1" doc_id="7" flavour="x"/></tickets>')
    loopback.ok('<tickets count="0" done="n/a"/>')
    caller = client(loopback, protocol, fmt)
    tickets = caller.upload.check_tickets(tickets=["9"])
    assert tickets is not None and (tickets.count, tickets.eta) == (1, None)
    assert [(t.id, t.done, t.doc_id, t.extra) for t in tickets.ticket] == [("9", True, 7, {"flavour": "x"})]
    empty = caller.upload.check_tickets(tickets=["9"])
    assert empty is not None and (empty.ticket, empty.done, empty.extra) == ([], None, {"done": "n/a"})


def raw_json(data: dict[str, Any]) -> Reply:
    return Reply(body=json.dumps({"api": {"status": "ok"}, **data}))


# JSON only: PHP's encoder writes an empty array as [] and a lone repeated element as an object,
# which XML cannot express. /api/soap/json and /api/xmlrpc/json answer the same bare JSON as REST.
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_php_json_quirks(loopback: Loopback, protocol: str) -> None:
    loopback.replies = [
        raw_json({"tickets": {"count": "1", "ticket": {"id": "9", "done": "1", "doc_id": "7"}}}),
        raw_json({"doc": {"doc_id": 3, "owner": [], "thumbs": ""}}),
    ]
    caller = client(loopback, protocol)
    tickets = caller.upload.check_tickets(tickets=["9"])
    assert tickets is not None and [(t.id, t.done, t.doc_id) for t in tickets.ticket] == [("9", True, 7)]
    doc = caller.doc.get(doc_id=3)
    assert doc is not None and (doc.doc_id, doc.owner, doc.thumbs) == (3, None, None)


@every_protocol
def test_dynamic_call_returns_the_typed_model(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.replies = [Answer(DOC), Answer(DOC)]
    caller = client(loopback, protocol, fmt)
    dynamic = caller.call("doc.get", doc_id=12345)
    assert type(dynamic) is models.Doc and dynamic == caller.doc.get(doc_id=12345)
    assert loopback.requests[0].params == loopback.requests[1].params == signed("doc.get", doc_id="12345")
    with pytest.raises(errors.ValidationError, match="unknown method 'doc.gte'"):
        caller.call("doc.gte")
    assert len(loopback.requests) == 2


def spec_param(method: str, name: str) -> Any:
    """A parameter as the spec declares it: expected messages follow the spec, not a copy of it."""
    return next(param for param in OPERATIONS[method].params if param.name == name)


EXTRAS = ", ".join(spec_param("doc.get", "extra").values)
MOST = spec_param("group.docs.add", "doc_id").max_items
SAFETY = spec_param("upload.file", "safety").values
LAT = spec_param("upload.file", "lat").maximum


@every_protocol
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda c: c.call("doc.get"), "missing required parameter 'doc_id'"),
        (lambda c: c.call("doc.get", doc_id=1, doc_ids=2), "unknown parameter 'doc_ids' (did you mean 'doc_id'?)"),
        (lambda c: c.doc.get(doc_id=1.5), "doc_id: expected an id"),
        (
            lambda c: c.doc.get(doc_id=1, extra=["tags", "colour"]),
            f"extra[1]: 'colour' is not one of {EXTRAS}",
        ),
        (
            lambda c: c.group.docs.add(group_id=1, doc_id=list(range(MOST + 1))),
            f"doc_id: {MOST + 1} items, the API takes at most {MOST}",
        ),
        (
            lambda c: c.upload.file(file=b"x", safety=int(SAFETY[-1]) + 1),
            f"safety: {int(SAFETY[-1]) + 1} is not one of {', '.join(SAFETY)}",
        ),
        (lambda c: c.upload.file(file=b"x", lat=LAT + 110.0), f"lat: {LAT + 110.0} is above the maximum {LAT:g}"),
        (lambda c: c.upload.file(file="/no/such/file.jpg"), "file: no such file"),
        (lambda c: c.signed_url("group.docs.add", group_id=1, doc_id=[1]), "must be sent with HTTP POST"),
    ],
)
def test_validation_errors_before_sending(
    loopback: Loopback, protocol: str, fmt: str, call: Any, expected: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        call(client(loopback, protocol, fmt))
    assert expected in str(caught.value)
    assert loopback.requests == []


@every_protocol
def test_validation_reports_every_problem_at_once(loopback: Loopback, protocol: str, fmt: str) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client(loopback, protocol, fmt).call("group.docs.add", doc_id=list(range(30)), bogus=1)
    assert len(caught.value.problems) == 3 and caught.value.method == "group.docs.add"
    assert loopback.requests == []


@every_protocol
def test_missing_credentials_are_validation_errors(loopback: Loopback, protocol: str, fmt: str) -> None:
    keyless = ipernity_client.Client(KEY, protocol=protocol, format=fmt, endpoint=loopback.url)
    with pytest.raises(errors.ValidationError) as caught:
        keyless.account.get_quota()
    assert "no api_secret" in str(caught.value) and "needs an auth token but the client has none" in str(caught.value)
    assert loopback.requests == []


def test_bad_client_options() -> None:
    with pytest.raises(errors.ValidationError, match="protocol 'grpc' is not one of rest, soap, xmlrpc"):
        ipernity_client.Client(KEY, protocol="grpc")
    with pytest.raises(errors.ValidationError, match="format 'php'"):
        ipernity_client.Client(KEY, format="php")


# Raw bodies, sent as they are whatever the protocol: (name, formats, reply, reason).
RAW_REPLIES = [
    ("gateway-page", FORMATS, Reply(502, GATEWAY_PAGE, "text/html"), "HTTP 502 without an ipernity reply"),
    ("empty", FORMATS, Reply(200, b""), "the reply is empty"),
    ("truncated", ("json",), Reply(200, '{"api": {"status": "ok"}, "doc": {"doc_id'), "not valid JSON"),
    ("truncated", ("xml",), Reply(200, '<api status="ok"><doc doc_id="1"', "text/xml"), "not well-formed XML"),
    ("no-status", ("json",), Reply(200, '{"doc": {}}'), "the reply has no api status"),
    ("json-array", ("json",), Reply(200, '[{"api": {"status": "ok"}}]'), "not a JSON object"),
    ("foreign-root", ("xml",), Reply(200, "<html><p>hi</p></html>", "text/xml"), "is <html>, not "),
]


def raw_cases() -> Iterator[Any]:
    for name, formats, reply, reason in RAW_REPLIES:
        for protocol in PROTOCOLS:
            for fmt in formats:
                yield pytest.param(protocol, fmt, reply, reason, id=f"{name}-{protocol}-{fmt}")


@pytest.mark.parametrize(("protocol", "fmt", "reply", "reason"), list(raw_cases()))
def test_non_api_replies_raise_invalid_response(
    loopback: Loopback, protocol: str, fmt: str, reply: Reply, reason: str
) -> None:
    loopback.replies.append(reply)
    with pytest.raises(errors.InvalidResponseError) as caught:
        client(loopback, protocol, fmt).doc.get(doc_id=1)
    error = caught.value
    assert reason in error.reason and (error.status, error.method) == (reply.status, "doc.get")
    body = reply.body.decode() if isinstance(reply.body, bytes) else reply.body
    assert error.snippet == body
    assert loopback.requests[0].path == path(protocol, fmt, "doc.get")


@every_protocol
def test_a_reply_without_the_results_element_is_invalid(loopback: Loopback, protocol: str, fmt: str) -> None:
    """An ok status with no <doc> is not a document: the typed result is never None."""
    loopback.ok("<something_else/>")
    with pytest.raises(errors.InvalidResponseError) as caught:
        client(loopback, protocol, fmt).doc.get(doc_id=1)
    assert (caught.value.reason, caught.value.method) == ("the reply has no <doc> element", "doc.get")


@every_protocol
def test_an_empty_result_element_is_an_empty_result(loopback: Loopback, protocol: str, fmt: str) -> None:
    """ipernity writes an empty object as [] or "": still the element, so an empty tag list, not an error."""
    loopback.ok("<tags/>")
    tags = client(loopback, protocol, fmt).doc.tags.get_list(doc_id=1)
    assert tags.tag == []


# REST only: test_soap.py and test_xmlrpc.py send the same kind of DOCTYPE inside their envelopes.
def test_xml_entities_are_not_expanded(loopback: Loopback, tmp_path: Path) -> None:
    """A DTD is refused whole: its entities are neither expanded nor silently dropped."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doctype = f'<!DOCTYPE api [<!ENTITY e "expanded"><!ENTITY ext SYSTEM "{secret.as_uri()}">]>'
    loopback.replies.append(Reply(200, f'<?xml version="1.0"?>{doctype}<api status="ok"><echo>&e;&ext;</echo></api>'))
    with pytest.raises(errors.UnsafeReplyError) as caught:
        client(loopback, fmt="xml").test.echo(echo="x")
    assert "TOPSECRET" not in str(caught.value)


@pytest.mark.parametrize(("protocol", "fmt"), ENVELOPED)
def test_text_xml_cannot_carry_is_refused_before_sending(loopback: Loopback, protocol: str, fmt: str) -> None:
    """SOAP and XML-RPC envelopes are XML whatever format the reply comes in."""
    with pytest.raises(errors.ValidationError) as caught:
        client(loopback, protocol, fmt).test.echo(echo="bell \x07 and nul \x00")
    assert caught.value.problems == ["echo: '\\x07' cannot be sent in XML (SOAP, XML-RPC); use REST"]
    assert loopback.requests == []


@every_protocol
def test_connection_failures_are_transport_errors(loopback: Loopback, protocol: str, fmt: str) -> None:
    """A dropped connection and a body shorter than its Content-Length; the message holds no credentials."""
    loopback.replies = [Reply(drop=True), Reply(200, '{"api":{"status":"ok"}}', content_length=500)]
    caller = client(loopback, protocol, fmt)
    for _ in range(2):
        with pytest.raises(errors.ConnectionFailedError) as caught:
            caller.doc.get(doc_id=1)
        error = caught.value
        assert (error.method, error.url) == ("doc.get", loopback.url + path(protocol, fmt, "doc.get"))
        assert "auth_token" not in str(error) and TOKEN not in str(error) and SECRET not in str(error)
    assert len(loopback.requests) == 2


@every_protocol
def test_reads_are_retried_and_writes_are_not(loopback: Loopback, protocol: str, fmt: str) -> None:
    """A read survives a dropped connection, a gateway page and the retryable codes; nothing else is sent twice.

    Each failure that must not be retried is followed by a success a retry would get.
    """
    gateway = Reply(502, GATEWAY_PAGE, "text/html")
    busy = [Answer(code=code, message="busy") for code in (503, 113, 500)]
    loopback.replies = [Reply(drop=True), gateway, *busy, Answer("<echo>again</echo>")]
    caller = client(loopback, protocol, fmt, retry=ipernity_client.RetryPolicy(attempts=6, backoff=0.0))
    assert caller.test.echo(echo="again") == "again"
    loopback.replies = [Answer(code=105, message="bad signature"), Answer("<echo>again</echo>")]
    with pytest.raises(errors.SignatureInvalidError):
        caller.test.echo(echo="again")
    loopback.replies = [Answer(code=503, message="busy"), Answer('<group group_id="1" added="1"/>')]
    with pytest.raises(errors.ServiceUnavailableError):
        caller.group.docs.add(group_id=1, doc_id=[1])
    loopback.replies = [gateway, Answer()]
    with pytest.raises(errors.InvalidResponseError):
        caller.doc.delete(doc_id=1)
    assert [sent.api_method for sent in loopback.requests] == ["test.echo"] * 7 + ["group.docs.add", "doc.delete"]
    assert all(sent.params == signed("test.echo", echo="again") for sent in loopback.requests[:7])


@every_protocol
def test_client_is_shared_between_threads(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.handler = lambda request: Answer(f"<echo>{request.params['echo']}</echo>")
    shared = client(loopback, protocol, fmt)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: shared.test.echo(echo=f"call {n}"), range(40)))
    assert results == [f"call {n}" for n in range(40)]
    assert {sent.path for sent in loopback.requests} == {path(protocol, fmt, "test.echo")}
    assert len(loopback.requests) == 40
