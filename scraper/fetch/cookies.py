"""The cookie jar kept across pages, with caps: a site setting a new cookie on every page must not
grow every request's ``Cookie`` header without bound (it reached 1 MB after 200 pages).

Caps (RFC 6265 §6.1 gives the minimums a client should keep; these sit at or near them):
a cookie over ``MAX_COOKIE_BYTES`` (name + value) is not stored; each domain keeps at most
``MAX_PER_DOMAIN`` cookies and ``MAX_DOMAIN_BYTES`` of them, the jar ``MAX_COOKIES``; past a cap the
cookie set longest ago goes first.
"""

from __future__ import annotations

import itertools
from http.cookiejar import Cookie, CookieJar

import httpx

__all__ = [
    "MAX_COOKIES",
    "MAX_COOKIE_BYTES",
    "MAX_DOMAIN_BYTES",
    "MAX_PER_DOMAIN",
    "CappedCookies",
    "CappedJar",
]

MAX_COOKIE_BYTES = 4096
MAX_PER_DOMAIN = 50
MAX_DOMAIN_BYTES = 8192  # about what servers accept in one request header
MAX_COOKIES = 1000

_Key = tuple[str, str, str]  # domain, path, name


def _size(cookie: Cookie) -> int:
    return len(cookie.name) + len(cookie.value or "")


class CappedJar(CookieJar):
    """A ``CookieJar`` that enforces the caps above each time a cookie is set."""

    def __init__(self) -> None:
        super().__init__()
        self._order: dict[_Key, int] = {}  # insertion order = age (a cookie set again is young again)
        self._seq = itertools.count()

    def set_cookie(self, cookie: Cookie) -> None:
        if _size(cookie) > MAX_COOKIE_BYTES:
            return
        super().set_cookie(cookie)
        key = (cookie.domain, cookie.path, cookie.name)
        self._order.pop(key, None)
        self._order[key] = next(self._seq)
        self._evict(cookie.domain)

    def clear(self, domain: str | None = None, path: str | None = None, name: str | None = None) -> None:
        super().clear(domain, path, name)
        gone = [k for k in self._order if (domain is None or k[0] == domain)
                and (path is None or k[1] == path) and (name is None or k[2] == name)]  # fmt: skip
        for key in gone:
            del self._order[key]

    def _evict(self, domain: str) -> None:
        mine = [k for k in self._order if k[0] == domain]
        total = sum(self._size_of(k) for k in mine)
        while mine and (len(mine) > MAX_PER_DOMAIN or total > MAX_DOMAIN_BYTES):
            oldest = mine.pop(0)
            total -= self._size_of(oldest)
            self._drop(oldest)
        while len(self._order) > MAX_COOKIES:
            self._drop(next(iter(self._order)))

    def _size_of(self, key: _Key) -> int:
        cookie = self._cookies.get(key[0], {}).get(key[1], {}).get(key[2])  # type: ignore[attr-defined]
        return 0 if cookie is None else _size(cookie)

    def _drop(self, key: _Key) -> None:
        try:
            self.clear(*key)
        except KeyError:  # already gone (expired)
            self._order.pop(key, None)


class CappedCookies(httpx.Cookies):
    """httpx's cookie jar on a :class:`CappedJar`, skipping the (costly) cookielib pass for responses
    that set no cookie."""

    def __init__(self, cookies: httpx._types.CookieTypes | None = None) -> None:
        super().__init__(cookies)
        jar = CappedJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        self.jar = jar

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)
