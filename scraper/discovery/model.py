"""The records of discovery: what a list format yields, what ``discover`` returns, and times.

A format module turns one list page into :class:`FeedItem`\\ s (raw: a link and/or a docid, and
whatever metadata the page shows). The runner turns those into :class:`DiscoveredURL`\\ s (one per
docid, with the URL the grammar of :mod:`scraper.urls` gives) and a :class:`SourceFailure` for
each source that went wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

__all__ = [
    "BEIJING",
    "DiscoveredURL",
    "DiscoveryResult",
    "FeedItem",
    "SourceFailure",
    "docid_time",
    "parse_feed_time",
    "parse_since",
]

BEIJING = timezone(timedelta(hours=8))
# First 8 docid characters: base-32 (0-9A-V) milliseconds since this Unix time (research §1.1).
_DOCID_EPOCH = 1_060_500_000
_DOCID_TIME = re.compile(r"[0-9A-V]{8}")
_FEED_TIMES = (
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?"), (2, 0, 1)),  # cm_* feeds
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"), (0, 1, 2)),
)
_RELATIVE = re.compile(r"(\d+)\s*([hd])")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a list page as the page gives it (``link`` may be relative or missing)."""

    link: str | None = None
    docid: str | None = None
    title: str | None = None
    published_at: str | None = None  # ISO 8601 with offset
    source: str | None = None  # 来源 / publisher name
    channel: str | None = None  # for an item with a docid and no link: /<channel>/article/<docid>.html


@dataclass(frozen=True)
class DiscoveredURL:
    """An article found by ``discover``: ``url`` ready for ``crawl``, its ``docid``, the feed's
    ``title``, ``published_at`` (ISO, ``+08:00``) and ``source`` (来源) when the feed gives them, and
    ``feed``: the SOURCE argument it was found in."""

    url: str
    docid: str
    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    feed: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The record as a plain dict (the ``--jsonl`` line)."""
        return asdict(self)


@dataclass(frozen=True)
class SourceFailure:
    """A SOURCE (or one of its pages) that could not be read: ``reason`` as in ``scraper.errors``."""

    source: str
    reason: str
    error: str
    page: str | None = None  # the page URL that failed, when not the first one

    def to_dict(self) -> dict[str, str | None]:
        """The failure as a plain dict (one line of the failure report)."""
        return asdict(self)


@dataclass(frozen=True)
class DiscoveryResult:
    """What ``discover`` found: iterate it for the URLs (newest first); ``failures`` per source."""

    urls: tuple[DiscoveredURL, ...]
    failures: tuple[SourceFailure, ...] = ()

    def __iter__(self) -> Iterator[DiscoveredURL]:
        return iter(self.urls)

    def __len__(self) -> int:
        return len(self.urls)


def docid_time(docid: str) -> datetime | None:
    """The creation time encoded in a docid's first 8 characters (Beijing time), or None."""
    if not _DOCID_TIME.fullmatch(docid[:8]):
        return None
    try:
        return datetime.fromtimestamp(_DOCID_EPOCH + int(docid[:8], 32) / 1000, BEIJING)
    except (OverflowError, OSError, ValueError):
        return None


def parse_feed_time(text: str | None) -> str | None:
    """A feed's time (``01/30/2018 21:26:15``, ``2020-02-29 18:34:31``...) as ISO ``+08:00``, or None."""
    if not text:
        return None
    for regex, (y, m, d) in _FEED_TIMES:
        found = regex.search(text)
        if found:
            g = found.groups()
            try:
                when = datetime(
                    int(g[y]), int(g[m]), int(g[d]), int(g[3]), int(g[4]), int(g[5] or 0), tzinfo=BEIJING
                )
            except ValueError:
                return None
            return when.isoformat()
    return None


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """``--since``: ``2020-02-29``, ``2020-02-29T18:00[:00][+08:00]`` or ``36h`` / ``2d`` ago.

    A date or time without an offset is Beijing time, as NetEase shows it. Raises ``ValueError``.
    """
    value = text.strip()
    relative = _RELATIVE.fullmatch(value)
    if relative:
        amount, unit = int(relative[1]), relative[2]
        delta = timedelta(hours=amount) if unit == "h" else timedelta(days=amount)
        return (now or datetime.now(BEIJING)) - delta
    when = datetime.fromisoformat(value)
    return when if when.tzinfo is not None else when.replace(tzinfo=BEIJING)
