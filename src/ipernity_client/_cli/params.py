"""``name=value`` words of ``ipernity call`` turned into typed values by the method's parameter types.

Values are converted as far as the type allows; what cannot be converted is passed on as typed,
so the client's validation names the problem in its usual words, beside every other problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .._runtime.errors import ValidationError
from .._runtime.operation import Operation, Param
from .._runtime.validation import prepare

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def _scalar(kind: str, text: str) -> Any:
    """``text`` as a value of ``kind``, or ``text`` itself when it is not one."""
    lowered = text.strip().lower()
    if kind == "bool":
        return True if lowered in TRUE else False if lowered in FALSE else text
    if kind == "int" and lowered.lstrip("-").isdigit():
        return int(lowered)
    if kind == "float":
        try:
            return float(lowered)
        except ValueError:
            return text
    if kind == "timestamp":
        if lowered.lstrip("-").isdigit():
            return int(lowered)
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    return text


def _value(param: Param, text: str) -> Any:
    if param.type == "list":
        return [_scalar(param.items or "string", item.strip()) for item in text.split(",") if item.strip()]
    return _scalar(param.type, text)


def parse(operation: Operation, words: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """(values, problems) of ``name=value`` words; a list parameter may be given more than once."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for word in words:
        name, equals, text = word.partition("=")
        if not equals or not name:
            problems.append(f"{word!r}: write parameters as name=value")
            continue
        param = operation.by_name.get(name)
        if param is None:
            values[name] = text
        elif param.type == "file":
            if text.startswith("@") and len(text) > 1:
                values[name] = text[1:]
            else:
                problems.append(f"{name}: give a file as {name}=@PATH")
        elif param.type == "list" and name in values:
            values[name] = [*values[name], *_value(param, text)]
        elif name in values:
            problems.append(f"{name}: given more than once")
        else:
            values[name] = _value(param, text)
    return values, problems


def check(operation: Operation, words: Sequence[str], *, has_secret: bool, has_token: bool) -> dict[str, Any]:
    """The values of ``words``; a ValidationError lists every problem, the command line's and the client's."""
    values, problems = parse(operation, words)
    if problems:
        try:
            prepare(operation, values, has_secret=has_secret, has_token=has_token)
        except ValidationError as error:
            flagged = {problem.partition(":")[0] for problem in problems}
            problems += [p for p in error.problems if not _missing(p, flagged)]
        raise ValidationError(operation.name, problems)
    return values


def _missing(problem: str, names: Iterable[str]) -> bool:
    """Whether ``problem`` only says a parameter already reported is missing."""
    return any(problem == f"missing required parameter {name!r}" for name in names)
