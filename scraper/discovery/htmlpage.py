"""Shared by the HTML list formats: parse once, resolve links, find a time shown next to a link."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..urls import absolute_url
from .model import FeedItem, parse_feed_time

__all__ = ["declared_base", "link_item", "parse_html"]

# A full date and time as list pages print it: (2020-07-04 02:20:23), 2020-08-02 14:47.
_SHOWN_TIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?")
_CANONICAL = re.compile(
    r"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']([^"']+)|"""
    r"""<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)""",
    re.IGNORECASE,
)
_TIME_LEVELS = 3  # how far up from a link to look for its time (a, li, ul)


def parse_html(text: str) -> LexborHTMLParser:
    """The lexbor tree of a page (lexbor never raises on bad HTML)."""
    return LexborHTMLParser(text)


def declared_base(text: str) -> str | None:
    """The page's own URL as it declares it (canonical link or og:url): the base of a saved page."""
    found = _CANONICAL.search(text[:200_000])
    if not found:
        return None
    url = (found.group(1) or found.group(2)).strip()
    return url if url.startswith(("http://", "https://")) else None


def link_item(
    anchor: LexborNode, base: str | None, *, time_node: LexborNode | None = None
) -> FeedItem | None:
    """A :class:`FeedItem` for an ``<a>``: resolved link, its text as title, the time shown by it.

    ``time_node`` is where the page prints the time; without one, the nearest ancestor (up to
    :data:`_TIME_LEVELS`) that holds this one link and a full date-time gives it.
    """
    link = absolute_url(anchor.attributes.get("href"), base)
    if link is None:
        return None
    title = anchor.text(strip=True) or anchor.attributes.get("title") or None
    shown = time_node.text(strip=True) if time_node is not None else _time_near(anchor)
    return FeedItem(link=link, title=title, published_at=parse_feed_time(shown))


def _time_near(anchor: LexborNode) -> str | None:
    node = anchor.parent
    for _ in range(_TIME_LEVELS):
        if node is None or node.tag in ("body", "html"):
            return None
        if len(node.css("a[href]")) > 2:  # a block of many links: a time there is not this link's
            return None
        found = _SHOWN_TIME.search(node.text())
        if found:
            return found.group(0)
        node = node.parent
    return None
