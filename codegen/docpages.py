"""What the reference pages need beyond the model: example calls, safe prose, cross-links and types.

Spec text reaches the pages only through ``DocPages.prose`` and ``DocPages.cell``, which escape
it (raw HTML, link syntax) before linking method names, so a description cannot inject markup
or a ``javascript:`` link into the docs. Table cells never hold a bare ``|``: GitHub splits a
cell on it even inside backticks, and MkDocs shows an escaped one literally.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

from .model import Method, ModelClass, Param, Spec

# Values an example call uses when the method's example reply does not name the parameter.
FALLBACKS: dict[str, object] = {
    "id": 12345,
    "int": 10,
    "float": 48.85,
    "bool": True,
    "timestamp": 1203605781,
    "file": "photo.jpg",
}
_BLOCK_START = re.compile(r"^([#*+\-=>]|\d+[.)])")
# A page's "call" marker: the site build (docs/hooks/ipernity_site.py) puts the requests the
# client's own codecs write for that call in its place. An HTML comment, so GitHub hides it.
CALL_MARKER = "<!-- ipernity:call {} -->"


def escape(text: str) -> str:
    """Spec text as Markdown that renders as the same text: no HTML, no links, no block syntax."""
    text = " ".join(str(text).split()).replace("\\", "\\\\")
    text = html.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")
    return _BLOCK_START.sub(r"\\\1", text)


def code(text: str) -> str:
    """Inline code that may sit in a table cell: an HTML ``<code>`` with ``|`` as an entity."""
    return "<code>" + html.escape(text, quote=False).replace("|", "&#124;") + "</code>"


def url(text: str) -> str:
    """A link target quoted so that it cannot close the link or open HTML (the schema makes it http)."""
    return quote(str(text).strip(), safe=":/?#@!$&'()*+,;=%~.-_")


def fence(body: str) -> str:
    """A backtick fence longer than any run of backticks in ``body``."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def pyliteral(value: object) -> str:
    """A Python literal as a hand-written call would spell it (double quotes)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(pyliteral(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _shown(param: Param, sample: str) -> str | None:
    """The value an example reply gives the parameter's name (``doc_id="12345"``), if any.

    A list is also looked up by the ``id`` of its singular element (tickets: ``<ticket id=…``).
    """
    found = re.search(rf'\b{re.escape(param.name)}="([^"<>&]+)"', sample)
    if found is None and param.type == "list":
        found = re.search(rf'<{re.escape(param.name.removesuffix("s"))}\b[^>]*\bid="([^"<>&]+)"', sample)
    return found.group(1) if found else None


class DocPages:
    """Cross-links and example calls for one spec; handed to the docs templates as ``docs``."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.methods = {method.name: method for method in spec.methods}
        self.models = {model.name: model for models in spec.models.values() for model in models}
        names = sorted(self.methods, key=len, reverse=True)
        self._method_names = re.compile(r"(?<![\w./])(" + "|".join(map(re.escape, names)) + r")(?![\w/]|\.\w)")
        self._model_names = re.compile(r"\b[A-Z]\w*\b")
        self._returned_by: dict[str, list[Method]] = {}
        for method in spec.methods:
            returned = [e.model.name for e in method.response.elements if e.model is not None]
            returned += [method.response.result.name] if method.response.result is not None else []
            for name in dict.fromkeys(returned):
                self._returned_by.setdefault(name, []).append(method)
        self._used_in: dict[str, list[ModelClass]] = {}
        for owner in sorted(self.models.values(), key=lambda m: m.name.lower()):
            for name in dict.fromkeys(d.name for d in owner.dependencies()):
                self._used_in.setdefault(name, []).append(owner)

    def prose(self, text: str, prefix: str, current: str = "") -> str:
        """Escaped spec text with each method name linked (``prefix`` leads to the methods folder)."""

        def link(found: re.Match[str]) -> str:
            name = found.group(1)
            return name if name == current else f"[{name}]({prefix}{name}.md)"

        return self._method_names.sub(link, escape(text)) if self.methods else escape(text)

    def cell(self, text: str, prefix: str, current: str = "") -> str:
        """``prose`` for a table cell."""
        return self.prose(text, prefix, current).replace("|", "&#124;")

    def type(self, annotation: str, prefix: str) -> str:
        """A type for a table: its code, linked to the model page when it names one model."""
        named = [name for name in self._model_names.findall(annotation) if name in self.models]
        if len(set(named)) == 1:
            return f"[{code(annotation)}]({prefix}{named[0]}.md)"
        links = ", ".join(f"[{name}]({prefix}{name}.md)" for name in dict.fromkeys(named))
        return code(annotation) + (f" ({links})" if links else "")

    def returned_by(self, model: ModelClass) -> list[Method]:
        """The methods whose reply is this model, or holds it directly."""
        return self._returned_by.get(model.name, [])

    def used_in(self, model: ModelClass) -> list[ModelClass]:
        """The models with a field of this model's type."""
        return self._used_in.get(model.name, [])

    def example_args(self, method: Method) -> dict[str, object]:
        """Values for the required parameters: those the example reply shows, else plain ones."""
        sample = "\n".join(example.body for example in method.examples)
        return {param.py_name: self._example_value(param, sample) for param in method.required_params}

    def _example_value(self, param: Param, sample: str) -> object:
        kind = (param.items if param.type == "list" else param.type) or "string"
        shown = _shown(param, sample)
        if param.values:
            value: object = param.values[0].value
        elif shown is not None and kind in ("id", "int", "timestamp") and shown.isdigit():
            value = int(shown)
        elif shown is not None and kind == "string":
            value = shown
        else:
            value = FALLBACKS.get(kind, f"my {param.name.replace('_', ' ')}")
        return [value] if param.type == "list" else value

    def result_name(self, method: Method) -> str:
        """The variable an example assigns the reply to."""
        if method.response.kind == "single":
            return method.response.elements[0].field
        return "result"

    def call(self, method: Method) -> str:
        """The example call: ``tickets = client.upload.check_tickets(tickets=["712218"])``."""
        args = ", ".join(f"{name}={pyliteral(value)}" for name, value in self.example_args(method).items())
        call = f"{method.python_path}({args})"
        return call if method.response.kind == "none" else f"{self.result_name(method)} = {call}"

    def iter_call(self, method: Method) -> str:
        """The example loop over a paginated method's iterator."""
        assert method.pagination is not None
        page = method.pagination.page
        args = {name: value for name, value in self.example_args(method).items() if name != page}
        text = ", ".join(f"{name}={pyliteral(value)}" for name, value in args.items())
        return f"for {method.pagination.items} in {method.iter_path}({text}):"

    def call_marker(self, method: Method) -> str:
        """The comment the site build replaces with the wire form of ``call``."""
        call = method.python_path.removeprefix("client.")
        data = {"method": method.name, "call": call, "args": self.example_args(method)}
        text = json.dumps(data, ensure_ascii=True, sort_keys=True)
        # Escaped so that no value can end the comment ("-->") or open a tag.
        return CALL_MARKER.format(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("-", "\\u002d"))

    def model_groups(self) -> list[tuple[str, list[ModelClass]]]:
        """Models by the module that defines them: the shared shapes first, then by service."""
        modules = sorted(self.spec.models, key=lambda name: (name != "shapes", name))
        return [(module, sorted(self.spec.models[module], key=lambda m: m.name.lower())) for module in modules]
