"""``crawl --warc`` then ``clean`` of that WARC gives the crawl's own records; a killed crawl's WARC stays whole.

Policy under test (see ``scraper/archive/warc_write.py``): every JSONL line has its page in the WARC
first; a page fetched but not yet committed when the crawl dies is fetched and archived again on
resume, so the WARC may hold two captures of one docid. The JSONL holds the last one, so cleaning
the WARC and keeping the last record per docid gives back the JSONL.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from httpserver import NeteaseServer, article_page
from warcio.archiveiterator import ArchiveIterator

from scraper.archive import WarcBroken, WarcPage, read_warc
from scraper.archive.warc_repair import repair_warc
from scraper.archive.warc_write import page_records
from scraper.cli import main
from scraper.fetch import FetchResult
from scraper.urls import docid_from_url

CRAWL_ONLY = ("fetched_at", "status")


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:08d}" for i in range(count)]


def crawl_args(
    server: NeteaseServer, urls: Path, out: Path, warc: Path, *, concurrency: int = 4
) -> list[str]:
    return [
        "crawl",
        str(urls),
        "-o",
        str(out),
        "--warc",
        str(warc),
        "--allow-host",
        server.host,
        "--delay",
        "0",
        "--retries",
        "0",
        "--concurrency",
        str(concurrency),
        "--per-host",
        str(concurrency),
        "--ignore-robots",
        "--no-progress",
    ]


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_per_docid(records: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """The last record of each docid, without the crawl-only fields."""
    out = {}
    for rec in records:
        out[str(rec["docid"])] = {k: v for k, v in rec.items() if k not in CRAWL_ONLY}
    return out


def serve_varied_articles(server: NeteaseServer) -> list[str]:
    """Articles exercising what the WARC must carry: charsets, encodings, chunking, a redirect."""
    urls = []
    plain = ids("WRTAAAAA", 4)
    for n, docid in enumerate(plain):
        paras = tuple(f"第{n}篇第{i}段，内容是合成的，用于往返测试。" for i in range(n + 2))
        urls.append(server.add_article(docid, title=f"往返测试文章{n}", paragraphs=paras, source=f"来源{n}"))
    urls.append(server.add_article("WRTBBBBB00000001", title="国标编码的页面", charset="gbk"))
    urls.append(server.add_article("WRTBBBBB00000002", title="分块传输的页面", chunked=True))
    gz = "WRTBBBBB00000003"  # sent gzip-encoded: the WARC stores the decoded body
    urls.append(
        server.add(
            f"/dy/article/{gz}.html",
            body=gzip.compress(article_page(gz, title="压缩传输的页面")),
            headers={"Content-Encoding": "gzip"},
        )
    )
    moved = "WRTBBBBB00000004"  # asked at /dy/, answered at /news/: url and final_url differ
    server.add_article(moved, path=f"/news/article/{moved}.html", title="跳转后的页面", channel="news")
    urls.append(server.redirect(f"/dy/article/{moved}.html", f"/news/article/{moved}.html", status=301))
    return urls


def test_cleaning_the_crawl_warc_gives_the_crawl_records(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = serve_varied_articles(netease_server)
    url_list = tmp_path / "urls.txt"
    url_list.write_text("\n".join(urls) + "\n", encoding="utf-8")
    out, warc, cleaned = tmp_path / "articles.jsonl", tmp_path / "raw.warc.gz", tmp_path / "cleaned.jsonl"

    assert main(crawl_args(netease_server, url_list, out, warc)) == 0
    assert main(["clean", str(warc), "-o", str(cleaned)]) == 0

    crawled, from_warc = lines(out), lines(cleaned)
    assert len(crawled) == len(urls) == len(from_warc)  # one capture per page: no duplicates
    assert last_per_docid(from_warc) == last_per_docid(crawled)  # field by field
    moved = next(r for r in crawled if r["docid"] == "WRTBBBBB00000004")
    assert moved["url"] != moved["final_url"]  # the redirect really happened, and came back as such
    assert {r["title"] for r in from_warc} >= {"国标编码的页面", "压缩传输的页面", "分块传输的页面"}


def test_warc_option_needs_a_warc_gz_name(netease_server: NeteaseServer, tmp_path: Path) -> None:
    url_list = tmp_path / "urls.txt"
    url_list.write_text(netease_server.add_article("WRTCCCCC00000001") + "\n", encoding="utf-8")
    out, warc = tmp_path / "articles.jsonl", tmp_path / "raw.warc"
    assert main(crawl_args(netease_server, url_list, out, warc)) == 2
    assert not warc.exists() and not out.exists()


def test_sigkilled_crawl_resumes_into_a_whole_warc(netease_server: NeteaseServer, tmp_path: Path) -> None:
    docids = ids("WRTKKKKK", 30)
    urls = [netease_server.add_article(d, title=f"断点续传{d[-2:]}", delay=0.15) for d in docids]
    url_list = tmp_path / "urls.txt"
    url_list.write_text("\n".join(urls) + "\n", encoding="utf-8")
    out, warc, cleaned = tmp_path / "articles.jsonl", tmp_path / "raw.warc.gz", tmp_path / "cleaned.jsonl"

    cmd = [sys.executable, "-m", "scraper", *crawl_args(netease_server, url_list, out, warc, concurrency=2)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while _pages(warc) < 4:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the crawl wrote no pages"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    done_before = {r["docid"] for r in lines(out)} if out.exists() else set()
    assert len(done_before) < len(docids)  # killed mid-run
    list(read_warc(warc))  # whatever the kill left, reading does not raise

    # Make both kinds of damage certain rather than left to the kill's timing: a page archived but
    # never committed to the JSONL (here an older capture with another title), then a torn write.
    repair_warc(warc)
    # A docid the kill left neither in the JSONL nor in the WARC, so its only earlier capture is ours.
    archived = {docid_from_url(i.url) for i in read_warc(warc) if isinstance(i, WarcPage)}
    stale = next(d for d in docids if d not in done_before and d not in archived)
    with open(warc, "ab") as fh:
        fh.write(page_records(_capture(netease_server, stale, title="旧的标题")))
        torn = page_records(_capture(netease_server, docids[-1]))
        fh.write(torn[: len(torn) * 2 // 3])
    items = list(read_warc(warc))
    assert isinstance(items[-1], WarcBroken) and items[-1].reason == "truncated"
    assert not any(isinstance(i, WarcBroken) for i in items[:-1])

    rerun = subprocess.run(
        [sys.executable, "-m", "scraper", *crawl_args(netease_server, url_list, out, warc, concurrency=8)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert rerun.returncode == 0, rerun.stderr

    crawled = lines(out)
    assert sorted(str(r["docid"]) for r in crawled) == docids  # exactly once each
    with open(warc, "rb") as fh:  # warcio reads every record, digests included
        kinds = [r.rec_type for r in ArchiveIterator(fh, check_digests="raise")]
    assert kinds.count("warcinfo") == 1 and kinds.count("request") == kinds.count("response")
    assert not any(isinstance(i, WarcBroken) for i in read_warc(warc))

    assert main(["clean", str(warc), "-o", str(cleaned)]) == 0
    from_warc = lines(cleaned)
    assert {r["docid"] for r in from_warc} == set(docids)  # every article
    assert [r["title"] for r in from_warc if r["docid"] == stale] == ["旧的标题", f"断点续传{stale[-2:]}"]
    assert last_per_docid(from_warc) == last_per_docid(crawled)


def _pages(warc: Path) -> int:
    if not warc.exists():
        return 0
    return sum(isinstance(item, WarcPage) for item in read_warc(warc))


def _capture(server: NeteaseServer, docid: str, **page: object) -> FetchResult:
    """A page as the crawl's fetcher would have handed it to the WARC sink."""
    url = server.url(f"/dy/article/{docid}.html")
    return FetchResult(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        content=article_page(docid, **page),  # type: ignore[arg-type]
        charset="utf-8",
        fetched_at="2020-01-01T00:00:00Z",
    )
