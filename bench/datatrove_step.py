"""Throughput of the datatrove reader step vs ``netease-scraper clean`` on the same WARCs (issue 10).

Builds, in a temporary folder, ``--files`` ``.warc.gz`` files of ../shared/netease-pages repeated
(each response with its request record, as Common Crawl writes them; see clean_workers.py), then
times, in this process, end to end (start-up, reading, cleaning, writing JSONL to the temporary
folder):

- ``netease-scraper clean FOLDER -o out.jsonl --workers N``;
- a datatrove ``LocalPipelineExecutor`` of ``NeteaseWarcReader`` + ``JsonlWriter`` with
  ``tasks=--files`` and ``workers=N``.

    python bench/datatrove_step.py [--records 2000] [--files 4] [--workers 1,2] [--rounds 2] 2>/dev/null

(datatrove's tasks log to stderr, from their own processes.) Each datatrove task process pays the
start-up once (imports, trafilatura's ~1.5 s), so small runs favour ``clean``; the reader's own
time per document, from datatrove's stats, is printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from clean_workers import PAGES, build_warc, free_cores, page_specs

from scraper.cli import main as cli_main


def time_cli(warcs: Path, out: Path, workers: int) -> tuple[float, int]:
    """Wall time and articles written by a serial (or ``--workers N``) ``clean`` of the folder."""
    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        cli_main(["clean", str(warcs), "-o", str(out), "--workers", str(workers)])
    elapsed = time.perf_counter() - start
    with open(out, encoding="utf-8") as f:
        return elapsed, sum(1 for _ in f)


def time_datatrove(warcs: Path, work: Path, tasks: int, workers: int) -> tuple[float, int, float]:
    """Wall time, documents written, cleaning seconds per document (fresh logs: every task runs)."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.logging import logger

    from scraper.datatrove_step import NeteaseWarcReader

    out, logs = work / "dt-out", work / f"dt-logs-{time.monotonic_ns()}"
    logger.remove()  # this process's share of the logs; the tasks add their own handlers
    start = time.perf_counter()
    LocalPipelineExecutor(
        pipeline=[NeteaseWarcReader(str(warcs)), JsonlWriter(str(out), compression=None)],
        tasks=tasks,
        workers=workers,
        logging_dir=str(logs),
    ).run()
    elapsed = time.perf_counter() - start
    reader = json.loads((logs / "stats.json").read_text())[0]
    docs = reader["stats"]["documents"]
    n = int(docs["total"] if isinstance(docs, dict) else docs)
    return elapsed, n, reader["time_stats"]["total"] / max(n, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000, help="responses in all (split over the files)")
    parser.add_argument("--files", type=int, default=4, help="WARC files, and datatrove tasks")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--rounds", type=int, default=2, help="runs per setting; the best is reported")
    parser.add_argument("--pages", type=Path, default=PAGES)
    args = parser.parse_args()
    if not args.pages.is_dir():
        print(f"no pages at {args.pages}; nothing to measure", file=sys.stderr)
        return 0
    try:
        import datatrove  # noqa: F401
    except ImportError:
        print("datatrove is not installed: pip install 'netease-scraper[datatrove]'", file=sys.stderr)
        return 0
    specs = page_specs(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        warcs = Path(tmp) / "warcs"
        warcs.mkdir()
        responses = sum(
            build_warc(warcs / f"part-{i:02d}.warc.gz", specs, args.records // args.files)
            for i in range(args.files)
        )
        size = sum(f.stat().st_size for f in warcs.iterdir()) / 1e6
        print(f"WARCs: {args.files} files, {responses} responses + {responses} requests, {size:.1f} MB gz")
        print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load: {os.getloadavg()[0]:.2f}")
        print(f"cores free for us: {free_cores():.2f} (two busy loops vs one)")
        for workers in (int(w) for w in args.workers.split(",")):
            cli_s, cli_n = min(time_cli(warcs, Path(tmp) / "cli.jsonl", workers) for _ in range(args.rounds))
            dt_s, dt_n, per_doc = min(
                time_datatrove(warcs, Path(tmp), args.files, workers) for _ in range(args.rounds)
            )
            print(
                f"workers={workers}: clean {cli_n / cli_s:5.0f} docs/s ({cli_s:5.2f} s)"
                f"  datatrove tasks={args.files} {dt_n / dt_s:5.0f} docs/s ({dt_s:5.2f} s,"
                f" cleaning {1000 * per_doc:.2f} ms/doc)"
                f"  ratio datatrove/clean {cli_s / dt_s:.2f}  ({cli_n} vs {dt_n} docs)",
                flush=True,
            )
        print(f"cores free for us: {free_cores():.2f}; load: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
