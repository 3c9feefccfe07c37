"""A local ipernity for tests and demos, built from the same spec as the client (like moto for AWS).

``Simulator`` serves REST, SOAP and XML-RPC on 127.0.0.1 with the checks, state and replies the
notes describe; every method of the spec answers (most with their documented example).

    from ipernity.testing import Fault, ManualClock, Simulator

    clock = ManualClock()
    with Simulator(clock=clock) as sim:                 # sim.endpoint, sim.api_key, sim.api_secret
        client = sim.client(perms={"doc": "write"})     # an ipernity.Client with a token
        ticket = client.upload.file(file=b"...", title="A test")
        clock.advance(5)                                # the ticket's eta runs out
        sim.faults.script(Fault.error(503), method="doc.get")   # the next doc.get fails
        assert sim.log.count("upload.file") == 1        # the request log

Also: ``sim.approve(frob, perms)`` or the signed authorize link stands in for the member's
consent; ``sim.state`` adds apps, members (PRO or not, quotas), groups, albums and documents;
``sim.reset()`` brings back a fresh world between tests; the
``ipernity_simulator`` pytest fixture gives a started simulator; ``python -m ipernity.testing``
runs one; ``python -m ipernity.testing.demo`` runs the client against it over every protocol.
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
