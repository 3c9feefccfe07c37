"""Progress on stderr: tqdm bars with the ``cli`` extra on a terminal, else one plain line per item.

Plain lines are also what a log file or a CI job gets, where bars would be noise.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TextIO

from .exits import scrub


class ItemEvent(Protocol):
    """What a bulk job reports as each item ends (``ipernity_client.bulk.Event``)."""

    @property
    def outcome(self) -> str: ...

    @property
    def path(self) -> Path | None: ...

    @property
    def done(self) -> int: ...

    @property
    def total(self) -> int: ...

    @property
    def error(self) -> Exception | None: ...


def _tqdm() -> Any:
    """tqdm's class when the ``cli`` extra is installed, else None."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


def want_bars(stream: TextIO) -> bool:
    """Bars only where someone watches: a terminal, and tqdm installed."""
    return stream.isatty() and _tqdm() is not None


class Progress:
    """The overall bar of a job (items) and one bar per file being sent (bytes); plain lines without bars.

    Files stream from the worker threads of a job while its events come from the calling thread,
    so every bar is created, moved and closed under one lock. The overall bar keeps the top line
    and each file in flight takes the lowest line free below it, given back when the file ends.
    """

    def __init__(self, label: str, *, bars: bool, secrets: tuple[str | None, ...] = (), stream: TextIO | None = None):
        self.label = label
        self.bars = bars
        self.secrets = secrets
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._overall: Any = None
        self._files: dict[Path, tuple[Any, int]] = {}  # the bar of each file in flight, and its line

    def _line(self, text: str) -> None:
        text = scrub(text, self.secrets)
        if self._overall is not None or self._files:
            _tqdm().write(text, file=self.stream)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def item(self, event: ItemEvent) -> None:
        """A bulk job's event: the item's file bar (if any) ends, the overall bar moves, failures are written out."""
        name = event.path.name if event.path is not None else "?"
        with self._lock:
            if not self.bars:
                detail = f": {event.error}" if event.error is not None else ""
                self._line(f"[{event.done}/{event.total}] {event.outcome} {event.path}{detail}")
                return
            if event.path is not None:
                self._end_file(event.path)
            if self._overall is None:
                self._overall = _tqdm()(total=event.total, desc=self.label, unit="file", file=self.stream, position=0)
            self._overall.total = event.total
            if event.outcome != "sent":
                self._overall.update(1)
            self._overall.set_postfix_str(name, refresh=True)
            if event.error is not None:
                self._line(f"failed {event.path}: {event.error}")

    def sending(self, path: Path, sent: int, total: int) -> None:
        """Bytes of ``path`` sent so far, out of ``total``: its bar, closed at the end. Thread-safe."""
        if not self.bars:
            return  # the file's "sent" line says it
        with self._lock:
            bar, _ = self._files.get(path, (None, 0))
            if bar is None:
                taken = {line for _, line in self._files.values()}
                line = next(line for line in range(1, len(taken) + 2) if line not in taken)
                bar = _tqdm()(
                    total=total,
                    desc=path.name,
                    unit="B",
                    unit_scale=True,
                    leave=False,
                    file=self.stream,
                    position=line,
                )
                self._files[path] = (bar, line)
            bar.total = total
            bar.update(sent - bar.n)
            if sent >= total:
                self._end_file(path)

    def _end_file(self, path: Path) -> None:
        bar, _ = self._files.pop(path, (None, 0))
        if bar is not None:
            bar.close()

    def begin(self, label: str) -> None:
        """A new part of the job (the files given, then each folder): its own overall bar."""
        self.close()
        self.label = label

    def file(self, path: Path) -> Callable[[int, int], None]:
        """The ``(bytes_sent, total)`` progress callback of one file being sent."""
        return partial(self.sending, path)

    def close(self) -> None:
        """Close every bar still open (the job ended, or was interrupted)."""
        with self._lock:
            for path in list(self._files):
                self._end_file(path)
            if self._overall is not None:
                self._overall.close()
                self._overall = None
