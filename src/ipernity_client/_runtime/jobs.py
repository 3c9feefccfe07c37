"""What both bulk jobs share: the report of what was done, progress events, the bounded pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar

from .core import BaseClient, _fit_session
from .errors import IpernityError, ValidationError

T = TypeVar("T")
R = TypeVar("R")


# Errors that fail one item and let the job go on; anything else is a bug and stops it.
ITEM_ERRORS = (IpernityError, OSError)


@dataclass(frozen=True)
class Entry:
    """A file that was uploaded, saved or skipped, and its document."""

    path: Path
    doc_id: int | None


@dataclass(frozen=True)
class Failure:
    """An item that failed, with the typed error (``IpernityError`` or ``OSError``)."""

    path: Path | None
    doc_id: int | None
    error: Exception


@dataclass
class Report:
    """What a bulk job did: ``uploaded`` (upload_tree), ``downloaded`` (backup), ``skipped``, ``failed``."""

    uploaded: list[Entry] = field(default_factory=list)
    downloaded: list[Entry] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def __str__(self) -> str:
        parts = [f"{len(self.uploaded)} uploaded"] if self.uploaded else []
        parts += [f"{len(self.downloaded)} downloaded"] if self.downloaded else []
        return ", ".join([*parts, f"{len(self.skipped)} skipped", f"{len(self.failed)} failed"])


class Event(NamedTuple):
    """One item of a bulk job as it ends (or, for ``"sent"``, as its upload is accepted).

    ``outcome`` is ``"sent"`` (upload_tree: the file was accepted, its ticket is pending),
    ``"uploaded"``, ``"downloaded"``, ``"skipped"`` or ``"failed"`` (then ``error`` is set).
    ``done`` counts the items ended so far, this one included (a ``"sent"`` item is not ended);
    ``total`` is the number of items of the job.
    """

    outcome: str
    path: Path | None
    doc_id: int | None
    done: int
    total: int
    error: Exception | None = None


ProgressCallback = Callable[[Event], object]

# upload_tree's byte progress of one file: (path, bytes of the file sent so far, the file's size).
FileProgressCallback = Callable[[Path, int, int], object]


class Tally:
    """The report and the ``progress`` calls of one job; used from the calling thread only."""

    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.report = Report()
        self.total = total
        self.done = 0
        self._progress = progress

    def _tell(self, outcome: str, path: Path | None, doc_id: int | None, error: Exception | None = None) -> None:
        if self._progress is not None:
            self._progress(Event(outcome, path, doc_id, self.done, self.total, error))

    def sent(self, path: Path) -> None:
        self._tell("sent", path, None)

    def ended(self, outcome: str, path: Path, doc_id: int | None) -> None:
        self.done += 1
        getattr(self.report, outcome).append(Entry(path, doc_id))
        self._tell(outcome, path, doc_id)

    def failed(self, path: Path | None, doc_id: int | None, error: Exception) -> None:
        self.done += 1
        self.report.failed.append(Failure(path, doc_id, error))
        self._tell("failed", path, doc_id, error)


def run_bounded(
    workers: int, work: Callable[[T], R], items: Iterable[T], handle: Callable[[T, Future[R]], None]
) -> None:
    """``work(item)`` on at most ``workers`` threads; ``handle(item, future)`` in the calling thread as each ends.

    At most two items per worker are queued, so a long list costs no memory and an interruption
    (an exception from ``handle``, Ctrl-C) drops the queue at once and waits only for the items
    already running.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ipernity-bulk")
    pending: dict[Future[R], T] = {}

    def drain(until: int) -> None:
        while len(pending) > until:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                handle(pending.pop(future), future)

    try:
        for item in items:
            pending[pool.submit(work, item)] = item
            drain(2 * workers - 1)
        drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def pool_size_of(client: BaseClient) -> int | None:
    """How many connections the client's session keeps to its endpoint (requests' default is 10)."""
    if not isinstance(client, BaseClient):
        return None
    size = getattr(client.session.get_adapter(client.endpoint), "_pool_maxsize", None)
    return size if isinstance(size, int) else None


def check_workers(client: BaseClient, workers: int, job: str) -> None:
    """Refuse a bad client or worker count; size the client's connection pool to the workers.

    A client that made its own session gets a pool of ``workers`` connections when it had
    fewer; a session the caller gave is theirs to size, so too small a pool is refused.
    """
    problems = []
    if not isinstance(client, BaseClient):
        problems.append(f"client must be an ipernity_client.Client, got {type(client).__name__}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        problems.append(f"workers must be a positive int, got {workers!r}")
    else:
        pool = pool_size_of(client)
        if pool is not None and workers > pool:
            if client._own_session:
                _fit_session(client.session, True, workers)
            else:
                problems.append(
                    f"workers={workers} is more than the {pool} connections of the session given to the client;"
                    " mount a requests HTTPAdapter with pool_maxsize >= workers on it"
                )
    if problems:
        raise ValidationError(job, problems)
