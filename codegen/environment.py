"""The Jinja environment: templates, and the filters that write Python and Markdown literals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from .docpages import code, escape, fence, url
from .docstrings import docline, iter_doc, method_doc, model_doc

TEMPLATES = Path(__file__).parent / "templates"


def pyrepr(value: Any) -> str:
    """A Python literal; ruff then quotes it as the hand-written code is quoted."""
    if isinstance(value, (list, tuple)):
        return pytuple(value)
    return repr(value)


def pytuple(values: Any) -> str:
    items = [pyrepr(v) for v in values]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def mdcell(text: str) -> str:
    """Spec text for a Markdown table cell: escaped, on one line, ``|`` as an entity."""
    return escape(text).replace("|", "&#124;")


def model_ref(annotation: str) -> str:
    """A model annotation as seen from a service module, which imports its models as ``models``."""
    return re.sub(r"\b(?!None\b)([A-Z]\w*)", r"models.\1", annotation)


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
        pyrepr=pyrepr,
        pytuple=pytuple,
        docline=docline,
        mdcell=mdcell,
        mdtext=escape,
        mdcode=code,
        fence=fence,
        url=url,
        model_ref=model_ref,
        tuple=tuple,
        rstrip=str.rstrip,
    )
    env.globals.update(model_doc=model_doc, method_doc=method_doc, iter_doc=iter_doc)
    return env
