"""What the generated package hands the command: the API (with the help texts) and the classes it needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from .._runtime.api import Api

if TYPE_CHECKING:
    from .._runtime.core import BaseClient
    from .._simulator.server import SimulatorEngine


class Binding(NamedTuple):
    """One generated API as the command takes it; the loaders run only for the commands that need them."""

    api: Api
    client_class: Callable[[], type[BaseClient]]
    simulator_class: Callable[[], type[SimulatorEngine]]
    prog: str = "ipernity"
