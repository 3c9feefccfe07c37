"""The api_sig signature (notes 3.1): md5 of sorted name+value pairs, the method and the secret."""

from __future__ import annotations

from collections.abc import Mapping
from hashlib import md5

from .errors import ValidationError


def signature(params: Mapping[str, str], method: str, secret: str) -> str:
    """Sign wire-ready string values; leave the file and api_sig out of ``params``.

    ``method`` is empty for an authorization link. Text that is not valid Unicode (a lone
    surrogate) raises a ValidationError naming the parameter; the signed text, which holds the
    secret, is never part of an exception, not even a chained one.
    """
    text = "".join(name + params[name] for name in sorted(params)) + method + secret
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = None
    if data is None:  # raised here, outside the except block, so nothing is chained
        raise ValidationError(method or "authorization_url", _unencodable(params, method, secret))
    return md5(data).hexdigest()


def _unencodable(params: Mapping[str, str], method: str, secret: str) -> list[str]:
    """Which of the signed texts cannot be written as UTF-8, by name only."""
    named = {**{f"parameter {name!r}": name + value for name, value in params.items()}, "the method name": method}
    problems = [f"{what}: not valid Unicode text (a lone surrogate?)" for what, text in named.items() if _bad(text)]
    return problems + (["api_secret: not valid Unicode text"] if _bad(secret) else [])


def _bad(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
