"""What the generated package hands the command: the API, the classes it needs and the help texts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from .._runtime.api import Api

if TYPE_CHECKING:
    from .._runtime.core import BaseClient
    from .._simulator.server import SimulatorEngine


class MethodDoc(NamedTuple):
    """What ``ipernity help METHOD`` says of a method beside its operation: the spec's prose."""

    summary: str
    http: str
    auth: str
    doc_url: str
    description: str = ""
    params: Mapping[str, str] = {}


class Binding(NamedTuple):
    """One generated API as the command takes it; the loaders run only for the commands that need them."""

    api: Api
    client_class: Callable[[], type[BaseClient]]
    simulator_class: Callable[[], type[SimulatorEngine]]
    method_docs: Callable[[], Mapping[str, MethodDoc]]
    prog: str = "ipernity"
