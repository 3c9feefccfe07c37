"""Checking a call against its operation and turning values into the strings sent on the wire.

Every problem is collected before raising, so one ValidationError names all of them. Values are
encoded once here; the signer and the three codecs all use the same strings.
"""

from __future__ import annotations

import math
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


# The widest integer sent: ipernity's ids and counts are 64-bit; a bigger int cannot be meant.
INT_LIMIT = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def shown(value: object) -> str:
    """``repr(value)`` for a message, kept short; never fails, even for a 5,000-digit int."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an int of {value.bit_length()} bits"
    try:
        text = repr(value)
    except Exception:  # a caller's object whose __repr__ fails still gets a message
        return f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def _number(kind: str, value: Any) -> tuple[float | int | None, str | None]:
    """(number, None) or (None, problem) for an int, float or timestamp parameter."""
    if kind == "int":
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return None, f"expected an int, got {shown(value)}"
    elif kind == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None, f"expected a number, got {shown(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"{value!r} is not a finite number"
    elif isinstance(value, datetime):
        try:
            value = int(value.timestamp())
        except (OverflowError, OSError, ValueError):
            return None, f"{shown(value)} has no unix timestamp"
    elif not isinstance(value, int) or isinstance(value, bool):
        return None, f"expected a unix timestamp (int) or a datetime, got {shown(value)}"
    if isinstance(value, int) and abs(value) > INT_LIMIT:
        return None, f"{shown(value)} is out of range (at most {INT_LIMIT})"
    return value, None


def _scalar(param: Param, kind: str, value: Any) -> tuple[str | None, str | None]:
    """(wire string, None) or (None, problem) for one value of ``kind``."""
    if kind == "string":
        if isinstance(value, str):
            return value, None
        return None, f"expected a string, got {type(value).__name__}"
    if kind == "bool":
        if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
            return ("1" if value else "0"), None
        return None, f"expected a bool, got {shown(value)}"
    if kind == "enum":
        text = value if isinstance(value, str) else as_text(value)[0] if isinstance(value, int) else None
        if text is not None and text in param.values:
            return text, None
        return None, f"{shown(value)} is not one of {', '.join(param.values)}"
    if kind == "id":
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > INT_LIMIT:
                return None, f"{shown(value)} is out of range (at most {INT_LIMIT})"
            return str(value), None
        if isinstance(value, str) and value.strip() and "," not in value:
            return value.strip(), None
        return None, f"expected an id (int or non-empty str), got {shown(value)}"
    if kind not in NUMERIC:
        return None, f"cannot send a {kind} here"
    number, problem = _number(kind, value)
    if number is None:
        return None, problem
    if param.minimum is not None and number < param.minimum:
        return None, f"{shown(value)} is below the minimum {param.minimum:g}"
    if param.maximum is not None and number > param.maximum:
        return None, f"{shown(value)} is above the maximum {param.maximum:g}"
    return (repr(number) if isinstance(number, float) else str(number)), None


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


def _fold(name: str) -> str:
    """A name compared loosely: case and underscores ignored, so ``get_list`` meets ``getList``."""
    return name.replace("_", "").casefold()


def python_name(method: str) -> str:
    """The typed spelling of an API method: ``doc.getList`` as ``client.doc.get_list``."""
    return "client." + ".".join(_SNAKE.sub(r"_\1", part).lower() for part in method.split("."))


_SNAKE = re.compile(r"(?<=[a-z0-9])([A-Z])")


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` naming the closest of ``known``, or nothing when none is close.

    ``doc.get_list`` (the Python spelling) finds ``doc.getList``; a method is suggested in both
    spellings: `` (did you mean 'doc.getList', client.doc.get_list?)``.
    """
    import difflib

    names = list(known)
    folded = {_fold(candidate): candidate for candidate in names}
    given = _fold(name.removeprefix("client."))
    match = folded.get(given)
    if match is None:
        close = difflib.get_close_matches(given, list(folded), n=1)
        match = folded[close[0]] if close else None
    if match is None:
        return ""
    return f" (did you mean {match!r}, {python_name(match)}?)" if "." in match else f" (did you mean {match!r}?)"


def unencodable(wire: Mapping[str, str]) -> list[str]:
    """Values that cannot be written as UTF-8 (a lone surrogate, as a file name can give)."""
    problems = []
    for name, value in wire.items():
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                problems.append(
                    f"{name}: {value[exc.start]!r} at {exc.start} is not valid Unicode text (a lone surrogate)"
                )
    return problems


def as_text(value: Any) -> tuple[str | None, str | None]:
    """What ``validate=False`` sends for a value it does not check: its str()."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_LIMIT:
        return None, f"{shown(value)} is out of range (at most {INT_LIMIT})"
    try:
        return str(value), None
    except Exception:  # a caller's object whose __str__ fails
        return None, f"{type(value).__name__} cannot be turned into text"


def prepare(
    operation: Operation,
    values: Mapping[str, Any],
    *,
    has_secret: bool,
    has_token: bool,
    validate: bool = True,
) -> tuple[dict[str, str], dict[str, Any]]:
    """(wire parameters, files) for a call; raises ValidationError listing every problem.

    A parameter that was given but refused is not also reported as missing.
    """
    problems: list[str] = []
    wire: dict[str, str] = {}
    uploads: dict[str, Any] = {}
    refused: set[str] = set()
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
            text, problem = as_text(value)
            found = [f"{name}: {problem}"] if problem else []
        elif param.type == "file":
            problem = files.describe(value)
            if problem:
                problems.append(f"{name}: {problem}")
                refused.add(name)
            else:
                uploads[name] = value
            continue
        elif param.type == "list":
            text, found = _list(param, value)
        else:
            text, problem = _scalar(param, param.type, value)
            found = [f"{name}: {problem}"] if problem else []
        if found and not validate and param is not None:
            text, problem = as_text(value)
            found = [f"{name}: {problem}"] if problem else []
        if found:
            problems.extend(found)
            refused.add(name)
        elif text is not None and (text != "" or param is None or param.type != "list"):
            wire[name] = text
    problems += unencodable(wire)
    if validate:
        for param in operation.params:
            if param.required and param.name not in wire and param.name not in uploads and param.name not in refused:
                problems.append(f"missing required parameter {param.name!r}")
        if operation.sign and not has_secret:
            problems.append("the method must be signed but the client has no api_secret")
        if operation.token and not has_token:
            problems.append("the method needs an auth token but the client has none (see auth.getToken)")
    return checked(operation.name, problems, wire, uploads)


def checked(
    method: str, problems: list[str], wire: dict[str, str], uploads: dict[str, Any]
) -> tuple[dict[str, str], dict[str, Any]]:
    """(wire, uploads) once nothing is wrong, the files made ready to send; else every problem raised.

    Files are readied (a pipe spooled) only then, so a call refused for another reason reads none.
    """
    if not problems:
        for name, value in uploads.items():
            uploads[name], problem = files.ready(value)
            if problem:
                problems.append(f"{name}: {problem}")
    if problems:
        raise ValidationError(method, problems)
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
