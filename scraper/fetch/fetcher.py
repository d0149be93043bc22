"""The ``Fetcher``: one ``httpx.AsyncClient`` behind the fetch policy layers, in the order of :data:`LAYERS`.

:meth:`Fetcher.fetch` reads top to bottom in that order: ``hosts`` checks the URL, ``retry`` runs
every attempt (the first included) in one tenacity loop, and each attempt goes through ``robots``,
``redirects``, ``hostlimit`` and ``exchange`` for each hop, then ``verify`` judges the final answer.
"""

from __future__ import annotations

import random
from types import TracebackType
from typing import Any

import httpx
from tenacity import AsyncRetrying

from ..config import FetchOptions
from ..encoding import charset_from_content_type
from ..errors import FetchError, HostNotAllowed, HTTPStatusError, Reason, RobotsDisallowed, TooManyRedirects
from .cookies import CappedCookies
from .decode import ACCEPT_ENCODING
from .exchange import Exchange, get_once
from .hostlimit import HostLimiter
from .hosts import HostPolicy, host_key, mask_passwords
from .redirects import RedirectChain
from .result import FetchResult, utc_now_iso
from .retry import DEFAULT_BACKOFF, Backoff, RetryableStatus, make_retrying, parse_retry_after
from .robots import ALLOWED, MAX_ROBOTS_BYTES, UNREACHABLE, RobotsCache, RobotsFile
from .transport import HTTP2, make_transport
from .verify import check_docid, check_not_captcha, check_status

__all__ = ["LAYERS", "Fetcher"]

# The fetch policy layers, outermost first: one module each, whose docstring says "Layer N".
LAYERS = ("hosts", "retry", "robots", "redirects", "hostlimit", "exchange", "verify")

DEADLINE_FACTOR = 3  # a whole exchange may take 3x the connect/read timeout (slow-drip bodies)
SLOWDOWN_STATUSES = frozenset({429, 503})
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.5"


