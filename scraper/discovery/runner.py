"""``discover``: read each SOURCE (fetched URL or saved file), follow its pages, merge, sort, cut.

Per source: load the first page (through :class:`scraper.fetch.Fetcher`, so host policy, robots,
retries and per-host limits are those of ``crawl``; or from a file), detect its format, read its
items, then follow the format's numbered pages / offsets until a page is empty, brings no new docid
(a server ignoring the paging), the source has ``limit`` articles, the page reaches back past
``since``, or ``max_pages`` is hit. Any failure becomes a :class:`SourceFailure` of that source
(items already found are kept); the other sources go on. A later page that is missing (404/410),
empty or not of the list's format (a soft 404) ends the list quietly.

Then over all sources: one :class:`DiscoveredURL` per docid (first sighting wins, later ones fill
in missing metadata), newest first (the feed's time, else the time encoded in the docid), older
than ``since`` dropped, cut at ``limit``.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from ..config import FetchOptions
from ..encoding import decode_page
from ..errors import BodyTooLarge, DecodeError, FeedError, HTTPStatusError, Reason, ScraperError, URLRejected
from ..fetch import Fetcher
from ..urls import DOCID_RE, absolute_url, canonical_url, is_netease_host, parse_article_url
from .base import Format
from .formats import detect, parse_first_page
from .htmlpage import declared_base
from .model import DiscoveredURL, DiscoveryResult, FeedItem, SourceFailure, docid_time, parse_since

__all__ = ["DiscoverOptions", "discover", "discover_async", "is_url"]

DEFAULT_MAX_PAGES = 20  # pages followed per source: NetEase feeds stop at _05 or a few hundred items
_END_OF_LIST = frozenset({404, 410})


@dataclass(frozen=True)
class DiscoverOptions:
    """How sources are read: the fetch policy (shared with ``crawl``) and the paging cap."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    max_pages: int = DEFAULT_MAX_PAGES


def is_url(source: str) -> bool:
    """True for an ``http(s)://`` SOURCE (fetched); anything else is a file path."""
    return source.startswith(("http://", "https://"))


def discover(
    sources: Iterable[str | Path],
    *,
    since: datetime | str | None = None,
    limit: int | None = None,
    options: DiscoverOptions | None = None,
) -> DiscoveryResult:
    """Find article URLs in feeds, list APIs and list pages (URLs or saved files), newest first.

    ``since``: a datetime or ``--since`` text (``2020-02-29``, ``36h``); ``limit``: most URLs
    returned. Sources that fail are in ``result.failures``; iterate the result for the URLs.

        >>> from scraper import discover
        >>> for found in discover(["https://news.163.com/special/0001386F/rank_news.html"], limit=20):
        ...     print(found.url, found.title)
    """
    return asyncio.run(discover_async(sources, since=since, limit=limit, options=options))


