"""The README's command-line example runs as written, in bash, against the simulator it starts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import HANG, environment

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_command_line_example_runs_as_written(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    env = environment({"IPERNITY_CONFIG_DIR": str(tmp_path / "config")})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run(
        ["bash", "-e", "-c", block.group(1)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("demo (user_id ")
    assert "1 uploaded, 0 skipped, 0 failed" in done.stdout and "<quota " in done.stdout
    assert "1 downloaded, 0 skipped, 0 failed" in done.stdout
    assert len(list((tmp_path / "saved").glob("*.json"))) == 1
