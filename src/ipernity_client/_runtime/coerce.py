"""Lenient conversions used by the generated models.

ipernity sends numbers as strings, 0/1 for flags, and ``[]`` or ``""`` for an empty object.
A value that cannot be converted becomes None; the model keeps the original in ``extra`` so
nothing the server sent is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def mapping(raw: Any) -> dict[str, Any]:
    """A reply element as a dict: ``[]``, ``""`` and None are empty; a bare text is ``_value``."""
    if isinstance(raw, dict):
        return raw
    if raw is None or raw == "" or raw == []:
        return {}
    while isinstance(raw, list):  # a loop, not recursion: a reply may nest lists a thousand deep
        if not raw:
            return {}
        raw = raw[0]
    return mapping(raw) if isinstance(raw, dict) or raw is None or raw == "" else {"_value": raw}


def items(raw: Any) -> list[Any]:
    """A repeated element as a list: a missing key is empty, a single item is wrapped."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, list):
        return raw
    return [raw]


def to_str(value: Any) -> str | None:
    if value.__class__ is str:  # nearly every value: the checks below are for the rest
        return value
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return value if isinstance(value, str) else str(value)


def to_int(value: Any) -> int | None:
    if value.__class__ is str:  # int() itself allows the surrounding blanks
        try:
            return int(value)
        except ValueError:
            return None
    if isinstance(value, bool) or value is None:
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    try:  # an int too large for a float (10**309) overflows
        return float(value) if isinstance(value, (int, float)) else float(str(value).strip())
    except (ValueError, OverflowError):
        return None


def to_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    number = to_int(value)
    if number is None:
        return None
    return number != 0


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": to_str,
    "int": to_int,
    "timestamp": to_int,
    "float": to_float,
    "bool": to_bool,
}


def take(raw: dict[str, Any], key: str, convert: Callable[[Any], T | None], extra: dict[str, Any]) -> T | None:
    """Pop ``key`` from ``raw`` through ``convert``; keep what does not convert in ``extra``."""
    value = raw.pop(key, None)
    if value is None:
        return None
    return _kept(key, value, convert(value), extra)


def take_str(raw: dict[str, Any], key: str, extra: dict[str, Any]) -> str | None:
    """``take`` with ``to_str``; a string, nearly every value, costs one look-up."""
    value = raw.pop(key, None)
    if value.__class__ is str or value is None:
        return value
    return _kept(key, value, to_str(value), extra)


def take_int(raw: dict[str, Any], key: str, extra: dict[str, Any]) -> int | None:
    """``take`` with ``to_int``; a string of digits, nearly every value, is converted inline."""
    value = raw.pop(key, None)
    if value.__class__ is str:
        try:
            return int(value)
        except ValueError:
            return _kept(key, value, None, extra)
    if value is None:
        return None
    return _kept(key, value, to_int(value), extra)


def _kept(key: str, value: Any, converted: T | None, extra: dict[str, Any]) -> T | None:
    """``converted``, keeping in ``extra`` a value that did not convert (an empty string is no value)."""
    if converted is None and value != "":
        extra[key] = value
    return converted


def one(raw: dict[str, Any], key: str, parse: Callable[[Any], T]) -> T | None:
    """Pop a child element and build it with ``parse``; an empty element is None."""
    value = raw.pop(key, None)
    if value is None or value == "" or value == [] or value == {}:
        return None
    return parse(value)


class MissingElement(Exception):
    """A reply without an element or attribute the spec says it always has (the client reports it as invalid)."""

    def __init__(self, key: str, what: str = "element") -> None:
        super().__init__(key)
        self.key = key
        self.what = what

    def __str__(self) -> str:
        return (
            f"the reply has no <{self.key}> element"
            if self.what == "element"
            else f"the reply has no {self.key} attribute"
        )


def present(value: T | None, key: str) -> T:
    """An attribute the spec marks as in every reply: absent (or not convertible) is MissingElement."""
    if value is None:
        raise MissingElement(key, "attribute")
    return value


def required(raw: dict[str, Any], key: str, parse: Callable[[Any], T | None]) -> T:
    """Pop the element a result is made of: absent (or a scalar that does not convert) is MissingElement.

    An empty element (``[]``, ``""``, ``{}``) is present: an empty tag list is still a tag list.
    """
    value = raw.pop(key, None)
    parsed = None if value is None else parse(value)
    if parsed is None:
        raise MissingElement(key)
    return parsed


def many(raw: dict[str, Any], key: str, parse: Callable[[Any], T]) -> list[T]:
    """Pop a repeated child element and build each item with ``parse``."""
    return [parse(value) for value in items(raw.pop(key, None))]


def attribute_map(raw: dict[str, Any]) -> dict[str, str]:
    """Pop every remaining attribute (what no field declares) as text; elements and text stay for ``rest``."""
    found = {
        key: to_str(value) or ""
        for key, value in raw.items()
        if key != "_value" and not isinstance(value, (dict, list))
    }
    for key in found:
        del raw[key]
    return found


def rest(raw: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """What the model did not declare: kept, never dropped."""
    if raw:
        extra.update(raw)
    return extra
