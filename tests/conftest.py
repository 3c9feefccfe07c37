"""What every test folder shares: the protocol and format combinations, the ``loopback`` fixture and
one simulator per module (``running``), reset for each test (``sim``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipernity_client.testing import Simulator

from .loopback import Loopback, scripted

PROTOCOLS = ("rest", "soap", "xmlrpc")
FORMATS = ("json", "xml")
COMBINATIONS = [pytest.param(protocol, fmt, id=f"{protocol}-{fmt}") for protocol in PROTOCOLS for fmt in FORMATS]
# Every end-to-end test that calls a method runs on each protocol in each format.
every_protocol = pytest.mark.parametrize(("protocol", "fmt"), COMBINATIONS)


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A scripted loopback server for one test (tests/loopback.py)."""
    with scripted() as server:
        yield server


@pytest.fixture(scope="module")
def running() -> Iterator[Simulator]:
    """One simulator for the module: starting a server costs more than a test."""
    with Simulator() as simulator:
        yield simulator


@pytest.fixture
def sim(running: Simulator) -> Simulator:
    """The module's simulator with a fresh world (tokens, objects, faults and log from before are gone)."""
    running.reset()
    return running
