"""crawl() against a real local server: records, failure records, de-dup, resume, retry-failed, sink."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from httpserver import NeteaseServer, article_page

from scraper import Article
from scraper.config import FetchOptions
from scraper.crawling import CrawlOptions, CrawlProgress, crawl, crawl_async
from scraper.crawling.output import failures_path, state_path
from scraper.crawling.state import StateStore
from scraper.fetch import FetchResult

IDS = [f"KAAAAAAA{i:08d}" for i in range(6)]


def options(server: NeteaseServer, **fetch: object) -> CrawlOptions:
    opts = {
        "delay": 0.0,
        "per_host": 4,
        "concurrency": 4,
        "retries": 0,
        "timeout": 5.0,
        "ignore_robots": True,
    }
    opts.update(fetch)
    return CrawlOptions(fetch=FetchOptions(allow_hosts=(server.host,), **opts))  # type: ignore[arg-type]


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_list(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_crawl_writes_one_record_per_article_with_crawl_fields(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = [netease_server.add_article(d, title=f"标题{i}") for i, d in enumerate(IDS)]
    out = tmp_path / "out.jsonl"
    summary = crawl(write_list(tmp_path / "urls.txt", urls), out, options(netease_server))
    recs = records(out)
    assert sorted(r["docid"] for r in recs) == IDS
    first = Article.from_dict(next(r for r in recs if r["docid"] == IDS[0]))
    assert first.title == "标题0" and first.text.startswith("第一段正文")
    assert (first.url, first.final_url, first.status) == (urls[0], urls[0], 200)
    assert first.fetched_at and first.fetched_at.startswith("20")
    assert (summary.done, summary.new, summary.failed, summary.pending) == (6, 6, {}, 0)
    assert not failures_path(out).exists()
    assert state_path(out).exists()


def test_failing_urls_become_failure_records_and_the_batch_goes_on(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    good = [netease_server.add_article(d) for d in IDS[:3]]
    slow = netease_server.add_article(IDS[3], delay=3.0)
    gone = netease_server.url(f"/dy/article/{IDS[4]}.html")  # no route: 404
    empty = netease_server.add(
        f"/dy/article/{IDS[5]}.html", body="<html><head><title>网易</title></head></html>"
    )
    lines = [good[0], slow, "https://example.com/news/1.html", gone, "not a url at all", empty, *good[1:]]
    out = tmp_path / "out.jsonl"
    summary = crawl(write_list(tmp_path / "urls.txt", lines), out, options(netease_server, timeout=0.5))
    assert sorted(r["docid"] for r in records(out)) == IDS[:3]
    failures = {f["url"]: f for f in records(failures_path(out))}
    assert failures[slow]["reason"] == "timeout"
    assert failures[gone]["reason"] == "http_404" and failures[gone]["status"] == 404
    assert failures[gone]["attempts"] == 1 and failures[gone]["docid"] == IDS[4]
    assert failures["https://example.com/news/1.html"]["reason"] == "not_netease"
    assert failures["not a url at all"]["reason"] == "bad_url"
    assert failures[empty]["reason"] in {"no_body", "not_an_article", "deleted", "empty"}
    assert summary.failed_total == 5 and summary.done == 3
    assert summary.failed["http_404"] == 1


def test_five_url_variants_of_one_article_yield_one_record(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    docid = IDS[0]
    base = netease_server.add_article(docid)
    variants = [
        base,
        base + "?f=post2020_dy_recommends",
        base + "#f=post1603_tab_news",
        base.replace(".html", "_pdya11y.html"),
        netease_server.url(f"/news/article/{docid}.html?spss=newsapp"),
    ]
    out = tmp_path / "out.jsonl"
    summary = crawl(write_list(tmp_path / "urls.txt", variants), out, options(netease_server))
    assert [r["docid"] for r in records(out)] == [docid]
    assert (summary.done, summary.duplicate) == (1, 4)
    assert len(netease_server.requests()) == 1


def test_rerun_fetches_nothing_written_and_counts_nothing_twice(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = [netease_server.add_article(d) for d in IDS[:4]]
    lines = [*urls, urls[0], netease_server.url(f"/dy/article/{IDS[5]}.html")]
    url_list, out = write_list(tmp_path / "urls.txt", lines), tmp_path / "out.jsonl"
    first = crawl(url_list, out, options(netease_server))
    hits, data, fails = len(netease_server.requests()), out.read_bytes(), failures_path(out).read_bytes()
    again = crawl(url_list, out, options(netease_server))
    assert len(netease_server.requests()) == hits  # nothing fetched again, not even the failure
    assert out.read_bytes() == data and failures_path(out).read_bytes() == fails
    assert (again.done, again.new, again.duplicate, again.failed) == (4, 0, 1, {"http_404": 1})
    assert (first.done, first.new, first.duplicate) == (4, 4, 1)


def test_retry_failed_fetches_failures_again(netease_server: NeteaseServer, tmp_path: Path) -> None:
    ok = netease_server.add_article(IDS[0])
    late = netease_server.url(f"/dy/article/{IDS[1]}.html")  # 404 for now
    url_list, out = write_list(tmp_path / "urls.txt", [ok, late]), tmp_path / "out.jsonl"
    assert crawl(url_list, out, options(netease_server)).failed == {"http_404": 1}
    netease_server.add_article(IDS[1])
    assert crawl(url_list, out, options(netease_server)).failed == {"http_404": 1}  # not retried by default
    assert netease_server.hits(f"/dy/article/{IDS[1]}.html") == 1
    opts = CrawlOptions(fetch=options(netease_server).fetch, retry_failed=True)
    summary = crawl(url_list, out, opts)
    assert (summary.done, summary.failed) == (2, {})
    assert sorted(r["docid"] for r in records(out)) == IDS[:2]
    assert not failures_path(out).exists()
    with StateStore(state_path(out)) as state:
        assert state.counts() == (2, 0, {})


def test_start_up_repairs_a_partial_line_and_uncommitted_lines(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = [netease_server.add_article(d) for d in IDS[:4]]
    url_list, out = write_list(tmp_path / "urls.txt", urls), tmp_path / "out.jsonl"
    crawl(url_list, out, options(netease_server))
    lines = out.read_bytes().splitlines(keepends=True)
    kept = {json.loads(x)["docid"] for x in lines[:2]}
    # As if killed: the last two articles were never written, but the state had them done...
    out.write_bytes(b"".join(lines[:2]) + lines[2][:40])
    hits = len(netease_server.requests())
    summary = crawl(url_list, out, options(netease_server))
    recs = records(out)
    assert sorted(r["docid"] for r in recs) == IDS[:4]  # one complete line each, no partial one
    assert len(netease_server.requests()) == hits + 2  # only the two missing ones were fetched
    assert all(netease_server.hits(f"/dy/article/{d}.html") == 1 for d in kept)
    assert summary.new == 2


def test_lines_written_but_not_committed_are_not_fetched_again(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = [netease_server.add_article(d) for d in IDS[:3]]
    url_list, out = write_list(tmp_path / "urls.txt", urls), tmp_path / "out.jsonl"
    crawl(url_list, out, options(netease_server))
    # As if killed between the fsync and the state commit: the state forgot everything.
    state_path(out).unlink()
    hits = len(netease_server.requests())
    summary = crawl(url_list, out, options(netease_server))
    assert len(netease_server.requests()) == hits
    assert len(records(out)) == 3 and summary.done == 3 and summary.new == 0


def test_page_sink_sees_every_fetched_page_and_progress_is_reported(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = [netease_server.add_article(d) for d in IDS[:3]]
    seen: list[FetchResult] = []
    progress: list[CrawlProgress] = []

    async def sink(page: FetchResult) -> None:
        seen.append(page)

    crawl(urls, tmp_path / "out.jsonl", options(netease_server), sink=sink, progress=progress.append)
    assert sorted(p.url for p in seen) == sorted(urls)
    assert all(p.content.startswith(b"<!DOCTYPE html>") for p in seen)
    assert progress[-1].done == 3 and progress[-1].new == 3


def test_a_second_crawl_on_the_same_output_is_refused(netease_server: NeteaseServer, tmp_path: Path) -> None:
    url = netease_server.add_article(IDS[0], delay=0.5)
    out = tmp_path / "out.jsonl"
    from scraper.errors import StateStoreError

    async def both() -> None:
        first = asyncio.create_task(crawl_async([url], out, options(netease_server)))
        await asyncio.sleep(0.2)
        with pytest.raises(StateStoreError):
            await crawl_async([url], out, options(netease_server))
        await first

    asyncio.run(both())
    assert len(records(out)) == 1


def test_the_url_list_is_streamed_not_loaded(tmp_path: Path) -> None:
    """By the time the first article is written, only a bounded window of the list has been read."""
    consumed = 0
    at_first_write: list[int] = []
    page = article_page("KBBBBBBB00000000")

    def lines() -> object:
        nonlocal consumed
        for i in range(1500):
            consumed += 1
            yield f"http://mirror.test/dy/article/KBBBBBBB{i:08d}.html"

    def handler(request: httpx.Request) -> httpx.Response:
        docid = request.url.path.rsplit("/", 1)[1][:16]
        return httpx.Response(200, content=page.replace(b"KBBBBBBB00000000", docid.encode()))

    def on_progress(p: CrawlProgress) -> None:
        if p.new and not at_first_write:
            at_first_write.append(consumed)

    fetch = FetchOptions(allow_hosts=("mirror.test",), delay=0, per_host=8, concurrency=8, ignore_robots=True)
    opts = CrawlOptions(fetch=fetch, batch_size=100, write_batch=50)
    summary = asyncio.run(
        crawl_async(
            lines(),
            tmp_path / "out.jsonl",
            opts,
            transport=httpx.MockTransport(handler),
            progress=on_progress,
        )
    )
    assert summary.done == 1500 and consumed == 1500
    assert at_first_write[0] <= 300  # a couple of batches, not the whole list


def test_cleaning_in_a_process_pool_gives_the_same_records_and_failures(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = [netease_server.add_article(d) for d in IDS[:3]]
    empty = netease_server.add(
        f"/dy/article/{IDS[3]}.html", body="<html><head><title>网易</title></head></html>"
    )
    url_list = write_list(tmp_path / "urls.txt", [*urls, empty])
    inline = crawl(url_list, tmp_path / "a.jsonl", options(netease_server))
    pooled_opts = CrawlOptions(fetch=options(netease_server).fetch, clean_workers=1)
    pooled = crawl(url_list, tmp_path / "b.jsonl", pooled_opts)
    assert pooled.failed == inline.failed and sum(pooled.failed.values()) == 1

    def strip(recs: list[dict[str, object]]) -> list[dict[str, object]]:
        return sorted(({k: v for k, v in r.items() if k != "fetched_at"} for r in recs), key=str)

    assert strip(records(tmp_path / "b.jsonl")) == strip(records(tmp_path / "a.jsonl"))


def test_retry_failed_reads_rejected_lines_again(netease_server: NeteaseServer, tmp_path: Path) -> None:
    """A line rejected as not_netease becomes an article once its host is allowed (--allow-host)."""
    url = netease_server.add_article(IDS[0])
    url_list, out = write_list(tmp_path / "urls.txt", [url]), tmp_path / "out.jsonl"
    no_host = CrawlOptions(fetch=FetchOptions(delay=0, retries=0, ignore_robots=True))
    assert crawl(url_list, out, no_host).failed == {"not_netease": 1}
    assert crawl(url_list, out, options(netease_server)).failed == {"not_netease": 1}  # kept as it was
    summary = crawl(url_list, out, CrawlOptions(fetch=options(netease_server).fetch, retry_failed=True))
    assert (summary.done, summary.failed) == (1, {})
    assert [r["docid"] for r in records(out)] == [IDS[0]]


def test_an_unexpected_cleaner_exception_is_an_internal_error_failure(
    netease_server: NeteaseServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scraper.crawling import runner

    real = runner.clean_html

    def buggy(content: bytes, url: str | None = None, **kw: object) -> Article:
        if url and IDS[1] in url:
            raise ValueError("cleaner bug")
        return real(content, url, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "clean_html", buggy)
    urls = [netease_server.add_article(d) for d in IDS[:3]]
    out = tmp_path / "out.jsonl"
    summary = crawl(write_list(tmp_path / "urls.txt", urls), out, options(netease_server))
    assert (summary.done, summary.failed) == (2, {"internal_error": 1})
    [failure] = records(failures_path(out))
    assert (failure["docid"], failure["message"]) == (IDS[1], "ValueError: cleaner bug")
