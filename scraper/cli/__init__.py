"""Command line: ``netease-scraper clean ...``, ``crawl ...``, ``discover ...`` and ``commoncrawl ...``.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``run(args) -> int``.
Exit codes: 0 all succeeded, 1 some inputs failed or nothing was done, 2 bad usage or could not run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    from . import clean_cmd, commoncrawl_cmd, crawl_cmd, discover_cmd

    parser = argparse.ArgumentParser(
        prog="netease-scraper", description="Clean NetEase (163.com) article pages into text and metadata."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (clean_cmd, crawl_cmd, discover_cmd, commoncrawl_cmd):
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``netease-scraper`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
