"""Albums and folders: album.* and doc.albums.add, folder.*.

An album's documents keep the order they were added in (album.docs.setList sets it); an album
emptied by album.docs.remove is deleted, as ipernity does. Changes need the album's owner;
another member's album is found only through its public documents' visibility rules.
"""

from __future__ import annotations

from collections.abc import Callable

from . import facts, reply
from .context import Context, id_list
from .docs import context_of, find_doc, record_visit
from .paging import page_into, paged, visible_docs
from .state import Album, Doc, Folder


def find_album(ctx: Context, *, own: bool = False, name: str = "album_id", code: int = 1) -> Album:
    album = ctx.state.albums.get(ctx.number(name) or 0)
    if album is None or (own and not ctx.is_owner(album.owner_id)):
        raise ctx.fail(code, "Album not found")
    return album


def _album_reply(ctx: Context, album: Album) -> str:
    return ctx.one("album", facts.album(ctx, album))


def _own_doc(ctx: Context, text: str, code: int) -> Doc:
    doc = ctx.state.docs.get(int(text) if text.isdigit() else 0)
    if doc is None or doc.owner_id != ctx.user.user_id:
        raise ctx.fail(code, "Document not found")
    return doc


def album_get(ctx: Context) -> str:
    album = find_album(ctx)
    record_visit(ctx, album.visits, album.owner_id)
    return _album_reply(ctx, album)


def album_create(ctx: Context) -> str:
    """A new album of the caller; the cover must be one of their documents (2) and becomes its first one."""
    state, user = ctx.state, ctx.user
    cover = _own_doc(ctx, ctx.param("cover_id"), 2) if ctx.param("cover_id") else None
    if sum(1 for album in state.albums.values() if album.owner_id == user.user_id) >= user.max_albums:
        raise ctx.fail(4)
    album = state.add_album(user, ctx.params["title"], description=ctx.params.get("description", ""))
    if cover is not None:
        album.cover_id = cover.doc_id
        album.doc_ids.append(cover.doc_id)
    album.perm_comment = ctx.param("perm_comment") or album.perm_comment
    return _album_reply(ctx, album)


def album_edit(ctx: Context) -> str:
    album = find_album(ctx, own=True)
    if not {"title", "description", "cover_id"} & set(ctx.params):
        raise ctx.fail(4)
    if "title" in ctx.params and not ctx.param("title"):
        raise ctx.fail(3)
    if ctx.param("cover_id"):
        cover = _own_doc(ctx, ctx.param("cover_id"), 2)
        album.cover_id = cover.doc_id
    album.title = ctx.param("title") or album.title
    album.description = ctx.params.get("description", album.description)
    album.updated_at = ctx.state.now()
    return _album_reply(ctx, album)


def album_delete(ctx: Context) -> str:
    album = find_album(ctx, own=True)
    del ctx.state.albums[album.album_id]
    for folder in ctx.state.folders.values():
        if album.album_id in folder.album_ids:
            folder.album_ids.remove(album.album_id)
    return ""


def album_set_perms(ctx: Context) -> str:
    find_album(ctx, own=True).perm_comment = ctx.param("perm_comment")
    return ""


def album_order_list(ctx: Context) -> str:
    """Sets the order of the caller's albums (those named first, the others after)."""
    ids = [int(text) for text in id_list(ctx.params["album_ids"]) if text.isdigit()]
    mine = [a for a in ids if a in ctx.state.albums and ctx.state.albums[a].owner_id == ctx.user.user_id]
    if len(mine) != len(ids):
        raise ctx.fail(1, "Album not found")
    ctx.state.album_order[ctx.user.user_id] = mine
    return ""


def user_albums(ctx: Context, user_id: int) -> list[Album]:
    """A member's albums in their order (album.orderList), the newest first otherwise."""
    albums = [a for a in ctx.state.albums.values() if a.owner_id == user_id]
    order = {album_id: n for n, album_id in enumerate(ctx.state.album_order.get(user_id, []))}
    return sorted(albums, key=lambda a: (order.get(a.album_id, len(order)), -a.created_at, -a.album_id))


def album_get_list(ctx: Context) -> str:
    """A member's albums; without user_id, the caller's own (as the live service answers). empty=0 leaves out
    empty albums, notinfolder=1 those in a folder."""
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1)
    albums = user_albums(ctx, user.user_id)
    if ctx.param("empty") == "0":
        albums = [a for a in albums if visible_docs(ctx, (ctx.state.docs[d] for d in a.doc_ids if d in ctx.state.docs))]
    if ctx.param("notinfolder") == "1":
        foldered = {a for f in ctx.state.folders.values() for a in f.album_ids}
        albums = [a for a in albums if a.album_id not in foldered]
    mine = ctx.caller.user is not None and ctx.caller.user.user_id == user.user_id
    root = ctx.reply()
    node = root.child("albums").fill({"thumbsize": facts.thumbsize(ctx), "can": {"create": mine}})
    page_into(ctx, node, albums, lambda album: facts.album(ctx, album))
    return reply.body(root)


