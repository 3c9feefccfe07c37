"""Uploads and their tickets: upload.file, upload.replace and upload.checkTickets.

An upload is stored against the member's quota and the file size their account allows, and
answers a ticket; the document (new or replacing one) appears once the ticket is done, which the
simulator's clock decides. They are the handlers that create documents in the state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from pathlib import PurePath

from lxml import etree

from .context import Context, as_int, body_of, element, id_list, put
from .state import Doc, media_of


def _stored_file(ctx: Context) -> tuple[str, bytes]:
    upload = ctx.call.files["file"]
    if len(upload.content) > ctx.user.max_file_size:
        raise ctx.fail(2)
    return upload.filename or "upload", upload.content


def _place(ctx: Context) -> tuple[float | None, float | None]:
    """lat and lng as sent; none when left out or when -999/-999 asks for no location (notes 4.1)."""
    try:
        lat, lng = float(ctx.params["lat"]), float(ctx.params["lng"])
    except (KeyError, ValueError):
        return None, None
    return (None, None) if lat == -999 and lng == -999 else (lat, lng)


def upload_file(ctx: Context) -> str:
    """Stores the file (its bytes served at its original URL) and returns a ticket; the document appears when done."""
    user = ctx.user
    filename, content = _stored_file(ctx)
    if user.uploaded + len(content) > user.upload_quota:
        raise ctx.fail(2)
    params = ctx.params
    lat, lng = _place(ctx)
    doc = Doc(
        ctx.state.next_id(),
        user.user_id,
        filename,
        len(content),
        hashlib.md5(content).hexdigest(),
        ctx.state.now(),
        title=params.get("title", PurePath(filename).stem),
        description=params.get("description", ""),
        media=media_of(filename),
        is_public=params.get("is_public", "1") != "0",
        is_friend=params.get("is_friend", "0") == "1",
        is_family=params.get("is_family", "0") == "1",
        license=params.get("license", "0"),
        safety=params.get("safety", "1"),
        keywords=id_list(params.get("keywords", "")),
        members=[number for number in map(as_int, id_list(params.get("member_ids", ""))) if number is not None],
        perm_comment=params.get("perm_comment", "3"),
        perm_tag=params.get("perm_tag", "3"),
        perm_tagme=params.get("perm_tagme", "3"),
        lat=lat,
        lng=lng,
        content=content,
    )
    upload = ctx.state.new_upload(
        user, doc, wait=params.get("async") == "0", replaces=False, album_id=as_int(params.get("album_id"))
    )
    return _ticket(ctx, upload.ticket)


def upload_replace(ctx: Context) -> str:
    """Errors 6 (not PRO), 4 (no such document of the caller), 5 (another media type), 2 and 3 (sizes)."""
    user = ctx.user
    if not user.is_pro:
        raise ctx.fail(6)
    old = ctx.state.docs.get(as_int(ctx.params.get("doc_id")) or 0)
    if old is None or old.owner_id != user.user_id:
        raise ctx.fail(4)
    filename, content = _stored_file(ctx)
    if media_of(filename) != old.media:
        raise ctx.fail(5)
    if user.uploaded + len(content) > user.upload_quota:
        raise ctx.fail(3)
    new = dataclasses.replace(
        old, filename=filename, size=len(content), md5=hashlib.md5(content).hexdigest(), content=content
    )
    new.replaced_at = ctx.state.now()
    upload = ctx.state.new_upload(user, new, wait=ctx.params.get("async") == "0", replaces=True, album_id=None)
    return _ticket(ctx, upload.ticket)


def _ticket(ctx: Context, ticket: str) -> str:
    root = ctx.example()
    element(root, "ticket").text = ticket
    return body_of(root)


def upload_check_tickets(ctx: Context) -> str:
    """Each ticket's eta counts down on the simulator's clock; unknown tickets are invalid."""
    state, user = ctx.state, ctx.user
    root = ctx.example()
    tickets = element(root, "tickets")
    for child in list(tickets):
        tickets.remove(child)
    counts = {"done": 0, "invalid": 0, "left": 0}
    etas = [0]
    for name in id_list(ctx.params["tickets"]):
        upload = state.uploads.get(name)
        item = put(etree.SubElement(tickets, "ticket"), id=name)
        if upload is None or upload.user_id != user.user_id:
            put(item, done=False, invalid=True, eta=0)
            counts["invalid"] += 1
            continue
        state.settle(upload)
        if upload.done:
            put(item, done=True, invalid=False, doc_id=upload.doc.doc_id, eta=0)
            counts["done"] += 1
        else:
            eta = math.ceil(upload.ready_at - state.clock())
            put(item, done=False, invalid=False, eta=eta)
            counts["left"] += 1
            etas.append(eta)
    put(tickets, count=len(tickets), **counts, eta=max(etas))
    return body_of(root)
