"""The batch crawl: URL list → fetch → clean → one JSON line per article, resumable, exactly once.

Pipeline (one asyncio loop): a :class:`~scraper.crawling.schedule.Scheduler` streams the list into the
state store and claims pending articles into a bounded queue; ``concurrency`` fetch workers fetch
(:class:`~scraper.fetch.Fetcher`), hand each page to an optional :data:`PageSink` (the hook for a
WARC writer) and clean it. With ``clean_workers`` > 0 a fetch worker puts the page in a bounded
queue of pages awaiting cleaning and fetches the next URL at once (``concurrency`` stays "requests
in flight", memory stays flat); ``concurrency`` clean tasks feed those pages to a process pool.
With ``clean_workers`` = 0 the fetch worker cleans the page itself: cleaning then runs on the
loop's thread anyway, and handing it to another task measured no faster. Outcomes go to one writer
task, which commits them in batches.

Exactly-once guarantee (key = docid):

1. The writer appends a batch of complete lines to the output, flushes and fsyncs it, and only then
   marks those articles ``done`` in the state store, recording the output's new size
   (``output_bytes``) in the same transaction.
2. A pending article is claimed at most once per run and a done one never, so no docid is written
   twice by a run; the input's other URL variants of one docid collapse into one state row.
3. At start-up, before anything is fetched, the output is repaired: a partial last line (killed
   mid-write) is cut off. If the file is longer than ``output_bytes`` (killed between fsync and
   commit) the extra lines' docids are marked done. If it is shorter (edited, or lost by a power
   failure) the whole file is scanned and ``done`` is made to mean exactly "has a line there";
   rows done but missing go back to pending.

With ``follow`` (``crawl --follow N``) a page's links to other articles are queued as new rows
(:mod:`scraper.crawling.follow` says which) in a transaction committed *before* its line is written:
a kill in between leaves the page pending with its follow-ups already queued, and when the start-up
repair marks it done from the output (3.) nothing is lost; INSERT OR IGNORE by docid means a rerun
that fetches the page again queues nothing twice.

So after any kill, SIGKILL included, the next run writes every article not yet in the file and
none that is; the file holds one complete line per article. An ``flock`` on the output keeps a
second crawl off it while one runs. A page sink sees a page each time it
is fetched: a page fetched but killed before its line was committed is fetched (and sunk) again.
Failures live in the state; ``<output>.failures.jsonl`` is rebuilt from it at the start and end of
each run and appended to in between.

Other sources reuse the pipeline through two seams: ``parse`` turns an input line into an item
(default: a URL, :func:`~scraper.crawling.schedule.parse_line`) and ``get_page`` gets an item's page
(default: GET its URL). ``netease-scraper commoncrawl`` lists captures and range-fetches WARC records.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from ..article import Article
from ..clean import clean_html, clean_with_links, warm_up
from ..errors import FetchError, Reason, ScraperError, StateStoreError
from ..fetch import Backoff, Fetcher, FetchResult
from ..fetch.hosts import mask_passwords
from ..fetch.retry import DEFAULT_BACKOFF
from ..jsonl import FailureLog, line_bytes
from .cleaning import Cleaned, Linked, PoolCleaner, WorkersFailed, clean_and_link_in_worker, start_cleaner
from .follow import FollowPolicy
from .model import CrawlOptions, CrawlProgress, CrawlStart, CrawlSummary
from .output import (
    JsonlOutput,
    RunLock,
    failures_path,
    scan_output,
    state_path,
    truncate_partial,
)
from .schedule import InFlight, LineParser, LineReader, Scheduler, UrlSource
from .state import AddResult, Failure, Item, Link, StateStore

__all__ = [
    "CrawlOptions",
    "CrawlProgress",
    "CrawlStart",
    "CrawlSummary",
    "PageGetter",
    "PageSink",
    "crawl",
    "crawl_async",
]

MAX_MESSAGE_CHARS = 2000  # a failure message is stored with at most this many characters

PageSink = Callable[[FetchResult], "Awaitable[None] | None"]
"""Called with every page fetched (before cleaning); may be a coroutine function. A WARC writer."""

PageGetter = Callable[[Fetcher, Item], Awaitable[FetchResult]]
"""Gets an item's page (raising a ``ScraperError`` for its failure); default: :func:`get_url`."""


