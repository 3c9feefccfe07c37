"""Rendering the spec into files, writing them, and telling when generated/ is stale.

All output is computed in memory first (path → text), so ``check`` compares without writing
and ``generate`` writes only what changed and removes what is no longer produced.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import jinja2

from .model import Method, ModelClass, Spec

VERSION = "0.1.0"
TEMPLATES = Path(__file__).parent / "templates"
# Hand-written modules copied verbatim into the package: codegen/<dir> → ipernity/<subpackage>.
STATIC = {"runtime": "_runtime", "testing": "testing"}
PACKAGE = "ipernity"
IGNORED = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
WIDTH = 100


def _pyrepr(value: Any) -> str:
    if isinstance(value, str):
        text = value.replace("\\", "\\\\").replace("\n", "\\n")
        if text.count('"') > text.count("'"):
            return "'" + text.replace("'", "\\'") + "'"
        return '"' + text.replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return _pytuple(value)
    return repr(value)


def _pytuple(values: Any) -> str:
    items = [_pyrepr(v) for v in values]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def _docline(text: str) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace('"""', "'''")


def _mdcell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _model_ref(annotation: str) -> str:
    return re.sub(r"\b(?!None\b)([A-Z]\w*)", r"models.\1", annotation)


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap one paragraph; leading spaces of ``text`` are kept as the first line's indent."""
    first = text[: len(text) - len(text.lstrip())]
    return textwrap.wrap(_docline(text), width=width, initial_indent=first, subsequent_indent=indent) or [""]


def _param_line(param: Any) -> str:
    """One keyword parameter of a signature, split before ``| None`` as ruff does when too long."""
    default = "" if param.required else " = None"
    line = f"        {param.py_name}: {param.annotation}{default},"
    if len(line) <= 120 or param.required:
        return line
    return line.replace(" | None = None,", "\n        | None = None,")


def model_doc(model: ModelClass) -> list[str]:
    lines = _wrap(model.description or f"The <{model.name}> element.", WIDTH)
    fields = [(a.field, a.description) for a in model.attributes if a.description]
    fields += [(c.field, c.description) for c in model.children if c.description and c.model is None]
    if model.attribute_map:
        fields.append((model.attribute_map, "Every attribute that no field declares, by its name, as text."))
    if fields:
        lines += ["", "Attributes:"]
        for name, description in fields:
            lines += _wrap(f"    {name}: {description}", WIDTH, " " * 8)
    return lines


def method_doc(method: Method) -> list[str]:
    lines = _wrap(method.summary, WIDTH - 4)
    if method.unverified:
        lines += [""] + _wrap(f"Unverified: {method.unverified}", WIDTH - 4)
    lines += ["", *_wrap(f"ipernity method {method.name}: {method.http_text}; {method.auth_text}.", WIDTH - 4)]
    if method.params:
        lines += ["", "Args:"]
        for param in method.params:
            extra = f" ({param.constraints})" if param.constraints else ""
            lines += _wrap(f"    {param.py_name}: {param.description}{extra}", WIDTH - 4, " " * 8)
    lines += ["", "Returns:"]
    lines += _wrap(
        f"    {method.response.annotation}" + (f": {_response_doc(method)}" if _response_doc(method) else ""),
        WIDTH - 4,
        " " * 8,
    )
    lines += ["", "Raises:"]
    if method.errors:
        lines += _wrap(
            f"    {method.error_base}: the method's own errors, codes {', '.join(str(e.code) for e in method.errors)}.",
            WIDTH - 4,
            " " * 8,
        )
    lines += [
        "    ApiError: any common error (see ipernity.errors).",
        "    ValidationError: bad parameters, found before sending.",
    ]
    lines += ["", f"See {method.doc_url}"]
    return lines


