"""The wire under the Fetcher's httpx client: which transport, how many connections, one SSL context.

``--transport``:

* ``httpx``: :class:`ShardedTransport`, k small ``httpx.AsyncHTTPTransport`` pools side by side.
  httpcore 1.0 walks its whole pool on every request, so one pool of 128 connections costs
  ~11 ms CPU per request at 64 in flight; pools of ``SHARD_CONNECTIONS`` keep that walk short.
  HTTP/2 when ``h2`` is installed; any proxy httpx supports (``socks5://`` with ``socksio``).
* ``aiohttp``: :class:`scraper.fetch.aio.AiohttpTransport` (aiohttp's C parser behind the same
  httpx API; needs the ``[fast]`` extra): HTTP/1.1 only, http(s) proxies only, ~0.7 ms CPU a page.
* ``auto`` (default): ``aiohttp`` when it is installed and no proxy is set, else ``httpx``.

All shards share one SSL context: building one loads the CA bundle (~30 ms each).
"""

from __future__ import annotations

import importlib.util
import ssl
import urllib.request
from collections.abc import AsyncIterator, Callable

import httpx

from ..config import FetchOptions
from ..errors import FetchError, Reason
from .hosts import mask_passwords

__all__ = [
    "HTTP2",
    "SHARD_CONNECTIONS",
    "TRANSPORTS",
    "ShardedTransport",
    "aiohttp_available",
    "choose_transport",
    "make_transport",
]

HTTP2 = importlib.util.find_spec("h2") is not None  # httpx speaks HTTP/2 only with h2 installed
TRANSPORTS = ("auto", "httpx", "aiohttp")
SHARD_CONNECTIONS = 4  # connections per httpcore pool: its per-request walk stays short


def aiohttp_available() -> bool:
    """True if the aiohttp transport can be used (the ``[fast]`` extra is installed)."""
    return importlib.util.find_spec("aiohttp") is not None


def env_proxies() -> bool:
    """True if ``HTTP(S)_PROXY``/``ALL_PROXY`` is set (httpx then routes through it itself)."""
    found = urllib.request.getproxies()
    return any(found.get(k) for k in ("http", "https", "all"))


def choose_transport(options: FetchOptions) -> str:
    """``httpx`` or ``aiohttp`` for ``options.transport`` (``auto`` resolved, see the module doc).

    Raises ``FetchError(reason="bad_transport")`` for an unknown name or a missing aiohttp.
    """
    kind = options.transport
    if kind not in TRANSPORTS:
        raise FetchError(
            f"unknown transport {kind!r} (one of {', '.join(TRANSPORTS)})", reason=Reason.BAD_TRANSPORT
        )
    if kind == "aiohttp" and not aiohttp_available():
        raise FetchError(
            "--transport aiohttp needs aiohttp: pip install 'netease-scraper[fast]'",
            reason=Reason.BAD_TRANSPORT,
        )
    if kind == "auto":
        use_aiohttp = aiohttp_available() and options.proxy is None and not env_proxies()
        kind = "aiohttp" if use_aiohttp else "httpx"
    return kind


def make_transport(options: FetchOptions, max_connections: int) -> httpx.AsyncBaseTransport | None:
    """The transport for ``options``; None lets httpx build its own (environment proxies in use).

    Raises ``FetchError(reason="bad_proxy")`` for an unusable ``--proxy``.
    """
    kind = choose_transport(options)
    if options.proxy is None and env_proxies():
        return None  # httpx honours HTTP(S)_PROXY / NO_PROXY only for the transports it builds
    context = ssl.create_default_context()
    try:
        if kind == "aiohttp":
            from .aio import AiohttpTransport  # imported only when chosen: aiohttp is optional

            return AiohttpTransport(ssl_context=context, max_connections=max_connections, proxy=options.proxy)
        shards = max(1, -(-max_connections // SHARD_CONNECTIONS))
        per_shard = -(-max_connections // shards)
        limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        return ShardedTransport(
            [
                httpx.AsyncHTTPTransport(verify=context, http2=HTTP2, limits=limits, proxy=options.proxy)
                for _ in range(shards)
            ]
        )
    except (ValueError, ImportError, httpx.InvalidURL) as exc:  # socks5:// needs the socksio package
        raise FetchError(
            mask_passwords(f"unusable proxy {options.proxy!r}: {exc}"), reason=Reason.BAD_PROXY
        ) from exc


class ShardedTransport(httpx.AsyncBaseTransport):
    """Sends each request through the least busy of several transports (busy = responses not closed)."""

    def __init__(self, shards: list[httpx.AsyncBaseTransport]) -> None:
        if not shards:
            raise ValueError("ShardedTransport needs at least one shard")
        self._shards = shards
        self._busy = [0] * len(shards)

    @property
    def busy(self) -> list[int]:
        """Responses open on each shard (for tests)."""
        return list(self._busy)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Route ``request`` to the shard with the fewest open responses."""
        busy = self._busy
        index = busy.index(min(busy))
        busy[index] += 1
        try:
            response = await self._shards[index].handle_async_request(request)
        except BaseException:
            busy[index] -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Released(response.stream, lambda: _release(busy, index))
        return response

    async def aclose(self) -> None:
        """Close every shard."""
        for shard in self._shards:
            await shard.aclose()


def _release(busy: list[int], index: int) -> None:
    busy[index] -= 1


class _Released(httpx.AsyncByteStream):
    """A response stream that calls ``on_close`` once when closed (the connection is free again)."""

    def __init__(self, stream: httpx.AsyncByteStream, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            on_close, self._on_close = self._on_close, None  # once, however often aclose() is called
            if on_close is not None:
                on_close()
