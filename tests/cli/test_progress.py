"""Progress lines without a terminal, tqdm bars with one; a failure is always written out, masked."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from ipernity_client._cli.progress import Progress, want_bars
from ipernity_client.bulk import Event


def test_plain_progress_writes_one_line_per_item_and_masks_secrets() -> None:
    out = io.StringIO()
    progress = Progress("upload", bars=False, secrets=("s3cr3t",), stream=out)
    progress.item(Event("sent", Path("a.jpg"), None, 0, 2))
    progress.item(Event("failed", Path("b.jpg"), None, 1, 2, OSError("bad s3cr3t")))
    progress.file(Path("c.jpg"))(10, 10)  # bytes show on bars only
    assert out.getvalue().splitlines() == ["[0/2] sent a.jpg", "[1/2] failed b.jpg: bad ***"]


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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_only_on_a_terminal_and_with_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not want_bars(io.StringIO())
    assert want_bars(Terminal())
    monkeypatch.setitem(sys.modules, "tqdm", None)  # the cli extra left out: plain lines
    assert not want_bars(Terminal())
