"""``netease-scraper crawl URLS -o articles.jsonl``: fetch, clean and write a list of article URLs.

Resumable: run the same command again after an interruption (even ``kill -9``) and it carries on,
writing each article exactly once. State lives in ``<output>.state.sqlite``, failures in
``<output>.failures.jsonl``. ``--warc FILE`` also keeps every fetched page, raw, in a ``.warc.gz``
(see :mod:`scraper.archive.warc_write` for why a kill never leaves it unreadable).

``--follow N`` also queues the articles the fetched pages link to (their related lists), up to N
links away from the list, bounded by ``--max-pages`` and ``--since`` (see :mod:`scraper.crawling.follow`).

Before anything is opened, files the crawl did not write are refused (exit 2): an output that is not
a crawl output, a failures file that is not ours, two of its files being one. The summary counts the
whole job (earlier runs included, and says so); ``new`` is this run's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..crawling.cleaning import WorkersFailed
from ..crawling.output import failures_path
from ..crawling.runner import CrawlOptions, CrawlProgress, CrawlStart, CrawlSummary, PageSink, crawl_async
from ..crawling.schedule import UrlSource, count_lines
from ..errors import FetchError, StateStoreError
from ..fetch.hosts import mask_passwords
from .argtypes import non_negative_int, positive_int, since_time
from .fetch_args import add_fetch_arguments, fetch_options, fetch_problem
from .job_args import (
    add_job_arguments,
    has_content,
    interrupted_exit,
    job_files_problem,
    job_progress_bar,
    open_warc,
    output_problem,
    state_file,
)

NAME = "crawl"
HELP = "Fetch and clean a list of NetEase article URLs into JSON lines (resumable, exactly once)."

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2  # 2 also: could not run or continue (disk full)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``crawl`` options."""
    parser.add_argument("urls", metavar="URLS", help="file with one URL per line, or - for stdin")
    parser.add_argument("-o", "--output", required=True, type=Path, help="JSONL file to append articles to")
    add_fetch_arguments(parser)
    parser.add_argument("--retry-failed", action="store_true", help="fetch the URLs that failed before again")
    parser.add_argument(
        "--follow",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="also crawl the articles fetched pages link to (related lists), up to N links away from the "
        "list (default 0: only the list)",
    )
    parser.add_argument(
        "--max-pages",
        type=positive_int,
        default=None,
        metavar="M",
        help="with --follow: queue follow-ups only while the job holds fewer than M articles (list and "
        "follow-ups, earlier runs included; the list itself is never cut)",
    )
    parser.add_argument(
        "--since",
        type=since_time,
        default=None,
        metavar="DATE",
        help="with --follow: skip follow-ups whose docid says they were created before DATE "
        "(2020-02-29, 2020-02-29T18:00, or 36h / 2d ago; Beijing time)",
    )
    add_job_arguments(
        parser,
        clean_workers_help="processes for cleaning pages (0: in the crawl process)",
        warc_help="also append each fetched page (request + response records) to this WARC; safe across resumes",
    )


