"""网易号 publisher pages: ``www.163.com/dy/media/T<13 digits>.html`` (HTML).

Items (research §4.4, from RSSHub's routes): ``.tab_content ul li`` with ``h4 a`` and ``.time``;
the older layout ``.media_articles ul li`` with ``h2.media_article_title a`` and
``.media_article_date``. The page is not paged (more items come from the list API, ``json_api``).
"""

from __future__ import annotations

import re

from .base import Format, no_paging
from .htmlpage import link_item, parse_html
from .model import FeedItem

__all__ = ["FORMAT", "parse", "sniff"]

# (item, link, time) selectors per layout, newest layout first.
LAYOUTS = (
    (".tab_content ul li", "h4 a", ".time"),
    (".media_articles ul li", "h2.media_article_title a", ".media_article_date"),
)
_MARKER = re.compile(r"""class=["'][^"']*\b(?:tab_content|media_articles)\b""")


def sniff(text: str, url: str | None) -> bool:
    """A page with a publisher article list."""
    return _MARKER.search(text) is not None


def parse(text: str, base: str | None) -> list[FeedItem]:
    """The publisher's articles with their times, from the first layout that lists any."""
    tree = parse_html(text)
    for item_sel, link_sel, time_sel in LAYOUTS:
        items = []
        for node in tree.css(item_sel):
            anchor = node.css_first(link_sel)
            if anchor is None:
                continue
            item = link_item(anchor, base, time_node=node.css_first(time_sel))
            if item is not None:
                items.append(item)
        if items:
            return items
    return []


FORMAT = Format("publisher-page", sniff, parse, no_paging)
