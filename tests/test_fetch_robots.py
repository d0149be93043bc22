"""scraper.fetch.robots: robots.txt obeyed by default, fetched once per origin, RFC 9309 on errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from httpserver import NeteaseServer, Respond

from scraper.config import FetchOptions
from scraper.errors import FetchError, RobotsDisallowed
from scraper.fetch import Backoff, Fetcher
from scraper.fetch.robots import ERROR_TTL, RobotsCache, RobotsFile

ID = "G33O1QTA05372UZS"
PATH = f"/dy/article/{ID}.html"
FAST = Backoff(base=0.01, max=0.05, max_host_delay=5.0)


def fetch_all(server: NeteaseServer, urls: list[str], **changes: Any) -> list[object]:
    """Fetch each URL with one Fetcher; return results or the errors raised."""
    opts: dict[str, Any] = {
        "delay": 0.0,
        "timeout": 0.5,
        "retries": 0,
        "allow_hosts": (server.host,),
        **changes,
    }

    async def go() -> list[object]:
        async with Fetcher(FetchOptions(**opts), backoff=FAST) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls), return_exceptions=True)

    return asyncio.run(go())


def test_disallowed_path_is_never_requested(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /dy/\n", content_type="text/plain")
    url = netease_server.add_article(ID)
    [error] = fetch_all(netease_server, [url])
    assert isinstance(error, RobotsDisallowed)
    assert (error.reason, error.url) == ("robots", url)
    assert netease_server.hits(PATH) == 0


def test_robots_is_fetched_once_per_origin(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    urls = [netease_server.add_article(ID, path=f"/dy/article/{ID[:-1]}{i}.html") for i in range(5)]
    results = fetch_all(netease_server, urls)
    assert all(isinstance(r, object) and not isinstance(r, Exception) for r in results)
    assert netease_server.hits("/robots.txt") == 1


def test_rules_for_our_user_agent_win(netease_server: NeteaseServer) -> None:
    robots = "User-agent: *\nDisallow: /\n\nUser-agent: netease-scraper\nDisallow: /news/\n"
    netease_server.add("/robots.txt", body=robots, content_type="text/plain")
    ok = netease_server.add_article(ID)
    blocked = netease_server.add_article(ID, path=f"/news/article/{ID}.html")
    ours, theirs = fetch_all(netease_server, [ok, blocked])
    assert not isinstance(ours, Exception)
    assert isinstance(theirs, RobotsDisallowed)
    [other_bot] = fetch_all(netease_server, [ok], user_agent="SomeOtherBot/1.0")
    assert isinstance(other_bot, RobotsDisallowed)


def test_ignore_robots_opts_out(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /\n", content_type="text/plain")
    url = netease_server.add_article(ID)
    [result] = fetch_all(netease_server, [url], ignore_robots=True)
    assert not isinstance(result, Exception)
    assert netease_server.hits("/robots.txt") == 0


@pytest.mark.parametrize("status", [404, 410, 401, 403, 429])
def test_robots_4xx_allows_everything(netease_server: NeteaseServer, status: int) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /\n", status=status)
    url = netease_server.add_article(ID)
    [result] = fetch_all(netease_server, [url])
    assert not isinstance(result, Exception)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_robots_5xx_disallows_everything_after_retries(netease_server: NeteaseServer, status: int) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\n", status=status)
    url = netease_server.add_article(ID)
    [error] = fetch_all(netease_server, [url], retries=2)
    assert isinstance(error, RobotsDisallowed) and error.reason == "robots_unreachable"
    assert "--retry-failed" in str(error)
    assert netease_server.hits("/robots.txt") == 3  # retried like a page
    assert netease_server.hits(PATH) == 0


def test_a_transient_robots_5xx_is_retried_away(netease_server: NeteaseServer) -> None:
    netease_server.add(
        "/robots.txt", body="User-agent: *\n", faults=[Respond(503)], content_type="text/plain"
    )
    [result] = fetch_all(netease_server, [netease_server.add_article(ID)], retries=1)
    assert not isinstance(result, Exception)


def test_unreachable_robots_disallows(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\n", delay=1.0)
    url = netease_server.add_article(ID)
    [error] = fetch_all(netease_server, [url], timeout=0.2)
    assert isinstance(error, RobotsDisallowed) and error.reason == "robots_unreachable"
    assert netease_server.hits(PATH) == 0


def test_only_the_first_500_kib_of_robots_are_parsed(netease_server: NeteaseServer) -> None:
    filler = "# padding\n" * (600 * 1024 // 10)  # 600 KiB of comments
    rules = "User-agent: *\nDisallow: /dy/\n"
    netease_server.add("/robots.txt", body=rules + filler + "Disallow: /news/\n", content_type="text/plain")
    news = f"/news/article/{ID}.html"
    [dy, beyond] = fetch_all(
        netease_server, [netease_server.add_article(ID), netease_server.add_article(ID, path=news)]
    )
    assert isinstance(dy, RobotsDisallowed)  # before: > 512 KiB, ignored, everything allowed
    assert not isinstance(beyond, Exception)  # the rule past 500 KiB is not read


def test_robots_redirect_to_another_port_is_not_followed(netease_server: NeteaseServer) -> None:
    with NeteaseServer() as other:
        other.add("/robots.txt", body="User-agent: *\nDisallow: /\n", content_type="text/plain")
        netease_server.redirect("/robots.txt", other.url("/robots.txt"))
        [result] = fetch_all(netease_server, [netease_server.add_article(ID)])
        assert other.hits("/robots.txt") == 0
    assert not isinstance(result, Exception)  # a redirect we may not follow: "unavailable"


class _Recording(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._wire = httpx.AsyncHTTPTransport()
        self.urls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return await self._wire.handle_async_request(request)

    async def aclose(self) -> None:
        await self._wire.aclose()


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://user:pw@{host}/robots2.txt",
        "http://evil.example/r",
    ],
)
def test_robots_redirects_get_the_host_checks_of_any_request(
    netease_server: NeteaseServer, target: str
) -> None:
    netease_server.redirect("/robots.txt", target.format(host=netease_server.host))
    url = netease_server.add_article(ID)
    wire = _Recording()

    async def go() -> object:
        opts = FetchOptions(delay=0.0, timeout=0.5, retries=0, allow_hosts=(netease_server.host,))
        async with Fetcher(opts, transport=wire, backoff=FAST) as fetcher:
            return await fetcher.fetch(url)

    assert asyncio.run(go())
    assert wire.urls == [netease_server.url("/robots.txt"), url]


def test_redirect_into_a_disallowed_path_is_refused(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    netease_server.add_article(ID, path="/private/page.html")
    start = netease_server.redirect(PATH, "/private/page.html")
    [error] = fetch_all(netease_server, [start])
    assert isinstance(error, RobotsDisallowed) and error.url == start
    assert netease_server.hits("/private/page.html") == 0


def test_robots_redirect_is_followed(netease_server: NeteaseServer) -> None:
    netease_server.redirect("/robots.txt", "/real-robots.txt", status=301)
    netease_server.add("/real-robots.txt", body="User-agent: *\nDisallow: /dy/\n", content_type="text/plain")
    [error] = fetch_all(netease_server, [netease_server.add_article(ID)])
    assert isinstance(error, RobotsDisallowed)


def test_crawl_delay_raises_the_host_delay(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nCrawl-delay: 3\n", content_type="text/plain")
    url = netease_server.add_article(ID)

    async def go() -> float:
        opts = FetchOptions(delay=0.0, timeout=0.5, allow_hosts=(netease_server.host,))
        async with Fetcher(opts, backoff=FAST) as fetcher:
            await fetcher.fetch(url)
            return fetcher.host_delay(netease_server.host)

    assert asyncio.run(go()) == 3.0


def test_robots_throttling_slows_the_page_fetch_too(netease_server: NeteaseServer) -> None:
    # A 429 on robots.txt counts as "no robots.txt"; the page itself is then fetched normally.
    netease_server.add("/robots.txt", body="", status=429, headers={"Retry-After": "0"})
    netease_server.add_article(ID, faults=[Respond(500)])
    [result] = fetch_all(netease_server, [netease_server.url(PATH)], retries=1)
    assert not isinstance(result, Exception)


def test_cache_shares_one_download_and_expires() -> None:
    calls: list[str] = []
    now = [0.0]

    async def download(url: str) -> RobotsFile:
        calls.append(url)
        await asyncio.sleep(0)
        return RobotsFile(200, b"User-agent: *\nDisallow: /x/\n")

    async def go() -> list[bool]:
        cache = RobotsCache("bot/1", download, clock=lambda: now[0])
        urls = [httpx.URL("https://www.163.com/x/1"), httpx.URL("https://www.163.com/y/2")] * 3
        answers = await asyncio.gather(*(cache.allowed(u) for u in urls))
        now[0] = 25 * 3600.0  # a day later the rules are read again
        answers.append(await cache.allowed(httpx.URL("https://www.163.com/y/3")))
        answers.append(await cache.allowed(httpx.URL("http://www.163.com/y/3")))  # another origin
        return answers

    assert asyncio.run(go()) == [False, True] * 3 + [True, True]
    assert calls == ["https://www.163.com/robots.txt"] * 2 + ["http://www.163.com/robots.txt"]


def test_a_failing_download_disallows_and_is_checked_again_later() -> None:
    now = [0.0]
    calls: list[str] = []

    async def download(url: str) -> RobotsFile:
        calls.append(url)
        if len(calls) == 1:
            raise FetchError("boom")
        return RobotsFile(200, b"User-agent: *\nDisallow: /x/\n")

    async def go() -> list[str]:
        cache = RobotsCache("bot/1", download, clock=lambda: now[0])
        first = await cache.verdict(httpx.URL("https://www.163.com/y"))
        now[0] = ERROR_TTL + 1
        return [first, await cache.verdict(httpx.URL("https://www.163.com/y"))]

    assert asyncio.run(go()) == ["unreachable", "allowed"]
    assert len(calls) == 2
