"""What the simulator keeps of an upload: the bytes (served and found by md5) and upload.file's fields."""

from __future__ import annotations

import hashlib

from ipernity_client.testing import ManualClock, Simulator


def uploaded(sim: Simulator, clock: ManualClock, content: bytes, **params: object) -> int:
    client = sim.client(perms={"doc": "write"})
    ticket = client.upload.file(file=content, **params)  # type: ignore[arg-type]
    clock.advance(sim.state.upload_seconds)
    (done,) = client.upload.wait(ticket)
    assert done.doc_id is not None
    return done.doc_id


def test_the_bytes_are_kept_and_found_by_their_md5_once_done(sim: Simulator, clock: ManualClock) -> None:
    content = b"\xff\xd8 photo bytes \xff\xd9"
    client = sim.client(perms={"doc": "write"})
    ticket = client.upload.file(file=content, title="kept")
    before = client.doc.check_md5(md5=[hashlib.md5(content).hexdigest()]).doc
    assert not any(match.found for match in before)  # not a document until its ticket is done
    clock.advance(sim.state.upload_seconds)
    (done,) = client.upload.wait(ticket)
    (after,) = client.doc.check_md5(md5=[hashlib.md5(content).hexdigest()]).doc
    assert after.found and after.doc_id == done.doc_id
    assert done.doc_id is not None and sim.state.docs[done.doc_id].content == content


def test_upload_file_fields_are_stored(sim: Simulator, clock: ManualClock) -> None:
    doc_id = uploaded(
        sim,
        clock,
        b"x",
        title="Fields",
        lat=48.85,
        lng=2.35,
        perm_comment=0,
        perm_tag=4,
        member_ids=[sim.state.member.user_id],
    )
    doc = sim.state.docs[doc_id]
    assert (doc.lat, doc.lng) == (48.85, 2.35)
    assert (doc.perm_comment, doc.perm_tag, doc.perm_tagme) == ("0", "4", "3")
    assert doc.members == [sim.state.member.user_id]


def test_minus_999_means_no_location(sim: Simulator, clock: ManualClock) -> None:
    doc = sim.state.docs[uploaded(sim, clock, b"y", lat=-999, lng=-999)]
    assert doc.lat is None and doc.lng is None
