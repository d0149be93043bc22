"""JSON list APIs answering ``{"data": {"list": [...]}}`` (or ``data.items``), paged by query.

- 网易号 publisher list: ``dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W…&size=10``, items
  ``docid, title, ptime, source, imgsrc`` (no URL: the article is ``/dy/article/<docid>.html``);
  paged by ``pageNo``.
- ``gw.m.163.com/nc/api/v1/feed/static/normal-list?start=0&tid=T…&size=N`` (``data.items``, with
  ``url``), paged by ``start``/``size``; ``m.163.com/fe/api/hot/news/flow`` (``data.list``), not paged.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import FeedError, Reason
from .base import Format
from .jsonp import load_json
from .model import FeedItem, parse_feed_time

__all__ = ["FORMAT", "next_page", "parse", "sniff"]

_DATA_LIST = re.compile(r'"data"\s*:\s*\{.*?"(?:list|items)"\s*:\s*\[', re.DOTALL)
_SNIFF_CHARS = 4096


def sniff(text: str, url: str | None) -> bool:
    """A JSON object with ``data.list`` / ``data.items`` near its start."""
    head = text[:_SNIFF_CHARS]
    return head.lstrip().startswith("{") and _DATA_LIST.search(head) is not None


def parse(text: str, base: str | None) -> list[FeedItem]:
    """The items of ``data.list`` (or ``data.items``); ``FeedError(bad_feed)`` if there is none."""
    payload = load_json(text)
    data = payload.get("data") if isinstance(payload, dict) else None
    entries = None
    if isinstance(data, dict):
        entries = data.get("list", data.get("items"))
    if not isinstance(entries, list):
        raise FeedError("the API answer has no data.list / data.items", reason=Reason.BAD_FEED)
    # A list.do answer is about one 网易号: its docids are /dy/article/ pages.
    channel = "dy" if base is not None and urlsplit(base).path.endswith("/list.do") else None
    return [_item(entry, channel) for entry in entries if isinstance(entry, dict)]


def _item(entry: dict[str, Any], channel: str | None) -> FeedItem:
    return FeedItem(
        link=_text(entry.get("url")),
        docid=_text(entry.get("docid")),
        title=_text(entry.get("title")),
        published_at=parse_feed_time(_text(entry.get("ptime"))),
        source=_text(entry.get("source")),
        channel=channel,
    )


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def next_page(first_url: str, n: int) -> str | None:
    """Page ``n`` by ``pageNo`` (+1 a page) or ``start`` (+``size`` a page); None if neither is there."""
    parts = urlsplit(first_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    if params.get("pageNo", "").isdigit():
        changed = {"pageNo": str(int(params["pageNo"]) + n - 1)}
    elif params.get("start", "").isdigit() and params.get("size", "").isdigit() and int(params["size"]):
        changed = {"start": str(int(params["start"]) + (n - 1) * int(params["size"]))}
    else:
        return None
    new_query = urlencode([(k, changed.get(k, v)) for k, v in query])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, new_query, ""))


FORMAT = Format("json-api", sniff, parse, next_page)
