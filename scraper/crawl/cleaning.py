"""Cleaning pages in a process pool, in batches: one pickled round trip carries many pages.

One ``run_in_executor`` call per page costs ~0.4 ms of CPU in the crawl process (pickling, the
pool's queues and its management thread) — as much as half the fetching. :class:`PoolCleaner`
keeps at most one batch per worker process in flight; pages that arrive meanwhile wait and go
together in the next batch (group submit, like the writer's group commit), so batches grow with
the load and a lone page still goes at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from ..article import Article
from ..clean import clean_html
from ..errors import ScraperError

__all__ = ["Cleaned", "PoolCleaner", "clean_in_worker", "clean_pool"]

Cleaned = Article | tuple[str, str]
"""An article, or ``(reason, message)`` for a page that is not one (exceptions pickle badly)."""

MAX_BATCH = 64


def clean_pool(workers: int) -> ProcessPoolExecutor | None:
    """A process pool for clean_html, its processes started now, while this process has no threads."""
    if workers <= 0:
        return None
    # fork: the workers inherit the imported cleaner and never re-run ``python -m scraper``'s
    # __main__ (spawn would); forking before any thread exists keeps it safe.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(workers, mp_context=context)
    pool.submit(int).result()  # with fork, every worker is started on the first submit
    return pool


def clean_in_worker(content: bytes, url: str | None, charset: str | None) -> Cleaned:
    """clean_html, with errors returned as ``(reason, message)``."""
    try:
        return clean_html(content, url, charset=charset)
    except ScraperError as exc:
        return exc.reason, str(exc)
    except Exception as exc:  # a cleaner bug on one odd page must not stop a days-long batch
        return "clean_error", f"{type(exc).__name__}: {exc}"


def _clean_batch(pages: list[tuple[bytes, str | None, str | None]]) -> list[Cleaned]:
    return [clean_in_worker(*page) for page in pages]


class PoolCleaner:
    """``await cleaner.clean(content, url, charset)`` on a pool of ``workers`` processes, batched."""

    def __init__(self, executor: Executor, workers: int, *, max_batch: int = MAX_BATCH) -> None:
        self._executor = executor
        self._slots = max(1, workers)
        self._max_batch = max_batch
        self._in_flight = 0
        self._pages: list[tuple[bytes, str | None, str | None]] = []
        self._waiters: list[asyncio.Future[Cleaned]] = []

    async def clean(self, content: bytes, url: str | None, charset: str | None) -> Cleaned:
        """The cleaned page (or ``(reason, message)``); raises if the pool broke."""
        waiter: asyncio.Future[Cleaned] = asyncio.get_running_loop().create_future()
        self._pages.append((content, url, charset))
        self._waiters.append(waiter)
        self._submit()
        return await waiter

    def _submit(self) -> None:
        while self._pages and self._in_flight < self._slots:
            pages, self._pages = self._pages[: self._max_batch], self._pages[self._max_batch :]
            waiters, self._waiters = self._waiters[: self._max_batch], self._waiters[self._max_batch :]
            self._in_flight += 1
            done = asyncio.wrap_future(self._executor.submit(_clean_batch, pages))
            done.add_done_callback(lambda f, w=waiters: self._deliver(f, w))

    def _deliver(self, done: asyncio.Future[list[Cleaned]] | Future[list[Cleaned]], waiters: list) -> None:
        self._in_flight -= 1
        if done.cancelled():
            results: list[Cleaned] | None = None
            error: BaseException | None = asyncio.CancelledError()
        else:
            error = done.exception()
            results = None if error is not None else done.result()
        for i, waiter in enumerate(waiters):
            if waiter.done():  # its worker task was cancelled meanwhile
                continue
            if results is not None:
                waiter.set_result(results[i])
            elif isinstance(error, asyncio.CancelledError):
                waiter.cancel()
            else:
                waiter.set_exception(error)  # type: ignore[arg-type]
        self._submit()
