"""Layer 1 of 7 (``fetcher.LAYERS``): which hosts may be requested at all (NetEase domains plus ``--allow-host`` entries)."""

from __future__ import annotations

import re
from collections.abc import Collection

import httpx

from ..errors import FetchError, HostNotAllowed, Reason
from ..urls import NETEASE_DOMAINS, host_in, is_netease_host

__all__ = ["HostPolicy", "host_key", "mask_passwords"]

# A DNS name or an IPv4 address (httpx lower-cases hosts); IPv6 literals are checked by ``ipaddress``
# in httpx already and contain ':'. Anything else (a backslash, '%', spaces) is no host we may ask.
_HOSTNAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")


def host_key(url: httpx.URL) -> str:
    """``host`` or ``host:port``: the unit of politeness (limiter, robots cache)."""
    return f"{url.host}:{url.port}" if url.port is not None else url.host


class HostPolicy:
    """Allows ``http(s)`` URLs on NetEase domains (``163.com``, ``netease.com``, ``126.net`` and their
    subdomains) and on the extra hosts given (``host`` for any port, ``host:port`` for one)."""

    def __init__(self, allow_hosts: Collection[str] = (), domains: Collection[str] = NETEASE_DOMAINS):
        self._allow = tuple(allow_hosts)
        self._domains = tuple(domains)

    def allowed(self, url: httpx.URL) -> bool:
        """True if a request to ``url``'s host is allowed."""
        if is_netease_host(url.host, self._domains):
            return True
        return host_in(url.host.rstrip("."), url.port, self._allow)

    def check(self, url: str, *, asked: str | None = None) -> httpx.URL:
        """Parse ``url`` and return it, or raise ``FetchError(bad_url)`` / ``HostNotAllowed``.

        ``asked`` is the URL originally asked for, when ``url`` is a redirect target.
        """
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(f"not a URL: {url!r} ({exc})", url=asked or url, reason=Reason.BAD_URL) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise FetchError(f"not an http(s) URL: {url!r}", url=asked or url, reason=Reason.BAD_URL)
        if parsed.userinfo:  # never send credentials a URL (or a redirect) slipped in
            raise FetchError(
                f"URL with credentials: {mask_passwords(url)!r}", url=asked or url, reason=Reason.BAD_URL
            )
        if ":" not in parsed.host and not _HOSTNAME.fullmatch(parsed.host):
            raise FetchError(
                f"not a valid host name: {parsed.host!r}", url=asked or url, reason=Reason.BAD_URL
            )
        if not self.allowed(parsed):
            where = f" (redirected from {asked})" if asked and asked != url else ""
            raise HostNotAllowed(f"host not allowed: {parsed.host}{where}", url=asked or url)
        return parsed


_USERINFO_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/@:\s'\"]*:)[^/@\s'\"]*@")


def mask_passwords(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` in it replaced by ``***``
    (proxy URLs and redirect targets end up in messages and failure records)."""
    return _USERINFO_PASSWORD.sub(r"\1***@", text)
