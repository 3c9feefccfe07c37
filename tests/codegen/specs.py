"""Copies of spec/ for tests to break: the schema and shared files, and only the method files named."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

SPEC = Path(__file__).parent.parent.parent / "spec"
SHARED = ("service.yaml", "errors.yaml", "shapes.yaml")


def spec_copy(target: Path, methods: Iterable[str] = ()) -> Path:
    """``target/spec``: a loadable spec with the real schema, shared files and the ``methods`` given."""
    root = target / "spec"
    (root / "methods").mkdir(parents=True)
    shutil.copytree(SPEC / "schema", root / "schema")
    for name in SHARED:
        shutil.copy(SPEC / name, root / name)
    for method in methods:
        shutil.copy(SPEC / "methods" / f"{method}.yaml", root / "methods" / f"{method}.yaml")
    return root
