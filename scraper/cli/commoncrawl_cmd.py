"""``netease-scraper commoncrawl --crawl CC-MAIN-2025-33 -o cc.jsonl``: NetEase articles out of Common Crawl.

Lists the NetEase article captures of the crawls in the CDX index (one per docid), range-fetches
each WARC record from the data server and cleans it into JSON lines, resumably and exactly once, as
``crawl`` does (same state, failures file, progress, summary and exit codes; see
:mod:`scraper.common_crawl.job`). The capture list is kept in ``<output>.captures.jsonl``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from ..common_crawl.cdx import DEFAULT_INDEX_URL
from ..common_crawl.job import (
    CommonCrawlOptions,
    Listing,
    captures_path,
    commoncrawl_async,
    is_capture_list,
    warc_sink,
)
from ..common_crawl.records import DEFAULT_DATA_URL
from ..crawling.cleaning import WorkersFailed
from ..crawling.runner import CrawlOptions, CrawlProgress, CrawlSummary, PageSink
from ..errors import ScraperError
from ..fetch.hosts import mask_passwords
from .argtypes import positive_int, since_time
from .crawl_cmd import EXIT_USAGE, Stopper, print_start, report
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

NAME = "commoncrawl"
HELP = (
    "Clean the NetEase articles of Common Crawl crawls into JSON lines (CDX index + WARC ranges; resumable)."
)

_CRAWL_ID = re.compile(r"CC-MAIN-\d{4}-\d{2}")
_LATEST = re.compile(r"latest:(\d+)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``commoncrawl`` options."""
    parser.add_argument("-o", "--output", required=True, type=Path, help="JSONL file to append articles to")
    parser.add_argument(
        "--crawl",
        action="append",
        default=[],
        type=_crawl_id,
        metavar="ID",
        help="a crawl to take captures from (CC-MAIN-2025-33); repeatable",
    )
    parser.add_argument(
        "--crawls",
        type=_latest,
        default=0,
        metavar="latest:N",
        help="the newest N crawls of the index (its collinfo.json), besides any --crawl",
    )
    parser.add_argument(
        "--index-url", default=DEFAULT_INDEX_URL, help=f"CDX index server (default {DEFAULT_INDEX_URL})"
    )
    parser.add_argument(
        "--data-url", default=DEFAULT_DATA_URL, help=f"WARC data server (default {DEFAULT_DATA_URL})"
    )
    parser.add_argument(
        "--first", action="store_true", help="keep the oldest capture of each article (default: the newest)"
    )
    parser.add_argument(
        "--limit", type=positive_int, default=None, metavar="N", help="stop listing once N articles are found"
    )
    parser.add_argument(
        "--since",
        type=since_time,
        default=None,
        metavar="DATE",
        help="only captures (see --date-by) from DATE on",
    )
    parser.add_argument(
        "--until",
        type=since_time,
        default=None,
        metavar="DATE",
        help="only captures (see --date-by) before DATE",
    )
    parser.add_argument(
        "--date-by",
        choices=("capture", "publish"),
        default="capture",
        help="--since/--until compare the capture time (default) or the publish time the docid encodes",
    )
    add_fetch_arguments(parser)
    parser.add_argument(
        "--retry-failed", action="store_true", help="fetch the records that failed before again"
    )
    add_job_arguments(
        parser,
        clean_workers_help="processes for cleaning pages (0: in the process)",
        warc_help="also append each fetched record, as Common Crawl stored it, to this WARC",
    )


