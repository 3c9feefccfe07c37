"""The spec as last released, frozen: what the back-compatibility test compares spec/ with.

``python -m tests.codegen.released`` freezes the current spec/ (its YAML files, not the schema or
the conformance cases) with the package version; run it when a version is released, after moving
the changelog's Unreleased entries under that version.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..specs import SPEC

HERE = Path(__file__).parent / "spec"
FILES = ("service.yaml", "errors.yaml", "shapes.yaml")


def version() -> str:
    """The version the frozen spec was released as."""
    return (HERE / "VERSION").read_text(encoding="utf-8").strip()


def freeze(source: Path, target: Path, release: str) -> None:
    """Replace ``target`` with the YAML files of the spec at ``source``, marked as ``release``."""
    if target.exists():
        shutil.rmtree(target)
    (target / "methods").mkdir(parents=True)
    for name in FILES:
        shutil.copy(source / name, target / name)
    for path in sorted((source / "methods").glob("*.yaml")):
        shutil.copy(path, target / "methods" / path.name)
    (target / "VERSION").write_text(release + "\n", encoding="utf-8")


__all__ = ["HERE", "SPEC", "freeze", "version"]
