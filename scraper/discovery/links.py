"""Any NetEase channel / home / list page, saved or fetched: every link the URL grammar accepts.

The fallback format (it sniffs any HTML). Each ``<a href>`` becomes an item with its text as title
and, where the page prints one beside it (rolling news lists), its time; the runner keeps the links
that :func:`scraper.urls.parse_article_url` recognises as articles.
"""

from __future__ import annotations

import re

from .base import Format, no_paging
from .htmlpage import link_item, parse_html
from .model import FeedItem

__all__ = ["FORMAT", "parse", "sniff"]

_HTML = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|a\s)", re.I | re.S
)


def sniff(text: str, url: str | None) -> bool:
    """HTML: the page starts with a doctype or a common tag."""
    return _HTML.match(text[:4096]) is not None


def parse(text: str, base: str | None) -> list[FeedItem]:
    """One item per link on the page, in page order."""
    tree = parse_html(text)
    items = (link_item(anchor, base) for anchor in tree.css("a[href]"))
    return [item for item in items if item is not None]


FORMAT = Format("html-links", sniff, parse, no_paging)
