"""The hand-written runtime and simulator import nothing generated: they are handed the API.

Generated modules may import the runtime and the simulator engine, never the reverse; this
keeps both type-checkable where they live and usable with any generated API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "ipernity_client"
HAND_WRITTEN = ("_runtime", "_simulator", "_cli")


def _imported(source: str, package: str) -> list[str]:
    """Every module (or name) ``source`` imports, made absolute, wherever the statement stands."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.extend([module] if node.module else [f"{module}.{alias.name}" for alias in node.names])
    return found


@pytest.mark.parametrize(
    "path",
    sorted(path for folder in HAND_WRITTEN for path in (PACKAGE / folder).rglob("*.py")),
    ids=lambda path: path.relative_to(PACKAGE).as_posix(),
)
def test_a_hand_written_module_imports_only_hand_written_ones(path: Path) -> None:
    package = ".".join(("ipernity_client", *path.relative_to(PACKAGE).parent.parts))
    assert _generated(_imported(path.read_text(encoding="utf-8"), package)) == []


def _generated(names: list[str]) -> list[str]:
    allowed = tuple(f"ipernity_client.{folder}" for folder in HAND_WRITTEN)
    ours = [name for name in names if name == "ipernity_client" or name.startswith("ipernity_client.")]
    return [name for name in ours if not name.startswith(allowed)]


def test_the_check_sees_every_way_of_importing_generated_code() -> None:
    source = (
        "from .. import operations\n"
        "from ..errors import error_for\n"
        "from .api import Api\n"
        "def f():\n"
        "    import ipernity_client.client\n"
    )
    assert _generated(_imported(source, "ipernity_client._runtime")) == [
        "ipernity_client.operations",
        "ipernity_client.errors",
        "ipernity_client.client",
    ]
