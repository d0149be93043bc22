"""The fetch options ``crawl`` and ``discover`` share: one set of flags, one way to read them."""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from ..config import (
    DEFAULT_CONCURRENCY,
    DEFAULT_DELAY,
    DEFAULT_PER_HOST,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
    FetchOptions,
)
from .argtypes import host_port, user_agent

__all__ = ["add_fetch_arguments", "fetch_options", "fetch_problem"]


class _ArgumentAdder(Protocol):
    def add_argument(self, *names: str, **options: Any) -> Any: ...  # argparse's own signature is Any


def add_fetch_arguments(parser: _ArgumentAdder) -> None:
    """Register the fetch flags on a parser or an argument group."""
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="requests in flight")
    parser.add_argument("--per-host", type=int, default=DEFAULT_PER_HOST, help="requests in flight per host")
    parser.add_argument(
        "--delay", type=float, default=DEFAULT_DELAY, help="seconds between requests to one host (jittered)"
    )
    parser.add_argument("--retries", type=int, default=DEFAULT_RETRIES, help="retries after the first try")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="connect/read timeout, seconds"
    )
    parser.add_argument("--user-agent", type=user_agent, default=DEFAULT_USER_AGENT, help="User-Agent header")
    parser.add_argument("--proxy", default=None, help="proxy URL (http://, https://, socks5://)")
    parser.add_argument(
        "--transport",
        choices=("auto", "httpx", "aiohttp"),
        default="auto",
        help="HTTP client under the fetcher: aiohttp (HTTP/1.1, http(s) proxies only, ~30%% less CPU a page; "
        "needs the [fast] extra), httpx (HTTP/2 with the [http2] extra, socks proxies), "
        "auto (default): aiohttp when installed and no proxy is set",
    )
    parser.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt")
    parser.add_argument(
        "--allow-host",
        action="append",
        type=host_port,
        default=[],
        metavar="HOST[:PORT]",
        help="also fetch from this host (a mirror or a test server) and accept its NetEase article paths; "
        "repeatable",
    )


def fetch_problem(args: argparse.Namespace) -> str | None:
    """A usage problem with the fetch flags, or None."""
    if args.concurrency < 1 or args.per_host < 1:
        return "--concurrency and --per-host must be at least 1"
    if args.delay < 0 or args.retries < 0 or args.timeout <= 0:
        return "--delay and --retries must be >= 0, --timeout > 0"
    return None


def fetch_options(args: argparse.Namespace) -> FetchOptions:
    """The :class:`FetchOptions` the flags of :func:`add_fetch_arguments` describe."""
    return FetchOptions(
        concurrency=args.concurrency,
        per_host=args.per_host,
        delay=args.delay,
        retries=args.retries,
        timeout=args.timeout,
        user_agent=args.user_agent,
        proxy=args.proxy,
        ignore_robots=args.ignore_robots,
        allow_hosts=tuple(args.allow_host),
        transport=args.transport,
    )
