"""Docstrings of generated classes, methods and iterators, as lists of lines (Google style)."""

from __future__ import annotations

import textwrap

from .model import Method, ModelClass

WIDTH = 100
# The keyword arguments every upload method adds to its parameters (see Method.uploads).
UPLOAD_ARGS = {
    "progress": "Called as (bytes_sent, total) while the body streams: at the start, at least every MiB, "
    "and at the end.",
    "check_quota": "Check the file against account.getQuota (read once per client) and, for a replacement, "
    "the document's media type before sending anything; a ValidationError if it would be refused.",
}


def docline(text: str) -> str:
    """One line of docstring text: whitespace collapsed, backslashes, triple and closing quotes made safe."""
    line = " ".join(str(text).split()).replace("\\", "\\\\").replace('"""', "'''")
    return line[:-1] + '\\"' if line.endswith('"') else line


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap one paragraph; leading spaces of ``text`` are kept as the first line's indent."""
    first = text[: len(text) - len(text.lstrip())]
    return textwrap.wrap(docline(text), width=width, initial_indent=first, subsequent_indent=indent) or [""]


def _entry(name: str, text: str) -> list[str]:
    """An ``Args:``-style entry, its continuation lines indented under the name."""
    return _wrap(f"    {name}: {text}", WIDTH - 4, " " * 8)


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
            lines += _entry(param.py_name, f"{param.description}{extra}")
    if method.uploads:
        lines += _entry("progress", UPLOAD_ARGS["progress"]) + _entry("check_quota", UPLOAD_ARGS["check_quota"])
    returns = method.response.elements[0].description if method.response.kind == "single" else ""
    if method.response.kind == "none":
        returns = "ipernity answers only an ok status; a failure raises."
    lines += ["", "Returns:"]
    lines += _wrap(f"    {method.response.annotation}" + (f": {returns}" if returns else ""), WIDTH - 4, " " * 8)
    lines += ["", "Raises:"]
    if method.errors:
        codes = ", ".join(str(e.code) for e in method.errors)
        lines += _entry(method.error_base, f"the method's own errors, codes {codes}.")
    lines += [
        "    ApiError: any common error (see ipernity_client.errors).",
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
    if method.iter_params:
        lines += ["", "Args:"]
        for param in method.iter_params:
            extra = f" ({param.constraints})" if param.constraints else ""
            text = f"{param.description}{extra}"
            if param is per_page:
                text = f"Items per call (1 to {per_page.maximum:g}; default {per_page.maximum:g})."
            lines += _entry(param.py_name, text)
    lines += ["", "Yields:"]
    lines += _entry(method.item_annotation, f"one {paging.items} at a time.")
    lines += ["", "Raises:", f"    The exceptions of {method.python_path}, when a page is fetched."]
    return lines
