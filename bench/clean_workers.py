"""Throughput of ``clean --workers N`` on a WARC: pages/s at 1 and 2 workers (issue 4 item 4).

Builds, in a temporary folder, a ``.warc.gz`` made of ../shared/netease-pages repeated until
there are at least ``--records`` response records (each with its request record, as Common Crawl
writes them). The target URI is the gold file's ``url``, else a www.163.com URL built from its
docid; the HTTP ``Content-Type`` charset is the one the page declares. Then it times, in this
process, the same path the CLI takes (sources -> clean_items -> JSONL writer to /dev/null):

- reading the WARC alone (no cleaning): what the WARC layer costs;
- cleaning with 1 worker (in process) and with 2 workers (process pool).

    python bench/clean_workers.py [--records 2000] [--workers 1,2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.cli.clean_cmd import Outcome, Result, clean_items, process_items
from scraper.sources import SavedPage, SourceItem, iter_sources
from scraper.writers import JsonlWriter

PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "netease-pages"
CPU_LOG = "CLEAN_WORKERS_BENCH_CPU_LOG"
DECLARED = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


def page_specs(folder: Path) -> list[tuple[str, bytes, str | None]]:
    """(url, bytes, declared charset) for every page with a gold file."""
    specs = []
    for html in sorted(folder.glob("*.html")):
        gold_file = html.with_name(html.name[: -len(".html")] + ".gold.json")
        gold = json.loads(gold_file.read_text(encoding="utf-8")) if gold_file.exists() else {}
        docid = gold.get("docid") or f"BENCH{len(specs):011d}"
        url = gold.get("url") or f"https://www.163.com/news/article/{docid}.html"
        data = html.read_bytes()
        m = DECLARED.search(data[:4096])
        specs.append((url, data, m.group(1).decode("ascii").lower() if m else None))
    return specs


def build_warc(path: Path, specs: list[tuple[str, bytes, str | None]], records: int) -> int:
    """Write at least ``records`` response records (cycling through ``specs``); return how many."""
    written = 0
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        while written < records:
            for url, data, charset in specs:
                content_type = "text/html" + (f"; charset={charset}" if charset else "")
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.163.com")], is_http_request=True)
                writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
                http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
                writer.write_record(
                    writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=http)
                )
                written += 1
    return written


def _spin(n: int) -> float:
    x = 0
    for i in range(n):
        x += i * i
    return float(x)


def free_cores(n: int = 5_000_000) -> float:
    """How many cores this run really gets: one busy loop vs two at once (others' load lowers it)."""
    start = time.perf_counter()
    _spin(n)
    one = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # start the processes before timing
        start = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        two = time.perf_counter() - start
    return 2 * one / two


def time_read(warc: Path) -> tuple[float, int]:
    start = time.perf_counter()
    pages = sum(1 for item in iter_sources([str(warc)]) if isinstance(item, SavedPage))
    return time.perf_counter() - start, pages


def timed_task(items: list[SourceItem]) -> list[Result]:
    """The workers' task, also logging its CPU time (the pool's processes are not our children)."""
    start = time.process_time()
    results = process_items(items)
    with open(os.environ[CPU_LOG], "a", encoding="ascii") as log:
        log.write(f"{time.process_time() - start}\n")
    return results


def time_clean(warc: Path, workers: int) -> tuple[float, float, float, int, int]:
    """Wall time, CPU of the reading process, CPU spent cleaning, cleaned and failed counts."""
    log = Path(os.environ[CPU_LOG])
    log.write_text("")
    start, cpu = time.perf_counter(), time.process_time()
    cleaned = failed = 0
    with open(os.devnull, "w", encoding="utf-8") as sink:
        writer = JsonlWriter(sink)
        for result in clean_items(iter_sources([str(warc)]), workers=workers, task=timed_task):
            if isinstance(result, Outcome):
                if result.article is not None:
                    writer.write(result.article)
                    cleaned += 1
                else:
                    failed += 1
        writer.close()
    elapsed, reader_cpu = time.perf_counter() - start, time.process_time() - cpu
    clean_cpu = sum(float(x) for x in log.read_text().split())
    if workers <= 1:
        reader_cpu -= clean_cpu  # cleaning ran in this process too
    return elapsed, reader_cpu, clean_cpu, cleaned, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--rounds", type=int, default=2, help="runs per setting; the best is reported")
    parser.add_argument("--pages", type=Path, default=PAGES)
    args = parser.parse_args()
    if not args.pages.is_dir():
        print(f"no pages at {args.pages}; nothing to measure", file=sys.stderr)
        return 0
    specs = page_specs(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[CPU_LOG] = str(Path(tmp) / "cpu.log")  # before the pool starts: workers inherit it
        warc = Path(tmp) / "bench.warc.gz"
        responses = build_warc(warc, specs, args.records)
        size = warc.stat().st_size / 1e6
        print(f"WARC: {responses} responses + {responses} requests from {len(specs)} pages, {size:.1f} MB gz")
        print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load: {os.getloadavg()[0]:.2f}")
        print(f"cores free for us: {free_cores():.2f} (two busy loops vs one)")
        read_s, pages = min(time_read(warc) for _ in range(args.rounds))
        print(f"read only : {pages / read_s:6.0f} pages/s  wall {read_s:6.2f} s")
        for workers in (int(w) for w in args.workers.split(",")):
            elapsed, reader_cpu, clean_cpu, cleaned, failed = min(
                time_clean(warc, workers) for _ in range(args.rounds)
            )
            n = cleaned + failed
            print(
                f"workers={workers} : {n / elapsed:6.0f} pages/s  wall {elapsed:6.2f} s"
                f"  cpu/page: reading {1000 * reader_cpu / n:.2f} ms, cleaning {1000 * clean_cpu / n:.2f} ms"
                f"  ({cleaned} cleaned, {failed} failed)"
            )
        print(f"cores free for us: {free_cores():.2f}; load: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
