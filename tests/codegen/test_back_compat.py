"""Back-compatibility, in the manner of botocore's: spec/ against the spec as last released.

A breaking change (for users of the generated package) since the release fails the suite unless
CHANGELOG.md acknowledges it with the line ``python -m codegen diff`` writes for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from codegen import changelog
from codegen.diff import compare, read

from .released import HERE as RELEASED
from .released import version
from .specs import SPEC

CHANGELOG = SPEC.parent / "CHANGELOG.md"
COMMAND = f"python -m codegen diff {RELEASED.relative_to(SPEC.parent)} spec --changelog"


def unacknowledged(released: Path, current: Path, text: str) -> list[str]:
    return [c.line for c in changelog.unacknowledged(compare(read(str(released)), read(str(current))), text)]


def test_breaking_changes_since_the_release_are_in_the_changelog() -> None:
    missing = unacknowledged(RELEASED, SPEC, CHANGELOG.read_text(encoding="utf-8"))
    assert missing == [], (
        f"breaking changes since {version()} that CHANGELOG.md does not acknowledge:\n"
        + "\n".join(f"  - {line}" for line in missing)
        + f"\nRun `{COMMAND}` and add its entry to CHANGELOG.md under Unreleased."
    )


def test_an_unacknowledged_breaking_change_fails_until_the_changelog_carries_it(tmp_path: Path) -> None:
    current = tmp_path / "spec"
    shutil.copytree(RELEASED, current)
    path = current / "methods" / "group.docs.add.yaml"
    path.write_text(path.read_text().replace("    required: true\n", "", 1))  # group_id became optional: additive
    assert unacknowledged(RELEASED, current, "") == []
    path = current / "methods" / "doc.get.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("  - name: extra\n    type: list\n", "  - name: extra\n    required: true\n    type: list\n")
    )
    missing = unacknowledged(RELEASED, current, "")
    assert missing == ["`doc.get`: parameter `extra` became required: calls without `extra=` raise `TypeError`"]
    entry = changelog.entry(compare(read(str(RELEASED)), read(str(current))), "0.1.0", "spec")
    assert unacknowledged(RELEASED, current, entry) == []
