"""``commoncrawl`` throughput against loopback CDX and data servers, beside the cost of cleaning alone.

    python bench/commoncrawl_speed.py                    # 2,000 records, concurrency 8
    python bench/commoncrawl_speed.py --records 500 --concurrency 4

The servers (``tests/ccservers.py``: pywb-style CDX pages, a data server with Range support) run in a
child process over one WARC built there from ``fixtures/pc-2021/news-tech.html`` (docid substituted,
one gzip member per record), so their CPU is not counted. This process times ``commoncrawl_async``
with no politeness delay: the listing (index pages, capture list written) and the fetch-and-clean
stage (Range fetch, member checks, cleaning, JSONL with fsync per batch), as wall time and CPU time.
Then it times ``clean_html`` alone on the same page, so the overhead of Common Crawl as a source shows
as CPU ms/record beside CPU ms/page for cleaning, and as their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "fixtures" / "pc-2021" / "news-tech.html"
PAGE_DOCID = "K8HAMTB000097U7R"
CRAWL = "CC-MAIN-2025-33"


def serve(records: int) -> None:
    """Child: build the archive, start both servers, print their URLs, run until stdin closes."""
    sys.path.insert(0, str(ROOT / "tests"))
    from ccservers import Archive, CdxServer, DataServer

    page = PAGE.read_bytes()
    archive = Archive()
    for i in range(records):
        docid = f"KBEN{i:012d}"
        url = f"https://www.163.com/tech/article/{docid}.html"
        archive.add(url, page.replace(PAGE_DOCID.encode(), docid.encode()), "20250801120000")
    with CdxServer(archive, page_size=1000) as index, DataServer(archive) as data:
        print(json.dumps({"index": index.url, "data": data.url}), flush=True)
        sys.stdin.read()


def measure(index: str, data: str, records: int, concurrency: int) -> dict[str, float]:
    from scraper import CommonCrawlOptions, CrawlOptions, FetchOptions
    from scraper.clean import warm_up
    from scraper.common_crawl.job import Listing, commoncrawl_async

    warm_up()
    fetch = FetchOptions(
        delay=0, retries=0, concurrency=concurrency, per_host=concurrency, ignore_robots=True
    )
    options = CommonCrawlOptions(
        crawls=(CRAWL,), index_url=index, data_url=data, crawl=CrawlOptions(fetch=fetch)
    )
    marks: dict[str, float] = {}

    def listed(listing: Listing) -> None:
        marks["listed_wall"], marks["listed_cpu"] = time.perf_counter(), time.process_time()

    with tempfile.TemporaryDirectory() as tmp:
        # A short run first, so that imports and first-use set-up are not counted as per-record cost.
        asyncio.run(commoncrawl_async(Path(tmp) / "warm.jsonl", replace(options, limit=20)))
        out = Path(tmp) / "cc.jsonl"
        t0, c0 = time.perf_counter(), time.process_time()
        summary = asyncio.run(commoncrawl_async(out, options, on_listed=listed))
        t1, c1 = time.perf_counter(), time.process_time()
    assert summary.done == records, summary.line()
    return {
        "list_wall": marks["listed_wall"] - t0,
        "list_cpu": marks["listed_cpu"] - c0,
        "fetch_wall": t1 - marks["listed_wall"],
        "fetch_cpu": c1 - marks["listed_cpu"],
    }


def clean_alone(n: int) -> float:
    """CPU seconds per page of ``clean_html`` on the bench page."""
    from scraper import clean_html

    page = PAGE.read_bytes()
    url = f"https://www.163.com/tech/article/{PAGE_DOCID}.html"
    clean_html(page, url)
    c0 = time.process_time()
    for _ in range(n):
        clean_html(page, url)
    return (time.process_time() - c0) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.records)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        urls = json.loads(server.stdout.readline())
        got = measure(urls["index"], urls["data"], args.records, args.concurrency)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)
    per_clean = clean_alone(min(args.records, 300))
    n = args.records
    rate = n / got["fetch_wall"]
    cpu_ms = 1000 * got["fetch_cpu"] / n
    print(f"commoncrawl, {n} records, concurrency {args.concurrency}, loopback servers in another process")
    print(f"  listing:          {got['list_wall']:.2f} s wall, {got['list_cpu']:.2f} s CPU ({n} captures)")
    print(f"  fetch + clean:    {rate:,.0f} records/s, {cpu_ms:.2f} CPU ms/record")
    print(f"  clean_html alone: {1000 * per_clean:.2f} CPU ms/page")
    print(
        f"  ratio:            {cpu_ms / (1000 * per_clean):.2f}x the CPU of cleaning alone "
        f"({cpu_ms - 1000 * per_clean:.2f} ms/record for range fetch, checks, state and output)"
    )


if __name__ == "__main__":
    main()
