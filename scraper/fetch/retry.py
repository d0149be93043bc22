"""Layer 2 of 7 (``fetcher.LAYERS``): the retry policy (tenacity): what is retried, how long to wait, how often.

Retried: timeouts, connection errors (refused, reset, dropped before a response) and the statuses in
``FetchOptions.retry_statuses`` (408/425/429/500/502/503/504). Never retried: 404/410 and every other
status, robots, host, size and block failures. The wait before retry *n* is the server's ``Retry-After``
when it sent one (seconds or an HTTP date, capped by ``max_retry_after``), else ``base * 2**(n-1)`` plus a
random jitter in ``[0, base]``, capped by ``Backoff.max``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base

from ..errors import ConnectionFailed, FetchTimeout, HTTPStatusError

__all__ = [
    "DEFAULT_BACKOFF",
    "RETRYABLE",
    "Backoff",
    "RetryableStatus",
    "make_retrying",
    "parse_retry_after",
]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff between retries (seconds); tests shrink it to keep the suite fast."""

    base: float = 2.0  # first retry after 2-4 s: a hiccup on a real site deserves a real pause
    max: float = 60.0  # never wait longer than a minute between two tries (unless Retry-After says so)
    max_host_delay: float = 30.0  # a host that keeps answering 429/503 is slowed down to 1 request / 30 s


DEFAULT_BACKOFF = Backoff()


class RetryableStatus(Exception):
    """Internal signal: the server answered a retryable status. Never escapes the ``Fetcher``:
    when the retries are spent, its ``error`` is raised instead."""

    def __init__(self, error: HTTPStatusError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if unusable.

    A date in the past gives 0.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():  # str.isdigit() is true for '²' and other non-ASCII digits too
        return float(value) if value.isascii() else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class _RetryAfterOrBackoff(wait_base):
    """Wait as the server asked (capped), else exponential backoff with jitter."""

    def __init__(self, backoff: Backoff, max_retry_after: float, rng: random.Random) -> None:
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._rng = rng

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        return self.seconds(retry_state.attempt_number, exc)

    def seconds(self, attempt_number: int, exc: BaseException | None) -> float:
        """The wait after failed attempt ``attempt_number`` (1-based) that raised ``exc``."""
        if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
            return min(exc.retry_after, self._max_retry_after)
        base = self._backoff.base
        exp = base * 2.0 ** (attempt_number - 1) + self._rng.uniform(0, base)
        return min(exp, self._backoff.max)


RETRYABLE = (RetryableStatus, FetchTimeout, ConnectionFailed)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RETRYABLE)


def make_retrying(
    *, retries: int, backoff: Backoff, max_retry_after: float, rng: random.Random | None = None
) -> AsyncRetrying:
    """A fresh tenacity loop: ``retries`` retries after the first attempt; the last error is re-raised."""
    return AsyncRetrying(
        stop=stop_after_attempt(max(0, retries) + 1),
        wait=_RetryAfterOrBackoff(backoff, max_retry_after, rng or random.Random()),
        retry=retry_if_exception(_is_retryable),
        reraise=True,
    )
