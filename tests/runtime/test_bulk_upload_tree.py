"""ipernity_client.bulk.upload_tree against the simulator: skip, upload, wait, resume, go on after failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

import ipernity_client
from ipernity_client import bulk
from ipernity_client._runtime.jobs import pool_size_of
from ipernity_client.testing import Fault, ManualClock, Simulator
from ipernity_client.uploads import UploadTicketError


def tree(root: Path, count: int = 6) -> list[Path]:
    """``count`` photos (some in a subfolder), plus files upload_tree must leave alone."""
    made = []
    for n in range(count):
        path = root / ("trip" if n % 2 else "") / f"img{n:03}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"photo {n} ".encode() * 50)
        made.append(path)
    (root / "notes.txt").write_text("not a photo")
    (root / ".hidden.jpg").write_bytes(b"hidden")
    (root / ".thumbs").mkdir()
    (root / ".thumbs" / "x.jpg").write_bytes(b"cache")
    return made


def test_every_media_file_is_uploaded_private_into_the_album(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    photos = tree(tmp_path)
    album = next(iter(sim.state.albums.values()))
    report = bulk.upload_tree(client, tmp_path, album_id=album.album_id, sleep=clock.advance)
    assert report.ok and not report.skipped
    assert sorted(entry.path for entry in report.uploaded) == sorted(photos)
    docs = [sim.state.docs[entry.doc_id] for entry in report.uploaded if entry.doc_id is not None]
    assert len(docs) == len(photos)
    assert {doc.title for doc in docs} == {path.stem for path in photos}
    assert not any(doc.is_public for doc in docs)
    assert {doc.doc_id for doc in docs} <= set(album.doc_ids)
    assert sim.log.count("upload.file") == len(photos)
    assert str(report) == f"{len(photos)} uploaded, 0 skipped, 0 failed"


def test_files_already_on_the_account_are_skipped_by_md5(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    photos = tree(tmp_path, 45)
    known = [sim.state.add_doc(sim.state.member, path.name, path.read_bytes()) for path in photos[:30]]
    state = tmp_path / "state" / "upload.jsonl"
    state.parent.mkdir()
    report = bulk.upload_tree(client, tmp_path, state=state, sleep=clock.advance)
    assert sorted(entry.doc_id or 0 for entry in report.skipped) == sorted(doc.doc_id for doc in known)
    assert len(report.uploaded) == 15
    assert sim.log.count("upload.file") == 15
    assert sim.log.count("doc.checkMD5") == 3  # 45 checksums, 20 a call
    again = bulk.upload_tree(client, tmp_path, state=state, sleep=clock.advance)
    assert len(again.skipped) == 45
    assert sim.log.count("doc.checkMD5") == 3  # the state file remembers what was found


def test_progress_sees_every_file_end_once(client: ipernity_client.Client, clock: ManualClock, tmp_path: Path) -> None:
    photos = tree(tmp_path)
    events: list[bulk.Event] = []
    bulk.upload_tree(client, tmp_path, progress=events.append, sleep=clock.advance)
    ended = [event for event in events if event.outcome != "sent"]
    assert sorted(event.path for event in ended if event.path) == sorted(photos)
    assert [event.done for event in ended] == list(range(1, len(photos) + 1))
    assert {event.total for event in events} == {len(photos)}
    assert sum(event.outcome == "sent" for event in events) == len(photos)


def test_file_progress_follows_each_file_sent_up_to_its_size(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    photos = tree(tmp_path, 4)
    photos[0].write_bytes(bytes(range(256)) * 6000)  # 1.5 MB: several steps of 512 KiB
    sim.state.add_doc(sim.state.member, photos[3].name, photos[3].read_bytes())
    seen: list[tuple[str, Path | None, int, int]] = []  # list.append is atomic: workers and caller share it
    report = bulk.upload_tree(
        client,
        tmp_path,
        workers=2,
        progress=lambda event: seen.append((event.outcome, event.path, 0, 0)),
        file_progress=lambda path, sent, size: seen.append(("bytes", path, sent, size)),
        sleep=clock.advance,
    )
    assert [entry.path for entry in report.skipped] == [photos[3]] and len(report.uploaded) == 3
    for path in photos[:3]:
        counts = [(sent, size) for kind, at, sent, size in seen if kind == "bytes" and at == path]
        assert {size for _, size in counts} == {path.stat().st_size}
        sent = [count for count, _ in counts]
        assert sent[0] == 0 and sent[-1] == path.stat().st_size
        assert sent == sorted(set(sent)), sent  # increasing
        last = max(i for i, (kind, at, _, _) in enumerate(seen) if kind == "bytes" and at == path)
        assert seen.index(("sent", path, 0, 0)) > last  # the bytes end before the file's "sent" event
    assert len([kind for kind, at, _, _ in seen if kind == "bytes" and at == photos[0]]) > 3
    assert not [at for kind, at, _, _ in seen if kind == "bytes" and at == photos[3]]  # skipped: never sent


def test_an_interrupted_run_resumes_without_sending_anything_twice(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    photos = tree(folder, 12)
    state = tmp_path / "state.jsonl"

    def stop_at_five(event: bulk.Event) -> None:
        if event.outcome == "sent" and sum(1 for _ in sim.log.calls("upload.file")) >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk.upload_tree(client, folder, workers=2, state=state, progress=stop_at_five, sleep=clock.advance)
    sent_first = sim.log.count("upload.file")
    assert 5 <= sent_first < len(photos)
    report = bulk.upload_tree(client, folder, workers=2, state=state, sleep=clock.advance)
    assert sim.log.count("upload.file") == len(photos)  # the second run sent only the rest
    assert len(report.uploaded) == len(photos) and report.ok
    sent = [call.files["file"] for call in sim.log.calls("upload.file")]
    assert len(set(sent)) == len(photos)
    checks = sim.log.count("doc.checkMD5")
    third = bulk.upload_tree(client, folder, workers=2, state=state, sleep=clock.advance)
    assert len(third.skipped) == len(photos) and not third.uploaded
    assert sim.log.count("upload.file") == len(photos)
    assert sim.log.count("doc.checkMD5") == checks  # every file known from the state: nothing asked


def test_one_failure_never_stops_the_rest(sim: Simulator, clock: ManualClock, tmp_path: Path) -> None:
    member = sim.state.add_user("small", max_file_size=1000)
    client = sim.client(perms={"doc": "write"}, user=member)
    tree(tmp_path, 4)
    (tmp_path / "huge.jpg").write_bytes(b"x" * 5000)
    report = bulk.upload_tree(client, tmp_path, sleep=clock.advance)
    assert len(report.uploaded) == 4
    (failure,) = report.failed
    assert failure.path == tmp_path / "huge.jpg"
    assert isinstance(failure.error, ipernity_client.ValidationError)
    assert "photo" in str(failure.error)


def test_an_invalid_ticket_fails_its_file_and_the_next_run_sends_it_again(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    (photo,) = tree(folder, 1)
    state = tmp_path / "state.jsonl"
    stat = photo.stat()
    lost = {"name": photo.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "md5": "0" * 32, "ticket": "999"}
    state.write_text(json.dumps(bulk_header()) + "\n" + json.dumps(lost) + "\n")
    report = bulk.upload_tree(client, folder, state=state, sleep=clock.advance)
    (failure,) = report.failed
    assert isinstance(failure.error, UploadTicketError) and "999" in str(failure.error)
    assert sim.log.count("upload.file") == 0
    again = bulk.upload_tree(client, folder, state=state, sleep=clock.advance)
    assert [entry.path for entry in again.uploaded] == [photo]


def test_a_failed_wait_fails_the_pending_files_and_the_next_run_waits_for_them_again(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    photos = tree(folder, 3)
    state = tmp_path / "state.jsonl"
    sim.faults.script(Fault.error(110), method="upload.checkTickets", times=1)
    report = bulk.upload_tree(client, folder, state=state, sleep=clock.advance)
    assert not report.uploaded and {failure.path for failure in report.failed} == set(photos)
    assert all(isinstance(f.error, ipernity_client.errors.InsufficientPermissionsError) for f in report.failed)
    again = bulk.upload_tree(client, folder, state=state, sleep=clock.advance)
    assert sorted(entry.path for entry in again.uploaded) == sorted(photos) and again.ok
    assert sim.log.count("upload.file") == len(photos)  # waited for, not sent again


def bulk_header() -> dict[str, object]:
    return {"ipernity_client": "upload_tree", "version": 1}


def test_a_torn_last_line_of_the_state_file_is_ignored(
    client: ipernity_client.Client, clock: ManualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    tree(folder, 2)
    state = tmp_path / "state.jsonl"
    state.write_text(json.dumps(bulk_header()) + '\n{"name": "img0')
    report = bulk.upload_tree(client, folder, state=state, sleep=clock.advance)
    assert len(report.uploaded) == 2


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"workers": 0}, "workers must be a positive int"),
        ({"workers": "4"}, "workers must be a positive int"),
    ],
)
def test_bad_options_are_refused(
    client: ipernity_client.Client, tmp_path: Path, options: dict[str, object], expected: str
) -> None:
    with pytest.raises(ipernity_client.ValidationError, match=expected):
        bulk.upload_tree(client, tmp_path, **options)  # type: ignore[arg-type]


def test_a_missing_folder_and_a_foreign_state_file_are_refused(client: ipernity_client.Client, tmp_path: Path) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="is not a folder"):
        bulk.upload_tree(client, tmp_path / "nope")
    other = tmp_path / "notes.jsonl"
    other.write_text("my own notes\n")
    with pytest.raises(ipernity_client.ValidationError, match="not an upload_tree state file"):
        bulk.upload_tree(client, tmp_path, state=other)
    assert other.read_text() == "my own notes\n"
    for bad in (tmp_path / "no" / "state.jsonl", tmp_path):
        with pytest.raises(ipernity_client.ValidationError, match="must be a file in an existing folder"):
            bulk.upload_tree(client, tmp_path, state=bad)


def test_the_clients_pool_is_sized_to_the_workers(sim: Simulator, clock: ManualClock, tmp_path: Path) -> None:
    tree(tmp_path, 3)
    client = sim.client(perms={"doc": "write"})
    assert pool_size_of(client) == 10
    report = bulk.upload_tree(client, tmp_path, workers=16, sleep=clock.advance)
    assert len(report.uploaded) == 3 and pool_size_of(client) == 16
    bulk.upload_tree(client, tmp_path, workers=2, sleep=clock.advance)
    assert pool_size_of(client) == 16


def test_a_session_given_too_small_a_pool_is_refused(sim: Simulator, tmp_path: Path) -> None:
    client = sim.client(perms={"doc": "write"}, session=requests.Session())
    with pytest.raises(ipernity_client.ValidationError, match="more than the 10 connections of the session given"):
        bulk.upload_tree(client, tmp_path, workers=11)
    assert sim.log.calls("upload.file") == []


def test_a_non_client_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="client must be an ipernity_client.Client"):
        bulk.upload_tree("not a client", tmp_path)  # type: ignore[arg-type]
