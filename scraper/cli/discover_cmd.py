"""``netease-scraper discover SOURCE... [-o urls.txt]``: article URLs from feeds and list pages.

A SOURCE is a URL (fetched with ``crawl``'s fetch policy: host allow-list, robots.txt, retries,
per-host limits) or a saved page / feed file. The output is one canonical URL per line (``--jsonl``:
one JSON object with title, time and source), one per docid, newest first, ready for ``crawl``.
``-o`` replaces the file atomically, so ``crawl`` never reads a half-written list.

Exit codes: 0 every source gave URLs; 1 some source failed (its failure is on stderr) or nothing
was found; 2 bad usage (missing file, bad ``--since``, unusable ``--proxy``, an output that is not
a URL list).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from ..discovery import DiscoverOptions, DiscoveryResult, discover
from ..discovery.runner import DEFAULT_MAX_PAGES, is_url
from ..errors import FetchError
from ..jsonl import dumps_line
from .argtypes import positive_int, since_time
from .fetch_args import add_fetch_arguments, fetch_options, fetch_problem
from .safety import same_file

NAME = "discover"
HELP = "Find article URLs in NetEase feeds, list APIs and list pages (URLs or saved files) for crawl."

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
_RECOGNISE_LINES = 5  # lines of an existing output looked at before it is replaced


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``discover`` options."""
    parser.add_argument("sources", metavar="SOURCE", nargs="+", help="feed / list page URL, or a saved file")
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="write the URLs here (default: stdout)"
    )
    parser.add_argument(
        "--since",
        type=since_time,
        default=None,
        metavar="DATE",
        help="only articles from then on: 2020-02-29, 2020-02-29T18:00, or 36h / 2d ago (Beijing time)",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=None, metavar="N", help="at most N URLs, newest"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help="JSON lines: url, docid, title, published_at, source, feed"
    )
    parser.add_argument(
        "--max-pages", type=positive_int, default=DEFAULT_MAX_PAGES, help="pages followed per source at most"
    )
    group = parser.add_argument_group("fetching (as in crawl)")
    add_fetch_arguments(group)


def run(args: argparse.Namespace) -> int:
    """Discover, write the URLs, report failures on stderr; return the exit code."""
    problem = _check(args)
    if problem:
        print(f"netease-scraper discover: {problem}", file=sys.stderr)
        return EXIT_USAGE
    fetch = fetch_options(args)
    options = DiscoverOptions(fetch=fetch, max_pages=args.max_pages)
    try:
        result = discover(args.sources, since=args.since, limit=args.limit, options=options)
    except FetchError as exc:  # an unusable --proxy
        print(f"netease-scraper discover: {exc}", file=sys.stderr)
        return EXIT_USAGE
    lines = [_line(found.to_dict(), args.jsonl) for found in result]
    try:
        _write(lines, args.output)
    except OSError as exc:
        print(f"netease-scraper discover: cannot write {args.output}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return _report(result, len(args.sources), args.output)


def _check(args: argparse.Namespace) -> str | None:
    """A usage problem, or None."""
    files = [s for s in args.sources if not is_url(s)]
    missing = [s for s in files if not os.path.isfile(s)]
    if missing:
        return f"no such file (a SOURCE is an http(s) URL or a saved file): {', '.join(missing)}"
    if problem := fetch_problem(args):
        return problem
    out = args.output
    if out is None or str(out) == "-":
        args.output = None
        return None
    if out.is_dir() or (out.exists() and not out.is_file()):
        return f"the output {out} is not a regular file"
    if not out.absolute().parent.is_dir():
        return f"no such directory for the output: {out.parent}"
    if any(same_file(out, s) for s in files):
        return f"the output {out} is one of the sources"
    if out.exists() and not _is_url_list(out):
        return f"the output {out} exists and is not a URL list; refusing to replace it; name a new file"
    return None


def _is_url_list(path: Path) -> bool:
    """True for a file ``discover`` may replace: empty, URL lines or its own JSON lines."""
    with path.open("rb") as fh:
        head = [fh.readline(64 * 1024) for _ in range(_RECOGNISE_LINES)]
    for raw in (line.strip() for line in head):
        if not raw or raw.startswith(b"#") or raw.startswith((b"http://", b"https://")):
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            return False
        if not (isinstance(record, dict) and {"url", "docid", "feed"} <= record.keys()):
            return False  # a crawl output (docid, no feed), a failures file, somebody's JSON
    return True


def _line(record: dict[str, str | None], jsonl: bool) -> str:
    return dumps_line(record) if jsonl else str(record["url"])


def _write(lines: list[str], output: Path | None) -> None:
    """To stdout, or replace ``output`` atomically (a temporary file renamed over it)."""
    text = "".join(f"{line}\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.absolute().parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _report(result: DiscoveryResult, sources: int, output: Path | None) -> int:
    """Failures and a summary on stderr; 0 only when every source worked and URLs were found."""
    for failure in result.failures:
        where = f" (page {failure.page})" if failure.page else ""
        print(f"discover: {failure.source}{where}: {failure.reason}: {failure.error}", file=sys.stderr)
    failed = Counter(f.reason for f in result.failures)
    text = f"discover: {len(result)} URL(s) from {sources} source(s)"
    if failed:
        text += (
            f" · failed {sum(failed.values())} ("
            + ", ".join(f"{r} {n}" for r, n in failed.most_common())
            + ")"
        )
    print(text + (f" → {output}" if output is not None else ""), file=sys.stderr)
    if not result.urls:
        print("discover: no article URL found", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK if not result.failures else EXIT_SOME_FAILED
