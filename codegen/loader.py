"""Loading spec/: every file parsed, validated against the JSON Schema, and built into a Spec.

Problems are collected across all files and raised together in one SpecError, each with its
file, line and field, so that one run shows everything to fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from . import checks
from .model import (
    Attribute,
    Category,
    CommonError,
    Element,
    EnumValue,
    Example,
    Method,
    MethodError,
    ModelClass,
    Namespace,
    Pagination,
    Param,
    Protocol,
    Response,
    Service,
    Spec,
)
from .naming import camel
from .problems import Problem, SpecError
from .yamlfile import SourceFile, YamlFileError, load

SCHEMA_PATH = Path("schema") / "spec.schema.json"


def _field_path(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Loader:
    """Reads one spec directory; ``load()`` gives a Spec or raises SpecError."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.files: list[SourceFile] = []
        self.models: dict[str, ModelClass] = {}
        self.model_files: dict[str, tuple[SourceFile, tuple[str | int, ...]]] = {}
        self.shape_data: dict[str, Any] = {}
        self.shape_file: SourceFile | None = None
        self.building: set[str] = set()
        self.validators: dict[str, jsonschema.Draft202012Validator] = {}
        # Per file, the parts (paths) that failed the schema; () is the whole file.
        self.failed: dict[str, set[tuple[str | int, ...]]] = {}
        # The shapes that failed the schema are left out silently: their problems are reported.
        self.shapes_failed = False
        self.failed_shapes: set[str] = set()
        # Set while a method is built when it uses a shape that failed: its examples are not checked.
        self.incomplete = False
        schema_file = root / SCHEMA_PATH
        try:
            self.schema = json.loads(schema_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SpecError([Problem(self._display(schema_file), 0, "", f"cannot read the schema: {exc}")]) from None

    def _validator(self, kind: str) -> jsonschema.Draft202012Validator:
        if kind not in self.validators:
            self.validators[kind] = jsonschema.Draft202012Validator({**self.schema, "$ref": f"#/$defs/{kind}"})
        return self.validators[kind]

    def _display(self, path: Path) -> str:
        return "spec/" + path.relative_to(self.root).as_posix()

    def problem(self, source: SourceFile, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(source.path, source.line(where), _field_path(where), message))

    def problem_at(self, source: SourceFile, line: int, where: tuple[str | int, ...], message: str) -> None:
        """A problem on a given line of the value at ``where``: an example's offending line."""
        self.problems.append(Problem(source.path, line, _field_path(where), message))

    def _read(self, path: Path, kind: str) -> SourceFile | None:
        """The parsed file, or None when it does not parse; its parts that fail the schema go to ``failed``."""
        display = self._display(path)
        try:
            source = load(path, display)
        except YamlFileError as exc:
            self.problems.append(Problem(display, exc.line, "", exc.message))
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(display, 0, "", f"cannot read: {exc}"))
            return None
        self.problems.extend(Problem(display, line, "", message) for line, message in source.problems)
        validator = self._validator(kind)
        errors = sorted(validator.iter_errors(source.data), key=lambda e: list(map(str, e.absolute_path)))
        failed: set[tuple[str | int, ...]] = set()
        for error in errors:
            self.problem(source, tuple(error.absolute_path), _schema_message(error))
            failed |= _failed_parts(kind, error)
        self.files.append(source)
        self.failed[display] = failed
        return None if () in failed else source

    def _passed_shapes(self, source: SourceFile) -> dict[str, Any]:
        """The shapes that passed the schema; the others are remembered, so that using one is no new problem."""
        failed = self.failed.get(source.path, set())
        shapes = source.data.get("shapes")
        if ("shapes",) in failed or not isinstance(shapes, dict):
            self.shapes_failed = True
            return {}
        self.failed_shapes = {str(part[1]) for part in failed if len(part) > 1}
        return {name: data for name, data in shapes.items() if name not in self.failed_shapes}

    def failed_parts(self, source: SourceFile) -> set[str]:
        """The top-level fields of ``source`` that failed the schema: checks on them are left out."""
        return {str(part[0]) for part in self.failed.get(source.path, set()) if part}

    def load(self) -> Spec:
        """The whole spec; schema problems and the checks of every part that passed are reported together."""
        service = self._read(self.root / "service.yaml", "service")
        errors_file = self._read(self.root / "errors.yaml", "errors")
        shapes_path = self.root / "shapes.yaml"
        shapes_file = self._read(shapes_path, "shapes") if shapes_path.exists() else None
        method_paths = sorted((self.root / "methods").glob("*.yaml"))
        if not method_paths:
            self.problems.append(Problem("spec/methods", 0, "", "no method files"))
        method_files = [self._read(path, "method") for path in method_paths]
        if service is None or self.failed_parts(service):
            raise SpecError(self.problems)
        categories, common = self._errors(errors_file) if errors_file is not None else ([], [])
        if shapes_file is not None:
            self.shape_file = shapes_file
            self.shape_data = self._passed_shapes(shapes_file)
            for name in self.shape_data:
                self._shape(shapes_file, ("shapes", name), name)
        elif shapes_path.exists():
            self.shapes_failed = True
        pairs: list[tuple[Method, SourceFile]] = []
        for source in method_files:
            if source is None or "name" in self.failed_parts(source):
                continue
            self.incomplete = False
            method = self._method(_placeholders(source, self.failed_parts(source)))
            if self.incomplete:
                self.failed[source.path].add(("response",))
            pairs.append((method, source))
        methods = [method for method, _ in pairs]
        spec = Spec(
            service=_service(service.data),
            categories=categories,
            errors=common,
            shapes={name: self.models[name] for name in self.shape_data if name in self.models},
            methods=methods,
            models=self._modules(methods),
            namespaces=_namespaces(methods),
        )
        checks.run(self, spec, {method.name: source for method, source in pairs})
        if self.problems:
            raise SpecError(self.problems)
        return spec

    def _errors(self, source: SourceFile) -> tuple[list[Category], list[CommonError]]:
        data = source.data
        failed = self.failed_parts(source)
        if "categories" in failed:
            return [], []
        categories = {
            key: Category(key, value["class"], value["description"]) for key, value in data["categories"].items()
        }
        common: list[CommonError] = []
        for index, entry in enumerate([] if "errors" in failed else data["errors"]):
            category = categories.get(entry["category"])
            if category is None:
                self.problem(
                    source,
                    ("errors", index, "category"),
                    f"unknown category {entry['category']!r}; known: {', '.join(sorted(categories))}",
                )
                continue
            common.append(
                CommonError(
                    entry["code"], entry["name"], category, entry["retryable"], entry["label"], entry["message"]
                )
            )
        return list(categories.values()), common

    def _model(
        self, source: SourceFile, where: tuple[str | int, ...], data: dict[str, Any], name: str, module: str
    ) -> ModelClass:
        """An inline element or shape as a ModelClass, registered by name."""
        model = ModelClass(
            name=name,
            module=module,
            description=data.get("description", ""),
            text=data.get("text"),
            origin=source.path,
            attribute_map=data.get("attribute_map"),
        )
        for attr, spec in (data.get("attributes") or {}).items():
            if isinstance(spec, str):
                model.attributes.append(Attribute(attr, spec))
            else:
                model.attributes.append(
                    Attribute(attr, spec["type"], spec.get("description", ""), bool(spec.get("required")))
                )
        for tag, child in (data.get("children") or {}).items():
            model.children.append(self._element(source, (*where, "children", tag), tag, child, name, module))
        existing = self.models.get(name)
        if existing is not None and existing is not model:
            if existing.signature() != model.signature():
                first_source, first_where = self.model_files[name]
                self.problem(
                    source,
                    where,
                    f"class {name} is defined differently at {first_source.path}:{first_source.line(first_where)}",
                )
            return existing
        self.models[name] = model
        self.model_files[name] = (source, where)
        return model

    def _element(
        self, source: SourceFile, where: tuple[str | int, ...], tag: str, data: dict[str, Any], parent: str, module: str
    ) -> Element:
        element = Element(
            tag=tag,
            repeated=bool(data.get("list")),
            description=data.get("description", ""),
            required=bool(data.get("required")),
            secret=bool(data.get("secret")),
        )
        if "shape" in data:
            element.model = self._shape(source, (*where, "shape"), data["shape"])
        elif "type" in data:
            element.scalar = data["type"]
        else:
            element.model = self._model(source, where, data, data.get("class") or parent + camel(tag), module)
        if not element.description and element.model is not None:
            element.description = element.model.description
        return element

    def _shape(self, source: SourceFile, where: tuple[str | int, ...], name: str) -> ModelClass:
        model = self.models.get(name)
        if model is None and (self.shapes_failed or name in self.failed_shapes):
            self.incomplete = True
            return ModelClass(name, "shapes", "")
        if model is None and name in self.shape_data and self.shape_file is not None:
            if name in self.building:
                self.problem(source, where, f"shape {name} contains itself")
                return ModelClass(name, "shapes", "")
            self.building.add(name)
            model = self._model(self.shape_file, ("shapes", name), self.shape_data[name], name, "shapes")
            self.building.discard(name)
        if model is None or model.module != "shapes":
            self.incomplete = True
            self.problem(source, where, f"unknown shape {name!r}; define it in spec/shapes.yaml")
            return ModelClass(name, "shapes", "")
        return model

    def _method(self, source: SourceFile) -> Method:
        data = source.data
        name = data["name"]
        service = name.split(".")[0]
        elements = [
            self._element(source, ("response", tag), tag, element, camel(name), service)
            for tag, element in (data.get("response") or {}).items()
        ]
        result = None
        if len(elements) > 1:
            result = ModelClass(
                camel(name) + "Result", service, f"The reply of {name}.", children=elements, origin=source.path
            )
            self.models.setdefault(result.name, result)
        method = Method(
            name=name,
            summary=data["summary"],
            description=data.get("description", ""),
            doc_url=data["doc_url"],
            source=data["source"],
            unverified=data.get("unverified", ""),
            post=data["http"] == "post",
            safety=bool(data.get("safety")),
            sign=data["auth"]["sign"],
            token=data["auth"]["token"],
            permissions=dict(data["auth"]["permissions"]),
            params=[_param(p) for p in data["parameters"]],
            errors=[
                MethodError(
                    code=e["code"],
                    label=e["label"],
                    message=e["message"],
                    name=e["name"],
                    class_name=camel(name) + e["name"] + "Error",
                    truncated=bool(e.get("truncated")),
                )
                for e in data["errors"]
            ],
            errors_known=data.get("errors_known", True),
            response=Response(elements, result),
            examples=[Example(e["format"], e["body"], e.get("note", "")) for e in data["examples"]],
            notes=list(data.get("notes", [])),
            decisions=list(data.get("decisions", [])),
            changelog=list(data.get("changelog", [])),
            pagination=Pagination(**data["pagination"]) if data.get("pagination") else None,
            file=source.path,
        )
        expected = f"{name}.yaml"
        if not source.path.endswith("/" + expected):
            self.problem(source, ("name",), f"method {name!r} must be in a file named {expected}")
        return method

    def _modules(self, methods: list[Method]) -> dict[str, list[ModelClass]]:
        modules: dict[str, list[ModelClass]] = {method.service: [] for method in methods}
        for model in self.models.values():
            modules.setdefault(model.module, []).append(model)
        return {module: _ordered(models) for module, models in sorted(modules.items())}


