"""What the generator writes: every output file's path and text, computed in memory.

Paths are relative to the repository root: the generated modules go into the package beside
its hand-written runtime and simulator, the reference docs into ``generated/docs``.
"""

from __future__ import annotations

import jinja2

from .docpages import DocPages
from .environment import environment
from .formatting import format_python
from .model import Method, ModelClass, Namespace, Spec

PACKAGE = "src/ipernity_client"
DOCS = "generated/docs"
# Inside the package, what is written by hand and never touched by the generator.
HAND_WRITTEN = (f"{PACKAGE}/_runtime/", f"{PACKAGE}/_simulator/", f"{PACKAGE}/_cli/")
# Hand-written runtime modules users import by a public name: name → summary line. Each must
# exist as ``_runtime/<name>.py`` with an ``__all__``; the generator writes the public module.
PUBLIC_RUNTIME_MODULES: dict[str, str] = {
    "auth": "Tokens, the member they act for, and the login flows' own error.",
    "credentials": "Tokens kept between runs, per api_key: a private file or the system keyring.",
    "bulk": "Bulk jobs on one client: upload a folder (upload_tree) and back up an account (backup).",
    "uploads": "Upload progress and the errors of upload tickets that failed or did not finish in time.",
}


def _model_imports(models: list[ModelClass], methods: list[Method], module: str) -> list[str]:
    """The shared shapes a models module uses, imported from ``shapes``."""
    if module == "shapes":
        return []
    used: set[str] = set()
    for model in models:
        used.update(dep.name for dep in model.dependencies())
    for method in methods:
        used.update(e.model.name for e in method.response.elements if e.model is not None)
        item = method.pagination.item_element(method.response) if method.pagination else None
        if item is not None and item.model is not None:
            used.add(item.model.name)
    local = {m.name for m in models}
    return sorted((name for name in used if name not in local), key=str.lower)


def _models_module(env: jinja2.Environment, spec: Spec, module: str, models: list[ModelClass]) -> str:
    methods = [m for m in spec.methods if m.service == module]
    sources = "spec/shapes.yaml" if module == "shapes" else f"spec/methods/{module}.*.yaml"
    title = "Reply elements shared by several methods." if module == "shapes" else f"Models of the {module}.* replies."
    return env.get_template("models.py.jinja").render(
        sources=sources, title=title, models=models, methods=methods, imports=_model_imports(models, methods, module)
    )


def _service_module(env: jinja2.Environment, namespace: Namespace) -> str:
    return env.get_template("service.py.jinja").render(
        sources=f"spec/methods/{namespace.path[0]}.*.yaml", service=namespace.path[0], namespaces=namespace.walk()
    )


def _error_names(spec: Spec) -> dict[str, list[str]]:
    """The names ipernity_client.errors exports: its own classes and the lazily loaded method errors."""
    method_names = [m.error_base for m in spec.methods if m.errors]
    method_names += [e.class_name for m in spec.methods for e in m.errors]
    own = ["IpernityError", "ValidationError", "TransportError", "ConnectionFailedError", "RequestTimeoutError"]
    own += ["InvalidResponseError", "ApiError", "UnknownApiError", "MethodError", "COMMON_ERRORS", "ERRORS"]
    own += ["RedirectError", "ReplyTooLargeError", "UnsafeReplyError"]
    own += ["error_for"] + [c.class_name for c in spec.categories] + [e.name for e in spec.errors]
    return {"method_error_names": method_names, "all_error_names": own + method_names + ["METHOD_ERRORS"]}


def _package(env: jinja2.Environment, spec: Spec) -> dict[str, str]:
    """The generated modules of the package, by path inside it."""
    render = env.get_template
    files = {
        "__init__.py": render("init.py.jinja").render(spec=spec),
        "py.typed": "",
        "_api.py": render("api.py.jinja").render(spec=spec),
        "errors.py": render("errors.py.jinja").render(spec=spec, **_error_names(spec)),
        "_method_errors.py": render("method_errors.py.jinja").render(
            methods_with_errors=[m for m in spec.methods if m.errors]
        ),
        "operations.py": render("operations.py.jinja").render(spec=spec),
        "_simulator_data.py": render("simulator_data.py.jinja").render(spec=spec),
        "client.py": render("client.py.jinja").render(spec=spec),
        "models/__init__.py": render("models_init.py.jinja").render(spec=spec),
        "services/__init__.py": render("services_init.py.jinja").render(),
        "testing/__init__.py": render("testing.py.jinja").render(spec=spec),
        "testing/__main__.py": render("testing_main.py.jinja").render(),
        "testing/demo.py": render("testing_demo.py.jinja").render(),
        "pytest_plugin.py": render("pytest_plugin.py.jinja").render(),
        "cli.py": render("cli.py.jinja").render(),
        "__main__.py": render("main.py.jinja").render(),
        "_method_docs.py": render("method_docs.py.jinja").render(spec=spec),
        "ipernity.wsdl": render("ipernity.wsdl.jinja").render(spec=spec),
    }
    for name, summary in PUBLIC_RUNTIME_MODULES.items():
        files[f"{name}.py"] = render("public_module.py.jinja").render(name=name, summary=summary)
    for module, models in spec.models.items():
        files[f"models/{module}.py"] = _models_module(env, spec, module, models)
    for namespace in spec.namespaces:
        files[f"services/{namespace.path[0]}.py"] = _service_module(env, namespace)
    return files


def _docs(env: jinja2.Environment, spec: Spec) -> dict[str, str]:
    """The reference pages: the index, common errors, one page per method and one per model."""
    docs = DocPages(spec)
    render = env.get_template
    files = {
        "index.md": render("docs/index.md.jinja").render(spec=spec, docs=docs),
        "errors.md": render("docs/errors.md.jinja").render(spec=spec),
        "models.md": render("docs/models.md.jinja").render(docs=docs),
    }
    for method in spec.methods:
        files[f"methods/{method.name}.md"] = render("docs/method.md.jinja").render(method=method, docs=docs)
    for name, model in sorted(docs.models.items()):
        files[f"models/{name}.md"] = render("docs/model.md.jinja").render(model=model, docs=docs)
    return files


def outputs(spec: Spec) -> dict[str, str]:
    """Every generated file: path relative to the repository root → content."""
    env = environment()
    files = {f"{PACKAGE}/{path}": text for path, text in _package(env, spec).items()}
    files.update({f"{DOCS}/{path}": text for path, text in _docs(env, spec).items()})
    return format_python(files)
