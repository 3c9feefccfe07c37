"""What generated code hands the runtime: the service's facts, its operations and its errors.

The runtime imports nothing generated. The generated package builds one ``Api`` from the spec
and gives it to the client (``Client.api``), to the simulator and to the command line; the
operation table, the simulator's data and the methods' prose are large, so they are loaded the
first time they are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from .errors import ErrorTable
from .lazy import Lazy
from .operation import Operation


class SoapFacts(NamedTuple):
    """The SOAP binding (notes 2.2): where to post and the element names of the envelope."""

    path: str
    json_path: str
    namespace: str
    request_element: str
    response_element: str
    fault_prefix: str


class XmlRpcFacts(NamedTuple):
    """The XML-RPC binding (notes 2.3): where to post."""

    path: str
    json_path: str


class ServiceFacts(NamedTuple):
    """Endpoints, formats, signing and permissions, as spec/service.yaml gives them."""

    name: str
    docs_url: str
    base_url: str
    authorize_url: str
    rest_path: str
    soap: SoapFacts
    xmlrpc: XmlRpcFacts
    protocols: tuple[str, ...]
    formats: tuple[str, ...]
    client_formats: tuple[str, ...]
    signing_excluded: tuple[str, ...]
    permission_scopes: tuple[str, ...]
    permission_levels: tuple[str, ...]

    @property
    def grant_levels(self) -> tuple[str, ...]:
        """The levels a member can grant: every level but the first ("none")."""
        return self.permission_levels[1:]


class ReplyModel(NamedTuple):
    """One reply element's declared shape: attribute names, child elements, text.

    ``children`` maps a child's tag to (the name of its model, or None for a text element,
    whether it repeats); ``open`` is set where any attribute name is allowed (doc.getExif).
    """

    attributes: frozenset[str]
    children: Mapping[str, tuple[str | None, bool]]
    text: bool = False
    open: bool = False


class MethodDoc(NamedTuple):
    """The spec's prose about a method, for ``ipernity help`` and the simulator's api.methods.get.

    ``params`` gives each parameter's description; ``notes`` what help adds to it where the
    operation table lacks it (each value's meaning, the default), see ``param_help``.
    """

    summary: str
    http: str
    auth: str
    doc_url: str
    description: str = ""
    params: Mapping[str, str] = {}
    notes: Mapping[str, str] = {}
    changelog: tuple[str, ...] = ()

    def param_help(self, name: str) -> str:
        """A parameter's description followed by its notes, as ``ipernity help`` shows it."""
        parts = (self.params.get(name, "").strip(), self.notes.get(name, ""))
        return " ".join(part for part in parts if part)


class SimulatorData(NamedTuple):
    """What only the simulator reads, by method: the documented reply, lists, parameter defaults.

    ``repeated`` names the reply elements that are lists even with one item (the JSON format's
    arrays), as ``/``-separated paths; ``defaults`` the value the API assumes for a parameter
    left out, as sent. ``responses`` gives each method's top-level reply elements as
    ``ReplyModel.children`` does, ``models`` the reply models by name: the simulator builds its
    replies through them, so a field renamed in the spec reaches it.
    """

    replies: Mapping[str, str]
    repeated: Mapping[str, frozenset[str]]
    defaults: Mapping[str, Mapping[str, str]]
    responses: Mapping[str, Mapping[str, tuple[str | None, bool]]] = {}
    models: Mapping[str, ReplyModel] = {}


class Api:
    """One generated API: service facts, error table, operations, simulator data, methods' prose, WSDL path."""

    def __init__(
        self,
        *,
        service: ServiceFacts,
        errors: ErrorTable,
        load_operations: Callable[[], Mapping[str, Operation]],
        load_simulator_data: Callable[[], SimulatorData],
        load_method_docs: Callable[[], Mapping[str, MethodDoc]],
        wsdl: str,
    ) -> None:
        self.service = service
        self.errors = errors
        self.wsdl = wsdl
        self._operations = Lazy(load_operations)
        self._simulator_data = Lazy(load_simulator_data)
        self._method_docs = Lazy(load_method_docs)

    def __repr__(self) -> str:
        return f"Api({self.service.name!r})"

    @property
    def operations(self) -> Mapping[str, Operation]:
        return self._operations.get()

    @property
    def simulator_data(self) -> SimulatorData:
        return self._simulator_data.get()

    @property
    def method_docs(self) -> Mapping[str, MethodDoc]:
        return self._method_docs.get()