def _service(data: dict[str, Any]) -> Service:
    protocols = {name: Protocol(**fields) for name, fields in data["protocols"].items()}
    return Service(
        name=data["name"],
        title=data["title"],
        docs_url=data["docs_url"],
        base_url=data["base_url"],
        authorize_url=data["authorize_url"],
        rest=protocols["rest"],
        soap=protocols["soap"],
        xmlrpc=protocols["xmlrpc"],
        protocols=tuple(protocols),
        formats=tuple(data["formats"]["values"]),
        client_formats=tuple(data["formats"]["client"]),
        signing_excluded=tuple(data["signing"]["excluded"]),
        key_param=data["auth_parameters"]["key"],
        token_param=data["auth_parameters"]["token"],
        signature_param=data["auth_parameters"]["signature"],
        permission_scopes=dict(data["permissions"]["scopes"]),
        permission_levels=tuple(data["permissions"]["levels"]),
        reserved_names=tuple(data["reserved_names"]),
    )


def _param(data: dict[str, Any]) -> Param:
    values = [
        EnumValue(v["value"], v["description"]) if isinstance(v, dict) else EnumValue(v) for v in data.get("values", [])
    ]
    return Param(
        name=data["name"],
        type=data["type"],
        description=data["description"],
        required=data.get("required", False),
        items=data.get("items"),
        values=values,
        max_items=data.get("max_items"),
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
        default=data.get("default"),
        signed=data.get("signed", True),
        source=data.get("source"),
    )


