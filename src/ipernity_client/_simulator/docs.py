"""Documents: reading one (doc.get, getExif, getMedias, getPerms, getContainers, getContext), changing
one (doc.set, setGeo, setLicense, setPerms, setSafety, delete), doc.checkMD5 and doc.getList.

Another member's document is found only when the caller may see it (error 1 otherwise, as
ipernity answers); changes need its owner. Visits by other members are counted on doc.get.
"""

from __future__ import annotations

from . import facts, reply
from .context import XML_NAME, Context, as_int, id_list
from .paging import paged, visible_docs
from .state import Doc, Visit

NOT_FOUND = "Document not found"
SHARE_FLAGS = {0: (False, False, False), 1: (False, False, True), 2: (False, True, False), 3: (False, True, True)}


def find_doc(ctx: Context, *, own: bool = False, code: int = 1, name: str = "doc_id") -> Doc:
    """The ``doc_id`` document if the caller may see it (and, with ``own``, owns it); else error ``code``."""
    doc = ctx.state.docs.get(ctx.number(name) or 0)
    caller = ctx.caller.user
    if doc is None or not ctx.state.can_see(doc.owner_id, doc.is_public, doc.is_friend, doc.is_family, caller):
        raise ctx.fail(code, NOT_FOUND)
    if own and not ctx.is_owner(doc.owner_id):
        raise ctx.fail(code, NOT_FOUND)
    return doc


def record_visit(ctx: Context, visits: dict[int, Visit], owner_id: int) -> None:
    caller = ctx.caller.user
    if caller is None or caller.user_id == owner_id:
        return
    now = ctx.state.now()
    found = visits.get(caller.user_id)
    if found is None:
        visits[caller.user_id] = Visit(now, now)
    else:
        found.last_at, found.count = now, found.count + 1


def doc_get(ctx: Context) -> str:
    """The document in the documented shape, with tags and notes when extra asks; counts a visit."""
    doc = find_doc(ctx)
    record_visit(ctx, doc.visits, doc.owner_id)
    root = ctx.reply()
    parts = facts.DOC_GET_PARTS | (facts.extras(ctx) & {"tags", "notes", "md5"})
    root.child("doc").fill(facts.doc(ctx, doc, parts))
    return reply.body(root)


def doc_get_exif(ctx: Context) -> str:
    """The metadata stored with the document, one attribute per tag; tags XML cannot name are left out."""
    doc = find_doc(ctx)
    root = ctx.reply()
    root.child("exif").set(**{tag: value for tag, value in doc.exif.items() if XML_NAME.fullmatch(tag)})
    return reply.body(root)


def doc_get_medias(ctx: Context) -> str:
    """Thumbnails, media files and the original, at URLs on the simulator that serve the stored bytes."""
    doc = find_doc(ctx)
    root = ctx.reply()
    root.fill(facts.doc(ctx, doc, {"thumbs", "medias", "original"}))
    return reply.body(root)


def doc_get_perms(ctx: Context) -> str:
    doc = find_doc(ctx)
    can = facts.doc_can(doc, ctx.caller.user)
    root = ctx.reply()
    root.child("visibility").fill(facts.visibility(doc))
    levels = facts.permissions(doc)
    root.child("permissions").set(**{f"perm{name}": value for name, value in levels.items()})
    root.child("usage").set(**{f"can{name}": value for name, value in can.items()}, candownload=False)
    root.child("can").fill(can)
    return reply.body(root)


def doc_get_containers(ctx: Context) -> str:
    """The caller-visible albums and the groups holding the document."""
    state, doc = ctx.state, find_doc(ctx)
    root = ctx.reply()
    albums = [a for a in state.albums.values() if doc.doc_id in a.doc_ids]
    node = root.child("albums").set(total=len(albums))
    for album in albums:
        found = facts.album(ctx, album)
        node.add("album").fill({**found, "docs": found["count"]["docs"], "cover": (found["cover"] or {}).get("url")})
    groups = [g for g in state.groups.values() if doc.doc_id in g.docs]
    node = root.child("groups").set(total=len(groups), pending=sum(g.docs[doc.doc_id] for g in groups))
    for group in groups:
        link = f"http://www.ipernity.com/group/{group.group_id}"
        node.add("group").set(group_id=group.group_id, title=group.title, link=link, pending=group.docs[doc.doc_id])
    return reply.body(root)


def context_of(ctx: Context, docs: list[Doc], doc: Doc) -> str:
    """prev/doc/next around ``doc`` in ``docs`` (what the caller may see, filtered), as the getContext methods."""
    if doc not in docs:
        raise ctx.fail(1, NOT_FOUND)
    index = docs.index(doc)
    size = facts.thumbsize(ctx)
    before, after = as_int(ctx.params.get("prev")) or 1, as_int(ctx.params.get("next")) or 1
    root = ctx.reply()

    def entry(found: Doc, offset: int) -> dict[str, object]:
        thumb = facts.thumb(ctx, found, size)
        link = facts.doc(ctx, found, {"link"})["link"]
        return {
            **facts.doc(ctx, found, ()),
            "index": offset,
            "url": thumb["url"],
            "link": link,
            "user_id": found.owner_id,
        }

    previous = docs[max(0, index - before) : index][::-1]
    root.child("prev").set(count=index).fill({"doc": [entry(d, -n) for n, d in enumerate(previous, 1)]})
    root.child("doc").fill(entry(doc, 0))
    following = docs[index + 1 : index + 1 + after]
    node = root.child("next").set(count=len(docs) - index - 1)
    node.fill({"doc": [entry(d, n) for n, d in enumerate(following, 1)]})
    head = next(iter(root.model.children))
    if head not in ("prev", "doc", "next"):
        root.child(head).fill({"total": len(docs), "thumbsize": size})
    return reply.body(root)


