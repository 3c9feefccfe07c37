"""What goes to stdout: results as JSON (a reply's typed model as plain data) or as aligned text."""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data: a model's fields by name (unset ones left out, ``extra`` when not empty)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if item is not None and not (field.name == "extra" and not item):
                data[field.name] = to_data(item)
        return data
    if isinstance(value, Mapping):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [to_data(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def print_json(value: Any, stream: TextIO | None = None) -> None:
    """``value`` as indented JSON on stdout, non-ASCII kept as is."""
    out = stream or sys.stdout
    out.write(json.dumps(to_data(value), indent=2, ensure_ascii=False) + "\n")
    out.flush()


def print_table(
    rows: Sequence[tuple[str, str]], stream: TextIO | None = None, indent: str = "", width: int | None = None
) -> None:
    """Two columns, the first padded to its longest cell; with ``width``, the second wrapped under itself."""
    out = stream or sys.stdout
    column = max((len(left) for left, _ in rows), default=0)
    margin = " " * (len(indent) + column + 2)
    for left, right in rows:
        line = f"{indent}{left.ljust(column)}  {right}".rstrip()
        if width is not None and len(line) > width:
            line = textwrap.fill(line, width, subsequent_indent=margin, break_on_hyphens=False)
        out.write(line + "\n")
