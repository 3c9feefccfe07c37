"""A maintainer's API change, end to end: edit a copy of the spec, regenerate, see the change classified,
acknowledge it in the changelog, record it for the lint.

The copy is of the spec as last released, so that spec/'s own changes do not break the edits here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen import changelog
from codegen.diff import compare, read
from codegen.loader import load_spec
from codegen.outputs import PACKAGE, outputs
from codegen.writer import verify_python

from ..reference.refresh import refreshed
from .specs import BASE, full_copy

NEW_ERROR = "  - {code: 140, name: UploadWindowClosedError, category: service, retryable: false, label: Closed, message: Try later.}\n"
# (file under spec/, text, replacement); None as the text: the file is removed; a file name as the
# replacement of a missing text: the file is created from that one, renamed.
EDITS: list[tuple[str, str | None, str]] = [
    ("methods/pulse.check.yaml", "name: test.echo", "name: pulse.check"),
    (
        "methods/doc.get.yaml",
        "  - name: extra\n    type: list\n",
        "  - name: extra\n    required: true\n    type: list\n",
    ),
    ("methods/group.docs.add.yaml", "max_items: 20", "max_items: 10"),
    ("methods/group.docs.add.yaml", "      skipped: int\n", "      ignored: int\n"),
    ("methods/group.docs.add.yaml", 'skipped="2"', 'ignored="2"'),
    ("errors.yaml", "  - {code: 500,", NEW_ERROR + "  - {code: 500,"),
    ("methods/album.getFaves.yaml", None, ""),
]


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = full_copy(tmp_path_factory.mktemp("api-change"))
    for path, text, replacement in EDITS:
        target = root / path
        if text is None:
            target.unlink()
            continue
        if not target.exists():
            shutil.copy(root / "methods" / "test.echo.yaml", target)
        content = target.read_text(encoding="utf-8")
        assert text in content, f"{path} no longer holds {text!r}: update the edit"
        target.write_text(content.replace(text, replacement, 1), encoding="utf-8")
    return root


def test_the_changed_spec_regenerates(changed: Path) -> None:
    files = outputs(load_spec(changed))
    verify_python(files)
    assert f"{PACKAGE}/services/pulse.py" in files
    assert "class UploadWindowClosedError(ServiceError):" in files[f"{PACKAGE}/errors.py"]
    assert "ALBUM_GET_FAVES" not in files[f"{PACKAGE}/operations.py"]
    assert "generated/docs/methods/album.getFaves.md" not in files


def test_the_change_is_classified(changed: Path) -> None:
    found = {(c.kind, c.line) for c in compare(read(str(BASE)), read(str(changed)))}
    assert {
        ("breaking", "`doc.get`: parameter `extra` became required: calls without `extra=` raise `TypeError`"),
        ("breaking", "`group.docs.add`: parameter `doc_id`: at most 10 items (was at most 20 items)"),
        ("breaking", "`group.docs.add`: reply field `group.skipped` removed"),
        ("breaking", "`album.getFaves`: method removed: `client.album.get_faves` no longer exists"),
        ("additive", "`group.docs.add`: new reply field `group.ignored` (attribute int)"),
        ("additive", "`pulse`: new namespace `client.pulse`"),
        ("additive", "`pulse.check`: new method `client.pulse.check`"),
        ("additive", "`common errors`: new common error 140 `UploadWindowClosedError` (ServiceError)"),
    } <= found
    assert {kind for kind, _ in found} <= {"breaking", "additive", "docs"}


def test_the_breaking_part_needs_the_changelog_entry(changed: Path) -> None:
    changes = compare(read(str(BASE)), read(str(changed)))
    missing = changelog.unacknowledged(changes, "")
    assert len(missing) == 4
    assert changelog.unacknowledged(changes, changelog.entry(changes, "0.1.0", "spec")) == []


def test_the_lint_reference_records_the_change(changed: Path) -> None:
    updates = refreshed(changed)
    assert updates["method-list"]["album.getFaves"] is None
    assert updates["method-list"]["pulse.check"]["name"] == "pulse.check"
    assert "pulse.check" in updates["method-errors"]
