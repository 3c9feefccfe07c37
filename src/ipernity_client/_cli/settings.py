"""Who the command acts as and where: options first, then the IPERNITY_* environment variables."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import NamedTuple

from .._runtime import environment
from .exits import UsageError

ENV_KEY = environment.API_KEY
ENV_SECRET = environment.API_SECRET
ENV_TOKEN = environment.AUTH_TOKEN
ENV_ENDPOINT = environment.ENDPOINT


class Settings(NamedTuple):
    """The credentials and endpoint of one run; ``repr`` shows which are set, never their values."""

    key: str | None
    secret: str | None
    token: str | None
    endpoint: str | None
    verbose: bool = False
    json: bool = False

    def __repr__(self) -> str:
        given = [name for name in ("key", "secret", "token") if getattr(self, name)]
        return f"Settings(endpoint={self.endpoint!r}, given={given})"

    @property
    def secrets(self) -> tuple[str | None, ...]:
        """What must never be printed: the app secret and the token."""
        return (self.secret, self.token)

    def require_key(self) -> str:
        if not self.key:
            raise UsageError([f"no API key: pass --key or set {ENV_KEY}"])
        return self.key


def settings(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The settings of a parsed command line; an empty variable counts as not set."""

    def pick(option: str, variable: str) -> str | None:
        value = getattr(args, option, None)
        return value or environ.get(variable) or None

    return Settings(
        key=pick("key", ENV_KEY),
        secret=pick("secret", ENV_SECRET),
        token=pick("token", ENV_TOKEN),
        endpoint=pick("endpoint", ENV_ENDPOINT),
        verbose=bool(getattr(args, "verbose", False)),
        json=bool(getattr(args, "json", False)),
    )
