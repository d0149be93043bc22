"""A small web of article pages on the loopback server, linked like NetEase's related lists.

Each page is the 2021+ desktop layout of ``httpserver.article_page`` with, after the body, the
blocks real pages carry: a 相关推荐 list (``.post_recommends``, the links to follow), a 热点推荐 box,
and links that must *not* be followed: the page itself, a channel page, a gallery, another site
with an article-shaped path, ``javascript:``. Links come absolute, relative, protocol-relative or
with tracking decorations, as on real pages. No link leads to a real NetEase article (it would be
fetched from the network).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone

from httpserver import NeteaseServer, article_page

__all__ = ["NEW", "OLD", "docid_at", "page_with_links", "reachable", "serve_graph"]

BEIJING = timezone(timedelta(hours=8))
NEW = datetime(2024, 5, 1, 10, 0, tzinfo=BEIJING)
OLD = datetime(2019, 3, 1, 10, 0, tzinfo=BEIJING)
_EPOCH = 1_060_500_000  # the docid clock's zero (research §1.1), as scraper.discovery.model reads it
_B32 = "0123456789ABCDEFGHIJKLMNOPQRSTUV"


def docid_at(when: datetime, n: int) -> str:
    """A docid whose first 8 characters encode ``when`` (base-32 ms since the docid epoch)."""
    ms = round((when.timestamp() - _EPOCH) * 1000)
    head = ""
    for _ in range(8):
        ms, digit = divmod(ms, 32)
        head = _B32[digit] + head
    return f"{head}{n:04d}FLWX"


def page_with_links(server: NeteaseServer, docid: str, links: Iterable[str]) -> bytes:
    """``docid``'s page, its 相关推荐 list linking ``links`` (docids on the server), written in every way."""
    base = f"http://{server.host}"
    forms = (
        lambda d: f"{base}/dy/article/{d}.html",
        lambda d: f"/dy/article/{d}.html",  # relative
        lambda d: f"//{server.host}/news/article/{d}.html?f=post2020_dy_recommends",  # decorated
        lambda d: f"{base}/dy/article/{d}_pdya11y.html",  # 关怀版 variant
    )
    items = "\n".join(
        f'<li class="post_recommend"><a href="{forms[i % len(forms)](d)}">相关文章{d}</a></li>'
        for i, d in enumerate(links)
    )
    chrome = f"""
<div class="post_recommends js-tab-mod"><div class="post_recommends_titles">相关推荐</div>
<ul class="post_recommends_list">
{items}
<li class="post_recommend"><a href="{base}/dy/article/{docid}.html">本文自己</a></li>
</ul></div>
<div class="post_side"><h3>热点推荐</h3><ul>
<li><a href="{base}/news/">新闻频道</a></li>
<li><a href="{base}/photoview/00AP0001/2301234.html">图集</a></li>
<li><a href="https://example.com/dy/article/EXAMPLE000000001.html">别的网站</a></li>
<li><a href="javascript:void(0)">分享</a></li>
</ul></div>
<div class="post_statement">"""
    return article_page(docid, paragraphs=(f"这是文章{docid}的正文，用于跟随链接的测试。",)).replace(
        b'<div class="post_statement">', chrome.encode("utf-8"), 1
    )


def serve_graph(server: NeteaseServer, graph: Mapping[str, Iterable[str]], *, delay: float = 0.0) -> None:
    """Serve every page of ``graph`` (docid -> the docids its related list links to)."""
    for docid, links in graph.items():
        body = page_with_links(server, docid, links)
        server.add(f"/dy/article/{docid}.html", body=body, delay=delay)
        server.add(f"/news/article/{docid}.html", body=body, delay=delay)


def reachable(graph: Mapping[str, Iterable[str]], seeds: Iterable[str], depth: int) -> set[str]:
    """Docids at most ``depth`` links from ``seeds`` (breadth first; unknown docids count, as 404s)."""
    seen = set(seeds)
    frontier = set(seen)
    for _ in range(depth):
        frontier = {d for page in frontier for d in graph.get(page, ())} - seen
        seen |= frontier
    return seen
