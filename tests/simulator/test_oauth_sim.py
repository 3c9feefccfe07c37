"""The simulator's OAuth side, driven by oauthlib's client rather than ours: what it accepts
(HMAC-SHA1, MD5, the three-legged dance) and each error it gives, in order (130–135, 101, 105–110)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, SIGNATURE_TYPE_QUERY, Client

from ipernity_client._simulator import oauth
from ipernity_client._simulator.call import ApiFailure
from ipernity_client.testing import ManualClock, Simulator


class Md5Client(Client):  # type: ignore[misc]
    """oauthlib's client with ipernity's MD5 method beside its own (its table copied, not changed)."""

    SIGNATURE_METHODS = {
        **Client.SIGNATURE_METHODS,
        "MD5": lambda base, client: hashlib.md5(
            f"{base}&{client.client_secret}&{client.resource_owner_secret or ''}".encode()
        ).hexdigest(),
    }


def signer(sim: Simulator, clock: ManualClock, **options: Any) -> Client:
    settings: dict[str, Any] = {
        "client_secret": sim.api_secret,
        "signature_type": SIGNATURE_TYPE_QUERY,
        "timestamp": str(int(clock.now)),
        **options,
    }
    return Md5Client(settings.pop("client_key", sim.api_key), **settings)


def call(sim: Simulator, client: Client, method: str = "test.echo", query: str = "echo=hi") -> dict[str, Any]:
    uri, _, _ = client.sign(f"{sim.endpoint}/api/{method}/json?{query}")
    reply: dict[str, Any] = requests.get(uri, timeout=10).json()
    return reply


def code(reply: dict[str, Any]) -> int:
    """The error code of a JSON reply, 0 for a success."""
    return int(reply["api"].get("code", 0))


@pytest.mark.parametrize("method", ["HMAC-SHA1", "MD5"])
def test_a_consumer_signed_call_is_accepted(sim: Simulator, clock: ManualClock, method: str) -> None:
    reply = call(sim, signer(sim, clock, signature_method=method))
    assert reply["api"]["status"] == "ok" and reply["echo"] == "hi" and set(reply) == {"api", "echo"}


def test_a_form_signed_post_is_accepted(sim: Simulator, clock: ManualClock) -> None:
    client = signer(sim, clock, signature_type=SIGNATURE_TYPE_BODY)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    uri, headers, body = client.sign(f"{sim.endpoint}/api/test.echo/json", "POST", "echo=h%C3%A9", headers)
    assert requests.post(uri, data=body, headers=headers, timeout=10).json()["echo"] == "hé"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"client_key": "unknown-key"}, 101),
        ({"client_secret": "wrong"}, 105),
        ({"signature_method": "PLAINTEXT"}, 135),
        ({"timestamp": "1000"}, 132),
        ({"resource_owner_key": "100001-nope", "resource_owner_secret": "x"}, 107),
    ],
)
def test_each_oauth_error(sim: Simulator, clock: ManualClock, options: dict[str, Any], expected: int) -> None:
    assert code(call(sim, signer(sim, clock, **options))) == expected


def test_missing_parameters_are_named(sim: Simulator) -> None:
    reply = requests.get(f"{sim.endpoint}/api/test.echo/json?oauth_consumer_key={sim.api_key}", timeout=10).json()
    message = reply["api"]["message"]
    assert code(reply) == 131 and "oauth_nonce" in message and "oauth_signature" in message


def test_an_unknown_version_is_130(sim: Simulator, clock: ManualClock) -> None:
    uri, _, _ = signer(sim, clock).sign(f"{sim.endpoint}/api/test.echo/json?echo=1")
    assert code(requests.get(uri.replace("oauth_version=1.0", "oauth_version=2.0"), timeout=10).json()) == 130


def test_a_nonce_is_good_once_and_time_goes_forward(sim: Simulator, clock: ManualClock) -> None:
    assert code(call(sim, signer(sim, clock, nonce="n1"))) == 0
    assert code(call(sim, signer(sim, clock, nonce="n1"))) == 133
    clock.advance(100)
    assert code(call(sim, signer(sim, clock, nonce="n2"))) == 0
    assert code(call(sim, signer(sim, clock, nonce="n3", timestamp=str(int(clock.now) - 50)))) == 134


def test_plaintext_is_refused_over_http_and_checked_over_https(sim: Simulator, clock: ManualClock) -> None:
    params = {"oauth_consumer_key": sim.api_key, "oauth_nonce": "n", "oauth_signature_method": "PLAINTEXT"}
    params |= {"oauth_timestamp": str(int(clock.now)), "oauth_signature": f"{sim.api_secret}&"}
    with sim.state.lock:
        assert oauth.verify(sim.state, "GET", "https://api.example/api/x", dict(params), "").key == sim.api_key
        with pytest.raises(ApiFailure) as caught:
            oauth.verify(sim.state, "GET", "http://api.example/api/x", {**params, "oauth_nonce": "m"}, "")
    assert caught.value.code == 135


def dance(sim: Simulator, clock: ManualClock, perms: str) -> tuple[str, str]:
    """Request token, the member's GET of the authorize link, access token: with oauthlib only."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    folder = f"{sim.endpoint}/apps/oauth"
    uri, headers, body = signer(sim, clock, signature_type=SIGNATURE_TYPE_BODY, callback_uri="oob").sign(
        f"{folder}/request", "POST", "", form
    )
    temporary = dict(parse_qsl(requests.post(uri, data=body, headers=headers, timeout=10).text))
    assert temporary["oauth_callback_confirmed"] == "true"
    access = signer(
        sim,
        clock,
        signature_type=SIGNATURE_TYPE_BODY,
        resource_owner_key=temporary["oauth_token"],
        resource_owner_secret=temporary["oauth_token_secret"],
    )
    uri, headers, body = access.sign(f"{folder}/access", "POST", "", form)
    pending = requests.post(uri, data=body, headers=headers, timeout=10)
    assert pending.status_code == 401 and pending.text == "oauth_problem=permission_unknown"
    page = requests.get(f"{folder}/authorize?oauth_token={temporary['oauth_token']}&{perms}", timeout=10)
    assert page.status_code == 200
    access.nonce = "second-try"
    uri, headers, body = access.sign(f"{folder}/access", "POST", "", form)
    granted = dict(parse_qsl(requests.post(uri, data=body, headers=headers, timeout=10).text))
    return granted["oauth_token"], granted["oauth_token_secret"]


