"""Layer 5 of 7 (``fetcher.LAYERS``): per-host politeness: a concurrency cap, a minimum jittered spacing between request starts,
a slow-down when a host answers 429/503 (and back to normal on successes), plus an overall cap.

Spacing is measured start to start: with ``delay=1`` a host sees at most about one request per second
whatever ``per_host`` is; ``per_host`` only bounds how many are in flight (slow responses).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

__all__ = ["HostLimiter"]

JITTER = 0.5  # each spacing is delay * uniform(1 - JITTER, 1 + JITTER)
SLOWDOWN_FACTOR = 2.0  # a 429/503 doubles the host's delay ...
RECOVERY = 0.5  # ... and each success halves the distance back to the base delay


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    base: float
    delay: float
    next_start: float = 0.0
    paused_until: float = 0.0  # Retry-After: no request starts before this, even one already waiting


class HostLimiter:
    """Hands out request slots per host (``host`` or ``host:port``).

    ``slow_down(host)`` after a 429/503 doubles its delay (at least ``min_penalty``, at most
    ``max_delay``); ``pause(host, s)`` holds every request to it for ``s`` seconds (Retry-After), those
    already waiting for their turn included;
    ``recovered(host)`` after a success moves the delay back towards the base.
    """

    def __init__(
        self,
        *,
        per_host: int,
        delay: float,
        concurrency: int,
        max_delay: float,
        min_penalty: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._per_host = max(1, per_host)
        self._base = max(0.0, delay)
        self._max_delay = max(max_delay, self._base)
        self._min_penalty = min_penalty
        self._overall = asyncio.Semaphore(max(1, concurrency))
        self._hosts: dict[str, _Host] = {}
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()

    def _state(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = _Host(asyncio.Semaphore(self._per_host), self._base, self._base)
            self._hosts[host] = state
        return state

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for this host's turn, then hold a slot for one request."""
        state = self._state(host)
        # Host first, then the overall cap: a request queued behind a busy host holds no overall slot.
        async with state.semaphore, self._overall:
            now = self._clock()
            start = max(now, state.next_start)
            # Reserve the start time before sleeping, so concurrent waiters queue up behind it.
            state.next_start = start + self._spacing(state.delay)
            if start > now:
                await self._sleep(start - now)
            # A Retry-After that arrived while this request waited for its turn holds it too.
            while (now := self._clock()) < state.paused_until:
                await self._sleep(state.paused_until - now)
            yield

    def _spacing(self, delay: float) -> float:
        if delay <= 0:
            return 0.0
        return delay * self._rng.uniform(1 - JITTER, 1 + JITTER)

    def delay(self, host: str) -> float:
        """The current (un-jittered) delay between two requests to ``host``."""
        return self._state(host).delay

    def slow_down(self, host: str) -> None:
        """The host said 429/503: double its delay (capped)."""
        state = self._state(host)
        state.delay = min(self._max_delay, max(state.delay * SLOWDOWN_FACTOR, self._min_penalty, state.base))

    def recovered(self, host: str) -> None:
        """A success: move the delay halfway back to the base (snap when close)."""
        state = self._state(host)
        state.delay = state.base + (state.delay - state.base) * RECOVERY
        if state.delay - state.base < 0.001:
            state.delay = state.base

    def pause(self, host: str, seconds: float) -> None:
        """Start no request to ``host`` for ``seconds`` (a Retry-After)."""
        state = self._state(host)
        until = self._clock() + max(0.0, seconds)
        state.paused_until = max(state.paused_until, until)
        state.next_start = max(state.next_start, until)

    def set_floor(self, host: str, seconds: float) -> None:
        """Raise the host's base delay to at least ``seconds`` (robots.txt Crawl-delay)."""
        state = self._state(host)
        state.base = max(state.base, min(seconds, self._max_delay))
        state.delay = max(state.delay, state.base)
