"""Progress lines without a terminal, tqdm bars with one; a failure is always written out, masked."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from tqdm import tqdm

from ipernity_client._cli import progress as progress_module
from ipernity_client._cli import run
from ipernity_client._cli.progress import Progress, want_bars
from ipernity_client.bulk import Event
from ipernity_client.cli import BINDING
from ipernity_client.testing import Simulator

from .conftest import env_for


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


class Bars:
    """tqdm as the command uses it, keeping every bar made and the line each file bar was given."""

    write = staticmethod(tqdm.write)

    def __init__(self) -> None:
        self.made: list[tqdm[Any]] = []
        self.lines: dict[int, int] = {}  # id of a file bar: its line
        self.shared: list[int] = []  # a line given to a file bar while another open one had it

    def __call__(self, *args: Any, **kwargs: Any) -> tqdm[Any]:
        bar: tqdm[Any] = tqdm(*args, **kwargs)
        if kwargs.get("unit") == "B":
            open_lines = {self.lines[id(other)] for other in self.files() if not other.disable}
            if kwargs["position"] in open_lines:
                self.shared.append(kwargs["position"])
            self.lines[id(bar)] = kwargs["position"]
        self.made.append(bar)
        return bar

    def files(self) -> list[tqdm[Any]]:
        return [bar for bar in self.made if id(bar) in self.lines]


def test_a_folder_upload_shows_a_bar_per_file_in_flight_under_the_overall_bar(
    monkeypatch: pytest.MonkeyPatch, sim: Simulator, config_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    (folder / "trip").mkdir(parents=True)
    sizes = {"big.jpg": 1_500_000, "a.jpg": 300, "trip/b.jpg": 400, "trip/c.jpg": 500}
    for name, size in sizes.items():
        (folder / name).write_bytes(name.encode().ljust(size, b"."))
    bars = Bars()
    monkeypatch.setattr(progress_module, "_tqdm", lambda: bars)
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    argv = ["upload", str(folder), "--workers", "2", "--state", str(tmp_path / "state.jsonl")]
    assert run(BINDING, argv, environ=env_for(sim, config_dir)) == 0
    files = bars.files()
    assert sorted(bar.desc for bar in files) == sorted(Path(name).name for name in sizes)
    assert all(bar.disable for bar in bars.made)  # every bar closed
    assert {bar.desc: (bar.n, bar.total) for bar in files} == {
        Path(name).name: (size, size) for name, size in sizes.items()
    }
    assert not bars.shared and set(bars.lines.values()) <= {1, 2}  # two workers: lines 1 and 2 under the overall bar
    (overall,) = [bar for bar in bars.made if id(bar) not in bars.lines]
    assert (overall.desc, overall.n, overall.total) == ("photos", 4, 4)
    assert "big.jpg" in stderr.getvalue()