async def discover_async(
    sources: Iterable[str | Path],
    *,
    since: datetime | str | None = None,
    limit: int | None = None,
    options: DiscoverOptions | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> DiscoveryResult:
    """:func:`discover` inside a running event loop. ``transport`` is handed to the Fetcher (tests).

    Raises ``ValueError`` for a bad ``since``/``limit`` and ``FetchError(bad_proxy)`` for an
    unusable proxy; everything about a source is a failure record instead.
    """
    names = [str(s) for s in sources]
    cutoff = parse_since(since) if isinstance(since, str) else since
    if cutoff is not None and cutoff.tzinfo is None:
        raise ValueError("since must be an aware datetime (or a text: naive times are Beijing time)")
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    opts = options or DiscoverOptions()
    async with AsyncExitStack() as stack:
        fetcher = None
        if any(is_url(name) for name in names):
            fetcher = await stack.enter_async_context(Fetcher(opts.fetch, transport=transport))
        runs = [_SourceRun(name, fetcher, opts, cutoff, limit) for name in names]
        await asyncio.gather(*(run.run() for run in runs))
    return _merge(runs, cutoff, limit)


class _SourceRun:
    """One SOURCE: its pages, the articles found in them, its failures."""

    def __init__(
        self,
        source: str,
        fetcher: Fetcher | None,
        options: DiscoverOptions,
        since: datetime | None,
        limit: int | None,
    ) -> None:
        self.source = source
        self._fetcher = fetcher
        self._options = options
        self._since = since
        self._limit = limit
        self.found: dict[str, DiscoveredURL] = {}
        self.failures: list[SourceFailure] = []

    async def run(self) -> None:
        """Read the source; record a failure instead of raising."""
        try:
            await self._read()
        except ScraperError as exc:
            self.failures.append(SourceFailure(self.source, exc.reason, str(exc)))
        except OSError as exc:  # a saved file that cannot be read
            reason = Reason.NOT_FOUND if isinstance(exc, FileNotFoundError) else Reason.READ_ERROR
            self.failures.append(SourceFailure(self.source, reason, exc.strerror or str(exc)))

    async def _read(self) -> None:
        text, base = await self._load(self.source)
        fmt = detect(text, self.source if is_url(self.source) else None)
        if fmt is None:
            raise FeedError(
                f"not a list, feed or HTML page: starts with {text[:40]!r}", reason=Reason.NOT_A_LIST
            )
        items = parse_first_page(fmt, text, base)
        added, oldest = self._add(items, base)
        if not self.found:
            what = f"{len(items)} link(s), none a NetEase article" if items else "no items"
            raise FeedError(f"{fmt.name}: {what}", reason=Reason.EMPTY_FEED)
        page = 1
        while self._more(added, oldest, page) and is_url(self.source):
            page += 1
            target = fmt.next_page(self.source, page)
            if target is None:
                return
            loaded = await self._next_page(target, fmt)
            if loaded is None:
                return
            text, base = loaded
            try:
                items = fmt.parse(text, base)
            except FeedError as exc:
                self.failures.append(SourceFailure(self.source, exc.reason, str(exc), page=target))
                return
            added, oldest = self._add(items, base)

    def _more(self, added: int, oldest: datetime | None, page: int) -> bool:
        """Whether to read the page after ``page``."""
        if added == 0 or page >= self._options.max_pages:
            return False
        if self._limit is not None and len(self.found) >= self._limit:
            return False
        return not (self._since is not None and oldest is not None and oldest < self._since)

    async def _next_page(self, target: str, fmt: Format) -> tuple[str, str | None] | None:
        """Page 2+ as (text, base); None at the end of the list; a failure recorded for the rest."""
        try:
            text, base = await self._load(target)
        except HTTPStatusError as exc:
            if exc.status in _END_OF_LIST:
                return None
            self.failures.append(SourceFailure(self.source, exc.reason, str(exc), page=target))
            return None
        except DecodeError as exc:
            if exc.reason != Reason.EMPTY:
                self.failures.append(SourceFailure(self.source, exc.reason, str(exc), page=target))
            return None
        except ScraperError as exc:
            self.failures.append(SourceFailure(self.source, exc.reason, str(exc), page=target))
            return None
        return (text, base) if fmt.sniff(text, target) else None

    async def _load(self, target: str) -> tuple[str, str | None]:
        """The page's text and the base URL of its links."""
        if is_url(target):
            if self._fetcher is None:
                raise AssertionError("a URL source without a fetcher")
            result = await self._fetcher.fetch(target)
            return decode_page(result.content, result.charset).text, result.final_url
        data = _read_file(Path(target), self._options.fetch.max_body_bytes)
        text = decode_page(data).text
        return text, declared_base(text)

    def _add(self, items: list[FeedItem], base: str | None) -> tuple[int, datetime | None]:
        """Record the page's articles; return how many docids are new and the oldest time seen."""
        added, oldest = 0, None
        for item in items:
            found = self._article(item, base)
            if found is None:
                continue
            when = _time_of(found)
            if when is not None and (oldest is None or when < oldest):
                oldest = when
            known = self.found.get(found.docid)
            if known is None:
                self.found[found.docid] = found
                added += 1
            else:
                self.found[found.docid] = _fill_in(known, found)
        return added, oldest

    def _article(self, item: FeedItem, base: str | None) -> DiscoveredURL | None:
        """The item as a DiscoveredURL, if its link (or, without one, its docid) is an article."""
        fields = {"title": item.title, "published_at": item.published_at, "source": item.source}
        link = absolute_url(item.link, base)
        if link is not None:
            try:
                art = parse_article_url(link, allow_hosts=self._options.fetch.allow_hosts)
            except URLRejected:
                return None
            return DiscoveredURL(art.fetch_url, art.docid, feed=self.source, **fields)
        if item.link is None and item.docid and DOCID_RE.fullmatch(item.docid):
            url = _url_for_docid(item.docid, item.channel or "dy", base)
            return DiscoveredURL(url, item.docid, feed=self.source, **fields)
        return None


def _url_for_docid(docid: str, channel: str, base: str | None) -> str:
    """``/<channel>/article/<docid>.html`` on www.163.com, or on the mirror the list came from."""
    if base is not None:
        parts = urlsplit(base)
        if parts.hostname and not is_netease_host(parts.hostname):  # an allowed mirror / test server
            return f"{parts.scheme}://{parts.netloc}/{channel}/article/{docid}.html"
    return canonical_url(docid, channel=channel)


def _read_file(path: Path, max_bytes: int) -> bytes:
    """A saved page's bytes (gunzipped), at most ``max_bytes``."""
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if data[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, max_bytes + 1)
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise DecodeError(f"{path}: broken gzip data: {exc}", reason=Reason.DECODE_ERROR) from None
    if len(data) > max_bytes:
        raise BodyTooLarge(f"{path} is larger than {max_bytes} bytes", url=str(path))
    return data


def _time_of(found: DiscoveredURL) -> datetime | None:
    """The feed's time, else the docid's creation time."""
    if found.published_at:
        try:
            return datetime.fromisoformat(found.published_at)
        except ValueError:
            pass
    return docid_time(found.docid)


def _fill_in(known: DiscoveredURL, other: DiscoveredURL) -> DiscoveredURL:
    """``known`` with the metadata it lacks taken from ``other``."""
    return replace(
        known,
        title=known.title or other.title,
        published_at=known.published_at or other.published_at,
        source=known.source or other.source,
    )


def _merge(runs: list[_SourceRun], since: datetime | None, limit: int | None) -> DiscoveryResult:
    """One URL per docid over all sources, newest first, ``since`` and ``limit`` applied."""
    merged: dict[str, DiscoveredURL] = {}
    for run in runs:
        for docid, found in run.found.items():
            merged[docid] = _fill_in(merged[docid], found) if docid in merged else found
    timed = [(found, _time_of(found)) for found in merged.values()]
    if since is not None:
        timed = [(f, t) for f, t in timed if t is None or t >= since]
    # Stable: equal times (and untimed articles, last) keep their first-seen order.
    timed.sort(key=lambda ft: (ft[1] is None, -ft[1].timestamp() if ft[1] is not None else 0.0))
    urls = tuple(f for f, _ in timed)
    failures = tuple(failure for run in runs for failure in run.failures)
    return DiscoveryResult(urls[:limit] if limit is not None else urls, failures)
