"""Blog posts: post.set (a new post when no post_id is given), post.get, getList, getContext, search.

Posts follow the documents' visibility rules by their share code; their comments are in ``talk``.
"""

from __future__ import annotations

from . import facts, reply
from .context import Context
from .paging import paged
from .state import Post

PERM_LEVELS = frozenset("012345")
SHARE_CODES = {"0": 0, "1": 1, "2": 2, "3": 3, "4": 5, "5": 5}


def visible_post(ctx: Context, post: Post) -> bool:
    return ctx.state.can_see(post.owner_id, post.is_public, post.share in (2, 3), post.share in (1, 3), ctx.caller.user)


def find_post(ctx: Context, *, own: bool = False) -> Post:
    post = ctx.state.posts.get(ctx.number("post_id") or 0)
    if post is None or not visible_post(ctx, post) or (own and not ctx.is_owner(post.owner_id)):
        raise ctx.fail(1, "Post not found")
    return post


def _post_reply(ctx: Context, post: Post) -> str:
    return ctx.one("post", facts.post(ctx, post))


def post_set(ctx: Context) -> str:
    """Edits the caller's post, or creates one when no post_id is given (a title or content is needed)."""
    if ctx.param("post_id"):
        post = find_post(ctx, own=True)
    else:
        if not ctx.param("title") and not ctx.param("content"):
            raise ctx.fail(2)
        post = ctx.state.add_post(ctx.user, ctx.param("title"))
    share = ctx.param("share")
    if share and share not in SHARE_CODES:
        raise ctx.fail(3)
    for name in ("title", "content", "intro", "license"):
        if name in ctx.params:
            setattr(post, name, ctx.params[name])
    levels = {name: ctx.param(name) for name in ("com", "tag", "tagme") if ctx.param(name)}
    if any(level not in PERM_LEVELS for level in levels.values()):
        raise ctx.fail(3)
    for name, attribute in (("com", "perm_comment"), ("tag", "perm_tag"), ("tagme", "perm_tagme")):
        if name in levels:
            setattr(post, attribute, levels[name])
    if share:
        post.share = SHARE_CODES[share]
    post.updated_at = ctx.state.now()
    return _post_reply(ctx, post)


def post_get(ctx: Context) -> str:
    post = find_post(ctx)
    from .docs import record_visit

    record_visit(ctx, post.visits, post.owner_id)
    return _post_reply(ctx, post)


def _posts_of(ctx: Context, user_id: int | None) -> list[Post]:
    found = [p for p in ctx.state.posts.values() if (user_id is None or p.owner_id == user_id) and visible_post(ctx, p)]
    share = ctx.param("share")
    if share:
        found = [p for p in found if p.share == SHARE_CODES.get(share, -1)]
    return sorted(found, key=lambda p: (p.posted_at, p.post_id), reverse=True)


def post_get_list(ctx: Context) -> str:
    user = facts.user_by(ctx.state, ctx.param("user_id"))
    if user is None:
        raise ctx.fail(1, "User not found")
    return paged(ctx, _posts_of(ctx, user.user_id), lambda post: facts.post(ctx, post))


def post_search(ctx: Context) -> str:
    """Posts holding every word of text in their title or content, of user_id when given: the newest first,
    the oldest with a ``-asc`` sort, the most faved and visited with ``popular``."""
    user = facts.user_by(ctx.state, ctx.param("user_id")) if ctx.param("user_id") else None
    words = ctx.param("text").lower().split()
    found = [
        p
        for p in _posts_of(ctx, user.user_id if user else None)
        if all(w in f"{p.title} {p.content}".lower() for w in words)
    ]
    sort = ctx.param("sort")
    if sort.endswith("-asc"):
        found.reverse()
    elif sort == "popular":
        found.sort(key=lambda p: len(p.faves) * 10 + sum(v.count for v in p.visits.values()), reverse=True)
    return paged(ctx, found, lambda post: facts.post(ctx, post))


def post_get_context(ctx: Context) -> str:
    post = find_post(ctx)
    posts = _posts_of(ctx, post.owner_id)
    index = posts.index(post)
    before, after = ctx.number("prev") or 1, ctx.number("next") or 1

    def entry(found: Post, offset: int) -> facts.Facts:
        described = facts.post(ctx, found)
        return {**described, "index": offset, "user_id": found.owner_id}

    root = ctx.reply()
    previous = posts[max(0, index - before) : index][::-1]
    root.child("prev").fill({"count": index, "post": [entry(p, -n) for n, p in enumerate(previous, 1)]})
    root.child("post").fill(entry(post, 0))
    following = posts[index + 1 : index + 1 + after]
    root.child("next").fill(
        {"count": len(posts) - index - 1, "post": [entry(p, n) for n, p in enumerate(following, 1)]}
    )
    return reply.body(root)
