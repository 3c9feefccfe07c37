"""The spec as typed objects: what the templates render, with everything they need computed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .naming import camel, constant, param_identifier, py_identifier, snake

SCALAR_ANNOTATIONS = {"str": "str", "int": "int", "timestamp": "int", "float": "float", "bool": "bool"}
SCALAR_CONVERTERS = {"str": "to_str", "int": "to_int", "timestamp": "to_int", "float": "to_float", "bool": "to_bool"}
FAST_TAKERS = {"str": "take_str", "int": "take_int", "timestamp": "take_int"}


def take_call(source: str, key: str, kind: str, extra: str) -> str:
    """The expression popping one scalar; strings and integers, most fields, have their own takers."""
    if kind in FAST_TAKERS:
        return f'{FAST_TAKERS[kind]}({source}, "{key}", {extra})'
    return f'take({source}, "{key}", {SCALAR_CONVERTERS[kind]}, {extra})'


PARAM_ANNOTATIONS = {
    "string": "str",
    "int": "int",
    "bool": "bool",
    "float": "float",
    "id": "int | str",
    "timestamp": "int | datetime",
    "file": "FileInput",
}


@dataclass
class Attribute:
    """An XML attribute (a JSON key) of a reply element."""

    name: str
    kind: str
    description: str = ""
    required: bool = False

    @property
    def field(self) -> str:
        return py_identifier(self.name, field=True)

    @property
    def annotation(self) -> str:
        scalar = SCALAR_ANNOTATIONS[self.kind]
        return scalar if self.required else f"{scalar} | None"

    @property
    def default(self) -> str:
        """A required field has no default: the dataclass is keyword-only, so order does not matter."""
        return "" if self.required else " = None"

    @property
    def decode(self) -> str:
        taken = take_call("data", self.name, self.kind, "extra")
        return f'present({taken}, "{self.name}")' if self.required else taken


@dataclass
class Element:
    """A child element of a reply element: a scalar text element or a model."""

    tag: str
    repeated: bool
    description: str = ""
    scalar: str | None = None
    model: ModelClass | None = None
    required: bool = False
    secret: bool = False

    @property
    def field(self) -> str:
        return py_identifier(self.tag, field=True)

    @property
    def item_annotation(self) -> str:
        if self.model is not None:
            return self.model.name
        return SCALAR_ANNOTATIONS[self.scalar or "str"]

    @property
    def annotation(self) -> str:
        if self.repeated:
            return f"list[{self.item_annotation}]"
        return self.item_annotation if self.required else f"{self.item_annotation} | None"

    @property
    def default(self) -> str:
        """What follows the annotation: the default, and for a secret its absence from the repr."""
        if self.repeated:
            return " = field(default_factory=list)"
        if self.secret:
            return " = field(repr=False)" if self.required else " = field(default=None, repr=False)"
        return "" if self.required else " = None"

    @property
    def parser(self) -> str:
        return f"{self.model.name}.from_raw" if self.model else SCALAR_CONVERTERS[self.scalar or "str"]

    def decode_from(self, source: str, extra: str) -> str:
        if self.repeated:
            return f'many({source}, "{self.tag}", {self.parser})'
        if self.required:
            return f'required({source}, "{self.tag}", {self.parser})'
        if self.model is not None:
            return f'one({source}, "{self.tag}", {self.parser})'
        return take_call(source, self.tag, self.scalar or "str", extra)

    @property
    def decode(self) -> str:
        return self.decode_from("data", "extra")


@dataclass
class ModelClass:
    """One generated model class, from a shared shape or an inline element."""

    name: str
    module: str
    description: str
    attributes: list[Attribute] = field(default_factory=list)
    text: str | None = None
    children: list[Element] = field(default_factory=list)
    origin: str = ""
    attribute_map: str | None = None

    @property
    def value_annotation(self) -> str:
        return f"{SCALAR_ANNOTATIONS[self.text or 'str']} | None"

    @property
    def value_decode(self) -> str:
        return take_call("data", "_value", self.text or "str", "extra")

    def signature(self) -> tuple[object, ...]:
        """Structure only, to tell two definitions of one class name apart."""
        return (
            tuple((a.name, a.kind) for a in self.attributes),
            self.text,
            tuple((c.tag, c.repeated, c.scalar, c.model.name if c.model else None) for c in self.children),
            self.attribute_map,
        )

    def dependencies(self) -> list[ModelClass]:
        return [child.model for child in self.children if child.model is not None]


@dataclass
class Response:
    """What a method returns: nothing, one element, or several elements in a result class."""

    elements: list[Element]
    result: ModelClass | None = None

    @property
    def kind(self) -> str:
        if not self.elements:
            return "none"
        return "single" if self.result is None else "multi"

    @property
    def annotation(self) -> str:
        """A reply always holds its element: one that does not is invalid, so there is no ``| None``."""
        if self.kind == "none":
            return "None"
        if self.kind == "multi":
            assert self.result is not None
            return self.result.name
        element = self.elements[0]
        return element.annotation if element.repeated else element.item_annotation

    @property
    def decode(self) -> str:
        """The expression building a single-element result from the reply's ``elements``."""
        element = self.elements[0]
        if element.repeated:
            return element.decode_from("elements", "{}")
        return f'required(elements, "{element.tag}", {element.parser})'


