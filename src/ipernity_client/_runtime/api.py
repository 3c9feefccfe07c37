"""What generated code hands the runtime: the service's facts, its operations and its errors.

The runtime imports nothing generated. The generated package builds one ``Api`` from the spec
and gives it to the client (``Client.api``) and to the simulator; the operation table and the
simulator's data are large, so they are loaded the first time they are asked for.
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


class MethodText(NamedTuple):
    """What api.methods.get tells of a method besides its operation: title, parameter texts, changelog."""

    summary: str
    params: Mapping[str, str]
    changelog: tuple[str, ...] = ()
    doc_url: str = ""


class SimulatorData(NamedTuple):
    """What only the simulator reads, by method: the documented reply, lists, parameter defaults.

    ``repeated`` names the reply elements that are lists even with one item (the JSON format's
    arrays), as ``/``-separated paths; ``defaults`` the value the API assumes for a parameter
    left out, as sent. ``responses`` gives each method's top-level reply elements as
    ``ReplyModel.children`` does, ``models`` the reply models by name: the simulator builds its
    replies through them, so a field renamed in the spec reaches it. ``texts`` feeds reflection.
    """

    replies: Mapping[str, str]
    repeated: Mapping[str, frozenset[str]]
    defaults: Mapping[str, Mapping[str, str]]
    responses: Mapping[str, Mapping[str, tuple[str | None, bool]]] = {}
    models: Mapping[str, ReplyModel] = {}
    texts: Mapping[str, MethodText] = {}


class Api:
    """One generated API: service facts, error table, operations, simulator data and the WSDL's path."""

    def __init__(
        self,
        *,
        service: ServiceFacts,
        errors: ErrorTable,
        load_operations: Callable[[], Mapping[str, Operation]],
        load_simulator_data: Callable[[], SimulatorData],
        wsdl: str,
    ) -> None:
        self.service = service
        self.errors = errors
        self.wsdl = wsdl
        self._operations = Lazy(load_operations)
        self._simulator_data = Lazy(load_simulator_data)

    def __repr__(self) -> str:
        return f"Api({self.service.name!r})"

    @property
    def operations(self) -> Mapping[str, Operation]:
        return self._operations.get()

    @property
    def simulator_data(self) -> SimulatorData:
        return self._simulator_data.get()
