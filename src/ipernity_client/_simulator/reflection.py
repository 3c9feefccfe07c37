"""api.methods.getList and api.methods.get, answered from the spec the simulator serves (reflection)."""

from __future__ import annotations

from . import facts, reply
from .context import Context
from .state import level_rank


def _method(ctx: Context, name: str) -> facts.Facts:
    operation = ctx.api.operations[name]
    text = ctx.api.method_docs.get(name)
    levels = ctx.api.service.permission_levels
    granted = dict(operation.permissions)
    return {
        "name": name,
        "service": name.rpartition(".")[0],
        "about": text.doc_url if text else "",
        "authentication": {"token": operation.token, "sign": operation.sign, "post": operation.post},
        "permissions": {
            scope: granted[scope]
            for scope in ctx.api.service.permission_scopes
            if scope in granted and level_rank(granted[scope], levels) > 0
        },
        "title": text.summary if text else "",
    }


def api_methods_get_list(ctx: Context) -> str:
    return ctx.one("methods", {"method": [_method(ctx, name) for name in sorted(ctx.api.operations)]})


def api_methods_get(ctx: Context) -> str:
    """A method's flags, parameters (the client's own first), errors (its own, then the common ones) and changelog."""
    name = ctx.param("method")
    if name not in ctx.api.operations:
        raise ctx.fail(1, "Method not found")
    operation, text = ctx.api.operations[name], ctx.api.method_docs.get(name)
    params = [{"name": "api_key", "required": True, "_value": "Your api_key."}]
    for param in operation.params:
        params.append(
            {"name": param.name, "required": param.required, "_value": text.params.get(param.name, "") if text else ""}
        )
    errors = ctx.api.errors
    own = sorted(code for (method, code) in errors.method_errors if method == name)
    listed = [
        {"code": code, "message": errors.message(code, name), "_value": errors.message(code, name)} for code in own
    ]
    listed += [
        {"code": code, "message": error.default_message, "_value": error.default_message}
        for code, error in sorted(errors.common.items())
    ]
    log = []
    for entry in text.changelog if text else ():
        date, _, what = entry.partition(": ")
        log.append({"date": date, "log": what, "_value": what})
    root = ctx.reply()
    node = root.child("method").fill(_method(ctx, name))
    node.fill({"parameters": {"param": params}, "response": ctx.api.simulator_data.replies.get(name, "")})
    node.fill({"errors": {"error": listed}, "changelog": {"log": log}})
    return reply.body(root)
