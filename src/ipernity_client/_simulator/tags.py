"""Tags: doc.tags.add, edit, remove and getList; a member's tags (tags.user.getList, getPopular);
the documents with a tag (tags.docs.getList).

Keyword tags are kept as the document's keywords, member tags as member ids; a keyword's tag id
is the same on every document. Adding more than the state's ``max_tags_per_doc`` adds none (3).
"""

from __future__ import annotations

import csv
from collections import Counter

from . import facts, reply
from .context import Context, id_list
from .docs import find_doc
from .paging import paged, visible_docs
from .search import SORTS
from .state import Doc


def keywords(text: str) -> list[str]:
    """ipernity's keyword syntax: commas between tags, double quotes around a tag holding one."""
    return [item.strip() for item in next(csv.reader([text], skipinitialspace=True), []) if item.strip()]


def _members(ctx: Context) -> list[int]:
    found = []
    for text in id_list(ctx.params.get("members", "")):
        member = facts.user_by(ctx.state, text)
        if member is None:
            raise ctx.fail(1, f"Member not found: {text}")
        found.append(member.user_id)
    return found


def _tag(ctx: Context, *, replace: bool) -> str:
    doc = find_doc(ctx)
    words, members = keywords(ctx.params.get("keywords", "")), _members(ctx)
    if not words and not members and not replace:
        raise ctx.fail(2)
    new_words = [w for w in dict.fromkeys(words) if replace or w.lower() not in {k.lower() for k in doc.keywords}]
    new_members = [m for m in dict.fromkeys(members) if replace or m not in doc.members]
    total = (0 if replace else len(doc.keywords) + len(doc.members)) + len(new_words) + len(new_members)
    if total > ctx.state.max_tags_per_doc:
        raise ctx.fail(3)
    if replace:
        doc.keywords, doc.members = new_words, new_members
    else:
        doc.keywords += new_words
        doc.members += new_members
    added = [
        t for t in facts.doc_tags(ctx.state, doc) if t.get("keyword") in new_words or t.get("member_id") in new_members
    ]
    root = ctx.reply()
    dropped = len(words) + len(members) - len(new_words) - len(new_members)
    root.child("tags").fill({"added": len(added), "dropped": dropped, "tag": added})
    return reply.body(root)


def doc_tags_add(ctx: Context) -> str:
    """Adds keyword and member tags; those already on the document are dropped (counted in ``dropped``)."""
    return _tag(ctx, replace=False)


def doc_tags_edit(ctx: Context) -> str:
    """Replaces the document's tags with those sent."""
    return _tag(ctx, replace=True)


def doc_tags_remove(ctx: Context) -> str:
    """Removes one tag by type (keyword or member) and id."""
    doc = find_doc(ctx)
    kind, tag_id = ctx.param("type"), ctx.number("id")
    if kind == "member":
        doc.members = [m for m in doc.members if m != tag_id]
    else:
        doc.keywords = [k for k in doc.keywords if ctx.state.tag_id(k) != tag_id]
    return ""


def doc_tags_get_list(ctx: Context) -> str:
    doc = find_doc(ctx)
    tags = facts.doc_tags(ctx.state, doc)
    return ctx.one("tags", {"total": len(tags), "tag": tags})


def _user_tags(ctx: Context) -> tuple[int, Counter[str]]:
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1, "User not found")
    docs = visible_docs(ctx, (d for d in ctx.state.docs.values() if d.owner_id == user.user_id))
    return user.user_id, Counter(k for d in docs for k in d.keywords)


def _tag_list(ctx: Context, popular: bool) -> str:
    user_id, counts = _user_tags(ctx)
    ordered = counts.most_common() if popular else sorted(counts.items(), key=lambda item: item[0].lower())
    limit = ctx.number("count")
    chosen = ordered[:limit] if limit else ordered
    entries = [
        {"id": ctx.state.tag_id(word), "type": "keyword", "tag": word, "docs": n, "posts": 0, "user_id": user_id}
        for word, n in chosen
    ]
    return ctx.one("tags", {"total": len(counts), "count": len(entries), "user_id": user_id, "tag": entries})


def tags_user_get_list(ctx: Context) -> str:
    """A member's keyword tags (the caller's without user_id), by name."""
    return _tag_list(ctx, popular=False)


def tags_user_get_popular(ctx: Context) -> str:
    """A member's keyword tags, the most used first."""
    return _tag_list(ctx, popular=True)


def tags_docs_get_list(ctx: Context) -> str:
    """The documents carrying a keyword (by tag id or text) or a member tag, the most popular first unless
    ``sort`` says posted-desc or posted-asc."""
    state, kind, text = ctx.state, ctx.param("type"), ctx.param("id")
    docs: list[Doc]
    if kind == "member":
        member = facts.user_by(state, text)
        if member is None:
            raise ctx.fail(1)
        docs = [d for d in state.docs.values() if member.user_id in d.members]
    else:
        keyword = state.keyword_of(int(text)) if text.isdigit() else text.lower()
        docs = [d for d in state.docs.values() if keyword in {k.lower() for k in d.keywords}]
        if not docs:
            raise ctx.fail(1)
    if ctx.param("user_id"):
        owner = facts.user_by(state, ctx.param("user_id"))
        if owner is None:
            raise ctx.fail(2)
        docs = [d for d in docs if d.owner_id == owner.user_id]
    key, descending = SORTS.get(ctx.param("sort") or "popular", SORTS["popular"])
    docs.sort(key=key, reverse=descending)  # type: ignore[arg-type]
    return paged(ctx, visible_docs(ctx, docs), lambda doc: facts.list_doc(ctx, doc))
