"""The files behind the media URLs the simulator hands out (``/media/{doc_id}/{secret}/{label}``).

doc.get, doc.getList (extra=original) and doc.getMedias give each document's original at
``{endpoint}/media/{doc_id}/{secret}/original`` (see ``facts.media_url``); this serves the bytes
stored with it, so a client can download (and back up) what it uploaded. As on ipernity the
document's secret is part of the URL, so a private document's file is not found by guessing its
id. Thumbnails and encodings are not rendered by the simulator: their URLs answer 404.
"""

from __future__ import annotations

import hmac
import mimetypes
import re

from .dispatch import Reply
from .state import State

MEDIA_PATH = re.compile(r"^/media/(?P<doc_id>[0-9]+)/(?P<secret>[^/]+)/(?P<label>[^/]+)$")
ORIGINAL = "original"


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", f"{message}\n".encode())


def is_media_path(path: str) -> bool:
    return MEDIA_PATH.match(path) is not None


def serve(state: State, path: str) -> Reply:
    """The stored original of a document, with its type by file name; 404 for anything else."""
    match = MEDIA_PATH.match(path)
    if match is None:
        return _text(404, "Not found")
    with state.lock:
        doc = state.docs.get(int(match.group("doc_id")))
        if doc is not None and not hmac.compare_digest(doc.secret, match.group("secret")):
            doc = None
        content = doc.content if doc is not None else None
        filename = doc.filename if doc is not None else ""
    if content is None:
        return _text(404, "No such document")
    if match.group("label") != ORIGINAL:
        return _text(404, "The simulator stores originals only; thumbnails and encodings are not rendered")
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Reply(200, kind, content)