@dataclass
class EnumValue:
    value: str | int
    description: str = ""


@dataclass
class Param:
    """A method parameter."""

    name: str
    type: str
    description: str
    required: bool = False
    items: str | None = None
    values: list[EnumValue] = field(default_factory=list)
    max_items: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: object = None
    signed: bool = True
    source: str | None = None

    @property
    def py_name(self) -> str:
        return param_identifier(self.name)

    def _scalar_annotation(self, kind: str) -> str:
        if kind == "enum":
            return "Literal[" + ", ".join(json.dumps(v.value) for v in self.values) + "]"
        return PARAM_ANNOTATIONS[kind]

    @property
    def annotation(self) -> str:
        if self.type == "list":
            base = f"Sequence[{self._scalar_annotation(self.items or 'string')}] | str"
        else:
            base = self._scalar_annotation(self.type)
        return base if self.required else f"{base} | None"

    @property
    def wire_default(self) -> str | None:
        if self.default is None:
            return None
        if isinstance(self.default, bool):
            return "1" if self.default else "0"
        return str(self.default)

    @property
    def wire_values(self) -> list[str]:
        return [str(v.value) for v in self.values]

    @property
    def constraints(self) -> str:
        """A short human text of the limits, for docs."""
        parts: list[str] = []
        if self.values:
            parts.append("one of " + ", ".join(str(v.value) for v in self.values))
        if self.max_items:
            parts.append(f"at most {self.max_items} items")
        if self.minimum is not None:
            parts.append(f"≥ {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"≤ {self.maximum:g}")
        if self.default is not None:
            parts.append(f"default {self.default}")
        if not self.signed:
            parts.append("not signed")
        return "; ".join(parts)

    @property
    def help_note(self) -> str:
        """What help adds to the description that the operation table lacks: each value's meaning, the default."""
        parts = []
        described = [f"{v.value} {v.description}" for v in self.values if v.description]
        if described:
            parts.append("Values: " + ", ".join(described) + ".")
        if self.default is not None:
            parts.append(f"Default: {self.wire_default}.")
        return " ".join(parts)


@dataclass
class MethodError:
    """A method's own error code (1–99), meaning something only for that method."""

    code: int
    name: str
    label: str | None
    message: str | None
    class_name: str
    truncated: bool = False

    @property
    def meaning(self) -> str:
        """What two methods' errors share when they mean the same: the message, else the label."""
        if self.message:
            return f"message {self.message!r}"
        return "label " + repr(" ".join((self.label or "").lower().split()))


@dataclass
class Example:
    format: str
    body: str
    note: str = ""


@dataclass
class Pagination:
    """Where a paginated reply keeps its pages: ``container`` is a dotted path of element tags."""

    container: str
    items: str
    page: str = "page"
    per_page: str = "per_page"

    def chain(self, response: Response) -> list[Element]:
        """The elements from the reply down to the container; shorter than the path where one is missing."""
        found: list[Element] = []
        candidates = response.elements
        for tag in self.container.split("."):
            element = next((e for e in candidates if e.tag == tag and not e.repeated and e.model is not None), None)
            if element is None or element.model is None:
                break
            found.append(element)
            candidates = element.model.children
        return found

    def container_model(self, response: Response) -> ModelClass | None:
        chain = self.chain(response)
        return chain[-1].model if len(chain) == len(self.container.split(".")) else None

    def item_element(self, response: Response) -> Element | None:
        container = self.container_model(response)
        if container is None:
            return None
        return next((c for c in container.children if c.tag == self.items and c.repeated), None)

    def field_path(self, response: Response) -> tuple[str, ...]:
        """Attribute names from the parsed reply to the container (the parser unwraps a single element)."""
        chain = self.chain(response)
        return tuple(e.field for e in (chain[1:] if response.kind == "single" else chain))


@dataclass
class Method:
    """One API method."""

    name: str
    summary: str
    doc_url: str
    source: str
    post: bool
    sign: bool
    token: bool
    permissions: dict[str, str]
    params: list[Param]
    errors: list[MethodError]
    response: Response
    examples: list[Example]
    file: str
    description: str = ""
    unverified: str = ""
    safety: bool = False
    errors_known: bool = True
    notes: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    changelog: list[str] = field(default_factory=list)
    pagination: Pagination | None = None

    @property
    def service(self) -> str:
        return self.name.split(".")[0]

    @property
    def namespace(self) -> tuple[str, ...]:
        return tuple(self.name.split(".")[:-1])

    @property
    def func_name(self) -> str:
        return py_identifier(snake(self.name.split(".")[-1]))

    @property
    def constant(self) -> str:
        return constant(self.name)

    @property
    def parser_name(self) -> str:
        return "parse_" + snake(self.name).replace(".", "_")

    @property
    def iter_name(self) -> str:
        """``iter_list`` for doc.getList: the iterator over every page of a paginated method."""
        return "iter_" + self.func_name.removeprefix("get_")

    @property
    def iter_path(self) -> str:
        return "client." + ".".join(self.namespace) + "." + self.iter_name

    @property
    def iter_params(self) -> list[Param]:
        """The iterator's parameters: the method's, less the page it walks itself."""
        page = self.pagination.page if self.pagination else None
        return [p for p in self.required_params + self.optional_params if p.name != page]

    @property
    def item_annotation(self) -> str:
        element = self.pagination.item_element(self.response) if self.pagination else None
        return element.item_annotation if element else "object"

    @property
    def error_base(self) -> str:
        return camel(self.name) + "Error"

    @property
    def uploads(self) -> bool:
        """Whether it sends a file: it then takes ``progress`` and ``check_quota`` (the uploads mixin)."""
        return any(p.type == "file" for p in self.params)

    @property
    def python_path(self) -> str:
        return "client." + ".".join(self.namespace) + "." + self.func_name

    @property
    def required_params(self) -> list[Param]:
        return [p for p in self.params if p.required]

    @property
    def optional_params(self) -> list[Param]:
        return [p for p in self.params if not p.required]

    @property
    def auth_text(self) -> str:
        needs = []
        if self.sign:
            needs.append("signed")
        if self.token:
            needs.append("needs an auth token")
        perms = ", ".join(f"{scope} {level}" for scope, level in sorted(self.permissions.items()))
        if perms:
            needs.append(f"permission {perms}" if self.token else f"{perms} permission to see private items")
        return "; ".join(needs) if needs else "no authentication"

    @property
    def http_text(self) -> str:
        return "POST required" if self.post else "GET or POST"


@dataclass
class Category:
    key: str
    class_name: str
    description: str


@dataclass
class CommonError:
    code: int
    name: str
    category: Category
    retryable: bool
    label: str
    message: str


# Hand-written helpers a generated namespace class inherits instead of the plain ``Namespace``:
# dotted namespace → (module under ``_runtime``, base class expression). The expression may name
# the namespace's own models (``models.``) and the shared shapes (``shapes.``).
NAMESPACE_MIXINS: dict[str, tuple[str, str]] = {
    "upload": ("uploads", "UploadHelpers[models.Ticket, shapes.Doc]"),
}


@dataclass
class Namespace:
    """A group of methods under one dotted prefix (``doc``, ``doc.tags``)."""

    path: tuple[str, ...]
    methods: list[Method] = field(default_factory=list)
    children: list[Namespace] = field(default_factory=list)

    @property
    def class_name(self) -> str:
        return camel(".".join(self.path)) + "Service"

    @property
    def attribute(self) -> str:
        return py_identifier(self.path[-1])

    @property
    def mixin(self) -> tuple[str, str] | None:
        """(runtime module, base class) of the hand-written helpers this namespace inherits, if any."""
        return NAMESPACE_MIXINS.get(".".join(self.path))

    @property
    def base_class(self) -> str:
        return self.mixin[1] if self.mixin else "Namespace"

    @property
    def mixin_import(self) -> str:
        """The import line of the mixin class, for the service module."""
        if self.mixin is None:
            return ""
        module, base = self.mixin
        return f"from .._runtime.{module} import {base.partition('[')[0]}"

    def walk(self) -> list[Namespace]:
        """Children first, so that every class is defined before it is used."""
        found: list[Namespace] = []
        for child in self.children:
            found.extend(child.walk())
        found.append(self)
        return found


@dataclass(frozen=True)
class Protocol:
    """One wire protocol of the service: where it is posted, and for SOAP its element names."""

    path: str
    description: str
    json_path: str = ""
    namespace: str = ""
    request_element: str = ""
    response_element: str = ""
    fault_prefix: str = ""


@dataclass(frozen=True)
class Service:
    """The service file: endpoints, formats, signing and permissions."""

    name: str
    title: str
    docs_url: str
    base_url: str
    authorize_url: str
    rest: Protocol
    soap: Protocol
    xmlrpc: Protocol
    protocols: tuple[str, ...]
    formats: tuple[str, ...]
    client_formats: tuple[str, ...]
    signing_excluded: tuple[str, ...]
    key_param: str
    token_param: str
    signature_param: str
    permission_scopes: dict[str, str]
    permission_levels: tuple[str, ...]
    reserved_names: tuple[str, ...]

    @property
    def auth_params(self) -> tuple[str, ...]:
        """The parameters every call may carry besides its own: key, token and signature."""
        return (self.key_param, self.token_param, self.signature_param)


@dataclass
class Spec:
    """Everything under spec/, loaded and checked."""

    service: Service
    categories: list[Category]
    errors: list[CommonError]
    shapes: dict[str, ModelClass]
    methods: list[Method]
    models: dict[str, list[ModelClass]]
    namespaces: list[Namespace]

    @property
    def model_names(self) -> list[str]:
        return sorted(model.name for models in self.models.values() for model in models)

    @property
    def reply_models(self) -> list[ModelClass]:
        """Every reply model once, by name: the simulator builds its replies through them."""
        unique = {model.name: model for models in self.models.values() for model in models}
        return [unique[name] for name in sorted(unique)]
