"""scraper.crawl.cleaning: pages go to the pool in batches, each caller gets its own page's outcome."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from scraper.crawl.cleaning import PoolCleaner, clean_in_worker


class CountingPool(ThreadPoolExecutor):
    """A one-thread pool that counts submits (threads stand in for processes: same interface)."""

    def __init__(self) -> None:
        super().__init__(1)
        self.submits = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
        self.submits += 1
        return super().submit(fn, *args, **kwargs)


def test_concurrent_pages_share_batches_and_get_their_own_outcome() -> None:
    pages = [
        (f"<html><body>{i}</body></html>".encode(), f"https://www.163.com/x{i}.html", None) for i in range(20)
    ]

    async def go(pool: CountingPool) -> list[Any]:
        cleaner = PoolCleaner(pool, workers=1)
        return await asyncio.gather(*(cleaner.clean(*page) for page in pages))

    with CountingPool() as pool:
        got = asyncio.run(go(pool))
    assert got == [clean_in_worker(*page) for page in pages]
    assert all(isinstance(g, tuple) for g in got)  # not articles: (reason, message) comes back
    assert 2 <= pool.submits < len(pages)  # the first page alone, the rest batched behind it


def test_a_broken_pool_fails_every_waiting_page() -> None:
    class Broken(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
            future: Future = Future()
            future.set_exception(RuntimeError("pool died"))
            return future

    async def go(pool: Broken) -> None:
        cleaner = PoolCleaner(pool, workers=1)
        await asyncio.gather(*(cleaner.clean(b"<html></html>", None, None) for _ in range(3)))

    with Broken(1) as pool, pytest.raises(RuntimeError, match="pool died"):
        asyncio.run(go(pool))
