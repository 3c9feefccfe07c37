"""The spec loader: the real spec loads, and each kind of bad spec is reported with file, line and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codegen import checks
from codegen.loader import load_spec
from codegen.problems import SpecError

from .specs import BASE, SPEC, spec_copy

METHODS = ("doc.get", "doc.getExif", "group.docs.add", "group.docs.getList", "test.echo")
TYPES = "['string', 'int', 'bool', 'float', 'id', 'enum', 'list', 'file', 'timestamp']"

# Nine levels of nine aliases: a billion values once expanded, from 600 bytes.
LAUGHS = 'x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 9)}]\n" for n in range(1, 9)
)

# (id, file under spec/, (text, replacement), the one problem the edit must bring). "{line}" in the
# problem stands for the line where the replaced text starts: an edit is blamed where it was made,
# once, and breaks nothing else (what depends on a broken part is not checked).
BROKEN = [
    (
        "wrong-type",
        "methods/doc.get.yaml",
        ("type: id", "type: integr"),
        f":{{line}}: parameters[0].type: 'integr' is not one of {TYPES}",
    ),
    ("bad-yaml", "methods/test.echo.yaml", ("http: get", "http: [get"), "invalid YAML"),
    ("duplicate-key", "methods/test.echo.yaml", ("http: get\n", "http: get\nhttp: post\n"), "duplicate key 'http'"),
    (
        "key-that-is-a-list",
        "methods/test.echo.yaml",
        ("http: get\n", "? [a, b]\n: 1\nhttp: get\n"),
        ":{line}: a key must be a plain value, not a list or mapping",
    ),
    (
        "unknown-category",
        "errors.yaml",
        ("category: quota, retryable: false", "category: quotas, retryable: false"),
        ":{line}: errors[12].category: unknown category 'quotas'",
    ),
    (
        "duplicated-parameter",
        "methods/doc.get.yaml",
        ("errors:", "  - name: doc_id\n    type: id\n    description: Again.\nerrors:"),
        ":{line}: parameters[2].name: parameter 'doc_id' is already defined at parameters[0]",
    ),
    (
        "infinite-maximum",
        "methods/group.docs.getList.yaml",
        ("    maximum: 100\n", "    maximum: .inf\n"),
        ":{line}: parameters[6].maximum: inf is not a finite number",
    ),
    (
        "method-code-colliding-with-a-common-code",
        "methods/doc.get.yaml",
        ("{code: 1,", "{code: 105,"),
        ":{line}: errors[0].code: code 105 collides with common error 105 (SignatureInvalidError)",
    ),
    (
        "method-code-above-the-method-range",
        "methods/doc.get.yaml",
        ("{code: 1,", "{code: 150,"),
        ":{line}: errors[0].code: code 150: a method's own codes run from 1 to 99",
    ),
    (
        "example-attribute-type",
        "methods/doc.get.yaml",
        ('<doc doc_id="12345"', '<doc doc_id="x"'),
        ":{line}: examples[0].body: <doc> attribute doc_id='x' is not a int",
    ),
    (
        "example-attribute-on-a-later-line",
        "methods/doc.get.yaml",
        ('safety="1"', 'safety="maybe"'),
        ":{line}: examples[0].body: <doc> attribute safety='maybe' is not a int",
    ),
    (
        "example-child-on-a-later-line",
        "methods/doc.get.yaml",
        ('<owner user_id="123"', '<owner user_id="me"'),
        ":{line}: examples[0].body: <doc/owner> attribute user_id='me' is not a int",
    ),
    (
        "control-character-in-a-summary",
        "methods/test.echo.yaml",
        ("summary: Send back the echo parameter; a way to test a connection.", 'summary: "Send\\r\\0 back."'),
        ":{line}: control character U+000D in text; only newlines and tabs are allowed",
    ),
    (
        "control-character-in-an-error-message",
        "errors.yaml",
        ("message: The query signature is invalid.", 'message: "The query\\x00 signature is invalid."'),
        ":{line}: control character U+0000 in text",
    ),
    (
        "nested-aliases",
        "methods/test.echo.yaml",
        ("name: test.echo\n", "name: test.echo\n" + LAUGHS),
        "more than 100,000 values once aliases are expanded",
    ),
    (
        "two-errors-with-one-class-name",
        "methods/group.docs.add.yaml",
        ("name: DocumentsNotFound", "name: GroupNotFound"),
        ":{line}: errors[1].name: 'GroupNotFound' names two errors of group.docs.add",
    ),
    (
        "example-attribute-type-in-a-method-class",
        "methods/group.docs.add.yaml",
        ('skipped="2"', 'skipped="lots"'),
        "examples[0].body: <group> attribute skipped='lots' is not a int",
    ),
    (
        "example-attribute-undeclared",
        "methods/group.docs.add.yaml",
        ('skipped="2"', 'skipped="2" colour="red"'),
        "examples[0].body: <group> has 'colour', which GroupDocsAdded does not declare",
    ),
    (
        "example-attribute-undeclared-without-an-attribute-map",
        "methods/doc.get.yaml",
        ('<doc doc_id="', '<doc Make="X" doc_id="'),
        "examples[0].body: <doc> has 'Make', which Doc does not declare",
    ),
    (
        "example-not-xml",
        "methods/test.echo.yaml",
        ("<echo>yes, it worked</echo>", "<echo>yes"),
        ":{line}: examples[0].body: the xml example does not parse",
    ),
    (
        "parameter-named-like-a-client-option",
        "methods/test.echo.yaml",
        ("name: echo", "name: timeout"),
        ":{line}: parameters[0].name: parameter 'timeout' clashes with a client option",
    ),
    (
        "unknown-shape",
        "methods/doc.get.yaml",
        ("shape: Doc}", "shape: Document}"),
        ":{line}: response.doc.shape: unknown shape 'Document'",
    ),
    (
        "token-without-signature",
        "methods/doc.get.yaml",
        ("token: false", "token: true"),
        ":{line}: auth.token: a method that needs a token must be signed too",
    ),
    (
        "file-name-not-the-method",
        "methods/test.echo.yaml",
        ("name: test.echo", "name: test.echos"),
        ":{line}: name: method 'test.echos' must be in a file named test.echos.yaml",
    ),
    (
        "values-on-a-non-enum",
        "methods/test.echo.yaml",
        ("required: true", "required: true\n    values: [a, b]"),
        "parameters[0].values: values are only allowed on an enum, not on a string",
    ),
    (
        "attribute-map-reusing-a-field-name",
        "methods/doc.getExif.yaml",
        ("    attribute_map: tags\n", "    attribute_map: tags\n    attributes:\n      tags: str\n"),
        ":1: class DocExif: the attribute map and attribute tags both become the field 'tags'",
    ),
    (
        "attribute-map-on-a-shape-reference",
        "methods/doc.get.yaml",
        ("{shape: Doc}", "{shape: Doc, attribute_map: more}"),
        ":{line}: response.doc: these fields cannot be used together: attribute_map, shape",
    ),
    (
        "pagination-container-not-a-child",
        "methods/group.docs.getList.yaml",
        ("container: group.docs", "container: group.albums"),
        ":{line}: pagination.container: <albums> is not a single element of <group>",
    ),
    (
        "pagination-container-not-at-the-top",
        "methods/group.docs.getList.yaml",
        ("container: group.docs", "container: docs"),
        ":{line}: pagination.container: <docs> is not a single element of the response",
    ),
    (
        "pagination-container-bad-path",
        "methods/group.docs.getList.yaml",
        ("container: group.docs", "container: group..docs"),
        ":{line}: pagination.container: 'group..docs' does not match",
    ),
    (
        "pagination-items-not-a-list",
        "methods/group.docs.getList.yaml",
        ("items: doc}", "items: photo}"),
        ":{line}: pagination.items: <group.docs> must declare <photo> with list: true",
    ),
    (
        "pagination-per-page-without-maximum",
        "methods/group.docs.getList.yaml",
        ("    maximum: 100\n", ""),
        "pagination: 'per_page' needs a maximum",
    ),
]


def test_the_real_spec_loads() -> None:
    spec = load_spec(SPEC)
    assert sorted(m.name for m in spec.methods) == sorted(p.stem for p in (SPEC / "methods").glob("*.yaml"))
    assert {e.code for e in spec.errors} >= {100, 113, 120, 122, 135, 500, 501, 503}


@pytest.fixture
def small_spec(tmp_path: Path) -> Path:
    """A copy of the spec with a few methods, to break in each test."""
    return spec_copy(tmp_path, METHODS)


def problems_of(root: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(root)
    return [str(p) for p in caught.value.problems]


def edit(root: Path, path: str, text: str, replacement: str) -> int:
    """Replace the first ``text`` of the file; gives the line where it started."""
    target = root / path
    content = target.read_text()
    assert text in content, f"{path} no longer holds {text!r}: update the case"
    target.write_text(content.replace(text, replacement, 1))
    return content[: content.index(text)].count("\n") + 1


@pytest.mark.parametrize(("case", "path", "change", "expected"), BROKEN, ids=[case[0] for case in BROKEN])
def test_a_broken_spec_is_reported_with_file_line_and_field(
    small_spec: Path, case: str, path: str, change: tuple[str, str], expected: str
) -> None:
    line = edit(small_spec, path, *change)
    found = problems_of(small_spec)
    assert all(problem.startswith(f"spec/{path}:") for problem in found), found
    assert any(expected.format(line=line) in problem for problem in found), found
    assert len(found) == 1, found


def test_every_problem_is_reported_at_once(small_spec: Path) -> None:
    edit(small_spec, "methods/test.echo.yaml", "http: get", "http: sometimes")
    edit(small_spec, "methods/doc.get.yaml", "summary:", "sumary:")
    found = problems_of(small_spec)
    assert any("test.echo.yaml" in p and "http" in p for p in found)
    assert any("doc.get.yaml:1:" in p and "'summary' is required" in p for p in found)
    assert any("doc.get.yaml" in p and "unknown field(s) ('sumary' was unexpected)" in p for p in found)


def test_cli_reports_problems_without_a_traceback(small_spec: Path) -> None:
    (small_spec / "methods" / "test.echo.yaml").write_text("name: [")
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "validate", "--spec", str(small_spec)],
        capture_output=True,
        text=True,
        cwd=SPEC.parent,
    )
    assert result.returncode == 2
    assert "spec/methods/test.echo.yaml:" in result.stderr and "invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_json_example_is_blamed_at_its_offending_line(small_spec: Path) -> None:
    body = 'body: |-\n      {\n        "api": {"status": "ok"},\n        "echo":\n          {"x": 1}\n      }'
    line = edit(small_spec, "methods/test.echo.yaml", """body: '{"echo": "yes, it worked"}'""", body)
    assert problems_of(small_spec) == [
        f"spec/methods/test.echo.yaml:{line + 3}: examples[1].body: "
        "<echo> is declared as a str text element but has attributes or children"
    ]


def test_schema_errors_do_not_hide_the_checks_of_the_parts_that_passed(small_spec: Path) -> None:
    """Four slips in one file, two for the schema and two for the cross-file checks: one run shows them all."""
    edit(small_spec, "methods/doc.get.yaml", "summary:", "sumary:")
    edit(small_spec, "methods/doc.get.yaml", "type: id", "type: integr")
    edit(small_spec, "methods/doc.get.yaml", "{code: 1,", "{code: 105,")
    edit(small_spec, "methods/doc.get.yaml", 'safety="1"', 'safety="maybe"')
    edit(small_spec, "shapes.yaml", "type: str", "type: string")
    found = "\n".join(problems_of(small_spec))
    assert "'summary' is required" in found and "'integr' is not one of" in found
    assert "code 105 collides with common error 105 (SignatureInvalidError)" in found
    assert "spec/shapes.yaml:" in found


def test_an_example_is_checked_when_its_method_has_schema_errors_elsewhere(small_spec: Path) -> None:
    edit(small_spec, "methods/doc.get.yaml", "summary:", "sumary:")
    edit(small_spec, "methods/doc.get.yaml", 'safety="1"', 'safety="maybe"')
    found = "\n".join(problems_of(small_spec))
    assert "unknown field(s) ('sumary' was unexpected)" in found
    assert "attribute safety='maybe' is not a int" in found


def test_a_service_named_like_a_python_keyword_is_a_spec_error(small_spec: Path) -> None:
    text = (small_spec / "methods" / "test.echo.yaml").read_text().replace("name: test.echo", "name: class.get")
    (small_spec / "methods" / "class.get.yaml").write_text(text)
    assert problems_of(small_spec) == [
        "spec/methods/class.get.yaml:1: name: the service 'class' would be a module named class, "
        "which is a Python keyword; choose another name"
    ]


def test_two_methods_that_would_share_python_names_are_a_spec_error(small_spec: Path) -> None:
    text = (small_spec / "methods" / "group.docs.add.yaml").read_text()
    (small_spec / "methods" / "group.docsAdd.yaml").write_text(
        text.replace("name: group.docs.add", "name: group.docsAdd")
    )
    assert problems_of(small_spec) == [
        "spec/methods/group.docsAdd.yaml:1: name: group.docsAdd and group.docs.add would both generate the name "
        "GROUP_DOCS_ADD"
    ]


def malformed() -> list[tuple[str, tuple[str, ...], object]]:
    """(file, path, value): every top-level field of a method and of a shape, gone (None) or mistyped."""
    method = yaml.safe_load((BASE / "methods" / "group.docs.getList.yaml").read_text(encoding="utf-8"))
    shape = yaml.safe_load((BASE / "shapes.yaml").read_text(encoding="utf-8"))["shapes"]["Doc"]
    return [("methods/group.docs.getList.yaml", (key,), value) for key in method for value in (None, 7)] + [
        ("shapes.yaml", ("shapes", "Doc", key), value) for key in shape for value in (None, "text")
    ]


@pytest.mark.parametrize(("path", "where", "value"), malformed(), ids=lambda v: str(v))
def test_a_malformed_file_gives_spec_problems_not_a_crash(
    small_spec: Path, path: str, where: tuple[str, ...], value: object
) -> None:
    data = yaml.safe_load((small_spec / path).read_text(encoding="utf-8"))
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    if value is None:
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    (small_spec / path).write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_spec(small_spec)
    except SpecError as exc:
        assert exc.problems and all(str(p).startswith("spec/") for p in exc.problems)


def test_a_service_named_like_a_client_member_is_a_spec_error(small_spec: Path) -> None:
    text = (small_spec / "methods" / "test.echo.yaml").read_text().replace("name: test.echo", "name: login.check")
    (small_spec / "methods" / "login.check.yaml").write_text(text)
    assert problems_of(small_spec) == [
        "spec/methods/login.check.yaml:1: name: the service 'login' would hide the client's own 'login'; "
        "choose another name"
    ]


def test_the_client_members_read_from_the_runtime_source_are_all_of_them() -> None:
    from ipernity_client._runtime.core import BaseClient

    assert {name for name in dir(BaseClient) if not name.startswith("_")} <= checks._client_members()
