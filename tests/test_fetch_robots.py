"""scraper.fetch.robots: robots.txt obeyed by default, fetched once per origin, failures allow."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from httpserver import NeteaseServer, Respond

from scraper.config import FetchOptions
from scraper.errors import FetchError, RobotsDisallowed
from scraper.fetch import Backoff, Fetcher
from scraper.fetch.robots import RobotsCache, RobotsFile

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


@pytest.mark.parametrize("status", [404, 410, 401, 500, 503])
def test_robots_errors_allow_everything(netease_server: NeteaseServer, status: int) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /\n", status=status)
    url = netease_server.add_article(ID)
    [result] = fetch_all(netease_server, [url])
    assert not isinstance(result, Exception)


def test_unreachable_robots_allows(netease_server: NeteaseServer) -> None:
    netease_server.add("/robots.txt", body="User-agent: *\nDisallow: /\n", delay=1.0)
    url = netease_server.add_article(ID)
    [result] = fetch_all(netease_server, [url], timeout=0.2)
    assert not isinstance(result, Exception)


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


def test_a_failing_download_allows() -> None:
    async def download(url: str) -> RobotsFile:
        raise FetchError("boom")

    cache = RobotsCache("bot/1", download)
    assert asyncio.run(cache.allowed(httpx.URL("https://www.163.com/x")))
