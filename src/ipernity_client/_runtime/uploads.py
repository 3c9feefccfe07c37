"""Uploads to the end: quota checked before sending, progress while sending, tickets waited for.

The generated ``client.upload`` namespace inherits ``UploadHelpers``: its ``file`` and
``replace`` methods send through ``_upload`` (quota check, progress callback), and it adds
``wait`` (poll upload.checkTickets as the notes 4.3 ask: never before a ticket's eta, never a
done ticket again, at most 50 a call) and ``file_and_wait`` (upload, wait, the new document).
"""

from __future__ import annotations

import mimetypes
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from .batching import chunks
from .core import BaseClient, Namespace, _parser
from .errors import ApiError, IpernityError, MethodError, ValidationError
from .files import FileInput
from .http import Progress
from .lazy import Attached
from .operation import Operation

__all__ = ["Progress", "UploadTicketError", "UploadTimeoutError", "media_of"]

TicketT = TypeVar("TicketT")
DocT = TypeVar("DocT")
T = TypeVar("T")

# upload.checkTickets takes at most 50 tickets a call (notes 4.3).
TICKETS_PER_CALL = 50
# upload.checkTickets' own error: "Some or all the tickets sent were not found."
TICKETS_NOT_FOUND = 1
# A ticket not done with an eta of 0 is asked about again after this many seconds, not at once.
MIN_POLL_SECONDS = 1.0
# The quota is read once per client, kept up to date locally as files are sent, and read again
# after this many seconds (other uploads of the member change it too).
QUOTA_TTL_SECONDS = 600.0
MEDIA_BY_MIME = {"image": "photo", "audio": "audio", "video": "video"}


class UploadTicketError(IpernityError):
    """Some tickets were invalid (the upload failed on ipernity's side); the others' results are kept.

    ``invalid`` lists the invalid tickets; ``done`` maps each finished ticket to its result.
    """

    def __init__(self, message: str, *, invalid: Sequence[str], done: Mapping[str, Any]) -> None:
        self.invalid = list(invalid)
        self.done = dict(done)
        super().__init__(message)


class UploadTimeoutError(UploadTicketError):
    """The wait ran out before every ticket was done; ``pending`` lists those still processing."""

    def __init__(
        self, message: str, *, pending: Sequence[str], invalid: Sequence[str], done: Mapping[str, Any]
    ) -> None:
        self.pending = list(pending)
        super().__init__(message, invalid=invalid, done=done)


def media_of(filename: str) -> str:
    """photo, audio, video or other, from the file name (the media types of account.getQuota)."""
    kind = (mimetypes.guess_type(filename)[0] or "").partition("/")[0]
    return MEDIA_BY_MIME.get(kind, "other")


def _name_and_size(file: FileInput) -> tuple[str, int | None]:
    """The upload's file name and size in bytes (None when the stream cannot tell)."""
    if isinstance(file, bytes):
        return "upload", len(file)
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        return os.path.basename(path), os.path.getsize(path)
    name = getattr(file, "name", "upload")
    try:
        size = os.fstat(file.fileno()).st_size - file.tell()
    except (AttributeError, OSError, ValueError):
        size = None
    return os.path.basename(name) if isinstance(name, str) else "upload", size


def _bytes_of(node: Any, *path: str) -> int | None:
    """``node.<path>.bytes`` of a quota model, None where the reply leaves it out."""
    for name in path:
        node = getattr(node, name, None)
    value = getattr(node, "bytes", None)
    return value if isinstance(value, int) else None


def _size(size: int) -> str:
    """A byte count for a message: 512 bytes, 20.0 KB, 3.5 MB, 1.2 GB."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


class QuotaCache:
    """account.getQuota, read once and kept up to date locally with the bytes sent since."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._quota: Any = None
        self._read_at = 0.0
        self._sent = 0

    def problems(self, client: BaseClient, filename: str, size: int) -> list[str]:
        """Why a file of ``size`` bytes named ``filename`` would be refused; reserves it if not."""
        with self._lock:
            if self._quota is None or time.monotonic() - self._read_at > QUOTA_TTL_SECONDS:
                self._quota = client.call("account.getQuota")
                self._read_at = time.monotonic()
                self._sent = 0
            media = media_of(filename)
            found = []
            largest = _bytes_of(self._quota, "maxfilesize", media)
            if largest is not None and size > largest:
                found.append(f"file: {_size(size)} is over the {_size(largest)} a {media} may be on this account")
            upload = getattr(self._quota, "upload", None)
            left = _bytes_of(upload, "left")
            if not getattr(upload, "unlimited", False) and left is not None and size > left - self._sent:
                found.append(f"file: {_size(size)} is over the {_size(max(0, left - self._sent))} of upload quota left")
            if not found:
                self._sent += size
            return found

    def release(self, size: int) -> None:
        """Give back what ``problems`` reserved for a file whose upload then failed."""
        with self._lock:
            self._sent = max(0, self._sent - size)


