"""What every test folder shares: the protocol and format combinations, and the ``loopback`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
