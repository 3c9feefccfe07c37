"""Comments on documents and blog posts (doc.comments.*, post.comments.*) and notes on photos (doc.notes.*).

A comment is edited or deleted by its author (the owner of what it is on may delete it too; anyone
else gets error 1, "not found or you don't have the permission", and a blog comment older than
seven days cannot be deleted, error 3); replies keep their parent. Notes live on a document and may name a member.
"""

from __future__ import annotations

from . import facts
from .context import Context
from .docs import find_doc
from .paging import paged
from .posts import find_post
from .state import Comment, Doc, Note, Post

# Comments one document or post takes before error 4.
MAX_COMMENTS = 10_000
# post.comments.delete error 3: "posted more than 7 days ago. It cannot be deleted anymore."
DELETE_WINDOW = 7 * 24 * 3600


def _target(ctx: Context, on: str) -> Doc | Post:
    return find_doc(ctx) if on == "doc" else find_post(ctx)


def _comment_reply(ctx: Context, comment: Comment) -> str:
    return ctx.one("comment", facts.comment(ctx, comment))


def _find_comment(ctx: Context, on: str, *, author: bool = False, deleting: bool = False) -> Comment:
    comment = ctx.state.comments.get(ctx.number("comment_id") or 0)
    if comment is None or comment.on != on:
        raise ctx.fail(1, "Comment not found")
    caller = ctx.caller.user
    mine = caller is not None and caller.user_id == comment.user_id
    owns_target = caller is not None and caller.user_id == facts.target_owner(ctx.state, comment)
    if author and not mine:
        raise ctx.fail(2, "Not allowed: only the author may change this comment")
    if deleting and not (mine or owns_target):
        raise ctx.fail(1, "Comment not found or not yours to delete")
    if deleting and on == "post" and ctx.state.now() - comment.posted_at > DELETE_WINDOW:
        raise ctx.fail(3)
    return comment


def _content(ctx: Context) -> str:
    content = ctx.param("content")
    if not content:
        raise ctx.fail(2, "Comment text is empty")
    return content


def add_comment(ctx: Context, on: str) -> str:
    target = _target(ctx, on)
    content = _content(ctx)
    if target.perm_comment == "0" and (ctx.user.user_id != target.owner_id):
        raise ctx.fail(3, "No permission to comment")
    key = target.doc_id if isinstance(target, Doc) else target.post_id
    if sum(1 for c in ctx.state.comments.values() if c.on == on and c.target_id == key) >= MAX_COMMENTS:
        raise ctx.fail(4, "Comments limit reached")
    if ctx.param("preview") == "1":
        return _comment_reply(ctx, Comment(0, on, 0, ctx.user.user_id, content, ctx.state.now()))
    return _comment_reply(ctx, ctx.state.add_comment(ctx.user, target, content))


def reply_comment(ctx: Context, on: str) -> str:
    parent = _find_comment(ctx, on)
    state = ctx.state
    target = state.docs.get(parent.target_id) if on == "doc" else state.posts.get(parent.target_id)
    if target is None:
        raise ctx.fail(1, "Comment not found")
    return _comment_reply(ctx, ctx.state.add_comment(ctx.user, target, _content(ctx), parent=parent))


def edit_comment(ctx: Context, on: str) -> str:
    comment = _find_comment(ctx, on, author=True)
    content = _content(ctx)
    if ctx.param("preview") != "1":
        comment.content, comment.modified_at = content, ctx.state.now()
    return _comment_reply(ctx, comment)


def delete_comment(ctx: Context, on: str) -> str:
    comment = _find_comment(ctx, on, deleting=True)
    for key in [
        k for k, c in ctx.state.comments.items() if k == comment.comment_id or c.parent_id == comment.comment_id
    ]:
        del ctx.state.comments[key]
    return ""


def get_comment(ctx: Context, on: str) -> str:
    return _comment_reply(ctx, _find_comment(ctx, on))


def comment_list(ctx: Context, on: str) -> str:
    target = _target(ctx, on)
    key = target.doc_id if isinstance(target, Doc) else target.post_id
    found = sorted(
        (c for c in ctx.state.comments.values() if c.on == on and c.target_id == key), key=lambda c: c.comment_id
    )
    top = {"doc_id": key} if on == "doc" else {"post_id": key}
    return paged(ctx, found, lambda c: facts.comment(ctx, c), **top)


def _box(ctx: Context) -> tuple[int, int, int, int]:
    values = [ctx.number(name) for name in ("x", "y", "w", "h")]
    if any(v is None or v < 0 for v in values) or not all(values[2:]):
        raise ctx.fail(4, "Note coordinates are invalid")
    x, y, w, h = (v or 0 for v in values)
    return x, y, w, h


def _note_reply(ctx: Context, note: Note) -> str:
    return ctx.one("note", facts.note(ctx.state, note))


def doc_notes_add(ctx: Context) -> str:
    doc = find_doc(ctx)
    content, member_text = ctx.param("content"), ctx.param("member_id")
    member = facts.user_by(ctx.state, member_text) if member_text else None
    if member_text and member is None:
        raise ctx.fail(3)
    if not content and member is None:
        raise ctx.fail(2)
    box = _box(ctx)
    if sum(1 for n in ctx.state.notes.values() if n.doc_id == doc.doc_id) >= ctx.state.max_notes_per_doc:
        raise ctx.fail(5)
    note = Note(0, doc.doc_id, ctx.user.user_id, content, *box, posted_at=ctx.state.now())
    if ctx.param("preview") != "1":
        note = ctx.state.add_note(ctx.user, doc, content or (member.username if member else ""), box)
        note.member_id = member.user_id if member else None
    return _note_reply(ctx, note)


def _find_note(ctx: Context) -> Note:
    note = ctx.state.notes.get(ctx.number("note_id") or 0)
    caller = ctx.user
    doc = ctx.state.docs.get(note.doc_id) if note is not None else None
    if note is None or caller.user_id not in (note.user_id, doc.owner_id if doc else -1):
        raise ctx.fail(1, "Note not found")
    return note


def doc_notes_edit(ctx: Context) -> str:
    note = _find_note(ctx)
    content = ctx.param("content")
    if not content:
        raise ctx.fail(2)
    box = _box(ctx)
    if ctx.param("preview") != "1":
        note.content, (note.x, note.y, note.w, note.h) = content, box
    return _note_reply(ctx, note)


def doc_notes_delete(ctx: Context) -> str:
    del ctx.state.notes[_find_note(ctx).note_id]
    return ""
