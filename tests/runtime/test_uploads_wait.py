"""client.upload.wait and file_and_wait against the simulator, its clock moved only by the wait's sleeps."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest

import ipernity_client
from ipernity_client.testing import Fault, ManualClock, Simulator
from ipernity_client.uploads import UploadTicketError, UploadTimeoutError

UPLOAD_SECONDS = 5.0


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[Simulator]:
    with Simulator(clock=clock, upload_seconds=UPLOAD_SECONDS) as simulator:
        yield simulator


class Sleeps:
    """A ``sleep`` that moves the simulator's clock and records what was asked, with the time."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.clock.advance(seconds)


def checked_tickets(sim: Simulator) -> list[list[str]]:
    """The tickets sent in each upload.checkTickets call, in order."""
    return [call.params["tickets"].split(",") for call in sim.log.calls("upload.checkTickets")]


def test_wait_returns_each_ticket_done_with_its_document_in_the_order_given(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock
) -> None:
    tickets = [client.upload.file(file=f"photo {n}".encode(), title=f"n{n}") for n in range(3)]
    results = client.upload.wait(list(reversed(tickets)), sleep=Sleeps(clock))
    assert [r.id for r in results] == list(reversed(tickets))
    assert all(r.done and r.doc_id for r in results)
    titles = {client.doc.get(doc_id=r.doc_id).title for r in results if r.doc_id}
    assert titles == {"n0", "n1", "n2"}


def test_wait_never_asks_before_the_eta_nor_again_once_done(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock
) -> None:
    first = client.upload.file(file=b"first")
    clock.advance(3)
    second = client.upload.file(file=b"second")  # done 3 s after the first
    sleeps = Sleeps(clock)
    client.upload.wait([first, second], sleep=sleeps)
    calls = checked_tickets(sim)
    # at 3 s both are pending (etas 2 and 5): next ask at the first's eta, then only the second.
    assert calls == [[first, second], [first], [second]]
    assert sleeps.asked == [2.0, 3.0]


def test_wait_asks_at_most_50_tickets_a_call(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock
) -> None:
    tickets = [client.upload.file(file=f"{n}".encode()) for n in range(120)]
    results = client.upload.wait(tickets, sleep=Sleeps(clock))
    assert len(results) == 120
    sizes = [len(call) for call in checked_tickets(sim)]
    assert max(sizes) == 50
    assert sum(sizes) == 240  # each ticket asked twice: before its eta and once done


def test_an_invalid_ticket_is_named_and_the_others_results_are_kept(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock
) -> None:
    good = client.upload.file(file=b"good")
    with pytest.raises(UploadTicketError) as raised:
        client.upload.wait([good, "999999"], sleep=Sleeps(clock))
    assert raised.value.invalid == ["999999"]
    assert "999999" in str(raised.value)
    assert raised.value.done[good].doc_id is not None
    assert not isinstance(raised.value, UploadTimeoutError)
    copy = pickle.loads(pickle.dumps(raised.value))
    assert (copy.invalid, str(copy), copy.done) == (raised.value.invalid, str(raised.value), raised.value.done)


def test_the_timeout_bounds_the_whole_wait(sim: Simulator, client: ipernity_client.Client, clock: ManualClock) -> None:
    ticket = client.upload.file(file=b"slow")
    sleeps = Sleeps(clock)
    with pytest.raises(UploadTimeoutError) as raised:
        client.upload.wait([ticket], timeout=3, sleep=sleeps)
    assert raised.value.pending == [ticket]
    assert sum(sleeps.asked) <= 3
    assert len(checked_tickets(sim)) == 1


def test_a_single_ticket_string_is_accepted(client: ipernity_client.Client, clock: ManualClock) -> None:
    ticket = client.upload.file(file=b"one")
    (result,) = client.upload.wait(ticket, sleep=Sleeps(clock))
    assert result.id == ticket


def test_file_and_wait_gives_the_new_document(client: ipernity_client.Client, clock: ManualClock) -> None:
    doc = client.upload.file_and_wait(file=b"pixels", title="Waited for", keywords="a,b", sleep=Sleeps(clock))
    assert doc.title == "Waited for"
    assert doc.original is not None and doc.original.bytes == len(b"pixels")


def test_file_and_wait_sets_async_itself(client: ipernity_client.Client) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="async"):
        client.upload.file_and_wait(file=b"x", async_=False)


@pytest.mark.parametrize(
    ("tickets", "timeout", "expected"),
    [
        (None, 600, "tickets: expected a ticket or a list of tickets, got NoneType"),
        ([b"712000"], 600, "tickets: every ticket must be the text"),
        (["712000"], -1, "timeout: expected seconds"),
        (["712000"], "10", "timeout: expected seconds"),
    ],
)
def test_bad_arguments_are_refused_before_asking(
    sim: Simulator, client: ipernity_client.Client, tickets: object, timeout: object, expected: str
) -> None:
    with pytest.raises(ipernity_client.ValidationError, match=expected):
        client.upload.wait(tickets, timeout=timeout)  # type: ignore[arg-type]
    assert sim.log.count("upload.checkTickets") == 0


def test_error_1_on_a_batch_is_narrowed_down_to_the_unknown_tickets(
    sim: Simulator, client: ipernity_client.Client, clock: ManualClock
) -> None:
    """Where ipernity refuses a whole call for an unknown ticket, each is asked about alone."""
    good = [client.upload.file(file=f"{n}".encode()) for n in range(2)]
    clock.advance(UPLOAD_SECONDS)
    sim.faults.script(Fault.error(1), method="upload.checkTickets", times=1)
    with pytest.raises(UploadTicketError) as raised:
        client.upload.wait([*good, "999999"], sleep=Sleeps(clock))
    assert raised.value.invalid == ["999999"]
    assert sorted(raised.value.done) == sorted(good)
    assert checked_tickets(sim) == [[*good, "999999"], [good[0]], [good[1]], ["999999"]]


def test_other_errors_of_the_poll_are_raised(sim: Simulator, client: ipernity_client.Client) -> None:
    ticket = client.upload.file(file=b"x")
    sim.faults.script(Fault.error(110), method="upload.checkTickets", times=1)
    with pytest.raises(ipernity_client.errors.InsufficientPermissionsError):
        client.upload.wait(ticket)