def run(args: argparse.Namespace) -> int:
    """Run the crawl; 0 if every article is written, 1 if some failed, 2 on bad usage or when the crawl
    could not run or go on (locked output, disk full); 128 + signal number after SIGINT/SIGTERM."""
    problem = _check(args)
    if problem:
        print(f"netease-scraper crawl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    fetch = fetch_options(args)
    options = CrawlOptions(
        fetch=fetch,
        retry_failed=args.retry_failed,
        state_path=args.state,
        clean_workers=args.clean_workers,
        follow=args.follow,
        max_pages=args.max_pages,
        since=args.since,
    )
    resuming = has_content(state_file(args))
    show_bar = sys.stderr.isatty() and not args.no_progress
    warc, ok = open_warc(args, NAME)
    if not ok:
        return EXIT_USAGE
    sink = warc.awrite if warc is not None else None
    stopper = Stopper()
    try:
        with _url_source(args.urls) as urls:
            if show_bar:
                summary = _crawl_with_bar(urls, args.output, options, sink, stopper)
            else:
                summary = asyncio.run(stopper.crawl(urls, args.output, options, sink, None))
    except (StateStoreError, FetchError, WorkersFailed) as exc:  # locked state, disk full, bad --proxy
        print(f"netease-scraper crawl: {mask_passwords(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if warc is not None:
            with contextlib.suppress(OSError):  # a full disk was already reported
                warc.close()
    if summary.interrupted:
        return interrupted_exit(summary, stopper.signum, NAME)
    return report(summary, resuming=resuming, state=state_file(args))


class Stopper:
    """Runs the crawl with SIGINT and SIGTERM turned into a clean stop (summary, resumable).

    The first signal asks the crawl to stop (in-flight requests are dropped, finished work is
    committed); the handlers are then removed, so a second Ctrl-C stops at once (still safe: the
    output survives even SIGKILL). ``name`` starts its messages (``commoncrawl`` uses it too).
    """

    def __init__(self, name: str = NAME) -> None:
        self.signum: int | None = None
        self.name = name

    async def crawl(
        self,
        urls: UrlSource,
        output: Path,
        options: CrawlOptions,
        sink: PageSink | None,
        progress: Callable[[CrawlProgress], None] | None,
    ) -> CrawlSummary:
        """:func:`crawl_async` under :meth:`run`."""
        return await self.run(
            lambda stop: crawl_async(
                urls, output, options, sink=sink, progress=progress, stop=stop, on_start=print_start(output)
            )
        )

    async def run(self, job: Callable[[asyncio.Event], Awaitable[CrawlSummary]]) -> CrawlSummary:
        """Run ``job(stop)`` with the signals setting ``stop``."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            self.signum = signum
            stop.set()
            for s in STOP_SIGNALS:
                loop.remove_signal_handler(s)
            print(
                f"{self.name}: {signal.Signals(signum).name}: stopping after committing the work done…",
                file=sys.stderr,
            )

        installed = []
        for s in STOP_SIGNALS:
            with contextlib.suppress(
                NotImplementedError, RuntimeError, ValueError
            ):  # Windows, not main thread
                loop.add_signal_handler(s, on_signal, s)
                installed.append(s)
        try:
            return await job(stop)
        finally:
            for s in installed:
                loop.remove_signal_handler(s)


def print_start(output: Path, name: str = NAME) -> Callable[[CrawlStart], None]:
    def tell(start: CrawlStart) -> None:
        if start.resuming:
            print(
                f"{name}: resuming {output}: {start.done} done, {start.failed} failed, {start.pending} pending "
                "from earlier runs (done ones are not fetched again; lines not read yet follow)",
                file=sys.stderr,
            )

    return tell


def _check(args: argparse.Namespace) -> str | None:
    """A usage problem, or None."""
    if args.urls != "-" and (not os.path.exists(args.urls) or os.path.isdir(args.urls)):
        return f"no such URL list: {args.urls}"
    if problem := fetch_problem(args):
        return problem
    if not args.follow and (args.max_pages is not None or args.since is not None):
        return "--max-pages and --since bound the follow-ups: they need --follow N (N >= 1)"
    inputs = [("URL list", args.urls)] if args.urls != "-" else []
    return output_problem(args) or job_files_problem(args, inputs=inputs)


@contextmanager
def _url_source(name: str) -> Iterator[UrlSource]:
    """The URL list for the crawl: a named pipe (or device) is opened here and read once, as stdin is."""
    if name == "-" or os.path.isfile(name):
        yield name  # a regular file: the crawl may re-read it to skip what an earlier run recorded
        return
    with open(name, encoding="utf-8-sig", errors="replace") as lines:
        yield lines


def _crawl_with_bar(
    urls: UrlSource, output: Path, options: CrawlOptions, sink: PageSink | None, stopper: Stopper
) -> CrawlSummary:
    """The crawl with a rich progress bar on stderr: done, failed, rate, ETA."""
    total = count_lines(urls)
    with job_progress_bar("crawl") as bar:
        task = bar.add_task("crawl", total=total, done=0, failed=0, rate=0.0)

        def update(p: CrawlProgress) -> None:
            bar.update(
                task,
                total=total + p.followed if total is not None else None,
                completed=p.done + p.failed + p.duplicate,
                done=p.done,
                failed=p.failed,
                rate=p.rate,
            )

        return asyncio.run(stopper.crawl(urls, output, options, sink, update))


def report(
    summary: CrawlSummary,
    *,
    resuming: bool,
    state: Path,
    name: str = NAME,
    empty: str = "nothing crawled: the URL list holds no URL",
) -> int:
    """Print the summary (saying which counts include earlier runs); return the exit code."""
    print(f"{name}: {summary.line()} → {summary.output}", file=sys.stderr)
    if summary.done + summary.failed_total + summary.pending == 0:
        print(f"{name}: {empty}", file=sys.stderr)
        return EXIT_SOME_FAILED
    if resuming:
        print(
            f"{name}: counts are for the whole job, earlier runs on this output included (state: {state}); "
            f"this run wrote {summary.new} new article(s)",
            file=sys.stderr,
        )
    if summary.failed_total:
        print(f"{name}: failures listed in {failures_path(summary.output)}", file=sys.stderr)
        if resuming:
            print(
                f"{name}: --retry-failed fetches the failed URLs again, earlier runs' included",
                file=sys.stderr,
            )
    return EXIT_OK if summary.failed_total == 0 and summary.pending == 0 else EXIT_SOME_FAILED
