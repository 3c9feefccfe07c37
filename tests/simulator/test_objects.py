"""The simulator's albums, groups, members and document metadata, read and made through the client, and reset()."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ipernity_client
from ipernity_client import errors
from ipernity_client.testing import Fault, RateLimit, Simulator

from ..conftest import COMBINATIONS


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture(params=[c.values for c in COMBINATIONS], ids=[c.id for c in COMBINATIONS])
def client(request: pytest.FixtureRequest, sim: Simulator) -> Iterator[ipernity_client.Client]:
    """A member with every doc permission, speaking each protocol in each format in turn."""
    protocol, fmt = request.param
    with sim.client(perms={"doc": "delete"}, retry=None, protocol=protocol, format=fmt) as member:
        yield member


def test_album_get_reads_the_album_asked_for(sim: Simulator, client: ipernity_client.Client) -> None:
    member = sim.state.member
    private = sim.state.add_doc(member, "b.jpg", b"b", is_public=False)
    public = sim.state.add_doc(member, "a.jpg", b"a")
    album = sim.state.add_album(member, "Trips", description="Summer")
    album.doc_ids += [private.doc_id, public.doc_id]
    got = client.album.get(album_id=album.album_id, thumbsize="240")
    assert got is not None and got.count is not None and got.cover is not None
    assert (got.album_id, got.title, got.description, got.thumbsize) == (album.album_id, "Trips", "Summer", "240")
    assert (got.count.docs, got.count.public, got.count.family) == (2, 1, 1)
    assert (got.cover.doc_id, got.cover.url) == (
        private.doc_id,
        f"{sim.endpoint}/media/{private.doc_id}/{private.secret}/240",
    )
    with pytest.raises(errors.ApiError) as missing:
        client.album.get(album_id=999)
    assert missing.value.code == 1


def test_album_create_adds_an_album_the_quota_counts(sim: Simulator, client: ipernity_client.Client) -> None:
    doc = sim.state.add_doc(sim.state.member, "a.jpg", b"a")
    made = client.album.create(title="Harbours", cover_id=doc.doc_id, perm_comment=5)
    assert made is not None and made.album_id is not None and made.cover is not None and made.permissions
    assert (made.title, made.cover.doc_id, made.permissions.comment) == ("Harbours", doc.doc_id, 5)
    assert sim.state.albums[made.album_id].doc_ids == [doc.doc_id]
    quota = client.account.get_quota()
    assert quota is not None and quota.albums is not None and quota.albums.created == 2
    again = client.album.get(album_id=made.album_id)
    assert again is not None and again.title == "Harbours"


def test_album_create_refuses_another_members_cover_and_a_full_account(
    sim: Simulator, client: ipernity_client.Client
) -> None:
    other = sim.state.add_doc(sim.state.add_user("bob"), "b.jpg", b"b")
    with pytest.raises(errors.ApiError) as cover:
        client.album.create(title="Not mine", cover_id=other.doc_id)
    sim.state.member.max_albums = 1
    with pytest.raises(errors.ApiError) as full:
        client.album.create(title="One too many")
    assert (cover.value.code, full.value.code, len(sim.state.albums)) == (2, 4, 1)


def test_group_get_tells_quota_media_and_membership(sim: Simulator, client: ipernity_client.Client) -> None:
    group = sim.state.add_group("Birds", members={sim.state.member.user_id}, media={"photo"}, member_quota=3)
    doc = sim.state.add_doc(sim.state.member, "a.jpg", b"a")
    group.docs[doc.doc_id] = False
    got = client.group.get(group_id=str(group.group_id))
    assert got is not None and got.quota and got.can and got.count and got.you
    assert (got.id, got.title, got.quota.max, got.quota.left, got.quota.period) == (group.group_id, "Birds", 3, 2, "")
    assert (got.can.add_doc, got.can.accept_photo, got.can.accept_video) == (True, True, False)
    assert (got.count.members, got.count.docs, got.you.ismember, got.you.docs) == (1, 1, True, 1)
    with pytest.raises(errors.ApiError) as missing:
        client.group.get(group_id="999")
    assert missing.value.code == 1


def test_user_get_finds_a_member_by_id_or_alias(sim: Simulator, client: ipernity_client.Client) -> None:
    bob = sim.state.add_user("bob", realname="Bob B")
    sim.state.add_doc(bob, "a.jpg", b"a")
    by_id = client.user.get(user_id=str(bob.user_id))
    by_alias = client.user.get(user_id="bob")
    assert by_id == by_alias
    assert by_id is not None and by_id.count is not None
    assert (by_id.user_id, by_id.username, by_id.realname, by_id.is_pro, by_id.count.docs) == (
        bob.user_id,
        "bob",
        "Bob B",
        False,
        1,
    )
    with pytest.raises(errors.ApiError) as missing:
        client.user.get(user_id="nobody")
    assert missing.value.code == 1


def test_doc_get_exif_sends_the_stored_tags_of_a_visible_doc(sim: Simulator, client: ipernity_client.Client) -> None:
    exif = {"Make": "SAMSUNG", "ISO": "32", "Date/TimeOriginal": "2011:11:14 11:56:49"}
    mine = sim.state.add_doc(sim.state.member, "a.jpg", b"a", exif=exif)
    hidden = sim.state.add_doc(sim.state.add_user("bob"), "b.jpg", b"b", is_public=False, exif=exif)
    got = client.doc.get_exif(doc_id=mine.doc_id)
    assert got is not None and (got.tags, got.extra) == ({"Make": "SAMSUNG", "ISO": "32"}, {})
    with pytest.raises(errors.ApiError) as private:
        client.doc.get_exif(doc_id=hidden.doc_id)
    assert private.value.code == 1


def test_reset_brings_back_a_fresh_world(sim: Simulator, client: ipernity_client.Client) -> None:
    sim.state.add_album(sim.state.member, "Gone")
    sim.rate_limit = RateLimit(requests=2, seconds=60)
    client.test.echo(echo="counted")
    sim.faults.script(Fault.error(503))
    sim.reset()
    assert len(sim.log) == 0 and [album.title for album in sim.state.albums.values()] == ["Simulated album"]
    with pytest.raises(errors.TokenInvalidError):
        client.account.get_quota()
    with sim.client(perms={"doc": "write"}, retry=None) as fresh:
        assert fresh.test.echo(echo="again") == "again"
    assert [call.code for call in sim.log.calls()] == [107, 0]
