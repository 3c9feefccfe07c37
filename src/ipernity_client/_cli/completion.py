"""Tab completion of method names and ``name=value`` words, for argcomplete.

argcomplete (in the ``cli`` extra) rather than click: the command is plain argparse, so the
package needs nothing beyond the standard library to run it, and completion is an opt-in
extra. Activate it with ``eval "$(register-python-argcomplete ipernity)"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .binding import Binding

Completer = Callable[..., list[str]]
BOOLEANS = ("true", "false")


def method_names(binding: Binding) -> Completer:
    """Completes METHOD from the operation table."""

    def complete(prefix: str, **_: Any) -> list[str]:
        return sorted(name for name in binding.api.operations if name.startswith(prefix))

    return complete


def parameter_words(binding: Binding) -> Completer:
    """Completes ``name=`` with the method's parameters not yet given, then an enum's or a flag's values."""

    def complete(prefix: str, parsed_args: Any = None, **_: Any) -> list[str]:
        operation = binding.api.operations.get(getattr(parsed_args, "method", None) or "")
        if operation is None:
            return []
        name, equals, value = prefix.partition("=")
        if equals:
            param = operation.by_name.get(name)
            if param is None:
                return []
            kind = param.items if param.type == "list" else param.type
            choices = param.values if kind == "enum" else BOOLEANS if kind == "bool" else ()
            done, comma, item = value.rpartition(",") if param.type == "list" else ("", "", value)
            return [f"{name}={done}{comma}{choice}" for choice in choices if choice.startswith(item)]
        given = {word.partition("=")[0] for word in getattr(parsed_args, "params", None) or ()}
        return [f"{p.name}=" for p in operation.params if p.name.startswith(name) and p.name not in given]

    return complete
