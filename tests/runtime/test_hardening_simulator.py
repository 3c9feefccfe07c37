"""The client against the simulator under load and with awkward text: no reset, no 500, no 105.

``CONCURRENT_CALLS`` calls per thread keep ``make test`` fast; ``make soak`` runs the same
check with 1,000 calls per thread (bench/soak.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from ipernity_client.testing import Simulator

from ..conftest import every_protocol

THREADS = 16
CONCURRENT_CALLS = 100


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


def hammer(sim: Simulator, threads: int, calls: int) -> list[BaseException]:
    """``threads`` threads sharing one client, ``calls`` test.echo each; every failure, in order."""
    client = sim.client(retry=None, pool_size=threads)
    failures: list[BaseException] = []

    def run(thread: int) -> None:
        for index in range(calls):
            try:
                text = f"{thread}-{index}"
                if client.test.echo(echo=text) != text:
                    failures.append(AssertionError(text))
            except Exception as exc:  # counted, not raised: the test reports them all
                failures.append(exc)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))
    client.close()
    return failures


def test_sixteen_threads_on_one_client_see_no_error(sim: Simulator) -> None:
    """The simulator's listen backlog holds 16 threads connecting at once (socketserver's 5 did not)."""
    assert hammer(sim, THREADS, CONCURRENT_CALLS) == []
    assert sim.log.count("test.echo") >= THREADS * CONCURRENT_CALLS


@every_protocol
def test_carriage_returns_round_trip(sim: Simulator, protocol: str, fmt: str) -> None:
    """Windows and web-form text: the CR survives the envelope and the signature still matches."""
    client = sim.client(protocol=protocol, format=fmt, retry=None)
    assert client.test.echo(echo="a\r\nb") == "a\r\nb"
    assert client.test.echo(echo="one\rtwo\r\n\r\nthree") == "one\rtwo\r\n\r\nthree"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("text", ["nul \x00 here", "bell\x07", "\x01x\x1f", "tab\tand\x0b"])
def test_control_characters_in_test_echo_get_an_answer(sim: Simulator, fmt: str, text: str) -> None:
    """Not a 500: the echo comes back without what XML cannot carry (REST; SOAP and XML-RPC refuse to send it)."""
    client = sim.client(format=fmt, retry=None)
    expected = "".join(char for char in text if char in "\t\n\r" or ord(char) >= 0x20)
    assert client.test.echo(echo=text) == expected


def test_control_characters_stored_by_a_write_do_not_break_later_reads(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"}, retry=None)
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg", title="Car")
    client.doc.set(doc_id=doc.doc_id, title="My\x01 car\x00")
    assert client.doc.get(doc_id=doc.doc_id).title == "My car"
