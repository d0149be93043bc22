"""Cleaning pages in a process pool, in batches: one pickled round trip carries many pages.

One ``run_in_executor`` call per page costs ~0.4 ms of CPU in the crawl process (pickling, the
pool's queues and its management thread) — as much as half the fetching. :class:`PoolCleaner`
keeps at most one batch per worker process in flight; pages that arrive meanwhile wait and go
together in the next batch (group submit, like the writer's group commit), so batches grow with
the load and a lone page still goes at once.

The workers are those of :mod:`scraper.workers`: started by a fork server (never forked from the
crawl, whose threads are running), dying with the crawl, leaving Ctrl-C to it.

A worker process that dies (SIGKILL, OOM killer, a crash in C code) breaks the whole pool and
every batch in it. The :class:`~scraper.workers.WorkerPool` is then replaced and the pages of the
broken batches are cleaned again one at a time, alone in the pool, so a page that kills its worker
again is the culprit: it gets ``("worker_crashed", …)`` and the crawl goes on (like ``clean``).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass

from ..article import Article
from ..clean import clean_html, clean_with_links
from ..errors import Reason, ScraperError
from ..workers import CRASHED, WorkerPool, WorkersFailed, start_pool
from .state import Link

__all__ = [
    "CRASHED",
    "Cleaned",
    "Linked",
    "PoolCleaner",
    "WorkersFailed",  # defined in scraper.workers; here for the crawl's callers
    "clean_and_link_in_worker",
    "clean_in_worker",
    "start_cleaner",
]


@dataclass(frozen=True)
class Linked:
    """A cleaned article and the articles its page links to (``crawl --follow``)."""

    article: Article
    links: tuple[Link, ...]


Cleaned = Article | Linked | tuple[str, str]
"""An article (with its links), or ``(reason, message)`` for a page that is not one (exceptions
pickle badly)."""

CleanFn = Callable[[bytes, "str | None", "str | None"], Cleaned]
Page = tuple[bytes, "str | None", "str | None"]

MAX_BATCH = 64


def clean_in_worker(content: bytes, url: str | None, charset: str | None) -> Cleaned:
    """clean_html, with errors returned as ``(reason, message)``."""
    try:
        return clean_html(content, url, charset=charset)
    except ScraperError as exc:
        return exc.reason, str(exc)
    except Exception as exc:  # a cleaner bug on one odd page must not stop a days-long batch
        return Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"


def clean_and_link_in_worker(
    content: bytes, url: str | None, charset: str | None, *, allow_hosts: tuple[str, ...] = ()
) -> Cleaned:
    """clean_html plus the page's links to other articles (one parse), errors as ``(reason, message)``.

    The links are read here, where the page is, so only ``(docid, URL)`` pairs travel back.
    """
    try:
        article, links = clean_with_links(content, url, charset=charset, allow_hosts=allow_hosts)
    except ScraperError as exc:
        return exc.reason, str(exc)
    except Exception as exc:  # a cleaner bug on one odd page must not stop a days-long batch
        return Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"
    return Linked(article, tuple((link.docid, link.fetch_url) for link in links))


def _clean_batch(clean: CleanFn, pages: list[Page]) -> list[Cleaned]:
    return [clean(*page) for page in pages]


class PoolCleaner:
    """``await cleaner.clean(content, url, charset)`` on a pool of ``workers`` processes, batched.

    ``executor`` is the first pool; ``restart`` makes a replacement after a worker death (default:
    :func:`scraper.workers.start_pool`); ``clean`` is the picklable function run in the workers.
    """

    def __init__(
        self,
        executor: Executor,
        workers: int,
        *,
        restart: Callable[[], Executor] | None = None,
        clean: CleanFn = clean_in_worker,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._pool = WorkerPool(workers, executor=executor, start=restart)
        self._clean = clean
        self._max_batch = max_batch
        self._in_flight = 0
        self._pages: list[Page] = []
        self._waiters: list[asyncio.Future[Cleaned]] = []
        # Pages of a broken batch, each to be cleaned alone, one at a time, to find the culprit.
        self._suspects: list[tuple[Page, asyncio.Future[Cleaned]]] = []
        self._failed: WorkersFailed | None = None
        self._closed = False

    async def clean(self, content: bytes, url: str | None, charset: str | None) -> Cleaned:
        """The cleaned page (or ``(reason, message)``); raises :class:`WorkersFailed` if no worker lives."""
        if self._failed is not None:
            raise self._failed
        waiter: asyncio.Future[Cleaned] = asyncio.get_running_loop().create_future()
        self._pages.append((content, url, charset))
        self._waiters.append(waiter)
        self._submit()
        return await waiter

    def close(self) -> None:
        """Stop the pool (pages still waiting are abandoned: the run is over)."""
        self._closed = True
        self._pool.close(wait=False)

    def _submit(self) -> None:
        while not self._closed and self._failed is None:
            if self._suspects:
                if self._in_flight:  # a suspect runs alone, so its death names it
                    return
                page, waiter = self._suspects.pop(0)
                pages, waiters, isolated = [page], [waiter], True
            elif self._pages and self._in_flight < self._pool.workers:
                pages, self._pages = self._pages[: self._max_batch], self._pages[self._max_batch :]
                waiters, self._waiters = self._waiters[: self._max_batch], self._waiters[self._max_batch :]
                isolated = False
            else:
                return
            try:  # a pool that died after the last delivery is replaced here, nobody blamed
                future = self._pool.submit(_clean_batch, self._clean, pages)
            except WorkersFailed as exc:
                self._give_up(list(zip(pages, waiters, strict=True)), exc)
                return
            self._in_flight += 1
            generation = self._pool.generation
            done: asyncio.Future[list[Cleaned]] = asyncio.wrap_future(future)
            done.add_done_callback(
                functools.partial(
                    self._deliver, pages=pages, waiters=waiters, generation=generation, isolated=isolated
                )
            )

    def _deliver(
        self,
        done: asyncio.Future[list[Cleaned]],
        pages: list[Page],
        waiters: list[asyncio.Future[Cleaned]],
        generation: int,
        isolated: bool,
    ) -> None:
        self._in_flight -= 1
        error = None if done.cancelled() else done.exception()
        if done.cancelled() or isinstance(error, BrokenExecutor):
            self._broken(pages, waiters, generation, isolated)
        else:
            if error is None:
                self._pool.succeeded()
            results = done.result() if error is None else None
            for i, waiter in enumerate(waiters):
                if waiter.done():  # its worker task was cancelled meanwhile
                    continue
                if results is not None:
                    waiter.set_result(results[i])
                else:
                    waiter.set_exception(error)  # type: ignore[arg-type]
        self._submit()

    def _broken(
        self,
        pages: list[Page],
        waiters: list[asyncio.Future[Cleaned]],
        generation: int,
        isolated: bool,
    ) -> None:
        if self._closed:
            return
        orphans = [(p, w) for p, w in zip(pages, waiters, strict=True) if not w.done()]
        if generation == self._pool.generation:  # first news of this pool's death: replace it
            try:
                if isolated:
                    self._pool.crashed()
                self._pool.replace()
            except WorkersFailed as exc:
                self._give_up(orphans, exc)
                return
        if isolated and generation == self._pool.generation - 1:
            # It was alone in the pool: this page killed its worker.
            for _, waiter in orphans:
                waiter.set_result((Reason.WORKER_CRASHED, CRASHED))
            return
        self._suspects.extend(orphans)

    def _give_up(
        self, orphans: list[tuple[Page, asyncio.Future[Cleaned]]], cause: BaseException | None = None
    ) -> None:
        self._failed = WorkersFailed("clean worker processes keep dying; see the errors above")
        self._failed.__cause__ = cause.__cause__ if isinstance(cause, WorkersFailed) else cause
        waiting = [w for _, w in orphans + self._suspects] + self._waiters
        self._suspects, self._pages, self._waiters = [], [], []
        for waiter in waiting:
            if not waiter.done():
                waiter.set_exception(self._failed)


def start_cleaner(workers: int, *, clean: CleanFn = clean_in_worker) -> PoolCleaner | None:
    """A :class:`PoolCleaner` on ``workers`` fresh processes, or None for ``workers`` <= 0."""
    if workers <= 0:
        return None
    return PoolCleaner(start_pool(workers), workers, clean=clean)
