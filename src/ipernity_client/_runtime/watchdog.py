"""Ending a call at its deadline while the server is still sending the status line and headers.

Socket timeouts bound each read, not their sum: a server that sends its headers a byte at a time
keeps every read short and the call alive for as long as it likes. While the headers arrive, a
watchdog shuts the call's connection down when the deadline passes; the pending read then fails
at once and the transport reports the call as timed out. One thread serves every client; it
knows the connection through the urllib3 pool of requests' own HTTPAdapter (a caller's other
adapters are left alone). The body is bounded by the transport's reading loop itself.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

_lock = threading.Condition()
_due: list[tuple[float, int, Watch]] = []
_order = itertools.count()
_thread: threading.Thread | None = None
# Connections handed out by a tracked pool, by the thread they were handed to.
_handed: dict[int, list[Any]] = {}
_pools: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


class HeadersLate(requests.exceptions.ReadTimeout):
    """The watchdog shut the connection: the headers had not all arrived by the deadline."""


class Watch:
    """One call's header phase: the connections to shut down, and whether that happened."""

    __slots__ = ("connections", "expired", "done")

    def __init__(self) -> None:
        self.connections: list[Any] = []
        self.expired = False
        self.done = False

    def expire(self) -> None:
        for connection in self.connections:
            sock = getattr(connection, "sock", None)
            if sock is not None:
                self.expired = True
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _run() -> None:
    """Wake at the next deadline and expire the watches whose call is still waiting for headers."""
    with _lock:
        while True:
            while not _due:
                _lock.wait()
            when, _, watch = _due[0]
            left = when - time.monotonic()
            if left > 0:
                _lock.wait(min(left, 3600.0))
                continue
            heapq.heappop(_due)
            if not watch.done:
                watch.expire()


def _track(pool: Any) -> None:
    """Make ``pool`` note which connection it hands to which thread (once per pool)."""
    with _lock:
        if getattr(pool, "_ipernity_watched", False):
            return
        hand_out = pool._get_conn

        def _get_conn(*args: Any, **kwargs: Any) -> Any:
            connection = hand_out(*args, **kwargs)
            handed = _handed.get(threading.get_ident())
            if handed is not None:
                handed.append(connection)
            return connection

        pool._get_conn = _get_conn
        pool._ipernity_watched = True


def _pool(adapter: Any, prepared: requests.PreparedRequest, settings: dict[str, Any]) -> Any:
    """The urllib3 pool ``adapter`` will send ``prepared`` through, or None for another kind of adapter.

    Looked up once per adapter and origin (the look-up costs about as much as the rest of the
    watch); a pool the adapter has since closed is looked up again.
    """
    if not isinstance(adapter, requests.adapters.HTTPAdapter):
        return None
    origin = "/".join(str(prepared.url).split("/", 3)[:3])
    known = _pools.setdefault(adapter, {})
    pool = known.get(origin)
    if pool is not None and getattr(pool, "pool", None) is not None:
        return pool
    try:
        pool = adapter.get_connection_with_tls_context(
            prepared, verify=settings.get("verify", True), proxies=settings.get("proxies"), cert=settings.get("cert")
        )
    except Exception:  # whatever the adapter would raise, it raises again when it sends
        return None
    known[origin] = pool
    return pool


@contextmanager
def headers_by(
    deadline: float | None, adapter: Any, prepared: requests.PreparedRequest, settings: dict[str, Any]
) -> Iterator[Watch]:
    """Watch the sending of ``prepared`` until its headers are in; shut it down at ``deadline``."""
    global _thread
    watch = Watch()
    pool = None if deadline is None else _pool(adapter, prepared, settings)
    if deadline is None or pool is None:
        yield watch
        return
    _track(pool)
    me = threading.get_ident()
    _handed[me] = watch.connections
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="ipernity-client-deadlines", daemon=True)
            _thread.start()
        if len(_due) > 256:  # finished calls wait for their deadline in the heap: sweep them now and then
            _due[:] = [entry for entry in _due if not entry[2].done]
            heapq.heapify(_due)
        sooner = not _due or deadline < _due[0][0]
        heapq.heappush(_due, (deadline, next(_order), watch))  # the counter breaks ties: watches are never compared
        if sooner:  # waking the thread costs a switch: only when it must wake earlier than planned
            _lock.notify()
    try:
        yield watch
    finally:
        watch.done = True
        _handed.pop(me, None)
