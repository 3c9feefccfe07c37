"""The README's figures that depend on the spec (how many methods, how many paginated) follow it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from codegen.loader import load_spec
from codegen.model import Spec

from .specs import SPEC

README = SPEC.parent / "README.md"

# (a pattern whose group 1 is a figure, what the figure is, how to count it from the spec)
FIGURES: list[tuple[str, str, Callable[[Spec], int]]] = [
    (r"\ball (\d+) methods\b", "methods", lambda spec: len(spec.methods)),
    (r"\bspec/ \((\d+) methods\)", "methods", lambda spec: len(spec.methods)),
    (
        r"\bone page at a time \((\d+) of them\b",
        "paginated methods",
        lambda spec: sum(1 for m in spec.methods if m.pagination),
    ),
    (r"\b(\d+) common errors?\b", "common errors", lambda spec: len(spec.errors)),
]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(SPEC)


def figures(text: str, pattern: str) -> list[tuple[int, int]]:
    """(line, figure) of every match of ``pattern`` in ``text``; figures may wrap to the next line."""
    flat = text.replace("\n", " ")
    return [(text[: m.start(1)].count("\n") + 1, int(m.group(1))) for m in re.finditer(pattern, flat)]


@pytest.mark.parametrize(("pattern", "what", "count"), FIGURES, ids=[f[0] for f in FIGURES])
def test_readme_figures_follow_the_spec(spec: Spec, pattern: str, what: str, count: Callable[[Spec], int]) -> None:
    expected = count(spec)
    stale = [
        f"README.md:{line} says {found} {what}; the spec has {expected}"
        for line, found in figures(README.read_text(encoding="utf-8"), pattern)
        if found != expected
    ]
    assert stale == [], "\n".join(stale)


def test_the_figures_check_finds_a_stale_figure() -> None:
    text = "Tested: all 102 methods.\nGeneration, spec/ (102\nmethods) ...\n"
    assert figures(text, FIGURES[0][0]) == [(1, 102)]
    assert figures(text, FIGURES[1][0]) == [(2, 102)]
    assert figures("one page at a time (24 of them: ...", FIGURES[2][0]) == [(1, 24)]
