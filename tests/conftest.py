"""What every test folder shares: the protocol and format combinations, the ``loopback`` fixture,
the simulator fixtures (``clock``, ``sim``, ``running``) and the member's approval of a login link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from ipernity_client.testing import ManualClock, Simulator

from .loopback import Loopback, scripted

PROTOCOLS = ("rest", "soap", "xmlrpc")
FORMATS = ("json", "xml")
COMBINATIONS = [pytest.param(protocol, fmt, id=f"{protocol}-{fmt}") for protocol in PROTOCOLS for fmt in FORMATS]
# Every end-to-end test that calls a method runs on each protocol in each format.
every_protocol = pytest.mark.parametrize(("protocol", "fmt"), COMBINATIONS)
# A module with this mark shares one simulator server (``running``) and resets its world for each test.
shared_simulator = pytest.mark.shared_simulator


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A scripted loopback server for one test (tests/loopback.py)."""
    with scripted() as server:
        yield server


@pytest.fixture
def clock() -> ManualClock:
    """The simulator's clock, which only the test moves."""
    return ManualClock()


@pytest.fixture(scope="module")
def module_clock() -> ManualClock:
    """The clock of the module's one simulator (``running``), which only the module's tests move."""
    return ManualClock()


@pytest.fixture(scope="module")
def running(module_clock: ManualClock) -> Iterator[Simulator]:
    """One simulator for the module, when starting a server per test would cost more than the test."""
    with Simulator(clock=module_clock) as simulator:
        yield simulator


@pytest.fixture
def sim(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Simulator]:
    """A simulator with a fresh world: its own server on ``clock``, or in a ``shared_simulator``
    module the module's one server (``running``), reset."""
    if request.node.get_closest_marker("shared_simulator"):
        shared: Simulator = request.getfixturevalue("running")
        shared.reset()
        yield shared
        return
    with Simulator(clock=clock) as simulator:
        yield simulator


def approve(link: str) -> None:
    """What the member's browser does: open the login link (the simulator approves at once)."""
    requests.get(link, timeout=10).raise_for_status()
