"""Checking a call against its operation and turning values into the strings sent on the wire.

Every problem is collected before raising, so one ValidationError names all of them. Values are
encoded once here; the signer and the three codecs all use the same strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from . import files
from .errors import ValidationError
from .operation import Operation, Param

NUMERIC = {"int", "float", "timestamp"}
# What XML 1.0 cannot carry, even escaped: most control characters, surrogates, U+FFFE and U+FFFF.
# Written as the excluded ranges: the complement over all of Unicode takes milliseconds to compile.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _scalar(param: Param, kind: str, value: Any) -> tuple[str | None, str | None]:
    """(wire string, None) or (None, problem) for one value of ``kind``."""
    if kind == "string":
        if isinstance(value, str):
            return value, None
        return None, f"expected a string, got {type(value).__name__}"
    if kind == "bool":
        if isinstance(value, bool) or value in (0, 1):
            return ("1" if value else "0"), None
        return None, f"expected a bool, got {value!r}"
    if kind == "enum":
        text = str(value) if not isinstance(value, bool) else ""
        if text in param.values:
            return text, None
        return None, f"{value!r} is not one of {', '.join(param.values)}"
    if kind == "id":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), None
        if isinstance(value, str) and value.strip() and "," not in value:
            return value.strip(), None
        return None, f"expected an id (int or non-empty str), got {value!r}"
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            number: float = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value)
        else:
            return None, f"expected an int, got {value!r}"
        text = str(int(number))
    elif kind == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = value
        else:
            return None, f"expected a number, got {value!r}"
        text = str(value)
    elif kind == "timestamp":
        if isinstance(value, datetime):
            number = int(value.timestamp())
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            return None, f"expected a unix timestamp (int) or a datetime, got {value!r}"
        text = str(int(number))
    else:
        return None, f"cannot send a {kind} here"
    if param.minimum is not None and number < param.minimum:
        return None, f"{value!r} is below the minimum {param.minimum:g}"
    if param.maximum is not None and number > param.maximum:
        return None, f"{value!r} is above the maximum {param.maximum:g}"
    return text, None


def _list(param: Param, value: Any) -> tuple[str | None, list[str]]:
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    elif not isinstance(value, Sequence) or isinstance(value, (bytes, bytearray)):
        return None, [f"{param.name}: expected a list or a comma separated str, got {type(value).__name__}"]
    problems: list[str] = []
    if param.max_items is not None and len(value) > param.max_items:
        problems.append(f"{param.name}: {len(value)} items, the API takes at most {param.max_items}")
    encoded: list[str] = []
    for index, item in enumerate(value):
        text, problem = _scalar(param, param.items or "string", item)
        if problem:
            problems.append(f"{param.name}[{index}]: {problem}")
        elif text is not None:
            if "," in text:
                problems.append(f"{param.name}[{index}]: an item cannot contain a comma")
            encoded.append(text)
    return ",".join(encoded), problems


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` naming the closest of ``known``, or nothing when none is close."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def prepare(
    operation: Operation,
    values: Mapping[str, Any],
    *,
    has_secret: bool,
    has_token: bool,
    validate: bool = True,
) -> tuple[dict[str, str], dict[str, Any]]:
    """(wire parameters, files) for a call; raises ValidationError listing every problem."""
    problems: list[str] = []
    wire: dict[str, str] = {}
    uploads: dict[str, Any] = {}
    by_name = operation.by_name
    for name, value in values.items():
        if value is None:
            continue
        param = by_name.get(name)
        if param is None:
            if validate:
                known = ", ".join(by_name) or "none"
                problems.append(f"unknown parameter {name!r}{did_you_mean(name, by_name)}; known: {known}")
                continue
            wire[name] = value if isinstance(value, str) else str(value)
            continue
        if param.type == "file":
            problem = files.describe(value)
            if problem:
                problems.append(f"{name}: {problem}")
            else:
                uploads[name] = value
            continue
        if param.type == "list":
            text, found = _list(param, value)
        else:
            text, problem = _scalar(param, param.type, value)
            found = [f"{name}: {problem}"] if problem else []
        if found and not validate:
            text, found = (value if isinstance(value, str) else str(value)), []
        problems.extend(found)
        if text is not None and (text != "" or param.type != "list"):
            wire[name] = text
    if validate:
        for param in operation.params:
            if param.required and param.name not in wire and param.name not in uploads:
                problems.append(f"missing required parameter {param.name!r}")
        if operation.sign and not has_secret:
            problems.append("the method must be signed but the client has no api_secret")
        if operation.token and not has_token:
            problems.append("the method needs an auth token but the client has none (see auth.getToken)")
    if problems:
        raise ValidationError(operation.name, problems)
    return wire, uploads


def check_xml_text(operation: Operation, wire: Mapping[str, str]) -> None:
    """Refuse values an XML envelope cannot carry; SOAP and XML-RPC check before encoding."""
    problems = [
        f"{name}: {match.group()!r} cannot be sent in XML (SOAP, XML-RPC); use REST"
        for name, value in wire.items()
        if (match := NOT_XML.search(value))
    ]
    if problems:
        raise ValidationError(operation.name, problems)
