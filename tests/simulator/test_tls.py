"""The simulator over HTTPS (a throwaway CA from trustme): every protocol works there, and OAuth's
PLAINTEXT signature, refused over http by both sides, runs its whole dance end to end."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import certifi
import pytest
import requests
import trustme

import ipernity_client
from ipernity_client import errors
from ipernity_client.auth import OAuthToken
from ipernity_client.testing import Simulator

from ..conftest import every_protocol


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_sim(ca: trustme.CA) -> Iterator[Simulator]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with Simulator(tls=context) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def trusting(ca_file: Path) -> requests.Session:
    """A session that trusts the test CA, as a user's would trust a real one."""
    session = requests.Session()
    session.verify = str(ca_file)
    return session


def approve_with(ca_file: Path) -> Callable[[str], None]:
    """The member's browser, trusting the test CA."""

    def approve(link: str) -> None:
        requests.get(link, timeout=10, verify=str(ca_file)).raise_for_status()

    return approve


@every_protocol
def test_every_protocol_works_over_https(
    tls_sim: Simulator, ca_file: Path, protocol: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's CA bundle is used even where REQUESTS_CA_BUNDLE names another."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    assert tls_sim.endpoint.startswith("https://127.0.0.1:")
    client = tls_sim.client(perms={"doc": "read"}, protocol=protocol, format=fmt, session=trusting(ca_file), retry=None)
    assert client.test.echo(echo="a\r\nb") == "a\r\nb"


@every_protocol
def test_oauth_plaintext_end_to_end_over_https(tls_sim: Simulator, ca_file: Path, protocol: str, fmt: str) -> None:
    session = trusting(ca_file)
    client = ipernity_client.Client.from_oauth(
        tls_sim.api_key,
        tls_sim.api_secret,
        endpoint=tls_sim.endpoint,
        protocol=protocol,
        format=fmt,
        signature_method="PLAINTEXT",
        session=session,
    )
    token = client.oauth_login({"doc": "write"}, open_url=approve_with(ca_file), poll=0)
    assert isinstance(token, OAuthToken) and token.secret and token.permissions["doc"] == "write"
    assert client.test.echo(echo="plain & simple") == "plain & simple"
    calls = tls_sim.log.calls()
    assert calls[-1].code == 0 and calls[-1].params["oauth_signature_method"] == "PLAINTEXT"
    assert calls[-1].params["oauth_signature"] == "***"


def test_a_client_that_does_not_trust_the_certificate_gets_a_typed_error(tls_sim: Simulator) -> None:
    client = tls_sim.client(retry=None)
    with pytest.raises(errors.ConnectionFailedError) as caught:
        client.test.echo(echo="x")
    assert "TLS handshake failed" in str(caught.value) and tls_sim.api_secret not in repr(caught.value)
