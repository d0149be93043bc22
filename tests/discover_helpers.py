"""Serving ``fixtures/feeds`` from the loopback server at the paths NetEase uses, links mirrored.

NetEase hosts in the bodies (``www``/``news``/``3g.163.com``) are rewritten to the test server, so
every article URL discovered points back at it (the URL grammar accepts them as mirror URLs when
the server's host is allowed). :class:`QueryServer` also routes on ``path?query`` when such a route
exists (the 网易号 list API pages by ``pageNo``; :class:`NeteaseServer` ignores queries).
"""

from __future__ import annotations

import re
from pathlib import Path

from httpserver import NeteaseServer, _Handler

from scraper.config import FetchOptions
from scraper.discovery import DiscoverOptions

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
SHARED_LISTS = Path(__file__).resolve().parents[1].parent / "shared" / "netease-lists"

CM = "/special/00804KVA/cm_yaowen20200213.js"
ARTI = "/touch/reconstruct/article/list/BBM54PGAwangning/{}-3.html"
DY = "/v2/article/list.do"
DY_QUERY = "pageNo={}&wemediaId=W351337132999228435&size=2"
PUBLISHER = "/dy/media/T1536566896022.html"
RANK = "/special/0001386F/rank_news.html"
CHANNEL = "/news/"
_NETEASE = re.compile(rb"(https?:)?//(?:www|news|3g)\.163\.com")


class _QueryHandler(_Handler):
    def _answer(self, path: str) -> None:
        query = self.path.partition("?")[2]
        keyed = f"{path}?{query}"
        super()._answer(keyed if query and keyed in self.server.owner._routes else path)


class QueryServer(NeteaseServer):
    """A :class:`NeteaseServer` whose routes may also be ``/path?exact=query``."""

    def __init__(self) -> None:
        super().__init__()
        self._httpd.RequestHandlerClass = _QueryHandler


def mirrored(server: NeteaseServer, name: str) -> bytes:
    """A fixture's bytes with the NetEase hosts pointed at ``server``."""
    data = (FEEDS / name).read_bytes()
    host = server.host.encode()
    return _NETEASE.sub(lambda m: (b"http:" if m[1] else b"") + b"//" + host, data)


def serve_feeds(server: NeteaseServer) -> dict[str, str]:
    """Serve every feed fixture; returns the first-page URL of each source by name."""
    js = "application/javascript; charset=utf-8"  # a lying label on the GBK channel feed
    server.add(CM, body=mirrored(server, "cm_yaowen20200213.js"), content_type=js)
    server.add(
        CM.replace(".js", "_02.js"),
        body=mirrored(server, "cm_yaowen20200213_02.js"),
        content_type="application/javascript",
    )
    for offset in (0, 3, 6):
        server.add(ARTI.format(offset), body=mirrored(server, f"artilist-{offset}-3.js"), content_type=js)
    for page in (1, 2, 3):
        server.add(
            f"{DY}?{DY_QUERY.format(page)}",
            body=mirrored(server, f"dy-list-{page}.txt"),
            content_type="application/json",
        )
    server.add(PUBLISHER, body=mirrored(server, "publisher-T1536566896022.htm"))
    server.add(RANK, body=mirrored(server, "rank_news.htm"), content_type="text/html; charset=gb2312")
    server.add(CHANNEL, body=mirrored(server, "channel-lying-charset.htm"))  # utf-8 label, GBK bytes
    return {
        "cm": server.url(CM) + "?callback=data_callback",
        "arti": server.url(ARTI.format(0)),
        "dy": server.url(f"{DY}?{DY_QUERY.format(1)}"),
        "publisher": server.url(PUBLISHER),
        "rank": server.url(RANK),
        "channel": server.url(CHANNEL),
    }


def options(server: NeteaseServer, **fetch: object) -> DiscoverOptions:
    """Discover options for the loopback server: allowed, no delay, no retries, no robots."""
    settings: dict[str, object] = {
        "allow_hosts": (server.host,),
        "delay": 0.0,
        "retries": 0,
        "ignore_robots": True,
    }
    settings.update(fetch)
    return DiscoverOptions(fetch=FetchOptions(**settings))  # type: ignore[arg-type]
