"""OAuth 1.0a clients: oauthlib's own endpoint verifies what the client signs, and the whole
dance (request token, authorize link, access token, signed calls) runs against the simulator on
REST, SOAP and XML-RPC, with the clock correction on errors 132/134."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime.oauth import oauth_sign
from ipernity_client.auth import LoginTimeoutError, OAuthToken
from ipernity_client.testing import Fault, Simulator

from ..conftest import COMBINATIONS, approve, every_protocol, shared_simulator
from ..loopback import Loopback

pytestmark = shared_simulator

KEY, SECRET, TOKEN, TOKEN_SECRET = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "100-acc", "tok-secret"


class Validator(RequestValidator):  # type: ignore[misc]
    """Knows one consumer and one access token, accepts any nonce: only the signature is at stake."""

    enforce_ssl = False
    client_key_length = (1, 64)
    access_token_length = (1, 64)
    nonce_length = (1, 64)
    safe_characters = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
    dummy_client = "dummy"
    dummy_access_token = "dummy"

    def check_client_key(self, client_key: str) -> bool:
        return True

    def check_access_token(self, token: str) -> bool:
        return True

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return bool(client_key == KEY)

    def validate_timestamp_and_nonce(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return SECRET if client_key == KEY else "x"

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        return TOKEN_SECRET if token == TOKEN else "x"


def oauth_client(url: str, protocol: str = "rest", fmt: str = "json", **options: Any) -> ipernity_client.Client:
    return ipernity_client.Client.from_oauth(
        KEY, SECRET, TOKEN, TOKEN_SECRET, endpoint=url, protocol=protocol, format=fmt, retry=None, **options
    )


@every_protocol
@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_oauthlib_verifies_the_hmac_sha1_signature(loopback: Loopback, protocol: str, fmt: str, verb: str) -> None:
    """REST as sent (query or form); envelopes with their parameters, which the base string covers."""
    client = oauth_client(loopback.url, protocol, fmt)
    if verb == "GET":
        loopback.ok("<echo>x</echo>")
        client.test.echo(echo="héllo wörld & more")
    else:
        loopback.ok(API.simulator_data.replies["doc.tags.add"])
        client.doc.tags.add(doc_id=1, keywords="ä, b")
    sent = loopback.requests[0]
    assert "api_key" not in sent.params and "api_sig" not in sent.params and "auth_token" not in sent.params
    assert sent.params["oauth_consumer_key"] == KEY and sent.params["oauth_token"] == TOKEN
    url = f"{loopback.url}{sent.path}"
    if sent.protocol == "rest" and sent.method == "GET":
        uri, body, headers = f"{url}?{sent.query_string}", None, {}
    elif sent.protocol == "rest":
        uri, body, headers = url, sent.body.decode(), {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        uri, body, headers = f"{url}?{urlencode(sent.envelope)}", None, {}
    valid, _ = SignatureOnlyEndpoint(Validator()).validate_request(uri, sent.method, body, headers)
    assert valid
    tampered = uri.replace("oauth_token=100-acc", "oauth_token=100-acd") if body is None else uri
    tampered_body = body.replace("doc_id=1", "doc_id=2") if body is not None else None
    assert not SignatureOnlyEndpoint(Validator()).validate_request(tampered, sent.method, tampered_body, headers)[0]


def test_md5_is_the_base_string_then_the_key() -> None:
    """ipernity's MD5 method as this client (and the simulator, separately) reads it."""
    signed = oauth_sign(
        {"a": "1"}, ("GET", "http://h/api/x"), consumer=("k", "s&"), token=("t", "u"), method="MD5", timestamp=1
    )
    base = (
        "GET&http%3A%2F%2Fh%2Fapi%2Fx&a%3D1%26oauth_consumer_key%3Dk%26oauth_nonce%3D"
        + signed["oauth_nonce"]
        + "%26oauth_signature_method%3DMD5%26oauth_timestamp%3D1%26oauth_token%3Dt%26oauth_version%3D1.0"
    )
    assert signed["oauth_signature"] == hashlib.md5(f"{base}&s%26&u".encode()).hexdigest()


def test_plaintext_goes_only_over_https(loopback: Loopback) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="PLAINTEXT signatures go only over HTTPS"):
        oauth_client(loopback.url, signature_method="PLAINTEXT")
    signed = oauth_sign(
        {},
        ("POST", "https://api.ipernity.com/api/x"),
        consumer=("k", "a b"),
        token=(None, ""),
        method="PLAINTEXT",
        timestamp=1,
    )
    assert signed["oauth_signature"] == "a%20b&"
    assert loopback.requests == []


def test_unknown_methods_and_missing_secrets_are_named() -> None:
    with pytest.raises(ipernity_client.ValidationError) as caught:
        ipernity_client.Client.from_oauth(KEY, "", "tok", None, signature_method="RSA-SHA1")
    text = str(caught.value)
    assert "consumer_secret" in text and "'RSA-SHA1' is not one of HMAC-SHA1, MD5, PLAINTEXT" in text
    assert "oauth_token_secret must be a non-empty str with oauth_token, got None" in text


def test_every_problem_of_from_oauth_is_named_at_once_as_it_takes_them() -> None:
    """The OAuth arguments' and the client options' problems together, in from_oauth's own names."""
    with pytest.raises(ipernity_client.ValidationError) as caught:
        ipernity_client.Client.from_oauth(5, 6, 7, 8, timeout=-1, retyr=None)  # type: ignore[arg-type]
    assert caught.value.method == "Client.from_oauth"
    assert sorted(problem.split(" ")[0] for problem in caught.value.problems) == [
        "consumer_key",
        "consumer_secret",
        "oauth_token",
        "oauth_token_secret",
        "timeout",
        "unknown",
    ]
    assert "unknown option 'retyr' (did you mean 'retry'?)" in caught.value.problems
    assert not any(problem.startswith(("api_key", "auth_token")) for problem in caught.value.problems)