def _docs_of(ctx: Context, album: Album) -> list[Doc]:
    return visible_docs(ctx, (ctx.state.docs[d] for d in album.doc_ids if d in ctx.state.docs))


def album_docs_get_list(ctx: Context) -> str:
    """An album's documents in the album's order, paged under <album><docs>, with its cover."""
    album = find_album(ctx)
    found = facts.album(ctx, album)
    return paged(
        ctx, _docs_of(ctx, album), lambda doc: facts.list_doc(ctx, doc), album_id=album.album_id, cover=found["cover"]
    )


def album_docs_get_context(ctx: Context) -> str:
    album = find_album(ctx)
    return context_of(ctx, _docs_of(ctx, album), find_doc(ctx))


def _statuses(ctx: Context, album: Album, ids: list[str], add: Callable[[Doc], tuple[bool, int]], **top: object) -> str:
    """The album.docs.add / setList reply: per document added (and error), with the album's totals."""
    results: list[facts.Facts] = []
    for text in ids:
        doc = ctx.state.docs.get(int(text) if text.isdigit() else 0)
        if doc is None or doc.owner_id != ctx.user.user_id:
            results.append({"doc_id": text, "added": False, "error": 1})
            continue
        now_added, error = add(doc)
        results.append({"doc_id": doc.doc_id, "added": now_added, "error": error})
    added = sum(bool(r["added"]) for r in results)
    root = ctx.reply()
    node = root.child("album").fill({"album_id": album.album_id, "total": len(album.doc_ids), **top})
    node.fill({"added": added, "skipped": len(results) - added, "doc": results})
    return reply.body(root)


def _adder(ctx: Context, album: Album) -> Callable[[Doc], tuple[bool, int]]:
    def add(doc: Doc) -> tuple[bool, int]:
        if doc.doc_id in album.doc_ids:
            return False, 0
        if len(album.doc_ids) >= ctx.state.max_docs_per_album:
            return False, 2
        album.doc_ids.append(doc.doc_id)
        album.updated_at = ctx.state.now()
        return True, 0

    return add


def album_docs_add(ctx: Context) -> str:
    album = find_album(ctx, own=True)
    return _statuses(ctx, album, id_list(ctx.params["doc_id"]), _adder(ctx, album))


def album_docs_set_list(ctx: Context) -> str:
    """The album holds exactly the documents sent, in that order, with cover_id its cover."""
    album = find_album(ctx, own=True)
    ids = id_list(ctx.params["doc_ids"])
    docs = [ctx.state.docs.get(int(t) if t.isdigit() else 0) for t in ids]
    if not any(d is not None and d.owner_id == ctx.user.user_id for d in docs):
        raise ctx.fail(2)
    cover = ctx.state.docs.get(ctx.number("cover_id") or 0)
    if cover is None or cover.owner_id != ctx.user.user_id or str(cover.doc_id) not in ids:
        raise ctx.fail(3)
    if len(ids) > ctx.state.max_docs_per_album:
        raise ctx.fail(4)
    previous = set(album.doc_ids)
    album.doc_ids = []
    album.cover_id = cover.doc_id

    def put_back(doc: Doc) -> tuple[bool, int]:
        if doc.doc_id not in album.doc_ids:
            album.doc_ids.append(doc.doc_id)
        return doc.doc_id not in previous, 0

    return _statuses(ctx, album, ids, put_back, cover_id=cover.doc_id)


def album_docs_remove(ctx: Context) -> str:
    """Removes documents; an album left empty is deleted (as ipernity does)."""
    album = find_album(ctx, own=True)
    ids = id_list(ctx.params["doc_id"])
    results = []
    for text in ids:
        doc_id = int(text) if text.isdigit() else 0
        present = doc_id in album.doc_ids
        if present:
            album.doc_ids.remove(doc_id)
        results.append({"doc_id": doc_id, "removed": present})
    if not any(r["removed"] for r in results) and not all(int(t) in ctx.state.docs for t in ids if t.isdigit()):
        raise ctx.fail(2)
    if album.cover_id is not None and album.cover_id not in album.doc_ids:
        album.cover_id = None
    if not album.doc_ids:
        del ctx.state.albums[album.album_id]
    removed = sum(bool(r["removed"]) for r in results)
    root = ctx.reply()
    node = root.child("album")
    node.fill(
        {"album_id": album.album_id, "total": len(album.doc_ids), "removed": removed, "skipped": len(ids) - removed}
    )
    for result in results:
        node.add("doc").fill(result)
    return reply.body(root)


