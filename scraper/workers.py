"""The one crash-tolerant process pool: ``clean --workers N`` and the crawl's clean workers.

A worker process that dies (SIGKILL, the OOM killer, a crash in C code) breaks a
``ProcessPoolExecutor`` and every task in it. :class:`WorkerPool` then replaces the executor;
its users re-run the lost pages one at a time so that a page which kills its worker again is
the culprit and only it fails (``worker_crashed``). After :data:`MAX_CRASHES_IN_A_ROW` such
deaths with no page cleaned in between the workers cannot work at all and :class:`WorkersFailed`
stops the run instead of blaming every page.

Workers are started by a fork server (spawn where there is none), never by forking this process:
the parent runs threads (the progress bar, the executor's manager, asyncio's resolver), and a
child forked from a threaded process can deadlock on a lock another thread held. The fork server
is a fresh single-threaded interpreter that preloads the cleaner, so workers still start warm.
This is safe by construction: no caller has to know whether a thread is running yet.

(pebble and loky were considered. pebble's pool survives a worker death per task, but its tasks
are single calls while ours are chunks and batches that must be split to find the culprit anyway,
and it brings its own scheduling threads; loky re-raises a death for every pending task, as the
standard executor does. The standard executor plus this small policy does what both commands need.)
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = [
    "CRASHED",
    "MAX_CRASHES_IN_A_ROW",
    "START_METHOD",
    "WorkerPool",
    "WorkersFailed",
    "start_pool",
    "worker_init",
]

T = TypeVar("T")

MAX_CRASHES_IN_A_ROW = 5  # then the workers cannot run at all; stop instead of blaming every page
CRASHED = "the worker process died on this page"
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
PRELOAD = ["scraper.clean"]  # imported once in the fork server: each worker starts with the cleaner
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# What a submit raises when the pool is broken or a new worker cannot be started (the fork
# server's socket hiccups under load: EOFError/OSError in sendfds).
START_ERRORS = (BrokenExecutor, RuntimeError, OSError, EOFError)


class WorkersFailed(RuntimeError):
    """Worker processes die whatever the page (they cannot start, or the machine is out of memory)."""


def start_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes started by the fork server (see the module doc).

    Each worker runs :func:`worker_init`: it dies with this process and leaves Ctrl-C to it.
    Processes start on demand, on the first submits.
    """
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(PRELOAD)  # only takes effect before the server starts
    return ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init, initargs=(os.getpid(),))


def worker_init(parent_pid: int) -> None:
    """In each worker: die with the parent process, leave Ctrl-C (SIGINT to the group) to it.

    SIGTERM keeps its default: the pool stops its workers with SIGTERM when one of them dies, and a
    worker that ignored it would be waited for forever. A ``kill -9`` of the run leaves no orphan
    holding its files: the worker watches the run's pid and exits with it; ``PR_SET_PDEATHSIG``
    (Linux) kills it with its own parent, the fork server, too.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if not _alive(parent_pid):  # the run died while this worker started
        os._exit(1)
    _exit_with(parent_pid)
    from .clean import warm_up  # here, not at import: the pool's users import this module too

    warm_up()  # trafilatura (the last-resort cleaner) loads now, not on the first odd page


def _exit_with(pid: int) -> None:
    """End this process as soon as process ``pid`` (the run) is gone, from a daemon thread.

    The worker's parent is the fork server, and nothing tells it the run died: every worker
    holds the fork server's "run alive" pipe and its own task queue open, so neither ever sees an
    end of file. A pidfd becomes readable when its process exits (Linux 5.3); elsewhere, poll.
    """
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = -1

    def watch() -> None:
        if fd >= 0:
            select.select([fd], [], [])
        else:
            while _alive(pid):
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, someone else's
        return True
    return True


class WorkerPool:
    """An executor that is replaced when its workers die, and the count of deaths in a row.

    ``start`` makes an executor (default: :func:`start_pool`); ``executor`` is a first one already
    made. ``generation`` grows with each replacement, so news from a dead executor can be told apart.
    """

    def __init__(
        self,
        workers: int,
        *,
        executor: Executor | None = None,
        start: Callable[[], Executor] | None = None,
    ) -> None:
        self.workers = max(1, workers)
        self._start = start or (lambda: start_pool(self.workers))
        self.executor = executor if executor is not None else self._start()
        self.generation = 0
        self.crashes_in_a_row = 0

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Submit a task. A pool found broken here (a worker died while idle) or whose new worker
        cannot start is replaced and the submit retried: no task has run, so none is blamed."""
        for _ in range(MAX_CRASHES_IN_A_ROW):
            try:
                return self.executor.submit(fn, *args, **kwargs)
            except START_ERRORS:
                self.replace()
        raise WorkersFailed("worker processes cannot be started; see the errors above")

    def replace(self) -> None:
        """Drop the executor (its pending tasks are cancelled) and start a new one.

        Raises :class:`WorkersFailed` when no new one can be started.
        """
        self.executor.shutdown(wait=False, cancel_futures=True)
        try:
            self.executor = self._start()
        except Exception as exc:  # cannot even start workers
            raise WorkersFailed("worker processes cannot be started") from exc
        self.generation += 1

    def crashed(self) -> None:
        """A task alone in the pool killed its worker; :class:`WorkersFailed` after too many in a row."""
        self.crashes_in_a_row += 1
        if self.crashes_in_a_row >= MAX_CRASHES_IN_A_ROW:
            raise WorkersFailed("worker processes keep dying; see the errors above")

    def succeeded(self) -> None:
        """A task came back: the workers can work."""
        self.crashes_in_a_row = 0

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers (pending tasks are cancelled)."""
        self.executor.shutdown(wait=wait, cancel_futures=True)
