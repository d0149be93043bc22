"""``netease-scraper crawl --follow`` as a real process: usage, SIGKILL mid-follow, discover → crawl."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from discover_helpers import CM, FEEDS, QueryServer, serve_feeds
from follow_graph import NEW, docid_at, page_with_links, reachable, serve_graph
from httpserver import NeteaseServer

from scraper.cli import main

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args], capture_output=True, text=True, env=env, timeout=120
    )


def fetch_args(server: NeteaseServer) -> list[str]:
    return ["--allow-host", server.host, "--delay", "0", "--retries", "0", "--ignore-robots", "--no-progress"]


def complete_docids(out: Path) -> list[str]:
    if not out.exists():
        return []
    data = out.read_bytes()
    return [json.loads(line)["docid"] for line in data[: data.rfind(b"\n") + 1].splitlines()]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--max-pages", "10"], "need --follow"),
        (["--since", "2d"], "need --follow"),
        (["--follow", "-1"], "must be at least 0"),
        (["--follow", "x"], "not a whole number"),
        (["--follow", "1", "--max-pages", "0"], "must be at least 1"),
        (["--follow", "1", "--since", "last week"], "not a date"),
    ],
)
def test_bad_follow_options_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("https://www.163.com/dy/article/J22CN60P0514R9KQ.html\n")
    try:  # argparse exits on a bad value; the crawl command returns its code for the rest
        code = main(["crawl", str(urls), "-o", str(tmp_path / "out.jsonl"), *extra])
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


N = 60


def web() -> dict[str, list[str]]:
    """60 pages, each linking 4 others (cycles everywhere); a seeded RNG, so always the same web."""
    rng = random.Random(11)
    docids = [docid_at(NEW, n) for n in range(N)]
    return {d: rng.sample([o for o in docids if o != d], 4) for d in docids}


def test_sigkill_mid_follow_and_rerun_writes_each_article_exactly_once(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    graph = web()
    seeds = list(graph)[:2]
    serve_graph(netease_server, graph, delay=0.05)  # slow enough to be caught mid-run
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(netease_server.url(f"/dy/article/{d}.html") + "\n" for d in seeds))
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable, "-m", "scraper", "crawl", str(urls), "-o", str(out), "--follow", "2",
        "--concurrency", "4", "--per-host", "4", "--timeout", "10", "--clean-workers", "1",
        *fetch_args(netease_server),
    ]  # fmt: skip
    expected = reachable(graph, seeds, 2)
    assert 15 < len(expected) < N  # depth 2 stops short of the whole web

    for at_least in (4, 12):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(complete_docids(out)) < at_least:
            assert proc.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        assert len(complete_docids(out)) < len(expected)

    final = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert final.returncode == 0, final.stderr
    docids = complete_docids(out)
    assert out.read_bytes().endswith(b"\n")
    assert len(docids) == len(set(docids))  # exactly once
    assert set(docids) == expected  # and none lost: every follow-up of every page written
    assert f"followed {len(expected) - len(seeds)}" in final.stderr


@pytest.fixture
def server() -> Iterator[QueryServer]:
    with QueryServer() as srv:
        yield srv


def test_discover_then_crawl_follow_end_to_end(server: QueryServer, tmp_path: Path) -> None:
    urls = serve_feeds(server)
    listed, out = tmp_path / "urls.txt", tmp_path / "out.jsonl"
    found = cli("discover", urls["cm"], "-o", str(listed), *fetch_args(server)[:-1])
    assert found.returncode == 0, found.stderr
    lines = listed.read_text().splitlines()
    related = [docid_at(NEW, n) for n in range(3)]  # what the discovered articles link to
    for i, line in enumerate(lines):
        docid = line.rsplit("/", 1)[1][:16]
        server.add(urlsplit(line).path, body=page_with_links(server, docid, [related[i % 3], *lines[:1]]))
    serve_graph(server, {d: [] for d in related})

    crawled = cli("crawl", str(listed), "-o", str(out), "--follow", "1", *fetch_args(server))
    assert crawled.returncode == 0, crawled.stderr
    listed_ids = {line.rsplit("/", 1)[1][:16] for line in lines}
    assert sorted(complete_docids(out)) == sorted(listed_ids | set(related))
    assert "followed 3" in crawled.stderr

    again = cli("crawl", str(listed), "-o", str(out), "--follow", "1", *fetch_args(server))
    assert again.returncode == 0, again.stderr
    assert "this run wrote 0 new article(s)" in again.stderr
    assert len(complete_docids(out)) == len(listed_ids) + 3

    # The next day: one new article on the feed, linking one known article and one new one.
    new_id, new_related = docid_at(NEW, 50), docid_at(NEW, 51)
    page = (FEEDS / "cm_yaowen20200213.js").read_bytes().decode("gbk")
    item = json.dumps(
        {
            "title": "合成新闻",
            "docurl": server.url(f"/news/article/{new_id}.html"),
            "time": "03/03/2020 09:00:00",
        }
    )
    server.add(CM, body=page.replace("data_callback([", f"data_callback([{item},", 1).encode("gbk"))
    server.add(
        f"/news/article/{new_id}.html", body=page_with_links(server, new_id, [related[0], new_related])
    )
    serve_graph(server, {new_related: []})
    hits = len(server.requests())
    assert cli("discover", urls["cm"], "-o", str(listed), *fetch_args(server)[:-1]).returncode == 0
    feed_hits = len(server.requests()) - hits
    daily = cli("crawl", str(listed), "-o", str(out), "--follow", "1", *fetch_args(server))
    assert daily.returncode == 0, daily.stderr
    assert "this run wrote 2 new article(s)" in daily.stderr and "followed 4" in daily.stderr
    assert len(server.requests()) - hits - feed_hits == 2  # only the two new pages were fetched
    assert sorted(complete_docids(out)) == sorted(listed_ids | set(related) | {new_id, new_related})