def test_the_dance_gives_a_token_with_its_permissions(sim: Simulator, clock: ManualClock) -> None:
    token, secret = dance(sim, clock, "perm_doc=read")
    with_token = signer(sim, clock, resource_owner_key=token, resource_owner_secret=secret)
    reply = call(sim, with_token, "auth.checkToken", "")
    granted = reply["auth"].get("permissions") or reply["auth"]["perms"]
    assert reply["auth"]["token"] == token and granted["doc"] == "read"
    writer = signer(
        sim,
        clock,
        signature_type=SIGNATURE_TYPE_BODY,
        resource_owner_key=token,
        resource_owner_secret=secret,
        nonce="write-try",
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    uri, headers, body = writer.sign(f"{sim.endpoint}/api/doc.tags.add/json", "POST", "doc_id=1&keywords=x", form)
    assert code(requests.post(uri, data=body, headers=headers, timeout=10).json()) == 110


def test_a_frob_token_is_not_an_oauth_token(sim: Simulator, clock: ManualClock) -> None:
    frob_token = sim.token({"doc": "read"}).token
    reply = call(
        sim, signer(sim, clock, resource_owner_key=frob_token, resource_owner_secret="guess"), "auth.checkToken", ""
    )
    assert code(reply) == 107


def test_the_authorize_page_refuses_unknown_tokens_and_scopes(sim: Simulator) -> None:
    page = requests.get(f"{sim.endpoint}/apps/oauth/authorize?oauth_token=nope&perm_doc=read", timeout=10)
    assert page.status_code == 400 and "unknown, used or expired oauth_token" in page.text
