"""What ``crawl`` and ``commoncrawl`` share: the resumable job's options, file checks and exit.

Both commands run the same job (:mod:`scraper.crawling.runner`) over the same files (output, state,
failures file, optional WARC), so the options naming them, the refusal of files we did not write and
the interrupted-run message are made once, here.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..archive.warc_write import WarcWriter
from ..crawling.model import CrawlSummary
from ..crawling.output import failures_path, is_crawl_output, state_path
from ..errors import ArchiveError
from .safety import CRAWL_FAILURE_SHAPES, clash_with_each_other, failure_log_problem

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = [
    "add_job_arguments",
    "has_content",
    "interrupted_exit",
    "job_files_problem",
    "job_progress_bar",
    "open_warc",
    "output_problem",
    "state_file",
]

File = tuple[str, str | Path]  # (label, path)


def add_job_arguments(parser: argparse.ArgumentParser, *, clean_workers_help: str, warc_help: str) -> None:
    """Register ``--clean-workers``, ``--state``, ``--no-progress`` and ``--warc``."""
    parser.add_argument("--clean-workers", type=int, default=0, help=clean_workers_help)
    parser.add_argument(
        "--state", type=Path, default=None, help="state file (default: <output>.state.sqlite)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    parser.add_argument("--warc", type=Path, default=None, metavar="FILE.warc.gz", help=warc_help)


def output_problem(args: argparse.Namespace) -> str | None:
    """A problem with ``--clean-workers``, ``-o`` or ``--warc`` as given, or None."""
    if args.clean_workers < 0:
        return "--clean-workers must be >= 0"
    if str(args.output) == "-":
        return "-o needs a file: the output is appended to and resumed, it cannot be stdout"
    if args.output.is_dir():
        return f"output is a directory: {args.output}"
    if not args.output.absolute().parent.is_dir():
        return f"no such directory for the output: {args.output.parent}"
    if args.warc is not None and not args.warc.name.lower().endswith(".warc.gz"):
        return f"--warc needs a .warc.gz file name (it is written gzip per record): {args.warc}"
    return None


def job_files_problem(
    args: argparse.Namespace, *, inputs: Sequence[File] = (), extra: Sequence[File] = ()
) -> str | None:
    """Refuse to append to, cut or replace a file this tool did not write (checked before any is opened).

    ``inputs`` (read) and ``extra`` (written by the command itself) join the job's own files in the
    check that no two of them are one file.
    """
    output, state = args.output, state_file(args)
    if output.exists() and not output.is_file():
        return f"the output {output} is not a regular file (it is appended to and resumed)"
    if not is_crawl_output(output, resuming=has_content(state)):
        return (
            f"the output {output} exists and is not a crawl output of netease-scraper (JSON lines with "
            "a docid); refusing to append to it; name a new file"
        )
    if state.is_dir():
        return f"the state {state} is a folder"
    if not state.absolute().parent.is_dir():
        return f"no such directory for the state: {state.parent}"
    files: list[File] = [*inputs, ("output", output), ("state", state), *extra]
    files += [("failures file", failures_path(output))]
    files += [("WARC", args.warc)] if args.warc is not None else []
    return clash_with_each_other(files) or failure_log_problem(
        failures_path(output), "failures file", CRAWL_FAILURE_SHAPES
    )


def state_file(args: argparse.Namespace) -> Path:
    """The job's state file: ``--state`` or ``<output>.state.sqlite``."""
    return Path(args.state) if args.state is not None else state_path(args.output)


def has_content(path: Path) -> bool:
    """True for a non-empty regular file (a state that an earlier run wrote: this run resumes)."""
    return path.is_file() and path.stat().st_size > 0


def open_warc(args: argparse.Namespace, name: str) -> tuple[WarcWriter | None, bool]:
    """``(writer, ok)`` for ``--warc`` (None when not asked); ``ok`` False after printing why it cannot be written."""
    if args.warc is None:
        return None, True
    try:
        return WarcWriter(args.warc), True  # repairs a torn tail first
    except (ArchiveError, OSError) as exc:
        print(f"netease-scraper {name}: cannot write the WARC: {exc}", file=sys.stderr)
        return None, False


def interrupted_exit(summary: CrawlSummary, signum: int | None, name: str) -> int:
    """Print the summary of a run stopped by a signal; return 128 + the signal number."""
    signum = signum or signal.SIGINT
    print(f"{name}: {summary.line()} → {summary.output}", file=sys.stderr)
    print(
        f"{name}: interrupted by {signal.Signals(signum).name}; nothing committed is lost: run the same "
        "command again to resume",
        file=sys.stderr,
    )
    return 128 + signum


def job_progress_bar(name: str) -> Progress:
    """The job's rich bar on stderr: articles handled of the total, done, failed, rate, ETA.

    Its task takes the fields ``done``, ``failed`` and ``rate``. rich is imported here, on first use,
    so a run without a bar never loads it.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn(name),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("done {task.fields[done]} · failed {task.fields[failed]} · {task.fields[rate]:.1f}/s"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
