"""The guides' Python examples run as written against the simulator, like the README's.

Each page's blocks run in order in one namespace, with the placeholder credentials replaced by
the simulator's (``tests/test_readme.py`` does the same for the README); a block preceded by
``<!-- readme: skip REASON -->`` (a login at a browser, a fragment of a web app) is only compiled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..test_readme import blocks, substituted, world  # noqa: F401  (world is the fixture used here)
from .conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))


def test_every_guide_is_in_the_navigation() -> None:
    navigation = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (ROOT / "docs" / "guides").glob("*.md"):
        assert f"guides/{page.name}" in navigation, page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT / "docs").as_posix() for p in PAGES])
def test_the_examples_of_a_page_run(page: Path, world: dict[str, str]) -> None:  # noqa: F811
    namespace: dict[str, object] = {"__name__": "guide"}
    for block in blocks(page.read_text(encoding="utf-8")):
        code = compile(substituted(block.code, world), f"{page.name}:{block.line}", "exec")
        if block.skip:
            continue
        try:
            exec(code, namespace)
        except Exception as error:
            pytest.fail(f"the block at {page.name}:{block.line} failed: {type(error).__name__}: {error}")
