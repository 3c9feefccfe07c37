"""Method errors from the state with their documented codes, privacy, and pages on every paginated method.

Each case runs on a fresh small world (``State.seed_world``); the error table runs on every
protocol and format, as the effect table does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._simulator.world import World
from ipernity_client.testing import ManualClock, Simulator

from .worldcase import Case

COMBOS = [(protocol, fmt) for protocol in API.service.protocols for fmt in API.service.client_formats]
Arrange = Callable[[Simulator, World], None]


def nothing(sim: Simulator, world: World) -> None:
    """No change to the seeded world."""


def albums_full(sim: Simulator, world: World) -> None:
    world.member.max_albums = sum(album.owner_id == world.member.user_id for album in sim.state.albums.values())


def closed_group(sim: Simulator, world: World) -> None:
    world.group.closed = True


def group_quota(sim: Simulator, world: World) -> None:
    world.group.member_quota = 5


def no_comments(sim: Simulator, world: World) -> None:
    world.docs[0].perm_comment = "0"


def few_tags(sim: Simulator, world: World) -> None:
    sim.state.max_tags_per_doc = 3


# (method, arguments, the documented code, who calls, what to change in the world first)
ERRORS: list[tuple[str, dict[str, Any], int, str, Arrange]] = [
    ("doc.get", {"doc_id": 999}, 1, "member", nothing),
    ("doc.get", {"doc_id": "$contact_docs.3"}, 1, "member", nothing),
    ("doc.getList", {"user_id": 999}, 1, "member", nothing),
    ("doc.set", {"doc_id": "$contact_docs.0", "title": "Mine now"}, 1, "member", nothing),
    ("doc.set", {"doc_id": "$docs.0"}, 2, "member", nothing),
    ("doc.tags.add", {"doc_id": "$docs.0"}, 2, "member", nothing),
    ("doc.tags.add", {"doc_id": "$docs.0", "keywords": "a,b"}, 3, "member", few_tags),
    (
        "doc.notes.add",
        {"doc_id": "$docs.0", "member_id": "nobody", "x": 1, "y": 1, "w": 5, "h": 5},
        3,
        "member",
        nothing,
    ),
    ("doc.comments.add", {"doc_id": "$docs.0", "content": "Hi"}, 3, "contact", no_comments),
    ("album.create", {"title": "One more"}, 4, "member", albums_full),
    ("album.create", {"title": "Bob's cover", "cover_id": "$contact_docs.0"}, 2, "member", nothing),
    ("album.edit", {"album_id": "$albums.0"}, 4, "member", nothing),
    ("album.edit", {"album_id": "$albums.0", "title": "T"}, 1, "contact", nothing),
    ("album.docs.getList", {"album_id": 999}, 1, "member", nothing),
    ("album.docs.remove", {"album_id": 999, "doc_id": ["$docs.0"]}, 1, "member", nothing),
    (
        "album.docs.setList",
        {"album_id": "$albums.0", "doc_ids": ["$docs.0"], "cover_id": "$docs.1"},
        3,
        "member",
        nothing,
    ),
    ("album.getList", {"user_id": 999}, 1, "member", nothing),
    ("group.docs.add", {"group_id": "$moderated_group", "doc_id": ["$contact_docs.0"]}, 1, "contact", nothing),
    ("group.docs.add", {"group_id": "$group", "doc_id": ["$contact_docs.0"]}, 2, "member", nothing),
    ("group.docs.add", {"group_id": "$group", "doc_id": ["$docs.30"]}, 3, "member", group_quota),
    ("group.docs.add", {"group_id": "$group", "doc_id": ["$docs.30"]}, 4, "member", closed_group),
    ("group.docs.getList", {"group_id": "$group", "user_id": 999}, 2, "member", nothing),
    ("group.search", {"text": " "}, 1, "member", nothing),
    ("folder.get", {"folder_id": 999}, 1, "member", nothing),
    ("folder.albums.add", {"folder_id": "$folder", "album_id": [999]}, 2, "member", nothing),
    ("faves.docs.getList", {"owner_id": 999}, 2, "member", nothing),
    ("tags.docs.getList", {"type": "keyword", "id": "no-such-tag"}, 1, "member", nothing),
    ("post.set", {"intro": "No title, no content"}, 2, "member", nothing),
    ("post.set", {"title": "T", "share": "9"}, 3, "member", nothing),
    ("user.get", {"user_id": 999}, 1, "member", nothing),
]


def fresh(running: Simulator, module_clock: ManualClock, protocol: str = "rest", fmt: str = "json") -> Case:
    running.reset()
    return Case(running, module_clock, running.state.seed_world(), protocol, fmt)


@pytest.mark.parametrize(("protocol", "fmt"), COMBOS, ids=[f"{p}-{f}" for p, f in COMBOS])
@pytest.mark.parametrize(
    ("method", "args", "code", "who", "arrange"),
    ERRORS,
    ids=[f"{method}-{code}-{n}" for n, (method, _, code, _, _) in enumerate(ERRORS)],
)
def test_a_method_error_comes_from_the_state(
    running: Simulator,
    module_clock: ManualClock,
    method: str,
    args: dict[str, Any],
    code: int,
    who: str,
    arrange: Arrange,
    protocol: str,
    fmt: str,
) -> None:
    case = fresh(running, module_clock, protocol, fmt)
    arrange(running, case.world)
    with pytest.raises(errors.ApiError) as failed:
        case.call(method, args, as_contact=who == "contact")
    case.close()
    assert failed.value.code == code
    assert API.errors.lookup(code, method) is not errors.UnknownApiError, "a code the spec documents"


def test_another_members_private_documents_are_never_shown(running: Simulator, module_clock: ManualClock) -> None:
    case = fresh(running, module_clock)
    world = case.world
    private, friends_only = world.contact_docs[3], world.docs[8]
    secret = world.docs[17]
    assert not private.is_public and friends_only.is_friend and not secret.is_public and not secret.is_friend
    listed = [doc.doc_id for doc in case.member.pages("doc.getList", user_id=world.contact.user_id)]
    assert private.doc_id not in listed and len(listed) == 3
    found = [doc.doc_id for doc in case.member.pages("doc.search", user_id=world.contact.user_id)]
    assert set(found) == set(listed)
    theirs = [doc.doc_id for doc in case.contact.pages("doc.getList", user_id=world.member.user_id)]
    assert friends_only.doc_id in theirs and secret.doc_id not in theirs  # a friend sees friends-only photos
    mine = [doc.doc_id for doc in case.member.pages("doc.getList")]
    assert secret.doc_id in mine and len(mine) == len(world.docs)
    with running.client() as anonymous:
        public = [doc.doc_id for doc in anonymous.pages("doc.getList", user_id=world.member.user_id)]
    assert friends_only.doc_id not in public and secret.doc_id not in public
    case.close()


PAGED_ARGS: dict[str, dict[str, Any]] = {
    "album.docs.getList": {"album_id": "$albums.0"},
    "album.getFaves": {"album_id": "$albums.0"},
    "album.getVisitors": {"album_id": "$albums.0"},
    "doc.comments.getList": {"doc_id": "$docs.0"},
    "doc.getFaves": {"doc_id": "$docs.0"},
    "doc.getVisitors": {"doc_id": "$docs.0"},
    "folder.albums.getList": {"folder_id": "$folder"},
    "group.docs.getList": {"group_id": "$group"},
    "group.search": {"text": "photography"},
    "post.comments.getList": {"post_id": "$post"},
    "post.getFaves": {"post_id": "$post"},
    "post.getList": {"user_id": "$member"},
    "post.getVisitors": {"post_id": "$post"},
    "tags.docs.getList": {"type": "keyword", "id": "travel"},
}
PAGED = sorted(name for name, operation in API.operations.items() if operation.paging is not None)


@pytest.mark.parametrize("method", PAGED)
def test_every_paginated_method_pages_its_state(running: Simulator, module_clock: ManualClock, method: str) -> None:
    """per_page=2: each page holds at most 2 items and says how many pages there are; walked, the pages give
    ``total`` items, each once."""
    case = fresh(running, module_clock)
    args = case.value(PAGED_ARGS.get(method, {}))
    operation = API.operations[method]
    paging = operation.paging
    assert paging is not None
    first = case.member.call(method, per_page=2, page=1, **args)
    container = first
    for name in paging.path:
        container = getattr(container, name)
    items = getattr(container, paging.items)
    assert (container.page, container.per_page, len(items)) == (1, 2, min(2, container.total))
    assert container.pages == math.ceil(container.total / 2)
    walked = list(case.member.pages(method, per_page=2, **args))
    assert len(walked) == container.total
    keys = [
        next(
            getattr(item, key)
            for key in ("doc_id", "album_id", "comment_id", "user_id", "group_id", "post_id", "folder_id")
            if getattr(item, key, None) is not None
        )
        for item in walked
    ]
    assert len(set(keys)) == len(keys)
    case.close()


def test_extra_and_thumbsize_shape_list_entries(running: Simulator, module_clock: ManualClock) -> None:
    case = fresh(running, module_clock)
    plain = case.member.call("doc.getList", per_page=1)
    rich = case.member.call("doc.getList", per_page=1, extra=["dates", "geo", "original", "md5"], thumbsize="500")
    (entry,), (full,) = plain.doc, rich.doc
    assert entry.md5 is None and entry.dates is None and entry.geo is None and entry.thumb.label == "75x"
    assert full.md5 == running.state.docs[full.doc_id].md5 and full.dates.posted_at and full.geo.lat is not None
    assert full.original.url == f"{running.endpoint}/media/{full.doc_id}/original"
    assert (full.thumb.label, full.thumb.url) == ("500", f"{running.endpoint}/media/{full.doc_id}/500")
    case.close()


def test_search_filters_and_sorts(running: Simulator, module_clock: ManualClock) -> None:
    case = fresh(running, module_clock)
    world = case.world
    newest = case.member.call("doc.search", user_id=world.member.user_id, sort="posted-desc", per_page=3)
    oldest = case.member.call("doc.search", user_id=world.member.user_id, sort="posted-asc", per_page=3)
    assert [d.doc_id for d in newest.doc] == [d.doc_id for d in world.docs[::-1][:3]]
    assert [d.doc_id for d in oldest.doc] == [d.doc_id for d in world.docs[:3]]
    sunsets = {d.doc_id for d in case.member.pages("doc.search", tags="sunset")}
    assert sunsets == {d.doc_id for d in world.docs if "sunset" in d.keywords}
    in_album = {d.doc_id for d in case.member.pages("doc.search", album_id=world.albums[1].album_id)}
    assert in_album == set(world.albums[1].doc_ids)
    near = {d.doc_id for d in case.member.pages("doc.search", lat=48.38, lng=-4.49, dist=1000)}
    assert near == {d.doc_id for d in world.docs if d.lat == 48.38}
    case.close()
