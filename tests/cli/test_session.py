"""``login`` (headless: the test approves the printed link with a GET), ``whoami`` and ``logout``."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path

import requests

from ipernity_client.credentials import CredentialStore
from ipernity_client.testing import Simulator

from .conftest import HANG, Background, Run, ipernity


def _login(start: Callable[..., Background], env: dict[str, str], *options: str) -> Run:
    """``ipernity login --no-browser``, approving the link it prints as the member would."""
    process = start("login", "--no-browser", "--poll", "0.05", "--perms", "doc=write,network=read", *options, env=env)
    line = process.line("err")
    link = re.search(r"(http://\S+)", line)
    assert link is not None, line
    assert requests.get(link.group(1), timeout=HANG).status_code == 200
    run = process.finish()
    return Run(run.code, run.out, line + run.err)


def _app_env(sim: Simulator, config_dir: Path) -> dict[str, str]:
    return {
        "IPERNITY_ENDPOINT": sim.endpoint,
        "IPERNITY_API_KEY": sim.api_key,
        "IPERNITY_API_SECRET": sim.api_secret,
        "IPERNITY_CONFIG_DIR": str(config_dir),
    }


def test_login_stores_a_token_that_whoami_uses_until_logout(
    sim: Simulator, config_dir: Path, start: Callable[..., Background]
) -> None:
    env = _app_env(sim, config_dir)
    run = _login(start, env)
    assert run.code == 0, run.err
    assert run.out.startswith("Logged in as demo (user_id ")
    assert "doc=write, network=read" in run.out
    stored = config_dir / "credentials.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    saved = CredentialStore(config_dir).load(sim.api_key)
    assert saved is not None
    token = saved.token

    who = ipernity("--json", "whoami", env=env)
    assert who.code == 0, who.err
    assert json.loads(who.out)["user"]["username"] == "demo"
    assert json.loads(who.out)["permissions"]["doc"] == "write"
    for output in (run, who):
        assert token not in output.text() and sim.api_secret not in output.text()

    assert ipernity("logout", env=env).out == "Logged out: the stored token is removed.\n"
    after = ipernity("whoami", env=env)
    assert (after.code, after.out) == (2, "")
    assert "not logged in" in after.err


def test_oauth_login_stores_a_token_later_calls_sign_with(
    sim: Simulator, config_dir: Path, start: Callable[..., Background]
) -> None:
    env = _app_env(sim, config_dir)
    run = _login(start, env, "--oauth")
    assert run.code == 0, run.err
    assert "/oauth/" in run.err
    quota = ipernity("call", "account.getQuota", env=env)
    assert quota.code == 0, quota.err
    assert json.loads(quota.out)["user_id"] == sim.state.member.user_id
    assert any("oauth_consumer_key" in call.params for call in sim.log.calls("account.getQuota"))


def test_whoami_with_a_token_ipernity_refuses_exits_1(sim: Simulator, config_dir: Path) -> None:
    env = {**_app_env(sim, config_dir), "IPERNITY_AUTH_TOKEN": "100001-not-a-token"}
    run = ipernity("whoami", env=env)
    assert run.code == 1
    assert run.out.startswith("The token is not valid: auth.checkToken: error ")
    assert "100001-not-a-token" not in run.text()