def run(args: argparse.Namespace) -> int:
    """List, fetch and clean; exit codes as ``crawl``'s (0 all written, 1 some failed, 2 could not run)."""
    problem = _check(args)
    if problem:
        print(f"netease-scraper {NAME}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    options = CommonCrawlOptions(
        crawls=tuple(dict.fromkeys(args.crawl)),
        latest=args.crawls,
        index_url=args.index_url,
        data_url=args.data_url,
        first=args.first,
        limit=args.limit,
        since=args.since,
        until=args.until,
        date_by=args.date_by,
        crawl=CrawlOptions(
            fetch=fetch_options(args),
            retry_failed=args.retry_failed,
            state_path=args.state,
            clean_workers=args.clean_workers,
        ),
    )
    state = state_file(args)
    resuming = has_content(state)
    warc, ok = open_warc(args, NAME)
    if not ok:
        return EXIT_USAGE
    sink = warc_sink(warc) if warc is not None else None
    stopper = Stopper(NAME)
    try:
        if sys.stderr.isatty() and not args.no_progress:
            summary = _with_bar(args.output, options, sink, stopper)
        else:
            summary = asyncio.run(stopper.run(_job(args.output, options, sink, None, _tell_listed)))
    except (ScraperError, WorkersFailed) as exc:  # index unreadable, locked, disk full, another query
        print(f"netease-scraper {NAME}: {mask_passwords(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if warc is not None:
            with contextlib.suppress(OSError):
                warc.close()
    if summary.interrupted:
        return interrupted_exit(summary, stopper.signum, NAME)
    return report(
        summary, resuming=resuming, state=state, name=NAME, empty="nothing to do: the index listed no article"
    )


def _job(
    output: Path,
    options: CommonCrawlOptions,
    sink: PageSink | None,
    progress: Callable[[CrawlProgress], None] | None,
    on_listed: Callable[[Listing], None],
) -> Callable[[asyncio.Event], Awaitable[CrawlSummary]]:
    def job(stop: asyncio.Event) -> Awaitable[CrawlSummary]:
        return commoncrawl_async(
            output,
            options,
            sink=sink,
            progress=progress,
            stop=stop,
            on_start=print_start(output, NAME),
            on_listed=on_listed,
        )

    return job


def _tell_listed(listing: Listing) -> None:
    if listing.reused:
        print(
            f"{NAME}: using the capture list of an earlier run: {listing.captures} article(s) ({listing.path})",
            file=sys.stderr,
        )
    else:
        print(
            f"{NAME}: listed {listing.captures} article(s) from {listing.seen} capture(s) on {listing.pages} "
            f"index page(s) of {', '.join(listing.crawls) or 'no crawl'} → {listing.path}",
            file=sys.stderr,
        )


def _with_bar(
    output: Path, options: CommonCrawlOptions, sink: PageSink | None, stopper: Stopper
) -> CrawlSummary:
    """The run with a rich progress bar on stderr, its total set once the captures are listed."""
    with job_progress_bar(NAME) as bar:
        task = bar.add_task(NAME, total=None, done=0, failed=0, rate=0.0)

        def listed(listing: Listing) -> None:
            _tell_listed(listing)
            bar.update(task, total=listing.captures)

        def update(p: CrawlProgress) -> None:
            bar.update(
                task, completed=p.done + p.failed + p.duplicate, done=p.done, failed=p.failed, rate=p.rate
            )

        return asyncio.run(stopper.run(_job(output, options, sink, update, listed)))


def _check(args: argparse.Namespace) -> str | None:
    """A usage problem, or None."""
    if not args.crawl and not args.crawls:
        return "name a crawl: --crawl CC-MAIN-2025-33 (repeatable) or --crawls latest:N"
    for name, url in (("--index-url", args.index_url), ("--data-url", args.data_url)):
        if not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", url):
            return f"{name} must be an http(s) URL: {url!r}"
    if problem := fetch_problem(args):
        return problem
    if args.since is not None and args.until is not None and args.since >= args.until:
        return "--since must be before --until"
    return (
        output_problem(args)
        or _capture_list_problem(args.output)
        or job_files_problem(args, extra=[("capture list", captures_path(args.output))])
    )


def _capture_list_problem(output: Path) -> str | None:
    """Refuse to overwrite a file at the capture list's path that we did not write."""
    plan = captures_path(output)
    if plan.exists() and (not plan.is_file() or not is_capture_list(plan)):
        return f"{plan} exists and is not a capture list of netease-scraper; refusing to overwrite it"
    return None


def _crawl_id(text: str) -> str:
    if not _CRAWL_ID.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"not a crawl id like CC-MAIN-2025-33: {text!r}")
    return text.strip()


def _latest(text: str) -> int:
    found = _LATEST.fullmatch(text.strip())
    if found is None or int(found[1]) < 1:
        raise argparse.ArgumentTypeError(f"expected latest:N with N >= 1, got {text!r}")
    return int(found[1])
