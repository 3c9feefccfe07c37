"""Writing the generated files under a root, and finding the ones no longer generated.

Nothing is written unless every Python file compiles: a spec that slips past the checks must not
leave a half-written package behind.
"""

from __future__ import annotations

from pathlib import Path

from .outputs import DOCS, HAND_WRITTEN, PACKAGE

IGNORED = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


def existing(root: Path) -> set[str]:
    """The files under ``root`` the generator owns: the package but its hand-written parts, and the docs."""
    found: set[str] = set()
    for area in (PACKAGE, DOCS):
        base = root / area
        if not base.exists():
            continue
        for path in base.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and not IGNORED & set(path.parts) and not relative.startswith(HAND_WRITTEN):
                found.add(relative)
    return found


class UncompilableOutput(Exception):
    """Generated Python that does not compile; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"the generated code does not compile, nothing was written:\n{lines}")


def verify_python(files: dict[str, str]) -> None:
    """Compile every ``.py`` file in memory; raises UncompilableOutput naming each file and line."""
    problems = []
    for path, text in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        try:
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            message = getattr(exc, "msg", None) or str(exc)
            problems.append(f"{path}:{line}: {message}" if line else f"{path}: {message}")
    if problems:
        raise UncompilableOutput(problems)


def write(files: dict[str, str], root: Path) -> tuple[int, int]:
    """Write every file that changed and remove stale ones; returns (written, removed)."""
    verify_python(files)
    written = 0
    for path, text in files.items():
        target = root / path
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written += 1
    stale = sorted(existing(root) - set(files))
    for path in stale:
        (root / path).unlink()
    for area in (PACKAGE, DOCS):
        base = root / area
        for directory in sorted((d for d in base.rglob("*") if d.is_dir()), reverse=True) if base.exists() else []:
            if not any(directory.iterdir()):
                directory.rmdir()
    return written, len(stale)
