"""What the state knows about each object, as nested facts a reply ``Node`` writes in its method's shape.

Every reply about a document, album, member, group, folder, post, comment or note takes its
facts from here, so doc.get, the list entries and the search hits describe one document the same
way; each method's model keeps the parts it declares. File and thumbnail URLs point at the
simulator itself (``/media/{doc_id}/{secret}/{label}``), where the uploaded bytes are served.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from .context import Context, as_int, id_list
from .state import Album, Comment, Doc, Folder, Note, Post, State, User, Visit

DEFAULT_THUMB = "75x"
THUMB_LABELS = ("75x", "100", "240", "500", "560", "1024")
# The share code of doc.get (0 private, 1 family, 2 friends, 3 both, 5 public); lists filter public as 4.
PUBLIC_SHARE = 5
FILTER_PUBLIC_SHARE = 4

Facts = dict[str, Any]


def media_url(ctx: Context, doc_id: int, label: str) -> str:
    """Where the simulator serves a document's file (``original``) or a thumbnail (its label).

    The document's secret is part of it, as in ipernity's file URLs: only a caller who was
    given the URL (who may see the document) finds the file.
    """
    doc = ctx.state.docs.get(doc_id)
    return f"{ctx.endpoint}/media/{doc_id}/{doc.secret if doc is not None else '-'}/{label}"


def extras(ctx: Context) -> set[str]:
    return set(id_list(ctx.params.get("extra", "")))


def thumbsize(ctx: Context) -> str:
    return ctx.params.get("thumbsize", "").strip() or DEFAULT_THUMB


def owner(state: State, user_id: int) -> Facts:
    user = state.users[user_id]
    return {"user_id": user.user_id, "username": user.username, "realname": user.realname, "is_pro": user.is_pro}


def date_text(stamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(stamp))


def visits(found: dict[int, Visit], caller: User | None) -> Facts:
    mine = found.get(caller.user_id) if caller is not None else None
    return {"visits": mine.count if mine else 0, "last_visit": mine.last_at if mine else 0}


def visits_at(found: dict[int, Visit], caller: User | None) -> Facts:
    """The caller's visits in the CallerStatus shape of posts and albums (``last_visit_at``)."""
    mine = visits(found, caller)
    return {"visits": mine["visits"], "last_visit_at": mine["last_visit"]}


def thumb(ctx: Context, doc: Doc, label: str) -> Facts:
    return {"label": label, "ext": "jpg", "url": media_url(ctx, doc.doc_id, label), "secret": doc.secret}


def original(ctx: Context, doc: Doc) -> Facts:
    """The uploaded file; its pixel size and duration are not known, so they are left out."""
    ext = PurePath(doc.filename).suffix.lstrip(".")
    return {"ext": ext, "filename": doc.filename, "bytes": doc.size, "url": media_url(ctx, doc.doc_id, "original")}


def medias(ctx: Context, doc: Doc) -> Facts | None:
    """Audio and video have their file as a media; photos and other files have none."""
    if doc.media not in ("audio", "video"):
        return None
    ext = PurePath(doc.filename).suffix.lstrip(".")
    return {"media": [{"label": ext, "ext": ext, "url": media_url(ctx, doc.doc_id, "original")}]}


def doc_tags(state: State, doc: Doc) -> list[Facts]:
    """Keyword then member tags, in doc.get's Tag shape and doc.tags.getList's TagEntry shape at once."""
    tags: list[Facts] = []
    for keyword in doc.keywords:
        tag_id = state.tag_id(keyword)
        tags.append({"tag_id": tag_id, "id": tag_id, "type": "keyword", "user_id": doc.owner_id})
        tags[-1].update({"keyword": keyword, "title": keyword, "tag": keyword, "added_at": doc.posted_at})
    for member_id in doc.members:
        member = state.users.get(member_id)
        name = member.username if member else str(member_id)
        tags.append({"tag_id": member_id, "id": member_id, "type": "member", "user_id": doc.owner_id})
        tags[-1].update({"member_id": member_id, "title": name, "tag": name, "added_at": doc.posted_at})
    return tags


def note(state: State, found: Note) -> Facts:
    author = state.users.get(found.user_id)
    return {
        "note_id": found.note_id,
        "user_id": found.user_id,
        "username": author.username if author else "",
        "posted_at": found.posted_at,
        "x": found.x,
        "y": found.y,
        "w": found.w,
        "h": found.h,
        "_value": found.content,
    }


