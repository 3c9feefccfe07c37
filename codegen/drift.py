"""The drift check: what differs between the files on disk and a fresh generation."""

from __future__ import annotations

from pathlib import Path

from .writer import existing


def differences(files: dict[str, str], root: Path) -> list[str]:
    """One line per file that is stale, missing or different under ``root``."""
    on_disk = existing(root)
    found = [f"stale file (no longer generated): {path}" for path in sorted(on_disk - set(files))]
    for path, text in sorted(files.items()):
        if path not in on_disk:
            found.append(f"missing: {path}")
        elif (root / path).read_text(encoding="utf-8") != text:
            found.append(f"differs: {path}")
    return found
