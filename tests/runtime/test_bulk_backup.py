"""ipernity_client.bulk.backup against the simulator: originals and sidecars saved, resumed, verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ipernity_client
from ipernity_client import bulk
from ipernity_client.testing import Simulator


@pytest.fixture
def client(sim: Simulator) -> ipernity_client.Client:
    return sim.client(perms={"doc": "read"})


def documents(sim: Simulator, count: int) -> dict[int, bytes]:
    """``count`` documents of the demo member (a few private), by id, with their bytes."""
    made = {}
    for n in range(count):
        content = f"document {n} ".encode() * (n + 1)
        doc = sim.state.add_doc(
            sim.state.member, f"pic{n}.jpg", content, title=f"Pic {n}", keywords=["sea", f"k{n}"], is_public=n % 3 != 0
        )
        made[doc.doc_id] = content
    return made


def test_every_document_is_saved_with_its_sidecar(
    sim: Simulator, client: ipernity_client.Client, tmp_path: Path
) -> None:
    saved = documents(sim, 7)
    album = next(iter(sim.state.albums.values()))
    album.doc_ids.append(next(iter(saved)))
    report = bulk.backup(client, tmp_path / "backup")
    assert report.ok and len(report.downloaded) == 7
    for doc_id, content in saved.items():
        assert (tmp_path / "backup" / f"{doc_id}.jpg").read_bytes() == content
        sidecar = json.loads((tmp_path / "backup" / f"{doc_id}.json").read_text())
        assert sidecar["doc_id"] == doc_id and sidecar["title"].startswith("Pic ")
        assert sidecar["file"] == f"{doc_id}.jpg"
        assert {"dates", "visibility", "original"} <= set(sidecar)
        assert "thumbs" not in sidecar
    first = json.loads((tmp_path / "backup" / f"{next(iter(saved))}.json").read_text())
    assert [a["album_id"] for a in first["albums"]] == [album.album_id]
    assert not list((tmp_path / "backup").glob(".*"))  # no temporary file left behind


def test_each_sidecar_holds_the_fields_asked_for_null_where_the_document_has_none(
    sim: Simulator, client: ipernity_client.Client, tmp_path: Path
) -> None:
    placed = sim.state.add_doc(sim.state.member, "here.jpg", b"x" * 10, title="Here", lat=48.85, lng=2.35)
    nowhere = sim.state.add_doc(sim.state.member, "there.jpg", b"y" * 10, title="There", keywords=["sea"])
    assert bulk.backup(client, tmp_path).ok
    with_geo = json.loads((tmp_path / f"{placed.doc_id}.json").read_text())
    without = json.loads((tmp_path / f"{nowhere.doc_id}.json").read_text())
    for sidecar in (with_geo, without):
        assert {"title", "description", "tags", "dates", "geo", "visibility", "albums"} <= set(sidecar)
    assert (with_geo["geo"]["lat"], with_geo["geo"]["lng"]) == (48.85, 2.35)
    assert without["geo"] is None and "sea" in json.dumps(without["tags"])


def test_a_second_run_skips_what_is_saved_and_fetches_what_is_missing_or_short(
    sim: Simulator, client: ipernity_client.Client, tmp_path: Path
) -> None:
    saved = documents(sim, 5)
    bulk.backup(client, tmp_path)
    first, second, *_ = saved
    (tmp_path / f"{first}.jpg").unlink()
    (tmp_path / f"{second}.jpg").write_bytes(b"short")
    gets = sim.log.count("doc.get")
    events: list[bulk.Event] = []
    report = bulk.backup(client, tmp_path, progress=events.append)
    assert sorted(entry.doc_id or 0 for entry in report.downloaded) == sorted([first, second])
    assert len(report.skipped) == 3
    assert sim.log.count("doc.get") == gets + 2
    assert (tmp_path / f"{second}.jpg").read_bytes() == saved[second]
    assert [event.done for event in events] == [1, 2, 3, 4, 5] and {event.total for event in events} == {5}


def test_a_size_mismatch_fails_that_document_only_and_leaves_nothing_behind(
    sim: Simulator, client: ipernity_client.Client, tmp_path: Path
) -> None:
    saved = documents(sim, 3)
    broken = next(iter(saved))
    sim.state.docs[broken].size += 10  # the API announces more bytes than the file holds
    report = bulk.backup(client, tmp_path, workers=2)
    (failure,) = report.failed
    assert failure.doc_id == broken
    assert isinstance(failure.error, bulk.DownloadError) and "announced" in str(failure.error)
    assert not (tmp_path / f"{broken}.jpg").exists()
    assert len(report.downloaded) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{doc_id}.{ext}" for doc_id in saved if doc_id != broken for ext in ("jpg", "json")
    )


def test_another_members_backup_has_their_public_documents(sim: Simulator, tmp_path: Path) -> None:
    saved = documents(sim, 6)
    other = sim.state.add_user("reader")
    client = sim.client(perms={"doc": "read"}, user=other)
    report = bulk.backup(client, tmp_path, user_id=sim.state.member.user_id)
    public = {doc_id for doc_id in saved if sim.state.docs[doc_id].is_public}
    assert {entry.doc_id for entry in report.downloaded} == public


def test_without_a_token_the_member_must_be_named(sim: Simulator, tmp_path: Path) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="user_id"):
        bulk.backup(sim.client(), tmp_path)


def test_a_server_extension_never_becomes_a_path(
    sim: Simulator, client: ipernity_client.Client, tmp_path: Path
) -> None:
    doc = sim.state.add_doc(sim.state.member, "evil.../../../x", b"content")
    report = bulk.backup(client, tmp_path / "out")
    assert [entry.path for entry in report.downloaded] == [tmp_path / "out" / f"{doc.doc_id}.bin"]
    assert (tmp_path / "out" / f"{doc.doc_id}.bin").read_bytes() == b"content"
