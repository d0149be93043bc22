"""Layer 4 of 7 (``fetcher.LAYERS``): redirects, followed by hand so each hop's host is checked before it is requested.

The chain stops with ``TooManyRedirects`` (reason ``redirect_loop``) when a URL comes back or after
``max_redirects`` hops; the caller checks each target against the host policy and robots.txt.
"""

from __future__ import annotations

import httpx

from ..errors import FetchError, Reason, TooManyRedirects
from .exchange import Exchange

__all__ = ["REDIRECT_STATUSES", "RedirectChain"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectChain:
    """The URLs visited while answering one request."""

    def __init__(self, start: str, *, max_redirects: int) -> None:
        self._asked = start
        self._max = max_redirects
        self._seen = {_without_fragment(start)}
        self.hops = 0

    def next_url(self, exchange: Exchange) -> str | None:
        """The URL to request next, or None if ``exchange`` is not a redirect.

        Raises ``TooManyRedirects`` on a loop or too long a chain, ``FetchError(bad_url)`` on a
        redirect without a usable ``Location``.
        """
        if exchange.status not in REDIRECT_STATUSES:
            return None
        location = exchange.header("location")
        if not location:
            raise FetchError(
                f"HTTP {exchange.status} without Location for {self._asked}",
                url=self._asked,
                reason=Reason.BAD_URL,
            )
        try:
            target = str(httpx.URL(exchange.url).join(location.strip()))
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError(
                f"bad redirect {location!r}: {exc}", url=self._asked, reason=Reason.BAD_URL
            ) from None
        key = _without_fragment(target)
        if key in self._seen:
            raise TooManyRedirects(f"redirect loop back to {target} from {self._asked}", url=self._asked)
        self.hops += 1
        if self.hops > self._max:
            raise TooManyRedirects(f"more than {self._max} redirects from {self._asked}", url=self._asked)
        self._seen.add(key)
        return target


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]
