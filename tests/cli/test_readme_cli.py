"""The README's command-line example runs as written, in bash, against the simulator it starts."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import HANG, environment

README = Path(__file__).resolve().parents[2] / "README.md"
GUIDE = README.parent / "docs" / "guides" / "command-line.md"


def _example(text: str) -> str:
    """The first shell block of ``text``."""
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block is not None
    return block.group(1)


def test_the_command_line_guide_shows_the_example_tested_here() -> None:
    section = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    assert _example(GUIDE.read_text(encoding="utf-8")) == _example(section)


def test_the_readme_command_line_example_runs_as_written(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    env = environment({"IPERNITY_CONFIG_DIR": str(tmp_path / "config")})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # A session of its own, so that a run cut short takes the simulator it started down with it.
    shell = subprocess.Popen(
        ["bash", "-e", "-c", _example(section)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = shell.communicate(timeout=HANG)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)
        shell.communicate(timeout=HANG)
    assert shell.returncode == 0, err
    assert out.startswith("demo (user_id ")
    assert "1 uploaded, 0 skipped, 0 failed" in out and "<quota " in out
    assert "1 downloaded, 0 skipped, 0 failed" in out
    assert len(list((tmp_path / "saved").glob("*.json"))) == 1
