"""When and how a failed call is tried again: the same policy for every protocol."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..errors import ApiError, InvalidResponseError, IpernityError, TransportError
from .operation import Operation

RETRYABLE_HTTP = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Retry reads on transport failures, retryable API errors and gateway errors.

    Methods that must be POSTed change data; they are not retried unless ``retry_writes`` is
    set, so that a write is never sent twice behind the caller's back.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    retry_writes: bool = False

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
        ceiling = min(self.max_backoff, self.backoff * (2.0 ** (attempt - 1)))
        return ceiling * (0.5 + random.random() / 2)
