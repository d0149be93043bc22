"""Decode speed on ../shared/netease-pages: ``decode_html`` per page, best of several rounds.

Decoding runs once for every page cleaned, so it is on the hot path. Prints the mean time per page
for the UTF-8 pages, the GB pages and all of them (the best round of each, to shave off noise).

    python bench/decode_speed.py [--rounds 7] [--pages ../shared/netease-pages]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scraper.encoding import decode_html

DEFAULT_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "netease-pages"


def best_ms_per_page(pages: list[bytes], rounds: int) -> float:
    """Mean milliseconds per page of the fastest of ``rounds`` passes over ``pages``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for data in pages:
            decode_html(data)
        best = min(best, time.perf_counter() - start)
    return best / len(pages) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    args = parser.parse_args()
    pages = [p.read_bytes() for p in sorted(args.pages.glob("*.html"))]
    utf8, gb = [], []
    for data in pages:
        try:
            data.decode("utf-8")
            utf8.append(data)
        except UnicodeDecodeError:
            gb.append(data)
    for name, group in (("utf-8", utf8), ("gb", gb), ("all", pages)):
        print(f"{name:6} {len(group):3} pages  {best_ms_per_page(group, args.rounds):7.3f} ms/page")


if __name__ == "__main__":
    main()
