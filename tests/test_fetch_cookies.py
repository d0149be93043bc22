"""scraper.fetch.cookies: cookies are kept across pages, but the jar (and the Cookie header) is capped."""

from __future__ import annotations

import asyncio

from httpserver import NeteaseServer, NewCookie

from scraper.config import FetchOptions
from scraper.fetch import Fetcher
from scraper.fetch.cookies import MAX_DOMAIN_BYTES

ID = "KCOOKIE000000001"
PATH = f"/dy/article/{ID}.html"


def fetch_n(server: NeteaseServer, n: int) -> None:
    opts = FetchOptions(delay=0.0, retries=0, ignore_robots=True, allow_hosts=(server.host,))

    async def go() -> None:
        async with Fetcher(opts) as fetcher:
            for _ in range(n):
                await fetcher.fetch(server.url(PATH))

    asyncio.run(go())


def test_a_site_setting_a_new_cookie_on_every_page_does_not_grow_the_header(
    netease_server: NeteaseServer,
) -> None:
    netease_server.add_article(ID, fixed=[NewCookie(1000)])
    fetch_n(netease_server, 200)
    sent = [h.headers.get("Cookie", "") for h in netease_server.requests(PATH)]
    assert max(len(c) for c in sent) <= MAX_DOMAIN_BYTES + 200  # before: ~200 KB by the last page
    assert "c199=" in sent[-1]  # the newest cookies are the ones kept
    assert "c1=" not in sent[-1]


def test_cookies_are_still_sent_back(netease_server: NeteaseServer) -> None:
    netease_server.add_article(ID, headers={"Set-Cookie": "session=abc; Path=/"})
    fetch_n(netease_server, 2)
    assert netease_server.requests(PATH)[1].headers.get("Cookie") == "session=abc"


def test_an_oversized_cookie_is_not_stored(netease_server: NeteaseServer) -> None:
    netease_server.add_article(ID, fixed=[NewCookie(5000)])
    fetch_n(netease_server, 3)
    assert all("Cookie" not in h.headers for h in netease_server.requests(PATH))
