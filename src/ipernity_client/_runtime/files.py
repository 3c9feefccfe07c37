"""Upload inputs: a path, bytes or an open binary file, streamed rather than read into memory.

A file object must be open for reading in binary mode. One that cannot seek (a pipe,
``sys.stdin.buffer``, an object with only ``read``) cannot tell its length, which a multipart
body needs: it is copied once into a temporary file (at most ``SPOOL_LIMIT`` bytes) and that
copy is sent. A seekable one is sent from where it stands, and from there again on a retry.
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import IO, Any, NamedTuple, Union

FileInput = Union[str, os.PathLike[str], bytes, IO[bytes]]

SPOOL_LIMIT = 1024**3
# Copies up to this size stay in memory; larger ones go to a temporary file on disk.
SPOOL_IN_MEMORY = 8 * 1024**2
_CHUNK = 1024**2


class Rewound(NamedTuple):
    """A file object and the position its content starts at, sought before each attempt."""

    file: IO[bytes]
    start: int
    name: str


def describe(value: object) -> str | None:
    """Why ``value`` cannot be uploaded, or None when it can (a stream's content is checked by ``ready``)."""
    if isinstance(value, bytes):
        return None
    if isinstance(value, (str, os.PathLike)):
        return _path_problem(os.fspath(value))
    if not callable(getattr(value, "read", None)):
        return f"expected a path, bytes or a binary file object, got {type(value).__name__}"
    if getattr(value, "closed", False) is True:
        return "the file object is closed"
    mode = getattr(value, "mode", None)
    if isinstance(value, io.TextIOBase) or (isinstance(mode, str) and "b" not in mode and "r" in mode):
        return "the file is open in text mode; open it with 'rb' (for standard input: sys.stdin.buffer)"
    return None


def _path_problem(path: str | bytes) -> str | None:
    shown = os.fsdecode(path)
    if os.path.isdir(path):
        return f"{shown!r} is a directory, not a file"
    if not os.path.isfile(path):
        return f"no such file: {shown!r}"
    if not os.access(path, os.R_OK):
        return f"{shown!r} cannot be read (permission denied)"
    return None


def ready(value: FileInput) -> tuple[Any, str | None]:
    """(what ``open_part`` sends, None) or (None, problem) for a value ``describe`` accepted.

    Paths and bytes are kept as they are; a seekable file object is kept with its position;
    any other stream is copied into a bounded temporary file now, once for every attempt.
    """
    if isinstance(value, (bytes, str, os.PathLike)):
        return value, None
    name = _name(value)
    if _seekable(value):
        try:
            return Rewound(value, value.tell(), name), None
        except (OSError, ValueError) as exc:
            return None, f"the file object cannot tell its position ({type(exc).__name__})"
    return _spool(value, name)


def _spool(stream: IO[bytes], name: str) -> tuple[Any, str | None]:
    """A copy of ``stream`` in a temporary file, or the reason it cannot be made."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    problem = None
    size = 0
    try:
        while chunk := stream.read(_CHUNK):
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                problem = f"read() gave {type(chunk).__name__}, not bytes: open the file in binary mode"
                break
            size += len(chunk)
            if size > SPOOL_LIMIT:
                problem = f"the stream cannot seek and is longer than {SPOOL_LIMIT} bytes; pass a path instead"
                break
            copy.write(chunk)
    except (OSError, ValueError) as exc:
        problem = f"the stream could not be read ({type(exc).__name__})"
    if problem is not None:
        copy.close()
        return None, problem
    copy.seek(0)
    return Rewound(copy, 0, name), None


def _seekable(value: Any) -> bool:
    try:
        if callable(getattr(value, "seekable", None)):
            return bool(value.seekable())
        return callable(getattr(value, "seek", None)) and callable(getattr(value, "tell", None))
    except (OSError, ValueError):
        return False


def _name(value: object) -> str:
    """The file name a part is sent with: the object's own, made safe to write in a header."""
    name = getattr(value, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    return _safe(os.path.basename(name)) if isinstance(name, str) and name else "upload"


def _safe(name: str) -> str:
    """A file name that encodes as UTF-8: undecodable bytes (lone surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def open_part(value: Any) -> tuple[str, IO[bytes] | bytes, bool]:
    """(file name, content, whether we opened it and must close it) for a multipart part."""
    if isinstance(value, bytes):
        return "upload", value, False
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        return _safe(os.path.basename(path)), open(path, "rb"), True
    if isinstance(value, Rewound):
        value.file.seek(value.start)
        return value.name, value.file, False
    return _name(value), value, False
