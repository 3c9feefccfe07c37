"""The objects around documents: albums (album.get, album.create), groups (group.get, group.docs.add),
members (user.get) and their quota (account.getQuota).

Each answers from the state in the shape of its method's example; an album's cover
(``put_cover``) is written here once, for album.get and album.create and for album.docs.getList.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from .context import Context, as_int, body_of, element, id_list, put
from .state import MEDIA_TYPES, Album, Doc

UNLIMITED_SECONDS = 7200


def _album_reply(ctx: Context, album: Album) -> str:
    """The album in the shape of the method's example: its title, documents, cover and comment permission."""
    state = ctx.state
    owner = state.users[album.owner_id]
    docs = [state.docs[doc_id] for doc_id in album.doc_ids if doc_id in state.docs]
    root = ctx.example()
    node = element(root, "album")
    link = f"http://www.ipernity.com/doc/{owner.username}/album/{album.album_id}"
    put(node, album_id=album.album_id, title=album.title, link=link)
    size = ctx.params.get("thumbsize", node.get("thumbsize", "75x"))
    if "thumbsize" in node.attrib:
        put(node, thumbsize=size)
    element(node, "description").text = album.description
    put(element(node, "dates"), created_at=album.created_at, comment_at=0)
    count = put(element(node, "count"), docs=len(docs), visits=0, faves=0, comments=0)
    seen_by: dict[str, Callable[[Doc], bool]] = {
        "public": lambda doc: doc.is_public,
        "family": lambda doc: doc.is_public or doc.is_family,
        "friend": lambda doc: doc.is_public or doc.is_friend,
        "ff": lambda doc: doc.is_public or doc.is_family or doc.is_friend,
    }
    put(count, **{part: sum(1 for doc in docs if sees(doc)) for part, sees in seen_by.items() if part in count.attrib})
    put_cover(node, album.cover_id or (docs[0].doc_id if docs else None), size)
    put(element(node, "permissions"), comment=album.perm_comment)
    you = node.find("you")
    if you is not None:
        put(you, isfave=False, visits=0, last_visit_at=0)
    return body_of(root)


def put_cover(node: etree._Element, cover_id: int | None, size: str) -> None:
    """The album's cover at ``size``, or none when the album has no document; its pixel size is not known."""
    cover = node.find("cover")
    if cover is not None and cover_id is None:
        node.remove(cover)
    elif cover_id is not None:
        cover = put(element(node, "cover"), doc_id=cover_id, url=f"http://u1.ipernity.com/{cover_id}.{size}.jpg")
        for dimension in ("w", "h"):
            if dimension in cover.attrib:
                del cover.attrib[dimension]


def album_get(ctx: Context) -> str:
    album = ctx.state.albums.get(as_int(ctx.params["album_id"]) or 0)
    if album is None:
        raise ctx.fail(1)
    return _album_reply(ctx, album)


def album_create(ctx: Context) -> str:
    """A new album of the caller; the cover must be one of their documents (2) and becomes its first one."""
    state, user, params = ctx.state, ctx.user, ctx.params
    cover = None
    if params.get("cover_id", "").strip():
        cover = state.docs.get(as_int(params["cover_id"]) or 0)
        if cover is None or cover.owner_id != user.user_id:
            raise ctx.fail(2)
    if sum(1 for album in state.albums.values() if album.owner_id == user.user_id) >= user.max_albums:
        raise ctx.fail(4)
    album = state.add_album(user, params["title"], description=params.get("description", ""))
    if cover is not None:
        album.cover_id = cover.doc_id
        album.doc_ids.append(cover.doc_id)
    album.perm_comment = params.get("perm_comment", album.perm_comment)
    return _album_reply(ctx, album)


def group_get(ctx: Context) -> str:
    """The group as it stands: its quota and accepted media, counts, and whether the caller is a member."""
    state, caller = ctx.state, ctx.caller.user
    group = state.groups.get(as_int(ctx.params["group_id"]) or 0)
    if group is None:
        raise ctx.fail(1)
    root = ctx.example()
    node = element(root, "group")
    put(node, id=group.group_id, title=group.title, link=f"http://www.ipernity.com/group/{group.group_id}")
    element(node, "description").text = group.description
    quota = element(node, "quota")
    quota.attrib.clear()
    put(quota, moderated=group.moderated, max=group.member_quota or 0, period="")
    member = caller is not None and caller.user_id in group.members
    if group.member_quota is not None and caller is not None:
        put(quota, left=max(0, group.member_quota - group.count_by(state.docs, caller.user_id)))
    can = put(element(node, "can"), add_doc=member and not group.closed, add_topic=member)
    put(can, **{f"accept_{media}": media in group.media for media in MEDIA_TYPES})
    put(element(node, "dates"), created_at=group.created_at, last_doc_at=0, last_topic_at=0)
    put(element(node, "count"), members=len(group.members), docs=len(group.docs), topics=0)
    you = node.find("you")
    if caller is None and you is not None:
        node.remove(you)
    elif caller is not None:
        you = put(element(node, "you"), isadmin=False, ismoderator=False, ismember=member, joined_at=0, visited_at=0)
        put(you, docs=group.count_by(state.docs, caller.user_id))
    return body_of(root)


