"""The README's Python examples run as written against the simulator, and pass ``mypy --strict``.

Like a doctest over the fenced ``python`` blocks: they run in order in one namespace, in a folder
holding the files they name, with the service's address pointing at a simulator and the
placeholder credentials ("api-key", "api-secret", "auth-token") replaced by the simulator's.
A block preceded by ``<!-- readme: skip REASON -->`` is type-checked but not run.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import mypy.api
import pytest

from ipernity_client._api import API
from ipernity_client.testing import Simulator

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"(?:<!-- readme: skip (?P<skip>[^>]*?) -->\n)?```python\n(?P<code>.*?)```", re.S)
ALL_PERMISSIONS = {"doc": "delete", "blog": "delete", "network": "write", "profile": "write"}
SAMPLE_FILES = ("car.jpg", "beach.jpg")


class Block(NamedTuple):
    line: int
    code: str
    skip: str | None


def blocks(text: str) -> list[Block]:
    found = []
    for match in FENCE.finditer(text):
        line = text[: match.start("code")].count("\n") + 1
        found.append(Block(line, match.group("code"), match.group("skip")))
    return found


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A simulator standing in for ipernity, and a folder with the files the examples upload."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # the examples may configure logging
    monkeypatch.setattr(root, "level", root.level)
    with Simulator() as sim:
        sim.state.upload_seconds = 0.0
        monkeypatch.setattr(API, "service", API.service._replace(base_url=sim.endpoint))
        for name in SAMPLE_FILES:
            (tmp_path / name).write_bytes(b"\xff\xd8\xff\xe0 sample " + name.encode())
        monkeypatch.chdir(tmp_path)
        scopes = set(API.service.permission_scopes)
        token = sim.token({scope: level for scope, level in ALL_PERMISSIONS.items() if scope in scopes})
        yield {
            '"api-key"': repr(sim.api_key),
            '"api-secret"': repr(sim.api_secret),
            '"auth-token"': repr(token.token),
        }


def substituted(code: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        code = code.replace(placeholder, value)
    return code


def test_the_readme_has_python_examples() -> None:
    assert len(blocks(README.read_text(encoding="utf-8"))) >= 3


def test_the_readme_examples_run_against_the_simulator(world: dict[str, str]) -> None:
    namespace: dict[str, object] = {"__name__": "readme"}
    for block in blocks(README.read_text(encoding="utf-8")):
        if block.skip:
            continue
        try:
            exec(compile(substituted(block.code, world), f"README.md:{block.line}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"the README block at line {block.line} failed: {type(error).__name__}: {error}")


def test_the_readme_examples_pass_mypy_strict(tmp_path: Path) -> None:
    """All blocks in order form one program, as a reader pastes them one after another.

    Sections reuse short names (``token``, ``doc``) for different things, as a reader's session
    would: ``--allow-redefinition`` lets a later block give a name a new type; the rest is strict.
    """
    found = blocks(README.read_text(encoding="utf-8"))
    program = tmp_path / "readme_examples.py"
    program.write_text("".join(f"# README.md:{block.line}\n{block.code}" for block in found), encoding="utf-8")
    cache = os.environ.get("MYPY_CACHE_DIR", str(ROOT / ".mypy_cache"))
    stdout, stderr, status = mypy.api.run(
        ["--strict", "--allow-redefinition", "--cache-dir", cache, "--no-error-summary", str(program)]
    )
    assert status == 0, stdout + stderr
