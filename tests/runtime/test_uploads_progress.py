"""The progress callback of upload.file and upload.replace, called as the multipart body streams."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ipernity_client.testing import ManualClock, Simulator

MIB = 1024 * 1024


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(clock=ManualClock(), upload_seconds=0) as simulator:
        yield simulator


def test_progress_starts_at_zero_steps_at_most_a_mib_and_ends_at_the_total(sim: Simulator, tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(bytes(range(256)) * (5 * MIB // 256 + 7))
    calls: list[tuple[int, int]] = []
    client = sim.client(perms={"doc": "write"})
    client.upload.file(file=path, title="big", progress=lambda sent, total: calls.append((sent, total)))
    totals = {total for _, total in calls}
    assert len(totals) == 1
    total = totals.pop()
    assert total > path.stat().st_size  # the whole multipart body: fields, boundaries and the file
    sent = [done for done, _ in calls]
    assert sent[0] == 0 and sent[-1] == total
    assert sent == sorted(sent)
    assert max(b - a for a, b in zip(sent, sent[1:], strict=False)) <= MIB
    assert len(calls) >= 6


def test_replace_reports_progress_too(sim: Simulator, tmp_path: Path) -> None:
    client = sim.client(perms={"doc": "write"})
    doc = sim.state.add_doc(sim.state.member, "old.jpg", b"old")
    new = tmp_path / "new.jpg"
    new.write_bytes(b"new content")
    calls: list[tuple[int, int]] = []
    client.upload.replace(file=new, doc_id=doc.doc_id, progress=lambda *call: calls.append(call))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]


def test_the_uploaded_bytes_arrive_whole_with_a_progress_callback(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"})
    content = bytes(range(256)) * 4096
    ticket = client.upload.file(file=content, title="whole", async_=False, progress=lambda *_: None)
    (done,) = client.upload.wait(ticket)
    assert done.doc_id is not None
    assert sim.state.docs[done.doc_id].content == content


def test_a_failing_progress_callback_stops_the_upload(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"})

    def cancel(sent: int, total: int) -> None:
        if sent:
            raise KeyboardInterrupt

    before = set(sim.state.uploads)
    with pytest.raises(KeyboardInterrupt):
        client.upload.file(file=b"x" * (2 * MIB), title="cancelled", progress=cancel)
    assert set(sim.state.uploads) == before
