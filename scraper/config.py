"""Defaults in one place: fetch policy and crawl options.

The defaults are deliberately polite towards a real site: a couple of requests in flight per
host, a delay with jitter between requests to the same host, and an honest User-Agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._version import __version__

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_DELAY",
    "DEFAULT_PER_HOST",
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "MAX_BODY_BYTES",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "FetchOptions",
]

DEFAULT_CONCURRENCY = 8  # requests in flight over all hosts
DEFAULT_PER_HOST = 2  # requests in flight per host
DEFAULT_DELAY = 1.0  # seconds between two requests to one host (jittered +-50%)
DEFAULT_RETRIES = 3  # retries after the first attempt
DEFAULT_TIMEOUT = 20.0  # seconds, connect and read each
DEFAULT_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # never sleep longer than this on a Retry-After header
MAX_BODY_BYTES = 15 * 1024 * 1024  # a NetEase article page is ~100-600 kB
MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = (
    f"netease-scraper/{__version__} (+https://github.com/netease-scraper/netease-scraper; polite bot)"
)


@dataclass(frozen=True)
class FetchOptions:
    """Everything that shapes how pages are fetched; one frozen record passed around."""

    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST
    delay: float = DEFAULT_DELAY
    retries: int = DEFAULT_RETRIES
    timeout: float = DEFAULT_TIMEOUT
    user_agent: str = DEFAULT_USER_AGENT
    proxy: str | None = None
    ignore_robots: bool = False
    allow_hosts: tuple[str, ...] = ()  # extra hosts treated like NetEase ones (mirrors, test servers)
    max_body_bytes: int = MAX_BODY_BYTES
    max_redirects: int = MAX_REDIRECTS
    max_retry_after: float = MAX_RETRY_AFTER
    retry_statuses: frozenset[int] = field(default=DEFAULT_RETRY_STATUSES)
    transport: str = "auto"  # "auto", "httpx" or "aiohttp": see scraper.fetch.transport