def doc_count(state: State, doc: Doc) -> Facts:
    return {
        "visits": sum(visit.count for visit in doc.visits.values()),
        "faves": len(doc.faves),
        "comments": sum(1 for c in state.comments.values() if c.on == "doc" and c.target_id == doc.doc_id),
        "notes": sum(1 for n in state.notes.values() if n.doc_id == doc.doc_id),
        "tags": len(doc.keywords) + len(doc.members),
        "albums": sum(1 for album in state.albums.values() if doc.doc_id in album.doc_ids),
        "groups": sum(1 for group in state.groups.values() if doc.doc_id in group.docs),
        "last_visit": max((visit.last_at for visit in doc.visits.values()), default=0),
    }


def doc_dates(state: State, doc: Doc) -> Facts:
    comments = [c.posted_at for c in state.comments.values() if c.on == "doc" and c.target_id == doc.doc_id]
    created = doc.created_at if doc.created_at is not None else doc.posted_at
    return {
        "posted_at": doc.posted_at,
        "replaced_at": doc.replaced_at,
        "created": date_text(created),
        "modified_at": max(doc.posted_at, doc.replaced_at, doc.modified_at),
        "comment_at": max(comments, default=0),
    }


def visibility(doc: Doc | Post) -> Facts:
    if isinstance(doc, Post):
        return {"ispublic": doc.is_public, "isfriend": doc.share in (2, 3), "isfamily": doc.share in (1, 3)}
    return {"ispublic": doc.is_public, "isfriend": doc.is_friend, "isfamily": doc.is_family, "share": doc.share}


def permissions(item: Doc | Post) -> Facts:
    return {"comment": item.perm_comment, "tag": item.perm_tag, "tagme": item.perm_tagme}


def doc_can(doc: Doc, caller: User | None) -> Facts:
    member = caller is not None
    mine = member and caller is not None and caller.user_id == doc.owner_id
    return {"fave": member and not mine, "comment": member, "tag": member, "tagme": member, "zoom": True}


def geo(item: Doc) -> Facts | None:
    return {"lat": item.lat, "lng": item.lng} if item.lat is not None and item.lng is not None else None


def doc(ctx: Context, found: Doc, parts: Iterable[str], size: str = DEFAULT_THUMB) -> Facts:
    """A document: its attributes always, and the parts asked for (doc.get asks for all it documents).

    Parts: owner, link, description, dates, visibility, permissions, count, can, you, thumb
    (one at ``size``), thumbs, medias, original, geo, tags, notes, md5.
    """
    state, caller, wanted = ctx.state, ctx.caller.user, set(parts)
    owner_user = state.users[found.owner_id]
    facts: Facts = {
        "doc_id": found.doc_id,
        "media": found.media,
        "license": found.license,
        "rotation": 0,
        "title": found.title,
        "safety": found.safety,
    }
    relation = owner_user.relation(caller)
    facts.update(isfriend="friend" in relation, isfamily="family" in relation, iscontact="contact" in relation)
    link = f"http://www.ipernity.com/doc/{owner_user.username}/{found.doc_id}"
    makers: dict[str, Any] = {
        "link": lambda: link,
        "owner": lambda: owner(state, found.owner_id),
        "description": lambda: found.description,
        "dates": lambda: doc_dates(state, found),
        "visibility": lambda: visibility(found),
        "permissions": lambda: permissions(found),
        "count": lambda: doc_count(state, found),
        "can": lambda: doc_can(found, caller),
        "you": lambda: {"isfave": caller is not None and caller.user_id in found.faves, **visits(found.visits, caller)},
        "thumb": lambda: thumb(ctx, found, size),
        "thumbs": lambda: {"thumb": [thumb(ctx, found, label) for label in THUMB_LABELS]},
        "medias": lambda: medias(ctx, found),
        "original": lambda: original(ctx, found),
        "geo": lambda: geo(found),
        "tags": lambda: {"total": len(found.keywords) + len(found.members), "tag": doc_tags(state, found)},
        "notes": lambda: _notes(state, found),
        "md5": lambda: found.md5,
    }
    for part, make in makers.items():
        if part in wanted:
            facts[part] = make()
    return facts


def _notes(state: State, found: Doc) -> Facts:
    notes = [note(state, n) for n in state.notes.values() if n.doc_id == found.doc_id]
    return {"total": len(notes), "note": notes}


DOC_GET_PARTS = frozenset(
    {"link", "owner", "description", "dates", "visibility", "permissions", "count", "can", "you", "thumbs"}
    | {"medias", "original", "geo"}
)


