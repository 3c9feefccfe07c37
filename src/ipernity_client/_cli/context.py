"""One run of the command: its binding, its settings, and the clients and messages it makes."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .binding import Binding
from .exits import scrub
from .settings import ENV_KEY, ENV_SECRET, Settings

if TYPE_CHECKING:
    from .._runtime.core import BaseClient


class Context:
    """What a sub-command works with; messages go to stderr, masked, so stdout holds only results."""

    def __init__(self, binding: Binding, settings: Settings) -> None:
        self.binding = binding
        self.settings = settings

    def client(self, *, stored: bool = True, **options: Any) -> BaseClient:
        """A client with the run's key, secret, token and endpoint; ``options`` as ``Client`` takes them.

        Without a token given, the one ``ipernity login`` stored for the key is used (frob flow
        or OAuth) unless ``stored`` is false.
        """
        settings = self.settings
        key = settings.require_key()
        client_class = self.binding.client_class()
        options.setdefault("endpoint", settings.endpoint)
        if settings.token or not settings.secret or not stored:
            return client_class(key, settings.secret, settings.token, **options)
        given = {ENV_KEY: key, ENV_SECRET: settings.secret}
        return client_class.from_env(environ=given, store=True, **options)

    def masked(self, text: str) -> str:
        """``text`` with the run's secrets masked."""
        return scrub(text, self.settings.secrets)

    def say(self, message: str) -> None:
        """A message for the person at the terminal, on stderr."""
        sys.stderr.write(scrub(message, self.settings.secrets) + "\n")
        sys.stderr.flush()
