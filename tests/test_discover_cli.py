"""``netease-scraper discover``: output, exit codes, and discover → crawl end to end (real CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from discover_helpers import CM, FEEDS, QueryServer, serve_feeds

from scraper.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def server() -> Iterator[QueryServer]:
    with QueryServer() as srv:
        yield srv


def fetch_args(server: QueryServer) -> list[str]:
    return ["--allow-host", server.host, "--delay", "0", "--retries", "0", "--ignore-robots"]


def test_urls_go_to_stdout_newest_first(server: QueryServer, capsys: pytest.CaptureFixture[str]) -> None:
    urls = serve_feeds(server)
    assert main(["discover", urls["cm"], urls["arti"], *fetch_args(server)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 9 and lines[0] == server.url("/news/article/F6KAL9HE0001899O.html")
    assert "discover: 9 URL(s) from 2 source(s)" in err


def test_jsonl_lines_carry_title_time_and_source(server: QueryServer, tmp_path: Path) -> None:
    urls = serve_feeds(server)
    out = tmp_path / "found.jsonl"
    assert main(["discover", urls["dy"], "--jsonl", "--limit", "1", "-o", str(out), *fetch_args(server)]) == 0
    [record] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record == {
        "url": server.url("/dy/article/F6N3TNPE0556ABCD.html"),
        "docid": "F6N3TNPE0556ABCD",
        "title": "合成号文章一",
        "published_at": "2020-03-02T10:00:00+08:00",
        "source": "合成号",
        "feed": urls["dy"],
    }


def test_exit_1_when_a_source_fails_and_the_rest_is_written(
    server: QueryServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = serve_feeds(server)
    out = tmp_path / "urls.txt"
    code = main(["discover", urls["cm"], str(FEEDS / "cm_malformed.js"), "-o", str(out), *fetch_args(server)])
    assert code == 1
    assert len(out.read_text().splitlines()) == 5
    err = capsys.readouterr().err
    assert "cm_malformed.js: bad_feed:" in err and "failed 1 (bad_feed 1)" in err


def test_exit_1_when_nothing_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", str(FEEDS / "cm_empty.js")]) == 1
    assert "no article URL found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["missing.html"],
        [str(FEEDS / "rank_news.htm"), "--since", "soon"],
        [str(FEEDS / "rank_news.htm"), "--limit", "0"],
        [str(FEEDS / "rank_news.htm"), "-o", "no-dir/urls.txt"],
        [str(FEEDS / "rank_news.htm"), "-o", "out.jsonl"],  # a crawl output is not replaced
        [str(FEEDS / "rank_news.htm"), "-o", str(FEEDS / "rank_news.htm")],
        ["https://news.163.com/rank/", "--proxy", "notaproxy://x"],
    ],
    ids=["missing", "since", "limit", "no-dir", "crawl-output", "source", "proxy"],
)
def test_exit_2_on_bad_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.jsonl").write_text('{"docid": "F6ISID860001899O", "text": "..."}\n')
    assert exit_code(["discover", *argv]) == 2
    assert (tmp_path / "out.jsonl").read_text().startswith('{"docid"')


def exit_code(argv: list[str]) -> int:
    """``main``'s code, also when argparse refuses an option value (it exits with 2)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_an_earlier_url_list_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "urls.txt"
    out.write_text("https://www.163.com/dy/article/F5QM3V5E0556ABCD.html\n")
    assert main(["discover", str(FEEDS / "rank_news.htm"), "-o", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["urls.txt"]  # no temporary file left


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_discover_then_crawl_and_again_only_new_docids(server: QueryServer, tmp_path: Path) -> None:
    urls = serve_feeds(server)
    sources = [urls["cm"], urls["channel"], urls["dy"]]
    listed, out = tmp_path / "urls.txt", tmp_path / "out.jsonl"
    first = cli("discover", *sources, "-o", str(listed), *fetch_args(server))
    assert first.returncode == 0, first.stderr
    found = listed.read_text().splitlines()
    assert len(found) == 9
    for url in found:  # the articles, at the paths discovered
        server.add_article(url.rsplit("/", 1)[1][:16], path=urlsplit(url).path)
    crawled = cli("crawl", str(listed), "-o", str(out), *fetch_args(server))
    assert crawled.returncode == 0, crawled.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["docid"] for r in records) == sorted(u.rsplit("/", 1)[1][:16] for u in found)

    # A day later: the feed has one new article on top; discover | crawl fetches only that one.
    new_id = "F6P0000E0001899O"
    page = (FEEDS / "cm_yaowen20200213.js").read_bytes().decode("gbk")
    item = json.dumps(
        {
            "title": "合成新闻",
            "docurl": server.url(f"/news/article/{new_id}.html"),
            "time": "03/03/2020 09:00:00",
        }
    )
    server.add(CM, body=page.replace("data_callback([", f"data_callback([{item},", 1).encode("gbk"))
    server.add_article(new_id, path=f"/news/article/{new_id}.html")
    hits_before = {url: server.hits(urlsplit(url).path) for url in found}
    again = cli("discover", *sources, "-o", str(listed), *fetch_args(server))
    assert again.returncode == 0, again.stderr
    assert listed.read_text().splitlines()[0] == server.url(f"/news/article/{new_id}.html")
    recrawl = cli("crawl", str(listed), "-o", str(out), *fetch_args(server))
    assert recrawl.returncode == 0, recrawl.stderr
    assert "this run wrote 1 new article(s)" in recrawl.stderr
    assert {url: server.hits(urlsplit(url).path) for url in found} == hits_before  # nothing old refetched
    assert server.hits(f"/news/article/{new_id}.html") == 1
    assert len(out.read_text("utf-8").splitlines()) == 10
