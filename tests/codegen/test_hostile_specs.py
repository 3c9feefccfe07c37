"""Hostile specs: each ends in code that imports and works, or in a spec error (those are cases of
test_spec_loader.py's table); and nothing is written unless every generated Python file compiles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen.loader import load_spec
from codegen.outputs import PACKAGE, outputs
from codegen.writer import UncompilableOutput, write

from .specs import SPEC, spec_copy

ROOT = SPEC.parent
METHODS = ("doc.get", "group.docs.add", "test.echo")
ENUM = """  - name: sort
    type: enum
    values: ['it''s', 'say "hi"', 'back\\\\slash', '\"\"\"', "{x}"]
    description: An order with 'quotes', "double quotes", a back\\slash and \"\"\" in it.
errors:"""

# (id, file, text, replacement, Python run against the generated package: prints what it found)
VALID = [
    (
        "parameter-named-self",
        "methods/test.echo.yaml",
        "name: echo",
        "name: self",
        "import inspect; from ipernity_client.services.test import TestService;"
        "print(list(inspect.signature(TestService.echo).parameters))",
        "['self', 'self_']",
    ),
    (
        "parameter-named-like-the-modules-a-method-uses",
        "methods/test.echo.yaml",
        "name: echo",
        "name: models",
        "import inspect; from ipernity_client.services.test import TestService;"
        "print(list(inspect.signature(TestService.echo).parameters))",
        "['self', 'models_']",
    ),
    (
        "enum-values-with-quotes-and-backslashes",
        "methods/doc.get.yaml",
        "errors:",
        ENUM,
        "from ipernity_client import operations; print(operations.DOC_GET.params[-1].values)",
        repr(("it's", 'say "hi"', "back\\\\slash", '"""', "{x}")),
    ),
    (
        "triple-quotes-and-a-closing-backslash-in-a-description",
        "errors.yaml",
        "description: ipernity failed or is down; usually temporary.",
        "description: 'Down " + '"' * 3 + " again \\'",
        "from ipernity_client import errors; print(errors.ServiceError.__doc__)",
        "Down ''' again \\",
    ),
    (
        "a-label-ending-in-a-quote",
        "methods/group.docs.add.yaml",
        "label: Documents not found",
        "label: 'Documents \"gone\"'",
        "from ipernity_client import errors; print(errors.GroupDocsAddDocumentsNotFoundError.__doc__)",
        '2: Documents "gone"',
    ),
    (
        "reply-attributes-named-like-what-a-model-class-uses",
        "methods/group.docs.add.yaml",
        "      skipped: int\n",
        "      skipped: int\n      field: int\n      from_raw: str\n",
        "from ipernity_client.models.group import GroupDocsAdded as G;"
        "g = G.from_raw({'field': '3', 'from_raw': 'x'}); print(g.field_, g.from_raw_)",
        "3 x",
    ),
    (
        "two-errors-with-the-same-label",
        "methods/group.docs.add.yaml",
        "label: Documents not found",
        "label: Group not found",
        "from ipernity_client import errors;"
        "print(errors.GroupDocsAddGroupNotFoundError.code, errors.GroupDocsAddDocumentsNotFoundError.code)",
        "1 2",
    ),
    (
        "a-label-of-symbols-only",
        "methods/group.docs.add.yaml",
        "label: Documents not found",
        'label: "!!! ???"',
        "from ipernity_client import errors; print(errors.GroupDocsAddDocumentsNotFoundError.code)",
        "2",
    ),
]


@pytest.mark.parametrize(("case", "path", "text", "replacement", "code", "printed"), VALID, ids=[v[0] for v in VALID])
def test_a_hostile_but_valid_spec_generates_code_that_imports(
    tmp_path: Path, case: str, path: str, text: str, replacement: str, code: str, printed: str
) -> None:
    root = spec_copy(tmp_path, METHODS)
    source = root / path
    content = source.read_text(encoding="utf-8")
    assert text in content, f"{path} no longer holds {text!r}: update the case"
    source.write_text(content.replace(text, replacement, 1), encoding="utf-8")
    out = tmp_path / "out"
    write(outputs(load_spec(root)), out)
    for hand_written in ("_runtime", "_simulator"):
        (out / PACKAGE / hand_written).symlink_to(ROOT / PACKAGE / hand_written, target_is_directory=True)
    run = f"import sys; sys.path.insert(0, sys.argv[1]); {code}"
    result = subprocess.run([sys.executable, "-c", run, str(out / "src")], capture_output=True, text=True)
    assert result.stdout.strip() == printed, result.stderr


def test_nothing_is_written_when_a_python_file_does_not_compile(tmp_path: Path) -> None:
    files = {
        f"{PACKAGE}/good.py": "x = 1\n",
        f"{PACKAGE}/services/bad.py": "def f(self, *, self):\n    pass\n",
        "generated/docs/index.md": "# Index\n",
    }
    with pytest.raises(UncompilableOutput) as caught:
        write(files, tmp_path)
    assert caught.value.problems == [f"{PACKAGE}/services/bad.py:1: duplicate argument 'self' in function definition"]
    assert list(tmp_path.iterdir()) == []


def test_generate_reports_uncompilable_output_without_a_traceback(tmp_path: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import codegen.outputs as o; from codegen.__main__ import main;"
        "real = o.outputs; o.outputs = lambda spec: {**real(spec), 'src/ipernity_client/x.py': 'def (:'};"
        "sys.exit(main(['generate', '--spec', sys.argv[2], '--root', sys.argv[3]]))"
    )
    root = spec_copy(tmp_path, ("test.echo",))
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(root), str(tmp_path / "out")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "the generated code does not compile, nothing was written" in result.stderr
    assert "src/ipernity_client/x.py:1:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
