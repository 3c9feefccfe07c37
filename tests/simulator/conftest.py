"""The simulator the tests of this folder talk to: fresh for each test, on a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipernity_client.testing import ManualClock, Simulator


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[Simulator]:
    with Simulator(clock=clock) as simulator:
        yield simulator
