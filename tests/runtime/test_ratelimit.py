"""The client-side RateLimit, retries on request quota errors (112, 113) and Retry-After on 429/503."""

from __future__ import annotations

import threading
from email.utils import formatdate

import pytest

import ipernity_client
from ipernity_client.errors import ApplicationQuotaError, ClientIpQuotaError
from ipernity_client.testing import Fault, ManualClock, Simulator
from ipernity_client.testing import RateLimit as ServerRateLimit
from tests.loopback import Reply, Request, serve

DOC_GET_OK = '{"api": {"status": "ok"}, "doc": {"doc_id": "1", "title": "after the wait"}}'


class FakeTime:
    """A clock and a sleep for the limiter: sleeping moves the clock (and the simulator's, if given)."""

    def __init__(self, clock: ManualClock | None = None) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self._clock = clock

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        if self._clock is not None:
            self._clock.advance(seconds)


def test_a_rate_limit_lets_calls_through_its_window_and_waits_for_the_next() -> None:
    fake = FakeTime()
    limit = ipernity_client.RateLimit(calls=3, per=2.0, clock=fake, sleep=fake.sleep)
    waits = [limit.acquire() for _ in range(7)]
    assert waits == [0, 0, 0, 2.0, 0, 0, 2.0]
    assert fake.slept == [2.0, 2.0]


def test_a_rate_limit_is_shared_by_threads() -> None:
    fake = FakeTime()
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            fake.sleep(seconds)

    limit = ipernity_client.RateLimit(calls=5, per=1.0, clock=fake, sleep=sleep)
    threads = [threading.Thread(target=limit.acquire) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.now >= 2.0  # 12 calls at 5 a second need two more windows


@pytest.mark.parametrize(("calls", "per"), [(0, 1.0), (-1, 1.0), (3, 0), (True, 1.0), ("5", 1.0)])
def test_a_bad_rate_limit_is_refused(calls: object, per: object) -> None:
    with pytest.raises(ipernity_client.ValidationError, match="RateLimit"):
        ipernity_client.RateLimit(calls=calls, per=per)  # type: ignore[arg-type]


def test_a_client_under_its_limit_never_meets_the_servers(sim: Simulator, clock: ManualClock) -> None:
    sim.rate_limit = ServerRateLimit(requests=4, seconds=1)
    fake = FakeTime(clock)
    client = sim.client(rate_limit=ipernity_client.RateLimit(calls=4, per=1.0, clock=fake, sleep=fake.sleep))
    for _ in range(10):
        client.test.echo(echo="hi")
    codes = [call.code for call in sim.log.calls("test.echo")]
    assert len(codes) == 10 and 113 not in codes
    assert fake.now == pytest.approx(2.0)
    unlimited = sim.client(retry=None)
    with pytest.raises(ClientIpQuotaError):
        for _ in range(5):
            unlimited.test.echo(echo="hi")


def test_error_113_is_waited_out_and_a_read_retried(sim: Simulator) -> None:
    slept: list[float] = []
    client = sim.client(retry=ipernity_client.RetryPolicy(sleep=slept.append))
    sim.faults.script(Fault.error(113), method="test.echo", times=3)
    assert client.test.echo(echo="hi") is not None
    assert len(slept) == 3
    assert slept == sorted(slept)  # backing off
    assert sim.log.count("test.echo") == 4


def test_error_112_is_retried_too_but_not_for_ever(sim: Simulator) -> None:
    slept: list[float] = []
    client = sim.client(retry=ipernity_client.RetryPolicy(rate_limit_attempts=3, sleep=slept.append))
    sim.faults.script(Fault.error(112), method="test.echo", times=5)
    with pytest.raises(ApplicationQuotaError):
        client.test.echo(echo="hi")
    assert len(slept) == 2
    assert sim.log.count("test.echo") == 3


def test_a_write_refused_with_113_is_sent_again_since_nothing_was_done(sim: Simulator) -> None:
    slept: list[float] = []
    client = sim.client(perms={"doc": "write"}, retry=ipernity_client.RetryPolicy(sleep=slept.append))
    sim.faults.script(Fault.error(113), method="album.create", times=1)
    before = len(sim.state.albums)
    client.album.create(title="Once")
    assert len(sim.state.albums) == before + 1
    assert len(slept) == 1


def test_no_retry_policy_means_113_is_raised_at_once(sim: Simulator) -> None:
    client = sim.client(retry=None)
    sim.faults.script(Fault.error(113), method="test.echo", times=1)
    with pytest.raises(ClientIpQuotaError):
        client.test.echo(echo="hi")


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_is_honoured(status: int) -> None:
    replies = [Reply(status, "<html>busy</html>", "text/html", headers={"Retry-After": "7"}), Reply(200, DOC_GET_OK)]

    def respond(request: Request) -> Reply:
        return replies.pop(0)

    slept: list[float] = []
    with serve(respond) as url:
        client = ipernity_client.Client("key", endpoint=url, retry=ipernity_client.RetryPolicy(sleep=slept.append))
        assert client.doc.get(doc_id=1).title == "after the wait"
    assert slept == [7.0]


def test_retry_after_as_an_http_date_and_capped() -> None:
    far = formatdate(timeval=4_000_000_000, usegmt=True)
    replies = [Reply(429, "", "text/plain", headers={"Retry-After": far}), Reply(200, DOC_GET_OK)]
    slept: list[float] = []
    with serve(lambda request: replies.pop(0)) as url:
        policy = ipernity_client.RetryPolicy(max_retry_after=30, sleep=slept.append)
        ipernity_client.Client("key", endpoint=url, retry=policy).doc.get(doc_id=1)
    assert slept == [30.0]


def test_retry_after_on_a_write_is_not_a_reason_to_send_it_again() -> None:
    calls: list[str] = []

    def respond(request: Request) -> Reply:
        calls.append(request.target)
        return Reply(503, "<html>busy</html>", "text/html", headers={"Retry-After": "1"})

    with serve(respond) as url:
        client = ipernity_client.Client("key", "secret", "token", endpoint=url)
        with pytest.raises(ipernity_client.IpernityError):
            client.album.create(title="x")
    assert len(calls) == 1
