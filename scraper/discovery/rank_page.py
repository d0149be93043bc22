"""Rank pages (新闻排行榜): ``news.163.com/special/0001386F/rank_<chan>.html``, GBK HTML tables.

Items are ``div.tabContents table td a`` (research §4.4): the 24 h / week / month tabs list many of
the same articles; the runner keeps one per docid. The tables show click counts, not times.
"""

from __future__ import annotations

from .base import Format, no_paging
from .htmlpage import link_item, parse_html
from .model import FeedItem

__all__ = ["FORMAT", "parse", "sniff"]

SELECTOR = "div.tabContents table td a"


def sniff(text: str, url: str | None) -> bool:
    """A page with rank tab contents."""
    return 'class="tabContents' in text or "class='tabContents" in text


def parse(text: str, base: str | None) -> list[FeedItem]:
    """The links of the rank tables, in page order."""
    tree = parse_html(text)
    items = (link_item(anchor, base, time_node=None) for anchor in tree.css(SELECTOR))
    return [item for item in items if item is not None]


FORMAT = Format("rank-page", sniff, parse, no_paging)
