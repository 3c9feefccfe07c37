"""Checks across files, run on every part of the spec that passed its schema.

The schema sees one file at a time; these rules need the whole spec: codes that collide with
the common table, reserved names, examples that must match their response schema (blamed at
their own line), paging, and the Python names the generator will make. A part that failed the
schema (a method's parameters, its response, one shape) is left out of the checks that read it,
so that one run reports both kinds of problem.
"""

from __future__ import annotations

import ast
import functools
import json
import keyword
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from ipernity_client import _runtime as runtime
from ipernity_client._runtime import coerce, xmltree

from .model import Element, Method, ModelClass, Spec
from .naming import camel
from .yamlfile import SourceFile

if TYPE_CHECKING:
    from .loader import Loader

NUMERIC = {"int", "float", "timestamp"}
METHOD_CODES = 99  # a method's own codes run from 1 to 99; common codes start at 100
# Service names become modules next to these in models/ and services/.
RESERVED_MODULES = {"shapes"}


def run(loader: Loader, spec: Spec, files: dict[str, SourceFile]) -> None:
    """Every check; the problems go to ``loader``."""
    _common_table(loader, spec)
    reserved = set(spec.service.reserved_names)
    common_codes = {error.code: error.name for error in spec.errors}
    scopes = set(spec.service.permission_scopes)
    for method in spec.methods:
        source = files[method.name]
        failed = loader.failed_parts(source)
        _params(loader, source, method, reserved)
        _numbers(loader, source, method)
        _errors(loader, source, method, common_codes)
        _auth(loader, source, method, scopes)
        if not failed & {"response", "examples"}:
            _examples(loader, source, method)
        if not failed & {"response", "parameters", "pagination"}:
            _pagination(loader, source, method)
    _namespaces(loader, spec, files)
    _module_names(loader, spec, files)
    clashing = _method_names(loader, spec, files)
    _class_names(loader, spec, files, clashing)
    _error_names(loader, spec, files)
    for models in spec.models.values():
        for model in models:
            _fields(loader, model, files)


def _common_table(loader: Loader, spec: Spec) -> None:
    source = next((f for f in loader.files if f.path.endswith("errors.yaml")), None)
    if source is None:
        return
    seen_codes: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    category_classes = {c.class_name for c in spec.categories}
    for index, error in enumerate(spec.errors):
        if error.code in seen_codes:
            loader.problem(
                source, ("errors", index, "code"), f"code {error.code} is already in errors[{seen_codes[error.code]}]"
            )
        if error.name in seen_names or error.name in category_classes:
            loader.problem(source, ("errors", index, "name"), f"class name {error.name} is used twice")
        seen_codes.setdefault(error.code, index)
        seen_names.setdefault(error.name, index)


def _params(loader: Loader, source: SourceFile, method: Method, reserved: set[str]) -> None:
    seen: dict[str, int] = {}
    py_names: dict[str, int] = {}
    for index, param in enumerate(method.params):
        where = ("parameters", index)
        if param.name in seen:
            loader.problem(
                source,
                (*where, "name"),
                f"parameter {param.name!r} is already defined at parameters[{seen[param.name]}]",
            )
        seen.setdefault(param.name, index)
        clash = py_names.get(param.py_name)
        if (clash is not None and method.params[clash].name != param.name) or param.py_name in {
            p.name for p in method.params if p.name != param.name
        }:
            loader.problem(
                source,
                (*where, "name"),
                f"parameter {param.name!r} maps to the Python name {param.py_name!r}, which another parameter has",
            )
        py_names.setdefault(param.py_name, index)
        if param.name in reserved:
            loader.problem(
                source,
                (*where, "name"),
                f"parameter {param.name!r} clashes with a client option or auth parameter (reserved: {', '.join(sorted(reserved))})",
            )
        kind = param.items if param.type == "list" else param.type
        if param.values and kind != "enum":
            loader.problem(source, (*where, "values"), f"values are only allowed on an enum, not on a {kind}")
        if param.items and param.type != "list":
            loader.problem(source, (*where, "items"), "items is only allowed on a list")
        if param.items in {"list", "file"}:
            loader.problem(source, (*where, "items"), f"a list cannot hold items of type {param.items}")
        if param.max_items is not None and param.type != "list":
            loader.problem(source, (*where, "max_items"), "max_items is only allowed on a list")
        if (param.minimum is not None or param.maximum is not None) and kind not in NUMERIC:
            loader.problem(source, where, f"minimum/maximum are only allowed on numbers, not on a {kind}")
        if param.minimum is not None and param.maximum is not None and param.minimum > param.maximum:
            loader.problem(source, (*where, "minimum"), f"minimum {param.minimum} is above maximum {param.maximum}")
        if not param.signed and param.type != "file":
            loader.problem(source, (*where, "signed"), "only a file may be left out of the signature")
        if param.type == "file" and param.signed:
            loader.problem(
                source, (*where, "signed"), "a file parameter must say signed: false (the notes, section 3.1)"
            )
        if param.type == "file" and not method.post:
            loader.problem(source, (*where, "type"), "a file can only be sent by a POST method")
        values = [v.value for v in param.values]
        if len(values) != len(set(values)):
            loader.problem(source, (*where, "values"), "duplicate enum values")


