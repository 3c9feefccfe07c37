"""The paged lists of documents: doc.getList, album.docs.getList and group.docs.getList.

Each picks its documents from the state in its own order, keeps those the caller may see and the
media, share and safesurf filters ask for, and pages them as ipernity pages (``_paged``), with
list entries built from the same parts as doc.get.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from lxml import etree

from .context import Context, as_int, body_of, element, id_list, put
from .docs import file_url, put_count, put_dates, put_original, visible
from .objects import put_cover
from .state import Doc, State

DEFAULT_THUMB = "75x"
# The share filter of doc.getList and album.docs.getList numbers public 4 (doc.get's share code says 5).
PUBLIC_SHARE = 4


def _filter(ctx: Context, docs: Iterable[Doc]) -> list[Doc]:
    """What the caller may see (private documents only for their owner, as doc.get) among ``docs``,
    narrowed by the media, share and safesurf parameters the method takes."""
    caller, declared = ctx.caller.user, ctx.operation.by_name
    wanted = {name: ctx.params.get(name, "").strip() for name in ("media", "share", "safesurf") if name in declared}
    return [
        doc
        for doc in docs
        if visible(doc, caller)
        and wanted.get("media", doc.media) in ("", doc.media)
        and wanted.get("safesurf", doc.safety) in ("", doc.safety)
        and wanted.get("share", "") in ("", str(PUBLIC_SHARE if doc.is_public else doc.share))
    ]


def _paged(ctx: Context, docs: list[Doc]) -> tuple[etree._Element, etree._Element]:
    """(reply root, its top element), the list container holding the page asked for and ipernity's counts.

    page starts at 1 and a page after the last one is empty; per_page defaults to the spec's default
    and one above the maximum (which the client never sends) is served as the maximum.
    """
    operation, params = ctx.operation, ctx.params
    paging = operation.paging
    if paging is None:
        raise TypeError(f"{operation.name} is not paginated")
    root = ctx.example()
    top = root[0]
    container = top
    for name in paging.path:
        container = element(container, name)
    container.clear()
    maximum = operation.by_name[paging.per_page].maximum
    default = ctx.api.simulator_data.defaults.get(operation.name, {}).get(paging.per_page)
    per_page = as_int(params.get(paging.per_page)) or as_int(default) or 1
    if maximum is not None:
        per_page = min(per_page, int(maximum))
    per_page = max(1, per_page)
    page = max(1, as_int(params.get(paging.page)) or 1)
    put(container, total=len(docs), per_page=per_page, page=page, pages=math.ceil(len(docs) / per_page))
    extra = set(id_list(params.get("extra", "")))
    size = params.get("thumbsize", "").strip() or DEFAULT_THUMB
    for doc in docs[(page - 1) * per_page : page * per_page]:
        _list_item(etree.SubElement(container, paging.items), ctx.state, doc, extra, size)
    return root, top


def _list_item(node: etree._Element, state: State, doc: Doc, extra: set[str], size: str) -> None:
    """A list entry in the documented item shape, with the extras the state can fill (no geo, medias or md5)."""
    put(node, doc_id=doc.doc_id, media=doc.media, license=doc.license, title=doc.title, safety=doc.safety)
    owner = state.users[doc.owner_id]
    if "link" in extra:
        put(node, link=f"http://www.ipernity.com/doc/{owner.username}/{doc.doc_id}")
    if "owner" in extra:
        put(etree.SubElement(node, "owner"), user_id=owner.user_id, username=owner.username, realname=owner.realname)
    put(etree.SubElement(node, "thumb"), label=size, ext="jpg", url=file_url(doc, size))
    if "dates" in extra:
        put_dates(etree.SubElement(node, "dates"), doc)
    if "count" in extra:
        put_count(etree.SubElement(node, "count"), state, doc)
    if "original" in extra:
        put_original(etree.SubElement(node, "original"), doc)


def doc_get_list(ctx: Context) -> str:
    """A member's documents, newest first as on their page; error 1 for an unknown member."""
    state = ctx.state
    user = state.users.get(as_int(ctx.params["user_id"]) or 0)
    if user is None:
        raise ctx.fail(1)
    docs = [doc for doc in state.docs.values() if doc.owner_id == user.user_id]
    docs.sort(key=lambda doc: (doc.posted_at, doc.doc_id), reverse=True)
    root, _ = _paged(ctx, _filter(ctx, docs))
    return body_of(root)


def album_docs_get_list(ctx: Context) -> str:
    """An album's documents in the album's order, paged under <album><docs>, with the album's cover."""
    state = ctx.state
    album = state.albums.get(as_int(ctx.params["album_id"]) or 0)
    if album is None:
        raise ctx.fail(1)
    docs = [state.docs[doc_id] for doc_id in album.doc_ids if doc_id in state.docs]
    root, top = _paged(ctx, _filter(ctx, docs))
    put(top, album_id=album.album_id)
    size = ctx.params.get("thumbsize", "").strip() or DEFAULT_THUMB
    put_cover(top, album.cover_id or (docs[0].doc_id if docs else None), size)
    return body_of(root)


def group_docs_get_list(ctx: Context) -> str:
    """A group's documents, the last added first, paged under <group><docs>; those awaiting moderation are not
    shown. Errors 1 (no such group) and 2 (no such member for user_id)."""
    state = ctx.state
    group = state.groups.get(as_int(ctx.params["group_id"]) or 0)
    if group is None:
        raise ctx.fail(1)
    docs = [
        state.docs[doc_id] for doc_id, pending in reversed(group.docs.items()) if not pending and doc_id in state.docs
    ]
    if owner_id := ctx.params.get("user_id", "").strip():
        owner = state.users.get(as_int(owner_id) or 0)
        if owner is None:
            raise ctx.fail(2)
        docs = [doc for doc in docs if doc.owner_id == owner.user_id]
    root, top = _paged(ctx, _filter(ctx, docs))
    put(top, group_id=group.group_id)
    return body_of(root)
