"""Cleaning speed on ../shared/netease-pages: clean_html vs trafilatura.extract vs a bare lexbor parse.

All three run side by side in one process on the same bytes, several interleaved rounds each (best
round kept, to shave off noise from the machine). The bare parse (decode + lexbor parse, nothing else)
is the floor no cleaner can beat. Goals: >= 15x faster than trafilatura, within 2.2x of the floor (issue 7).

    python bench/clean_speed.py [--rounds 5] [--pages ../shared/netease-pages]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from scraper import clean_html
from scraper.encoding import decode_html

DEFAULT_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "netease-pages"


def bare_parse(data: bytes) -> object:
    """The floor: bytes to text and a lexbor tree, nothing else."""
    return LexborHTMLParser(decode_html(data)).root


def trafilatura_extract(data: bytes) -> object:
    import trafilatura

    return trafilatura.extract(data)


def ours(data: bytes) -> object:
    return clean_html(data)


def ms_per_page(fn: Callable[[bytes], object], pages: list[bytes]) -> float:
    start = time.perf_counter()
    for data in pages:
        fn(data)
    return 1000 * (time.perf_counter() - start) / len(pages)


def rounds_of(rounds: int, pages: list[bytes], *fns: Callable[[bytes], object]) -> list[list[float]]:
    """ms/page of each function in each round; rounds interleave the functions, so a busy spell hits all alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            times[i].append(ms_per_page(fn, pages))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    pages = [p.read_bytes() for p in sorted(args.pages.glob("*.html"))]
    if not pages:
        parser.error(f"no pages in {args.pages}")
    for fn in (bare_parse, trafilatura_extract, ours):  # warm-up: imports, caches
        fn(pages[0])
    floor_rounds, mine_rounds = rounds_of(args.rounds, pages, bare_parse, ours)
    floor, mine = min(floor_rounds), min(mine_rounds)
    (traf_rounds,) = rounds_of(max(1, args.rounds // 2), pages, trafilatura_extract)
    traf = min(traf_rounds)
    # The ratio within each round: less moved by the host speeding up or slowing down between rounds.
    paired = sorted(m / f for f, m in zip(floor_rounds, mine_rounds, strict=True))
    size_kb = sum(map(len, pages)) / len(pages) / 1024
    print(f"{len(pages)} pages, {size_kb:.0f} kB on average, best of {args.rounds} rounds")
    print(f"{'bare lexbor parse (floor)':28s} {floor:8.2f} ms/page")
    print(f"{'trafilatura.extract':28s} {traf:8.2f} ms/page")
    print(f"{'netease-scraper clean_html':28s} {mine:8.2f} ms/page")
    print(f"speed-up over trafilatura: {traf / mine:5.1f}x   (goal >= 15x)")
    print(f"cost over the bare parse:  {mine / floor:5.2f}x   (goal <= 2.2x)")
    print(
        f"  the same, round by round:  median {statistics.median(paired):.2f}x, "
        f"range {paired[0]:.2f}-{paired[-1]:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
