"""Checks across files, run after every file has passed its schema.

The schema sees one file at a time; these rules need the whole spec: codes that collide with
the common table, reserved names, examples that must match their response schema, paging.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lxml import etree

from ipernity_client._runtime import coerce, xmltree

from .model import Element, Method, ModelClass, Spec
from .yamlfile import SourceFile

if TYPE_CHECKING:
    from .loader import Loader

NUMERIC = {"int", "float", "timestamp"}


def run(loader: Loader, spec: Spec, files: dict[str, SourceFile]) -> None:
    _common_table(loader, spec)
    reserved = set(spec.service.reserved_names)
    common_codes = {error.code for error in spec.errors}
    scopes = set(spec.service.permission_scopes)
    for method in spec.methods:
        source = files[method.name]
        _params(loader, source, method, reserved)
        _errors(loader, source, method, common_codes)
        _auth(loader, source, method, scopes)
        _examples(loader, source, method)
        _pagination(loader, source, method)
    _namespaces(loader, spec, files)
    for models in spec.models.values():
        for model in models:
            _fields(loader, model, files)


def _common_table(loader: Loader, spec: Spec) -> None:
    source = next(f for f in loader.files if f.path.endswith("errors.yaml"))
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
            p.name for p in method.params if p is not param
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


def _errors(loader: Loader, source: SourceFile, method: Method, common: set[int]) -> None:
    seen: set[int] = set()
    for index, error in enumerate(method.errors):
        where = ("errors", index, "code")
        if error.code in common:
            loader.problem(source, where, f"code {error.code} collides with a common error code")
        if error.code in seen:
            loader.problem(source, where, f"code {error.code} is listed twice")
        seen.add(error.code)
        if error.label is None and error.message is None:
            loader.problem(source, ("errors", index), "an error needs a label or a message")


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


def _examples(loader: Loader, source: SourceFile, method: Method) -> None:
    for index, example in enumerate(method.examples):
        where = ("examples", index, "body")
        try:
            raw = _example_raw(example.format, example.body)
        except ValueError as exc:
            loader.problem(source, where, f"the {example.format} example does not parse: {exc}")
            continue
        declared = {element.tag: element for element in method.response.elements}
        for tag, value in raw.items():
            element = declared.get(tag)
            if element is None:
                loader.problem(source, where, f"<{tag}> is not declared in the response")
                continue
            for message in _match_element(element, value, tag):
                loader.problem(source, where, message)


def _example_raw(fmt: str, body: str) -> dict[str, Any]:
    if fmt == "json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        data.pop("api", None)
        return data
    try:
        root = xmltree.parse(f"<api>{body}</api>")
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from None
    raw = xmltree.to_raw(root)
    return raw if isinstance(raw, dict) else {}


def _match_element(element: Element, value: Any, path: str) -> list[str]:
    values = coerce.items(value) if element.repeated else [value]
    if not element.repeated and isinstance(value, list):
        return [f"<{path}> is repeated but not declared with list: true"]
    problems: list[str] = []
    for item in values:
        if element.model is not None:
            problems.extend(_match_model(element.model, item, path))
        elif isinstance(item, (dict, list)):
            problems.append(f"<{path}> is declared as a {element.scalar} text element but has attributes or children")
        elif not _converts(element.scalar or "str", item):
            problems.append(f"<{path}> text {item!r} is not a {element.scalar}")
    return problems


def _match_model(model: ModelClass, value: Any, path: str) -> list[str]:
    data = dict(coerce.mapping(value))
    problems: list[str] = []
    text = data.pop("_value", None)
    if text is not None and model.text is None:
        problems.append(f"<{path}> has text but {model.name} declares none")
    elif text is not None and not _converts(model.text or "str", text):
        problems.append(f"<{path}> text {text!r} is not a {model.text}")
    attributes = {a.name: a for a in model.attributes}
    children = {c.tag: c for c in model.children}
    for key, item in data.items():
        if key in children:
            problems.extend(_match_element(children[key], item, f"{path}/{key}"))
        elif key in attributes:
            if isinstance(item, (dict, list)):
                problems.append(f"<{path}/{key}> is an element but {model.name} declares an attribute {key}")
            elif not _converts(attributes[key].kind, item):
                problems.append(f"<{path}> attribute {key}={item!r} is not a {attributes[key].kind}")
        elif model.attribute_map and not isinstance(item, (dict, list)):
            continue
        else:
            problems.append(f"<{path}> has {key!r}, which {model.name} does not declare")
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
