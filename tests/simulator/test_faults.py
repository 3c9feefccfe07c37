"""Injected faults and the request log, over raw HTTP and through the client's retry policy."""

from __future__ import annotations

from typing import Any

import pytest
import requests

import ipernity_client
from ipernity_client._runtime.signing import signature
from ipernity_client.errors import ConnectionFailedError
from ipernity_client.testing import DEMO_API_KEY, DEMO_API_SECRET, Fault, Simulator


def hello(sim: Simulator, method: str = "test.hello", timeout: float = 10, **params: str) -> requests.Response:
    return requests.get(
        f"{sim.endpoint}/api/{method}/json", params={"api_key": DEMO_API_KEY, **params}, timeout=timeout
    )


def status(reply: requests.Response) -> dict[str, Any]:
    api: dict[str, Any] = reply.json()["api"]
    return api


@pytest.mark.parametrize("code", [500, 501, 503, 112, 113])
def test_scripted_error_code_then_back_to_normal(sim: Simulator, code: int) -> None:
    sim.faults.script(Fault.error(code))
    failed = status(hello(sim))
    assert failed["status"] == "error" and failed["code"] == str(code)
    assert failed["message"] == ipernity_client.errors.COMMON_ERRORS[code].default_message
    assert status(hello(sim)) == {"status": "ok"}


def test_a_methods_own_error_code_can_be_scripted(sim: Simulator) -> None:
    sim.faults.script(Fault.error(1), method="test.echo")
    failed = status(hello(sim, "test.echo", echo="x"))
    assert failed["code"] == "1" and "echo" in failed["message"]


def test_per_method_faults_leave_other_methods_alone(sim: Simulator) -> None:
    sim.faults.script(Fault.error(503), method="test.echo", times=2)
    assert status(hello(sim)) == {"status": "ok"}
    assert [status(hello(sim, "test.echo", echo="x"))["status"] for _ in range(3)] == ["error", "error", "ok"]


def test_global_faults_hit_every_method(sim: Simulator) -> None:
    sim.faults.script(Fault.error(501), times=2)
    assert status(hello(sim))["code"] == "501"
    assert status(hello(sim, "test.echo", echo="x"))["code"] == "501"
    assert status(hello(sim)) == {"status": "ok"}


def test_faults_at_a_rate_are_reproducible_and_clearable(sim: Simulator) -> None:
    def run() -> list[str]:
        with Simulator(seed=7) as other:
            other.faults.rate(Fault.error(503), 0.5)
            return [status(hello(other))["status"] for _ in range(40)]

    first = run()
    assert first == run()
    assert 0 < first.count("error") < 40
    sim.faults.rate(Fault.error(503), 1.0)
    assert status(hello(sim))["code"] == "503"
    sim.faults.clear()
    assert status(hello(sim)) == {"status": "ok"}


def test_html_502_page(sim: Simulator) -> None:
    sim.faults.script(Fault.html(502))
    reply = hello(sim)
    assert reply.status_code == 502
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "<title>502 Bad Gateway</title>" in reply.text


def test_slow_reply_times_the_client_out(sim: Simulator) -> None:
    sim.faults.script(Fault.slow(5.0))
    with pytest.raises(requests.Timeout):
        hello(sim, timeout=0.2)


def test_slow_reply_still_arrives(sim: Simulator) -> None:
    sim.faults.script(Fault.slow(0.05))
    assert status(hello(sim)) == {"status": "ok"}


def test_dropped_connection(sim: Simulator) -> None:
    sim.faults.script(Fault.drop())
    with pytest.raises(requests.ConnectionError):
        hello(sim)
    assert status(hello(sim)) == {"status": "ok"}


def test_truncated_body(sim: Simulator) -> None:
    sim.faults.script(Fault.truncate())
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        hello(sim)


def test_faults_reach_soap_as_faults(sim: Simulator) -> None:
    sim.faults.script(Fault.error(503))
    envelope = (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
        '<x:ipernityRequest xmlns:x="urn:ipernity"><method>test.hello</method>'
        f"<api_key>{DEMO_API_KEY}</api_key></x:ipernityRequest></s:Body></s:Envelope>"
    )
    reply = requests.post(f"{sim.endpoint}/api/soap", data=envelope, timeout=10)
    assert "<faultcode>ipernity.error.503</faultcode>" in reply.text


def test_a_lost_reply_still_ran_the_call(sim: Simulator) -> None:
    """Drop and truncate hit the reply on its way back: the write took place."""
    token = sim.token({"doc": "write"}).token
    params = {"api_key": DEMO_API_KEY, "auth_token": token}
    params["api_sig"] = signature(params, "upload.file", DEMO_API_SECRET)
    sim.faults.script(Fault.drop(), method="upload.file")
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{sim.endpoint}/api/upload.file/json", data=params, files={"file": ("a.jpg", b"x")}, timeout=10)
    assert len(sim.state.uploads) == 1


# The request log


def test_the_log_records_method_protocol_and_outcome(sim: Simulator) -> None:
    hello(sim)
    hello(sim, "test.echo")
    sim.faults.script(Fault.html(502))
    hello(sim)
    calls = sim.log.calls()
    assert [(c.method, c.protocol, c.format, c.http_method, c.code) for c in calls] == [
        ("test.hello", "rest", "json", "GET", 0),
        ("test.echo", "rest", "json", "GET", 1),
        ("test.hello", "rest", "json", "GET", 502),
    ]
    assert calls[2].fault == "html"
    assert sim.log.count("test.hello") == 2
    sim.log.clear()
    assert len(sim.log) == 0


def test_the_log_masks_the_token_and_signature(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    params = {"api_key": DEMO_API_KEY, "auth_token": token, "title": "t"}
    params["api_sig"] = signature(params, "upload.file", DEMO_API_SECRET)
    requests.post(f"{sim.endpoint}/api/upload.file/json", data=params, files={"file": ("a.jpg", b"1234")}, timeout=10)
    (call,) = sim.log.calls("upload.file")
    assert call.params == {"api_key": DEMO_API_KEY, "auth_token": "***", "title": "t", "api_sig": "***"}
    assert call.files == {"file": "a.jpg (4 bytes)"}
    assert token not in repr(sim.log.calls())


def test_the_client_never_sends_a_write_twice(sim: Simulator) -> None:
    """A dropped upload is not retried by the client; a dropped read is."""
    retry = ipernity_client.RetryPolicy(attempts=3, backoff=0.001)
    client = sim.client(perms={"doc": "write"}, retry=retry)
    sim.faults.script(Fault.drop(), method="upload.file")
    with pytest.raises(ConnectionFailedError):
        client.upload.file(file=b"jpeg", title="once")
    assert sim.log.count("upload.file") == 1
    sim.faults.script(Fault.drop(), method="test.hello")
    assert client.test.hello() is not None
    assert sim.log.count("test.hello") == 2