@every_protocol
@pytest.mark.parametrize("method", ["HMAC-SHA1", "MD5"])
def test_oauth_login_then_signed_calls(sim: Simulator, protocol: str, fmt: str, method: str) -> None:
    client = ipernity_client.Client.from_oauth(
        sim.api_key, sim.api_secret, endpoint=sim.endpoint, protocol=protocol, format=fmt, signature_method=method
    )
    token = client.oauth_login({"doc": "write", "network": "read"}, open_url=approve, poll=0)
    assert isinstance(token, OAuthToken) and token.secret and token.user is not None
    assert token.user.username == sim.state.member.username
    assert (token.permissions["doc"], token.permissions["network"]) == ("write", "read")
    assert client.auth_token == token.token and client.permissions == token.permissions
    assert client.test.echo(echo="ünïcode & spaces") == "ünïcode & spaces"
    assert client.account.get_quota() is not None
    calls = sim.log.calls()
    assert calls and all(call.code == 0 for call in calls[-2:])
    assert all("api_key" not in call.params and call.params["oauth_signature"] == "***" for call in calls)


def test_oauth_login_waits_then_times_out(sim: Simulator) -> None:
    client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    links: list[str] = []
    with pytest.raises(LoginTimeoutError):
        client.oauth_login({"doc": "read"}, open_url=links.append, timeout=0, poll=0)
    assert links[0].startswith(f"{sim.endpoint}/apps/oauth/authorize?oauth_token=") and "perm_doc=read" in links[0]
    assert client.auth_token is None


def test_each_login_needs_its_kind_of_client(sim: Simulator) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="Client.from_oauth"):
        sim.client().oauth_login({"doc": "read"}, open_url=approve)
    oauth = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    with pytest.raises(ipernity_client.ValidationError, match="signs with OAuth; its tokens come from oauth_login"):
        oauth.login({"doc": "read"}, open_url=approve)
    with pytest.raises(ipernity_client.ValidationError, match="signs with OAuth"):
        oauth.complete_login("123-frob")
    assert sim.log.calls() == []


def test_the_clock_is_corrected_once_from_the_servers_date(sim: Simulator) -> None:
    """The simulator's clock is years behind: the first call gets 132, the second (re-signed) passes."""
    client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint, retry=None)
    assert client.test.echo(echo="x") == "x"
    assert [call.code for call in sim.log.calls("test.echo")] == [132, 0]
    assert client.test.echo(echo="y") == "y"
    assert [call.code for call in sim.log.calls("test.echo")] == [132, 0, 0]


def test_a_timestamp_error_without_a_date_is_raised(sim: Simulator) -> None:
    sim.faults.script(Fault.error(134), method="test.echo", times=2)
    client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint, retry=None)
    with pytest.raises(errors.OAuthTimestampInvalidError):
        client.test.echo(echo="x")
    assert len(sim.log.calls("test.echo")) == 2


@pytest.mark.parametrize(("protocol", "fmt"), COMBINATIONS)
def test_a_token_without_the_permission_is_refused_by_the_simulator(sim: Simulator, protocol: str, fmt: str) -> None:
    reader = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    token = reader.oauth_login({"doc": "read"}, open_url=approve, poll=0)
    client = ipernity_client.Client.from_oauth(
        sim.api_key, sim.api_secret, token.token, token.secret, endpoint=sim.endpoint, protocol=protocol, format=fmt
    )
    with pytest.raises(errors.InsufficientPermissionsError):
        client.doc.tags.add(doc_id=1, keywords="x")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (130, errors.OAuthVersionError),
        (131, errors.OAuthParametersMissingError),
        (133, errors.OAuthNonceInvalidError),
        (135, errors.OAuthSignatureMethodError),
    ],
)
def test_oauth_codes_raise_their_classes_and_only_clock_codes_resign(
    sim: Simulator, code: int, error: type[errors.ApiError]
) -> None:
    client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint, retry=None)
    client.test.echo(echo="set the clock")
    sim.faults.script(Fault.error(code), method="test.echo")
    with pytest.raises(error):
        client.test.echo(echo="x")
    assert [call.code for call in sim.log.calls("test.echo")][-1] == code


def test_a_web_app_gets_the_member_back_on_its_oauth_callback(sim: Simulator) -> None:
    client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    redirects: list[str] = []

    def member_approves(link: str) -> None:
        page = requests.get(link, timeout=10, allow_redirects=False)
        redirects.append(page.headers["Location"])

    token = client.oauth_login(
        {"doc": "read"}, open_url=member_approves, callback="https://app.example/back?x=1", poll=0
    )
    assert redirects[0].startswith("https://app.example/back?x=1&oauth_token=")
    assert token.permissions["doc"] == "read"


def test_an_upload_is_oauth_signed_without_its_file(sim: Simulator) -> None:
    """Multipart: the form fields are in the base string, the file is not (as with api_sig)."""
    sim.state.upload_seconds = 0.0
    client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint, protocol="soap")
    client.oauth_login({"doc": "write"}, open_url=approve, poll=0)
    ticket = client.upload.file(file=b"\xff\xd8\xff\xe0 a photo", title="été")
    done = client.upload.check_tickets(tickets=[ticket])
    assert done.ticket is not None and done.ticket[0].doc_id is not None
    assert [call.code for call in sim.log.calls("upload.file")] == [0]
