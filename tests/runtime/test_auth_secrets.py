"""A sweep: after every flow, no secret (app secret, token, OAuth token and secret) shows in any
repr, str, pickle or log line of what the flows hand out or raise."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

import ipernity_client
from ipernity_client.credentials import CredentialsError, CredentialStore
from ipernity_client.testing import Fault, Simulator

from ..conftest import approve


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


def texts_of(thing: object) -> list[str]:
    """Every text form of ``thing``: repr, str, and its pickle (or the refusal's message)."""
    texts = [repr(thing), str(thing)]
    try:
        texts.append(pickle.dumps(thing).decode("latin-1"))
    except TypeError as refusal:
        texts.append(str(refusal))
    return texts


def test_no_secret_in_any_text_the_flows_produce(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("IPERNITY_CONFIG_DIR", str(tmp_path))
    caplog.set_level(logging.DEBUG)
    things: list[object] = []

    frob_client = ipernity_client.Client(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    token = frob_client.login({"doc": "read"}, open_url=approve, poll=0, store=True)
    things += [frob_client, token, frob_client.check_token(), CredentialStore()]
    for failure in (
        lambda: frob_client.doc.tags.add(doc_id=1, keywords="x"),
        lambda: frob_client.login({"doc": "read"}, open_url=lambda link: None, timeout=0, poll=0),
    ):
        with pytest.raises(ipernity_client.IpernityError) as caught:
            failure()
        things.append(caught.value)

    oauth_client = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    oauth_token = oauth_client.oauth_login({"doc": "write"}, open_url=approve, poll=0, store=True)
    oauth_client.test.echo(echo="x")
    sim.faults.script(Fault.error(107), method="test.echo")
    with pytest.raises(ipernity_client.ApiError) as refused:
        oauth_client.test.echo(echo="x")
    things += [oauth_client, oauth_token, oauth_client._signer, refused.value]

    (tmp_path / "credentials.json").chmod(0o640)
    with pytest.raises(CredentialsError) as unsafe:
        CredentialStore().load(sim.api_key)
    things.append(unsafe.value)

    secrets = {sim.api_secret, token.token, oauth_token.token, oauth_token.secret}
    texts = [text for thing in things for text in texts_of(thing)]
    texts += [
        record.getMessage() for record in caplog.records if record.name.startswith(("ipernity_client", "oauthlib"))
    ]
    assert texts and any("demo" in text for text in texts)
    leaks = sorted({secret for secret in secrets for text in texts if secret in text})
    assert leaks == []


def test_tokens_and_clients_refuse_to_be_pickled(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "read"})
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(client)
    with pytest.raises(TypeError, match="ipernity_client.credentials"):
        pickle.dumps(client.check_token())
