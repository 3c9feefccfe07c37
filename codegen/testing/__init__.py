"""A local ipernity for tests and demos, built from the same spec as the client (like moto for AWS).

``Simulator`` serves REST, SOAP and XML-RPC on 127.0.0.1 with the checks, state and replies the
notes describe; ``Fault`` and its plan inject failures; ``RequestLog`` records the calls. The
``ipernity_simulator`` pytest fixture (ipernity.testing.pytest_plugin) gives a started one.
"""

from __future__ import annotations

from .faults import Fault, FaultPlan
from .log import LoggedCall, RequestLog
from .rules import RateLimit
from .server import Simulator
from .state import DEMO_API_KEY, DEMO_API_SECRET, ManualClock, State

__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "Fault",
    "FaultPlan",
    "LoggedCall",
    "ManualClock",
    "RateLimit",
    "RequestLog",
    "Simulator",
    "State",
]