def _numbers(loader: Loader, source: SourceFile, method: Method) -> None:
    """Limits and defaults are finite: ``.inf`` or ``.nan`` would be written into the code as a bare name."""
    for index, param in enumerate(method.params):
        for name in ("minimum", "maximum", "default"):
            value = getattr(param, name)
            if isinstance(value, float) and not math.isfinite(value):
                loader.problem(source, ("parameters", index, name), f"{value} is not a finite number")


def _errors(loader: Loader, source: SourceFile, method: Method, common: dict[int, str]) -> None:
    seen: set[int] = set()
    for index, error in enumerate(method.errors):
        where = ("errors", index, "code")
        if error.code in common:
            loader.problem(
                source, where, f"code {error.code} collides with common error {error.code} ({common[error.code]})"
            )
        elif error.code > METHOD_CODES:
            loader.problem(source, where, f"code {error.code}: a method's own codes run from 1 to {METHOD_CODES}")
        if error.code in seen:
            loader.problem(source, where, f"code {error.code} is listed twice")
        seen.add(error.code)
        if error.label is None and error.message is None:
            loader.problem(source, ("errors", index), "an error needs a label or a message")


def _error_names(loader: Loader, spec: Spec, files: dict[str, SourceFile]) -> None:
    """Error class names are public API: unique in a method, and one name for one meaning everywhere."""
    first: dict[str, tuple[str, str]] = {}
    for method in spec.methods:
        names: set[str] = set()
        for index, error in enumerate(method.errors):
            where = ("errors", index, "name")
            if error.name.endswith("Error"):
                loader.problem(files[method.name], where, f"{error.name!r}: leave out 'Error', it is added")
            if error.name in names:
                loader.problem(files[method.name], where, f"{error.name!r} names two errors of {method.name}")
            names.add(error.name)
            seen = first.setdefault(error.meaning, (error.name, method.name))
            if seen[0] != error.name:
                loader.problem(
                    files[method.name],
                    where,
                    f"{error.name!r} means what {seen[1]} calls {seen[0]!r} ({error.meaning}): use one name",
                )


def _auth(loader: Loader, source: SourceFile, method: Method, scopes: set[str]) -> None:
    if method.token and not method.sign:
        loader.problem(source, ("auth", "token"), "a method that needs a token must be signed too")
    for scope in method.permissions:
        if scope not in scopes:
            loader.problem(
                source,
                ("auth", "permissions", scope),
                f"unknown permission scope {scope!r}; known: {', '.join(sorted(scopes))}",
            )


