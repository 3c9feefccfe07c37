"""End to end against ipernity_client.testing.Simulator: every test runs over each protocol and format.

The same typed calls must give the same models and the same exceptions whether the client
speaks REST, SOAP or XML-RPC, and asks for JSON or XML.
"""

from __future__ import annotations

from typing import Any

import pytest

import ipernity_client
from ipernity_client import errors
from ipernity_client.testing import Fault, ManualClock, Simulator

from ..conftest import every_protocol


def member(sim: Simulator, protocol: str, fmt: str, **options: Any) -> ipernity_client.Client:
    options.setdefault("retry", None)
    return sim.client(perms={"doc": "write"}, protocol=protocol, format=fmt, **options)


@every_protocol
def test_text_comes_back_unchanged(sim: Simulator, protocol: str, fmt: str) -> None:
    text = 'Fish & chips <b>"bold"</b> — été ✓'
    with member(sim, protocol, fmt) as client:
        assert client.test.echo(echo=text) == text
    (call,) = sim.log.calls("test.echo")
    assert (call.protocol, call.params["echo"]) == (protocol, text)


@every_protocol
def test_the_frob_flow_gives_a_token_that_checks(sim: Simulator, protocol: str, fmt: str) -> None:
    common: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": sim.endpoint, "retry": None}
    with ipernity_client.Client(sim.api_key, sim.api_secret, **common) as app:
        frob = app.auth.get_frob()
        assert frob is not None and frob.frob
        sim.approve(frob.frob, {"doc": "write"})
        auth = app.auth.get_token(frob=frob.frob)
    assert auth is not None and auth.token and auth.user is not None
    with ipernity_client.Client(sim.api_key, sim.api_secret, auth.token, **common) as client:
        checked = client.auth.check_token()
    assert checked is not None and checked.user is not None
    assert checked.user.username == sim.state.member.username


@every_protocol
def test_an_upload_goes_over_rest_and_reads_back(sim: Simulator, clock: ManualClock, protocol: str, fmt: str) -> None:
    with member(sim, protocol, fmt) as client:
        ticket = client.upload.file(file=b"\xff\xd8 a tiny photo \xff\xd9", title="Harbour", check_quota=False)
        assert ticket is not None
        clock.advance(3600)
        tickets = client.upload.check_tickets(tickets=[ticket])
        assert tickets is not None and tickets.ticket[0].done and tickets.ticket[0].doc_id
        doc = client.doc.get(doc_id=tickets.ticket[0].doc_id)
    assert doc is not None and doc.title == "Harbour"
    assert [call.protocol for call in sim.log.calls()] == ["rest", protocol, protocol]


@every_protocol
def test_errors_are_the_same_classes(sim: Simulator, protocol: str, fmt: str) -> None:
    with member(sim, protocol, fmt) as client:
        with pytest.raises(errors.DocGetDocumentNotFoundError) as missing:
            client.doc.get(doc_id=999999999)
    assert missing.value.code == 1
    common: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": sim.endpoint, "retry": None}
    with ipernity_client.Client(sim.api_key, "not-the-secret", **common) as forger:
        with pytest.raises(errors.SignatureInvalidError):
            forger.auth.get_frob()
    with ipernity_client.Client(sim.api_key, sim.api_secret, validate=False, **common) as anonymous:
        with pytest.raises(errors.TokenMissingError):
            anonymous.account.get_quota()


@every_protocol
def test_injected_faults_give_the_shared_exceptions(sim: Simulator, protocol: str, fmt: str) -> None:
    sim.faults.script(Fault.error(503), method="test.echo")
    patient = member(sim, protocol, fmt, retry=ipernity_client.RetryPolicy(attempts=2, backoff=0.001))
    assert patient.test.echo(echo="again") == "again"
    assert [call.code for call in sim.log.calls("test.echo")] == [503, 0]
    with member(sim, protocol, fmt) as client:
        sim.faults.script(Fault.html(502), method="test.echo")
        with pytest.raises(errors.InvalidResponseError) as page:
            client.test.echo(echo="x")
        assert page.value.status == 502
        sim.faults.script(Fault.truncate(), method="test.echo")
        with pytest.raises(errors.ConnectionFailedError):
            client.test.echo(echo="x")
        sim.faults.script(Fault.drop(), method="test.echo")
        with pytest.raises(errors.ConnectionFailedError):
            client.test.echo(echo="x")
    # Only the slow reply meets a short read timeout: on a loaded machine others may take a while.
    with member(sim, protocol, fmt, timeout=(2.0, 0.5)) as client:
        sim.faults.script(Fault.slow(1.5), method="test.echo")
        with pytest.raises(errors.RequestTimeoutError):
            client.test.echo(echo="x")


@every_protocol
def test_a_parameter_named_method_reaches_the_server(sim: Simulator, protocol: str, fmt: str) -> None:
    with member(sim, protocol, fmt) as client:
        client.api.methods.get(method="doc.get")
    (call,) = sim.log.calls()
    assert (call.method, call.params["method"], call.code) == ("api.methods.get", "doc.get", 0)


def test_the_engine_alone_serves_no_api() -> None:
    from ipernity_client._simulator.server import SimulatorEngine

    with pytest.raises(TypeError, match="names no API to serve; use ipernity_client.testing.Simulator"):
        SimulatorEngine()
