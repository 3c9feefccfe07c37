"""What each method answers once the common checks passed.

Most methods answer their documented example (the spec's ``example``), so every method of the
spec is served and follows its changes. The methods a client's workflow depends on keep state:
the frob flow, uploads and their tickets, doc.get and doc.getExif of uploaded documents,
album.create and album.get, group.get and group.docs.add, user.get and account.getQuota, and the
lists of those documents (doc.getList, album.docs.getList, group.docs.getList), paged as ipernity
pages. They too start from their example and fill it in, so the reply keeps the documented shape.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import time
from collections.abc import Callable, Iterable
from pathlib import PurePath

from lxml import etree

from .. import _service
from .._runtime.operation import Operation
from .call import ApiFailure, Call, Caller
from .state import MEDIA_TYPES, Album, Doc, State, Token, User, media_of
from .wire import elements

AUTH_PARAMS = frozenset({"api_key", "api_sig", "auth_token"})
XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")
UNLIMITED_SECONDS = 7200
DEFAULT_THUMB = "75x"
# The share filter of doc.getList and album.docs.getList numbers public 4 (doc.get's share code says 5).
PUBLIC_SHARE = 4


@dataclasses.dataclass
class Context:
    """A call that passed the common checks, with the world it runs in."""

    state: State
    operation: Operation
    call: Call
    caller: Caller

    @property
    def params(self) -> dict[str, str]:
        return self.call.params

    @property
    def user(self) -> User:
        """The token's member; the methods that keep state all need one."""
        if self.caller.user is None:
            raise ApiFailure(106)
        return self.caller.user

    def fail(self, code: int) -> ApiFailure:
        return ApiFailure(code, self.operation.name)

    def example(self) -> etree._Element:
        """A fresh copy of the documented reply, under an ``<api>`` root, to fill in."""
        return elements(self.operation.example)


Handler = Callable[[Context], str]


def body_of(root: etree._Element) -> str:
    """The reply body: the elements under ``root``, without it."""
    return "".join(etree.tostring(child, encoding="unicode", with_tail=False) for child in root)


def element(parent: etree._Element, tag: str) -> etree._Element:
    """The ``tag`` child of ``parent``, added when the example has none."""
    found = parent.find(tag)
    return found if found is not None else etree.SubElement(parent, tag)


def put(target: etree._Element, **values: object) -> etree._Element:
    """Set attributes, written as ipernity writes them: strings, 0/1 for flags."""
    for name, value in values.items():
        target.set(name, str(int(value)) if isinstance(value, bool) else str(value))
    return target


def as_int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def id_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def example_reply(ctx: Context) -> str:
    """Methods with no behaviour of their own answer their documented example."""
    return ctx.operation.example


def echo(ctx: Context) -> str:
    """Sends back every parameter it was given (the notes: "echoes any parameter")."""
    root = elements("")
    for name, value in ctx.params.items():
        if name not in AUTH_PARAMS and XML_NAME.fullmatch(name):
            etree.SubElement(root, name).text = value
    return body_of(root)


def _auth(ctx: Context, token: Token) -> str:
    """The Auth reply of auth.getToken and auth.checkToken, in whichever shape their example has."""
    root = ctx.example()
    auth = element(root, "auth")
    element(auth, "token").text = token.token
    for tag in ("permissions", "perms"):
        found = auth.find(tag)
        if found is not None:
            put(found, **{scope: token.perms.get(scope, "none") for scope in _service.PERMISSION_SCOPES})
    user = ctx.state.users[token.user_id]
    put(
        element(auth, "user"),
        user_id=user.user_id,
        username=user.username,
        realname=user.realname,
        lg=user.lg,
        is_pro=user.is_pro,
    )
    return body_of(root)


def auth_get_frob(ctx: Context) -> str:
    root = ctx.example()
    element(element(root, "auth"), "frob").text = ctx.state.new_frob(ctx.caller.app).frob
    return body_of(root)