def user_get(ctx: Context) -> str:
    """A member by id or by alias (their username); no location is stored, so none is sent."""
    state = ctx.state
    wanted = ctx.params["user_id"].strip()
    user = state.users.get(as_int(wanted) or 0) or next(
        (member for member in state.users.values() if member.username == wanted), None
    )
    if user is None:
        raise ctx.fail(1)
    root = ctx.example()
    node = element(root, "user")
    put(node, user_id=user.user_id, username=user.username, realname=user.realname, alias=user.username)
    put(
        node, is_pro=user.is_pro, is_online=False, is_closed=False, link=f"http://www.ipernity.com/home/{user.username}"
    )
    put(node, icon=f"http://u1.ipernity.com/p/{user.user_id}/userphoto.jpg")
    relation = node.find("relation")
    if relation is not None:
        put(relation, **{str(name): False for name in relation.attrib})
    location = node.find("location")
    if location is not None:
        node.remove(location)
    docs = sum(1 for doc in state.docs.values() if doc.owner_id == user.user_id)
    put(element(node, "count"), docs=docs, posts=0, network=0)
    return body_of(root)


def group_docs_add(ctx: Context) -> str:
    """Added, skipped (already in), pending (moderated) and per-document errors 1 and 2, as documented."""
    state, user = ctx.state, ctx.user
    group = state.groups.get(as_int(ctx.params["group_id"]) or 0)
    if group is None or user.user_id not in group.members:
        raise ctx.fail(1)
    if group.closed:
        raise ctx.fail(4)
    ids = [as_int(text) for text in id_list(ctx.params["doc_id"])]
    docs = [state.docs.get(doc_id or 0) for doc_id in ids]
    mine = [doc for doc in docs if doc is not None and doc.owner_id == user.user_id]
    if len(mine) != len(ids):
        raise ctx.fail(2)
    new = [doc for doc in mine if doc.doc_id not in group.docs]
    if group.member_quota is not None and group.count_by(state.docs, user.user_id) + len(new) > group.member_quota:
        raise ctx.fail(3)
    root = ctx.example()
    node = element(root, "group")
    for child in list(node):
        node.remove(child)
    added = skipped = pending = 0
    for doc in mine:
        error, now_added = 0, False
        if doc.doc_id not in group.docs:
            if doc.media not in group.media:
                error = 2
            elif sum(doc.doc_id in other.docs for other in state.groups.values()) >= state.max_groups_per_doc:
                error = 1
            else:
                group.docs[doc.doc_id] = group.moderated
                now_added = True
        waiting = group.docs.get(doc.doc_id, False)
        added, skipped, pending = added + now_added, skipped + (not now_added), pending + waiting
        put(etree.SubElement(node, "doc"), doc_id=doc.doc_id, added=now_added, pending=waiting, error=error)
    put(node, group_id=group.group_id, total=len(group.docs), added=added, skipped=skipped, pending=pending)
    return body_of(root)


def account_get_quota(ctx: Context) -> str:
    """Upload quota from what the member uploaded; maxfilesize and albums from their account."""
    state, user = ctx.state, ctx.user
    root = ctx.example()
    quota = put(element(root, "quota"), user_id=user.user_id, is_pro=user.is_pro)
    upload = put(element(quota, "upload"), unlimited=user.is_pro)
    total, used = user.upload_quota, min(user.uploaded, user.upload_quota)
    share = round(used * 100 / total) if total else 100
    seconds = as_int(element(upload, "max").get("seconds")) or UNLIMITED_SECONDS
    for tag, amount, percent, time_left in (
        ("max", total, 100, seconds),
        ("used", used, share, 0),
        ("left", total - used, 100 - share, seconds),
    ):
        amounts = put(element(upload, tag), bytes=amount, kb=amount // 1024, mb=amount // 1024**2, percent=percent)
        put(amounts, seconds=time_left)
    sizes = element(quota, "maxfilesize")
    size = user.max_file_size
    for media in MEDIA_TYPES:
        put(element(sizes, media), bytes=size, kb=size // 1024, mb=size // 1024**2)
    created = sum(1 for album in state.albums.values() if album.owner_id == user.user_id)
    put(element(quota, "albums"), max=user.max_albums, created=created, left=max(0, user.max_albums - created))
    return body_of(root)
