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


def small_folders(sim: Simulator, world: World) -> None:
    sim.state.max_albums_per_folder = len(world.folder.album_ids)


def old_post_comment(sim: Simulator, world: World) -> None:
    """$comment: the contact's comment on the member's post, eight days old."""
    world.comment = sim.state.add_comment(world.contact, world.post, "Long ago")
    world.comment.posted_at -= 8 * 24 * 3600


def strangers_comment(sim: Simulator, world: World) -> None:
    """$comment: a third member's comment on the contact's blog post, which the member may not delete."""
    post = sim.state.add_post(world.contact, "Bob's trip")
    world.comment = sim.state.add_comment(sim.state.add_user("carol"), post, "Hello")


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
    ("folder.albums.add", {"folder_id": "$folder", "album_id": ["$albums.2"]}, 3, "member", small_folders),
    ("post.comments.delete", {"comment_id": "$comment"}, 3, "contact", old_post_comment),
    ("post.comments.delete", {"comment_id": "$comment"}, 1, "member", strangers_comment),
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
    files = f"{running.endpoint}/media/{full.doc_id}/{running.state.docs[full.doc_id].secret}"
    assert full.original.url == f"{files}/original"
    assert (full.thumb.label, full.thumb.url) == ("500", f"{files}/500")
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


def test_post_tags_come_with_extra_tags_and_visits_are_counted(running: Simulator, module_clock: ManualClock) -> None:
    case = fresh(running, module_clock)
    post_id = case.world.post.post_id
    plain = case.contact.post.get(post_id=post_id)
    tagged = case.contact.post.get(post_id=post_id, extra=["tags"])
    listed = case.contact.post.get_list(user_id=case.world.member.user_id, extra="tags").post
    case.close()
    assert plain.tags is None and plain.you is not None and plain.you.visits == 1
    assert tagged.tags is not None and [tag.tag for tag in tagged.tags.tag] == case.world.post.keywords == ["travel"]
    assert tagged.you is not None and tagged.you.visits == 2 and tagged.you.last_visit_at == running.state.now()
    assert listed[0].tags is not None and listed[0].tags.total == 1


def test_seeded_fields_are_checked_and_codes_may_be_numbers(running: Simulator, module_clock: ManualClock) -> None:
    case = fresh(running, module_clock)
    state, member = running.state, case.world.member
    with pytest.raises(TypeError, match="Doc has no field 'is_publc'"):
        state.add_doc(member, "typo.jpg", b"typo", is_publc=False)
    with pytest.raises(TypeError, match="Post has no field 'body'"):
        state.add_post(member, "Typo", body="text")
    adult = state.add_doc(member, "night.jpg", b"night", title="Night", safety=3, license=4)
    found = case.member.doc.get_list(safesurf=3, extra=["dates"]).doc
    case.close()
    assert (adult.safety, adult.license) == ("3", "4")
    assert [doc.doc_id for doc in found] == [adult.doc_id]


def test_an_album_cover_is_never_a_document_the_caller_may_not_see(
    running: Simulator, module_clock: ManualClock
) -> None:
    case = fresh(running, module_clock)
    world = case.world
    secret, album = world.docs[17], world.albums[0]
    assert not (secret.is_public or secret.is_friend or secret.is_family)
    album.doc_ids.insert(0, secret.doc_id)
    first_visible = album.doc_ids[1]
    theirs = case.contact.album.get(album_id=album.album_id).cover
    mine = case.member.album.get(album_id=album.album_id).cover
    album.cover_id = secret.doc_id
    listed = case.contact.album.get_list(user_id=world.member.user_id).album
    in_folder = case.contact.folder.get(folder_id=world.folder.folder_id).cover
    case.close()
    assert theirs is not None and theirs.doc_id == first_visible
    assert mine is not None and mine.doc_id == secret.doc_id
    assert [entry.cover.doc_id for entry in listed if entry.album_id == album.album_id and entry.cover] == [
        first_visible
    ]
    assert in_folder is None or in_folder.doc_id != secret.doc_id


def test_network_list_sends_realname_and_count_only_when_asked(running: Simulator, module_clock: ManualClock) -> None:
    case = fresh(running, module_clock)
    (plain,) = case.member.network.get_list().user
    (rich,) = case.member.network.get_list(extra=["realname", "count"]).user
    case.close()
    assert (plain.user_id, plain.realname, plain.count) == (case.world.contact.user_id, None, None)
    assert rich.realname == case.world.contact.realname and rich.count is not None
    assert rich.count.docs == len(case.world.contact_docs)


def test_every_sort_order_takes_effect(running: Simulator, module_clock: ManualClock) -> None:
    """group.search, post.search and tags.docs.getList order as their sort asks (search's own is above)."""
    case = fresh(running, module_clock)
    state, world = running.state, case.world
    older = state.add_group("Photography of old harbours")
    older.created_at -= 1000
    newer = state.add_group("Harbours")
    newer.description = "photography at sea"
    groups = {
        sort: [g.group_id for g in case.member.group.search(text="photography harbours", sort=sort).group]
        for sort in ("relevance", "created-desc", "created-asc")
    }
    early = state.add_post(world.member, "Harbour notes", posted_at=world.post.posted_at - 50)
    early.faves[world.contact.user_id] = state.now()
    posts = {
        sort: [p.post_id for p in case.member.post.search(text="harbour", sort=sort).post]
        for sort in ("posted-desc", "posted-asc", "popular")
    }
    popular_doc = world.docs[5]
    for n in range(5):
        popular_doc.faves[state.add_user(f"fan{n}").user_id] = state.now()
    docs = {
        sort: [d.doc_id for d in case.member.tags.docs.get_list(type="keyword", id="travel", sort=sort).doc]
        for sort in ("popular", "posted-desc", "posted-asc")
    }
    case.close()
    assert groups == {
        "relevance": [older.group_id, newer.group_id],
        "created-desc": [newer.group_id, older.group_id],
        "created-asc": [older.group_id, newer.group_id],
    }
    assert posts == {
        "posted-desc": [world.post.post_id, early.post_id],
        "posted-asc": [early.post_id, world.post.post_id],
        "popular": [early.post_id, world.post.post_id],
    }
    assert "travel" in popular_doc.keywords and docs["popular"][0] == popular_doc.doc_id
    assert docs["posted-desc"] == docs["posted-asc"][::-1] != docs["popular"]
