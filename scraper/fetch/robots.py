"""Layer 3 of 7 (``fetcher.LAYERS``): robots.txt, fetched once per origin (per ``Fetcher``) and obeyed unless ``ignore_robots``.

Outcomes of fetching ``<origin>/robots.txt``, as RFC 9309 §2.3.1 says:

* 2xx: the first ``MAX_ROBOTS_BYTES`` (500 KiB, the RFC's minimum parsing limit) are parsed with
  protego, the rest is not even downloaded; rules for our User-Agent apply, ``Crawl-delay`` raises the
  host's delay.
* 4xx (404, 410, 401, 403, 429...): "unavailable", everything is allowed (§2.3.1.3).
* a redirect we may not follow (another host or port than the allow-list lets us ask, credentials in
  the URL: the same host checks as every other request) or more than five redirects: also
  "unavailable" (§2.3.1.2 allows assuming so).
* 5xx or unreachable (after the same retries as a page): "unreachable", a complete disallow
  (§2.3.1.4). Pages of that origin fail with reason ``robots_unreachable``; the rules are fetched
  again after ``ERROR_TTL`` seconds, and ``--retry-failed`` retries those pages on a later run.

Cached rules expire after ``TTL`` (24 h, the RFC's upper bound) so that multi-day crawls re-read them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

__all__ = ["ALLOWED", "DISALLOWED", "UNREACHABLE", "RobotsCache", "RobotsFile", "Verdict"]

TTL = 24 * 3600.0
ERROR_TTL = 600.0
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least 500 KiB; we read exactly that much


@dataclass(frozen=True)
class RobotsFile:
    """What fetching a robots.txt gave: the status (0 when unreachable) and the body."""

    status: int
    body: bytes = b""


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: everything allowed (or, if unreachable, nothing)
    expires_at: float
    unreachable: bool = False


ALLOWED, DISALLOWED, UNREACHABLE = "allowed", "disallowed", "unreachable"
Verdict = str  # one of the three above


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
        return await self.verdict(url) == ALLOWED

    async def verdict(self, url: httpx.URL) -> Verdict:
        """``allowed``, ``disallowed`` (by a rule) or ``unreachable`` (robots.txt 5xx / no answer)."""
        rules = await self._rules_for(url)
        if rules.unreachable:
            return UNREACHABLE
        if rules.parser is None or rules.parser.can_fetch(str(url), self._user_agent):
            return ALLOWED
        return DISALLOWED

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
        except Exception:  # a bug in the download: like no answer (a disallow, re-checked soon)
            got = RobotsFile(0)
        now = self._clock()
        if 200 <= got.status < 300:
            text = got.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            return _Rules(Protego.parse(text), now + TTL)
        if 400 <= got.status < 500:  # unavailable
            return _Rules(None, now + TTL)
        return _Rules(None, now + ERROR_TTL, unreachable=True)  # 5xx / unreachable: see module doc
