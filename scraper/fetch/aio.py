"""An httpx transport on aiohttp (``--transport aiohttp``, the ``[fast]`` extra).

aiohttp parses HTTP/1.1 in C and keeps its pool in dicts, so a page costs ~0.7 ms of CPU instead of
~1 ms with a sharded httpcore pool. The Fetcher's layers are unchanged: this only moves bytes, and
every aiohttp exception becomes the httpx exception httpcore would have raised for the same
event, so ``errormap`` still turns it into the right ``FetchError``. Redirects, cookies, proxies from
the environment and decompression stay httpx's job (the body cap counts decoded bytes).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import httpx
import yarl

__all__ = ["AiohttpTransport", "map_aiohttp_errors"]

MAX_LINE = 16 * 1024  # status line / one header line; aiohttp's 8 KiB default is below h11's limits
MAX_FIELD = 64 * 1024

# Most specific first: the first match wins.
_MAP: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (asyncio.TimeoutError, httpx.ReadTimeout),  # ServerTimeoutError is one too
    (aiohttp.ClientProxyConnectionError, httpx.ProxyError),
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS handshake
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # dropped before a response
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),  # body cut short
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # malformed status line / headers
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientOSError, httpx.ReadError),  # reset mid-exchange
    (aiohttp.ClientConnectionError, httpx.NetworkError),
    (aiohttp.ClientError, httpx.TransportError),
)


@contextmanager
def map_aiohttp_errors() -> Iterator[None]:
    """Re-raise aiohttp's exceptions as the matching httpx ``TransportError``."""
    try:
        yield
    except Exception as exc:
        for source, target in _MAP:
            if isinstance(exc, source):
                raise target(_describe(exc)) from exc
        raise


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # some aiohttp errors format their request info, which may be missing
        text = ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp session (opened on the first request, inside the running loop) behind httpx.

    ``proxy``: an ``http://`` or ``https://`` proxy URL (aiohttp has no SOCKS); ``ValueError`` otherwise.
    """

    def __init__(
        self, *, ssl_context: ssl.SSLContext, max_connections: int, proxy: str | None = None
    ) -> None:
        if proxy is not None and not proxy.startswith(("http://", "https://")):
            raise ValueError("the aiohttp transport takes only http:// or https:// proxies")
        self._ssl = ssl_context
        self._max_connections = max_connections
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0, ssl=self._ssl)
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # httpx decodes, so the body cap applies to decoded bytes
            cookie_jar=aiohttp.DummyCookieJar(),  # httpx's client keeps the cookies
            trust_env=False,  # proxies are decided in transport.make_transport
            max_line_size=MAX_LINE,
            max_field_size=MAX_FIELD,
        )
        # aiohttp silently resends a GET once when a reused connection drops; our retry layer owns
        # retries (backoff, host spacing, ``attempts``). Private switch: harmless if it goes away.
        if hasattr(self._session, "_retry_connection"):
            self._session._retry_connection = False
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; the response body streams from aiohttp until the response is closed."""
        session = self._session or self._open()
        timeout = request.extensions.get("timeout", {})
        with map_aiohttp_errors():
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),  # httpx has already quoted it
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                data=request.content or None,
                allow_redirects=False,
                proxy=self._proxy,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        version = response.version
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_AiohttpStream(response),
            request=request,
            extensions={
                "http_version": f"HTTP/{version.major}.{version.minor}".encode() if version else b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("latin-1", errors="replace"),
            },
        )

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class _AiohttpStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with map_aiohttp_errors():
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        # Back to the pool when the body was read to the end, closed otherwise (BodyTooLarge, errors).
        self._response.release()
