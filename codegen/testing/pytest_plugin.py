"""The ``ipernity_simulator`` pytest fixture, registered through the ``pytest11`` entry point.

def test_upload(ipernity_simulator):
    client = ipernity_simulator.client(perms={"doc": "write"})
    ticket = client.upload.file(file=b"...", title="A test")
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import Simulator


@pytest.fixture
def ipernity_simulator() -> Iterator[Simulator]:
    """A started Simulator with fresh state, stopped after the test."""
    with Simulator() as simulator:
        yield simulator
