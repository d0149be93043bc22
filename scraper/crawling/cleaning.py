"""Cleaning pages in a process pool, in batches: one pickled round trip carries many pages.

One ``run_in_executor`` call per page costs ~0.4 ms of CPU in the crawl process (pickling, the
pool's queues and its management thread) — as much as half the fetching. :class:`PoolCleaner`
keeps at most one batch per worker process in flight; pages that arrive meanwhile wait and go
together in the next batch (group submit, like the writer's group commit), so batches grow with
the load and a lone page still goes at once.

The workers die with the crawl: each asks the kernel for SIGKILL when its parent goes
(``PR_SET_PDEATHSIG``, Linux), so a ``kill -9`` of the crawl leaves no orphan holding the output's
and the WARC's locks (forked workers share those open files). They ignore SIGINT: the crawl process
handles it for the whole run (a Ctrl-C reaches every process of the terminal). SIGTERM is left to
kill them, since that is how the pool stops its workers when one of them has died.

A worker process that dies (SIGKILL, OOM killer, a crash in C code) breaks the whole pool and
every batch in it. The pool is then replaced and the pages of the broken batches are cleaned
again one at a time, alone in the pool, so a page that kills its worker again is the culprit:
it gets ``("worker_crashed", …)`` and the crawl goes on (like ``netease-scraper clean``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass

from ..article import Article
from ..clean import clean_html, clean_with_links, warm_up
from ..errors import Reason, ScraperError
from .state import Link

__all__ = [
    "Cleaned",
    "Linked",
    "PoolCleaner",
    "WorkersFailed",
    "clean_and_link_in_worker",
    "clean_in_worker",
    "clean_pool",
    "start_cleaner",
    "worker_init",
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

PR_SET_PDEATHSIG = 1  # linux/prctl.h
MAX_BATCH = 64
MAX_CRASHES_IN_A_ROW = 5  # then the workers cannot run at all; stop instead of blaming every page
CRASHED = "the clean worker process died on this page"


class WorkersFailed(RuntimeError):
    """The clean worker processes keep dying, whatever the page: the crawl cannot go on."""


def clean_pool(workers: int, *, threads_running: bool = False) -> ProcessPoolExecutor | None:
    """A process pool for clean_html, its processes started now."""
    if workers <= 0:
        return None
    methods = multiprocessing.get_all_start_methods()
    me = (os.getpid(),)
    if threads_running:
        # A replacement pool mid-crawl: forking a process that runs threads can deadlock the
        # child, so start clean interpreters; they start on the first batch (no wait here).
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        return ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init, initargs=me)
    # fork: the workers inherit the imported cleaner and never re-run ``python -m scraper``'s
    # __main__ (spawn would); forking before any thread exists keeps it safe.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init, initargs=me)
    pool.submit(int).result()  # with fork, every worker is started on the first submit
    return pool


def worker_init(crawl_pid: int) -> None:
    """In each clean worker: die with the crawl process, leave Ctrl-C (SIGINT to the group) to it.

    SIGTERM keeps its default: the pool stops its workers with SIGTERM when one of them dies, and a
    worker that ignored it would be waited for forever (the crawl, or the test run, never exits).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # The crawl may have died before prctl took effect (fork), or its forkserver is our parent.
    if os.getppid() == 1 or not _alive(crawl_pid):
        os._exit(1)
    warm_up()  # trafilatura (the last-resort cleaner) loads now, not on the first odd page


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, someone else's
        return True
    return True


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

    ``restart`` makes a replacement pool after a worker death (default: a fresh
    :func:`clean_pool`); ``clean`` is the picklable function run in the workers (tests).
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
        self._executor = executor
        self._workers = max(1, workers)
        self._restart = restart or self._replacement_pool
        self._clean = clean
        self._max_batch = max_batch
        self._generation = 0  # bumped on each new pool: tells stale news of a dead pool apart
        self._in_flight = 0
        self._pages: list[Page] = []
        self._waiters: list[asyncio.Future[Cleaned]] = []
        # Pages of a broken batch, each to be cleaned alone, one at a time, to find the culprit.
        self._suspects: list[tuple[Page, asyncio.Future[Cleaned]]] = []
        self._crashes_in_a_row = 0
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
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _submit(self) -> None:
        while not self._closed and self._failed is None:
            if self._suspects:
                if self._in_flight:  # a suspect runs alone, so its death names it
                    return
                page, waiter = self._suspects.pop(0)
                pages, waiters, isolated = [page], [waiter], True
            elif self._pages and self._in_flight < self._workers:
                pages, self._pages = self._pages[: self._max_batch], self._pages[self._max_batch :]
                waiters, self._waiters = self._waiters[: self._max_batch], self._waiters[self._max_batch :]
                isolated = False
            else:
                return
            self._in_flight += 1
            generation = self._generation
            try:
                future = self._executor.submit(_clean_batch, self._clean, pages)
            except (BrokenExecutor, RuntimeError):  # the pool died after the last delivery
                future = Future()
                future.set_exception(BrokenExecutor("the pool was already broken"))
            done: asyncio.Future[list[Cleaned]] = asyncio.wrap_future(future)
            done.add_done_callback(
                functools.partial(
                    self._deliver, pages=pages, waiters=waiters, generation=generation, isolated=isolated
                )
            )

    def _replacement_pool(self) -> Executor:
        """A new pool after a crash (spawned: the crawl's threads are running by now)."""
        pool = clean_pool(self._workers, threads_running=True)
        if pool is None:  # cannot happen: self._workers >= 1
            raise WorkersFailed("no clean workers to restart")
        return pool

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
                self._crashes_in_a_row = 0
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
        if generation == self._generation:  # first news of this pool's death: replace it
            if isolated:
                self._crashes_in_a_row += 1
            if self._crashes_in_a_row >= MAX_CRASHES_IN_A_ROW:
                self._give_up(orphans)
                return
            self._executor.shutdown(wait=False)
            try:
                self._executor = self._restart()
            except Exception as exc:  # cannot even start workers
                self._give_up(orphans, exc)
                return
            self._generation += 1
        if isolated and generation == self._generation - 1:
            # It was alone in the pool: this page killed its worker.
            for _, waiter in orphans:
                waiter.set_result((Reason.WORKER_CRASHED, CRASHED))
            return
        self._suspects.extend(orphans)

    def _give_up(
        self, orphans: list[tuple[Page, asyncio.Future[Cleaned]]], cause: BaseException | None = None
    ) -> None:
        self._failed = WorkersFailed("clean worker processes keep dying; see the errors above")
        self._failed.__cause__ = cause
        waiting = [w for _, w in orphans + self._suspects] + self._waiters
        self._suspects, self._pages, self._waiters = [], [], []
        for waiter in waiting:
            if not waiter.done():
                waiter.set_exception(self._failed)


def start_cleaner(workers: int, *, clean: CleanFn = clean_in_worker) -> PoolCleaner | None:
    """A :class:`PoolCleaner` on ``workers`` fresh processes, or None for ``workers`` <= 0."""
    executor = clean_pool(workers)
    if executor is None:
        return None
    return PoolCleaner(executor, workers, clean=clean)
