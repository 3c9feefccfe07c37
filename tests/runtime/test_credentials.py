"""The credential store: location (argument, IPERNITY_CONFIG_DIR, platformdirs), file mode, keyring,
and how login, logout and Client.from_env use it against the simulator."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import platformdirs
import pytest

import ipernity_client
from ipernity_client.auth import Member, OAuthToken, Token
from ipernity_client.credentials import CredentialsError, CredentialStore, default_directory
from ipernity_client.testing import Simulator

from ..conftest import approve, shared_simulator

pytestmark = shared_simulator
TOKEN = Token("100001-abc", Member(100001, "demo", "Demo Member", True), {"doc": "write"})
OAUTH = OAuthToken("100001-oauth", "token-secret", Member(100001, "demo"), {"doc": "read"})


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """IPERNITY_CONFIG_DIR pointed at a scratch folder, so no test touches the real config."""
    folder = tmp_path / "config"
    monkeypatch.setenv("IPERNITY_CONFIG_DIR", str(folder))
    return folder


def test_save_load_delete_round_trip_with_a_private_file(config_dir: Path) -> None:
    store = CredentialStore()
    assert store.path == config_dir / "credentials.json" and store.load("key") is None
    store.save("key", TOKEN)
    store.save("other", OAUTH)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    assert CredentialStore().load("key") == TOKEN and CredentialStore().load("other") == OAUTH
    assert store.delete("key") is True and store.delete("key") is False
    assert store.load("key") is None and store.load("other") == OAUTH
    assert sorted(os.listdir(config_dir)) == ["credentials.json"]


def test_the_argument_beats_the_variable_which_beats_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IPERNITY_CONFIG_DIR", raising=False)
    assert default_directory() == platformdirs.user_config_path("ipernity-client", appauthor=False)
    assert default_directory({"IPERNITY_CONFIG_DIR": str(tmp_path / "env")}) == tmp_path / "env"
    monkeypatch.setenv("IPERNITY_CONFIG_DIR", str(tmp_path / "env"))
    assert CredentialStore().directory == tmp_path / "env"
    assert CredentialStore(tmp_path / "given").directory == tmp_path / "given"


def test_a_file_others_can_read_is_refused_with_the_fix(config_dir: Path) -> None:
    store = CredentialStore()
    store.save("key", TOKEN)
    store.path.chmod(0o644)
    with pytest.raises(CredentialsError, match=r"can be read by other users \(mode 644\); .*chmod 600") as caught:
        store.load("key")
    assert TOKEN.token not in str(caught.value)


@pytest.mark.parametrize("content", ["not json", '{"apps": []}', "[1]"])
def test_a_damaged_file_is_a_clear_error(config_dir: Path, content: str) -> None:
    config_dir.mkdir()
    (config_dir / "credentials.json").write_text(content)
    (config_dir / "credentials.json").chmod(0o600)
    with pytest.raises(CredentialsError, match="credentials file"):
        CredentialStore().load("key")


def test_bad_keys_and_values_are_refused(config_dir: Path) -> None:
    with pytest.raises(CredentialsError, match="non-empty str"):
        CredentialStore().load("")
    with pytest.raises(CredentialsError, match="only a Token or OAuthToken"):
        CredentialStore().save("key", "token-text")  # type: ignore[arg-type]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict, so the keyring backend is tested without a desktop session."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.saved.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def test_the_keyring_backend_keeps_entries_out_of_files(config_dir: Path) -> None:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        store = CredentialStore(keyring=True)
        store.save("key", OAUTH)
        assert store.load("key") == OAUTH and not config_dir.exists()
        assert json.loads(memory.saved[("ipernity-client", "key")])["secret"] == "token-secret"
        assert store.delete("key") is True and store.delete("key") is False and store.load("key") is None
    finally:
        keyring.set_keyring(previous)


def test_login_with_store_saves_and_logout_removes(sim: Simulator, config_dir: Path) -> None:
    client = ipernity_client.Client(sim.api_key, sim.api_secret, endpoint=sim.endpoint)
    token = client.login({"doc": "write"}, open_url=approve, poll=0, store=True)
    assert CredentialStore().load(sim.api_key) == token
    client.logout()
    assert client.auth_token is None and client.permissions is None
    assert CredentialStore().load(sim.api_key) is None


def test_from_env_reads_the_variables(sim: Simulator, monkeypatch: pytest.MonkeyPatch, config_dir: Path) -> None:
    token = sim.token({"doc": "read"}).token
    env = {
        "IPERNITY_API_KEY": sim.api_key,
        "IPERNITY_API_SECRET": sim.api_secret,
        "IPERNITY_AUTH_TOKEN": token,
        "IPERNITY_ENDPOINT": sim.endpoint,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = ipernity_client.Client.from_env(protocol="xmlrpc")
    assert (client.auth_token, client.endpoint, client.protocol) == (token, sim.endpoint, "xmlrpc")
    assert client.check_token().permissions["doc"] == "read"


def test_from_env_falls_back_to_the_stored_token(sim: Simulator, config_dir: Path) -> None:
    env = {"IPERNITY_API_KEY": sim.api_key, "IPERNITY_API_SECRET": sim.api_secret, "IPERNITY_ENDPOINT": sim.endpoint}
    assert ipernity_client.Client.from_env(environ=env).auth_token is None
    saved = ipernity_client.Client(sim.api_key, sim.api_secret, endpoint=sim.endpoint).login(
        {"doc": "write"}, open_url=approve, poll=0, store=True
    )
    client = ipernity_client.Client.from_env(environ=env)
    assert client.auth_token == saved.token and client.permissions == saved.permissions
    assert client.check_token() == saved
    assert ipernity_client.Client.from_env(environ=env, store=False).auth_token is None


def test_from_env_names_what_is_missing(config_dir: Path) -> None:
    with pytest.raises(ipernity_client.ValidationError) as caught:
        ipernity_client.Client.from_env(environ={"IPERNITY_API_SECRET": " "})
    assert "IPERNITY_API_KEY is not set" in str(caught.value) and "IPERNITY_API_SECRET is not set" in str(caught.value)


def test_from_env_names_bad_options_with_the_missing_variables(config_dir: Path) -> None:
    with pytest.raises(ipernity_client.ValidationError) as caught:
        ipernity_client.Client.from_env(environ={}, timeout=-1, protocl="soap")
    problems = caught.value.problems
    assert len(problems) == 4 and "unknown option 'protocl' (did you mean 'protocol'?)" in problems
    assert any(problem.startswith("timeout must be a positive number") for problem in problems)


def test_from_env_rebuilds_an_oauth_client_from_the_store(sim: Simulator, config_dir: Path) -> None:
    oauth = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, endpoint=sim.endpoint, protocol="soap")
    saved = oauth.oauth_login({"doc": "write"}, open_url=approve, poll=0, store=True)
    assert isinstance(CredentialStore().load(sim.api_key), OAuthToken)
    env = {"IPERNITY_API_KEY": sim.api_key, "IPERNITY_API_SECRET": sim.api_secret, "IPERNITY_ENDPOINT": sim.endpoint}
    client = ipernity_client.Client.from_env(environ=env, protocol="xmlrpc")
    assert client.check_token().user == saved.user and client.permissions == saved.permissions
    assert sim.log.calls("auth.checkToken")[-1].params["oauth_token"] == "***"
