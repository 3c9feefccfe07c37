"""Failures the simulator can inject, so tests see what a real network and service do to a client.

A Fault says what goes wrong; the FaultPlan says when: for one method or every call, for the
next N calls (scripted) or at a rate (seeded, so a test run is reproducible). Error replies and
HTML pages are sent instead of running the call; slow, dropped and truncated replies happen after
the call ran, as when the reply is lost on its way back (the write took place).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["error", "html", "slow", "drop", "truncate"]


@dataclass(frozen=True)
class Fault:
    """One injected failure; build it with the class methods."""

    kind: FaultKind
    code: int = 0
    seconds: float = 0.0

    @classmethod
    def error(cls, code: int) -> Fault:
        """An ipernity error reply with ``code`` (500, 501, 503, 112, 113 or a method's own code)."""
        return cls("error", code=code)

    @classmethod
    def html(cls, status: int = 502) -> Fault:
        """An HTML error page with this HTTP status, as a proxy in front of the service sends."""
        return cls("html", code=status)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """The normal reply, ``seconds`` late (longer than the client's timeout to make it time out)."""
        return cls("slow", seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        """The connection closes with no reply at all."""
        return cls("drop")

    @classmethod
    def truncate(cls) -> Fault:
        """The headers promise the whole body but only half of it is sent before the connection closes."""
        return cls("truncate")


@dataclass
class _Rule:
    fault: Fault
    method: str | None
    remaining: int | None
    rate: float


class FaultPlan:
    """The faults to inject, checked in the order they were added; the first that fires wins."""

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)

    def script(self, fault: Fault, *, method: str | None = None, times: int = 1) -> None:
        """Inject ``fault`` into the next ``times`` calls of ``method`` (every method when None)."""
        with self._lock:
            self._rules.append(_Rule(fault, method, times, 1.0))

    def rate(self, fault: Fault, rate: float, *, method: str | None = None) -> None:
        """Inject ``fault`` into a share ``rate`` (0 to 1) of the calls of ``method``, until cleared."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        with self._lock:
            self._rules.append(_Rule(fault, method, None, rate))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pick(self, method: str) -> Fault | None:
        """The fault for this call of ``method``, if any; a scripted fault is used up."""
        with self._lock:
            for rule in self._rules:
                if rule.method not in (None, method):
                    continue
                if rule.rate < 1.0 and self._random.random() >= rule.rate:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                return rule.fault
            return None
