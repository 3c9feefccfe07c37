"""Progress on stderr: tqdm bars with the ``cli`` extra on a terminal, else one plain line per item.

Plain lines are also what a log file or a CI job gets, where bars would be noise.
"""

from __future__ import annotations

import sys
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
    """The overall bar of a job (items) and one bar per file sent (bytes); plain lines without bars."""

    def __init__(self, label: str, *, bars: bool, secrets: tuple[str | None, ...] = (), stream: TextIO | None = None):
        self.label = label
        self.bars = bars
        self.secrets = secrets
        self.stream = stream or sys.stderr
        self._overall: Any = None

    def _line(self, text: str) -> None:
        text = scrub(text, self.secrets)
        if self._overall is not None:
            self._overall.write(text, file=self.stream)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def item(self, event: ItemEvent) -> None:
        """A bulk job's event: the overall bar moves, failures are written out."""
        name = event.path.name if event.path is not None else "?"
        if self.bars:
            if self._overall is None:
                self._overall = _tqdm()(total=event.total, desc=self.label, unit="file", file=self.stream)
            self._overall.total = event.total
            if event.outcome != "sent":
                self._overall.update(1)
            self._overall.set_postfix_str(name, refresh=True)
            if event.error is not None:
                self._line(f"failed {event.path}: {event.error}")
            return
        detail = f": {event.error}" if event.error is not None else ""
        self._line(f"[{event.done}/{event.total}] {event.outcome} {event.path}{detail}")

    def begin(self, label: str) -> None:
        """A new part of the job (the files given, then each folder): its own overall bar."""
        self.close()
        self.label = label

    def file(self, path: Path) -> FileProgress:
        """The byte progress of one file being sent."""
        return FileProgress(path, self)

    def close(self) -> None:
        if self._overall is not None:
            self._overall.close()
            self._overall = None


class FileProgress:
    """``(bytes_sent, total)`` callbacks of one upload as a bar (nothing without bars)."""

    def __init__(self, path: Path, progress: Progress) -> None:
        self.path = path
        self.progress = progress
        self._bar: Any = None

    def __call__(self, sent: int, total: int) -> None:
        if not self.progress.bars:
            return  # the "sent" line of the file's item says it
        if self._bar is None:
            self._bar = _tqdm()(
                total=total, desc=self.path.name, unit="B", unit_scale=True, leave=False, file=self.progress.stream
            )
        self._bar.update(sent - self._bar.n)
        if sent >= total:
            self._bar.close()
