"""Checking ``Client(...)`` arguments when the client is made, so a typo fails there, all at once.

A wrong type found on the first call (or never, for an option only read on a retry) is far from
its cause; here every problem is collected and raised as one ValidationError. Messages name the
argument and its type, never the value of a credential.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from .api import ServiceFacts
from .ratelimit import RateLimit
from .retry import RetryPolicy
from .validation import did_you_mean

CREDENTIALS = ("api_secret", "auth_token")


def _url_problem(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{name} must be a str URL, got {type(value).__name__}"
    try:
        parts = urlsplit(value)
    except ValueError:
        return f"{name} {value!r} is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{name} {value!r} must be an http:// or https:// URL with a host"
    return None


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf")


def _timeout_problem(timeout: object) -> str | None:
    if _positive(timeout):
        return None
    if isinstance(timeout, tuple) and len(timeout) == 2 and all(_positive(part) for part in timeout):
        return None
    return f"timeout must be a positive number of seconds or a (connect, read) pair of them, got {timeout!r}"


def option_problems(service: ServiceFacts, options: Mapping[str, object]) -> list[str]:
    """Every problem with the common ``Client`` options in ``options`` (those absent are not checked)."""
    problems: list[str] = []
    api_key = options.get("api_key")
    if not isinstance(api_key, str) or not api_key:
        problems.append(f"api_key must be a non-empty str, got {type(api_key).__name__}")
    for name in CREDENTIALS:
        value = options.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{name} must be a str or None, got {type(value).__name__}")
    protocol, fmt = options.get("protocol"), options.get("format")
    if protocol not in service.protocols:
        problems.append(f"protocol {protocol!r} is not one of {', '.join(service.protocols)}")
    if fmt not in service.client_formats:
        problems.append(f"format {fmt!r} is not one of {', '.join(service.client_formats)}")
    problems += [p for name in ("endpoint", "authorize_url") if (p := _url_problem(name, options.get(name)))]
    if "timeout" in options and (problem := _timeout_problem(options["timeout"])):
        problems.append(problem)
    retry = options.get("retry")
    if retry is not None and not isinstance(retry, RetryPolicy):
        problems.append(f"retry must be a RetryPolicy or None, got {type(retry).__name__}")
    rate_limit = options.get("rate_limit")
    if rate_limit is not None and not isinstance(rate_limit, RateLimit):
        problems.append(f"rate_limit must be a RateLimit or None, got {type(rate_limit).__name__}")
    session = options.get("session")
    if session is not None and not isinstance(session, requests.Session):
        problems.append(f"session must be a requests.Session or None, got {type(session).__name__}")
    if not isinstance(options.get("validate", True), bool):
        problems.append(f"validate must be a bool, got {type(options['validate']).__name__}")
    for name in ("deadline", "attempt_deadline"):
        value = options.get(name)
        if value is not None and not _positive(value):
            problems.append(f"{name} must be a positive number of seconds or None, got {value!r}")
    max_size = options.get("max_reply_size", 1)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 1:
        problems.append(f"max_reply_size must be a positive int (bytes), got {max_size!r}")
    pool_size = options.get("pool_size")
    if pool_size is not None and (not isinstance(pool_size, int) or isinstance(pool_size, bool) or pool_size < 1):
        problems.append(f"pool_size must be a positive int or None, got {pool_size!r}")
    return problems


def constructor_problems(service: ServiceFacts, init: Callable[..., Any], values: Mapping[str, object]) -> list[str]:
    """``option_problems`` for ``values`` as ``init`` would take them: defaults filled in, unknown names listed.

    For the other ways to make a client (from the environment, for OAuth), which gather their own
    problems first and should report these with them, in one error.
    """
    import inspect  # here: it costs more to import than the rest of the client's checks

    parameters = inspect.signature(init).parameters
    defaults = {name: p.default for name, p in parameters.items() if p.default is not inspect.Parameter.empty}
    known = [name for name in parameters if name != "self"]
    unknown = [f"unknown option {name!r}{did_you_mean(name, known)}" for name in values if name not in parameters]
    return unknown + option_problems(service, {**defaults, **values})