_QUOTAS: Attached[BaseClient, QuotaCache] = Attached(QuotaCache)


def quota_of(client: BaseClient) -> QuotaCache:
    """The client's one quota cache."""
    return _QUOTAS.of(client)


def _ticket_list(tickets: Sequence[str] | str, timeout: float) -> list[str]:
    """The tickets, once each, as text; a ValidationError for anything else."""
    items = [tickets] if isinstance(tickets, (str, int)) else tickets
    problems = []
    if isinstance(items, (bytes, Mapping)) or not isinstance(items, Sequence):
        problems.append(f"tickets: expected a ticket or a list of tickets, got {type(tickets).__name__}")
        items = []
    wanted = [str(item) for item in items if isinstance(item, (str, int)) and not isinstance(item, bool)]
    if len(wanted) != len(items):
        problems.append("tickets: every ticket must be the text upload.file or upload.replace returned")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
        problems.append(f"timeout: expected seconds (a number >= 0), got {timeout!r}")
    if problems:
        raise ValidationError("upload.wait", problems)
    return list(dict.fromkeys(wanted))


class _Clock:
    """Time as ``wait`` counts it, so that an injected ``sleep`` (a ManualClock's) works like a real one.

    Tickets are scheduled on ``slept`` (the sleeps asked for): a ticket is never asked about
    before its eta, whatever the calls took. The timeout counts ``elapsed``: those sleeps plus
    the real time spent outside them.
    """

    def __init__(self, sleep: Callable[[float], object]) -> None:
        self._sleep = sleep
        self._start = time.monotonic()
        self.slept = 0.0
        self._slept_real = 0.0

    def elapsed(self) -> float:
        return self.slept + (time.monotonic() - self._start - self._slept_real)

    def sleep(self, seconds: float) -> None:
        before = time.monotonic()
        self._sleep(seconds)
        self._slept_real += time.monotonic() - before
        self.slept += seconds


