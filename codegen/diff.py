"""What changed between two versions of the spec, classified for the users of the generated package.

Each side is a spec directory or spec/ at a git revision (read with ``git archive``, so the working
tree is never touched). Both are read as plain YAML, not through the loader, so that a spec
written for an older generator still compares. A change is *breaking* when code written against
the old package may stop working (a removed method, field or error class, a parameter that became
required, a narrower enum or limit), *additive* when only new things appear or limits widen, and
*docs* when only the documentation changes.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .naming import camel, param_identifier, py_identifier, snake
from .yamlfile import YamlFileError, load

BREAKING, ADDITIVE, DOCS = "breaking", "additive", "docs"
KINDS = (BREAKING, ADDITIVE, DOCS)
LEVELS = ("none", "read", "write", "delete")
DOC_FIELDS = ("summary", "description", "doc_url", "source", "unverified", "notes", "decisions", "changelog")


class DiffError(Exception):
    """A side of the diff cannot be read: not a directory, not a revision, or not YAML."""


@dataclass(frozen=True)
class Change:
    """One change: its kind, what it is about (a method, a shape, the common errors) and what happened.

    ``text`` may quote names in backticks (Markdown); the plain report drops them.
    """

    kind: str
    subject: str
    text: str

    @property
    def line(self) -> str:
        """The change as one Markdown line, without the bullet: what CHANGELOG.md must carry."""
        return f"`{self.subject}`: {self.text}"

    def sort_key(self) -> tuple[int, str, str]:
        return (KINDS.index(self.kind), self.subject, self.text)


@dataclass
class SpecTree:
    """The spec files as plain data: method files by method name, the common errors, the shapes."""

    label: str
    methods: dict[str, dict[str, Any]]
    errors: dict[str, Any]
    shapes: dict[str, Any]


# --- reading ------------------------------------------------------------------------------------


def read(source: str, repo: Path = Path(".")) -> SpecTree:
    """``source`` as a spec directory if one exists there, else as a git revision of ``spec/``."""
    path = Path(source)
    if path.is_dir():
        return _read_dir(path, source)
    return _read_revision(source, repo)


def _read_dir(root: Path, label: str) -> SpecTree:
    if not (root / "methods").is_dir():
        raise DiffError(f"{label}: not a spec directory (no methods/ in it)")
    methods: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "methods").glob("*.yaml")):
        data = _yaml(path, f"{label}/methods/{path.name}")
        if isinstance(data, dict):
            methods[str(data.get("name", path.stem))] = data
    errors = _yaml(root / "errors.yaml", f"{label}/errors.yaml") if (root / "errors.yaml").exists() else {}
    shapes = _yaml(root / "shapes.yaml", f"{label}/shapes.yaml") if (root / "shapes.yaml").exists() else {}
    return SpecTree(label, methods, _dict(errors), _dict(_dict(shapes).get("shapes")))


def _yaml(path: Path, display: str) -> Any:
    try:
        return load(path, display).data
    except YamlFileError as exc:
        raise DiffError(f"{display}:{exc.line}: {exc.message}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DiffError(f"{display}: cannot read: {exc}") from None


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise DiffError(f"git {args[0]} failed: {message}")
    return result.stdout


def _read_revision(revision: str, repo: Path) -> SpecTree:
    """spec/ at ``revision``, from ``git archive`` into a temporary directory."""
    if revision.startswith("-"):
        raise DiffError(f"{revision}: not a spec directory nor a git revision")
    try:
        top = Path(_git(repo, "rev-parse", "--show-toplevel").decode().strip())
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except DiffError:
        raise DiffError(f"{revision}: not a spec directory nor a git revision") from None
    archive = _git(top, "archive", "--format=tar", revision, "--", "spec")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and ".." not in Path(m.name).parts]
        # Regular files of our own repository, checked above; the "data" filter too where Python has it.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(tmp, members=members, **safe)  # type: ignore[arg-type]
        return _read_dir(Path(tmp) / "spec", f"{revision}:spec")


# --- comparing ----------------------------------------------------------------------------------


def compare(old: SpecTree, new: SpecTree) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking first."""
    changes = [
        *_methods(old, new),
        *_namespaces(old, new),
        *_common_errors(old.errors, new.errors),
        *_shapes(old, new),
    ]
    return sorted(set(changes), key=Change.sort_key)


