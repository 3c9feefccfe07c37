"""The simulator's common checks, one test per rule, over raw HTTP (no client involved)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from ipernity_client._runtime.signing import signature
from ipernity_client.testing import DEMO_API_KEY, DEMO_API_SECRET, ManualClock, RateLimit, Simulator


def signed(method: str, params: dict[str, str], secret: str = DEMO_API_SECRET) -> dict[str, str]:
    """``params`` with the demo api_key and a correct api_sig."""
    wire = {"api_key": DEMO_API_KEY, **params}
    return {**wire, "api_sig": signature(wire, method, secret)}


def call(sim: Simulator, method: str, params: dict[str, str], *, post: bool = False, **kwargs: Any) -> dict[str, Any]:
    """The JSON ``api`` status of a REST call, plus the reply elements."""
    url = f"{sim.endpoint}/api/{method}/json"
    reply = (
        requests.post(url, data=params, timeout=10, **kwargs) if post else requests.get(url, params=params, timeout=10)
    )
    assert reply.status_code == 200
    data: dict[str, Any] = reply.json()
    return data


def code(data: dict[str, Any]) -> int:
    assert data["api"]["status"] == "error", data
    return int(data["api"]["code"])


def test_100_api_key_missing(sim: Simulator) -> None:
    data = call(sim, "test.hello", {})
    assert code(data) == 100
    assert data["api"]["message"] == "Please add the api_key parameter to this request."


def test_101_api_key_unknown(sim: Simulator) -> None:
    assert code(call(sim, "test.hello", {"api_key": "not-a-key"})) == 101


def test_102_bad_format_answers_in_json(sim: Simulator) -> None:
    reply = requests.get(f"{sim.endpoint}/api/test.hello/yaml", params={"api_key": DEMO_API_KEY}, timeout=10)
    assert code(reply.json()) == 102
    assert "json, xml, php" in reply.json()["api"]["message"]


def test_default_format_is_json(sim: Simulator) -> None:
    reply = requests.get(f"{sim.endpoint}/api/test.hello", params={"api_key": DEMO_API_KEY}, timeout=10)
    assert reply.json() == {"api": {"status": "ok"}, "hello": "hello world!"}


def test_103_unknown_method(sim: Simulator) -> None:
    assert code(call(sim, "doc.teleport", {"api_key": DEMO_API_KEY})) == 103


def test_104_signature_missing_on_a_signed_method(sim: Simulator) -> None:
    assert code(call(sim, "auth.getFrob", {"api_key": DEMO_API_KEY})) == 104


def test_105_signature_wrong(sim: Simulator) -> None:
    params = signed("auth.getFrob", {})
    assert code(call(sim, "auth.getFrob", {**params, "api_sig": "0" * 32})) == 105
    assert code(call(sim, "auth.getFrob", signed("auth.getFrob", {}, secret="another secret"))) == 105
    assert call(sim, "auth.getFrob", params)["api"]["status"] == "ok"


def test_105_signature_covers_the_method_name(sim: Simulator) -> None:
    assert code(call(sim, "auth.getFrob", signed("test.echo", {}))) == 105


def test_a_signature_sent_to_an_unsigned_method_is_checked_too(sim: Simulator) -> None:
    assert code(call(sim, "test.echo", {"api_key": DEMO_API_KEY, "echo": "x", "api_sig": "bad"})) == 105
    assert call(sim, "test.echo", signed("test.echo", {"echo": "x"}))["echo"] == "x"


def test_the_documented_signature_vector_is_accepted(sim: Simulator) -> None:
    """notes 3.3: doc.tags.add with doc_id 1234 and keywords easy signs to a269b218…"""
    params = {
        "api_key": DEMO_API_KEY,
        "doc_id": "1234",
        "keywords": "easy",
        "api_sig": "a269b218feb341ef03bc093a0f2c8078",
    }
    token = sim.token({"doc": "write"}).token
    params_with_token = signed("doc.tags.add", {"doc_id": "1234", "keywords": "easy", "auth_token": token})
    assert code(call(sim, "doc.tags.add", params, post=True)) == 106  # the signature passed; the token is next
    assert code(call(sim, "doc.tags.add", params_with_token, post=True)) == 1  # signed and authorized: no doc 1234


def test_the_upload_file_is_left_out_of_the_signature(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    params = signed("upload.file", {"auth_token": token, "title": "t"})
    files = {"file": ("a.jpg", b"jpeg bytes")}
    assert "ticket" in call(sim, "upload.file", params, post=True, files=files)
    with_file = signed("upload.file", {"auth_token": token, "title": "t", "file": "a.jpg"})
    del with_file["file"]
    assert code(call(sim, "upload.file", with_file, post=True, files=files)) == 105


def test_106_token_missing(sim: Simulator) -> None:
    assert code(call(sim, "account.getQuota", signed("account.getQuota", {}))) == 106


def test_107_token_unknown(sim: Simulator) -> None:
    assert code(call(sim, "account.getQuota", signed("account.getQuota", {"auth_token": "1-nope"}))) == 107


def test_107_token_of_another_app(sim: Simulator) -> None:
    other = sim.state.add_app()
    token = sim.state.issue_token(sim.state.member, {"doc": "write"}, other).token
    assert code(call(sim, "account.getQuota", signed("account.getQuota", {"auth_token": token}))) == 107


@pytest.mark.parametrize(
    ("granted", "expected"),
    [({}, 110), ({"doc": "read"}, 110), ({"blog": "delete"}, 110), ({"doc": "write"}, 0), ({"doc": "delete"}, 0)],
)
def test_110_permission_levels_per_scope(sim: Simulator, granted: dict[str, str], expected: int) -> None:
    """account.getQuota needs doc:write: read is below it, delete implies it, another scope does not count."""
    token = sim.token(granted).token
    data = call(sim, "account.getQuota", signed("account.getQuota", {"auth_token": token}))
    assert (code(data) if data["api"]["status"] != "ok" else 0) == expected


def test_110_delete_methods_need_delete(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    assert code(call(sim, "doc.delete", signed("doc.delete", {"auth_token": token, "doc_id": "1"}), post=True)) == 110


def test_120_get_on_a_post_only_method(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    params = signed("group.docs.add", {"auth_token": token, "group_id": "1", "doc_id": "2"})
    assert code(call(sim, "group.docs.add", params)) == 120


def test_required_parameter_missing_gives_the_methods_own_error(sim: Simulator) -> None:
    data = call(sim, "test.echo", {"api_key": DEMO_API_KEY})
    assert code(data) == 1
    assert data["api"]["message"] == "We could not echo back as the echo parameter was empty or not sent."
    token = sim.token({"doc": "write"}).token
    assert code(call(sim, "auth.getToken", signed("auth.getToken", {}))) == 1  # "The frob is missing"
    upload = signed("upload.file", {"auth_token": token, "title": "no file"})
    assert code(call(sim, "upload.file", upload, post=True, files={"title": (None, "no file")})) == 1


def test_an_empty_upload_counts_as_missing(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    params = signed("upload.file", {"auth_token": token})
    data = call(sim, "upload.file", params, post=True, files={"file": ("a.jpg", b"")})
    assert code(data) == 1 and data["api"]["message"] == "We could not find the file data."


def test_a_list_over_its_maximum_is_refused(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    tickets = ",".join(str(n) for n in range(51))
    assert (
        code(call(sim, "upload.checkTickets", signed("upload.checkTickets", {"auth_token": token, "tickets": tickets})))
        == 1
    )
    fifty = ",".join(str(n) for n in range(50))
    ok = call(sim, "upload.checkTickets", signed("upload.checkTickets", {"auth_token": token, "tickets": fifty}))
    assert ok["tickets"]["count"] == "50"
    docs = ",".join(str(n) for n in range(21))
    params = signed("group.docs.add", {"auth_token": token, "group_id": "1", "doc_id": docs})
    assert code(call(sim, "group.docs.add", params, post=True)) == 2  # "Documents not found"


def test_113_rate_limit_per_client(sim: Simulator) -> None:
    sim.rate_limit = RateLimit(requests=3, seconds=1.0)
    replies = [call(sim, "test.hello", {"api_key": DEMO_API_KEY}) for _ in range(4)]
    assert [r["api"]["status"] for r in replies[:3]] == ["ok"] * 3
    assert code(replies[3]) == 113
    assert isinstance(sim.state.clock, ManualClock)
    sim.state.clock.advance(1.0)
    assert call(sim, "test.hello", {"api_key": DEMO_API_KEY})["api"]["status"] == "ok"


def test_no_rate_limit_by_default(sim: Simulator) -> None:
    for _ in range(30):
        assert call(sim, "test.hello", {"api_key": DEMO_API_KEY})["api"]["status"] == "ok"


def test_checks_run_in_order_key_before_method_before_verb(sim: Simulator) -> None:
    assert code(call(sim, "doc.teleport", {})) == 100
    assert code(call(sim, "doc.teleport", {"api_key": "x"})) == 101
    assert code(call(sim, "group.docs.add", {"api_key": DEMO_API_KEY})) == 120
    assert code(call(sim, "group.docs.add", {"api_key": DEMO_API_KEY}, post=True)) == 104
