"""``--verbose``: the package's DEBUG log on stderr, every known secret masked in every line."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .exits import scrub

LOGGER = "ipernity_client"


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then masks the secrets and any named credential in the whole line."""

    def __init__(self, secrets: Sequence[str | None]) -> None:
        super().__init__("%(asctime)s %(name)s %(levelname)s %(message)s")
        self._secrets = tuple(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record), self._secrets)


def verbose(secrets: Sequence[str | None]) -> logging.Handler:
    """Send the ``ipernity_client`` loggers' DEBUG records to stderr; returns the handler added."""
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter(secrets))
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return handler
