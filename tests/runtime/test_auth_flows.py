"""The frob flows end to end against the simulator: desktop login, web callback, check_token.

Every flow runs on REST, SOAP and XML-RPC in JSON and XML; the member's approval is a real GET
of the link the client hands to ``open_url`` (the simulator's authorize page approves on GET).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import threading
import webbrowser
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client.auth import LoginTimeoutError, Member, OAuthToken, Token
from ipernity_client.testing import Fault, Simulator

from ..conftest import approve, every_protocol, shared_simulator

pytestmark = shared_simulator


def new_client(sim: Simulator, protocol: str = "rest", fmt: str = "json", **options: Any) -> ipernity_client.Client:
    return ipernity_client.Client(
        sim.api_key, sim.api_secret, protocol=protocol, format=fmt, endpoint=sim.endpoint, **options
    )


@every_protocol
def test_desktop_login_headless_then_calls_with_the_token(sim: Simulator, protocol: str, fmt: str) -> None:
    client = new_client(sim, protocol, fmt)
    token = client.login({"doc": "write", "network": "read"}, open_url=approve, poll=0)
    member = sim.state.member
    assert token.user == Member(member.user_id, member.username, member.realname, member.is_pro)
    assert (token.permissions["doc"], token.permissions["network"], token.permissions["blog"]) == (
        "write",
        "read",
        "none",
    )
    assert client.auth_token == token.token and token.token in sim.state.tokens
    assert client.check_token() == token
    assert client.account.get_quota() is not None
    assert [call.code for call in sim.log.calls("auth.getToken")] == [0]


def test_login_waits_through_pending_approval_and_retries_nothing_else(sim: Simulator) -> None:
    """auth.getToken answers error 2 until the member approves; the login keeps asking meanwhile."""
    links: list[str] = []

    def approve_after_two_refusals() -> None:
        while sim.log.count("auth.getToken") < 2:
            threading.Event().wait(0.01)
        approve(links[0])

    approver = threading.Thread(target=approve_after_two_refusals)

    def hand_over(link: str) -> None:
        links.append(link)
        approver.start()

    token = new_client(sim).login({"doc": "read"}, open_url=hand_over, poll=0)
    approver.join()
    codes = [call.code for call in sim.log.calls("auth.getToken")]
    assert codes[-1] == 0 and set(codes[:-1]) == {2} and len(codes) >= 3
    assert token.permissions["doc"] == "read"


def test_login_gives_up_after_its_timeout(sim: Simulator) -> None:
    client = new_client(sim)
    with pytest.raises(LoginTimeoutError, match="not approved within 0 s"):
        client.login({"doc": "read"}, open_url=lambda link: None, timeout=0, poll=0)
    assert sim.log.count("auth.getToken") == 1
    assert client.auth_token is None


def test_login_does_not_wait_through_other_errors(sim: Simulator) -> None:
    sim.faults.script(Fault.error(105), method="auth.getToken")
    with pytest.raises(errors.SignatureInvalidError):
        new_client(sim, retry=None).login({"doc": "read"}, open_url=approve, timeout=60, poll=0)
    assert sim.log.count("auth.getToken") == 1


def test_login_prints_the_link_and_hands_it_to_open_url(sim: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    opened: list[str] = []

    def open_and_approve(link: str) -> None:
        opened.append(link)
        approve(link)

    new_client(sim).login({"doc": "read"}, open_url=open_and_approve, poll=0)
    assert opened and opened[0] in capsys.readouterr().err
    query = parse_qs(urlsplit(opened[0]).query)
    assert opened[0].startswith(f"{sim.endpoint}/apps/authorize?") and set(query) == {
        "api_key",
        "perm_doc",
        "frob",
        "api_sig",
    }


@pytest.mark.parametrize("flow", ["login", "oauth_login"])
def test_the_flows_open_the_link_in_the_web_browser_by_default(flow: str) -> None:
    """The documented signature, defaults included: ``open_url=webbrowser.open``."""
    parameters = inspect.signature(getattr(ipernity_client.Client, flow)).parameters
    assert parameters["open_url"].default is webbrowser.open
    assert parameters["open_url"].kind is inspect.Parameter.KEYWORD_ONLY
    if flow == "login":
        defaults = {name: parameters[name].default for name in ("timeout", "poll", "store")}
        assert defaults == {"timeout": 300, "poll": 2.0, "store": None}


def test_a_token_names_its_member_by_id(sim: Simulator) -> None:
    token = new_client(sim).login({"doc": "read"}, open_url=approve, poll=0)
    member = sim.state.member
    assert token.user is not None and token.user.id == token.user.user_id == member.user_id
    assert (token.user.username, token.user.realname, token.user.is_pro) == (member.username, member.realname, True)


def test_login_checks_its_arguments_before_anything_is_sent(sim: Simulator) -> None:
    with pytest.raises(ipernity_client.ValidationError) as caught:
        new_client(sim).login({"doc": "admin", "pictures": "read"}, open_url="firefox", timeout=-1)  # type: ignore[arg-type]
    text = str(caught.value)
    for fragment in ("'admin' is not one of read, write, delete", "'pictures'", "open_url must be callable", "timeout"):
        assert fragment in text
    assert sim.log.calls() == []


def wsgi_callback(client: ipernity_client.Client, seen: list[Token]) -> Any:
    """The README's web callback: the member comes back with ?frob=…, the app trades it for a token."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        frob = parse_qs(environ.get("QUERY_STRING", "")).get("frob", [""])[0]
        token = client.complete_login(frob)
        seen.append(token)
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"Welcome, {token.user.username if token.user else 'member'}".encode()]

    return app


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@every_protocol
def test_web_flow_the_authorize_page_redirects_to_the_callback(sim: Simulator, protocol: str, fmt: str) -> None:
    client = new_client(sim, protocol, fmt)
    seen: list[Token] = []
    server: WSGIServer = make_server("127.0.0.1", 0, wsgi_callback(client, seen), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sim.state.demo_app.callback = f"http://127.0.0.1:{server.server_port}/ipernity/callback"
        link = client.authorization_url({"doc": "delete"})
        assert "frob" not in parse_qs(urlsplit(link).query)
        page = requests.get(link, timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    assert page.status_code == 200 and page.text == "Welcome, demo"
    assert [token.permissions["doc"] for token in seen] == ["delete"]
    assert client.auth_token == seen[0].token and client.permissions is not None


def test_web_flow_without_a_callback_shows_the_frob(sim: Simulator) -> None:
    client = new_client(sim)
    page = requests.get(client.authorization_url({"doc": "read"}), timeout=10)
    frob = page.text.rsplit("is ", 1)[1].split("<", 1)[0]
    assert client.complete_login(frob).permissions["doc"] == "read"
    with pytest.raises(errors.AuthGetTokenError):
        client.complete_login(frob)


def test_the_authorize_page_refuses_a_tampered_link(sim: Simulator) -> None:
    link = new_client(sim).authorization_url({"doc": "read"})
    page = requests.get(link.replace("perm_doc=read", "perm_doc=delete"), timeout=10)
    assert page.status_code == 400 and "api_sig does not match" in page.text


def test_authorize_url_defaults_to_the_endpoint_and_can_be_given() -> None:
    assert ipernity_client.Client("k", "s").authorize_url == API.service.authorize_url
    assert ipernity_client.Client("k", "s", endpoint="http://127.0.0.1:8080/").authorize_url == (
        "http://127.0.0.1:8080/apps/authorize"
    )
    given = ipernity_client.Client("k", "s", endpoint="http://h", authorize_url="https://example.org/a")
    assert given.authorization_url({"doc": "read"}).startswith("https://example.org/a?api_key=k&perm_doc=read&api_sig=")
    with pytest.raises(ipernity_client.ValidationError, match="authorize_url 'www.x'"):
        ipernity_client.Client("k", authorize_url="www.x")


@pytest.mark.parametrize(
    ("perms", "frob", "expected"),
    [
        (None, None, "perms must be a non-empty mapping"),
        ({}, None, "perms must be a non-empty mapping"),
        ({"doc": "read"}, 123, "frob must be the non-empty str"),
        ({"doc": "read"}, "  ", "frob must be the non-empty str"),
        ({"doc": None}, None, "doc: None is not one of read, write, delete"),
    ],
)
def test_authorization_url_names_bad_arguments(perms: Any, frob: Any, expected: str) -> None:
    with pytest.raises(ipernity_client.ValidationError, match=expected):
        ipernity_client.Client("k", "s").authorization_url(perms, frob=frob)


def test_authorization_url_is_signed_as_the_docs_say() -> None:
    """notes 3.3, second vector: api_key + perm_network=read, no method, the documented secret."""
    client = ipernity_client.Client("6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193")
    assert client.authorization_url({"network": "read"}).endswith("&api_sig=da183021cd39461108770b822fcd9398")


@every_protocol
def test_a_call_the_token_cannot_make_is_refused_before_sending(sim: Simulator, protocol: str, fmt: str) -> None:
    client = new_client(sim, protocol, fmt)
    client.login({"doc": "read"}, open_url=approve, poll=0)
    sent = len(sim.log.calls())
    with pytest.raises(ipernity_client.ValidationError) as caught:
        client.doc.tags.add(doc_id=1, keywords="x")
    assert "needs the 'doc' permission at level 'write', the token grants 'read'" in str(caught.value)
    assert len(sim.log.calls()) == sent


def test_without_known_permissions_the_server_decides(sim: Simulator) -> None:
    """A token given to the constructor has unknown permissions: error 110 comes from the service."""
    client = new_client(sim, auth_token=sim.token({"doc": "read"}).token)
    assert client.permissions is None
    with pytest.raises(errors.InsufficientPermissionsError):
        client.doc.tags.add(doc_id=1, keywords="x")
    client.check_token()
    assert client.permissions is not None and client.permissions["doc"] == "read"
    with pytest.raises(ipernity_client.ValidationError):
        client.doc.tags.add(doc_id=1, keywords="x")


def test_token_accepts_the_documented_perms_element() -> None:
    from ipernity_client._runtime.auth import token_of

    token = token_of(
        {"auth": {"token": "t-1", "perms": {"doc": "read"}, "user": {"user_id": "7", "username": "u"}}}, "m"
    )
    assert token == Token("t-1", Member(7, "u"), {"doc": "read"})
    assert token != Token("t-2", Member(7, "u"), {"doc": "read"}) and token != Token("t-1", None, {"doc": "read"})
    assert token != Token("t-1", Member(7, "u"), {"doc": "write"})
    assert OAuthToken("t-1", "s", None, {}) != OAuthToken("t-1", "z", None, {}) != Token("t-1", None, {})
    with pytest.raises(errors.InvalidResponseError, match="no <auth><token>"):
        token_of({"auth": {"perms": {}}}, "auth.checkToken")


def test_importing_and_making_a_client_loads_no_oauthlib_nor_store() -> None:
    code = (
        "import sys, ipernity_client\n"
        "ipernity_client.Client('k', 's')\n"
        "print(sorted(m for m in ('oauthlib', 'platformdirs', 'keyring') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"
