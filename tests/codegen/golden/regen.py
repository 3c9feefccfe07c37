"""Regenerate the golden record: ``python -m tests.codegen.golden.regen`` from the repository root."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from codegen.loader import load_spec
from codegen.outputs import outputs
from codegen.writer import write

HERE = Path(__file__).parent
SCHEMA = HERE.parents[2] / "spec" / "schema"


def golden_output(root: Path) -> None:
    """Generate the golden spec (with the real schema) under ``root``, as under the repository root."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec"
        shutil.copytree(HERE / "spec", spec)
        shutil.copytree(SCHEMA, spec / "schema")
        write(outputs(load_spec(spec)), root)


def main() -> None:
    expected = HERE / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    golden_output(expected)
    print(f"golden record written to {expected}")


if __name__ == "__main__":
    main()
