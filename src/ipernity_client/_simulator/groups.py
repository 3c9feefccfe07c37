"""Groups: group.get, getList, search, the group's documents (docs.add, remove, getList, getContext),
and explore.groups.getRandom.

A group takes documents from its members only, of the media it accepts, pending when it is
moderated, within its per-member quota; a closed group takes none (4).
"""

from __future__ import annotations

import random

from . import facts, reply
from .context import Context, id_list
from .docs import context_of, find_doc
from .paging import paged, visible_docs
from .state import MEDIA_TYPES, Doc, Group

NOT_FOUND = "Group not found"


def find_group(ctx: Context, code: int = 1) -> Group:
    group = ctx.state.groups.get(ctx.number("group_id") or 0)
    if group is None:
        raise ctx.fail(code, NOT_FOUND)
    return group


def group_facts(ctx: Context, group: Group) -> facts.Facts:
    """The group as it stands: quota and accepted media, counts, whether the caller is a member."""
    state, caller = ctx.state, ctx.caller.user
    member = caller is not None and caller.user_id in group.members
    quota: facts.Facts = {"moderated": group.moderated, "max": group.member_quota or 0, "period": ""}
    if group.member_quota is not None and caller is not None:
        quota["left"] = max(0, group.member_quota - group.count_by(state.docs, caller.user_id))
    accepted = {f"accept_{media}": media in group.media for media in MEDIA_TYPES}
    shown = [d for d, pending in group.docs.items() if not pending]
    you = None
    if caller is not None:
        you = {"isadmin": False, "ismoderator": False, "ismember": member, "joined_at": 0, "visited_at": 0}
        you["docs"] = group.count_by(state.docs, caller.user_id)
    return {
        "group_id": group.group_id,
        "id": group.group_id,
        "title": group.title,
        "link": f"http://www.ipernity.com/group/{group.group_id}",
        "lang": "en",
        "description": group.description,
        "quota": quota,
        "can": {"add_doc": member and not group.closed, "add_topic": member, **accepted},
        "visibility": {"ispublic": True, "docs": True, "topics": True},
        "dates": {"created_at": group.created_at, "last_doc_at": 0, "last_topic_at": 0},
        "count": {"members": len(group.members), "docs": len(shown), "topics": 0},
        "you": you,
    }


def group_get(ctx: Context) -> str:
    return ctx.one("group", group_facts(ctx, find_group(ctx)))


def group_get_list(ctx: Context) -> str:
    """The groups a member belongs to (the caller's without user_id)."""
    wanted = ctx.param("user_id")
    user = facts.user_by(ctx.state, wanted) if wanted else ctx.caller.user
    if user is None:
        raise ctx.fail(1)
    groups = [g for g in ctx.state.groups.values() if user.user_id in g.members]
    return paged(ctx, groups, lambda group: group_facts(ctx, group))


def group_search(ctx: Context) -> str:
    """Groups whose title or description holds every word of text: by relevance (the words in the title
    first, then the newest), created-desc or created-asc."""
    words = ctx.param("text").lower().split()
    if not words:
        raise ctx.fail(1)
    found = [g for g in ctx.state.groups.values() if all(w in f"{g.title} {g.description}".lower() for w in words)]
    sort = ctx.param("sort") or "relevance"
    found.sort(key=lambda g: (g.created_at, g.group_id), reverse=sort != "created-asc")
    if sort == "relevance":
        found.sort(key=lambda g: not all(w in g.title.lower() for w in words))
    return paged(ctx, found, lambda group: group_facts(ctx, group))


def explore_groups_get_random(ctx: Context) -> str:
    groups = list(ctx.state.groups.values())
    random.Random(len(ctx.state.docs)).shuffle(groups)
    return paged(ctx, groups, lambda group: group_facts(ctx, group))


def group_docs(ctx: Context, group: Group) -> list[Doc]:
    """The group's documents, the last added first; those awaiting moderation are not shown."""
    docs = [ctx.state.docs[d] for d, pending in reversed(group.docs.items()) if not pending and d in ctx.state.docs]
    if owner_id := ctx.param("user_id"):
        owner = facts.user_by(ctx.state, owner_id)
        if owner is None:
            raise ctx.fail(2, "User not found")
        docs = [doc for doc in docs if doc.owner_id == owner.user_id]
    return visible_docs(ctx, docs)


def group_docs_get_list(ctx: Context) -> str:
    group = find_group(ctx)
    return paged(ctx, group_docs(ctx, group), lambda doc: facts.list_doc(ctx, doc), group_id=group.group_id)


def group_docs_get_context(ctx: Context) -> str:
    group = find_group(ctx)
    return context_of(ctx, group_docs(ctx, group), find_doc(ctx))


def group_docs_add(ctx: Context) -> str:
    """Added, skipped (already in), pending (moderated) and per-document errors 1 and 2, as documented."""
    state, user = ctx.state, ctx.user
    group = find_group(ctx)
    if user.user_id not in group.members:
        raise ctx.fail(1)
    if group.closed:
        raise ctx.fail(4)
    ids = [int(text) if text.isdigit() else 0 for text in id_list(ctx.params["doc_id"])]
    docs = [state.docs.get(doc_id) for doc_id in ids]
    mine = [doc for doc in docs if doc is not None and doc.owner_id == user.user_id]
    if len(mine) != len(ids):
        raise ctx.fail(2)
    new = [doc for doc in mine if doc.doc_id not in group.docs]
    if group.member_quota is not None and group.count_by(state.docs, user.user_id) + len(new) > group.member_quota:
        raise ctx.fail(3)
    results: list[facts.Facts] = []
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
        results.append({"doc_id": doc.doc_id, "added": now_added, "pending": waiting, "error": error})
    added = sum(bool(r["added"]) for r in results)
    root = ctx.reply()
    node = root.child("group").set(group_id=group.group_id, total=len(group.docs), added=added)
    node.set(skipped=len(results) - added, pending=sum(bool(r["pending"]) for r in results))
    node.fill({"doc": results})
    return reply.body(root)


def group_docs_remove(ctx: Context) -> str:
    """Removes the caller's documents from the group (2 for one that is not theirs); the documents come as
    ``<docs>`` items, as the live service sends them."""
    state, user, group = ctx.state, ctx.user, find_group(ctx)
    results: list[facts.Facts] = []
    for text in id_list(ctx.params["doc_id"]):
        doc = state.docs.get(int(text) if text.isdigit() else 0)
        if doc is None or doc.owner_id != user.user_id:
            raise ctx.fail(2)
        results.append({"doc_id": doc.doc_id, "removed": group.docs.pop(doc.doc_id, None) is not None})
    removed = sum(bool(r["removed"]) for r in results)
    root = ctx.reply()
    node = root.child("group").set(group_id=group.group_id, total=len(group.docs), removed=removed)
    node.set(skipped=len(results) - removed).fill({"docs": results})
    return reply.body(root)
