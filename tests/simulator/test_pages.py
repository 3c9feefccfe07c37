"""The simulator's document lists page its state as ipernity pages, and the client's iterators walk them.

doc.getList, album.docs.getList and group.docs.getList answer from the documents the simulator
holds: page, pages, per_page and total on the <docs> container (nested under <album> and <group>
for the last two), an empty page past the end, private documents only for their owner, and the
method's own error for an unknown album, group or member.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ipernity_client
from codegen.yamlfile import load
from ipernity_client import errors
from ipernity_client._simulator.state import Doc
from ipernity_client.testing import Simulator

from ..conftest import every_protocol, shared_simulator

SPEC = Path(__file__).parents[2] / "spec"
MANY = 250
pytestmark = shared_simulator


def client_for(sim: Simulator, protocol: str, fmt: str, **options: Any) -> ipernity_client.Client:
    return sim.client(protocol=protocol, format=fmt, retry=None, **options)


def add_docs(sim: Simulator, count: int, **fields: object) -> list[Doc]:
    """``count`` photos of the demo member, posted in an order unlike their ids (every 37th second, wrapping)."""
    start = sim.state.now()
    return [
        sim.state.add_doc(
            sim.state.member, f"p{i}.jpg", b"%d" % i, title=f"Photo {i}", posted_at=start + i * 37 % count
        )
        for i in range(count)
    ]


def paged_calls(sim: Simulator, method: str) -> list[tuple[str, str]]:
    return [(call.params.get("page", ""), call.params.get("per_page", "")) for call in sim.log.calls(method)]


def spec_default(method: str, name: str) -> int:
    source = load(SPEC / "methods" / f"{method}.yaml", f"spec/methods/{method}.yaml")
    (param,) = [param for param in source.data["parameters"] if param["name"] == name]
    return int(param["default"])


@every_protocol
def test_doc_iter_list_yields_every_document_newest_first_in_three_calls(
    sim: Simulator, protocol: str, fmt: str
) -> None:
    docs = add_docs(sim, MANY)
    sim.state.add_doc(sim.state.add_user("bob"), "bob.jpg", b"bob")
    newest_first = sorted(docs, key=lambda doc: (doc.posted_at, doc.doc_id), reverse=True)
    with client_for(sim, protocol, fmt) as client:
        listed = list(client.doc.iter_list(user_id=sim.state.member.user_id))
    assert [(doc.doc_id, doc.title) for doc in listed] == [(doc.doc_id, doc.title) for doc in newest_first]
    assert paged_calls(sim, "doc.getList") == [("1", "100"), ("2", "100"), ("3", "100")]


@every_protocol
def test_doc_get_list_pages_at_the_spec_default_and_past_the_end_is_empty(
    sim: Simulator, protocol: str, fmt: str
) -> None:
    add_docs(sim, MANY)
    user_id = sim.state.member.user_id
    default = spec_default("doc.getList", "per_page")
    with client_for(sim, protocol, fmt) as client:
        first = client.doc.get_list(user_id=user_id)
        beyond = client.doc.get_list(user_id=user_id, page=99, per_page=100)
        last = client.doc.get_list(user_id=user_id, page=3, per_page=100)
    assert first is not None and beyond is not None and last is not None
    assert (first.page, first.pages, first.per_page, first.total, len(first.doc)) == (1, 13, default, MANY, default)
    assert (beyond.page, beyond.pages, beyond.per_page, beyond.total, beyond.doc) == (99, 3, 100, MANY, [])
    assert (last.page, last.pages, len(last.doc)) == (3, 3, 50)


@every_protocol
def test_doc_get_list_fills_the_doc_model_and_filters(sim: Simulator, protocol: str, fmt: str) -> None:
    member = sim.state.member
    photo = sim.state.add_doc(member, "harbour.jpg", b"photo", title="Harbour", keywords=["sea"], safety="2")
    song = sim.state.add_doc(member, "song.mp3", b"song", title="Song")
    album = next(iter(sim.state.albums.values()))
    album.doc_ids.append(photo.doc_id)
    with client_for(sim, protocol, fmt) as client:
        photos = client.doc.get_list(user_id=member.user_id, media="photo", extra=["dates", "count", "original"])
        safe = client.doc.get_list(user_id=member.user_id, safesurf=1, thumbsize="240")
    assert photos is not None and safe is not None
    (item,) = photos.doc
    assert (item.doc_id, item.media, item.title, item.safety, item.license) == (photo.doc_id, "photo", "Harbour", 2, 0)
    assert item.dates is not None and item.count is not None and item.original is not None and item.thumb is not None
    assert (item.dates.posted_at, item.count.tags, item.count.albums) == (photo.posted_at, 1, 1)
    assert (item.original.filename, item.original.bytes) == ("harbour.jpg", len(b"photo"))
    assert (item.thumb.label, item.thumb.url) == ("75x", f"{sim.endpoint}/media/{photo.doc_id}/{photo.secret}/75x")
    assert item.extra == {}
    assert [(doc.doc_id, doc.media, doc.dates, doc.thumb and doc.thumb.label) for doc in safe.doc] == [
        (song.doc_id, "audio", None, "240")
    ]


@every_protocol
def test_private_documents_are_listed_only_for_their_owner(sim: Simulator, protocol: str, fmt: str) -> None:
    state = sim.state
    member = state.member
    public = state.add_doc(member, "public.jpg", b"a")
    private = state.add_doc(member, "private.jpg", b"b", is_public=False)
    family = state.add_doc(member, "family.jpg", b"c", is_public=False, is_family=True)
    album = state.add_album(member, "Mixed")
    album.doc_ids += [private.doc_id, public.doc_id, family.doc_id]
    bob = state.add_user("bob")
    seen = {}
    options: dict[str, Any]
    for who, options in (
        ("owner", {"perms": {"doc": "read"}}),
        ("bob", {"perms": {"doc": "read"}, "user": bob}),
        ("anyone", {}),
    ):
        with client_for(sim, protocol, fmt, **options) as client:
            docs = [doc.doc_id for doc in client.doc.iter_list(user_id=member.user_id)]
            in_album = [doc.doc_id for doc in client.album.docs.iter_list(album_id=album.album_id)]
        seen[who] = (docs, in_album)
    assert seen == {
        "owner": ([family.doc_id, private.doc_id, public.doc_id], [private.doc_id, public.doc_id, family.doc_id]),
        "bob": ([public.doc_id], [public.doc_id]),
        "anyone": ([public.doc_id], [public.doc_id]),
    }


@every_protocol
def test_album_docs_iter_list_walks_the_nested_container_in_album_order(
    sim: Simulator, protocol: str, fmt: str
) -> None:
    docs = add_docs(sim, MANY)
    album = sim.state.add_album(sim.state.member, "Everything")
    album.doc_ids += [doc.doc_id for doc in sorted(docs, key=lambda doc: doc.title or "")]
    with client_for(sim, protocol, fmt) as client:
        listed = [doc.doc_id for doc in client.album.docs.iter_list(album_id=album.album_id)]
        page = client.album.docs.get_list(album_id=album.album_id, page=2, per_page=100, thumbsize="500")
    assert listed == album.doc_ids
    assert paged_calls(sim, "album.docs.getList") == [("1", "100"), ("2", "100"), ("3", "100"), ("2", "100")]
    assert page is not None and page.docs is not None and page.cover is not None
    assert page.album_id == album.album_id
    assert (page.docs.page, page.docs.pages, page.docs.per_page, page.docs.total) == (2, 3, 100, MANY)
    assert [doc.doc_id for doc in page.docs.doc] == album.doc_ids[100:200]
    first = album.doc_ids[0]
    assert (page.cover.doc_id, page.cover.url) == (
        first,
        f"{sim.endpoint}/media/{first}/{sim.state.docs[first].secret}/500",
    )


@every_protocol
def test_group_docs_iter_list_walks_the_nested_container_last_added_first(
    sim: Simulator, protocol: str, fmt: str
) -> None:
    state = sim.state
    group = next(iter(state.groups.values()))
    bob = state.add_user("bob")
    mine = add_docs(sim, 150)
    theirs = [state.add_doc(bob, f"b{i}.jpg", b"b") for i in range(30)]
    for doc in mine + theirs:
        group.docs[doc.doc_id] = False
    waiting = state.add_doc(bob, "waiting.jpg", b"w")
    group.docs[waiting.doc_id] = True
    with client_for(sim, protocol, fmt, perms={"doc": "read"}) as client:
        listed = [doc.doc_id for doc in client.group.docs.iter_list(group_id=group.group_id)]
        by_bob = client.group.docs.get_list(group_id=group.group_id, user_id=bob.user_id, extra=["owner"])
    assert listed == [doc.doc_id for doc in reversed(mine + theirs)]
    assert paged_calls(sim, "group.docs.getList") == [("1", "100"), ("2", "100"), ("", "")]
    assert by_bob is not None and by_bob.docs is not None
    assert (by_bob.group_id, by_bob.docs.total, by_bob.docs.pages, by_bob.docs.per_page) == (group.group_id, 30, 2, 20)
    assert [doc.doc_id for doc in by_bob.docs.doc] == [doc.doc_id for doc in reversed(theirs)][:20]
    assert {doc.owner and doc.owner.username for doc in by_bob.docs.doc} == {"bob"}


@every_protocol
def test_unknown_albums_groups_and_members_give_the_methods_errors(sim: Simulator, protocol: str, fmt: str) -> None:
    group_id = next(iter(sim.state.groups))
    with client_for(sim, protocol, fmt) as client:
        with pytest.raises(errors.AlbumDocsGetListAlbumNotFoundError):
            client.album.docs.get_list(album_id=999)
        with pytest.raises(errors.GroupDocsGetListGroupNotFoundError):
            client.group.docs.get_list(group_id=999)
        with pytest.raises(errors.GroupDocsGetListUserNotFoundError):
            client.group.docs.get_list(group_id=group_id, user_id=999)
        with pytest.raises(errors.DocGetListUserNotFoundError):
            client.doc.get_list(user_id=999)
    assert [call.code for call in sim.log.calls()] == [1, 1, 2, 1]
