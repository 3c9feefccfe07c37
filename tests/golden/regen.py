"""Regenerate the golden record: ``python -m tests.golden.regen`` from the repository root."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from codegen.loader import load_spec
from codegen.render import generate

HERE = Path(__file__).parent
SCHEMA = HERE.parent.parent / "spec" / "schema"
# Verbatim copies of codegen/<dir> are not part of the record: they are tested where they live.
VERBATIM = ("ipernity/_runtime/", "ipernity/testing/")


def golden_output(out: Path) -> None:
    """Generate the golden spec (with the real schema) into ``out``, without verbatim copies."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec"
        shutil.copytree(HERE / "spec", spec)
        shutil.copytree(SCHEMA, spec / "schema")
        generate(load_spec(spec), out)
    for prefix in VERBATIM:
        shutil.rmtree(out / prefix, ignore_errors=True)


def main() -> None:
    expected = HERE / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    golden_output(expected)
    print(f"golden record written to {expected}")


if __name__ == "__main__":
    main()