class UploadHelpers(Namespace, Generic[TicketT, DocT]):
    """What ``client.upload`` adds to the generated methods: quota checks, progress, waiting."""

    def _upload(
        self,
        operation: Operation,
        values: Mapping[str, Any],
        parse: Callable[[dict[str, Any]], T],
        *,
        progress: Progress | None,
        check_quota: bool,
    ) -> T:
        """Send an upload, checked against the account's quota (unless told not to) once its parameters are valid.

        The bytes a failed upload had reserved in the quota are given back.
        """
        reserved: list[int] = []
        check = (lambda: reserved.append(self._check_quota(operation, values))) if check_quota else None
        try:
            return self._client._invoke(operation, values, parse, progress=progress, before_send=check)
        except BaseException:
            if reserved and reserved[0]:
                quota_of(self._client).release(reserved[0])
            raise

    def _check_quota(self, operation: Operation, values: Mapping[str, Any]) -> int:
        """The file's bytes, now reserved in the quota; a ValidationError, nothing sent, when over a limit."""
        file = values.get("file")
        if file is None or isinstance(file, (str, os.PathLike)) and not os.path.isfile(os.fspath(file)):
            return 0  # the call's own validation names the problem
        filename, size = _name_and_size(file)
        problems = []
        if operation.name == "upload.replace" and values.get("doc_id") is not None:
            current = self._media_of_document(values["doc_id"])
            if current is not None and mimetypes.guess_type(filename)[0] and current != media_of(filename):
                problems.append(
                    f"file: {filename!r} is {media_of(filename)}, but document {values['doc_id']} is {current}: "
                    "a replacement must be of the same media type"
                )
        if size is not None and not problems:
            problems += quota_of(self._client).problems(self._client, filename, size)
        if problems:
            raise ValidationError(operation.name, problems)
        return size or 0

    def _media_of_document(self, doc_id: Any) -> str | None:
        """The media type of the document to replace; None when unknown (ipernity then names the problem)."""
        try:
            media = getattr(self._client.call("doc.get", doc_id=doc_id), "media", None)
        except ApiError:
            return None
        return media if isinstance(media, str) else None

    def wait(
        self, tickets: Sequence[str] | str, *, timeout: float = 600, sleep: Callable[[float], object] = time.sleep
    ) -> list[TicketT]:
        """Wait until every ticket is done; their results (with ``doc_id``), in the order given.

        Polls upload.checkTickets with at most 50 tickets a call, asks about a ticket no earlier
        than its ``eta`` and never again once done. Raises ``UploadTicketError`` naming the
        invalid tickets once the others are done (their results on ``.done``), and
        ``UploadTimeoutError`` when ``timeout`` seconds would pass first. ``sleep`` is
        injectable, e.g. a simulator's ``ManualClock.advance``.
        """
        wanted = _ticket_list(tickets, timeout)
        clock = _Clock(sleep)
        due = dict.fromkeys(wanted, 0.0)
        done: dict[str, TicketT] = {}
        invalid: list[str] = []
        while due:
            ready = [ticket for ticket, at in due.items() if at <= clock.slept]
            if not ready:
                pause = min(due.values()) - clock.slept
                if clock.elapsed() + pause > timeout:
                    raise UploadTimeoutError(
                        f"upload.checkTickets: {len(due)} ticket(s) still processing after {timeout:g} s: "
                        + ", ".join(due),
                        pending=list(due),
                        invalid=invalid,
                        done=done,
                    )
                clock.sleep(pause)
                continue
            for chunk in chunks(ready, TICKETS_PER_CALL):
                self._check(chunk, clock.slept, due, done, invalid)
        if invalid:
            raise UploadTicketError(
                f"upload.checkTickets: invalid ticket(s): {', '.join(invalid)}", invalid=invalid, done=done
            )
        return [done[ticket] for ticket in wanted]

    def _check(
        self, chunk: list[str], now: float, due: dict[str, float], done: dict[str, TicketT], invalid: list[str]
    ) -> None:
        """One upload.checkTickets call: settle what is done or invalid, schedule the rest at its eta.

        Error 1 ("some or all the tickets sent were not found") refuses the whole call: each
        ticket is then asked about alone, so the unknown ones are named and the others go on.
        """
        try:
            reply = self._client.call("upload.checkTickets", tickets=chunk)
        except MethodError as error:
            if error.code != TICKETS_NOT_FOUND:
                raise
            if len(chunk) == 1:
                invalid.append(chunk[0])
                del due[chunk[0]]
                return
            for ticket in chunk:
                self._check([ticket], now, due, done, invalid)
            return
        answered = {str(getattr(item, "id", "")): item for item in getattr(reply, "ticket", [])}
        for ticket in chunk:
            item = answered.get(ticket)
            if item is None or getattr(item, "invalid", False):
                invalid.append(ticket)
                del due[ticket]
            elif getattr(item, "done", False):
                done[ticket] = item
                del due[ticket]
            else:
                due[ticket] = now + max(float(getattr(item, "eta", 0) or 0), MIN_POLL_SECONDS)

    def send_file(
        self, file: FileInput, params: Mapping[str, Any], *, progress: Progress | None = None, check_quota: bool = True
    ) -> str:
        """upload.file with ``params`` (API names) and ``async`` set; its ticket."""
        operation = self._client._operation("upload.file")
        values = {"file": file, **params, "async": True}
        ticket: str = self._upload(
            operation, values, _parser(operation.result), progress=progress, check_quota=check_quota
        )
        return ticket

    def file_and_wait(
        self,
        *,
        file: FileInput,
        progress: Progress | None = None,
        timeout: float = 600,
        check_quota: bool = True,
        sleep: Callable[[float], object] = time.sleep,
        **params: Any,
    ) -> DocT:
        """upload.file, then wait for its ticket, then the new document (doc.get).

        ``params`` are upload.file's (title, is_public, album_id…); ``async`` is set for you.
        """
        if "async_" in params or "async" in params:
            raise ValidationError("upload.file", ["async: file_and_wait always uploads asynchronously; leave it out"])
        ticket = self.send_file(file, params, progress=progress, check_quota=check_quota)
        (result,) = self.wait([ticket], timeout=timeout, sleep=sleep)
        doc: DocT = self._client.call("doc.get", doc_id=result.doc_id)  # type: ignore[attr-defined]
        return doc