def _python_path(method: str) -> str:
    *namespace, last = method.split(".")
    return "client." + ".".join(py_identifier(part) for part in namespace) + "." + py_identifier(snake(last))


def _namespaces(old: SpecTree, new: SpecTree) -> Iterator[Change]:
    def prefixes(tree: SpecTree) -> set[str]:
        return {".".join(m.split(".")[:depth]) for m in tree.methods for depth in range(1, len(m.split(".")))}

    before, after = prefixes(old), prefixes(new)
    for name in sorted(after - before):
        yield Change(ADDITIVE, name, f"new namespace `client.{name}`")
    for name in sorted(before - after):
        yield Change(BREAKING, name, f"namespace `client.{name}` removed")


def _methods(old: SpecTree, new: SpecTree) -> Iterator[Change]:
    for name in sorted(new.methods.keys() - old.methods.keys()):
        yield Change(ADDITIVE, name, f"new method `{_python_path(name)}`")
    for name in sorted(old.methods.keys() - new.methods.keys()):
        yield Change(BREAKING, name, f"method removed: `{_python_path(name)}` no longer exists")
    for name in sorted(old.methods.keys() & new.methods.keys()):
        before, after = old.methods[name], new.methods[name]
        yield from (Change(kind, name, text) for kind, text in _method(name, before, after))


