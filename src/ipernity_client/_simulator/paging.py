"""Pages of any list, as ipernity pages them, and the filters lists of documents share.

``page`` starts at 1 and a page past the last is empty; ``per_page`` defaults to the spec's
default and is lowered to its maximum. The container carries total, page, pages, per_page (and
count, the items on this page, where its model declares it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from . import reply
from .context import Context, as_int
from .facts import FILTER_PUBLIC_SHARE, Facts
from .reply import Node
from .state import Doc

T = TypeVar("T")


def container(ctx: Context, root: Node) -> Node:
    """The element holding the list: the reply's element, then the paging path down from it."""
    node = root.child(next(iter(ctx.api.simulator_data.responses[ctx.operation.name])))
    paging = ctx.operation.paging
    for tag in paging.path if paging is not None else ():
        node = node.child(tag)
    return node


def _items_tag(ctx: Context, node: Node) -> str:
    paging = ctx.operation.paging
    if paging is not None:
        return paging.items
    return next(tag for tag, (_, repeated) in node.model.children.items() if repeated)


def page_into(ctx: Context, node: Node, items: Sequence[T], facts: Callable[[T], Facts]) -> None:
    """Write the page asked for of ``items`` into ``node``, with ipernity's counters."""
    operation = ctx.operation
    paging = operation.paging
    page_name, per_page_name = (paging.page, paging.per_page) if paging is not None else ("page", "per_page")
    tag = _items_tag(ctx, node)
    if per_page_name not in operation.by_name:
        count = as_int(ctx.params.get("count")) or len(items)
        chosen = list(items[:count])
        node.fill({"total": len(items), "count": len(chosen)})
    else:
        maximum = operation.by_name[per_page_name].maximum
        default = ctx.api.simulator_data.defaults.get(operation.name, {}).get(per_page_name)
        per_page = as_int(ctx.params.get(per_page_name)) or as_int(default) or 20
        per_page = max(1, min(per_page, int(maximum)) if maximum is not None else per_page)
        page = max(1, as_int(ctx.params.get(page_name)) or 1)
        chosen = list(items[(page - 1) * per_page : page * per_page])
        pages = math.ceil(len(items) / per_page)
        node.fill({"total": len(items), "per_page": per_page, "perpage": per_page, "page": page, "pages": pages})
        node.fill({"count": len(chosen)})
    for item in chosen:
        node.add(tag).fill(facts(item))


def paged(ctx: Context, items: Sequence[T], facts: Callable[[T], Facts], **top: object) -> str:
    """The whole reply of a list method: ``top`` facts on its element, then the page."""
    root = ctx.reply()
    node = container(ctx, root)
    if top:
        root.child(next(iter(root.model.children))).fill(top)
    page_into(ctx, node, items, facts)
    return reply.body(root)


def visible_docs(ctx: Context, docs: Iterable[Doc]) -> list[Doc]:
    """What the caller may see among ``docs``, narrowed by the media, share and safesurf filters sent."""
    caller, state = ctx.caller.user, ctx.state
    declared = ctx.operation.by_name
    wanted = {name: ctx.param(name) for name in ("media", "share", "safesurf") if name in declared}
    media = set(wanted.get("media", "").replace("all", "").split(",")) - {""}
    found = []
    for doc in docs:
        if not state.can_see(doc.owner_id, doc.is_public, doc.is_friend, doc.is_family, caller):
            continue
        if media and doc.media not in media:
            continue
        if wanted.get("safesurf", "") not in ("", doc.safety):
            continue
        share = wanted.get("share", "")
        if share and share != str(FILTER_PUBLIC_SHARE if doc.is_public else doc.share):
            continue
        found.append(doc)
    return found
