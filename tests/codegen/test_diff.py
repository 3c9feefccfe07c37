"""``codegen diff``: spec pairs kept as data (diff_cases/), the report, the changelog entry, git revisions."""

from __future__ import annotations

import copy
import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import changelog
from codegen.diff import DiffError, compare, read

from .specs import SPEC

CASES_DIR = Path(__file__).parent / "diff_cases"
CASES: list[dict[str, Any]] = yaml.safe_load((CASES_DIR / "cases.yaml").read_text(encoding="utf-8"))["cases"]
ROOT = SPEC.parent


def apply(root: Path, edits: list[dict[str, Any]]) -> None:
    """Turn the copy of base/ at ``root`` into a case's new spec."""
    for edit in edits:
        target = root / edit["file"]
        if edit.get("delete"):
            target.unlink()
        elif "text" in edit:
            target.write_text(edit["text"], encoding="utf-8")
        else:
            text = target.read_text(encoding="utf-8")
            assert edit["replace"] in text, f"{edit['file']} no longer holds {edit['replace']!r}: update the case"
            target.write_text(text.replace(edit["replace"], edit["with"], 1), encoding="utf-8")


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(CASES_DIR / "base", old)
    shutil.copytree(CASES_DIR / "base", new)
    return old, new


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_each_kind_of_change_is_found_and_classified(pair: tuple[Path, Path], case: dict[str, Any]) -> None:
    old, new = pair
    apply(new, case["edits"])
    found = [f"{c.kind} {c.subject}: {c.text}" for c in compare(read(str(old)), read(str(new)))]
    assert found == case["expect"]


def test_the_cases_cover_every_kind() -> None:
    kinds = {line.split(" ", 1)[0] for case in CASES for line in case["expect"]}
    assert kinds == {"breaking", "additive", "docs"}


def test_the_report_and_the_changelog_name_a_parameter_that_became_required(pair: tuple[Path, Path]) -> None:
    old, new = pair
    apply(new, next(c for c in CASES if c["id"] == "parameter-became-required")["edits"])
    apply(new, next(c for c in CASES if c["id"] == "method-added")["edits"])
    changes = compare(read(str(old)), read(str(new)))
    assert changelog.report(changes, "v1", "spec") == (
        "spec v1 -> spec: 1 breaking, 1 additive, 0 documentation-only\n"
        "\n"
        "Breaking (code written for the old package may need changes):\n"
        "  doc.get: parameter extra became required: calls without extra= raise TypeError\n"
        "\n"
        "Added (new or wider; existing code keeps working):\n"
        "  group.docs.remove: new method client.group.docs.remove\n"
    )
    assert changelog.entry(changes, "v1", "spec", "0.2.0") == (
        "## 0.2.0\n"
        "\n"
        "API changes from `v1` to `spec` (1 breaking, 1 additive, 0 documentation-only).\n"
        "\n"
        "### Breaking\n"
        "\n"
        "- `doc.get`: parameter `extra` became required: calls without `extra=` raise `TypeError`\n"
        "\n"
        "### Added\n"
        "\n"
        "- `group.docs.remove`: new method `client.group.docs.remove`\n"
    )


def test_the_real_spec_compared_with_itself_has_no_changes() -> None:
    assert compare(read(str(SPEC)), read(str(SPEC))) == []


def test_a_side_that_is_neither_a_directory_nor_a_revision(tmp_path: Path) -> None:
    with pytest.raises(DiffError, match="not a spec directory nor a git revision"):
        read("no-such-revision-or-dir", tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DiffError, match="not a spec directory"):
        read(str(tmp_path / "empty"))


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return result.stdout


def codegen_diff(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env_path = f"{ROOT}"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); from codegen.__main__ import main;"
            " sys.exit(main(sys.argv[2:]))",
            env_path,
            "diff",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_git_revisions_are_read_without_touching_the_working_tree(pair: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(pair[0], repo / "spec")
    git(repo, "init", "--quiet")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "spec")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "v1")
    git(repo, "tag", "v1")
    apply(repo / "spec", next(c for c in CASES if c["id"] == "parameter-became-required")["edits"])
    before = {p: p.read_bytes() for p in (repo / "spec").rglob("*") if p.is_file()}
    status = git(repo, "status", "--porcelain")

    result = codegen_diff(repo, "v1", "--fail-on-breaking")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("spec v1:spec -> spec: 1 breaking, 0 additive, 0 documentation-only\n")
    assert "doc.get: parameter extra became required: calls without extra= raise TypeError" in result.stdout

    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-am", "v2")
    between = codegen_diff(repo / "spec" / "methods", "v1", "HEAD", "--changelog")
    assert between.returncode == 0, between.stderr
    assert "- `doc.get`: parameter `extra` became required" in between.stdout
    assert {p: p.read_bytes() for p in (repo / "spec").rglob("*") if p.is_file()} == before
    assert git(repo, "status", "--porcelain") == status.replace(" M spec/methods/doc.get.yaml\n", "")


def test_cli_reports_a_bad_side_without_a_traceback(tmp_path: Path) -> None:
    result = codegen_diff(tmp_path, "nowhere", str(SPEC))
    assert result.returncode == 2
    assert result.stderr.startswith("codegen diff: nowhere: not a spec directory nor a git revision")
    assert "Traceback" not in result.stderr


def corruptions(data: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every path into ``data`` with each wrong value it could hold instead (None: the key is gone)."""
    for value in (None, 1, "x", [1], {"a": 1}):
        if where:
            yield where, value
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, child in items:
        yield from corruptions(child, (*where, key))


def corrupted(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    if value is None and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    return data


def test_a_malformed_side_is_compared_without_a_crash() -> None:
    """The sides are read without validation (an old revision follows an old schema): any shape compares."""
    old = read(str(CASES_DIR / "base"))
    count = 0
    for name, method in old.methods.items():
        for where, value in corruptions(method):
            new = dataclasses.replace(old, methods={**old.methods, name: corrupted(method, where, value)})
            assert isinstance(compare(old, new), list) and isinstance(compare(new, old), list)
            count += 1
    for where, value in corruptions({"errors": old.errors, "shapes": old.shapes}):
        both = corrupted({"errors": old.errors, "shapes": old.shapes}, where, value)
        errors, shapes = (both.get(key) if isinstance(both.get(key), dict) else {} for key in ("errors", "shapes"))
        new = dataclasses.replace(old, errors=errors, shapes=shapes)  # read() gives mappings, whatever the files
        assert isinstance(compare(old, new), list) and isinstance(compare(new, old), list)
        count += 1
    assert count > 500