class _BadExample(ValueError):
    """An example that does not parse, with the line (of the example) where the parser stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


Locator = tuple[str | int, ...]  # keys and list indexes down the raw reply, as _match_element walks it


def _examples(loader: Loader, source: SourceFile, method: Method) -> None:
    """Each example parses and matches the response; a problem is blamed on its line of the example."""
    for index, example in enumerate(method.examples):
        where = ("examples", index, "body")
        try:
            raw, line_of = _example_raw(example.format, example.body)
        except _BadExample as exc:
            message = f"the {example.format} example does not parse: {exc}"
            loader.problem_at(source, source.text_line(where, exc.line), where, message)
            continue
        declared = {element.tag: element for element in method.response.elements}
        found: list[tuple[str, Locator]] = []
        for tag, value in raw.items():
            element = declared.get(tag)
            if element is None:
                found.append((f"<{tag}> is not declared in the response", (tag,)))
                continue
            found.extend(_match_element(element, value, tag, (tag,)))
        for message, locator in found:
            loader.problem_at(source, source.text_line(where, line_of(locator)), where, message)


def _example_raw(fmt: str, body: str) -> tuple[dict[str, Any], Callable[[Locator], int]]:
    """The example as raw reply data, and where (line of the body) each locator of it is."""
    if fmt == "json":
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise _BadExample(exc.msg, exc.lineno) from None
        if not isinstance(data, dict):
            raise _BadExample("not a JSON object", 1)
        data.pop("api", None)
        offsets = _json_offsets(body)
        return data, lambda locator: _json_line(body, offsets, locator)
    try:
        root = xmltree.parse(f"<api>{body}</api>")
    except etree.XMLSyntaxError as exc:
        raise _BadExample(str(exc), exc.lineno or 1) from None
    raw = xmltree.to_raw(root)
    lines = body.split("\n")
    return (raw if isinstance(raw, dict) else {}), lambda locator: _xml_line(root, lines, locator)


def _json_line(body: str, offsets: dict[Locator, int], locator: Locator) -> int:
    while locator and locator not in offsets:
        locator = locator[:-1]
    return body[: offsets.get(locator, 0)].count("\n") + 1


def _json_offsets(body: str) -> dict[Locator, int]:
    """The offset of every value (for a key, of the key) in a JSON text that is known to parse."""
    offsets: dict[Locator, int] = {}
    decoder = json.JSONDecoder()

    def skip(pos: int) -> int:
        while pos < len(body) and body[pos] in " \t\n\r":
            pos += 1
        return pos

    def value(pos: int, path: Locator) -> int:
        pos = skip(pos)
        offsets.setdefault(path, pos)
        opening = body[pos]
        if opening not in "{[":
            return int(decoder.raw_decode(body, pos)[1])
        closing = "}" if opening == "{" else "]"
        pos = skip(pos + 1)
        index = 0
        while body[pos] != closing:
            if opening == "{":
                key, end = decoder.raw_decode(body, pos)  # a JSON string is a JSON value
                child: Locator = (*path, str(key))
                offsets[child] = pos
                pos = skip(end) + 1  # past the colon
            else:
                child = (*path, index)
                index += 1
            pos = skip(value(pos, child))
            if body[pos] == ",":
                pos = skip(pos + 1)
        return pos + 1

    value(0, ())
    top = {locator[1:]: offset for locator, offset in offsets.items() if locator[:1] == ("api",)}
    return {**offsets, **top}


def _xml_line(root: Any, lines: list[str], locator: Locator) -> int:
    """The line of the element (or attribute) a locator names, down from the <api> root."""
    node = root
    steps = list(locator)
    while steps:
        step = steps.pop(0)
        if isinstance(step, int):
            continue
        children = [child for child in node if child.tag == step]
        if not children:
            return _attribute_line(lines, _start_line(lines, node), str(step))
        following = steps.pop(0) if steps and isinstance(steps[0], int) else 0
        node = children[min(int(following), len(children) - 1)]
    return _start_line(lines, node)


def _start_line(lines: list[str], node: Any) -> int:
    """Where an element's start tag opens: libxml2 gives the line where it closes."""
    number = int(node.sourceline or 1)
    opening = f"<{node.tag}"
    while number > 1 and opening not in lines[number - 1]:
        number -= 1
    return number