def _ordered(models: list[ModelClass]) -> list[ModelClass]:
    """Dependencies before dependents, otherwise by name: stable output."""
    done: dict[str, ModelClass] = {}
    names = {m.name for m in models}

    def visit(model: ModelClass) -> None:
        if model.name in done:
            return
        done[model.name] = model
        for dep in sorted(model.dependencies(), key=lambda m: m.name):
            if dep.name in names and dep.name not in done:
                del done[model.name]
                visit(dep)
                done[model.name] = model

    for model in sorted(models, key=lambda m: m.name):
        visit(model)
    return list(done.values())


def _namespaces(methods: list[Method]) -> list[Namespace]:
    roots: dict[tuple[str, ...], Namespace] = {}
    for method in sorted(methods, key=lambda m: m.name):
        path = method.namespace
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in roots:
                roots[prefix] = Namespace(prefix)
                if depth > 1:
                    roots[prefix[:-1]].children.append(roots[prefix])
        roots[path].methods.append(method)
    return [ns for key, ns in sorted(roots.items()) if len(key) == 1]


def _failed_parts(kind: str, error: jsonschema.ValidationError) -> set[tuple[str | int, ...]]:
    """The part of a file a schema error spoils: a top-level field (for shapes, one shape), or the whole file."""
    path = tuple(error.absolute_path)
    if not path:
        if error.validator == "additionalProperties":
            return set()
        if error.validator == "required" and isinstance(error.instance, dict):
            required: list[str] = error.validator_value  # type: ignore[assignment]
            return {(key,) for key in required if key not in error.instance}
        return {()}
    return {path[:2] if kind == "shapes" and path[0] == "shapes" and len(path) > 1 else path[:1]}


