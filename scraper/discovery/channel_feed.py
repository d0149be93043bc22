"""Channel JSONP feeds: ``data_callback([...])``, GBK (``temp.163.com/special/00804KVA/cm_*.js``).

Fields per item (research §4.4): ``title, digest, docurl, commenturl, tienum, tlastid, tlink, label,
keywords, time`` (``MM/DD/YYYY HH:MM:SS``), ``newstype, imgurl, add1..3, channelname, source``.
Pages are numbered: ``cm_yaowen20200213.js``, then ``cm_yaowen20200213_02.js``, ``_03``...
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import FeedError, Reason
from .base import Format
from .jsonp import callback_name, load_jsonp
from .model import FeedItem, parse_feed_time

__all__ = ["FORMAT", "next_page", "parse", "sniff"]

CALLBACK = "data_callback"
_NUMBERED = re.compile(r"(?P<stem>[^/]+?)(?:_(?P<n>\d{2}))?\.js")


def sniff(text: str, url: str | None) -> bool:
    """A ``data_callback(`` body."""
    return callback_name(text) == CALLBACK


def parse(text: str, base: str | None) -> list[FeedItem]:
    """The feed's items; ``FeedError(bad_feed)`` unless the body is ``data_callback([...])``."""
    data = load_jsonp(text, callback=CALLBACK)
    if not isinstance(data, list):
        raise FeedError(f"{CALLBACK}(...) holds a {type(data).__name__}, not a list", reason=Reason.BAD_FEED)
    return [_item(entry) for entry in data if isinstance(entry, dict)]


def _item(entry: dict[str, Any]) -> FeedItem:
    return FeedItem(
        link=_text(entry.get("docurl")),
        title=_text(entry.get("title")),
        published_at=parse_feed_time(_text(entry.get("time"))),
        source=_text(entry.get("source")),
    )


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def next_page(first_url: str, n: int) -> str | None:
    """Page ``n`` of a numbered feed: ``..._02.js`` for n=2 (counting on from a numbered first page)."""
    parts = urlsplit(first_url)
    head, _, name = parts.path.rpartition("/")
    found = _NUMBERED.fullmatch(name)
    if not found:
        return None
    number = int(found["n"] or 1) + n - 1
    path = f"{head}/{found['stem']}_{number:02d}.js"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


FORMAT = Format("channel-feed", sniff, parse, next_page)
