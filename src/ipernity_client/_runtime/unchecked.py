"""Calling a method the generated client does not know: a method ipernity added after the build.

Nothing is known of it, so nothing is checked against a spec: the values are turned into wire
strings by their Python type, the call is signed (and carries the token) whenever the client can,
is sent by POST (which every ipernity method accepts), and the reply comes back as plain data.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from . import files
from .errors import ValidationError
from .operation import Operation
from .validation import as_text, checked, shown, unencodable

PLAIN_DATA = "the reply's elements as plain data"
# What an ipernity method name looks like ("doc.getList", "api.methods.get"): it goes into the URL
# path over REST, so nothing else (a slash, a space, "..") may pass.
METHOD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")


def loose_operation(method: object, *, has_secret: bool, has_token: bool) -> Operation:
    """A descriptor for ``method`` that asks for nothing the client cannot give."""
    if not isinstance(method, str) or not METHOD_NAME.fullmatch(method):
        raise ValidationError("call", [f"method name {shown(method)} is not an API name such as 'doc.getList'"])
    return Operation(name=method, result=PLAIN_DATA, post=True, sign=has_secret, token=has_token)


def _text(value: Any) -> tuple[str | None, str | None]:
    """(wire string, None) or (None, problem): the value as text by its Python type."""
    if isinstance(value, bool):
        return ("1" if value else "0"), None
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"{value!r} is not a finite number"
    if isinstance(value, datetime):
        try:
            return str(int(value.timestamp())), None
        except (OverflowError, OSError, ValueError):
            return None, f"{shown(value)} has no unix timestamp"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_text(item) for item in value]
        problem = next((problem for _, problem in items if problem), None)
        return (None, problem) if problem else (",".join(text or "" for text, _ in items), None)
    if isinstance(value, Mapping):
        return None, "a mapping cannot be sent as one parameter; pass its entries as parameters"
    return as_text(value)


def loose_values(method: str, values: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """(wire parameters, files): paths, bytes and binary file objects are files, the rest text.

    Files get the checks of a typed upload (missing path, directory, closed or text-mode file),
    and a stream that cannot seek is spooled, so every attempt sends the same bytes.
    """
    wire: dict[str, str] = {}
    uploads: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, (bytes, os.PathLike)) or hasattr(value, "read"):
            problem = files.describe(value)
            if problem is None:
                uploads[name] = value
        else:
            text, problem = _text(value)
            if text is not None:
                wire[name] = text
        if problem:
            problems.append(f"{name}: {problem}")
    return checked(method, problems + unencodable(wire), wire, uploads)
