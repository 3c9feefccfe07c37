"""The ``ipernity_world`` fixture users get with the package: a running simulator holding the small world."""

from __future__ import annotations

from ipernity_client.testing import Simulator


def test_the_fixture_world_is_seeded_and_served(ipernity_world: Simulator) -> None:
    world = ipernity_world.state.world
    assert world is not None and len(world.docs) == 36 and len(world.albums) == 3
    with ipernity_world.client(perms={"doc": "read"}) as client:
        albums = client.album.get_list()
        contacts = client.network.get_list()
    assert {world.albums[0].album_id, world.albums[1].album_id} <= {album.album_id for album in albums.album}
    assert all(album.owner is not None and album.owner.user_id == world.member.user_id for album in albums.album)
    assert [user.user_id for user in contacts.user] == [world.contact.user_id]