def auth_get_token(ctx: Context) -> str:
    """Trades an approved frob for a token, once; an unknown, unapproved or expired frob is error 2."""
    frob = ctx.state.frobs.get(ctx.params["frob"].strip())
    if (
        frob is None
        or frob.used
        or frob.user_id is None
        or frob.app_key != ctx.caller.app.key
        or frob.expires_at < ctx.state.clock()
    ):
        raise ctx.fail(2)
    frob.used = True
    token = ctx.state.issue_token(ctx.state.users[frob.user_id], frob.perms, ctx.caller.app)
    return _auth(ctx, token)


def auth_check_token(ctx: Context) -> str:
    if ctx.caller.token is None:
        raise ApiFailure(106)
    return _auth(ctx, ctx.caller.token)


def _stored_file(ctx: Context) -> tuple[str, bytes]:
    upload = ctx.call.files["file"]
    if len(upload.content) > ctx.user.max_file_size:
        raise ctx.fail(2)
    return upload.filename or "upload", upload.content


def upload_file(ctx: Context) -> str:
    """Stores the file and returns a ticket; the document appears when the ticket is done."""
    user = ctx.user
    filename, content = _stored_file(ctx)
    if user.uploaded + len(content) > user.upload_quota:
        raise ctx.fail(2)
    params = ctx.params
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
    new = dataclasses.replace(old, filename=filename, size=len(content), md5=hashlib.md5(content).hexdigest())
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


def _visible(doc: Doc, user: User | None) -> bool:
    return doc.is_public or (user is not None and user.user_id == doc.owner_id)


def _visible_doc(ctx: Context) -> Doc:
    """The ``doc_id`` document; error 1 when there is none or the caller may not see it."""
    doc = ctx.state.docs.get(as_int(ctx.params["doc_id"]) or 0)
    if doc is None or not _visible(doc, ctx.caller.user):
        raise ctx.fail(1)
    return doc


def doc_get(ctx: Context) -> str:
    """An uploaded document in the documented shape; private ones only for their owner."""
    state = ctx.state
    doc = _visible_doc(ctx)
    extra = set(id_list(ctx.params.get("extra", "")))
    owner = state.users[doc.owner_id]
    root = ctx.example()
    node = element(root, "doc")
    link = f"http://www.ipernity.com/doc/{owner.username}/{doc.doc_id}"
    put(node, doc_id=doc.doc_id, media=doc.media, license=doc.license, rotation=0, title=doc.title)
    put(node, safety=doc.safety, link=link)
    put(element(node, "owner"), user_id=owner.user_id, username=owner.username, realname=owner.realname)
    element(node, "description").text = doc.description
    _put_dates(element(node, "dates"), doc)
    visibility = element(node, "visibility")
    put(visibility, ispublic=doc.is_public, isfriend=doc.is_friend, isfamily=doc.is_family, share=doc.share)
    _put_count(element(node, "count"), state, doc)
    put(element(node, "you"), isfave=False, visits=0, last_visit=0)
    for thumb in node.iterfind("thumbs/thumb"):
        put(thumb, url=_file_url(doc, thumb.get("label", "")))
    _put_original(element(node, "original"), doc)
    _doc_parts(node, doc, extra)
    return body_of(root)


def _file_url(doc: Doc, label: str) -> str:
    return f"http://u1.ipernity.com/{doc.doc_id}.{label}.jpg"


def _put_dates(dates: etree._Element, doc: Doc) -> None:
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(doc.posted_at))
    put(dates, posted_at=doc.posted_at, replaced_at=doc.replaced_at, created=created)
    put(dates, modified_at=max(doc.posted_at, doc.replaced_at), comment_at=0)


def _put_count(count: etree._Element, state: State, doc: Doc) -> None:
    """Tags, albums and groups as the state has them; nobody visits, faves or comments in the simulator."""
    albums = sum(1 for album in state.albums.values() if doc.doc_id in album.doc_ids)
    groups = sum(1 for group in state.groups.values() if doc.doc_id in group.docs)
    put(count, visits=0, faves=0, comments=0, notes=0, tags=len(doc.keywords))
    put(count, albums=albums, groups=groups, last_visit=0)


