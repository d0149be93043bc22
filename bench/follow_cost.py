"""What ``crawl --follow`` costs per page: reading the links, and recording them in the state.

1. On ../shared/netease-pages, ``clean_html`` against ``clean_with_links`` (the same parse, plus
   every ``<a href>`` read through the URL grammar), interleaved rounds, best kept. Both raise on
   the same pages (the forum threads), which count alike.
2. The state store: ``add_follow_ups`` for pages of ``--links`` new links each, committed in
   batches as the crawl's writer does, (a) queued (depth < N) and (b) kept for a later run (at the
   depth limit: compressed into the page's row); the state's size per page.

    python bench/follow_cost.py [--rounds 9] [--pages ../shared/netease-pages] [--state-pages 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scraper import clean_html
from scraper.clean import clean_with_links
from scraper.crawling.state import FollowUps, NewItem, StateStore
from scraper.errors import ScraperError

DEFAULT_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "netease-pages"
BATCH = 16  # pages per writer commit: a crawl at a few dozen pages/s


def ms_per_page(fn: Callable[[bytes], object], pages: list[bytes]) -> float:
    start = time.perf_counter()
    for data in pages:
        with contextlib.suppress(ScraperError):  # the forum threads fail alike in both
            fn(data)
    return 1000 * (time.perf_counter() - start) / len(pages)


def cleaning(pages: list[bytes], rounds: int) -> None:
    fns: list[Callable[[bytes], object]] = [clean_html, clean_with_links]
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], ms_per_page(fn, pages))
    links = [len(clean_with_links(p)[1]) for p in pages if _cleans(p)]
    print(f"{len(pages)} pages, {sum(links) / len(links):.0f} article links a page (max {max(links)})")
    print(f"clean_html        {best[0]:6.2f} ms/page")
    print(
        f"clean_with_links  {best[1]:6.2f} ms/page  (+{best[1] - best[0]:.2f} ms, {best[1] / best[0]:.2f}x)"
    )


def _cleans(page: bytes) -> bool:
    try:
        clean_html(page)
    except ScraperError:
        return False
    return True


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def docid(page: int, n: int) -> str:
    """A docid as random as real ones (they compress no better than these): fixed per (page, n)."""
    rng = random.Random(page * 1_000_003 + n)
    return "".join(rng.choice(_ALNUM) for _ in range(16))


def state_cost(pages: int, links: int, *, hold: bool) -> tuple[float, float]:
    """ms per page for add_follow_ups, and state bytes per page."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.sqlite"
        with StateStore(path) as store:
            store.add(
                [NewItem(i, f"https://www.163.com/dy/article/{docid(i, 0)}.html", docid=docid(i, 0)) for i in range(pages)],
                last_lineno=pages,
            )  # fmt: skip
            spent = 0.0
            for start in range(0, pages, BATCH):
                batch = []
                for i in range(start, min(start + BATCH, pages)):
                    found = tuple(
                        (docid(i, n), f"https://www.163.com/dy/article/{docid(i, n)}.html")
                        for n in range(1, links + 1)
                    )
                    batch.append(
                        FollowUps(docid(i, 0), 1, hold=found)
                        if hold
                        else FollowUps(docid(i, 0), 0, follow=found)
                    )
                t = time.perf_counter()
                store.add_follow_ups(batch)
                spent += time.perf_counter() - t
        size = path.stat().st_size + sum(p.stat().st_size for p in Path(tmp).glob("s.sqlite-*"))
    return 1000 * spent / pages, size / pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--state-pages", type=int, default=5000)
    parser.add_argument("--links", type=int, default=40)
    args = parser.parse_args()
    pages = [p.read_bytes() for p in sorted(args.pages.glob("*.html"))]
    print(f"cores: {os.cpu_count()}")
    cleaning(pages, args.rounds)
    for hold in (False, True):
        ms, size = state_cost(args.state_pages, args.links, hold=hold)
        what = "kept (depth limit)" if hold else "queued as rows   "
        print(f"state: {args.links} links/page {what}: {ms:.2f} ms/page, {size / 1024:.1f} KiB/page of state")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
