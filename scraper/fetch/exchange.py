"""Layer 6: one HTTP GET, no redirect following, the body streamed under a size cap.

Only 2xx bodies are read: redirects and error statuses are decided on status and headers alone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from ..errors import BodyTooLarge
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
    client: httpx.AsyncClient, url: httpx.URL, *, max_bytes: int, deadline: float, asked: str
) -> Exchange:
    """GET ``url`` once; raises only ``FetchError`` subclasses (``BodyTooLarge`` past ``max_bytes``).

    ``deadline`` bounds the whole exchange in seconds: httpx's read timeout is per chunk, so a server
    trickling bytes would otherwise hold the request for ever.
    """
    with map_httpx_errors(asked):
        timeout = getattr(asyncio, "timeout", None)  # Python 3.11+: no extra task per request
        if timeout is None:
            return await asyncio.wait_for(_get(client, url, max_bytes=max_bytes, asked=asked), deadline)
        async with timeout(deadline):
            return await _get(client, url, max_bytes=max_bytes, asked=asked)


async def _get(client: httpx.AsyncClient, url: httpx.URL, *, max_bytes: int, asked: str) -> Exchange:
    async with client.stream("GET", url) as response:
        content = b""
        if 200 <= response.status_code < 300:
            content = await _read_capped(response, max_bytes, asked)
        return Exchange(
            url=str(response.url),
            status=response.status_code,
            headers=dict(response.headers.items()),
            content=content,
            request_headers=dict(response.request.headers.items()),
            http_version=response.http_version,
        )


async def _read_capped(response: httpx.Response, max_bytes: int, asked: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"{asked}: Content-Length {declared} > {max_bytes} bytes", url=asked)
    chunks: list[bytes] = []
    size = 0
    # aiter_bytes yields decoded bytes: the cap also stops a small gzip that inflates to gigabytes.
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(f"{asked}: body larger than {max_bytes} bytes", url=asked)
        chunks.append(chunk)
    return b"".join(chunks)
