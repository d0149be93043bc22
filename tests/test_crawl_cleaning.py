"""scraper.crawling.cleaning: pages go to the pool in batches, each caller gets its own page's outcome;
a worker process that dies is replaced and the page that killed it is failed as ``worker_crashed``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from httpserver import NeteaseServer

from scraper.config import FetchOptions
from scraper.crawling import CrawlOptions, cleaning, crawl, runner
from scraper.crawling.cleaning import Cleaned, PoolCleaner, WorkersFailed, clean_in_worker
from scraper.crawling.output import failures_path
from scraper.workers import MAX_CRASHES_IN_A_ROW, start_pool

IDS = [f"KAAAAAAA{i:08d}" for i in range(6)]
KILLER = "KAAAAAAA99999999"  # the page whose cleaning kills its worker process


def clean_or_die(content: bytes, url: str | None, charset: str | None) -> Cleaned:
    """clean_in_worker, except that the KILLER page SIGKILLs the worker (module level: picklable)."""
    if url and KILLER in url:
        os.kill(os.getpid(), signal.SIGKILL)
    return clean_in_worker(content, url, charset)


def always_die(content: bytes, url: str | None, charset: str | None) -> Cleaned:
    """A worker that cannot clean anything (a broken install, an OOM killer on every page)."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def page(i: int | str) -> tuple[bytes, str, None]:
    return f"<html><body>{i}</body></html>".encode(), f"https://www.163.com/dy/article/{i}.html", None


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


def test_an_unexpected_cleaner_exception_is_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(cleaning, "clean_html", boom)
    assert clean_in_worker(b"<html></html>", None, None) == ("internal_error", "ValueError: boom")


def test_a_page_that_kills_its_worker_fails_alone_and_the_others_are_cleaned() -> None:
    pages = [page(i) for i in range(8)]
    pages.insert(3, page(KILLER))

    async def go() -> list[Cleaned]:
        cleaner = PoolCleaner(start_pool(2), 2, clean=clean_or_die)
        try:
            return await asyncio.wait_for(asyncio.gather(*(cleaner.clean(*p) for p in pages)), 60)
        finally:
            cleaner.close()

    got = asyncio.run(go())
    assert got[3] == ("worker_crashed", cleaning.CRASHED)
    assert got[:3] + got[4:] == [clean_in_worker(*p) for p in pages[:3] + pages[4:]]


def test_a_pool_already_broken_at_submit_is_replaced_and_no_page_is_blamed() -> None:
    """The reviewer's case: the worker died while idle, so ``submit()`` itself raises."""
    pool = start_pool(1)
    os.kill(pool.submit(os.getpid).result(), signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):  # from submit() or from result(): the pool knows now
        pool.submit(int).result()
    with pytest.raises(BrokenProcessPool):
        pool.submit(int)
    pages = [page(i) for i in range(5)]

    async def go() -> list[Cleaned]:
        cleaner = PoolCleaner(pool, 1)
        try:
            return await asyncio.wait_for(asyncio.gather(*(cleaner.clean(*p) for p in pages)), 60)
        finally:
            cleaner.close()

    assert asyncio.run(go()) == [clean_in_worker(*p) for p in pages]


def test_workers_that_always_die_stop_the_cleaner() -> None:
    async def go() -> None:
        cleaner = PoolCleaner(start_pool(1), 1, clean=always_die)
        try:
            pages = (cleaner.clean(*page(i)) for i in range(2 * MAX_CRASHES_IN_A_ROW))
            await asyncio.wait_for(asyncio.gather(*pages), 60)
        finally:
            cleaner.close()

    with pytest.raises(WorkersFailed):
        asyncio.run(go())


def test_a_crawl_whose_clean_worker_is_killed_finishes_with_that_page_failed(
    netease_server: NeteaseServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "start_cleaner", lambda n: cleaning.start_cleaner(n, clean=clean_or_die))
    urls = [netease_server.add_article(d) for d in [*IDS[:3], KILLER, *IDS[3:]]]
    url_list, out = tmp_path / "urls.txt", tmp_path / "out.jsonl"
    url_list.write_text("\n".join(urls) + "\n", encoding="utf-8")
    fetch = FetchOptions(
        allow_hosts=(netease_server.host,), delay=0, per_host=4, concurrency=4, retries=0, ignore_robots=True
    )
    summary = crawl(url_list, out, CrawlOptions(fetch=fetch, clean_workers=1))
    assert (summary.done, summary.failed, summary.pending) == (6, {"worker_crashed": 1}, 0)
    written = [json.loads(line)["docid"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(written) == IDS
    [failure] = [json.loads(line) for line in failures_path(out).read_text(encoding="utf-8").splitlines()]
    assert (failure["docid"], failure["reason"]) == (KILLER, "worker_crashed")
