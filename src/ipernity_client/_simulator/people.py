"""Members and what they keep: user.get, account.getQuota, the network (network.*), faves (faves.*,
doc.getFaves, album/post.getFaves) and visitors (doc/album/post.getVisitors).

A member's network is the contacts they added, each a contact, friend and/or family; faves and
visits are kept on the faved or visited item with their time.
"""

from __future__ import annotations

from . import facts, reply
from .albums import find_album
from .context import Context
from .docs import find_doc, owned_docs
from .paging import paged, visible_docs
from .posts import find_post
from .state import MEDIA_TYPES, Album, Doc, User

UNLIMITED_SECONDS = 7200
# What network.getList sends only when asked with extra=.
NETWORK_EXTRAS = frozenset({"realname", "count", "location"})


def user_get(ctx: Context) -> str:
    """A member by id or by web alias (their username), the caller without user_id (live behaviour)."""
    wanted = ctx.param("user_id")
    found = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if found is None:
        raise ctx.fail(1)
    return ctx.one("user", facts.user(ctx, found))


def account_get_quota(ctx: Context) -> str:
    """Upload quota from what the member uploaded; maxfilesize and albums from their account."""
    state, user = ctx.state, ctx.user
    total, used = user.upload_quota, min(user.uploaded, user.upload_quota)
    share = round(used * 100 / total) if total else 100

    def amount(value: int, percent: int, seconds: int) -> facts.Facts:
        return {"bytes": value, "kb": value // 1024, "mb": value // 1024**2, "percent": percent, "seconds": seconds}

    size = user.max_file_size
    created = sum(1 for album in state.albums.values() if album.owner_id == user.user_id)
    root = ctx.reply()
    root.child("quota").fill(
        {
            "user_id": user.user_id,
            "is_pro": user.is_pro,
            "upload": {
                "unlimited": user.is_pro,
                "max": amount(total, 100, UNLIMITED_SECONDS),
                "used": amount(used, share, 0),
                "left": amount(total - used, 100 - share, UNLIMITED_SECONDS),
            },
            "maxfilesize": {media: {"bytes": size, "kb": size // 1024, "mb": size // 1024**2} for media in MEDIA_TYPES},
            "albums": {"max": user.max_albums, "created": created, "left": max(0, user.max_albums - created)},
        }
    )
    return reply.body(root)


def _network(ctx: Context, user: User) -> list[User]:
    """The members ``user`` added, narrowed by relation (contact, friend, family) when sent."""
    relation = ctx.param("relation")
    wanted = {part for part in relation.replace("all", "").split(",") if part}
    found = [
        ctx.state.users[uid]
        for uid, kinds in user.contacts.items()
        if uid in ctx.state.users and (not wanted or wanted & kinds)
    ]
    return sorted(found, key=lambda member: member.username.lower())


def network_get_list(ctx: Context) -> str:
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1)
    return paged(ctx, _network(ctx, user), lambda member: _network_entry(ctx, member))


def _network_entry(ctx: Context, member: User) -> facts.Facts:
    """A contact; realname and count only when ``extra`` asks for them (location is not known here)."""
    entry = facts.user(ctx, member)
    for part in NETWORK_EXTRAS - facts.extras(ctx):
        entry.pop(part, None)
    return entry


def network_autocomplete(ctx: Context) -> str:
    """Members of the caller's network whose name starts with (or, with anywhere=1, holds) the query."""
    query = ctx.param("query").lower()
    if not query:
        raise ctx.fail(1)
    anywhere = ctx.param("anywhere") == "1"
    found = [
        member
        for member in _network(ctx, ctx.user)
        if any(
            (query in name) if anywhere else name.startswith(query)
            for name in (member.username.lower(), member.realname.lower())
        )
    ]
    root = ctx.reply()
    node = root.child("network").fill({"total": len(found), "count": len(found), "complete": True})
    node.fill({"user": [facts.user(ctx, member) for member in found]})
    return reply.body(root)


def network_docs_get_recent(ctx: Context) -> str:
    """The newest documents of the caller's network (``limit`` per member), within the last ``hours``."""
    state = ctx.state
    members = _network(ctx, ctx.user)
    hours = ctx.number("hours")
    since = state.now() - hours * 3600 if hours else 0
    per_member = ctx.number("limit") or 5
    docs: list[Doc] = []
    for member in members:
        docs += [d for d in visible_docs(ctx, owned_docs(ctx, member.user_id)) if d.posted_at >= since][:per_member]
    docs.sort(key=lambda d: (d.posted_at, d.doc_id), reverse=True)
    return paged(
        ctx, docs, lambda doc: facts.doc(ctx, doc, {"thumb", "owner"} | facts.extras(ctx), facts.thumbsize(ctx))
    )


def _fave(ctx: Context, faves: dict[int, int], owner_id: int, *, add: bool) -> str:
    user = ctx.user
    if user.user_id == owner_id and add:
        raise ctx.fail(2, "You cannot fave your own item")
    if add:
        faves.setdefault(user.user_id, ctx.state.now())
    else:
        faves.pop(user.user_id, None)
    return ""


def faves_docs_add(ctx: Context) -> str:
    doc = find_doc(ctx)
    return _fave(ctx, doc.faves, doc.owner_id, add=True)


def faves_docs_remove(ctx: Context) -> str:
    doc = find_doc(ctx)
    return _fave(ctx, doc.faves, doc.owner_id, add=False)


def faves_albums_add(ctx: Context) -> str:
    album = find_album(ctx)
    return _fave(ctx, album.faves, album.owner_id, add=True)


def faves_albums_remove(ctx: Context) -> str:
    album = find_album(ctx)
    return _fave(ctx, album.faves, album.owner_id, add=False)


def _faver(ctx: Context) -> tuple[User, int | None]:
    """The member whose faves are listed (the caller's without user_id) and the owner filter."""
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1)
    owner_text = ctx.param("owner_id")
    owner = facts.user_by(ctx.state, owner_text) if owner_text else None
    if owner_text and owner is None:
        raise ctx.fail(2)
    return user, owner.user_id if owner else None


def faves_docs_get_list(ctx: Context) -> str:
    """The documents a member faved, the last faved first."""
    user, owner_id = _faver(ctx)
    docs = [d for d in ctx.state.docs.values() if user.user_id in d.faves and owner_id in (None, d.owner_id)]
    docs.sort(key=lambda d: d.faves[user.user_id], reverse=True)
    return paged(ctx, visible_docs(ctx, docs), lambda doc: facts.list_doc(ctx, doc))


def faves_albums_get_list(ctx: Context) -> str:
    user, owner_id = _faver(ctx)
    albums: list[Album] = [
        a for a in ctx.state.albums.values() if user.user_id in a.faves and owner_id in (None, a.owner_id)
    ]
    albums.sort(key=lambda a: a.faves[user.user_id], reverse=True)
    return paged(ctx, albums, lambda album: facts.album(ctx, album))


def doc_get_faves(ctx: Context) -> str:
    return paged(ctx, facts.fave_list(ctx.state, find_doc(ctx).faves), dict)


def doc_get_visitors(ctx: Context) -> str:
    """Visitors of the caller's own document."""
    return paged(ctx, facts.visit_list(ctx.state, find_doc(ctx, own=True).visits), dict)


def post_get_faves(ctx: Context) -> str:
    return paged(ctx, facts.fave_list(ctx.state, find_post(ctx).faves), dict)


def post_get_visitors(ctx: Context) -> str:
    return paged(ctx, facts.visit_list(ctx.state, find_post(ctx, own=True).visits), dict)
