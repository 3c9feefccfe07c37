"""The command run as a user runs it (a subprocess, ``python -m ipernity_client``) against a simulator.

Each subprocess costs the interpreter's start and the package's import, so the tests run few of
them; the parsing and formatting details are tested in-process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipernity_client.testing import Simulator

# Generous: only a hung command reaches it, and then the test fails instead of hanging the suite.
HANG = 120
ALL_PERMS = {"doc": "delete", "blog": "delete", "post": "delete", "network": "delete", "profile": "delete"}


@dataclass
class Run:
    """A finished command: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def text(self) -> str:
        return self.out + self.err


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any IPERNITY_* variable, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("IPERNITY_")}
    env.update(extra or {})
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ipernity_client", *args]


def ipernity(*args: str, env: Mapping[str, str] | None = None) -> Run:
    """Run ``ipernity ARGS`` to the end."""
    done = subprocess.run(command(*args), capture_output=True, text=True, env=environment(env), timeout=HANG)
    return Run(done.returncode, done.stdout, done.stderr)


def start(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``ipernity ARGS`` in the background, its output piped."""
    return subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(env)
    )


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(upload_seconds=0) as simulator:
        yield simulator


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


def env_for(sim: Simulator, config_dir: Path) -> dict[str, str]:
    """The variables that make the command act as the demo member on ``sim``, with every permission."""
    return {
        "IPERNITY_ENDPOINT": sim.endpoint,
        "IPERNITY_API_KEY": sim.api_key,
        "IPERNITY_API_SECRET": sim.api_secret,
        "IPERNITY_AUTH_TOKEN": sim.token(ALL_PERMS).token,
        "IPERNITY_CONFIG_DIR": str(config_dir),
    }


@pytest.fixture
def member_env(sim: Simulator, config_dir: Path) -> dict[str, str]:
    return env_for(sim, config_dir)


def assert_no_secret(run: Run, env: Mapping[str, str]) -> None:
    """Neither the secret nor the token appears anywhere in what the command printed."""
    for name in ("IPERNITY_API_SECRET", "IPERNITY_AUTH_TOKEN"):
        assert env[name] not in run.text(), name
