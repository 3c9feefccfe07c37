"""Progress lines without a terminal, tqdm bars with one; a failure is always written out, masked."""

from __future__ import annotations

import io
from pathlib import Path

from ipernity_client._cli.progress import Progress, want_bars
from ipernity_client.bulk import Event


def test_plain_progress_writes_one_line_per_item_and_masks_secrets() -> None:
    out = io.StringIO()
    progress = Progress("upload", bars=False, secrets=("s3cr3t",), stream=out)
    progress.item(Event("sent", Path("a.jpg"), None, 0, 2))
    progress.item(Event("failed", Path("b.jpg"), None, 1, 2, OSError("bad s3cr3t")))
    progress.file(Path("c.jpg"))(10, 10)
    assert out.getvalue().splitlines() == ["[0/2] sent a.jpg", "[1/2] failed b.jpg: bad ***", "sent c.jpg"]


def test_bars_count_ended_items_and_bytes_sent() -> None:
    out = io.StringIO()
    progress = Progress("upload", bars=True, stream=out)
    sending = progress.file(Path("a.jpg"))
    sending(512, 1024)
    sending(1024, 1024)
    progress.item(Event("sent", Path("a.jpg"), None, 0, 2))
    progress.item(Event("uploaded", Path("a.jpg"), 7, 1, 2))
    progress.item(Event("failed", Path("b.jpg"), None, 2, 2, OSError("unreadable")))
    progress.close()
    text = out.getvalue()
    assert "upload: 100%" in text and "2/2" in text
    assert "failed b.jpg: unreadable" in text
    assert "a.jpg:" in text and "/1.02k" in text  # the file's own bar, in bytes


def test_bars_only_on_a_terminal() -> None:
    assert not want_bars(io.StringIO())
