"""scraper.fetch.transport: the sharded httpx pool, the choice of transport, and every fetch scenario of
test_fetch.py again on the transport that ``auto`` does not pick here (so both are exercised)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import test_fetch
from test_fetch import *  # noqa: F403  (the scenarios, collected again under the other transport)

from scraper.config import FetchOptions
from scraper.errors import FetchError
from scraper.fetch import transport as tr

AUTO = tr.choose_transport(FetchOptions())
OTHER = "httpx" if AUTO == "aiohttp" else "aiohttp"


@pytest.fixture(autouse=True)
def _other_transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scenarios imported from test_fetch run with ``transport=OTHER``."""
    if request.function.__module__ != test_fetch.__name__:
        return
    if OTHER == "aiohttp" and not tr.aiohttp_available():
        pytest.skip("aiohttp not installed")
    base = test_fetch.options

    def options(server: Any, **changes: Any) -> FetchOptions:
        return base(server, **{"transport": OTHER, **changes})

    monkeypatch.setattr(test_fetch, "options", options)


class _Body(httpx.AsyncByteStream):
    """A streamed body, so the response stays open until closed (as on a real connection)."""

    async def __aiter__(self) -> Any:
        yield b"x" * 10


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=_Body())


def test_sharded_transport_spreads_open_responses_and_frees_them_on_close() -> None:
    async def go() -> list[list[int]]:
        sharded = tr.ShardedTransport([httpx.MockTransport(_ok) for _ in range(3)])
        seen = []
        async with httpx.AsyncClient(transport=sharded) as client:
            streams = [client.stream("GET", "http://a.test/") for _ in range(4)]
            responses = [await s.__aenter__() for s in streams]
            seen.append(sharded.busy)
            await streams[1].__aexit__(None, None, None)
            await streams[1].__aexit__(None, None, None)  # closing twice frees once
            seen.append(sharded.busy)
            for s in streams[:1] + streams[2:]:
                await s.__aexit__(None, None, None)
            seen.append(sharded.busy)
            assert all(r.status_code == 200 for r in responses)
        return seen

    assert asyncio.run(go()) == [[2, 1, 1], [2, 0, 1], [0, 0, 0]]


def test_sharded_transport_frees_the_shard_when_the_request_fails() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    async def go() -> list[int]:
        sharded = tr.ShardedTransport([httpx.MockTransport(boom), httpx.MockTransport(boom)])
        async with httpx.AsyncClient(transport=sharded) as client:
            for _ in range(3):
                with pytest.raises(httpx.ConnectError):
                    await client.get("http://a.test/")
        return sharded.busy

    assert asyncio.run(go()) == [0, 0]


def test_httpx_transport_is_sharded_into_small_pools_sharing_one_ssl_context() -> None:
    wire = tr.make_transport(FetchOptions(transport="httpx"), max_connections=128)
    assert isinstance(wire, tr.ShardedTransport)
    shards = wire._shards
    assert len(shards) == 128 // tr.SHARD_CONNECTIONS
    contexts = {id(s._pool._ssl_context) for s in shards}  # type: ignore[attr-defined]
    assert len(contexts) == 1


def test_auto_is_aiohttp_only_when_installed_and_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)
    monkeypatch.setattr(tr, "aiohttp_available", lambda: True)
    assert tr.choose_transport(FetchOptions()) == "aiohttp"
    assert tr.choose_transport(FetchOptions(proxy="http://127.0.0.1:9")) == "httpx"
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert tr.choose_transport(FetchOptions()) == "httpx"
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.setattr(tr, "aiohttp_available", lambda: False)
    assert tr.choose_transport(FetchOptions()) == "httpx"
    with pytest.raises(FetchError) as info:
        tr.choose_transport(FetchOptions(transport="aiohttp"))
    assert info.value.reason == "bad_transport"


def test_unknown_transport_is_a_fetch_error() -> None:
    with pytest.raises(FetchError) as info:
        tr.choose_transport(FetchOptions(transport="curl"))
    assert info.value.reason == "bad_transport"


def test_environment_proxy_leaves_the_transport_to_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert tr.make_transport(FetchOptions(transport="httpx"), max_connections=8) is None


@pytest.mark.skipif(not tr.aiohttp_available(), reason="aiohttp not installed")
def test_aiohttp_transport_refuses_a_socks_proxy() -> None:
    with pytest.raises(FetchError) as info:
        tr.make_transport(FetchOptions(transport="aiohttp", proxy="socks5://127.0.0.1:9"), 8)
    assert info.value.reason == "bad_proxy"


@pytest.mark.skipif(not tr.aiohttp_available(), reason="aiohttp not installed")
def test_aiohttp_errors_map_to_the_fetch_error_tree() -> None:
    import aiohttp

    from scraper.fetch.aio import map_aiohttp_errors
    from scraper.fetch.errormap import map_httpx_errors

    cases = [
        (aiohttp.ConnectionTimeoutError(), "timeout"),
        (aiohttp.SocketTimeoutError(), "timeout"),
        (aiohttp.ServerDisconnectedError(), "connect_error"),
        (aiohttp.ClientPayloadError("cut short"), "connect_error"),
        (aiohttp.ClientOSError(104, "reset"), "connect_error"),
        (aiohttp.ClientResponseError(None, (), message="bad status line"), "connect_error"),  # type: ignore[arg-type]
        (aiohttp.InvalidURL("http://[x"), "bad_url"),
        (aiohttp.ClientError("other"), "protocol_error"),
    ]
    for exc, reason in cases:
        with pytest.raises(FetchError) as info, map_httpx_errors("u"), map_aiohttp_errors():
            raise exc
        assert info.value.reason == reason, exc
