"""JSON and JSONP bodies: strip a ``callback(...)`` wrapper, parse, fail as ``FeedError(bad_feed)``."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import FeedError, Reason

__all__ = ["callback_name", "load_json", "load_jsonp"]

# ``data_callback(`` / ``artiList(`` / ``jQuery123_456(``, maybe after a comment or ``/**/``.
_WRAPPER = re.compile(r"\s*(?:/\*.*?\*/\s*)?([A-Za-z_$][\w$.]*)\s*\(", re.DOTALL)
_TAIL = re.compile(r"\)\s*;?\s*\Z")


def callback_name(text: str) -> str | None:
    """The JSONP callback a body starts with (``data_callback``), or None."""
    found = _WRAPPER.match(text[:512])
    return found.group(1) if found else None


def load_jsonp(text: str, *, callback: str | None = None) -> Any:
    """The JSON inside ``callback(...)``; any callback if ``callback`` is None. Plain JSON is refused."""
    found = _WRAPPER.match(text)
    if not found or (callback is not None and found.group(1) != callback):
        want = f"{callback}(...)" if callback else "a JSONP callback(...)"
        raise FeedError(f"not {want}: starts with {text[:40].strip()!r}", reason=Reason.BAD_FEED)
    tail = _TAIL.search(text)
    if tail is None or tail.start() < found.end():
        raise FeedError(
            f"{found.group(1)}(... is not closed: the feed is cut or malformed", reason=Reason.BAD_FEED
        )
    return load_json(text[found.end() : tail.start()])


def load_json(text: str) -> Any:
    """Parse JSON; control characters inside strings are allowed (NetEase feeds carry raw tabs)."""
    try:
        return json.loads(text, strict=False)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise FeedError(f"malformed JSON in the feed: {exc}", reason=Reason.BAD_FEED) from None
