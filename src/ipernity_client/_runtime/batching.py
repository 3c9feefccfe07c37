"""Calling a method with a list longer than it takes: one call per chunk at the method's maximum.

The typed methods refuse such a list (``ValidationError``); ``Client.batched`` is the explicit way
to send it in pieces (20 doc ids for group.docs.add, 20 checksums for doc.checkMD5, 50 tickets).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .errors import ValidationError
from .operation import Operation


def _as_items(value: Any) -> list[Any] | None:
    """The items of a list value (a sequence or a comma-separated string); None for anything else."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return list(value)
    return None


def chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in consecutive pieces of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def split_param(operation: Operation, params: Mapping[str, Any]) -> tuple[str, int, list[Any]] | None:
    """(name, maximum, items) of the one list parameter to split; None when every list fits in one call.

    Only one parameter may be over its maximum: splitting two at once has no single meaning.
    """
    over: list[tuple[str, int, list[Any]]] = []
    for param in operation.params:
        if param.max_items is None or params.get(param.name) is None:
            continue
        items = _as_items(params[param.name])
        if items is not None and len(items) > param.max_items:
            over.append((param.name, param.max_items, items))
    if len(over) > 1:
        names = ", ".join(name for name, _, _ in over)
        raise ValidationError(operation.name, [f"only one list can be split into batches; {names} are all too long"])
    return over[0] if over else None


def batched(operation: Operation, params: Mapping[str, Any], call: Callable[[Mapping[str, Any]], Any]) -> list[Any]:
    """Each chunk's reply, in order: ``call`` once per chunk of the over-long list (once if none is)."""
    found = split_param(operation, params)
    if found is None:
        return [call(params)]
    name, size, items = found
    return [call({**params, name: chunk}) for chunk in chunks(items, size)]
