"""The simulator serves the originals it stores at the URLs its replies give (``/media/{doc_id}/original``)."""

from __future__ import annotations

from pathlib import Path

import requests

from ipernity_client.testing import ManualClock, Simulator


def test_an_uploaded_file_is_served_at_its_original_url(sim: Simulator, clock: ManualClock) -> None:
    client = sim.client(perms={"doc": "write"})
    content = bytes(range(256)) * 40
    ticket = client.upload.file(file=content, title="bytes")
    clock.advance(sim.state.upload_seconds)
    (done,) = client.upload.wait(ticket)
    assert done.doc_id is not None
    original = client.doc.get(doc_id=done.doc_id).original
    assert original is not None and original.url is not None
    assert original.url.startswith(sim.endpoint + "/media/")
    reply = requests.get(original.url, timeout=10)
    assert reply.status_code == 200
    assert reply.content == content
    assert int(reply.headers["Content-Length"]) == original.bytes == len(content)


def test_the_listing_and_get_medias_give_the_same_served_url(sim: Simulator) -> None:
    doc = sim.state.add_doc(sim.state.member, "sea.jpg", b"jpeg bytes")
    client = sim.client(perms={"doc": "read"})
    medias = client.doc.get_medias(doc_id=doc.doc_id)
    (listed,) = client.doc.get_list(user_id=sim.state.member.user_id, extra=["original"]).doc
    assert medias.original is not None and listed.original is not None
    assert medias.original.url == listed.original.url
    reply = requests.get(str(listed.original.url), timeout=10)
    assert reply.content == b"jpeg bytes"
    assert reply.headers["Content-Type"] == "image/jpeg"


def test_a_replaced_file_is_served_in_its_new_version(sim: Simulator, clock: ManualClock, tmp_path: Path) -> None:
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"old")
    client = sim.client(perms={"doc": "write"})
    url = f"{sim.endpoint}/media/{doc.doc_id}/{doc.secret}/original"
    assert requests.get(url, timeout=10).content == b"old"
    new = tmp_path / "car.jpg"
    new.write_bytes(b"new version")
    ticket = client.upload.replace(file=new, doc_id=doc.doc_id)
    clock.advance(sim.state.upload_seconds)
    client.upload.wait(ticket)
    assert requests.get(url, timeout=10).content == b"new version"


def test_unknown_documents_and_unrendered_sizes_are_not_found(sim: Simulator) -> None:
    doc = sim.state.add_doc(sim.state.member, "a.jpg", b"a")
    assert requests.get(f"{sim.endpoint}/media/999999/{doc.secret}/original", timeout=10).status_code == 404
    thumb = requests.get(f"{sim.endpoint}/media/{doc.doc_id}/{doc.secret}/240", timeout=10)
    assert thumb.status_code == 404 and b"originals only" in thumb.content
    assert requests.get(f"{sim.endpoint}/media/x/{doc.secret}/original", timeout=10).status_code == 404


def test_a_private_file_is_found_only_through_the_url_its_viewers_were_given(sim: Simulator) -> None:
    """The secret in the URL stands between a private document's id and its file, as on ipernity."""
    doc = sim.state.add_doc(sim.state.member, "private.jpg", b"mine", is_public=False)
    given = sim.client(perms={"doc": "read"}).doc.get(doc_id=doc.doc_id).original
    assert given is not None and requests.get(str(given.url), timeout=10).content == b"mine"
    for guess in (f"{doc.doc_id}/original", f"{doc.doc_id}/{'0' * len(doc.secret)}/original"):
        assert requests.get(f"{sim.endpoint}/media/{guess}", timeout=10).status_code == 404
