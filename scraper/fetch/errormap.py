"""The one place where httpx exceptions become ``scraper.errors`` exceptions."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from ..errors import ConnectionFailed, FetchError, FetchTimeout, Reason, TooManyRedirects

__all__ = ["map_httpx_errors"]


@contextmanager
def map_httpx_errors(url: str) -> Iterator[None]:
    """Translate httpx (and asyncio timeout) exceptions raised inside the block into ``FetchError``\\ s.

    A connection dropped before any response (``RemoteProtocolError``) is a ``ConnectionFailed`` like a
    refused connection: both are worth a retry.
    """
    try:
        yield
    except (httpx.TimeoutException, asyncio.TimeoutError) as exc:
        raise FetchTimeout(f"timed out: {url} ({type(exc).__name__})", url=url) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
        raise ConnectionFailed(f"connection failed: {url} ({exc or type(exc).__name__})", url=url) from exc
    except httpx.TooManyRedirects as exc:
        raise TooManyRedirects(f"too many redirects: {url}", url=url) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise FetchError(f"cannot request {url}: {exc}", url=url, reason=Reason.BAD_URL) from exc
    except httpx.DecodingError as exc:
        raise FetchError(
            f"bad Content-Encoding from {url}: {exc}", url=url, reason=Reason.BAD_ENCODING
        ) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"HTTP error on {url}: {exc}", url=url, reason=Reason.PROTOCOL_ERROR) from exc
