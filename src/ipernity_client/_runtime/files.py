"""Upload inputs: a path, bytes or an open binary file, streamed rather than read into memory."""

from __future__ import annotations

import os
from typing import IO, Union

FileInput = Union[str, os.PathLike[str], bytes, IO[bytes]]


def describe(value: object) -> str | None:
    """Why ``value`` cannot be uploaded, or None when it can."""
    if isinstance(value, bytes):
        return None
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if not os.path.isfile(path):
            return f"no such file: {path!r}"
        return None
    if hasattr(value, "read"):
        return None
    return f"expected a path, bytes or a binary file object, got {type(value).__name__}"


def open_part(value: FileInput) -> tuple[str, IO[bytes] | bytes, bool]:
    """(file name, content, whether we opened it and must close it) for a multipart part."""
    if isinstance(value, bytes):
        return "upload", value, False
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        return os.path.basename(path), open(path, "rb"), True
    name = getattr(value, "name", "upload")
    return os.path.basename(name) if isinstance(name, str) else "upload", value, False
