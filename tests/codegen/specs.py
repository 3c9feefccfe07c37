"""Copies of the spec for tests to break: the schema and shared files, and only the method files named.

The YAML files come from the spec as last released (``tests/codegen/released/spec``), not from
spec/: a test that edits a copy then keeps working while spec/ changes, and needs updating only when
a release freezes a new spec. The schema is spec/'s, the one the loader checks against today.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

SPEC = Path(__file__).parent.parent.parent / "spec"
BASE = Path(__file__).parent / "released" / "spec"
SHARED = ("service.yaml", "errors.yaml", "shapes.yaml")


def spec_copy(target: Path, methods: Iterable[str] = ()) -> Path:
    """``target/spec``: a loadable spec with the real schema, shared files and the ``methods`` given."""
    root = target / "spec"
    (root / "methods").mkdir(parents=True)
    shutil.copytree(SPEC / "schema", root / "schema")
    for name in SHARED:
        shutil.copy(BASE / name, root / name)
    for method in methods:
        shutil.copy(BASE / "methods" / f"{method}.yaml", root / "methods" / f"{method}.yaml")
    return root


def full_copy(target: Path) -> Path:
    """``target/spec``: every method of the released spec, with spec/'s schema."""
    root = spec_copy(target)
    for path in sorted((BASE / "methods").glob("*.yaml")):
        shutil.copy(path, root / "methods" / path.name)
    return root
