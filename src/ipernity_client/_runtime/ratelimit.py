"""A client-side request rate: at most ``calls`` requests in any ``per`` seconds, shared by threads.

ipernity answers 113 (client IP) or 112 (application) once a quota is reached and publishes no
numbers; a limit set below it keeps a long job from being refused at all. One ``RateLimit`` can
be shared by several clients (they then share the budget).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from .errors import ValidationError

__all__ = ["RateLimit"]


class RateLimit:
    """At most ``calls`` requests in any window of ``per`` seconds (a sliding window).

    ``acquire`` blocks the calling thread until its request fits. ``clock`` and ``sleep`` are
    injectable so that tests can drive the window without waiting.
    """

    def __init__(
        self,
        calls: int,
        per: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        problems = []
        if isinstance(calls, bool) or not isinstance(calls, int) or calls < 1:
            problems.append(f"calls must be a positive int, got {calls!r}")
        if isinstance(per, bool) or not isinstance(per, (int, float)) or not per > 0:
            problems.append(f"per must be a positive number of seconds, got {per!r}")
        if problems:
            raise ValidationError("RateLimit", problems)
        self.calls = calls
        self.per = float(per)
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RateLimit(calls={self.calls}, per={self.per})"

    def _delay(self) -> float:
        """Seconds until a request fits, recording it when it fits now. Call with the lock held."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.per:
            self._sent.popleft()
        if len(self._sent) < self.calls:
            self._sent.append(now)
            return 0.0
        return self._sent[0] + self.per - now

    def acquire(self) -> float:
        """Wait until one more request fits in the window; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                delay = self._delay()
            if delay <= 0:
                return waited
            self._sleep(delay)
            waited += delay