def iter_doc(method: Method) -> list[str]:
    """The iterator's docstring: what it walks, how, and the parameters it passes on."""
    assert method.pagination is not None
    paging = method.pagination
    per_page = next(p for p in method.params if p.name == paging.per_page)
    lines = _wrap(f"Every {paging.items} of {method.name}, page after page.", WIDTH - 4)
    lines += [""] + _wrap(
        f"Lazy: one {method.name} call per page, made as the loop reaches it; nothing is checked or sent "
        "before the first item is asked for. The page size defaults to the API's maximum and never exceeds "
        "it; the walk stops after the last page, on an empty page, a page without the list, a short page "
        "when the reply has no page count, or a reply for another page than the one asked for.",
        WIDTH - 4,
    )
    params = method.iter_params
    if params:
        lines += ["", "Args:"]
        for param in params:
            extra = f" ({param.constraints})" if param.constraints else ""
            text = f"    {param.py_name}: {param.description}{extra}"
            if param is per_page:
                text = f"    {param.py_name}: Items per call (1 to {per_page.maximum:g}; default {per_page.maximum:g})."
            lines += _wrap(text, WIDTH - 4, " " * 8)
    lines += ["", "Yields:"]
    lines += _wrap(f"    {method.item_annotation}: one {paging.items} at a time.", WIDTH - 4, " " * 8)
    lines += ["", "Raises:", f"    The exceptions of {method.python_path}, when a page is fetched."]
    return lines


def _response_doc(method: Method) -> str:
    if method.response.kind == "single":
        return method.response.elements[0].description
    return ""


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        isorted=lambda names: sorted(names, key=str.lower),
        rstrip=str.rstrip,
        pyrepr=_pyrepr,
        pytuple=_pytuple,
        docline=_docline,
        mdcell=_mdcell,
        model_ref=_model_ref,
        tuple=tuple,
    )
    env.globals.update(model_doc=model_doc, method_doc=method_doc, iter_doc=iter_doc, param_line=_param_line)
    return env


def _model_imports(models: list[ModelClass], methods: list[Method], module: str) -> list[str]:
    used: set[str] = set()
    for model in models:
        used.update(dep.name for dep in model.dependencies())
    for method in methods:
        used.update(e.model.name for e in method.response.elements if e.model is not None)
        item = method.pagination.item_element(method.response) if method.pagination else None
        if item is not None and item.model is not None:
            used.add(item.model.name)
    local = {m.name for m in models}
    return sorted((name for name in used if name not in local), key=str.lower) if module != "shapes" else []


def _fix_runtime_imports(text: str, names: set[str]) -> str:
    """Drop the names a module imports from coerce but does not use (keeps ruff clean)."""
    match = re.search(r"^from \.\._runtime\.coerce import (.+)$", text, re.M)
    if not match:
        return text
    body = text[match.end() :]
    keep = [name for name in match.group(1).split(", ") if re.search(rf"\b{name}\b", body)]
    return text[: match.start()] + f"from .._runtime.coerce import {', '.join(keep)}" + body


def _models_module(env: jinja2.Environment, spec: Spec, module: str, models: list[ModelClass]) -> str:
    methods = [m for m in spec.methods if m.service == module]
    imports = _model_imports(models, methods, module)
    sources = "spec/shapes.yaml" if module == "shapes" else f"spec/methods/{module}.*.yaml"
    title = "Reply elements shared by several methods." if module == "shapes" else f"Models of the {module}.* replies."
    text = env.get_template("models.py.jinja").render(
        sources=sources, title=title, models=models, methods=methods, imports=imports
    )
    if imports:
        text = text.replace("__all__ = [\n", "__all__ = [\n" + "".join(f'    "{name}",\n' for name in imports), 1)
    return _fix_runtime_imports(text, set())


def _service_module(env: jinja2.Environment, spec: Spec, namespace: Any) -> str:
    methods = [m for ns in namespace.walk() for m in ns.methods]
    params = [p for m in methods for p in m.params]
    kinds = {p.type for p in params} | {p.items for p in params if p.items}
    return env.get_template("service.py.jinja").render(
        sources=f"spec/methods/{namespace.path[0]}.*.yaml",
        service=namespace.path[0],
        namespaces=namespace.walk(),
        needs_sequence=any(p.type == "list" for p in params),
        needs_datetime="timestamp" in kinds,
        needs_literal="enum" in kinds,
        needs_file="file" in kinds,
        needs_client=bool(namespace.children),
        needs_iterator=any(m.pagination for m in methods),
    )


def _static_file(path: Path) -> str:
    source = path.relative_to(Path(__file__).parent.parent).as_posix()
    header = f"# Generated by codegen from {source}; do not edit.\n"
    header += "# Change the spec (or codegen/) and run `python -m codegen generate` instead.\n"
    return header + path.read_text(encoding="utf-8")


