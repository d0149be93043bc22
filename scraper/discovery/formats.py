"""The list formats in detection order: specific formats first, any HTML page's links last."""

from __future__ import annotations

from . import channel_feed, json_api, links, mobile_list, publisher_page, rank_page
from .base import Format
from .model import FeedItem

__all__ = ["FORMATS", "detect", "parse_first_page"]

FORMATS: tuple[Format, ...] = (
    channel_feed.FORMAT,
    mobile_list.FORMAT,
    json_api.FORMAT,
    rank_page.FORMAT,
    publisher_page.FORMAT,
    links.FORMAT,
)
# A page that looks like a rank or publisher page but whose layout lists nothing: read all its links.
_FALL_BACK_TO_LINKS = (rank_page.FORMAT, publisher_page.FORMAT)


def detect(text: str, url: str | None) -> Format | None:
    """The first format that recognises the page, or None."""
    return next((f for f in FORMATS if f.sniff(text, url)), None)


def parse_first_page(fmt: Format, text: str, base: str | None) -> list[FeedItem]:
    """``fmt.parse``; a specific HTML format that finds nothing gives way to all the page's links."""
    items = fmt.parse(text, base)
    if not items and fmt in _FALL_BACK_TO_LINKS:
        return links.FORMAT.parse(text, base)
    return items
