"""When and how a failed call is tried again: the same policy for every protocol."""

from __future__ import annotations

from .errors import ApiError, InvalidResponseError, IpernityError, TransportError
from .operation import Operation

RETRYABLE_HTTP = frozenset({429, 502, 503, 504})


class RetryPolicy:
    """Retry reads on transport failures, retryable API errors and gateway errors.

    Methods that must be POSTed change data; they are not retried unless ``retry_writes`` is
    set, so that a write is never sent twice behind the caller's back.
    """

    __slots__ = ("attempts", "backoff", "max_backoff", "retry_writes")

    def __init__(
        self, attempts: int = 3, backoff: float = 0.5, max_backoff: float = 8.0, retry_writes: bool = False
    ) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.retry_writes = retry_writes

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(attempts={self.attempts}, backoff={self.backoff}, "
            f"max_backoff={self.max_backoff}, retry_writes={self.retry_writes})"
        )

    def should_retry(self, operation: Operation, error: IpernityError, attempt: int) -> bool:
        if attempt >= self.attempts or (operation.post and not self.retry_writes):
            return False
        if isinstance(error, TransportError):
            return True
        if isinstance(error, ApiError):
            return error.retryable
        if isinstance(error, InvalidResponseError):
            return error.status in RETRYABLE_HTTP
        return False

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, in seconds, before try ``attempt + 1``."""
        import random

        ceiling = min(self.max_backoff, self.backoff * (2.0 ** (attempt - 1)))
        return ceiling * (0.5 + random.random() / 2)