# What a method's failed part becomes, so that the checks of the other parts can run.
PLACEHOLDERS: dict[str, Any] = {
    "summary": "",
    "description": "",
    "doc_url": "",
    "source": "inferred",
    "unverified": "",
    "http": "post",
    "safety": False,
    "auth": {"sign": True, "token": False, "permissions": {}},
    "parameters": [],
    "errors": [],
    "errors_known": True,
    "response": {},
    "examples": [],
    "notes": [],
    "decisions": [],
    "changelog": [],
}


def _placeholders(source: SourceFile, failed: set[str]) -> SourceFile:
    """``source`` with each failed part replaced by its placeholder; the file itself is left alone."""
    if not failed:
        return source
    data = dict(source.data)
    for part in failed:
        if part == "pagination":
            data.pop(part, None)
        elif part in PLACEHOLDERS:
            data[part] = PLACEHOLDERS[part]
    return SourceFile(source.path, data, source.lines, source.blocks)


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {error.validator_value}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "oneOf" and isinstance(error.instance, (str, int)):
        return f"{error.instance!r} is not a valid value here"
    if error.validator == "not":
        return (
            "these fields cannot be used together: " + ", ".join(sorted(error.instance))
            if isinstance(error.instance, dict)
            else error.message
        )
    return error.message


def load_spec(root: Path) -> Spec:
    """Load and check the spec directory ``root``."""
    return Loader(root).load()
