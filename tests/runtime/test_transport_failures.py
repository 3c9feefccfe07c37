"""Transport failures named for what they are: an attempt past its `attempt_deadline` (cut, and a read
tried again), a refused connection (not a timeout)."""

from __future__ import annotations

import logging
import socket

import pytest

import ipernity_client
from ipernity_client import errors

from .test_hardening_replies import answer, drip, make, raw_server

BODY = b'{"api": {"status": "ok"}, "echo": "' + b"a" * 200 + b'"}'


def test_a_dripped_attempt_is_cut_and_the_read_retried(caplog: pytest.LogCaptureFixture) -> None:
    """The first reply would take 10 s, a byte well within each read timeout; the second comes at once."""
    sent: list[int] = []
    slow, quick = drip(BODY, 0.05, sent), answer("200 OK", BODY, "Content-Type: application/json")
    seen: list[bytes] = []

    def write(conn: socket.socket, request: bytes) -> None:
        seen.append(request)
        (slow if len(seen) == 1 else quick)(conn, request)

    retry = ipernity_client.RetryPolicy(backoff=0.0)
    with raw_server(write) as (url, _), caplog.at_level(logging.INFO, logger="ipernity_client"):
        client = make(url, timeout=(5, 5), deadline=60, attempt_deadline=0.5, retry=retry)
        assert client.test.echo(echo="x") == "a" * 200
    assert len(seen) == 2 and len(sent) < len(BODY)
    (line,) = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO]
    assert "RequestTimeoutError" in line and "attempt 2" in line


def test_a_write_cut_by_its_attempt_deadline_is_not_sent_again() -> None:
    sent: list[int] = []
    with raw_server(drip(BODY, 0.05, sent)) as (url, seen):
        with pytest.raises(errors.RequestTimeoutError) as caught:
            make(url, attempt_deadline=0.5, retry=ipernity_client.RetryPolicy(backoff=0.0)).doc.tags.add(
                doc_id=1, keywords="cat"
            )
    assert len(seen) == 1 and "deadline" in caught.value.reason


@pytest.mark.parametrize("value", [0, -1, float("inf"), "5", True])
def test_attempt_deadline_is_checked_with_the_other_arguments(value: object) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        ipernity_client.Client("key", attempt_deadline=value)  # type: ignore[arg-type]
    assert caught.value.problems == [f"attempt_deadline must be a positive number of seconds or None, got {value!r}"]


def test_a_refused_connection_is_a_connection_failure_not_a_timeout() -> None:
    """urllib3's NewConnectionError subclasses ConnectTimeoutError; a refusal is not a slow server."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}"
    with pytest.raises(errors.TransportError) as caught:
        make(url).test.echo(echo="x")
    assert type(caught.value) is errors.ConnectionFailedError
    assert caught.value.reason == "could not connect (refused or unreachable)"


def test_a_refused_reply_is_logged_with_its_status(caplog: pytest.LogCaptureFixture) -> None:
    """A redirect never becomes a reply, yet it came with a status: the DEBUG line shows it."""
    with raw_server(answer("302 Found", b"", "Location: http://elsewhere.invalid/")) as (url, _):
        with caplog.at_level(logging.DEBUG, logger="ipernity_client"), pytest.raises(errors.RedirectError):
            make(url).test.echo(echo="x")
    (line,) = [record.getMessage() for record in caplog.records if record.name == "ipernity_client"]
    assert "-> RedirectError, HTTP 302 in" in line