async def get_url(fetcher: Fetcher, item: Item) -> FetchResult:
    """The crawl's own page getter: GET the item's URL, expecting its docid."""
    return await fetcher.fetch(item.fetch_url, expect_docid=item.docid)


@dataclass(frozen=True)
class _Done:
    docid: str
    attempts: int
    status: int | None
    line: bytes
    depth: int = 0
    links: tuple[Link, ...] | None = None  # read only when following


@dataclass(frozen=True)
class _Failed:
    docid: str
    failure: Failure


def crawl(
    urls: UrlSource,
    output: str | Path,
    options: CrawlOptions | None = None,
    *,
    sink: PageSink | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
) -> CrawlSummary:
    """Crawl the article URLs in ``urls`` (a file path, ``-`` for stdin, or an iterable) into ``output``.

    Resumable: run it again after any interruption and it carries on, writing each article
    exactly once. Returns the job's summary; failures are in ``<output>.failures.jsonl``.

        >>> from scraper import crawl
        >>> crawl("urls.txt", "articles.jsonl").line()
    """
    return asyncio.run(crawl_async(urls, output, options, sink=sink, progress=progress))


async def crawl_async(
    urls: UrlSource,
    output: str | Path,
    options: CrawlOptions | None = None,
    *,
    sink: PageSink | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    stop: asyncio.Event | None = None,
    on_start: Callable[[CrawlStart], None] | None = None,
    parse: LineParser | None = None,
    get_page: PageGetter = get_url,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> CrawlSummary:
    """:func:`crawl` inside a running event loop. ``transport`` and ``backoff`` are handed to the
    Fetcher (tests).

    ``stop``: once set, no new URL is started, the outcomes already in are committed and the summary
    comes back with ``interrupted=True`` (the CLI sets it on SIGINT/SIGTERM). ``on_start`` hears what
    earlier runs left, before anything is fetched. A failure to write the output, the state or the
    page sink (disk full) stops the run with ``StateStoreError(reason="write_failed")``: what was
    committed stays, and a rerun once there is space again resumes exactly. Raises ``ValueError``
    for follow options that make no sense (``max_pages``/``since`` without ``follow``). ``parse`` and
    ``get_page``: the seams for other sources (see the module docstring).
    """
    out_path = Path(output)
    opts = options or CrawlOptions()
    policy = FollowPolicy.of(opts.follow, opts.max_pages, opts.since)
    if opts.clean_workers == 0:
        # Cleaning runs in the event loop: import trafilatura (~1.5 s) before any fetch is in flight,
        # not on the first page that needs it, which would stall every request for that long.
        warm_up()
    started = time.monotonic()
    lock = RunLock(out_path)
    lock.acquire()
    try:
        with StateStore(opts.state_path or state_path(out_path)) as state:
            repair_output(state, out_path)
            if opts.retry_failed:
                state.requeue_failed()
            if policy is not None:
                if policy.looser_than(FollowPolicy.from_record(state.follow_limits)):
                    # Links kept by earlier runs that these limits let through.
                    state.release_withheld(
                        below_depth=policy.depth, keep=policy.wanted, max_articles=policy.max_articles
                    )
                state.follow_limits = policy.to_record()
            failures = FailureLog(failures_path(out_path))
            failures.rewrite(f.to_record() for f in state.iter_failures())
            if on_start is not None:
                done, pending, failed = state.counts()
                on_start(CrawlStart(done, sum(failed.values()), pending))
            run = _Run(state, out_path, failures, opts, policy, sink, progress, started, parse, get_page)
            try:
                interrupted = await run.go(urls, transport, stop, backoff)
            except BaseException:
                # The failures file is rebuilt from the state by the next run; rebuilding it now
                # may fail for the very reason the run stopped (a full disk).
                with contextlib.suppress(OSError):
                    failures.rewrite(f.to_record() for f in state.iter_failures())
                raise
            finally:
                failures.close()
            failures.rewrite(f.to_record() for f in state.iter_failures())
            done, pending, failed = state.counts()
            return CrawlSummary(
                out_path,
                done,
                state.duplicates,
                failed,
                pending,
                run.new,
                time.monotonic() - started,
                interrupted=interrupted,
                followed=state.followed(),
            )
    finally:
        lock.release()


def repair_output(state: StateStore, output: Path) -> None:
    """Bring the output file and the state into agreement before a run (see the module docstring)."""
    size = truncate_partial(output)
    committed = state.output_bytes
    if size > committed:
        state.adopt_output(scan_output(output, committed), output_bytes=size)
    elif size < committed:
        state.adopt_output(scan_output(output, 0), output_bytes=size, full=True)


class _Run:
    """One run's tasks and counters."""

    def __init__(
        self,
        state: StateStore,
        output: Path,
        failures: FailureLog,
        options: CrawlOptions,
        policy: FollowPolicy | None,
        sink: PageSink | None,
        progress: Callable[[CrawlProgress], None] | None,
        started: float,
        parse: LineParser | None = None,
        get_page: PageGetter = get_url,
    ) -> None:
        self.state = state
        self.parse = parse
        self.get_page = get_page
        self.output = output
        self.failures = failures
        self.options = options
        self.policy = policy
        # Articles handed out and not committed: with follow-ups to come, the queue ends only at 0.
        self.in_flight = InFlight() if policy is not None else None
        self.sink = sink
        self.progress = progress
        self.started = started
        self.new = 0
        done, _, failed = state.counts()
        self._done = done
        self._failed = sum(failed.values())
        self._duplicate = state.duplicates
        self._followed = state.followed()

    async def go(
        self,
        urls: UrlSource,
        transport: httpx.AsyncBaseTransport | None,
        stop: asyncio.Event | None,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> bool:
        """Run until the list is done (False) or ``stop`` is set (True)."""
        workers = max(1, self.options.fetch.concurrency)
        todo: asyncio.Queue[Item | None] = asyncio.Queue(maxsize=2 * workers)
        # Pages awaiting cleaning: at most this many queued, plus one held by each clean task and
        # by each fetch worker waiting to queue its page.
        fetched: asyncio.Queue[tuple[Item, FetchResult] | None] = asyncio.Queue(maxsize=workers)
        outcomes: asyncio.Queue[_Done | _Failed | None] = asyncio.Queue(maxsize=4 * self.options.write_batch)
        reader = LineReader(urls)
        scheduler = Scheduler(
            self.state,
            reader,
            todo,
            allow_hosts=self.options.fetch.allow_hosts,
            batch_size=self.options.batch_size,
            on_added=self._on_added,
            in_flight=self.in_flight,
            parse=self.parse,
        )
        out = JsonlOutput(self.output)
        allow = self.options.fetch.allow_hosts
        worker_clean = partial(clean_and_link_in_worker, allow_hosts=allow) if self.policy else None
        cleaner = (
            start_cleaner(self.options.clean_workers, clean=worker_clean)
            if worker_clean is not None
            else start_cleaner(self.options.clean_workers)
        )
        try:
            async with Fetcher(self.options.fetch, transport=transport, backoff=backoff) as fetcher:
                writer = asyncio.create_task(self._writer(outcomes, out))
                fetching = [asyncio.create_task(scheduler.run(workers))]
                fetching += [
                    asyncio.create_task(self._fetch_worker(todo, fetched, outcomes, fetcher, cleaner))
                    for _ in range(workers)
                ]
                # A pool batches the pages of many waiting clean tasks.
                cleaning = [
                    asyncio.create_task(self._clean_worker(fetched, outcomes, cleaner))
                    for _ in range(workers)
                    if cleaner is not None
                ]

                async def fetch_all_then_stop_cleaning() -> None:
                    await asyncio.gather(*fetching)
                    for _ in cleaning:
                        await fetched.put(None)

                tasks = [asyncio.create_task(fetch_all_then_stop_cleaning()), *fetching, *cleaning]
                work = asyncio.ensure_future(asyncio.gather(tasks[0], *cleaning))
                stopped = asyncio.ensure_future(stop.wait()) if stop is not None else None
                try:
                    # The first error (a clean task's included) ends the wait, and so does a dead
                    # writer (disk full): nothing blocks on a full queue for ever.
                    watched: set[asyncio.Future[Any]] = {work, writer}
                    if stopped is not None:
                        watched.add(stopped)
                    await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
                    if writer.done():
                        writer.result()  # raises why it stopped
                    if work.done():
                        work.result()
                    interrupted = not work.done()  # the stop came first
                finally:
                    # Normal end, an error, a stop or Ctrl-C: stop fetching, but let the writer commit
                    # the outcomes it already has, so an interrupted run loses no finished work.
                    for t in (*tasks, work, *((stopped,) if stopped is not None else ())):
                        t.cancel()
                    await asyncio.gather(*tasks, work, return_exceptions=True)
                    if not writer.done():
                        await outcomes.put(None)
                    await writer
                return interrupted
        finally:
            with contextlib.suppress(OSError):  # a batch the disk refused, still buffered: cut off next run
                out.close()
            reader.close()
            if cleaner is not None:
                cleaner.close()

    # -- workers ---------------------------------------------------------------------------

    async def _fetch_worker(
        self,
        todo: asyncio.Queue[Item | None],
        fetched: asyncio.Queue[tuple[Item, FetchResult] | None],
        outcomes: asyncio.Queue[_Done | _Failed | None],
        fetcher: Fetcher,
        cleaner: PoolCleaner | None,
    ) -> None:
        """Fetch, sink, and clean here (no pool) or hand the page to the pool's clean tasks."""
        while (item := await todo.get()) is not None:
            try:
                page = await self.get_page(fetcher, item)
            except FetchError as exc:
                await outcomes.put(
                    _fail(item, exc.reason, exc.attempts, getattr(exc, "status", None), str(exc))
                )
                continue
            except ScraperError as exc:
                await outcomes.put(_fail(item, exc.reason, 1, None, str(exc)))
                continue
            except Exception as exc:  # the Fetcher maps everything; this is the last line of defence
                await outcomes.put(
                    _fail(item, Reason.INTERNAL_ERROR, 1, None, f"{type(exc).__name__}: {exc}")
                )
                continue
            if self.sink is not None:
                try:
                    maybe = self.sink(page)
                    if inspect.isawaitable(maybe):
                        await maybe
                except (OSError, ScraperError) as exc:  # the WARC cannot be written: stop the run
                    raise _write_failed("the page sink (WARC)", exc) from exc
            if cleaner is None:
                await outcomes.put(await self._clean(item, page, None))
            else:
                await fetched.put((item, page))

    async def _clean_worker(
        self,
        fetched: asyncio.Queue[tuple[Item, FetchResult] | None],
        outcomes: asyncio.Queue[_Done | _Failed | None],
        cleaner: PoolCleaner,
    ) -> None:
        while (job := await fetched.get()) is not None:
            await outcomes.put(await self._clean(*job, cleaner))

    async def _clean(self, item: Item, page: FetchResult, cleaner: PoolCleaner | None) -> _Done | _Failed:
        links: tuple[Link, ...] | None = None
        try:
            if cleaner is None:
                outcome: Cleaned = self._clean_here(page)
            else:
                outcome = await cleaner.clean(page.content, page.final_url, page.charset)
            if isinstance(outcome, tuple):  # (reason, message) from a worker process
                return _fail(item, outcome[0], page.attempts, page.status, outcome[1])
            if isinstance(outcome, Linked):
                article, links = outcome.article, outcome.links
            else:
                article = outcome
        except ScraperError as exc:
            return _fail(item, exc.reason, page.attempts, page.status, str(exc))
        except WorkersFailed:  # no page can be cleaned any more: stop, keeping what is written
            raise
        except Exception as exc:  # a cleaner bug on one odd page must not stop a days-long batch
            return _fail(
                item, Reason.INTERNAL_ERROR, page.attempts, page.status, f"{type(exc).__name__}: {exc}"
            )
        if article.docid and article.docid != item.docid:
            error = f"page is article {article.docid}, URL says {item.docid}"
            return _fail(item, Reason.DOCID_MISMATCH, page.attempts, page.status, error)
        article = article.replace(
            url=item.url,
            final_url=page.final_url,
            docid=item.docid,
            fetched_at=_iso(page.fetched_at),
            status=page.status,
        )
        if links is not None:
            links = tuple(link for link in links if link[0] != item.docid)
        return _Done(item.docid, page.attempts, page.status, line_bytes(article.to_dict()), item.depth, links)

    def _clean_here(self, page: FetchResult) -> Article | Linked:
        """Clean in the loop's thread (no pool), reading the page's links too when following."""
        if self.policy is None:
            return clean_html(page.content, page.final_url, charset=page.charset)
        article, links = clean_with_links(
            page.content, page.final_url, charset=page.charset, allow_hosts=self.options.fetch.allow_hosts
        )
        return Linked(article, tuple((link.docid, link.fetch_url) for link in links))

    # -- the writer: group commit ----------------------------------------------------------

    async def _writer(self, outcomes: asyncio.Queue[_Done | _Failed | None], out: JsonlOutput) -> None:
        finished = False
        while not finished:
            batch = [await outcomes.get()]
            while len(batch) < self.options.write_batch and not outcomes.empty():
                batch.append(outcomes.get_nowait())
            if batch[-1] is None:
                finished = True
            done = [o for o in batch if isinstance(o, _Done)]
            failed = [o for o in batch if isinstance(o, _Failed)]
            self._queue_follow_ups(done)  # before the lines: see the module docstring
            size = None
            if done:
                # fsync off the loop thread: workers keep fetching meanwhile, and their outcomes
                # pile up into the next batch (group commit).
                try:
                    size = await asyncio.to_thread(out.append, [d.line for d in done])
                except OSError as exc:
                    raise _write_failed(str(self.output), exc) from exc
            try:
                self.state.commit_batch(
                    [(d.docid, d.attempts, d.status) for d in done],
                    [(f.docid, f.failure) for f in failed],
                    output_bytes=size,
                )
            except StateStoreError as exc:  # SQLite full: the lines written are adopted next run
                raise _write_failed(str(self.state.path), exc) from exc
            if self.in_flight is not None:
                self.in_flight.settled(len(done) + len(failed))
            if failed:
                try:
                    self.failures.write(f.failure.to_record() for f in failed)
                except OSError as exc:
                    raise _write_failed(str(self.failures.path), exc) from exc
            self.new += len(done)
            self._done += len(done)
            self._failed += len(failed)
            self._report()

    def _queue_follow_ups(self, done: list[_Done]) -> None:
        """Queue (or keep) the links of the pages about to be written, in one transaction."""
        if self.policy is None:
            return
        pages = [self.policy.split(d.docid, d.depth, d.links) for d in done if d.links is not None]
        if not pages:
            return
        try:
            self._followed += self.state.add_follow_ups(pages, max_articles=self.policy.max_articles)
        except StateStoreError as exc:
            raise _write_failed(str(self.state.path), exc) from exc

    def _on_added(self, result: AddResult) -> None:
        if result.rejected:
            self.failures.write(f.to_record() for f in result.rejected)
        self._failed += len(result.rejected)
        self._duplicate += result.duplicates
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(
                CrawlProgress(
                    self._done,
                    self._failed,
                    self._duplicate,
                    self.new,
                    time.monotonic() - self.started,
                    self._followed,
                )
            )


def _fail(item: Item, reason: str, attempts: int, status: int | None, error: str | None) -> _Failed:
    return _Failed(item.docid, Failure(item.url, item.docid, reason, attempts, status, bounded(error)))


def bounded(message: str | None, limit: int = MAX_MESSAGE_CHARS) -> str | None:
    """``message`` (passwords in URLs masked), or its first ``limit`` characters plus its length and
    a hash when longer."""
    if message is None:
        return None
    if len(message) <= limit:
        return mask_passwords(message)
    digest = hashlib.blake2b(message.encode("utf-8", "replace"), digest_size=8).hexdigest()
    return f"{mask_passwords(message[:limit])}… [{len(message)} characters, blake2b {digest}]"


def _write_failed(what: str, exc: BaseException) -> StateStoreError:
    error = StateStoreError(
        f"cannot write {what}: {exc}. Everything committed so far is kept: free some space (or fix the "
        "cause) and run the same command again to resume.",
        reason=Reason.WRITE_FAILED,
    )
    return error


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
