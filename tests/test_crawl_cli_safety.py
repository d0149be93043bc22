"""``netease-scraper crawl`` never clobbers a file: locks, foreign outputs, bad options (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from httpserver import NeteaseServer

from scraper.crawl.state import StateStore

ROOT = Path(__file__).resolve().parents[1]
IDS = ["KEEEEEEE00000001", "KEEEEEEE00000002"]


def crawl_cli(
    server: NeteaseServer, urls: Path | str, out: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable, "-m", "scraper", "crawl", str(urls), "-o", str(out), "--allow-host", server.host,
        "--delay", "0", "--retries", "0", "--ignore-robots", "--no-progress", *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)


def url_list(server: NeteaseServer, path: Path) -> Path:
    path.write_text("".join(server.add_article(d) + "\n" for d in IDS))
    return path


def test_a_second_crawl_on_the_same_state_is_refused(netease_server: NeteaseServer, tmp_path: Path) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    state = tmp_path / "shared.sqlite"
    with StateStore(state):  # what a running crawl holds open
        done = crawl_cli(netease_server, urls, tmp_path / "other.jsonl", "--state", str(state))
    assert done.returncode == 2, done.stderr
    assert "another crawl is using the state" in done.stderr
    assert all(netease_server.hits(f"/dy/article/{d}.html") == 0 for d in IDS)
