"""One document: doc.get and doc.getExif, and the parts of a document's reply the lists share.

Who may see a document (``visible``: public ones, or the caller's own), its file and thumb URLs,
its dates, counts and original file are written here once, for doc.get and for the entries of
the paged lists, so both describe an uploaded document the same way.
"""

from __future__ import annotations

import time
from pathlib import PurePath

from lxml import etree

from .context import XML_NAME, Context, as_int, body_of, element, id_list, put
from .state import Doc, State, User


def visible(doc: Doc, user: User | None) -> bool:
    return doc.is_public or (user is not None and user.user_id == doc.owner_id)


def _visible_doc(ctx: Context) -> Doc:
    """The ``doc_id`` document; error 1 when there is none or the caller may not see it."""
    doc = ctx.state.docs.get(as_int(ctx.params["doc_id"]) or 0)
    if doc is None or not visible(doc, ctx.caller.user):
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
    put_dates(element(node, "dates"), doc)
    visibility = element(node, "visibility")
    put(visibility, ispublic=doc.is_public, isfriend=doc.is_friend, isfamily=doc.is_family, share=doc.share)
    put_count(element(node, "count"), state, doc)
    put(element(node, "you"), isfave=False, visits=0, last_visit=0)
    for thumb in node.iterfind("thumbs/thumb"):
        put(thumb, url=file_url(doc, thumb.get("label", "")))
    put_original(element(node, "original"), doc)
    _doc_parts(node, doc, extra)
    return body_of(root)


def file_url(doc: Doc, label: str) -> str:
    return f"http://u1.ipernity.com/{doc.doc_id}.{label}.jpg"


def put_dates(dates: etree._Element, doc: Doc) -> None:
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(doc.posted_at))
    put(dates, posted_at=doc.posted_at, replaced_at=doc.replaced_at, created=created)
    put(dates, modified_at=max(doc.posted_at, doc.replaced_at), comment_at=0)


def put_count(count: etree._Element, state: State, doc: Doc) -> None:
    """Tags, albums and groups as the state has them; nobody visits, faves or comments in the simulator."""
    albums = sum(1 for album in state.albums.values() if doc.doc_id in album.doc_ids)
    groups = sum(1 for group in state.groups.values() if doc.doc_id in group.docs)
    put(count, visits=0, faves=0, comments=0, notes=0, tags=len(doc.keywords))
    put(count, albums=albums, groups=groups, last_visit=0)


def put_original(original: etree._Element, doc: Doc) -> None:
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
