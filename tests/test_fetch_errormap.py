"""scraper.fetch.errormap (through the Fetcher with httpx.MockTransport): only FetchErrors come out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from scraper.config import FetchOptions
from scraper.errors import FetchError
from scraper.fetch import Backoff, Fetcher, FetchResult

URL = "https://www.163.com/dy/article/G33O1QTA05372UZS.html"
OPTIONS = FetchOptions(delay=0.0, retries=1, ignore_robots=True)
FAST = Backoff(base=0.001, max=0.01)


def fetch_with(handler: Callable[[httpx.Request], httpx.Response]) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(OPTIONS, transport=httpx.MockTransport(handler), backoff=FAST) as fetcher:
            return await fetcher.fetch(URL)

    return asyncio.run(go())


def raising(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("exc", "reason", "attempts"),
    [
        (httpx.ConnectTimeout("t"), "timeout", 2),
        (httpx.ReadTimeout("t"), "timeout", 2),
        (httpx.PoolTimeout("t"), "timeout", 2),
        (httpx.ConnectError("refused"), "connect_error", 2),
        (httpx.ReadError("reset"), "connect_error", 2),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), "connect_error", 2),
        (httpx.ProxyError("proxy says no"), "connect_error", 2),
        (httpx.LocalProtocolError("bad header"), "protocol_error", 1),
        (httpx.UnsupportedProtocol("gopher"), "bad_url", 1),
    ],
)
def test_httpx_errors_are_mapped(exc: Exception, reason: str, attempts: int) -> None:
    with pytest.raises(FetchError) as info:
        fetch_with(raising(exc))
    assert (info.value.reason, info.value.attempts, info.value.url) == (reason, attempts, URL)
    assert info.value.__cause__ is exc


def test_broken_gzip_is_bad_encoding() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip at all")

    with pytest.raises(FetchError) as info:
        fetch_with(handler)
    assert info.value.reason == "bad_encoding"


@pytest.mark.parametrize(
    "status", [*range(100, 104), *range(200, 208), *range(300, 309), *range(400, 432), *range(500, 512)]
)
def test_every_status_gives_a_result_or_a_fetch_error(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if 100 <= status < 200:
            return httpx.Response(status)
        return httpx.Response(status, headers={"Location": "/"}, content=b"<html>x</html>")

    try:
        result = fetch_with(handler)
    except FetchError as exc:
        assert exc.reason
    else:
        assert 200 <= result.status < 300
