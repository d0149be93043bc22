"""Responses that used to escape as foreign exceptions (ValueError, MemoryError) and end the crawl.

Each is served by the real loopback server; each must become that URL's ``FetchError`` (or a normal
page), on both transports, and a crawl over them must write every good article and go on.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpserver import NeteaseServer, Respond

from scraper.config import FetchOptions
from scraper.crawling import CrawlOptions, crawl, crawl_async
from scraper.crawling.state import StateStore
from scraper.errors import FetchError
from scraper.fetch import Backoff, Fetcher, FetchResult

FAST = Backoff(base=0.01, max=0.05, max_host_delay=0.5)
TRANSPORTS = ("httpx", "aiohttp")
GOOD = [f"KHHHHHHH0000000{i}" for i in range(3)]


def hostile(server: NeteaseServer) -> dict[str, tuple[str, str | None]]:
    """docid -> (URL, expected failure reason or None for a page); each route one hostile answer."""
    cases: dict[str, tuple[str, str | None]] = {}

    def path(docid: str) -> str:
        return f"/dy/article/{docid}.html"

    d = "KHOSTILE00000001"  # Retry-After: '²' passes str.isdigit() and fails float()
    server.add_article(d, faults=[Respond(503, {"Retry-After": "²"})])
    cases[d] = (server.url(path(d)), None)
    d = "KHOSTILE00000002"  # credentials in a redirect: httpx/aiohttp raise ValueError, or send them
    server.redirect(path(d), f"http://user:secret@{server.host}{path(GOOD[0])}")
    cases[d] = (server.url(path(d)), "bad_url")
    d = "KHOSTILE00000003"  # a backslash in the authority: ValueError in yarl
    server.redirect(path(d), "http://\\www.163.com/")
    cases[d] = (server.url(path(d)), "bad_url")
    d = "KHOSTILE00000004"  # Content-Length: '²'
    server.add_article(d, headers={"Content-Length": "²"})
    cases[d] = (server.url(path(d)), "connect_error")
    d = "KHOSTILE00000005"  # Retry-After far beyond any float
    server.add_article(d, faults=[Respond(429, {"Retry-After": "9" * 400})])
    cases[d] = (server.url(path(d)), None)
    return cases


def fetch_each(server: NeteaseServer, urls: list[str], **changes: Any) -> list[FetchResult | BaseException]:
    opts: dict[str, Any] = {
        "delay": 0.0,
        "timeout": 5.0,
        "retries": 1,
        "ignore_robots": True,
        "allow_hosts": (server.host,),
        "max_retry_after": 0.05,
        **changes,
    }

    async def go() -> list[FetchResult | BaseException]:
        async with Fetcher(FetchOptions(**opts), backoff=FAST) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls), return_exceptions=True)

    return asyncio.run(go())


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_each_hostile_answer_is_that_urls_fetch_error(netease_server: NeteaseServer, transport: str) -> None:
    cases = hostile(netease_server)
    netease_server.add_article(GOOD[0])
    outcomes = fetch_each(netease_server, [url for url, _ in cases.values()], transport=transport)
    for (docid, (_, reason)), outcome in zip(cases.items(), outcomes, strict=True):
        if reason is None:
            assert isinstance(outcome, FetchResult), (docid, outcome)
        else:
            assert isinstance(outcome, FetchError), (docid, outcome)
            assert outcome.reason == reason, (docid, outcome)
    # The redirect's credentials were never sent anywhere.
    assert all("authorization" not in {k.lower() for k in h.headers} for h in netease_server.requests())
    assert "secret" not in str(outcomes[1])


class _Exploding(httpx.AsyncBaseTransport):
    """The real wire, except that requests for ``path`` raise ``exc`` (a client bug, MemoryError)."""

    def __init__(self, path: str, exc: BaseException) -> None:
        self._wire = httpx.AsyncHTTPTransport()
        self._path = path
        self._exc = exc

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == self._path:
            raise self._exc
        return await self._wire.handle_async_request(request)

    async def aclose(self) -> None:
        await self._wire.aclose()


@pytest.mark.parametrize("exc", [MemoryError(), ValueError("bug in a client library"), KeyError("x")])
def test_any_exception_is_internal_error_with_its_message(
    netease_server: NeteaseServer, exc: BaseException
) -> None:
    url = netease_server.add_article(GOOD[0])

    async def go() -> None:
        opts = FetchOptions(delay=0.0, retries=0, ignore_robots=True, allow_hosts=(netease_server.host,))
        transport = _Exploding(f"/dy/article/{GOOD[0]}.html", exc)
        async with Fetcher(opts, transport=transport) as fetcher:
            await fetcher.fetch(url)

    with pytest.raises(FetchError) as info:
        asyncio.run(go())
    assert info.value.reason == "internal_error"
    assert type(exc).__name__ in str(info.value)


def test_a_crawl_over_hostile_answers_writes_every_good_article(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    cases = hostile(netease_server)
    good = [netease_server.add_article(d) for d in GOOD]
    bomb = "KHOSTILE00000009"  # MemoryError on this one
    urls = [*good, *(u for u, _ in cases.values()), netease_server.url(f"/dy/article/{bomb}.html")]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    out = tmp_path / "out.jsonl"
    fetch = FetchOptions(
        delay=0.0,
        retries=1,
        timeout=5.0,
        ignore_robots=True,
        allow_hosts=(netease_server.host,),
        max_retry_after=0.05,
    )
    options = CrawlOptions(fetch=fetch)
    transport = _Exploding(f"/dy/article/{bomb}.html", MemoryError())
    summary = asyncio.run(crawl_async(listing, out, options, transport=transport))
    expected_failed: dict[str, int] = {"internal_error": 1}
    for _, reason in cases.values():
        if reason is not None:
            expected_failed[reason] = expected_failed.get(reason, 0) + 1
    assert summary.failed == expected_failed
    assert summary.pending == 0
    assert summary.done == len(GOOD) + sum(r is None for _, r in cases.values())
    with StateStore(tmp_path / "out.jsonl.state.sqlite") as state:
        [failure] = [f for f in state.iter_failures() if f.docid == bomb]
    assert failure.error is not None and "MemoryError" in failure.error
    # A rerun (the hostile URLs retried) ends normally too.
    again = crawl(listing, out, CrawlOptions(fetch=fetch, retry_failed=True))
    assert again.pending == 0 and again.done == summary.done
