"""Calling a method the generated client does not know: a method ipernity added after the build.

Nothing is known of it, so nothing is checked against a spec: the values are turned into wire
strings by their Python type, the call is signed (and carries the token) whenever the client can,
is sent by POST (which every ipernity method accepts), and the reply comes back as plain data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .errors import ValidationError
from .operation import Operation
from .validation import unencodable

PLAIN_DATA = "the reply's elements as plain data"


def loose_operation(method: str, *, has_secret: bool, has_token: bool) -> Operation:
    """A descriptor for ``method`` that asks for nothing the client cannot give."""
    return Operation(name=method, result=PLAIN_DATA, post=True, sign=has_secret, token=has_token)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return str(int(value.timestamp()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_text(item) for item in value)
    return value if isinstance(value, str) else str(value)


def loose_values(method: str, values: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """(wire parameters, files): paths, bytes and binary file objects are files, the rest text."""
    wire: dict[str, str] = {}
    uploads: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, (bytes, os.PathLike)) or hasattr(value, "read"):
            uploads[name] = value
        else:
            wire[name] = _text(value)
    problems = unencodable(wire)
    if problems:
        raise ValidationError(method, problems)
    return wire, uploads
