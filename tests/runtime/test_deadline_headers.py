"""The deadline holds while a server drips its status line and headers, not only its body.

Socket timeouts bound each read: a byte every 0.2 s keeps a (1 s, 1 s) timeout from ever firing.
The client's watchdog shuts the connection at the deadline instead, and the call says so.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

import ipernity_client
from ipernity_client import errors

REPLY = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 43\r\n\r\n{"api":{"status":"ok"},"hello":"world"}    '


@pytest.fixture
def dripping() -> Iterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 that answers the first call a byte every 0.2 s and later calls at once.

    It notes how many bytes of the first reply it could send before the client hung up.
    """
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)  # so that the loop sees ``stop`` soon after the test
    stop = threading.Event()
    sent = [0]

    def serve() -> None:
        first = True
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(5)
            with connection:
                connection.recv(65536)
                try:
                    if first:
                        first = False
                        for byte in REPLY:
                            if stop.wait(0.2):
                                return
                            connection.sendall(bytes([byte]))
                            sent[0] += 1
                    else:
                        connection.sendall(REPLY)
                except OSError:
                    continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", sent
    stop.set()
    server.close()
    thread.join(5)


def test_headers_dripped_a_byte_at_a_time_end_at_the_deadline(dripping: tuple[str, list[int]]) -> None:
    url, sent = dripping
    client = ipernity_client.Client("key", endpoint=url, timeout=(1, 1), deadline=1.0, retry=None)
    with pytest.raises(errors.RequestTimeoutError, match="did not arrive before the deadline"):
        client.test.hello()
    # At 5 bytes a second the 1 s deadline leaves room for a handful of the reply's 114 bytes.
    assert 0 < sent[0] < len(REPLY) // 4, sent
    assert client.test.hello() == "world"  # the next call gets a fresh connection
