"""Kill a real ``netease-scraper crawl`` process with SIGKILL mid-run, rerun it: exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpserver import NeteaseServer

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

N = 80
IDS = [f"KCCCCCCC{i:08d}" for i in range(N)]


def complete_docids(out: Path) -> list[str]:
    """Docids of the complete lines of ``out`` (a killed run may leave a partial last one)."""
    if not out.exists():
        return []
    data = out.read_bytes()
    return [json.loads(line)["docid"] for line in data[: data.rfind(b"\n") + 1].splitlines()]


def command(server: NeteaseServer, urls: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "scraper", "crawl", str(urls), "-o", str(out),
        "--allow-host", server.host, "--delay", "0", "--concurrency", "4", "--per-host", "4",
        "--retries", "0", "--timeout", "10", "--ignore-robots", "--no-progress",
    ]  # fmt: skip


def run_until(cmd: list[str], out: Path, lines: int) -> int:
    """Start the crawl, SIGKILL it once ``out`` has at least ``lines`` complete lines; its exit code."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if len(complete_docids(out)) >= lines:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            proc.kill()
    return proc.wait(timeout=30)


def test_sigkill_mid_run_then_rerun_writes_each_article_exactly_once(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    for docid in IDS:
        netease_server.add_article(docid, delay=0.1)  # slow enough to be caught mid-run
    urls = tmp_path / "urls.txt"
    # Each article twice, under two URL variants: the duplicates must not double-write either.
    lines = [netease_server.url(f"/dy/article/{d}.html") for d in IDS]
    lines += [u + "?f=post2020_dy_recommends" for u in lines]
    urls.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    cmd = command(netease_server, urls, out)

    # docid -> requests it had received when it was found on disk after a kill
    on_disk: dict[str, int] = {}
    for at_least in (10, 40):
        assert run_until(cmd, out, at_least) == -signal.SIGKILL  # really killed mid-run
        for docid in complete_docids(out):
            on_disk.setdefault(docid, netease_server.hits(f"/dy/article/{docid}.html"))
        assert len(on_disk) < N

    final = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert final.returncode == 0, final.stderr

    data = out.read_bytes()
    assert data.endswith(b"\n")
    docids = [json.loads(line)["docid"] for line in data.splitlines()]  # every line parses
    assert sorted(docids) == IDS  # each article exactly once
    for docid, hits in on_disk.items():  # what was on disk was never fetched again
        assert netease_server.hits(f"/dy/article/{docid}.html") == hits, docid
    assert f"done {N}" in final.stderr and "duplicate 80" in final.stderr