def list_doc(ctx: Context, found: Doc) -> Facts:
    """A list entry: the thumb at the asked size, and the extras asked for."""
    return doc(ctx, found, {"thumb"} | extras(ctx), thumbsize(ctx))


def album_cover(state: State, found: Album, docs: list[Doc], caller: User | None) -> int | None:
    """The chosen cover, else the first document; one the caller may not see gives way to the next they may."""
    chosen = [state.docs[found.cover_id]] if found.cover_id in state.docs else []
    for doc in chosen + docs:
        if state.can_see(doc.owner_id, doc.is_public, doc.is_friend, doc.is_family, caller):
            return doc.doc_id
    return None


def album(ctx: Context, found: Album, size: str | None = None) -> Facts:
    """An album: title, description, dates, counts by visibility, cover, the caller's status."""
    state, caller = ctx.state, ctx.caller.user
    docs = [state.docs[doc_id] for doc_id in found.doc_ids if doc_id in state.docs]
    size = size or thumbsize(ctx)
    owner_user = state.users[found.owner_id]
    cover_id = album_cover(state, found, docs, caller)
    public = sum(doc.is_public for doc in docs)
    return {
        "album_id": found.album_id,
        "user_id": found.owner_id,
        "title": found.title,
        "link": f"http://www.ipernity.com/doc/{owner_user.username}/album/{found.album_id}",
        "thumbsize": size,
        "description": found.description,
        "owner": owner(state, found.owner_id),
        "dates": {
            "created_at": found.created_at,
            "comment_at": 0,
            "last_comment_at": 0,
            "last_update_at": found.updated_at or found.created_at,
        },
        "visibility": {"public": public > 0, "family": 0, "friend": 0, "ff": 0},
        "count": {
            "docs": len(docs),
            "visits": sum(v.count for v in found.visits.values()),
            "faves": len(found.faves),
            "comments": 0,
            "public": public,
            "family": sum(doc.is_public or doc.is_family for doc in docs),
            "friend": sum(doc.is_public or doc.is_friend for doc in docs),
            "ff": sum(doc.is_public or doc.is_family or doc.is_friend for doc in docs),
        },
        "cover": cover(ctx, cover_id, size),
        "can": {"fave": caller is not None, "comment": caller is not None, "add_doc": _mine(caller, found.owner_id)},
        "permissions": {"comment": found.perm_comment},
        "you": {"isfave": caller is not None and caller.user_id in found.faves, **visits_at(found.visits, caller)},
    }


def _mine(caller: User | None, owner_id: int) -> bool:
    return caller is not None and caller.user_id == owner_id


def cover(ctx: Context, doc_id: int | None, size: str) -> Facts | None:
    """An album's cover at ``size``; none for an empty album. Its pixel size is not known."""
    if doc_id is None:
        return None
    url = media_url(ctx, doc_id, size)
    return {"doc_id": doc_id, "cover_id": doc_id, "label": size, "ext": "jpg", "url": url}


def folder(ctx: Context, found: Folder) -> Facts:
    state = ctx.state
    albums = [state.albums[a] for a in found.album_ids if a in state.albums]
    owner_user = state.users[found.owner_id]
    cover_album = albums[0] if albums else None
    cover_facts = None
    if cover_album is not None:
        cover_facts = album(ctx, cover_album)["cover"]
        if cover_facts is not None:
            cover_facts = {**cover_facts, "album_id": cover_album.album_id}
    return {
        "folder_id": found.folder_id,
        "title": found.title,
        "link": f"http://www.ipernity.com/doc/{owner_user.username}/folder/{found.folder_id}",
        "description": found.description,
        "owner": owner(state, found.owner_id),
        "dates": {"created_at": found.created_at, "last_update_at": found.updated_at},
        "count": {"albums": len(albums), "public": len(albums), "family": 0, "friend": 0, "friends": 0, "ff": 0},
        "cover": cover_facts,
    }


def user(ctx: Context, found: User) -> Facts:
    state, caller = ctx.state, ctx.caller.user
    relation, reverse = found.relation(caller), (caller.relation(found) if caller is not None else set())
    return {
        **owner(state, found.user_id),
        "alias": found.username,
        "lg": found.lg,
        "is_online": False,
        "is_closed": False,
        "link": f"http://www.ipernity.com/home/{found.username}",
        "icon": f"http://www.ipernity.com/home/{found.username}/icon.jpg",
        "relation": {
            "iscontact": "contact" in reverse,
            "isfriend": "friend" in reverse,
            "isfamily": "family" in reverse,
            "revcontact": "contact" in relation,
            "revfriend": "friend" in relation,
            "revfamily": "family" in relation,
        },
        "count": {
            "docs": sum(1 for d in state.docs.values() if d.owner_id == found.user_id),
            "posts": sum(1 for p in state.posts.values() if p.owner_id == found.user_id),
            "network": len(found.contacts),
        },
    }