def _method(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield from _params(_by_name(old.get("parameters")), _by_name(new.get("parameters")))
    yield from _method_errors(name, _by_code(old.get("errors")), _by_code(new.get("errors")))
    yield from _auth(old, new)
    yield from _pagination(name, old.get("pagination"), new.get("pagination"))
    parent = camel(name)
    yield from _fields(_flatten_response(old.get("response"), parent), _flatten_response(new.get("response"), parent))
    docs = [key for key in DOC_FIELDS if old.get(key) != new.get(key)]
    if old.get("examples") != new.get("examples"):
        docs.append("examples")
    if docs:
        yield DOCS, f"documentation changed ({', '.join(docs)})"


def _dict(value: Any) -> dict[Any, Any]:
    """``value`` if it is a mapping, else empty: both sides are read without validation."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _by_name(items: Any) -> dict[str, dict[str, Any]]:
    return {str(item["name"]): item for item in _list(items) if isinstance(item, dict) and "name" in item}


def _by_code(items: Any) -> dict[int, dict[str, Any]]:
    return {
        item["code"]: item
        for item in _list(items)
        if isinstance(item, dict) and isinstance(item.get("code"), int) and not isinstance(item["code"], bool)
    }


def _values(param: dict[str, Any]) -> list[str]:
    return [str(v.get("value") if isinstance(v, dict) else v) for v in _list(param.get("values"))]


def _kind(param: dict[str, Any]) -> str:
    return f"list of {param.get('items')}" if param.get("type") == "list" else str(param.get("type"))


def _params(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for name in sorted(new.keys() - old.keys()):
        py = param_identifier(name)
        if new[name].get("required"):
            yield BREAKING, f"new required parameter `{py}`: calls without `{py}=` raise `TypeError`"
        else:
            yield ADDITIVE, f"new optional parameter `{py}`"
    for name in sorted(old.keys() - new.keys()):
        py = param_identifier(name)
        yield BREAKING, f"parameter `{py}` removed: calls passing `{py}=` raise `TypeError`"
    for name in sorted(old.keys() & new.keys()):
        yield from _param(param_identifier(name), old[name], new[name])


def _param(py: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if not old.get("required") and new.get("required"):
        yield BREAKING, f"parameter `{py}` became required: calls without `{py}=` raise `TypeError`"
    elif old.get("required") and not new.get("required"):
        yield ADDITIVE, f"parameter `{py}` became optional"
    if _kind(old) != _kind(new):
        yield BREAKING, f"parameter `{py}` is now a {_kind(new)} (was a {_kind(old)})"
    before, after = _values(old), _values(new)
    if before and after:
        removed = [v for v in before if v not in after]
        added = [v for v in after if v not in before]
        if removed:
            yield BREAKING, f"parameter `{py}` no longer takes {', '.join(f'`{v}`' for v in removed)}"
        if added:
            yield ADDITIVE, f"parameter `{py}` also takes {', '.join(f'`{v}`' for v in added)}"
    yield from _limit(py, "at most", "items", old.get("max_items"), new.get("max_items"), lower_is_narrower=True)
    yield from _limit(py, "at most", "", old.get("maximum"), new.get("maximum"), lower_is_narrower=True)
    yield from _limit(py, "at least", "", old.get("minimum"), new.get("minimum"), lower_is_narrower=False)
    if old.get("default") != new.get("default"):
        yield DOCS, f"parameter `{py}`: the API's default is now {new.get('default')} (was {old.get('default')})"
    if old.get("description") != new.get("description"):
        yield DOCS, f"parameter `{py}`: description changed"
    if old.get("signed", True) != new.get("signed", True):
        yield ADDITIVE, f"parameter `{py}` is {'now' if new.get('signed', True) else 'no longer'} signed"


def _limit(py: str, words: str, unit: str, old: Any, new: Any, *, lower_is_narrower: bool) -> Iterator[tuple[str, str]]:
    if old == new:
        return
    suffix = f" {unit}" if unit else ""
    now = (
        f"{words} {_number(new)}{suffix}" if new is not None else f"no longer limited to {words} {_number(old)}{suffix}"
    )
    was = f" (was {words} {_number(old)}{suffix})" if old is not None and new is not None else ""
    if new is None:
        narrower = False
    elif not isinstance(old, (int, float)) or not isinstance(new, (int, float)):
        narrower = True
    else:
        narrower = new < old if lower_is_narrower else new > old
    yield (BREAKING if narrower else ADDITIVE), f"parameter `{py}`: {now}{was}"


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _error_class(method: str, error: dict[str, Any]) -> str:
    """The class the generator made of a method error: from its name, or (older specs) its label."""
    name = error.get("class") or error.get("name")
    if not name and error.get("label"):
        words = re.findall(r"[A-Za-z0-9]+", str(error["label"]))
        name = "".join(w[:1].upper() + (w[1:].lower() if w.isupper() and len(w) > 3 else w[1:]) for w in words)
    return f"{camel(method)}{name or 'Error' + str(error.get('code'))}Error"


def _method_errors(
    name: str, old: dict[int, dict[str, Any]], new: dict[int, dict[str, Any]]
) -> Iterator[tuple[str, str]]:
    for code in sorted(new.keys() - old.keys()):
        yield ADDITIVE, f"new error {code} `{_error_class(name, new[code])}` ({new[code].get('label')})"
    for code in sorted(old.keys() - new.keys()):
        yield BREAKING, f"error {code} removed: `{_error_class(name, old[code])}` no longer exists"
    for code in sorted(old.keys() & new.keys()):
        before, after = _error_class(name, old[code]), _error_class(name, new[code])
        if before != after:
            yield BREAKING, f"error {code} is now `{after}` (was `{before}`)"
        if (old[code].get("label"), old[code].get("message")) != (new[code].get("label"), new[code].get("message")):
            yield DOCS, f"error {code}: label or message changed"


def _auth(old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    before, after = _dict(old.get("auth")), _dict(new.get("auth"))
    for flag, what in (("token", "an auth token"), ("sign", "a signature (the api secret)")):
        if not before.get(flag) and after.get(flag):
            yield BREAKING, f"now needs {what}"
        elif before.get(flag) and not after.get(flag):
            yield ADDITIVE, f"no longer needs {what}"
    was, now = _dict(before.get("permissions")), _dict(after.get("permissions"))
    for scope in sorted(was.keys() | now.keys()):
        a, b = _level(was.get(scope)), _level(now.get(scope))
        if a != b:
            kind = BREAKING if b > a else ADDITIVE
            yield kind, f"needs {scope} permission {LEVELS[b]} (was {LEVELS[a]})"
    if old.get("http") != new.get("http"):
        yield DOCS, f"HTTP: {'POST required' if new.get('http') == 'post' else 'GET or POST'} (the client follows)"


def _level(level: Any) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def _pagination(name: str, old: Any, new: Any) -> Iterator[tuple[str, str]]:
    iterator = "iter_" + py_identifier(snake(name.split(".")[-1])).removeprefix("get_")
    if not old and new:
        yield ADDITIVE, f"paginated: new iterator `{iterator}`"
    elif old and not new:
        yield BREAKING, f"no longer paginated: `{iterator}` removed"
    elif old != new:
        yield ADDITIVE, "pagination changed (where the pages sit in the reply)"


# --- reply structure ----------------------------------------------------------------------------

Field = tuple[str, ...]  # what a reply field is: ("attribute", type), ("element", class, repeated) ...


@dataclass
class Reply:
    """A reply structure flattened to dotted paths: what each field is, its description, which are always present."""

    fields: dict[str, Field] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)

    def add(self, path: str, what: Field, data: Any) -> None:
        self.fields[path] = what
        if isinstance(data, dict):
            self.docs[path] = str(data.get("description", ""))
            if data.get("required"):
                self.present.add(path)


def _flatten_response(response: Any, parent: str) -> Reply:
    reply = Reply()
    for tag, element in _dict(response).items():
        _flatten_element(reply, str(tag), element, parent)
    return reply


def _flatten_element(reply: Reply, path: str, data: Any, parent: str) -> None:
    if not isinstance(data, dict):
        return
    repeated = "list" if data.get("list") else "single"
    if "shape" in data:
        reply.add(path, ("shape", str(data["shape"]), repeated), data)
    elif "type" in data:
        reply.add(path, ("text element", str(data["type"]), repeated), data)
    else:
        name = str(data.get("class") or parent + camel(path.rsplit(".", 1)[-1]))
        reply.add(path, ("element", name, repeated), data)
        _flatten_body(reply, path, data, name)


def _flatten_body(reply: Reply, path: str, data: dict[str, Any], name: str) -> None:
    for attribute, spec in _dict(data.get("attributes")).items():
        kind = spec.get("type") if isinstance(spec, dict) else spec
        reply.add(f"{path}.{attribute}", ("attribute", str(kind)), spec)
    if data.get("text"):
        reply.add(f"{path}.value", ("text", str(data["text"])), None)
    if data.get("attribute_map"):
        reply.add(f"{path}.{data['attribute_map']}", ("attribute map",), None)
    for tag, child in _dict(data.get("children")).items():
        _flatten_element(reply, f"{path}.{tag}", child, name)


def _describe(what: Field) -> str:
    if what[0] in {"shape", "element", "text element"}:
        return f"{'a list of ' if what[-1] == 'list' else ''}{what[0]} {what[1]}"
    return " ".join(what)


def _fields(old: Reply, new: Reply) -> Iterator[tuple[str, str]]:
    removed = sorted(old.fields.keys() - new.fields.keys())
    for path in removed:
        if not any(path.startswith(other + ".") for other in removed):
            yield BREAKING, f"reply field `{path}` removed"
    added = sorted(new.fields.keys() - old.fields.keys())
    for path in added:
        if not any(path.startswith(other + ".") for other in added):
            yield ADDITIVE, f"new reply field `{path}` ({_describe(new.fields[path])})"
    for path in sorted(old.fields.keys() & new.fields.keys()):
        before, after = old.fields[path], new.fields[path]
        if before != after:
            yield BREAKING, f"reply field `{path}` is now {_describe(after)} (was {_describe(before)})"
        if path in old.present and path not in new.present:
            yield BREAKING, f"reply field `{path}` may now be missing: its type takes `None`"
        elif path in new.present and path not in old.present:
            yield ADDITIVE, f"reply field `{path}` is now always present: its type no longer takes `None`"
        if old.docs.get(path, "") != new.docs.get(path, ""):
            yield DOCS, f"reply field `{path}`: description changed"


def _shapes(old: SpecTree, new: SpecTree) -> Iterator[Change]:
    users = _shape_users(new)
    for name in sorted(new.shapes.keys() - old.shapes.keys()):
        yield Change(ADDITIVE, f"shape {name}", f"new reply class `{name}`")
    for name in sorted(old.shapes.keys() - new.shapes.keys()):
        yield Change(BREAKING, f"shape {name}", f"reply class `{name}` removed")
    for name in sorted(old.shapes.keys() & new.shapes.keys()):
        used = users.get(name, [])
        where = f" (in {', '.join(used[:3])}{', …' if len(used) > 3 else ''})" if used else ""
        for kind, text in _fields(_flatten_shape(old.shapes[name], name), _flatten_shape(new.shapes[name], name)):
            yield Change(kind, f"shape {name}", text + (where if kind != DOCS else ""))
        if _dict(old.shapes[name]).get("description") != _dict(new.shapes[name]).get("description"):
            yield Change(DOCS, f"shape {name}", "description changed")


def _flatten_shape(data: Any, name: str) -> Reply:
    reply = Reply()
    if isinstance(data, dict):
        _flatten_body(reply, name, data, name)
    return reply


def _shape_users(tree: SpecTree) -> dict[str, list[str]]:
    """The methods whose reply holds each shape, directly or through another shape."""
    direct: dict[str, set[str]] = {}

    def refs(data: Any) -> Iterator[str]:
        if isinstance(data, dict):
            if "shape" in data:
                yield str(data["shape"])
            for value in data.values():
                yield from refs(value)

    for method, data in tree.methods.items():
        for shape in refs(data.get("response")):
            direct.setdefault(shape, set()).add(method)
    inner = {name: set(refs(data)) for name, data in tree.shapes.items()}
    users: dict[str, set[str]] = {name: set(direct.get(name, set())) for name in tree.shapes}
    changed = True
    while changed:
        changed = False
        for outer, contained in inner.items():
            for shape in contained:
                before = len(users.setdefault(shape, set()))
                users[shape] |= users.get(outer, set())
                changed |= len(users[shape]) != before
    return {name: sorted(methods) for name, methods in users.items()}


def _common_errors(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    subject = "common errors"
    before, after = _by_code(old.get("errors")), _by_code(new.get("errors"))
    categories = {**_dict(old.get("categories")), **_dict(new.get("categories"))}

    def base(error: dict[str, Any]) -> str:
        return str(_dict(categories.get(str(error.get("category")))).get("class", error.get("category")))

    for code in sorted(after.keys() - before.keys()):
        yield Change(ADDITIVE, subject, f"new common error {code} `{after[code].get('name')}` ({base(after[code])})")
    for code in sorted(before.keys() - after.keys()):
        yield Change(BREAKING, subject, f"common error {code} removed: `{before[code].get('name')}` no longer exists")
    for code in sorted(before.keys() & after.keys()):
        a, b = before[code], after[code]
        if a.get("name") != b.get("name"):
            yield Change(BREAKING, subject, f"common error {code} is now `{b.get('name')}` (was `{a.get('name')}`)")
        if base(a) != base(b):
            yield Change(BREAKING, subject, f"`{b.get('name')}` is now a `{base(b)}` (was a `{base(a)}`)")
        if bool(a.get("retryable")) != bool(b.get("retryable")):
            now = "now retried" if b.get("retryable") else "no longer retried"
            yield Change(ADDITIVE, subject, f"`{b.get('name')}` is {now} on read methods")
        if (a.get("label"), a.get("message")) != (b.get("label"), b.get("message")):
            yield Change(DOCS, subject, f"common error {code}: label or message changed")
    old_classes = {key: _dict(value).get("class") for key, value in _dict(old.get("categories")).items()}
    new_classes = {key: _dict(value).get("class") for key, value in _dict(new.get("categories")).items()}
    for key in sorted(new_classes.keys() - old_classes.keys()):
        yield Change(ADDITIVE, subject, f"new error category `{new_classes[key]}`")
    for key in sorted(old_classes.keys() - new_classes.keys()):
        yield Change(BREAKING, subject, f"error category `{old_classes[key]}` removed")
    for key in sorted(old_classes.keys() & new_classes.keys()):
        if old_classes[key] != new_classes[key]:
            yield Change(BREAKING, subject, f"error category `{new_classes[key]}` renamed (was `{old_classes[key]}`)")
