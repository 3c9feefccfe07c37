"""The spec loader: the real spec loads, and each kind of bad spec is reported with file and line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from codegen.loader import load_spec
from codegen.problems import SpecError

SPEC = Path(__file__).parent.parent / "spec"


def test_the_real_spec_loads() -> None:
    spec = load_spec(SPEC)
    assert len(spec.methods) == 102
    assert {e.code for e in spec.errors} >= {100, 113, 120, 122, 135, 500, 501, 503}


@pytest.fixture
def small_spec(tmp_path: Path) -> Path:
    """A copy of the spec with three methods, to break in each test."""
    root = tmp_path / "spec"
    (root / "methods").mkdir(parents=True)
    shutil.copytree(SPEC / "schema", root / "schema")
    for name in ("service.yaml", "errors.yaml", "shapes.yaml"):
        shutil.copy(SPEC / name, root / name)
    for method in ("doc.get", "group.docs.add", "test.echo"):
        shutil.copy(SPEC / "methods" / f"{method}.yaml", root / "methods" / f"{method}.yaml")
    return root


def problems_after(root: Path, path: str, change: Callable[[str], str]) -> list[str]:
    target = root / path
    target.write_text(change(target.read_text()))
    with pytest.raises(SpecError) as caught:
        load_spec(root)
    return [str(p) for p in caught.value.problems]


def line_of(root: Path, path: str, text: str) -> int:
    return next(i for i, line in enumerate((root / path).read_text().splitlines(), 1) if text in line)


def test_wrong_parameter_type_names_file_line_and_field(small_spec: Path) -> None:
    found = problems_after(small_spec, "methods/doc.get.yaml", lambda s: s.replace("type: id", "type: integr", 1))
    line = line_of(small_spec, "methods/doc.get.yaml", "type: integr")
    assert found == [
        f"spec/methods/doc.get.yaml:{line}: parameters[0].type: 'integr' is not one of "
        "['string', 'int', 'bool', 'float', 'id', 'enum', 'list', 'file', 'timestamp']"
    ]


def test_every_problem_is_reported_at_once(small_spec: Path) -> None:
    (small_spec / "methods" / "test.echo.yaml").write_text(
        (small_spec / "methods" / "test.echo.yaml").read_text().replace("http: get", "http: sometimes")
    )
    found = problems_after(small_spec, "methods/doc.get.yaml", lambda s: s.replace("summary:", "sumary:"))
    assert any("test.echo.yaml" in p and "http" in p for p in found)
    assert any("doc.get.yaml:1:" in p and "'summary' is required" in p for p in found)
    assert any("doc.get.yaml" in p and "unknown field(s) ('sumary' was unexpected)" in p for p in found)


def test_bad_yaml_gives_its_line(small_spec: Path) -> None:
    found = problems_after(small_spec, "methods/test.echo.yaml", lambda s: s.replace("http: get", "http: [get"))
    assert len(found) == 1 and found[0].startswith("spec/methods/test.echo.yaml:") and "invalid YAML" in found[0]


def test_duplicate_key_is_refused(small_spec: Path) -> None:
    found = problems_after(small_spec, "methods/test.echo.yaml", lambda s: s + "http: post\n")
    assert any("duplicate key 'http'" in p for p in found)


def test_unknown_category(small_spec: Path) -> None:
    found = problems_after(
        small_spec,
        "errors.yaml",
        lambda s: s.replace("category: quota, retryable: false", "category: quotas, retryable: false"),
    )
    line = line_of(small_spec, "errors.yaml", "category: quotas")
    assert f"spec/errors.yaml:{line}: errors[12].category: unknown category 'quotas'" in found[0]


def test_duplicated_parameter(small_spec: Path) -> None:
    extra = "  - name: doc_id\n    type: id\n    description: Again.\nerrors:"
    found = problems_after(small_spec, "methods/doc.get.yaml", lambda s: s.replace("errors:", extra, 1))
    assert any("parameters[2].name: parameter 'doc_id' is already defined at parameters[0]" in p for p in found)


def test_method_error_colliding_with_a_common_code(small_spec: Path) -> None:
    found = problems_after(small_spec, "methods/doc.get.yaml", lambda s: s.replace("{code: 1,", "{code: 105,"))
    assert any("errors[0].code: 105 is greater than the maximum of 99" in p for p in found)
    schema = small_spec / "schema" / "spec.schema.json"
    schema.write_text(schema.read_text().replace('"maximum": 99', '"maximum": 999'))
    found = problems_after(small_spec, "methods/doc.get.yaml", lambda s: s)
    assert any("errors[0].code: code 105 collides with a common error code" in p for p in found)


def test_example_that_does_not_match_its_schema(small_spec: Path) -> None:
    found = problems_after(
        small_spec, "methods/group.docs.add.yaml", lambda s: s.replace('skipped="2"', 'skipped="lots" colour="red"')
    )
    assert any("<group> attribute skipped='lots' is not a int" in p for p in found)
    assert any("<group> has 'colour', which GroupDocsAdded does not declare" in p for p in found)
    assert all(p.startswith("spec/methods/group.docs.add.yaml:") for p in found)


def test_broken_example_xml(small_spec: Path) -> None:
    found = problems_after(
        small_spec, "methods/test.echo.yaml", lambda s: s.replace("<echo>yes, it worked</echo>", "<echo>yes")
    )
    assert any("the xml example does not parse" in p for p in found)


def test_parameter_clashing_with_a_client_option(small_spec: Path) -> None:
    found = problems_after(small_spec, "methods/test.echo.yaml", lambda s: s.replace("name: echo", "name: timeout"))
    assert any("parameter 'timeout' clashes with a client option" in p for p in found)


def test_unknown_shape_and_token_without_signature(small_spec: Path) -> None:
    found = problems_after(
        small_spec,
        "methods/doc.get.yaml",
        lambda s: s.replace("shape: Doc}", "shape: Document}").replace("token: false", "token: true"),
    )
    assert any("unknown shape 'Document'" in p for p in found)
    assert any("auth.token: a method that needs a token must be signed too" in p for p in found)


def test_file_name_must_match_the_method(small_spec: Path) -> None:
    found = problems_after(
        small_spec, "methods/test.echo.yaml", lambda s: s.replace("name: test.echo", "name: test.echos")
    )
    assert any("must be in a file named test.echos.yaml" in p for p in found)


def test_enum_values_on_a_non_enum(small_spec: Path) -> None:
    found = problems_after(
        small_spec,
        "methods/test.echo.yaml",
        lambda s: s.replace("required: true", "required: true\n    values: [a, b]"),
    )
    assert any("values are only allowed on an enum, not on a string" in p for p in found)


def test_cli_reports_problems_without_a_traceback(small_spec: Path) -> None:
    import subprocess
    import sys

    (small_spec / "methods" / "test.echo.yaml").write_text("name: [")
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "validate", "--spec", str(small_spec)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 2
    assert "spec/methods/test.echo.yaml:" in result.stderr and "invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_undeclared_attributes_need_an_attribute_map(small_spec: Path) -> None:
    """doc.get's example gains an attribute no field declares: refused, unless the element maps them."""
    path = "methods/doc.get.yaml"
    found = problems_after(small_spec, path, lambda s: s.replace('<doc doc_id="', '<doc Make="X" doc_id="', 1))
    assert len(found) == 1 and "has 'Make', which Doc does not declare" in found[0]


def test_an_attribute_map_may_not_reuse_a_field_name(small_spec: Path) -> None:
    exif = (SPEC / "methods" / "doc.getExif.yaml").read_text()
    (small_spec / "methods" / "doc.getExif.yaml").write_text(
        exif.replace("    attribute_map: tags\n", "    attribute_map: tags\n    attributes:\n      tags: str\n")
    )
    with pytest.raises(SpecError) as caught:
        load_spec(small_spec)
    assert [str(p) for p in caught.value.problems] == [
        "spec/methods/doc.getExif.yaml:1: class DocExif: the attribute map and attribute tags both become the field 'tags'"
    ]


def test_a_shape_reference_takes_no_attribute_map(small_spec: Path) -> None:
    found = problems_after(
        small_spec, "methods/doc.get.yaml", lambda s: s.replace("{shape: Doc}", "{shape: Doc, attribute_map: more}", 1)
    )
    assert len(found) == 1 and "response.doc" in found[0]
