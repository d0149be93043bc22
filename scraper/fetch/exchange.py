"""Layer 6 of 7 (``fetcher.LAYERS``): one HTTP GET, no redirect following, the body streamed under a size cap.

Only 2xx bodies are read: redirects and error statuses are decided on status and headers alone. The
raw body is decoded here (``decode.CappedDecoder``), not by httpx, so that the cap holds inside
each chunk and each Content-Encoding layer: a compressed bomb stops at the cap.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from ..errors import BodyTooLarge
from .decode import CappedDecoder
from .errormap import map_httpx_errors

__all__ = ["Exchange", "get_once"]


@dataclass(frozen=True)
class Exchange:
    """One request and its response (body empty unless 2xx)."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    request_headers: dict[str, str]
    http_version: str

    def header(self, name: str) -> str | None:
        """A response header by lower-case name."""
        return self.headers.get(name)


async def get_once(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    max_bytes: int,
    deadline: float,
    asked: str,
    truncate: bool = False,
    headers: dict[str, str] | None = None,
) -> Exchange:
    """GET ``url`` once (with ``headers`` added to the client's); raises only ``FetchError`` subclasses (``BodyTooLarge`` past ``max_bytes``).

    ``deadline`` bounds the whole exchange in seconds: httpx's read timeout is per chunk, so a server
    trickling bytes would otherwise hold the request for ever. ``truncate``: keep the first
    ``max_bytes`` decoded bytes of a longer body instead of failing (robots.txt).
    """
    with map_httpx_errors(asked):
        get = _get(client, url, max_bytes=max_bytes, asked=asked, truncate=truncate, headers=headers)
        timeout = getattr(asyncio, "timeout", None)  # Python 3.11+: no extra task per request
        if timeout is None:
            return await asyncio.wait_for(get, deadline)
        async with timeout(deadline):
            return await get


async def _get(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    max_bytes: int,
    asked: str,
    truncate: bool,
    headers: dict[str, str] | None = None,
) -> Exchange:
    async with client.stream("GET", url, headers=headers) as response:
        content = b""
        if 200 <= response.status_code < 300:
            content = await _read_capped(response, max_bytes, asked, truncate)
        return Exchange(
            url=str(response.url),
            status=response.status_code,
            headers=dict(response.headers.items()),
            content=content,
            request_headers=dict(response.request.headers.items()),
            http_version=response.http_version,
        )


async def _read_capped(response: httpx.Response, max_bytes: int, asked: str, truncate: bool) -> bytes:
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding")
    if not truncate and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"{asked}: Content-Length {declared} > {max_bytes} bytes", url=asked)
    if response.is_stream_consumed:  # a transport that read the body itself (httpx.MockTransport)
        decoder = CappedDecoder(None, max_bytes=max_bytes, url=asked, truncate=truncate)
        return b"".join([*decoder.feed(response.content), *decoder.finish()])
    decoder = CappedDecoder(encoding, max_bytes=max_bytes, url=asked, truncate=truncate)
    chunks: list[bytes] = []
    async for raw in response.aiter_raw():
        chunks.extend(decoder.feed(raw))
        if decoder.full:  # truncate: the rest is not wanted (closing drops the connection)
            return b"".join(chunks)
    chunks.extend(decoder.finish())
    return b"".join(chunks)
