"""What the runtime tests against the simulator share: a client with write access for the demo member."""

from __future__ import annotations

import pytest

import ipernity_client
from ipernity_client.testing import Simulator


@pytest.fixture
def client(sim: Simulator) -> ipernity_client.Client:
    return sim.client(perms={"doc": "write"})
