"""Uploads checked against account.getQuota (and replace against the document's media type) before sending."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import ipernity_client
from ipernity_client.errors import UploadFileFileTooLargeError, UploadReplaceDocumentNotFoundError
from ipernity_client.testing import Fault, ManualClock, Simulator

KB = 1024


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(clock=ManualClock(), upload_seconds=0) as simulator:
        yield simulator


def small_account(
    sim: Simulator, *, max_file_size: int = 10 * KB, upload_quota: int = 100 * KB
) -> ipernity_client.Client:
    """A client for a member whose files may be at most ``max_file_size`` bytes, ``upload_quota`` a month."""
    member = sim.state.add_user("small", max_file_size=max_file_size, upload_quota=upload_quota)
    client = sim.client(perms={"doc": "write"}, user=member)
    assert isinstance(client, ipernity_client.Client)
    return client


def photo(tmp_path: Path, size: int, name: str = "big.jpg") -> Path:
    path = tmp_path / name
    path.write_bytes(b"x" * size)
    return path


def test_a_file_over_the_size_allowed_for_its_media_type_is_refused_before_sending(
    sim: Simulator, tmp_path: Path
) -> None:
    client = small_account(sim)
    with pytest.raises(ipernity_client.ValidationError) as raised:
        client.upload.file(file=photo(tmp_path, 20 * KB))
    assert "upload.file" in str(raised.value) and "photo" in str(raised.value)
    assert "20.0 KB is over the 10.0 KB a photo may be" in str(raised.value)
    assert sim.log.count("upload.file") == 0


def test_files_over_what_is_left_this_month_are_refused_counting_the_ones_sent(sim: Simulator, tmp_path: Path) -> None:
    client = small_account(sim, max_file_size=60 * KB, upload_quota=100 * KB)
    client.upload.file(file=photo(tmp_path, 60 * KB, "a.jpg"))
    with pytest.raises(ipernity_client.ValidationError, match="left"):
        client.upload.file(file=photo(tmp_path, 50 * KB, "b.jpg"))
    assert sim.log.count("upload.file") == 1


def test_a_failed_upload_gives_its_bytes_back_to_the_quota(sim: Simulator, tmp_path: Path) -> None:
    client = small_account(sim, max_file_size=60 * KB, upload_quota=100 * KB)
    sim.faults.script(Fault.error(110), method="upload.file", times=1)
    with pytest.raises(ipernity_client.errors.InsufficientPermissionsError):
        client.upload.file(file=photo(tmp_path, 60 * KB, "a.jpg"))
    client.upload.file(file=photo(tmp_path, 60 * KB, "b.jpg"))  # fits: the failed one used nothing
    assert sim.log.count("upload.file") == 2 and sim.log.count("account.getQuota") == 1


def test_the_quota_is_read_once_per_client(sim: Simulator, tmp_path: Path) -> None:
    client = small_account(sim)
    for n in range(4):
        client.upload.file(file=photo(tmp_path, KB, f"{n}.jpg"))
    assert sim.log.count("account.getQuota") == 1
    assert sim.log.count("upload.file") == 4


def test_check_quota_false_sends_and_the_server_refuses(sim: Simulator, tmp_path: Path) -> None:
    client = small_account(sim)
    with pytest.raises(UploadFileFileTooLargeError) as raised:
        client.upload.file(file=photo(tmp_path, 20 * KB), check_quota=False)
    assert raised.value.code == 2
    assert sim.log.count("account.getQuota") == 0


def test_bytes_and_open_files_are_measured_too(sim: Simulator, tmp_path: Path) -> None:
    client = small_account(sim)
    with pytest.raises(ipernity_client.ValidationError):
        client.upload.file(file=b"x" * 20 * KB)
    with photo(tmp_path, 20 * KB).open("rb") as handle, pytest.raises(ipernity_client.ValidationError):
        client.upload.file(file=handle)
    assert sim.log.count("upload.file") == 0


def test_replace_with_another_media_type_is_refused_before_sending(sim: Simulator, tmp_path: Path) -> None:
    client = sim.client(perms={"doc": "write"})
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg bytes")
    song = tmp_path / "song.mp3"
    song.write_bytes(b"mp3 bytes")
    with pytest.raises(ipernity_client.ValidationError, match="audio.*photo"):
        client.upload.replace(file=song, doc_id=doc.doc_id)
    assert sim.log.count("upload.replace") == 0
    ticket = client.upload.replace(file=photo(tmp_path, KB, "car2.jpg"), doc_id=doc.doc_id)
    assert ticket.endswith(str(doc.doc_id))


def test_replacing_an_unknown_document_is_left_to_the_server(sim: Simulator, tmp_path: Path) -> None:
    client = sim.client(perms={"doc": "write"})
    with pytest.raises(UploadReplaceDocumentNotFoundError):
        client.upload.replace(file=photo(tmp_path, KB), doc_id=999999)
    assert sim.log.count("upload.replace") == 1