def _attribute_line(lines: list[str], start: int, name: str) -> int:
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}\s*=")
    for number in range(start, len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
        if ">" in lines[number - 1]:
            break
    return start


def _match_element(element: Element, value: Any, path: str, locator: Locator) -> list[tuple[str, Locator]]:
    if not element.repeated and isinstance(value, list):
        return [(f"<{path}> is repeated but not declared with list: true", locator)]
    listed = isinstance(value, list)
    values = coerce.items(value) if element.repeated else [value]
    problems: list[tuple[str, Locator]] = []
    for index, item in enumerate(values):
        here = (*locator, index) if listed else locator
        if element.model is not None:
            problems.extend(_match_model(element.model, item, path, here))
        elif isinstance(item, (dict, list)):
            problems.append(
                (f"<{path}> is declared as a {element.scalar} text element but has attributes or children", here)
            )
        elif not _converts(element.scalar or "str", item):
            problems.append((f"<{path}> text {item!r} is not a {element.scalar}", here))
    return problems


def _match_model(model: ModelClass, value: Any, path: str, locator: Locator) -> list[tuple[str, Locator]]:
    data = dict(coerce.mapping(value))
    problems: list[tuple[str, Locator]] = []
    text = data.pop("_value", None)
    if text is not None and model.text is None:
        problems.append((f"<{path}> has text but {model.name} declares none", locator))
    elif text is not None and not _converts(model.text or "str", text):
        problems.append((f"<{path}> text {text!r} is not a {model.text}", locator))
    attributes = {a.name: a for a in model.attributes}
    children = {c.tag: c for c in model.children}
    for key, item in data.items():
        here = (*locator, key)
        if key in children:
            problems.extend(_match_element(children[key], item, f"{path}/{key}", here))
        elif key in attributes:
            if isinstance(item, (dict, list)):
                problems.append((f"<{path}/{key}> is an element but {model.name} declares an attribute {key}", here))
            elif not _converts(attributes[key].kind, item):
                problems.append((f"<{path}> attribute {key}={item!r} is not a {attributes[key].kind}", here))
        elif model.attribute_map and not isinstance(item, (dict, list)):
            continue
        else:
            problems.append((f"<{path}> has {key!r}, which {model.name} does not declare", here))
    problems += [
        (f"<{path}> lacks {field}, which {model.name} says every reply has (required: true)", locator)
        for field in [a.name for a in model.attributes if a.required] + [c.tag for c in model.children if c.required]
        if field not in data
    ]
    return problems


def _converts(kind: str, value: Any) -> bool:
    if value == "" or kind == "str":
        return True
    return coerce.CONVERTERS[kind](value) is not None


def _pagination(loader: Loader, source: SourceFile, method: Method) -> None:
    paging = method.pagination
    if paging is None:
        return
    names = {p.name for p in method.params}
    for param in (paging.page, paging.per_page):
        if param not in names:
            loader.problem(source, ("pagination",), f"a paginated method needs a {param!r} parameter")
    per_page = next((p for p in method.params if p.name == paging.per_page), None)
    if per_page is not None and per_page.maximum is None:
        loader.problem(source, ("pagination",), f"{paging.per_page!r} needs a maximum: the iterator asks for it")
    path = paging.container.split(".")
    chain = paging.chain(method.response)
    container = paging.container_model(method.response)
    if container is None:
        missing = path[len(chain)]
        where = f"<{path[len(chain) - 1]}>" if chain else "the response"
        loader.problem(source, ("pagination", "container"), f"<{missing}> is not a single element of {where}")
        return
    attributes = {a.name for a in container.attributes}
    for needed in ("page", "pages", "total"):
        if needed not in attributes:
            loader.problem(
                source, ("pagination", "container"), f"<{paging.container}> must declare the attribute {needed!r}"
            )
    if paging.item_element(method.response) is None:
        loader.problem(
            source, ("pagination", "items"), f"<{paging.container}> must declare <{paging.items}> with list: true"
        )


def _namespaces(loader: Loader, spec: Spec, files: dict[str, SourceFile]) -> None:
    for root in spec.namespaces:
        for namespace in root.walk():
            taken = {child.attribute: f"the namespace {child.attribute}" for child in namespace.children}
            for method in namespace.methods:
                taken.setdefault(method.func_name, method.name)
            for method in namespace.methods:
                names = [method.func_name] + ([method.iter_name] if method.pagination else [])
                for name in names:
                    owner = taken.setdefault(name, method.name)
                    if owner != method.name:
                        loader.problem(
                            files[method.name],
                            ("name",),
                            f"{name!r} under {'.'.join(namespace.path)} is both {method.name} and {owner}",
                        )


def _fields(loader: Loader, model: ModelClass, files: dict[str, SourceFile]) -> None:
    seen: dict[str, str] = {}
    fields = [(a.field, f"attribute {a.name}") for a in model.attributes] + [
        (c.field, f"element <{c.tag}>") for c in model.children
    ]
    if model.text:
        fields.append(("value", "the text content"))
    if model.attribute_map:
        fields.append((model.attribute_map, "the attribute map"))
    for name, what in fields:
        if name in seen:
            origin = next((f for f in files.values() if f.path == model.origin), None) or next(iter(files.values()))
            loader.problem(origin, (), f"class {model.name}: {what} and {seen[name]} both become the field {name!r}")
        seen.setdefault(name, what)


def _module_names(loader: Loader, spec: Spec, files: dict[str, SourceFile]) -> None:
    """A service becomes a module of services/ and models/ and a client attribute: each name its own."""
    reported: set[str] = set()
    members = _client_members() | set(spec.service.reserved_names)
    for method in spec.methods:
        service = method.service
        if service in reported:
            continue
        if keyword.iskeyword(service) or keyword.issoftkeyword(service) or service in RESERVED_MODULES:
            why = "the module of the shared shapes" if service in RESERVED_MODULES else "a Python keyword"
            message = f"the service {service!r} would be a module named {service}, which is {why}; choose another name"
        elif service in members:
            message = f"the service {service!r} would hide the client's own {service!r}; choose another name"
        else:
            continue
        reported.add(service)
        loader.problem(files[method.name], ("name",), message)


@functools.cache
def _client_members() -> set[str]:
    """The public names of the runtime's BaseClient and its bases (methods, attributes, options).

    Read from the source, not imported: importing the client runtime would load requests into
    every generation.
    """
    return {name for name in _class_members(Path(runtime.__file__).with_name("core.py"), "BaseClient")}


def _class_members(module: Path, name: str) -> set[str]:
    """Methods, ``self.x`` attributes and ``__init__`` arguments of class ``name``, and of its bases
    imported from sibling modules."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    if found is None:
        return set()
    names: set[str] = set()
    for node in found.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
            if node.name == "__init__":
                names.update(arg.arg for arg in node.args.args + node.args.kwonlyargs)
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and isinstance(inner.ctx, ast.Store):
                names.add(inner.attr)
    sources = {
        alias.asname or alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        for alias in node.names
    }
    for base in found.bases:
        if isinstance(base, ast.Name):
            source = module.with_name(f"{sources[base.id]}.py") if base.id in sources else module
            names |= _class_members(source, base.id)
    return {member for member in names if not member.startswith("_")}


def _method_names(loader: Loader, spec: Spec, files: dict[str, SourceFile]) -> set[str]:
    """Two methods must not share the Python names made from theirs (``doc.tags.add`` and ``doc.tagsAdd``).

    Gives the methods reported, whose error classes then clash too and are not reported again.
    """
    seen: dict[str, str] = {}
    clashing: set[str] = set()
    for method in spec.methods:
        for name in (method.constant, camel(method.name)):
            owner = seen.setdefault(name, method.name)
            if owner != method.name:
                loader.problem(
                    files[method.name], ("name",), f"{method.name} and {owner} would both generate the name {name}"
                )
                clashing.add(method.name)
                break
    return clashing


def _class_names(loader: Loader, spec: Spec, files: dict[str, SourceFile], clashing: set[str]) -> None:
    """Every generated exception and model class name is defined once in its module."""
    owners: dict[str, str] = {c.class_name: "an error category" for c in spec.categories}
    for common in spec.errors:
        owners.setdefault(common.name, f"common error {common.code}")
    for method in spec.methods:
        if method.errors:
            owners.setdefault(method.error_base, f"the error base of {method.name}")
    for method in spec.methods:
        if method.name in clashing:
            continue
        for index, error in enumerate(method.errors):
            owner = owners.setdefault(error.class_name, f"error {error.code} of {method.name}")
            if not owner.startswith("error ") or not owner.endswith(f" of {method.name}"):
                loader.problem(
                    files[method.name],
                    ("errors", index),
                    f"error {error.code} would be the class {error.class_name}, which is already {owner}",
                )