def comment(ctx: Context, found: Comment) -> Facts:
    state, caller = ctx.state, ctx.caller.user
    author = state.users.get(found.user_id)
    parent = state.comments.get(found.parent_id or 0)
    kind = "doc" if found.on == "doc" else "blog"
    facts: Facts = {
        "comment_id": found.comment_id,
        "user_id": found.user_id,
        "username": author.username if author else "",
        "posted_at": found.posted_at,
        "modified_at": found.modified_at or None,
        "parent_id": found.parent_id,
        "link": f"http://www.ipernity.com/{kind}/{found.target_id}/comment/{found.comment_id}#comment{found.comment_id}",
        "canreply": caller is not None,
        "canedit": _mine(caller, found.user_id),
        "candelete": _mine(caller, found.user_id) or _mine(caller, target_owner(state, found)),
        "content": found.content,
    }
    if parent is not None:
        parent_author = state.users.get(parent.user_id)
        facts["parent"] = {
            "comment_id": parent.comment_id,
            "user_id": parent.user_id,
            "username": parent_author.username if parent_author else "",
            "content": parent.content,
        }
    return facts


def target_owner(state: State, found: Comment) -> int:
    item = state.docs.get(found.target_id) if found.on == "doc" else state.posts.get(found.target_id)
    return item.owner_id if item is not None else 0


def post_tags(state: State, found: Post) -> Facts:
    """A post's keywords in the TagEntry shape (post.get's ``extra=tags``)."""
    tags = [
        {
            "id": state.tag_id(word),
            "type": "keyword",
            "user_id": found.owner_id,
            "tag": word,
            "added_at": found.posted_at,
        }
        for word in found.keywords
    ]
    return {"total": len(tags), "tag": tags}


def post(ctx: Context, found: Post) -> Facts:
    """A post; its tags only with ``extra=tags``, as on doc.get."""
    state, caller = ctx.state, ctx.caller.user
    owner_user = state.users[found.owner_id]
    comments = [c.posted_at for c in state.comments.values() if c.on == "post" and c.target_id == found.post_id]
    link = f"http://www.ipernity.com/blog/{owner_user.username}/{found.post_id}"
    return {
        "post_id": found.post_id,
        "title": found.title,
        "intro": found.intro,
        "license": found.license,
        "safety": "1",
        "link": link,
        "description": found.content,
        "visibility": {**visibility(found), "share": found.share},
        "dates": {
            "posted_at": found.posted_at,
            "created": found.posted_at,
            "last_update_at": found.updated_at,
            "last_comment_at": max(comments, default=0),
        },
        "owner": owner(state, found.owner_id),
        "count": {
            "comments": len(comments),
            "faves": len(found.faves),
            "tags": len(found.keywords),
            "visits": sum(v.count for v in found.visits.values()),
        },
        "permissions": permissions(found),
        "share": {"url": link},
        "can": {"fave": caller is not None and not _mine(caller, found.owner_id), "comment": caller is not None},
        "you": {"isfave": caller is not None and caller.user_id in found.faves, **visits_at(found.visits, caller)},
        **({"tags": post_tags(state, found)} if "tags" in extras(ctx) else {}),
    }


def visit_list(state: State, found: dict[int, Visit]) -> list[Facts]:
    """Visits, the last first."""
    ordered = sorted(found.items(), key=lambda item: item[1].last_at, reverse=True)
    return [
        {
            "user_id": user_id,
            "username": state.users[user_id].username if user_id in state.users else "",
            "visited_at": visit.last_at,
            "first_visit_at": visit.first_at,
            "visits": visit.count,
        }
        for user_id, visit in ordered
    ]


def fave_list(state: State, found: dict[int, int]) -> list[Facts]:
    """Faves, the last first."""
    ordered = sorted(found.items(), key=lambda item: item[1], reverse=True)
    return [
        {"user_id": uid, "username": state.users[uid].username if uid in state.users else "", "faved_at": at}
        for uid, at in ordered
    ]


def user_by(state: State, text: str | None) -> User | None:
    """A member by id or by web alias (their username)."""
    wanted = (text or "").strip()
    return state.users.get(as_int(wanted) or 0) or next((u for u in state.users.values() if u.username == wanted), None)
