"""scraper.fetch.retry: Retry-After parsing and the wait before each retry."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest
from tenacity import RetryCallState

from scraper.errors import ConnectionFailed, HTTPStatusError
from scraper.fetch.retry import Backoff, RetryableStatus, _RetryAfterOrBackoff, parse_retry_after

NOW = datetime(2025, 10, 16, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("Thu, 16 Oct 2025 12:00:30 GMT", 30.0),
        ("Thursday, 16-Oct-25 12:01:00 GMT", 60.0),  # obsolete RFC 850 form
        ("Thu, 16 Oct 2025 11:00:00 GMT", 0.0),  # in the past
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def state(attempt: int, exc: BaseException) -> RetryCallState:
    s = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
    s.attempt_number = attempt
    s.set_exception((type(exc), exc, None))
    return s


def status_error(retry_after: float | None) -> RetryableStatus:
    return RetryableStatus(HTTPStatusError("x", status=429), retry_after)


def test_wait_is_the_servers_retry_after_capped() -> None:
    wait = _RetryAfterOrBackoff(Backoff(base=1.0, max=10.0), 120.0, random.Random(1))
    assert wait(state(1, status_error(7.0))) == 7.0
    assert wait(state(1, status_error(0.0))) == 0.0
    assert wait(state(1, status_error(9999.0))) == 120.0


def test_wait_is_exponential_with_jitter_otherwise() -> None:
    wait = _RetryAfterOrBackoff(Backoff(base=1.0, max=10.0), 120.0, random.Random(1))
    for attempt, low in ((1, 1.0), (2, 2.0), (3, 4.0)):
        waits = {wait(state(attempt, ConnectionFailed("x"))) for _ in range(20)}
        assert all(low <= w <= low + 1.0 for w in waits)
        assert len(waits) > 1
    assert wait(state(3, status_error(None))) >= 4.0
    assert wait(state(10, ConnectionFailed("x"))) == 10.0


def test_default_backoff_is_polite() -> None:
    backoff = Backoff()
    assert backoff.base >= 1.0 and backoff.max >= 30.0
