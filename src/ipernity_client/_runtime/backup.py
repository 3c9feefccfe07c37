"""Backing up an account: each original file and a JSON sidecar, streamed, atomic, resumable."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, NamedTuple

import requests

from .core import BaseClient
from .errors import ConnectionFailedError, IpernityError, RequestTimeoutError, TransportError, ValidationError
from .jobs import (
    ITEM_ERRORS,
    ProgressCallback,
    Report,
    Tally,
    check_workers,
    run_bounded,
)

# Bytes read or written at a time: hashing, downloading.
CHUNK = 1024 * 1024


SAFE_EXT = re.compile(r"[a-z0-9]{1,10}")


# Parts of doc.get that describe the site's view of a document rather than the document itself.
SIDECAR_LEAVES_OUT = frozenset({"thumb", "thumbs", "medias", "can", "you", "count"})
# What every sidecar holds, null where the document has none (e.g. no geo), so readers need no guessing.
SIDECAR_ALWAYS = ("title", "description", "tags", "dates", "geo", "visibility", "albums")


class DownloadError(IpernityError):
    """A document's original file could not be saved: bad status, size mismatch, refused URL."""

    def __init__(self, reason: str, *, doc_id: int) -> None:
        self.reason = reason
        self.doc_id = doc_id
        super().__init__(f"document {doc_id}: {reason}")


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
    for name in SIDECAR_ALWAYS:
        data.setdefault(name, None)
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
    check_workers(client, workers, "backup")
    target = Path(dest)
    target.mkdir(parents=True, exist_ok=True)
    member = user_id if user_id is not None else _me(client)
    listed = [doc for doc in map(_listed, client.pages("doc.getList", user_id=member, extra=["original"])) if doc]
    tally = Tally(len(listed), progress)

    def handle(item: _Doc, future: Future[tuple[str, Path]]) -> None:
        try:
            outcome, path = future.result()
        except ITEM_ERRORS as error:
            tally.failed(target / f"{item.doc_id}.{item.ext}", item.doc_id, error)
        else:
            tally.ended(outcome, path, item.doc_id)

    run_bounded(workers, lambda item: _save(client, target, item), listed, handle)
    return tally.report
