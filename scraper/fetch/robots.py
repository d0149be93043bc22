"""Layer 2: robots.txt, fetched once per origin (per ``Fetcher``) and obeyed unless ``ignore_robots``.

Outcomes of fetching ``<origin>/robots.txt``:

* 2xx: parsed with protego; rules for our User-Agent apply, ``Crawl-delay`` raises the host's delay.
* 4xx (404, 410, 401, 403...): no usable robots.txt, everything is allowed (RFC 9309 §2.3.1.3).
* 5xx or unreachable: also allowed. RFC 9309 §2.3.1.4 says to assume a full disallow; we deliberately
  do not, because one transient error on robots.txt would then fail every article of the host for the
  whole run. Politeness still holds through the host limiter, and the rules are fetched again after
  ``ERROR_TTL`` seconds, so a disallow published later is picked up.

Cached rules expire after ``TTL`` (24 h, the RFC's upper bound) so that multi-day crawls re-read them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

__all__ = ["RobotsCache", "RobotsFile"]

TTL = 24 * 3600.0
ERROR_TTL = 600.0
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB, ignore the rest


@dataclass(frozen=True)
class RobotsFile:
    """What fetching a robots.txt gave: the status (0 when unreachable) and the body."""

    status: int
    body: bytes = b""


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: everything allowed
    expires_at: float


class RobotsCache:
    """Answers "may we fetch this URL?" for one user agent, fetching each origin's robots.txt once.

    ``download(robots_url)`` does the HTTP request (through the host limiter) and must return a
    ``RobotsFile``; status 0 means unreachable. Concurrent callers for one origin share one download.
    """

    def __init__(
        self,
        user_agent: str,
        download: Callable[[str], Awaitable[RobotsFile]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._user_agent = user_agent
        self._download = download
        self._clock = clock
        self._rules: dict[str, asyncio.Task[_Rules]] = {}

    async def allowed(self, url: httpx.URL) -> bool:
        """True if robots.txt of ``url``'s origin lets our user agent fetch it."""
        rules = await self._rules_for(url)
        if rules.parser is None:
            return True
        return bool(rules.parser.can_fetch(str(url), self._user_agent))

    async def crawl_delay(self, url: httpx.URL) -> float | None:
        """The ``Crawl-delay`` for our user agent at ``url``'s origin, if any."""
        rules = await self._rules_for(url)
        if rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self._user_agent)
        return float(delay) if delay is not None else None

    async def _rules_for(self, url: httpx.URL) -> _Rules:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        task = self._rules.get(origin)
        if task is None or self._expired(task):
            task = asyncio.ensure_future(self._load(origin + "/robots.txt"))
            self._rules[origin] = task
        return await asyncio.shield(task)  # one caller cancelled must not cancel the shared download

    def close(self) -> None:
        """Cancel downloads still in progress (the ``Fetcher`` is closing)."""
        for task in self._rules.values():
            task.cancel()

    def _expired(self, task: asyncio.Task[_Rules]) -> bool:
        if not task.done():
            return False
        return task.cancelled() or task.exception() is not None or task.result().expires_at <= self._clock()

    async def _load(self, robots_url: str) -> _Rules:
        try:
            got = await self._download(robots_url)
        except Exception:  # robots.txt trouble must never fail a page: treat as unreachable
            got = RobotsFile(0)
        now = self._clock()
        if 200 <= got.status < 300:
            text = got.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            return _Rules(Protego.parse(text), now + TTL)
        if 400 <= got.status < 500:
            return _Rules(None, now + TTL)
        return _Rules(None, now + ERROR_TTL)  # 5xx / unreachable: allow, re-check later (see module doc)
