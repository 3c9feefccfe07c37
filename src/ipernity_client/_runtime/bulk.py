"""The two jobs people write scripts for: upload a folder, and back up an account.

Both share one client across a bounded pool of worker threads, go on after a failure (each is
listed in the ``Report`` with its typed error), call ``progress(event)`` from the calling thread
as each item ends, and can be interrupted (Ctrl-C, or an exception raised by ``progress``) and
run again: ``upload_tree`` keeps a journal in its ``state`` file and re-sends nothing already
sent; ``backup`` skips the files already saved with the right size.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import requests

from .batching import chunks
from .core import BaseClient
from .errors import ConnectionFailedError, IpernityError, RequestTimeoutError, TransportError, ValidationError
from .uploads import UploadHelpers, UploadTicketError, UploadTimeoutError

__all__ = ["DownloadError", "Entry", "Event", "Failure", "Report", "backup", "upload_tree"]

T = TypeVar("T")
R = TypeVar("R")

# doc.checkMD5 takes at most 20 checksums a call.
MD5_PER_CALL = 20
# Bytes read or written at a time: hashing, downloading.
CHUNK = 1024 * 1024
# What the state file's first line says, so that another file is never appended to by mistake.
STATE_HEADER = {"ipernity_client": "upload_tree", "version": 1}
MEDIA_KINDS = ("image/", "video/", "audio/")
SAFE_EXT = re.compile(r"[a-z0-9]{1,10}")
# Parts of doc.get that describe the site's view of a document rather than the document itself.
SIDECAR_LEAVES_OUT = frozenset({"thumb", "thumbs", "medias", "can", "you", "count"})
# Errors that fail one item and let the job go on; anything else is a bug and stops it.
ITEM_ERRORS = (IpernityError, OSError)


class DownloadError(IpernityError):
    """A document's original file could not be saved: bad status, size mismatch, refused URL."""

    def __init__(self, reason: str, *, doc_id: int) -> None:
        self.reason = reason
        self.doc_id = doc_id
        super().__init__(f"document {doc_id}: {reason}")


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


class _Tally:
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


def _pool_size(client: BaseClient) -> int | None:
    """How many connections the client's session keeps to its endpoint (requests' default is 10)."""
    if not isinstance(client, BaseClient):
        return None
    size = getattr(client.session.get_adapter(client.endpoint), "_pool_maxsize", None)
    return size if isinstance(size, int) else None


