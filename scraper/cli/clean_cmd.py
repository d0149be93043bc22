"""``netease-scraper clean PATH...``: saved pages (files, folders, .gz, WARC, stdin) to articles.

Pages are cleaned in input order, in this process (``--workers 1``) or in a pool of processes
that never holds more than a few chunks of pages in flight, so a 10 GB WARC streams through.
Articles go to the output in the chosen format; every input that fails becomes a failure record
(:class:`scraper.jsonl.FailureRecord`) and the run goes on. A summary line ends the run on stderr.

Exit codes: 0 all pages cleaned, 1 some failed or none cleaned, 2 bad usage (a path that does not
exist, ``--url`` with more than one page, an output that cannot be opened or would overwrite an
input or somebody's file: see :mod:`scraper.cli.safety` and :mod:`scraper.cli.clean_files`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..clean_saved import Outcome, clean_page
from ..errors import Reason, ScraperError
from ..jsonl import FailureRecord
from ..sources import Failed, SavedPage, Skipped, SourceItem, input_kind, iter_sources, missing_paths
from ..urls import docid_from_url
from ..workers import CRASHED, WorkerPool, WorkersFailed
from ..writers import FORMATS, ArticleWriter, open_writer
from . import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from .argtypes import positive_int
from .clean_files import CleanFiles, FailureSink
from .safety import CLEAN_FAILURE_SHAPES, clash_with_each_other, clash_with_inputs, failure_log_problem

NAME = "clean"
HELP = "Clean saved NetEase pages (files, folders, .html.gz, .warc[.gz], - for stdin) into articles."

CHUNK_PAGES = 16  # pages sent to a worker at once: amortises the inter-process round trip
CHUNK_BYTES = 8 * 1024 * 1024  # ... unless they are big pages
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: keeps workers busy, memory bounded
FAILURES_SUFFIX = ".failures.jsonl"
SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "json", ".md": "md", ".txt": "txt"}  # -o name -> --format
Result = Outcome | Skipped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``clean`` options."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="page file, folder, .warc[.gz], or - (stdin)"
    )
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="output file (default: stdout)")
    parser.add_argument(
        "--format",
        choices=list(FORMATS),
        default=None,
        help="output format (default: from -o's suffix .jsonl/.json/.md/.txt, else jsonl)",
    )
    parser.add_argument("--url", help="the page's URL, when cleaning a single page")
    parser.add_argument(
        "--workers", type=positive_int, default=1, metavar="N", help="processes cleaning pages (default 1)"
    )
    parser.add_argument(
        "--failures",
        metavar="FILE",
        help=f"write failure records (JSON lines) here; default with -o OUT: OUT{FAILURES_SUFFIX}",
    )


def run(args: argparse.Namespace) -> int:
    """Clean every input; return the exit code."""
    failures_path = _failures_path(args)
    problem = _usage_problem(args, failures_path)
    if problem:
        print(f"netease-scraper clean: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    with ExitStack() as stack:
        try:
            files = CleanFiles(
                args.output, failures_path, stack, failures_had_records=_has_content(failures_path)
            )
        except ScraperError as exc:  # cannot create, or another run holds it: nothing written yet
            print(f"netease-scraper clean: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        out, failures = files.output, files.failures
        writer = open_writer(_format(args), out)
        tally = _Tally()
        items = iter_sources(args.paths, url=args.url)
        with _progress(sys.stderr.isatty()) as (show, say):
            try:
                for result in clean_items(items, workers=args.workers):
                    _record(result, writer, failures, tally, say)
                    show(tally)
                writer.close()
            except WorkersFailed as exc:
                print(f"netease-scraper clean: error: {exc}", file=sys.stderr)
                return EXIT_SOME_FAILED
            except KeyboardInterrupt:  # leave a well-formed output (e.g. a closed JSON array) behind
                writer.close()
                print(tally.summary(failures.path) + " (interrupted)", file=sys.stderr)
                raise
            except BrokenPipeError:  # `... | head`: the reader is gone, stop quietly
                if out is sys.stdout:  # so the interpreter's final flush does not fail again
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                print("netease-scraper clean: output closed early", file=sys.stderr)
                return EXIT_SOME_FAILED
    print(tally.summary(failures.path), file=sys.stderr)
    return EXIT_SOME_FAILED if tally.failed or not tally.cleaned else EXIT_OK


# -- cleaning, in process or in a pool ---------------------------------------------------------


def process_items(items: list[SourceItem]) -> list[Result]:
    """Worker entry point: clean the pages of a chunk, pass skips and read failures through."""
    out: list[Result] = []
    for item in items:
        if isinstance(item, SavedPage):
            out.append(clean_page(item))
        elif isinstance(item, Failed):
            out.append(Outcome(item.origin, item.url, reason=item.reason, message=item.message))
        else:
            out.append(item)
    return out


def clean_items(
    items: Iterable[SourceItem],
    *,
    workers: int = 1,
    task: Callable[[list[SourceItem]], list[Result]] = process_items,
) -> Iterator[Result]:
    """Results for ``items``, in the same order; ``workers > 1`` cleans in a process pool.

    ``task`` is what a worker runs on a chunk (a module-level function, so it pickles).
    """
    if workers <= 1:
        for item in items:
            yield from task([item])
        return
    pool = WorkerPool(workers)
    window: Window = deque()
    try:
        for chunk in _chunks(items):
            window.append((chunk, pool.submit(task, chunk)))
            if len(window) >= workers * IN_FLIGHT_PER_WORKER:
                yield from _collect(pool, task, window)
        while window:
            yield from _collect(pool, task, window)
    finally:
        pool.close()


Task = Callable[[list[SourceItem]], list[Result]]
Window = deque[tuple[list[SourceItem], Future[list[Result]]]]


def _collect(pool: WorkerPool, task: Task, window: Window) -> list[Result]:
    """Results of the oldest chunk in flight; after a worker death, find the page that killed it."""
    chunk, future = window.popleft()
    try:
        results = future.result()
    except BrokenProcessPool:
        pool.replace()
        results = [_isolated(pool, task, item) for item in chunk]
        for i, (other, _) in enumerate(window):  # their futures died with the old pool
            window[i] = (other, pool.submit(task, other))
        return results
    pool.succeeded()
    return results


def _isolated(pool: WorkerPool, task: Task, item: SourceItem) -> Result:
    try:
        result = pool.submit(task, [item]).result()[0]
    except BrokenProcessPool:
        pool.crashed()  # WorkersFailed after too many in a row
        pool.replace()
        origin, url = item.origin, getattr(item, "url", None)
        return Outcome(origin, url, reason=Reason.WORKER_CRASHED, message=CRASHED)
    pool.succeeded()
    return result


def _chunks(items: Iterable[SourceItem]) -> Iterator[list[SourceItem]]:
    chunk: list[SourceItem] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.content) if isinstance(item, SavedPage) else 0
        if len(chunk) >= CHUNK_PAGES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


# -- bookkeeping and output --------------------------------------------------------------------


@dataclass
class _Tally:
    """Counts for the progress bar and the summary line."""

    cleaned: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    def brief(self) -> str:
        return f"cleaned {self.cleaned}, failed {self.failed.total()}, skipped {self.skipped.total()}"

    def summary(self, failures_path: str | None) -> str:
        elapsed = time.monotonic() - self.started
        line = (
            f"cleaned {self.cleaned}, failed {self.failed.total()}{_by_reason(self.failed)}, "
            f"skipped {self.skipped.total()}{_by_reason(self.skipped)} in {elapsed:.1f} s"
        )
        if failures_path and self.failed:
            line += f"; failures in {failures_path}"
        if not self.cleaned and not self.failed:
            line += "; nothing cleaned: " + (
                "no page in the inputs" if not self.skipped else "no page to clean"
            )
        return line


def _by_reason(counts: Counter[str]) -> str:
    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return " (" + ", ".join(f"{reason}: {n}" for reason, n in ordered) + ")"


def _record(
    result: Result, writer: ArticleWriter, failures: FailureSink, tally: _Tally, say: Callable[[str], None]
) -> None:
    if isinstance(result, Skipped):
        tally.skipped[result.reason] += 1
    elif result.article is not None:
        writer.write(result.article)
        tally.cleaned += 1
    else:
        tally.failed[result.reason or Reason.ERROR] += 1
        docid = docid_from_url(result.url) if result.url else None
        failures.write(
            FailureRecord(result.origin, result.url, docid, result.reason or Reason.ERROR, result.message),
            say,
        )


@contextmanager
def _progress(enabled: bool) -> Iterator[tuple[Callable[[_Tally], None], Callable[[str], None]]]:
    """``(show, say)``: update the progress bar, print a line above it (plain stderr when off)."""
    if not enabled:
        yield (lambda tally: None), (lambda line: print(line, file=sys.stderr))
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None)
        yield (
            (lambda tally: bar.update(task, description=tally.brief())),
            (lambda line: console.print(line, markup=False, highlight=False)),
        )


def _usage_problem(args: argparse.Namespace, failures: str | None) -> str | None:
    missing = missing_paths(args.paths)
    if missing:
        return "no such file or folder: " + ", ".join(missing)
    if args.paths.count("-") > 1:
        return "stdin (-) can be given only once"
    if args.url is not None and (len(args.paths) != 1 or input_kind(args.paths[0]) not in ("page", "stdin")):
        return "--url needs exactly one page (a file or -), not several inputs, a folder or a WARC"
    targets = [("output", args.output)] if args.output != "-" else []
    targets += [("failures file", failures)] if failures else []
    for label, path in targets:
        problem = clash_with_inputs(path, label, args.paths)
        if problem:
            return problem
    if failures:
        return clash_with_each_other(targets) or failure_log_problem(
            failures, "failures file", CLEAN_FAILURE_SHAPES
        )
    return None


def _has_content(path: str | None) -> bool:
    return path is not None and os.path.isfile(path) and os.path.getsize(path) > 0


def _format(args: argparse.Namespace) -> str:
    """``--format``, else the one ``-o``'s suffix names, else jsonl."""
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower() if args.output != "-" else ""
    return SUFFIX_FORMATS.get(suffix, "jsonl")


def _failures_path(args: argparse.Namespace) -> str | None:
    if args.failures:
        return str(args.failures)
    return args.output + FAILURES_SUFFIX if args.output != "-" else None