def doc_albums_add(ctx: Context) -> str:
    """Adds one of the caller's documents to several of their albums."""
    doc = find_doc(ctx, own=True)
    results = []
    for text in id_list(ctx.params["album_id"]):
        album = ctx.state.albums.get(int(text) if text.isdigit() else 0)
        if album is None or album.owner_id != ctx.user.user_id:
            results.append({"album_id": text, "added": False, "error": 1})
            continue
        now_added, error = _adder(ctx, album)(doc)
        results.append({"album_id": album.album_id, "added": now_added, "error": error})
    added = sum(bool(r["added"]) for r in results)
    root = ctx.reply()
    node = root.child("doc").fill(
        {"doc_id": doc.doc_id, "total": len(results), "added": added, "skipped": len(results) - added}
    )
    for result in results:
        node.add("album").fill(result)
    return reply.body(root)


def album_get_faves(ctx: Context) -> str:
    return paged(ctx, facts.fave_list(ctx.state, find_album(ctx).faves), dict)


def album_get_visitors(ctx: Context) -> str:
    album = find_album(ctx, own=True)
    return paged(ctx, facts.visit_list(ctx.state, album.visits), dict)


def find_folder(ctx: Context, *, own: bool = False) -> Folder:
    folder = ctx.state.folders.get(ctx.number("folder_id") or 0)
    if folder is None or (own and not ctx.is_owner(folder.owner_id)):
        raise ctx.fail(1, "Folder not found")
    return folder


def _folder_reply(ctx: Context, folder: Folder) -> str:
    return ctx.one("folder", facts.folder(ctx, folder))


def folder_create(ctx: Context) -> str:
    folder = ctx.state.add_folder(ctx.user, ctx.params["title"], description=ctx.params.get("description", ""))
    return _folder_reply(ctx, folder)


def folder_edit(ctx: Context) -> str:
    folder = find_folder(ctx, own=True)
    folder.title = ctx.param("title") or folder.title
    folder.description = ctx.params.get("description", folder.description)
    folder.updated_at = ctx.state.now()
    return _folder_reply(ctx, folder)


def folder_get(ctx: Context) -> str:
    return _folder_reply(ctx, find_folder(ctx))


def folder_delete(ctx: Context) -> str:
    """Deletes the folder; its albums stay."""
    del ctx.state.folders[find_folder(ctx, own=True).folder_id]
    return ""


def folder_get_list(ctx: Context) -> str:
    """A member's folders in their order (folder.orderList), the oldest first otherwise."""
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1)
    order = {folder_id: n for n, folder_id in enumerate(ctx.state.folder_order.get(user.user_id, []))}
    folders = sorted(
        (f for f in ctx.state.folders.values() if f.owner_id == user.user_id),
        key=lambda f: (order.get(f.folder_id, len(order)), f.folder_id),
    )
    if ctx.param("empty") == "0":
        folders = [f for f in folders if f.album_ids]
    return paged(ctx, folders, lambda folder: facts.folder(ctx, folder))


def folder_order_list(ctx: Context) -> str:
    ids = [int(t) for t in id_list(ctx.params["folder_ids"]) if t.isdigit()]
    if not ids or any(
        ctx.state.folders.get(i) is None or ctx.state.folders[i].owner_id != ctx.user.user_id for i in ids
    ):
        raise ctx.fail(1)
    ctx.state.folder_order[ctx.user.user_id] = ids
    return ""


def _folder_albums(ctx: Context, verb: str) -> str:
    folder = find_folder(ctx, own=True)
    results = []
    for text in id_list(ctx.params["album_id"]):
        album = ctx.state.albums.get(int(text) if text.isdigit() else 0)
        if album is None or album.owner_id != ctx.user.user_id:
            if verb == "added":
                raise ctx.fail(2)
            results.append({"album_id": text, verb: False})
            continue
        present = album.album_id in folder.album_ids
        if verb == "added" and not present:
            if len(folder.album_ids) >= ctx.state.max_albums_per_folder:
                raise ctx.fail(3)
            folder.album_ids.append(album.album_id)
        elif verb == "removed" and present:
            folder.album_ids.remove(album.album_id)
        results.append({"album_id": album.album_id, verb: present == (verb == "removed")})
    changed = sum(bool(r[verb]) for r in results)
    folder.updated_at = ctx.state.now()
    root = ctx.reply()
    node = root.child("folder")
    node.fill(
        {
            "folder_id": folder.folder_id,
            "total": len(folder.album_ids),
            verb: changed,
            "skipped": len(results) - changed,
        }
    )
    for result in results:
        node.add("album").fill(result)
    return reply.body(root)


def folder_albums_add(ctx: Context) -> str:
    return _folder_albums(ctx, "added")


def folder_albums_remove(ctx: Context) -> str:
    return _folder_albums(ctx, "removed")


def folder_albums_get_list(ctx: Context) -> str:
    folder = find_folder(ctx)
    albums = [ctx.state.albums[a] for a in folder.album_ids if a in ctx.state.albums]
    found = facts.folder(ctx, folder)

    def entry(album: Album) -> facts.Facts:
        described = facts.album(ctx, album)
        cover = described["cover"]
        return {**described, "thumb": cover and {**cover, "label": facts.thumbsize(ctx), "ext": "jpg"}}

    return paged(ctx, albums, entry, folder_id=folder.folder_id, cover=found["cover"])
