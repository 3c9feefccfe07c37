"""When and how a failed call is tried again: the same policy for every protocol."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from .errors import ApiError, InvalidResponseError, IpernityError, TransportError
from .operation import Operation

RETRYABLE_HTTP = frozenset({429, 502, 503, 504})
# 112 (application quota) and 113 (client IP quota): refused before the method ran, so nothing
# was done and even a write may be sent again once the quota window has moved on.
RATE_LIMIT_CODES = frozenset({112, 113})
# HTTP statuses that may carry a Retry-After header worth honouring (RFC 9110 10.2.3).
RETRY_AFTER_HTTP = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """The wait a Retry-After header asks for (seconds or an HTTP date), or None if unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def is_rate_limited(error: IpernityError) -> bool:
    """Whether ``error`` says a request quota was reached (112, 113 or HTTP 429): nothing was done."""
    if isinstance(error, ApiError):
        return error.code in RATE_LIMIT_CODES or error.http_status == 429
    return isinstance(error, InvalidResponseError) and error.status == 429


class RetryPolicy:
    """Retry reads on transport failures, retryable API errors and gateway errors.

    Methods that must be POSTed change data; they are not retried unless ``retry_writes`` is
    set, so that a write is never sent twice behind the caller's back. A request quota error
    (112, 113, HTTP 429) proves nothing was done, so it is retried for writes too, up to
    ``rate_limit_attempts`` tries, waiting ``rate_limit_backoff`` seconds and doubling. A
    ``Retry-After`` header on a 429 or 503 reply sets the wait (at most ``max_retry_after``).
    """

    __slots__ = (
        "attempts",
        "backoff",
        "max_backoff",
        "retry_writes",
        "rate_limit_attempts",
        "rate_limit_backoff",
        "max_retry_after",
        "sleep",
    )

    def __init__(
        self,
        attempts: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        retry_writes: bool = False,
        *,
        rate_limit_attempts: int = 5,
        rate_limit_backoff: float = 2.0,
        max_retry_after: float = 120.0,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.retry_writes = retry_writes
        self.rate_limit_attempts = rate_limit_attempts
        self.rate_limit_backoff = rate_limit_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(attempts={self.attempts}, backoff={self.backoff}, "
            f"max_backoff={self.max_backoff}, retry_writes={self.retry_writes}, "
            f"rate_limit_attempts={self.rate_limit_attempts}, rate_limit_backoff={self.rate_limit_backoff})"
        )

    def should_retry(self, operation: Operation, error: IpernityError, attempt: int) -> bool:
        if is_rate_limited(error):
            return attempt < self.rate_limit_attempts
        if attempt >= self.attempts or (operation.post and not self.retry_writes):
            return False
        if isinstance(error, TransportError):
            return True
        if isinstance(error, ApiError):
            return error.retryable
        if isinstance(error, InvalidResponseError):
            return error.status in RETRYABLE_HTTP
        return False

    def delay(self, attempt: int, error: IpernityError | None = None, retry_after: str | None = None) -> float:
        """Seconds to wait before try ``attempt + 1``: Retry-After when sent, else backoff with jitter."""
        status = _http_status(error)
        asked = retry_after_seconds(retry_after) if status in RETRY_AFTER_HTTP else None
        if asked is not None:
            return min(asked, self.max_retry_after)
        if error is not None and is_rate_limited(error):
            ceiling = min(self.max_retry_after, self.rate_limit_backoff * (2.0 ** (attempt - 1)))
        else:
            ceiling = min(self.max_backoff, self.backoff * (2.0 ** (attempt - 1)))
        return ceiling * (0.5 + random.random() / 2)


def _http_status(error: IpernityError | None) -> int | None:
    if isinstance(error, ApiError):
        return error.http_status
    if isinstance(error, InvalidResponseError):
        return error.status
    return None