def doc_get_context(ctx: Context) -> str:
    doc = find_doc(ctx)
    return context_of(ctx, visible_docs(ctx, owned_docs(ctx, doc.owner_id)), doc)


def owned_docs(ctx: Context, user_id: int) -> list[Doc]:
    """A member's documents, newest first as on their page."""
    docs = [doc for doc in ctx.state.docs.values() if doc.owner_id == user_id]
    return sorted(docs, key=lambda doc: (doc.posted_at, doc.doc_id), reverse=True)


def doc_get_list(ctx: Context) -> str:
    """A member's documents; without user_id, the caller's own (as the live service answers)."""
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1)
    return paged(ctx, visible_docs(ctx, owned_docs(ctx, user.user_id)), lambda doc: facts.list_doc(ctx, doc))


def doc_check_md5(ctx: Context) -> str:
    """The caller's documents whose file has one of the md5s sent (live behaviour: none listed for the others)."""
    sums = [text.lower() for text in id_list(ctx.params["md5"])]
    found = [doc for doc in owned_docs(ctx, ctx.user.user_id) if doc.md5 in sums]
    root = ctx.reply()
    node = root.child("docs").set(count=len(sums), found=len({doc.md5 for doc in found}))
    for doc in found:
        node.add("doc").set(md5=doc.md5, doc_id=doc.doc_id, found=True)
    return reply.body(root)


def _flag(ctx: Context, name: str) -> bool | None:
    text = ctx.param(name)
    return None if text == "" else text == "1"


def _apply_privacy(ctx: Context, doc: Doc) -> None:
    """is_public/is_friend/is_family, or share (0 private … 3 both, 4 or 5 public), then the perm_* levels."""
    share = ctx.number("share")
    if share is not None:
        doc.is_public, doc.is_friend, doc.is_family = SHARE_FLAGS.get(share, (True, False, False))
    for name, attribute in (("is_public", "is_public"), ("is_friend", "is_friend"), ("is_family", "is_family")):
        flag = _flag(ctx, name)
        if flag is not None:
            setattr(doc, attribute, flag)
    for name in ("perm_comment", "perm_tag", "perm_tagme"):
        if ctx.param(name):
            setattr(doc, name, ctx.param(name))


def _apply_geo(ctx: Context, doc: Doc) -> None:
    lat, lng = ctx.param("lat"), ctx.param("lng")
    if not lat and not lng:
        return
    try:
        doc.lat, doc.lng = float(lat), float(lng)
    except ValueError:
        raise ctx.fail(3, "Invalid arguments: lat and lng must be numbers") from None
    if not (-90 <= doc.lat <= 90 and -180 <= doc.lng <= 180):
        raise ctx.fail(3, "Invalid arguments: lat or lng out of range")


def doc_set(ctx: Context) -> str:
    """Changes what was sent (2 when nothing was); answers the document's title, share and description."""
    doc = find_doc(ctx, own=True)
    changes = set(ctx.params) & {p.name for p in ctx.operation.params if p.name != "doc_id"}
    if not changes:
        raise ctx.fail(2)
    for name in ("title", "description", "license", "safety"):
        if name in ctx.params:
            setattr(doc, name, ctx.params[name])
    _apply_geo(ctx, doc)
    _apply_privacy(ctx, doc)
    doc.modified_at = ctx.state.now()
    root = ctx.reply()
    root.child("doc").fill(
        {"doc_id": doc.doc_id, "title": doc.title, "share": doc.share, "description": doc.description}
    )
    return reply.body(root)


def doc_set_geo(ctx: Context) -> str:
    """Sets the location; both lat and lng left out removes it."""
    doc = find_doc(ctx, own=True)
    if not ctx.param("lat") and not ctx.param("lng"):
        doc.lat = doc.lng = None
    _apply_geo(ctx, doc)
    return ""


def doc_set_license(ctx: Context) -> str:
    find_doc(ctx, own=True).license = ctx.param("license")
    return ""


def doc_set_safety(ctx: Context) -> str:
    find_doc(ctx, own=True).safety = ctx.param("safety")
    return ""


def doc_set_perms(ctx: Context) -> str:
    _apply_privacy(ctx, find_doc(ctx, own=True))
    return ""


def doc_delete(ctx: Context) -> str:
    """Removes the document from the state, its albums, groups, comments, notes and faves."""
    state, doc = ctx.state, find_doc(ctx, own=True)
    del state.docs[doc.doc_id]
    for album in state.albums.values():
        if doc.doc_id in album.doc_ids:
            album.doc_ids.remove(doc.doc_id)
        if album.cover_id == doc.doc_id:
            album.cover_id = None
    for group in state.groups.values():
        group.docs.pop(doc.doc_id, None)
    for key in [k for k, c in state.comments.items() if c.on == "doc" and c.target_id == doc.doc_id]:
        del state.comments[key]
    for key in [k for k, n in state.notes.items() if n.doc_id == doc.doc_id]:
        del state.notes[key]
    return ""
