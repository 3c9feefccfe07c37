"""Logging under the ``ipernity_client`` logger, with no credential in any line.

One DEBUG line per attempt (method, protocol, format, parameters, HTTP status, duration) and one
INFO line per retry. Signed GET URLs carry ``auth_token`` and ``api_sig`` in their query, and
urllib3 logs every request line at DEBUG: a filter on urllib3's logger masks those values, so
turning on DEBUG for the whole process shows no credential either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

LOGGER = logging.getLogger("ipernity_client")
# Wire names whose values are never written anywhere (log lines, exception texts): tokens, signatures, secrets.
SECRET_NAMES = frozenset(
    {
        "api_secret",
        "auth_token",
        "api_sig",
        "oauth_token",
        "oauth_token_secret",
        "oauth_signature",
        "oauth_consumer_secret",
    }
)
HIDDEN = "***"
_SECRET_IN_QUERY = re.compile(r"\b(" + "|".join(sorted(SECRET_NAMES)) + r")=[^&\s\"'#]*", re.IGNORECASE)
# The api_key, or OAuth's consumer key (the same key under OAuth): shown shortened, never whole.
KEY_NAMES = ("api_key", "oauth_consumer_key")
_KEY_IN_QUERY = re.compile(r"\b(api_key|oauth_consumer_key)=([^&\s\"'#…]+)")


def mask_key(key: str) -> str:
    """Enough of an api_key to tell two apart in a log, not enough to use it."""
    return f"{key[:4]}…{key[-2:]}" if len(key) > 8 else "…"


def shown_params(wire: Mapping[str, str], uploads: Mapping[str, Any]) -> str:
    """``name=value`` pairs for a log line: secrets hidden, the key shortened, files by name only."""
    pairs = []
    for name, value in wire.items():
        if name in SECRET_NAMES:
            value = HIDDEN
        elif name in KEY_NAMES:
            value = mask_key(value)
        elif len(value) > 80:
            value = value[:80] + "…"
        pairs.append(f"{name}={value}")
    pairs += [f"{name}=<file>" for name in uploads]
    return " ".join(pairs)


def hide_named(text: str) -> str:
    """``text`` with the value of every ``name=value`` whose name is a credential's hidden."""
    return _SECRET_IN_QUERY.sub(lambda match: f"{match.group(1)}={HIDDEN}", text)


def scrub_query(text: str) -> str:
    """``text`` with every credential-named query parameter hidden and the key shortened."""
    text = hide_named(text)
    return _KEY_IN_QUERY.sub(lambda match: f"{match.group(1)}={mask_key(match.group(2))}", text)


class CredentialFilter(logging.Filter):
    """Rewrites a record whose text holds a credential in a query string (urllib3's request lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub_query(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = CredentialFilter()


def guard_urllib3() -> None:
    """Install the filter on urllib3's connection pool logger, once per process."""
    pool_logger = logging.getLogger("urllib3.connectionpool")
    if _FILTER not in pool_logger.filters:
        pool_logger.addFilter(_FILTER)


def log_attempt(
    method: str,
    transport: str,
    params: str,
    status: int | None,
    seconds: float,
    attempt: int,
    outcome: str,
) -> None:
    """The DEBUG line of one attempt; ``params`` comes from ``shown_params``."""
    http = f"HTTP {status}" if status is not None else "no HTTP reply"
    LOGGER.debug(
        "%s over %s (%s) -> %s, %s in %.1f ms, attempt %d",
        method,
        transport,
        params,
        outcome,
        http,
        seconds * 1000,
        attempt,
    )


def log_retry(method: str, error: BaseException, attempt: int, delay: float) -> None:
    LOGGER.info("%s failed (%s); attempt %d in %.2f s", method, type(error).__name__, attempt + 1, delay)
