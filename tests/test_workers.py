"""scraper.workers: the one crash-tolerant pool of clean and crawl, and how its workers start."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from httpserver import NeteaseServer

from scraper import workers
from scraper.cli import main
from scraper.workers import MAX_CRASHES_IN_A_ROW, WorkerPool, WorkersFailed, start_pool


def test_workers_are_never_forked_from_this_process() -> None:
    pool = start_pool(1)
    try:
        assert pool._mp_context.get_start_method() in ("forkserver", "spawn")  # type: ignore[attr-defined]
        assert pool.submit(os.getppid).result(timeout=60) != os.getpid()  # the fork server's child
    finally:
        pool.shutdown()


def test_a_worker_that_died_idle_is_replaced_at_submit_and_nothing_is_counted() -> None:
    pool = WorkerPool(1)
    try:
        os.kill(pool.submit(os.getpid).result(timeout=60), signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            pool.executor.submit(int).result(timeout=60)
        assert pool.submit(int, 7).result(timeout=60) == 7
        assert (pool.generation, pool.crashes_in_a_row) == (1, 0)
    finally:
        pool.close()


class FailsToStart(ThreadPoolExecutor):
    """A pool whose worker cannot be started (the fork server's socket failed: OSError at submit)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:  # type: ignore[override]
        raise OSError("sendfds failed")


def starts(*executors: Executor) -> Callable[[], Executor]:
    made = iter(executors)
    return lambda: next(made)


def test_a_worker_that_cannot_start_is_retried_in_a_new_pool() -> None:
    with ThreadPoolExecutor(1) as good:
        pool = WorkerPool(1, executor=FailsToStart(1), start=starts(good))
        assert pool.submit(int, 3).result() == 3
        assert (pool.generation, pool.crashes_in_a_row) == (1, 0)


def test_workers_that_never_start_stop_the_run() -> None:
    pool = WorkerPool(1, executor=FailsToStart(1), start=lambda: FailsToStart(1))
    with pytest.raises(WorkersFailed):
        pool.submit(int)


def test_a_start_that_raises_is_workers_failed() -> None:
    def cannot() -> Executor:
        raise OSError("no processes left")

    pool = WorkerPool(1, executor=ThreadPoolExecutor(1), start=cannot)
    with pytest.raises(WorkersFailed) as info:
        pool.replace()
    assert isinstance(info.value.__cause__, OSError)


def test_crashes_in_a_row_give_up_and_a_success_resets_them() -> None:
    with ThreadPoolExecutor(1) as executor:
        pool = WorkerPool(1, executor=executor)
        for _ in range(MAX_CRASHES_IN_A_ROW - 1):
            pool.crashed()
        pool.succeeded()
        for _ in range(MAX_CRASHES_IN_A_ROW - 1):
            pool.crashed()
        with pytest.raises(WorkersFailed):
            pool.crashed()


def test_the_crawl_with_its_progress_bar_never_forks_a_threaded_process(
    netease_server: NeteaseServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar's refresh thread runs before the clean workers start: they must not be forked."""
    forks: list[int] = []  # threads alive at each os.fork() in this process
    real_fork = os.fork

    def counting_fork() -> int:
        forks.append(threading.active_count())
        return real_fork()

    at_start: list[tuple[list[str], str]] = []  # (thread classes alive, start method) per pool
    real_start = workers.start_pool

    def watched_start(n: int) -> Any:
        pool = real_start(n)
        names = [type(t).__name__ for t in threading.enumerate()]
        at_start.append((names, pool._mp_context.get_start_method()))  # type: ignore[attr-defined]
        return pool

    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr("scraper.crawling.cleaning.start_pool", watched_start)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the CLI shows its bar
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(netease_server.add_article(f"KWWWWWWW0000000{i}") for i in range(3)) + "\n")
    out = tmp_path / "out.jsonl"
    args = ["crawl", str(urls), "-o", str(out), "--allow-host", netease_server.host, "--delay", "0"]
    assert main([*args, "--retries", "0", "--ignore-robots", "--clean-workers", "2"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    [(threads, method)] = at_start
    assert "_RefreshThread" in threads  # rich's bar was running when the pool started
    assert method != "fork"
    assert all(alive == 1 for alive in forks), forks
