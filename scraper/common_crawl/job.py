"""``commoncrawl``: NetEase articles out of Common Crawl, through the crawl runner, exactly once.

Two stages:

1. **List.** The CDX index (:mod:`.cdx`) is asked for the NetEase captures of each crawl, one
   request at a time; one capture per docid is kept (the newest, or the oldest with ``first``) and
   the list is written to ``<output>.captures.jsonl``: a ``#`` header naming the query, one capture
   per line, a ``#`` trailer once complete. A rerun with the same query reuses a complete list
   and asks the index nothing; a different query on the same output is refused.
2. **Fetch and clean.** The list is the input of :func:`scraper.crawling.runner.crawl_async`, whose
   ``parse`` seam reads a capture line into an item (its docid the key, the capture itself as the
   item's fetch locator) and whose ``get_page`` seam range-fetches the record (:mod:`.records`)
   instead of the live page. So the output, ``<output>.state.sqlite``, the failures file, resuming
   after any kill, progress and summary are exactly ``crawl``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import httpx

from ..archive.warc_write import WarcWriter
from ..crawling.model import CrawlOptions, CrawlProgress, CrawlStart, CrawlSummary
from ..crawling.runner import PageSink, crawl_async
from ..crawling.state import Item, NewItem
from ..errors import Reason, ScraperError
from ..fetch import Backoff, Fetcher, FetchResult
from ..fetch.retry import DEFAULT_BACKOFF
from ..locks import try_lock
from .cdx import DEFAULT_DOMAIN, DEFAULT_INDEX_URL, Capture, CdxClient, DateWindow, Selection
from .records import DEFAULT_DATA_URL, CapturedPage, fetch_capture

__all__ = [
    "CommonCrawlOptions",
    "Listing",
    "captures_path",
    "commoncrawl",
    "commoncrawl_async",
    "is_capture_list",
    "warc_sink",
]

HEADER = "# netease-scraper commoncrawl captures "
TRAILER = "# end of captures: "
CDX_MAX_BYTES = 256 * 1024 * 1024  # a CDX page of 5 blocks x 3000 lines is ~10 MB; room for bigger ones


@dataclass(frozen=True)
class CommonCrawlOptions:
    """What to take from Common Crawl, and how the fetch-and-clean stage runs (``crawl``)."""

    crawls: tuple[str, ...] = ()  # crawl ids (CC-MAIN-2025-33)
    latest: int = 0  # also the newest N crawls of the index's collinfo.json
    index_url: str = DEFAULT_INDEX_URL
    data_url: str = DEFAULT_DATA_URL
    domain: str = DEFAULT_DOMAIN
    first: bool = False  # keep the oldest capture of each docid instead of the newest
    limit: int | None = None  # stop listing once this many articles are found
    since: datetime | None = None
    until: datetime | None = None
    date_by: str = "capture"  # --since/--until compare the capture time, or "publish" (docid time)
    crawl: CrawlOptions = field(default_factory=CrawlOptions)

    def window(self) -> DateWindow:
        """The date window of the listing."""
        return DateWindow(self.since, self.until, self.date_by)

    def query(self) -> dict[str, Any]:
        """What makes a capture list: a rerun with another query may not reuse it."""
        return {
            "crawls": list(self.crawls),
            "latest": self.latest,
            "index_url": self.index_url,
            "domain": self.domain,
            "first": self.first,
            "limit": self.limit,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "date_by": self.date_by,
        }


@dataclass(frozen=True)
class Listing:
    """The capture list a run uses: made now (``pages`` index pages read) or by an earlier run."""

    path: Path
    crawls: tuple[str, ...]
    captures: int
    seen: int = 0  # article captures read from the index (before one per docid)
    pages: int = 0
    reused: bool = False


def captures_path(output: Path) -> Path:
    """The capture list that belongs to ``output``."""
    return output.with_name(output.name + ".captures.jsonl")


def is_capture_list(path: Path) -> bool:
    """True when ``path`` may be (re)written as a capture list: missing, empty, or one of ours."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(HEADER))
    except FileNotFoundError:
        return True
    return head == b"" or head == HEADER.encode("ascii")


def commoncrawl(
    output: str | Path,
    options: CommonCrawlOptions,
    *,
    sink: PageSink | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
) -> CrawlSummary:
    """Clean the NetEase articles of Common Crawl crawls into ``output`` (JSONL), resumably.

    >>> from scraper import CommonCrawlOptions, commoncrawl
    >>> commoncrawl("cc.jsonl", CommonCrawlOptions(crawls=("CC-MAIN-2025-33",), limit=100)).line()
    """
    return asyncio.run(commoncrawl_async(output, options, sink=sink, progress=progress))


