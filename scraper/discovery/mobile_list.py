"""The mobile list API: ``artiList({"<id>wangning": [...]})`` JSONP, and its JSON cousin keyed by tid.

``3g.163.com/touch/reconstruct/article/list/<8ch>wangning/<offset>-<size>.html`` (also ``m.163.com``,
older ``/touch/article/list/``) and the app's ``c.m.163.com/nc/article/headline|list/<tid>/<offset>-<size>.html``.
Fields (research §4.4): ``docid, title, digest, source, ptime, url, skipURL, skipType, ...``.
Items whose ``skipType`` names a photo set, a live room or a special are not articles; they keep
their link only, which the URL grammar then turns down.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import FeedError, Reason
from .base import Format
from .jsonp import callback_name, load_json, load_jsonp
from .model import FeedItem, parse_feed_time

__all__ = ["FORMAT", "next_page", "parse", "sniff"]

CALLBACK = "artiList"
# ``{"BBM54PGAwangning": [`` or ``{"T1348647853363": [``: one list keyed by a channel id.
_KEYED_LIST = re.compile(r'\s*\{\s*"(?:[A-Za-z0-9]{8}wangning|T\d{13})"\s*:\s*\[')
_OFFSET_SIZE = re.compile(r"(?P<head>.*/)(?P<offset>\d+)-(?P<size>\d+)\.html")
_ARTICLE_SKIP_TYPES = frozenset({"", "doc", "article"})


def sniff(text: str, url: str | None) -> bool:
    """An ``artiList(`` body, or JSON holding one list keyed by a channel id."""
    return callback_name(text) == CALLBACK or _KEYED_LIST.match(text[:256]) is not None


def parse(text: str, base: str | None) -> list[FeedItem]:
    """The items of every list in the object; ``FeedError(bad_feed)`` if it holds none."""
    data = load_jsonp(text, callback=CALLBACK) if callback_name(text) else load_json(text)
    if not isinstance(data, dict) or not any(isinstance(v, list) for v in data.values()):
        raise FeedError("the list API answer holds no list keyed by a channel id", reason=Reason.BAD_FEED)
    return [
        _item(entry)
        for value in data.values()
        if isinstance(value, list)
        for entry in value
        if isinstance(entry, dict)
    ]


def _item(entry: dict[str, Any]) -> FeedItem:
    skip_type = _text(entry.get("skipType")) or ""
    is_article = skip_type.lower() in _ARTICLE_SKIP_TYPES
    link = _text(entry.get("url")) or (_text(entry.get("skipURL")) if is_article else None)
    return FeedItem(
        link=link,
        docid=_text(entry.get("docid")) if is_article else None,
        title=_text(entry.get("title")),
        published_at=parse_feed_time(_text(entry.get("ptime"))),
        source=_text(entry.get("source")),
    )


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def next_page(first_url: str, n: int) -> str | None:
    """Page ``n``: the offset moves on by ``size`` per page (``0-10.html``, ``10-10.html``...)."""
    parts = urlsplit(first_url)
    found = _OFFSET_SIZE.fullmatch(parts.path)
    if not found or int(found["size"]) < 1:
        return None
    size = int(found["size"])
    path = f"{found['head']}{int(found['offset']) + (n - 1) * size}-{size}.html"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


FORMAT = Format("mobile-list", sniff, parse, next_page)
