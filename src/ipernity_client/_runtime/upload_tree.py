"""Uploading a folder: every media file once, resumable from a journal, with bounded concurrency."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .batching import chunks
from .core import BaseClient
from .errors import IpernityError, ValidationError
from .jobs import (
    ITEM_ERRORS,
    FileProgressCallback,
    ProgressCallback,
    Report,
    Tally,
    check_workers,
    run_bounded,
)
from .uploads import Progress, UploadHelpers, UploadTicketError, UploadTimeoutError

# doc.checkMD5 takes at most 20 checksums a call.
MD5_PER_CALL = 20


# Bytes read or written at a time: hashing, downloading.
CHUNK = 1024 * 1024


# What the state file's first line says, so that another file is never appended to by mistake.
STATE_HEADER = {"ipernity_client": "upload_tree", "version": 1}


MEDIA_KINDS = ("image/", "video/", "audio/")


def _uploads(client: BaseClient) -> UploadHelpers[Any, Any]:
    namespace = getattr(client, "upload", None)
    if not isinstance(namespace, UploadHelpers):
        raise ValidationError("upload_tree", ["the client has no upload helpers; pass an ipernity_client.Client"])
    return namespace


@dataclass
class _File:
    """A file to upload and what is known of it: from this run or from the state file."""

    path: Path
    name: str
    size: int
    mtime_ns: int
    md5: str = ""
    ticket: str | None = None
    doc_id: int | None = None


class Journal:
    """The state file of ``upload_tree``: one JSON object a line, appended and flushed as things happen.

    A line records a file's fingerprint and ticket once sent, or its document once done. Only
    appending means an interruption loses at most a torn last line, which loading ignores.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._handle: Any = None

    def load(self) -> dict[str, dict[str, Any]]:
        """The last record of each file by its name under the folder; empty for a new file."""
        if not self.path.parent.is_dir() or self.path.is_dir():
            raise ValidationError("upload_tree", [f"state: {str(self.path)!r} must be a file in an existing folder"])
        if not self.path.exists():
            return {}
        records: dict[str, dict[str, Any]] = {}
        with self.path.open("r", encoding="utf-8") as handle:
            lines = iter(handle)
            first = next(lines, "")
            if _json_line(first) != STATE_HEADER:
                raise ValidationError("upload_tree", [f"state: {str(self.path)!r} is not an upload_tree state file"])
            for line in lines:
                record = _json_line(line)
                if isinstance(record, dict) and isinstance(record.get("name"), str):
                    records.setdefault(record["name"], {}).update(record)
        return records

    def write(self, **record: Any) -> None:
        with self._lock:
            if self._handle is None:
                new = not self.path.exists() or self.path.stat().st_size == 0
                self._handle = self.path.open("a", encoding="utf-8")
                if new:
                    self._handle.write(json.dumps(STATE_HEADER) + "\n")
            self._handle.write(json.dumps(record, separators=(",", ":")) + "\n")
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _json_line(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def is_media(path: Path) -> bool:
    """A photo, video or audio file, by its name."""
    kind = mimetypes.guess_type(path.name)[0] or ""
    return kind.startswith(MEDIA_KINDS)


def _media_files(root: Path, skip: Path | None) -> Iterator[Path]:
    """Every media file under ``root``, in name order; hidden files and folders are left out."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = Path(folder, name)
            if not name.startswith(".") and is_media(path) and path != skip:
                yield path


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(root: Path, path: Path, known: Mapping[str, dict[str, Any]]) -> _File:
    """The file with its md5; what the state file knows of it, if the file has not changed since."""
    stat = path.stat()
    name = path.relative_to(root).as_posix()
    found = _File(path, name, stat.st_size, stat.st_mtime_ns)
    record = known.get(name, {})
    if record.get("size") == found.size and record.get("mtime_ns") == found.mtime_ns and record.get("md5"):
        found.md5, found.ticket, found.doc_id = record["md5"], record.get("ticket"), record.get("doc_id")
    else:
        found.md5 = _md5(path)
    return found


def upload_tree(
    client: BaseClient,
    folder: str | os.PathLike[str],
    *,
    workers: int = 4,
    album_id: int | None = None,
    is_public: bool | None = False,
    state: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    file_progress: FileProgressCallback | None = None,
    check_quota: bool = True,
    timeout: float = 600,
    sleep: Callable[[float], object] = time.sleep,
) -> Report:
    """Upload every photo, video and audio file under ``folder``; a ``Report`` of what happened.

    Files already on the account (doc.checkMD5, 20 checksums a call) are skipped; the others
    are uploaded by ``workers`` threads (titled with their file name, private unless
    ``is_public``, into ``album_id`` if given), then their tickets are waited for together
    (``timeout`` seconds at most). With ``state`` (a file path), every accepted upload and every
    finished document is recorded there as it happens, so an interrupted run started again
    re-sends nothing: it waits for the tickets still pending and uploads only the rest. A
    failure (quota, unreadable file, invalid ticket…) is listed in ``Report.failed`` and the
    others go on. ``progress(event)`` is called from the calling thread (see ``Event``); an
    exception it raises stops the run, state kept.

    ``file_progress(path, sent, size)`` follows each file as it streams: bytes of the file sent
    so far (the request body's progress scaled to the file), at the start, at least every MiB
    and at the end (``sent == size``); a send retried after a rate limit starts again from 0.
    It is called from the worker threads, several files at once: it must be thread-safe and
    should not raise. A file's last call comes before its ``"sent"`` or ``"failed"`` event,
    which also tells when a send stopped short.
    """
    check_workers(client, workers, "upload_tree")
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError("upload_tree", [f"folder: {str(root)!r} is not a folder"])
    uploads = _uploads(client)
    journal = Journal(Path(state)) if state is not None else None
    known = journal.load() if journal is not None else {}
    paths = list(_media_files(root, Path(state) if state is not None else None))
    tally = Tally(len(paths), progress)
    try:
        files = _fingerprints(root, paths, known, workers, tally)
        unknown = [f for f in files if f.ticket is None and f.doc_id is None]
        fresh = _not_on_account(client, unknown, workers, tally, journal)
        for item in files:
            if item.doc_id is not None:
                tally.ended("skipped", item.path, item.doc_id)
        params: dict[str, Any] = {"is_public": is_public, "album_id": album_id}

        def send(item: _File) -> _File:
            streaming = _file_bytes(item, file_progress) if file_progress is not None else None
            values = {"title": item.path.stem, **params}
            item.ticket = uploads.send_file(item.path, values, progress=streaming, check_quota=check_quota)
            if journal is not None:
                journal.write(name=item.name, size=item.size, mtime_ns=item.mtime_ns, md5=item.md5, ticket=item.ticket)
            return item

        def sent(item: _File, future: Future[_File]) -> None:
            try:
                future.result()
            except ITEM_ERRORS as error:
                tally.failed(item.path, None, error)
            else:
                tally.sent(item.path)

        run_bounded(workers, send, fresh, sent)
        pending = [f for f in files if f.ticket is not None and f.doc_id is None]
        _wait_for(uploads, pending, journal, tally, timeout, sleep)
    finally:
        if journal is not None:
            journal.close()
    return tally.report


def _file_bytes(item: _File, file_progress: FileProgressCallback) -> Progress:
    """The upload's ``(body_sent, body_total)`` as ``file_progress(path, file_sent, file_size)``."""

    def report(sent: int, total: int) -> None:
        file_progress(item.path, item.size if sent >= total else sent * item.size // total, item.size)

    return report


def _fingerprints(
    root: Path, paths: list[Path], known: Mapping[str, dict[str, Any]], workers: int, tally: Tally
) -> list[_File]:
    """Every readable file with its md5 (hashed in the pool); unreadable ones fail."""
    found: list[_File] = []

    def handle(path: Path, future: Future[_File]) -> None:
        try:
            found.append(future.result())
        except OSError as error:
            tally.failed(path, None, error)

    run_bounded(workers, lambda path: _fingerprint(root, path, known), paths, handle)
    return sorted(found, key=lambda item: item.name)


def _not_on_account(
    client: BaseClient, files: list[_File], workers: int, tally: Tally, journal: Journal | None
) -> list[_File]:
    """``files`` less those doc.checkMD5 finds on the account (skipped, and so recorded)."""
    by_md5: dict[str, list[_File]] = {}
    for item in files:
        by_md5.setdefault(item.md5, []).append(item)
    found: dict[str, int] = {}

    def check(batch: list[str]) -> Any:
        return client.call("doc.checkMD5", md5=batch)

    def handle(batch: list[str], future: Future[Any]) -> None:
        try:
            reply = future.result()
        except IpernityError:
            return  # unknown: the files are uploaded (a duplicate beats a missing file)
        for match in getattr(reply, "doc", []):
            if getattr(match, "found", False) and getattr(match, "doc_id", None) is not None:
                found[str(getattr(match, "md5", "")).lower()] = match.doc_id

    run_bounded(workers, check, chunks(list(by_md5), MD5_PER_CALL), handle)
    fresh = []
    for item in files:
        doc_id = found.get(item.md5)
        if doc_id is None:
            fresh.append(item)
            continue
        if journal is not None:
            journal.write(name=item.name, size=item.size, mtime_ns=item.mtime_ns, md5=item.md5, doc_id=doc_id)
        tally.ended("skipped", item.path, doc_id)
    return fresh


def _wait_for(
    uploads: UploadHelpers[Any, Any],
    pending: list[_File],
    journal: Journal | None,
    tally: Tally,
    timeout: float,
    sleep: Callable[[float], object],
) -> None:
    """Wait for the tickets together; record each document, fail each invalid or late ticket.

    When the wait itself fails (connection lost, tickets refused…), every ticket not known to be
    done fails with that error; the state file keeps them, so the next run waits for them again.
    """
    if not pending:
        return
    by_ticket = {item.ticket: item for item in pending if item.ticket is not None}
    invalid: list[str] = []
    late: list[str] = []
    error: Exception | None = None
    try:
        results = dict(zip(by_ticket, uploads.wait(list(by_ticket), timeout=timeout, sleep=sleep), strict=True))
    except UploadTicketError as failure:
        results, invalid, error = failure.done, failure.invalid, failure
        late = failure.pending if isinstance(failure, UploadTimeoutError) else []
    except ITEM_ERRORS as failure:
        results, error, late = {}, failure, list(by_ticket)
    for ticket, result in results.items():
        item = by_ticket[ticket]
        item.doc_id = getattr(result, "doc_id", None)
        if journal is not None:
            journal.write(name=item.name, doc_id=item.doc_id)
        tally.ended("uploaded", item.path, item.doc_id)
    for ticket in invalid:
        item = by_ticket[ticket]
        if journal is not None:
            journal.write(name=item.name, ticket=None)
        tally.failed(
            item.path, None, UploadTicketError(f"{item.name}: ticket {ticket} is invalid", invalid=[ticket], done={})
        )
    for ticket in late:
        assert error is not None
        tally.failed(by_ticket[ticket].path, None, error)