class Fetcher:
    """Fetches NetEase pages politely; use as ``async with Fetcher(options) as f: await f.fetch(url)``.

    ``transport`` replaces the network (tests, ``httpx.MockTransport``); ``backoff`` tunes the waits
    between retries and the 429/503 slow-down; ``rng`` makes jitter reproducible.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff: Backoff = DEFAULT_BACKOFF,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options = options or FetchOptions()
        self._backoff = backoff
        self._rng = rng or random.Random()
        self._client = _client(options, transport)
        self._hosts = HostPolicy(options.allow_hosts)
        self._limiter = HostLimiter(
            per_host=options.per_host,
            delay=options.delay,
            concurrency=options.concurrency,
            max_delay=backoff.max_host_delay,
            min_penalty=backoff.base,
            rng=self._rng,
        )
        self._robots = (
            None if options.ignore_robots else RobotsCache(options.user_agent, self._download_robots)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (and give up robots.txt downloads still running)."""
        if self._robots is not None:
            self._robots.close()
        await self._client.aclose()

    def host_delay(self, host: str) -> float:
        """The current delay between two requests to ``host`` (``host:port``), after slow-downs."""
        return self._limiter.delay(host)

    async def fetch(
        self, url: str, *, expect_docid: str | None = None, headers: dict[str, str] | None = None
    ) -> FetchResult:
        """Fetch one page; raise a ``FetchError`` subclass when it is not an article page.

        Any other exception on the way (a bug in a client library, ``MemoryError``) comes out as
        ``FetchError(reason="internal_error")``: one response never stops a crawl.

        ``expect_docid``: the docid asked for; a page that is about another docid (a redirect to a home
        page) fails with reason ``docid_mismatch``. ``headers``: extra request headers (a ``Range``), sent
        on every try and redirect hop.
        """
        attempts = 0  # stays 0 when the URL is refused before any request
        try:
            first = self._hosts.check(url)  # 1 hosts
            async for attempt in self._retrying():  # 2 retry: every attempt, the first included
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    final = await self._attempt(url, first, headers)  # 3-7, per hop
            check_not_captcha(final.content, url)  # 7 verify, on the final answer
            check_docid(expect_docid, final.url, final.content, url)
        except RetryableStatus as signal:  # retries spent on a retryable status
            signal.error.attempts = attempts
            raise signal.error from None
        except FetchError as exc:
            exc.attempts = attempts
            raise
        except Exception as exc:  # a client bug or MemoryError on one response must not end the crawl
            raise FetchError(
                f"internal error fetching {url}: {type(exc).__name__}: {exc}",
                url=url,
                attempts=max(1, attempts),
                reason=Reason.INTERNAL_ERROR,
            ) from exc
        return FetchResult(
            url=url,
            final_url=final.url,
            status=final.status,
            headers=final.headers,
            content=final.content,
            charset=charset_from_content_type(final.header("content-type")),
            fetched_at=utc_now_iso(),
            attempts=attempts,
            request_headers=final.request_headers,
            http_version=final.http_version,
        )

    async def _attempt(self, url: str, parsed: httpx.URL, headers: dict[str, str] | None = None) -> Exchange:
        """One try: the exchange, or ``RetryableStatus`` / a ``FetchError`` for a bad answer."""
        final = await self._follow(url, parsed, headers)  # 3 robots, 4 redirects, 5 hostlimit, 6 exchange
        check_status(  # 7 verify: a retryable status raises RetryableStatus for layer 2
            final.status,
            url,
            retry_statuses=self.options.retry_statuses,
            retry_after=parse_retry_after(final.header("retry-after")),
        )
        return final

    def _retrying(self) -> AsyncRetrying:
        return make_retrying(
            retries=self.options.retries,
            backoff=self._backoff,
            max_retry_after=self.options.max_retry_after,
            rng=self._rng,
        )

    async def _follow(self, url: str, parsed: httpx.URL, headers: dict[str, str] | None = None) -> Exchange:
        """One attempt: request ``url`` (``parsed``: it, checked) and follow its redirects."""
        chain = RedirectChain(url, max_redirects=self.options.max_redirects)
        while True:
            await self._check_robots(parsed, asked=url)  # 3 robots
            host = host_key(parsed)
            async with self._limiter.slot(host):  # 5 hostlimit
                exchange = await self._get(  # 6 exchange
                    parsed, asked=url, max_bytes=self.options.max_body_bytes, headers=headers
                )
            self._pace(host, exchange)
            target = chain.next_url(exchange)  # 4 redirects
            if target is None:
                return exchange
            parsed = self._hosts.check(target, asked=url)  # each hop's host checked again (1)

    async def _get(
        self,
        url: httpx.URL,
        *,
        asked: str,
        max_bytes: int,
        truncate: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        deadline = DEADLINE_FACTOR * self.options.timeout
        return await get_once(
            self._client,
            url,
            max_bytes=max_bytes,
            deadline=deadline,
            asked=asked,
            truncate=truncate,
            headers=headers,
        )

    def _pace(self, host: str, exchange: Exchange) -> None:
        """Tell the limiter how the host is doing."""
        if exchange.status in SLOWDOWN_STATUSES:
            self._limiter.slow_down(host)
            wait = parse_retry_after(exchange.header("retry-after"))
            if wait is not None:
                self._limiter.pause(host, min(wait, self.options.max_retry_after))
        elif 200 <= exchange.status < 400:
            self._limiter.recovered(host)

    async def _check_robots(self, url: httpx.URL, *, asked: str) -> None:
        if self._robots is None:
            return
        verdict = await self._robots.verdict(url)
        if verdict == UNREACHABLE:
            raise RobotsDisallowed(
                f"robots.txt of {url.scheme}://{host_key(url)} is unreachable (5xx or no answer): "
                "nothing may be fetched there for now (RFC 9309); retry later with --retry-failed",
                url=asked,
                reason=Reason.ROBOTS_UNREACHABLE,
            )
        if verdict != ALLOWED:
            raise RobotsDisallowed(f"robots.txt disallows {url}", url=asked)
        delay = await self._robots.crawl_delay(url)
        if delay:
            self._limiter.set_floor(host_key(url), delay)

    async def _download_robots(self, robots_url: str) -> RobotsFile:
        """GET a robots.txt: its first 500 KiB, redirects followed under the host policy, the host
        limiter respected, 5xx and timeouts retried like a page. Status 0 if unreachable."""
        try:
            async for attempt in self._retrying():  # every attempt in the one loop, as for a page
                with attempt:
                    return await self._robots_once(robots_url)
        except RetryableStatus as signal:
            return RobotsFile(signal.error.status)
        except FetchError as exc:
            if isinstance(exc, (HostNotAllowed, TooManyRedirects)) or exc.reason == Reason.BAD_URL:
                return RobotsFile(404)  # a redirect we may not follow: "unavailable" (RFC 9309 §2.3.1.2)
            return RobotsFile(0)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _robots_once(self, robots_url: str) -> RobotsFile:
        """One try; a 5xx raises ``RetryableStatus`` so that the retry loop can have another go."""
        chain = RedirectChain(robots_url, max_redirects=5)  # RFC 9309: follow at least five
        parsed = self._hosts.check(robots_url)
        while True:
            async with self._limiter.slot(host_key(parsed)):
                exchange = await self._get(
                    parsed, asked=robots_url, max_bytes=MAX_ROBOTS_BYTES, truncate=True
                )
            self._pace(host_key(parsed), exchange)
            target = chain.next_url(exchange)
            if target is None:
                break
            parsed = self._hosts.check(target, asked=robots_url)  # the same host checks as any request
        if exchange.status >= 500:
            error = HTTPStatusError(
                f"HTTP {exchange.status} for {robots_url}", url=robots_url, status=exchange.status
            )
            raise RetryableStatus(error, parse_retry_after(exchange.header("retry-after")))
        return RobotsFile(exchange.status, exchange.content)


def _client(options: FetchOptions, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """The one httpx client, on ``transport`` or the one ``options.transport`` names (see ``transport``).

    An unusable ``--proxy`` is a ``FetchError(reason="bad_proxy")``.
    """
    max_connections = 2 * max(1, options.concurrency)
    wire = transport or make_transport(options, max_connections)
    try:
        return _Client(
            transport=wire,
            # Only when httpx builds its own transport (HTTP(S)_PROXY set in the environment).
            proxy=options.proxy if wire is None else None,
            http2=HTTP2 and wire is None,
            follow_redirects=False,  # redirects.py follows them, checking each host
            timeout=httpx.Timeout(
                options.timeout, pool=None
            ),  # waiting for a pooled connection is not slowness
            limits=httpx.Limits(max_connections=max_connections),
            headers={
                "User-Agent": options.user_agent,
                "Accept": ACCEPT,
                "Accept-Language": ACCEPT_LANGUAGE,
                "Accept-Encoding": ACCEPT_ENCODING,  # what exchange.py decodes under the cap
            },
        )
    except (ValueError, ImportError, httpx.InvalidURL) as exc:  # socks5:// needs the socksio package
        raise FetchError(
            mask_passwords(f"unusable proxy {options.proxy!r}: {exc}"), reason=Reason.BAD_PROXY
        ) from exc


class _Client(httpx.AsyncClient):
    """An ``AsyncClient`` whose cookie jar is a :class:`CappedCookies` (kept across pages, capped)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cookies = CappedCookies(self._cookies)  # BaseClient.__init__ bypasses the setter

    @property
    def cookies(self) -> httpx.Cookies:
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: httpx._types.CookieTypes) -> None:
        self._cookies = CappedCookies(cookies)