def _put_original(original: etree._Element, doc: Doc) -> None:
    """The uploaded file; its pixel size and duration are not known, so they are left out."""
    ext = PurePath(doc.filename).suffix.lstrip(".")
    url = f"http://u1.ipernity.com/{doc.doc_id}.{ext}"
    put(original, ext=ext, filename=doc.filename, bytes=doc.size, url=url)
    for dimension in ("w", "h", "length"):
        if dimension in original.attrib:
            del original.attrib[dimension]


def _doc_parts(node: etree._Element, doc: Doc, extra: set[str]) -> None:
    """Medias only for audio and video; tags and notes only when asked for; no geo is stored."""
    for part in ("medias", "geo", "tags", "notes"):
        found = node.find(part)
        wanted = (part == "medias" and doc.media in ("audio", "video")) or (part in ("tags", "notes") and part in extra)
        if found is not None and not wanted:
            node.remove(found)
    tags = node.find("tags")
    if tags is not None:
        for child in list(tags):
            tags.remove(child)
        put(tags, total=len(doc.keywords))
        for index, keyword in enumerate(doc.keywords, 1):
            tag = put(etree.SubElement(tags, "tag"), tag_id=doc.doc_id * 100 + index, type="keyword")
            put(tag, user_id=doc.owner_id, keyword=keyword, title=keyword)
    notes = node.find("notes")
    if notes is not None:
        for child in list(notes):
            notes.remove(child)
        put(notes, total=0)


def doc_get_exif(ctx: Context) -> str:
    """The metadata stored with the document, one attribute per tag; tags XML cannot name are left out."""
    doc = _visible_doc(ctx)
    root = ctx.example()
    node = element(root, "exif")
    node.attrib.clear()
    put(node, **{tag: value for tag, value in doc.exif.items() if XML_NAME.fullmatch(tag)})
    return body_of(root)


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
    _put_cover(node, album.cover_id or (docs[0].doc_id if docs else None), size)
    put(element(node, "permissions"), comment=album.perm_comment)
    you = node.find("you")
    if you is not None:
        put(you, isfave=False, visits=0, last_visit_at=0)
    return body_of(root)


def _put_cover(node: etree._Element, cover_id: int | None, size: str) -> None:
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


def _filter(ctx: Context, docs: Iterable[Doc]) -> list[Doc]:
    """What the caller may see (private documents only for their owner, as doc.get) among ``docs``,
    narrowed by the media, share and safesurf parameters the method takes."""
    caller, declared = ctx.caller.user, ctx.operation.by_name
    wanted = {name: ctx.params.get(name, "").strip() for name in ("media", "share", "safesurf") if name in declared}
    return [
        doc
        for doc in docs
        if _visible(doc, caller)
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
    per_page = as_int(params.get(paging.per_page)) or as_int(operation.by_name[paging.per_page].default) or 1
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
    put(etree.SubElement(node, "thumb"), label=size, ext="jpg", url=_file_url(doc, size))
    if "dates" in extra:
        _put_dates(etree.SubElement(node, "dates"), doc)
    if "count" in extra:
        _put_count(etree.SubElement(node, "count"), state, doc)
    if "original" in extra:
        _put_original(etree.SubElement(node, "original"), doc)


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
    _put_cover(top, album.cover_id or (docs[0].doc_id if docs else None), size)
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


HANDLERS: dict[str, Handler] = {
    "test.echo": echo,
    "auth.getFrob": auth_get_frob,
    "auth.getToken": auth_get_token,
    "auth.checkToken": auth_check_token,
    "upload.file": upload_file,
    "upload.replace": upload_replace,
    "upload.checkTickets": upload_check_tickets,
    "doc.get": doc_get,
    "doc.getExif": doc_get_exif,
    "album.get": album_get,
    "album.create": album_create,
    "group.get": group_get,
    "user.get": user_get,
    "group.docs.add": group_docs_add,
    "doc.getList": doc_get_list,
    "album.docs.getList": album_docs_get_list,
    "group.docs.getList": group_docs_get_list,
    "account.getQuota": account_get_quota,
}


def answer(ctx: Context) -> str:
    """The reply body of a call that passed the checks."""
    return HANDLERS.get(ctx.operation.name, example_reply)(ctx)