def _check_workers(client: BaseClient, workers: int, job: str) -> None:
    problems = []
    if not isinstance(client, BaseClient):
        problems.append(f"client must be an ipernity_client.Client, got {type(client).__name__}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        problems.append(f"workers must be a positive int, got {workers!r}")
    else:
        pool = _pool_size(client)
        if pool is not None and workers > pool:
            problems.append(f"workers={workers} is more than the client's {pool} connections; create it with pool_size")
    if problems:
        raise ValidationError(job, problems)


def _uploads(client: BaseClient) -> UploadHelpers[Any, Any]:
    namespace = getattr(client, "upload", None)
    if not isinstance(namespace, UploadHelpers):
        raise ValidationError("upload_tree", ["the client has no upload helpers; pass an ipernity_client.Client"])
    return namespace


# --- upload_tree -------------------------------------------------------------------------------


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
    """
    _check_workers(client, workers, "upload_tree")
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError("upload_tree", [f"folder: {str(root)!r} is not a folder"])
    uploads = _uploads(client)
    journal = Journal(Path(state)) if state is not None else None
    known = journal.load() if journal is not None else {}
    paths = list(_media_files(root, Path(state) if state is not None else None))
    tally = _Tally(len(paths), progress)
    try:
        files = _fingerprints(root, paths, known, workers, tally)
        unknown = [f for f in files if f.ticket is None and f.doc_id is None]
        fresh = _not_on_account(client, unknown, workers, tally, journal)
        for item in files:
            if item.doc_id is not None:
                tally.ended("skipped", item.path, item.doc_id)
        params: dict[str, Any] = {"is_public": is_public, "album_id": album_id}

        def send(item: _File) -> _File:
            item.ticket = uploads.send_file(item.path, {"title": item.path.stem, **params}, check_quota=check_quota)
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


def _fingerprints(
    root: Path, paths: list[Path], known: Mapping[str, dict[str, Any]], workers: int, tally: _Tally
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
    client: BaseClient, files: list[_File], workers: int, tally: _Tally, journal: Journal | None
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
    tally: _Tally,
    timeout: float,
    sleep: Callable[[float], object],
) -> None:
    """Wait for the tickets together; record each document, fail each invalid or late ticket."""
    if not pending:
        return
    by_ticket = {item.ticket: item for item in pending if item.ticket is not None}
    invalid: list[str] = []
    late: list[str] = []
    error: UploadTicketError | None = None
    try:
        results = dict(zip(by_ticket, uploads.wait(list(by_ticket), timeout=timeout, sleep=sleep), strict=True))
    except UploadTicketError as failure:
        results, invalid, error = failure.done, failure.invalid, failure
        late = failure.pending if isinstance(failure, UploadTimeoutError) else []
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


# --- backup ------------------------------------------------------------------------------------


class _Doc(NamedTuple):
    """What the listing says of a document: enough to skip it when it is already saved."""

    doc_id: int
    ext: str
    size: int | None


def _me(client: BaseClient) -> int:
    """The token's member (auth.checkToken)."""
    if not client.auth_token:
        raise ValidationError("backup", ["user_id: give it, or a client with an auth_token to back up its member"])
    auth = client.call("auth.checkToken")
    user_id = getattr(getattr(auth, "user", None), "user_id", None)
    if not isinstance(user_id, int):
        raise ValidationError("backup", ["user_id: auth.checkToken named no member; give user_id"])
    return user_id


def _safe_ext(original: Any) -> str:
    """The original's extension if it is a plain one, else ``bin``: it comes from the server, so never a path."""
    ext = str(getattr(original, "ext", "") or "").lower()
    if not ext:
        ext = Path(str(getattr(original, "filename", "") or "")).suffix.lstrip(".").lower()
    return ext if SAFE_EXT.fullmatch(ext) else "bin"


def _listed(item: Any) -> _Doc | None:
    doc_id = getattr(item, "doc_id", None)
    if not isinstance(doc_id, int):
        return None
    original = getattr(item, "original", None)
    size = getattr(original, "bytes", None)
    return _Doc(doc_id, _safe_ext(original), size if isinstance(size, int) else None)


def _saved(path: Path, size: int | None) -> bool:
    try:
        return size is not None and path.stat().st_size == size
    except OSError:
        return False


def _plain(value: Any) -> Any:
    """A reply model as JSON data: fields left out when empty, unknown fields kept."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {}
        for item in fields(value):
            found = _plain(getattr(value, item.name))
            if found not in (None, {}, []):
                out[item.name] = found
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _sidecar(doc: Any, containers: Any, media: Path) -> dict[str, Any]:
    """The metadata kept beside the file: title, description, tags, dates, geo, visibility, albums."""
    data = {name: value for name, value in _plain(doc).items() if name not in SIDECAR_LEAVES_OUT}
    data["file"] = media.name
    for kind, item in (("albums", "album"), ("groups", "group")):
        data[kind] = [_plain(found) for found in getattr(getattr(containers, kind, None), item, None) or []]
    return dict(sorted(data.items()))


def _atomic_write(target: Path, chunks_of: Iterable[bytes], expected: int | None) -> int:
    """Write to a temporary file beside ``target``, check the size, then rename it into place."""
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False)
    written = 0
    try:
        with handle:
            for block in chunks_of:
                written += len(block)
                if expected is not None and written > expected:
                    raise ValueError(f"more than the {expected} bytes announced")
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
        if expected is not None and written != expected:
            raise ValueError(f"{written} bytes received, {expected} announced")
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return written


def _download(client: BaseClient, doc_id: int, url: str, target: Path, size: int | None) -> None:
    """Stream ``url`` to ``target`` (never whole in memory) and verify its size."""
    if not url.startswith(("http://", "https://")):
        raise DownloadError(f"refused original URL {url.split('?')[0]!r}", doc_id=doc_id)
    where = url.split("?")[0]
    try:
        with client.session.get(url, stream=True, timeout=client.timeout) as response:
            if response.status_code != 200:
                raise DownloadError(f"HTTP {response.status_code} for {where}", doc_id=doc_id)
            length = response.headers.get("Content-Length")
            expected = size if size is not None else (int(length) if length and length.isdigit() else None)
            try:
                _atomic_write(target, response.iter_content(CHUNK), expected)
            except ValueError as mismatch:
                raise DownloadError(f"{mismatch} ({where})", doc_id=doc_id) from None
    except requests.Timeout:
        raise RequestTimeoutError("no reply in time", method="download", url=where) from None
    except requests.ConnectionError:
        raise ConnectionFailedError("connection failed", method="download", url=where) from None
    except requests.RequestException as exc:
        raise TransportError(f"request failed ({type(exc).__name__})", method="download", url=where) from None


def _save(client: BaseClient, dest: Path, listed: _Doc) -> tuple[str, Path]:
    """Save one document's original and sidecar unless both are there already; (outcome, file)."""
    media = dest / f"{listed.doc_id}.{listed.ext}"
    sidecar = dest / f"{listed.doc_id}.json"
    if _saved(media, listed.size) and sidecar.exists():
        return "skipped", media
    doc = client.call("doc.get", doc_id=listed.doc_id, extra=["tags", "geo"])
    original = getattr(doc, "original", None)
    if getattr(original, "url", None) is None:
        original = getattr(client.call("doc.getMedias", doc_id=listed.doc_id), "original", None)
    url = getattr(original, "url", None)
    if not url:
        raise DownloadError("no original file URL in doc.get nor doc.getMedias", doc_id=listed.doc_id)
    media = dest / f"{listed.doc_id}.{_safe_ext(original)}"
    size = getattr(original, "bytes", None)
    size = size if isinstance(size, int) else listed.size
    if not _saved(media, size):
        _download(client, listed.doc_id, str(url), media, size)
    containers = client.call("doc.getContainers", doc_id=listed.doc_id)
    text = json.dumps(_sidecar(doc, containers, media), indent=2, ensure_ascii=False).encode("utf-8")
    _atomic_write(sidecar, [text], None)
    return "downloaded", media


def backup(
    client: BaseClient,
    dest: str | os.PathLike[str],
    *,
    user_id: int | None = None,
    workers: int = 4,
    progress: ProgressCallback | None = None,
) -> Report:
    """Save every document of a member (the token's by default) into ``dest``; a ``Report``.

    For each document: its original file as ``<doc_id>.<ext>`` (streamed to disk, its size
    checked against the API's, written to a temporary file then renamed into place) and a
    ``<doc_id>.json`` sidecar with its metadata (title, description, tags, dates, geo,
    visibility, licence, albums). Documents whose file and sidecar are already there with the
    right size are skipped, so a run started again resumes. ``workers`` threads share the
    client; ``progress(event)`` is called from the calling thread as each document ends.
    """
    _check_workers(client, workers, "backup")
    target = Path(dest)
    target.mkdir(parents=True, exist_ok=True)
    member = user_id if user_id is not None else _me(client)
    listed = [doc for doc in map(_listed, client.pages("doc.getList", user_id=member, extra=["original"])) if doc]
    tally = _Tally(len(listed), progress)

    def handle(item: _Doc, future: Future[tuple[str, Path]]) -> None:
        try:
            outcome, path = future.result()
        except ITEM_ERRORS as error:
            tally.failed(target / f"{item.doc_id}.{item.ext}", item.doc_id, error)
        else:
            tally.ended(outcome, path, item.doc_id)

    run_bounded(workers, lambda item: _save(client, target, item), listed, handle)
    return tally.report
