"""``ipernity methods`` and ``ipernity help METHOD``: the reference, from the same spec data as the docs.

The operation table gives the parameters and their limits, the error table each method's own
errors, the simulator's data the documented example reply and the API's method docs the prose.
"""

from __future__ import annotations

import argparse
import fnmatch
import shutil
import sys
from typing import Any

from .._runtime.api import Api, MethodDoc
from .._runtime.errors import ValidationError
from .._runtime.operation import Operation, Param
from .._runtime.validation import did_you_mean
from .context import Context
from .exits import OK
from .output import print_json, print_table

SAMPLES = {"id": "1", "int": "1", "float": "1.5", "bool": "true", "timestamp": "1700000000", "string": "text"}
# Help is wrapped to the terminal, but never narrower than this.
MIN_WIDTH = 60
NO_DOC = MethodDoc(summary="", http="", auth="", doc_url="")
# What the error table says of an error whose label the documentation leaves out.
UNKNOWN_LABEL = "label unknown"


def _matches(pattern: str | None, name: str, summary: str) -> bool:
    if not pattern:
        return True
    if any(char in pattern for char in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern.lower() in f"{name} {summary}".lower()


def methods(ctx: Context, args: argparse.Namespace) -> int:
    docs = ctx.binding.api.method_docs
    rows = [
        (name, docs.get(name, NO_DOC).summary)
        for name in sorted(ctx.binding.api.operations)
        if _matches(args.pattern, name, docs.get(name, NO_DOC).summary)
    ]
    if ctx.settings.json:
        print_json([{"name": name, "summary": summary} for name, summary in rows])
    else:
        print_table(rows)
    if not rows:
        ctx.say(f"no method matches {args.pattern!r}")
    return OK


def kind(param: Param) -> str:
    """The parameter's type and limits in a few words: ``list of id, at most 20``."""
    base = param.items if param.type == "list" else param.type
    text = "|".join(param.values) if base == "enum" else base or "string"
    if base == "enum" and param.type != "list":
        text = f"one of {text}"
    if param.type == "list":
        text = f"list of {text}" + (f", at most {param.max_items}" if param.max_items else "")
    if param.minimum is not None or param.maximum is not None:
        low = "" if param.minimum is None else f"{param.minimum:g}"
        high = "" if param.maximum is None else f"{param.maximum:g}"
        text += f", {low}..{high}"
    return text + (", required" if param.required else "")


def sample(param: Param) -> str:
    """A value of ``param`` that passes validation, for the example command line."""
    base = param.items if param.type == "list" else param.type
    if param.type == "file":
        return "@photo.jpg"
    value = param.values[0] if base == "enum" and param.values else SAMPLES.get(base or "string", "text")
    if base == "int" and param.minimum is not None:
        value = f"{param.minimum:g}"
    return f"{value},2" if param.type == "list" and base in ("id", "int") else value


def example(prog: str, operation: Operation) -> str:
    words = [f"{p.name}={sample(p)}" for p in operation.params if p.required]
    return " ".join([prog, "call", operation.name, *words])


def _known(label: str) -> str | None:
    """An error's label, or None where ipernity's documentation gives none."""
    return None if label == UNKNOWN_LABEL else label


def reference(api: Api, prog: str, operation: Operation, doc: MethodDoc) -> dict[str, Any]:
    """Everything ``help`` shows of ``operation``, as data."""
    own = sorted(
        (code, error) for (method, code), error in api.errors.method_errors.items() if method == operation.name
    )
    return {
        "name": operation.name,
        "summary": doc.summary,
        "description": doc.description,
        "http": doc.http,
        "authentication": doc.auth,
        "reference": doc.doc_url,
        "paginated": operation.paging is not None,
        "parameters": [
            {"name": p.name, "type": kind(p), "required": p.required, "description": doc.param_help(p.name)}
            for p in operation.params
        ],
        "errors": [
            {"code": code, "label": _known(error.label), "message": error.default_message} for code, error in own
        ],
        "common_errors": sorted(api.errors.common),
        "example": example(prog, operation),
        "example_reply": api.simulator_data.replies.get(operation.name, ""),
    }


def describe(ctx: Context, args: argparse.Namespace) -> int:
    api = ctx.binding.api
    operation = api.operations.get(args.method)
    if operation is None:
        raise ValidationError(
            args.method, [f"unknown method {args.method!r}{did_you_mean(args.method, api.operations)}"]
        )
    doc = api.method_docs.get(operation.name, NO_DOC)
    data = reference(api, ctx.binding.prog, operation, doc)
    if ctx.settings.json:
        print_json(data)
    else:
        _print_reference(data)
    return OK


def _print_reference(data: dict[str, Any]) -> None:
    out = sys.stdout
    width = max(shutil.get_terminal_size().columns, MIN_WIDTH)
    out.write(f"{data['name']}: {data['summary']}\n")
    if data["description"]:
        out.write(f"\n{data['description']}\n")
    out.write("\n")
    facts = [("HTTP", data["http"]), ("Authentication", data["authentication"]), ("Reference", data["reference"])]
    if data["paginated"]:
        facts.append(("Paginated", "yes: page and per_page choose the page"))
    print_table([(left, right) for left, right in facts if right], width=width)
    out.write("\nParameters:\n")
    params = data["parameters"]
    rows = [(p["name"], f"{p['type']}. {p['description']}".rstrip(". ") + ".") for p in params]
    print_table(rows, indent="  ", width=width)
    if not params:
        out.write("  none besides the credentials\n")
    out.write("\nErrors:\n")
    errors = [(str(e["code"]), ": ".join(filter(None, (e["label"], e["message"])))) for e in data["errors"]]
    print_table(errors, indent="  ", width=width)
    common = data["common_errors"]
    out.write(f"  and the common errors every method can return ({common[0]}-{common[-1]})\n" if common else "")
    out.write(f"\nExample:\n  {data['example']}\n")
    if data["example_reply"]:
        reply = "\n".join(f"  {line}" for line in data["example_reply"].splitlines())
        out.write(f"\nExample reply (XML):\n{reply}\n")
    out.flush()
