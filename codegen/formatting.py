"""ruff lays out the generated Python: imports sorted and pruned, then formatted, in one pass.

Templates write plain, unwrapped code and import whatever a module may need; ruff removes what
it does not use and wraps what is too long, as it does for the hand-written code. The settings
are given here (``--isolated``), so the output does not depend on the caller's configuration,
and ruff's version is pinned in the ``codegen`` extra, so the output does not drift.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ruff.__main__ import find_ruff_bin

SETTINGS = ["--isolated", "--quiet", "--line-length", "120", "--target-version", "py310"]


class FormattingError(Exception):
    """ruff could not fix or format the rendered code: a template wrote invalid Python."""


def _ruff(*args: str) -> None:
    result = subprocess.run([find_ruff_bin(), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise FormattingError(f"ruff {args[0]} failed on the generated code:\n{result.stdout}{result.stderr}")


def format_python(files: dict[str, str]) -> dict[str, str]:
    """``files`` with every ``.py`` file passed through ``ruff check --fix`` (imports) and ``ruff format``."""
    python = {path: text for path, text in files.items() if path.endswith(".py") and text}
    if not python:
        return dict(files)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for path, text in python.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        _ruff("check", *SETTINGS, "--select", "I,F401", "--fix", "--unsafe-fixes", str(root))
        _ruff("format", *SETTINGS, str(root))
        formatted = {path: (root / path).read_text(encoding="utf-8") for path in python}
    return {**files, **formatted}