async def commoncrawl_async(
    output: str | Path,
    options: CommonCrawlOptions,
    *,
    sink: PageSink | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    stop: asyncio.Event | None = None,
    on_start: Callable[[CrawlStart], None] | None = None,
    on_listed: Callable[[Listing], None] | None = None,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> CrawlSummary:
    """:func:`commoncrawl` in a running loop; ``stop``, ``on_start``, ``transport``, ``backoff`` as for
    :func:`~scraper.crawling.runner.crawl_async`. ``on_listed`` hears about the capture list before
    any record is fetched. Raises ``ScraperError(reason="usage")`` for a query without crawls or a
    capture list of another query, ``FetchError`` when the index cannot be read."""
    if not options.crawls and options.latest <= 0:
        raise ScraperError("name at least one crawl (crawls=... or latest=N)", reason=Reason.USAGE)
    out_path = Path(output)
    plan = captures_path(out_path)
    with _PlanLock(plan):
        listing = _reusable(plan, options)
        if listing is None:
            listing = await _list(plan, options, transport, backoff)
        if on_listed is not None:
            on_listed(listing)
        data_host = _host_port(options.data_url)
        fetch = options.crawl.fetch
        crawl_options = replace(
            options.crawl, fetch=replace(fetch, allow_hosts=(*fetch.allow_hosts, data_host))
        )

        async def get_page(fetcher: Fetcher, item: Item) -> FetchResult:
            return await fetch_capture(fetcher, options.data_url, Capture.from_json(item.fetch_url))

        return await crawl_async(
            plan,
            out_path,
            crawl_options,
            sink=sink,
            progress=progress,
            transport=transport,
            stop=stop,
            on_start=on_start,
            parse=parse_capture_line,
            get_page=get_page,
            backoff=backoff,
        )


def warc_sink(writer: WarcWriter) -> PageSink:
    """``--warc``: append each record as Common Crawl stored it (its gzip member, unchanged)."""

    async def sink(page: FetchResult) -> None:
        if isinstance(page, CapturedPage) and page.member:
            await writer.awrite_member(page.member)
        else:
            await writer.awrite(page)

    return sink


def parse_capture_line(lineno: int, text: str, allow_hosts: tuple[str, ...]) -> NewItem:
    """A capture-list line to an item: key its docid, fetch locator the capture itself (JSON)."""
    try:
        capture = Capture.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        return NewItem(lineno, text[:200], reason=Reason.BAD_URL, error=f"unreadable capture line: {exc}")
    return NewItem(lineno, capture.url, docid=capture.docid, fetch_url=capture.to_json())


async def _list(
    plan: Path, options: CommonCrawlOptions, transport: httpx.AsyncBaseTransport | None, backoff: Backoff
) -> Listing:
    """Ask the index for the captures and write the capture list."""
    fetch = options.crawl.fetch
    # One request at a time to the index: it is slow and rate-limits; the delay is the user's.
    index_fetch = replace(
        fetch,
        concurrency=1,
        per_host=1,
        allow_hosts=(*fetch.allow_hosts, _host_port(options.index_url)),
        max_body_bytes=max(fetch.max_body_bytes, CDX_MAX_BYTES),
    )
    selection = Selection(first=options.first)
    seen = pages = 0
    async with Fetcher(index_fetch, transport=transport, backoff=backoff) as fetcher:
        client = CdxClient(fetcher, options.index_url)
        apis = {crawl: client.cdx_api(crawl) for crawl in options.crawls}
        if options.latest > 0:
            for crawl, api in (await client.crawls())[: options.latest]:
                apis.setdefault(crawl, api)
        for crawl, api in apis.items():
            async for found in client.captures(crawl, api, domain=options.domain, window=options.window()):
                pages += 1
                seen += len(found)
                for capture in found:
                    selection.offer(capture)
                if options.limit is not None and len(selection) >= options.limit:
                    break
            if options.limit is not None and len(selection) >= options.limit:
                break
    captures = selection.captures()[: options.limit]
    await asyncio.to_thread(_write_plan, plan, options, captures)
    return Listing(plan, tuple(apis), len(captures), seen, pages)


def _write_plan(plan: Path, options: CommonCrawlOptions, captures: list[Capture]) -> None:
    """Write the capture list in place (the file is locked by this run), trailer last, fsynced."""
    with open(plan, "r+b") as fh:
        fh.truncate(0)
        fh.write((HEADER + json.dumps(options.query(), sort_keys=True) + "\n").encode("utf-8"))
        fh.write("".join(c.to_json() + "\n" for c in captures).encode("utf-8"))
        fh.write(f"{TRAILER}{len(captures)}\n".encode("ascii"))
        fh.flush()
        os.fsync(fh.fileno())


def _reusable(plan: Path, options: CommonCrawlOptions) -> Listing | None:
    """The complete capture list an earlier run made for this query, or None (none, or unfinished)."""
    try:
        fh = open(plan, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    with fh:
        first = fh.readline()
        if not first.startswith(HEADER):
            if first:
                raise ScraperError(f"{plan} is not a capture list of netease-scraper", reason=Reason.USAGE)
            return None
        try:
            query = json.loads(first[len(HEADER) :])
        except ValueError:
            return None  # torn header: a run killed while writing it
        count, crawls, last = 0, set(), ""
        for line in fh:
            last = line
            if not line.startswith("#"):
                count += 1
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    crawls.add(Capture.from_json(line).crawl)
    if not last.startswith(TRAILER) or not last.endswith("\n"):
        return None  # killed while listing: list again
    if query != json.loads(json.dumps(options.query(), sort_keys=True)):
        raise ScraperError(
            f"{plan} lists the captures of another query ({query}); this output belongs to it: "
            "run that query again to resume, or name a new output",
            reason=Reason.USAGE,
        )
    return Listing(plan, tuple(sorted(crawls)), count, reused=True)


def _host_port(url: str) -> str:
    """``host`` or ``host:port`` of a server URL, for the fetcher's allow-list."""
    parsed = httpx.URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port is not None else parsed.host


class _PlanLock:
    """Holds the capture list (created if missing) with an exclusive ``flock`` for the whole run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> _PlanLock:
        if not is_capture_list(self.path):
            raise ScraperError(
                f"{self.path} exists and is not a capture list of netease-scraper; refusing to overwrite it",
                reason=Reason.USAGE,
            )
        self._fh = open(self.path, "ab")
        if not try_lock(self._fh.fileno()):
            self._fh.close()
            raise ScraperError(f"another commoncrawl run is using {self.path}", reason=Reason.LOCKED)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