def outputs(spec: Spec) -> dict[str, str]:
    """Every generated file: path relative to the output directory → content."""
    env = environment()
    pkg = PACKAGE
    files: dict[str, str] = {
        f"{pkg}/__init__.py": env.get_template("init.py.jinja").render(version=VERSION),
        f"{pkg}/py.typed": "",
        f"{pkg}/_service.py": env.get_template("service_constants.py.jinja").render(service=spec.service.data),
        f"{pkg}/errors.py": env.get_template("errors.py.jinja").render(spec=spec, **_error_names(spec)),
        f"{pkg}/_method_errors.py": env.get_template("method_errors.py.jinja").render(
            methods_with_errors=[m for m in spec.methods if m.errors]
        ),
        f"{pkg}/operations.py": env.get_template("operations.py.jinja").render(spec=spec),
        f"{pkg}/client.py": env.get_template("client.py.jinja").render(spec=spec),
        f"{pkg}/models/__init__.py": env.get_template("models_init.py.jinja").render(spec=spec),
        f"{pkg}/services/__init__.py": (
            "# Generated by codegen from spec/methods/*.yaml; do not edit.\n"
            '"""One module per service; the client imports each on first use."""\n'
        ),
        f"{pkg}/ipernity.wsdl": env.get_template("ipernity.wsdl.jinja").render(spec=spec),
        "docs/index.md": env.get_template("docs/index.md.jinja").render(spec=spec),
        "docs/errors.md": env.get_template("docs/errors.md.jinja").render(spec=spec),
    }
    for directory, subpackage in STATIC.items():
        root = Path(__file__).parent / directory
        for path in sorted(root.rglob("*.py")) if root.exists() else []:
            relative = path.relative_to(root).as_posix()
            if "__pycache__" not in relative:
                files[f"{pkg}/{subpackage}/{relative}"] = _static_file(path)
    for module, models in spec.models.items():
        files[f"{pkg}/models/{module}.py"] = _models_module(env, spec, module, models)
    for namespace in spec.namespaces:
        files[f"{pkg}/services/{namespace.path[0]}.py"] = _service_module(env, spec, namespace)
    for method in spec.methods:
        files[f"docs/methods/{method.name}.md"] = env.get_template("docs/method.md.jinja").render(method=method)
    return files


def _error_names(spec: Spec) -> dict[str, list[str]]:
    """The names ipernity.errors exports: its own classes and the lazily loaded method errors."""
    method_names = [m.error_base for m in spec.methods if m.errors]
    method_names += [e.class_name for m in spec.methods for e in m.errors]
    own = ["IpernityError", "ValidationError", "TransportError", "ConnectionFailedError", "RequestTimeoutError"]
    own += ["InvalidResponseError", "ApiError", "UnknownApiError", "MethodError", "COMMON_ERRORS", "error_for"]
    own += [c.class_name for c in spec.categories] + [e.name for e in spec.errors]
    return {"method_error_names": method_names, "all_error_names": own + method_names + ["METHOD_ERRORS"]}


def _existing(out: Path) -> set[str]:
    if not out.exists():
        return set()
    found = set()
    for path in out.rglob("*"):
        if path.is_file() and not (IGNORED & set(path.relative_to(out).parts)) and ".egg-info" not in str(path):
            found.add(path.relative_to(out).as_posix())
    return found


def check(spec: Spec, out: Path) -> list[str]:
    """What differs between ``out`` and a fresh generation: one line per file."""
    wanted = outputs(spec)
    existing = _existing(out)
    differences = [f"stale file (no longer generated): {path}" for path in sorted(existing - set(wanted))]
    for path, text in sorted(wanted.items()):
        target = out / path
        if path not in existing:
            differences.append(f"missing: {path}")
        elif target.read_text(encoding="utf-8") != text:
            differences.append(f"differs: {path}")
    return differences


def generate(spec: Spec, out: Path) -> tuple[int, int]:
    """Write every file that changed and remove stale ones; returns (written, removed)."""
    wanted = outputs(spec)
    written = 0
    for path, text in wanted.items():
        target = out / path
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written += 1
    removed = 0
    for path in sorted(_existing(out) - set(wanted)):
        (out / path).unlink()
        removed += 1
    for directory in sorted((d for d in out.rglob("*") if d.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    return written, removed
