"""Method error class names are public API: given in the spec, reviewed by a lint, never a placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codegen.loader import load_spec
from codegen.problems import SpecError

from .specs import SPEC, spec_copy

METHODS = ("doc.get", "doc.getExif", "group.docs.add")
EXIF_ERROR = "message: The document ID is invalid or insufficient permissions to view this doc.}"
ADD_DOCUMENTS = "One or more document IDs are not found or do not belong to the calling user."


def problems_after(tmp_path: Path, path: str, text: str, replacement: str) -> list[str]:
    root = spec_copy(tmp_path, METHODS)
    target = root / "methods" / path
    content = target.read_text()
    assert text in content, f"{path} no longer holds {text!r}: update the case"
    target.write_text(content.replace(text, replacement, 1))
    with pytest.raises(SpecError) as caught:
        load_spec(root)
    return [str(problem) for problem in caught.value.problems]


def test_every_error_class_of_the_spec_is_a_reviewed_name() -> None:
    """No ``Error2`` placeholders and no upstream typos: letters only, one name per method error."""
    spec = load_spec(SPEC)
    errors = [(method, error) for method in spec.methods for error in method.errors]
    assert errors and all(re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]*)*", error.name) for _, error in errors)
    assert all(error.class_name == f"{method.error_base[:-5]}{error.name}Error" for method, error in errors)
    names = [error.class_name for _, error in errors]
    assert len(names) == len(set(names))
    assert not [name for name in names if re.search(r"Error\d|Exeeded", name)]


def test_the_same_error_in_two_methods_has_the_same_name() -> None:
    """upload.file and upload.replace both refuse a file too large, under one name."""
    errors = {(m.name, e.code): e.class_name for m in load_spec(SPEC).methods for e in m.errors}
    assert errors["upload.file", 2] == "UploadFileFileTooLargeError"
    assert errors["upload.replace", 2] == "UploadReplaceFileTooLargeError"


@pytest.mark.parametrize(
    ("text", "replacement", "problem"),
    [
        ("name: DocumentNotFound", "name: Error1", "errors[0].name: 'Error1' does not match"),
        ("name: DocumentNotFound", "name: DocumentNotFoundError", "leave out 'Error', it is added"),
        ("{code: 1, name: DocumentNotFound, ", "{code: 1, ", "errors[0]: 'name' is required"),
    ],
    ids=["digits", "error-suffix", "missing"],
)
def test_a_placeholder_or_missing_name_is_refused(tmp_path: Path, text: str, replacement: str, problem: str) -> None:
    found = problems_after(tmp_path, "doc.get.yaml", text, replacement)
    assert any("doc.get.yaml" in line and problem in line for line in found), found


def test_two_errors_of_one_method_may_not_share_a_name(tmp_path: Path) -> None:
    found = problems_after(tmp_path, "group.docs.add.yaml", "name: DocumentsNotFound", "name: GroupNotFound")
    assert any("errors[1].name: 'GroupNotFound' names two errors of group.docs.add" in line for line in found), found


def test_one_meaning_gets_one_name_across_methods(tmp_path: Path) -> None:
    """doc.getExif's error made to say what group.docs.add's DocumentsNotFound says must be named alike."""
    found = problems_after(tmp_path, "doc.getExif.yaml", EXIF_ERROR, f"message: {ADD_DOCUMENTS}}}")
    found = [line for line in found if "use one name" in line]
    assert len(found) == 1 and "'DocumentsNotFound' means what doc.getExif calls 'DocumentNotFound'" in found[0]
