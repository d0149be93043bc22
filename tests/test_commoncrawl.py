"""``commoncrawl``: the CDX listing, the Range fetch and its checks, the job through the crawl runner.

Everything runs against the loopback servers of ``ccservers.py`` over WARC records built here from
GBK and UTF-8 pages (the repository's fixtures and synthetic pages of the 2021 template).
"""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from ccservers import Archive, CdxServer, DataServer, Entry, Respond, Short, WholeFile, warc_member
from httpserver import article_page

from scraper import CommonCrawlOptions, CrawlOptions, CrawlSummary, FetchOptions, Reason, commoncrawl
from scraper.archive.warc_read import WarcPage, read_warc
from scraper.common_crawl.cdx import Capture, Selection, capture_from_cdx
from scraper.common_crawl.job import captures_path, commoncrawl_async
from scraper.common_crawl.records import page_from_member
from scraper.errors import ArchiveError, ScraperError
from scraper.fetch import Backoff

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CRAWL, OLDER = "CC-MAIN-2025-33", "CC-MAIN-2025-26"
_B32 = "0123456789ABCDEFGHIJKLMNOPQRSTUV"


def docid_at(when: datetime, tail: str = "0001899O") -> str:
    """A docid whose first 8 characters encode ``when`` (as NetEase docids do)."""
    n = int((when.timestamp() - 1_060_500_000) * 1000)
    head = ""
    for _ in range(8):
        n, r = divmod(n, 32)
        head = _B32[r] + head
    return head + tail


def dy(docid: str) -> str:
    return f"https://www.163.com/dy/article/{docid}.html"


def fixture(name: str) -> tuple[bytes, dict[str, object]]:
    html = (FIXTURES / f"{name}.html").read_bytes()
    gold = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return html, gold


FAST = Backoff(base=0.05, max=0.2, max_host_delay=0.2)  # the waits of a real site, shrunk


def run(out: Path, opts: CommonCrawlOptions, **kw: Any) -> CrawlSummary:
    """:func:`scraper.commoncrawl` with short backoffs (``Retry-After`` is still obeyed as sent)."""
    return asyncio.run(commoncrawl_async(out, opts, backoff=FAST, **kw))


def options(index: CdxServer, data: DataServer, **kw: object) -> CommonCrawlOptions:
    fetch = FetchOptions(delay=0, retries=2, timeout=10, per_host=4, concurrency=4)
    crawl = kw.pop("crawl_options", CrawlOptions(fetch=fetch))
    return CommonCrawlOptions(index_url=index.url, data_url=data.url, crawl=crawl, **kw)  # type: ignore[arg-type]


def lines(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def failures(out: Path) -> dict[str, str]:
    path = out.with_name(out.name + ".failures.jsonl")
    if not path.exists():
        return {}
    return {rec["docid"]: rec["reason"] for rec in map(json.loads, path.read_text("utf-8").splitlines())}


@pytest.fixture
def archive() -> Archive:
    return Archive()


# -- the CDX lines --------------------------------------------------------------------------------


def test_a_cdx_line_is_kept_only_for_a_200_html_article() -> None:
    base = {"timestamp": "20250801120000", "offset": "10", "length": "20", "filename": "f.warc.gz"}
    good = {**base, "url": dy("G33O1QTA05372UZS"), "status": "200", "mime": "text/html"}
    kept = capture_from_cdx(json.dumps(good), CRAWL)
    assert kept == Capture(
        "G33O1QTA05372UZS", dy("G33O1QTA05372UZS"), "20250801120000", CRAWL, "f.warc.gz", 10, 20
    )
    assert capture_from_cdx(json.dumps({**good, "status": "301"}), CRAWL) is None
    assert capture_from_cdx(json.dumps({**good, "mime": "application/pdf"}), CRAWL) is None
    # mime-detected wins over the declared type
    assert capture_from_cdx(json.dumps({**good, "mime-detected": "image/jpeg"}), CRAWL) is None
    assert (
        capture_from_cdx(json.dumps({**good, "url": "https://www.163.com/photoview/00AP0001/2.html"}), CRAWL)
        is None
    )
    assert (
        capture_from_cdx(json.dumps({**good, "url": "https://example.com/a/G33O1QTA05372UZS.html"}), CRAWL)
        is None
    )
    assert capture_from_cdx(json.dumps({**good, "offset": "x"}), CRAWL) is None
    assert capture_from_cdx("not json", CRAWL) is None
    # the mobile and dated forms of one article give the same docid
    dated = capture_from_cdx(
        json.dumps({**good, "url": "http://news.163.com/19/1112/09/ETP8M9DG0001899O.html"}), CRAWL
    )
    assert dated is not None and dated.docid == "ETP8M9DG0001899O"


def test_selection_keeps_the_newest_capture_of_each_docid_or_the_oldest_with_first() -> None:
    def cap(docid: str, ts: str, url: str = "") -> Capture:
        return Capture(docid, url or dy(docid), ts, CRAWL, "f", 0, 1)

    offered = [cap("A" * 16, "20250101000000"), cap("B" * 16, "20250102000000"),
               cap("A" * 16, "20250301000000", "https://m.163.com/news/article/AAAAAAAAAAAAAAAA.html"),
               cap("A" * 16, "20250201000000")]  # fmt: skip
    newest, oldest = Selection(), Selection(first=True)
    for c in offered:
        newest.offer(c)
        oldest.offer(c)
    assert [(c.docid, c.timestamp) for c in newest.captures()] == [
        ("A" * 16, "20250301000000"),
        ("B" * 16, "20250102000000"),
    ]
    assert [(c.docid, c.timestamp) for c in oldest.captures()] == [
        ("A" * 16, "20250101000000"),
        ("B" * 16, "20250102000000"),
    ]


# -- the record checks ----------------------------------------------------------------------------


def test_a_member_must_be_one_whole_gzip_member_with_one_html_response() -> None:
    page = article_page("G33O1QTA05372UZS", charset="gbk")
    member = warc_member(dy("G33O1QTA05372UZS"), page, content_type="text/html; charset=GBK")
    cap = Capture("G33O1QTA05372UZS", dy("G33O1QTA05372UZS"), "20250801120000", CRAWL, "f", 0, len(member))
    got = page_from_member(member, cap)
    assert got.content == page and got.charset == "gbk" and got.fetched_at == "2025-08-01T12:00:00Z"
    assert got.member == member
    bad = {
        "not gzip": page,
        "cut short": member[:-9],
        "corrupt": member[:30] + bytes(b ^ 0xFF for b in member[30:60]) + member[60:],
        "two members": member + member,
        "a request record": warc_member(dy("G33O1QTA05372UZS"), page, record_type="request"),
        "a 404": warc_member(dy("G33O1QTA05372UZS"), page, http_status=404),
        "an image": warc_member(dy("G33O1QTA05372UZS"), b"\x89PNG", content_type="image/png"),
        "a gzip of no WARC": gzip.compress(b"hello"),
    }
    for what, data in bad.items():
        with pytest.raises(ArchiveError) as caught:
            page_from_member(data, cap)
        assert caught.value.reason == Reason.BAD_RECORD, what


# -- listing --------------------------------------------------------------------------------------


def test_listing_pages_through_the_index_filters_and_keeps_one_capture_per_docid(
    archive: Archive, tmp_path: Path
) -> None:
    ids = [f"KCC{i:013d}" for i in range(7)]
    for i, docid in enumerate(ids):
        archive.add(dy(docid), article_page(docid, title=f"标题{i}"), f"2025080{1 + i % 3}120000")
    # one article captured twice in this crawl (desktop, then mobile) and once in an older crawl
    archive.add(
        f"https://m.163.com/dy/article/{ids[0]}.html", article_page(ids[0], title="新版"), "20250809000000"
    )
    archive.add(dy(ids[0]), article_page(ids[0], title="旧版"), "20250601000000", crawl=OLDER)
    # what the client must drop: not 200, not HTML, not an article, and a page without records
    archive.add_cdx_only(dy("KCCX000000000001"), status="301")
    archive.add_cdx_only(dy("KCCX000000000002"), mime="application/pdf")
    archive.add_cdx_only("https://www.163.com/photoview/00AP0001/2.html")
    archive.add_cdx_only("https://news.163.com/")
    with CdxServer(archive, page_size=3) as index, DataServer(archive) as data:
        out = tmp_path / "cc.jsonl"
        summary = run(out, options(index, data, latest=2))
        assert summary.done == 7 and summary.failed_total == 0
        got = {rec["docid"]: rec for rec in lines(out)}
        assert sorted(got) == ids
        assert got[ids[0]]["title"] == "新版"  # the newest capture of the two crawls
        assert got[ids[0]]["url"] == f"https://m.163.com/dy/article/{ids[0]}.html"
        assert got[ids[0]]["fetched_at"] == "2025-08-09T00:00:00Z"  # the capture time
        pages = [h.query.get("page") for h in index.index_hits() if "page" in h.query]
        assert len(pages) == 4 + 1  # 11 lines in 3-line pages, and the older crawl's one page
        assert all(
            h.query["filter"] == ["status:200", "mime:text/html"]
            for h in index.index_hits()
            if "page" in h.query
        )
        assert all(
            h.query["matchType"] == ["domain"] and h.query["url"] == ["163.com"] for h in index.index_hits()
        )
        assert all(h.headers["range"].startswith("bytes=") for h in data.record_hits())
        assert all(h.headers["accept-encoding"] == "identity" for h in data.record_hits())

        first = tmp_path / "first.jsonl"
        run(first, options(index, data, crawls=(CRAWL, OLDER), first=True))
        assert {r["docid"]: r["title"] for r in lines(first)}[ids[0]] == "旧版"


def test_a_crawl_without_captures_is_empty_not_an_error(archive: Archive, tmp_path: Path) -> None:
    archive.add(dy("KCC0000000000001"), article_page("KCC0000000000001"), "20250801120000")
    with CdxServer(archive) as index, DataServer(archive) as data:
        out = tmp_path / "cc.jsonl"
        summary = run(out, options(index, data, crawls=("CC-MAIN-2019-01", CRAWL)))
        assert summary.done == 1
        nothing = tmp_path / "none.jsonl"
        assert commoncrawl(nothing, options(index, data, crawls=("CC-MAIN-2019-01",))).done == 0  # public API


def test_limit_and_dates_by_capture_or_by_publish(archive: Archive, tmp_path: Path) -> None:
    old = docid_at(datetime(2019, 5, 1, tzinfo=timezone.utc))
    new = docid_at(datetime(2025, 7, 30, tzinfo=timezone.utc))
    archive.add(dy(old), article_page(old), "20250802000000")  # an old article captured late
    archive.add(dy(new), article_page(new), "20250731000000")
    late = datetime(2025, 8, 1, tzinfo=timezone.utc)
    with CdxServer(archive, page_size=1) as index, DataServer(archive) as data:
        by_capture = tmp_path / "capture.jsonl"
        run(by_capture, options(index, data, crawls=(CRAWL,), since=late))
        assert [r["docid"] for r in lines(by_capture)] == [old]
        assert index.index_hits()[-1].query["from"] == ["20250801000000"]
        by_publish = tmp_path / "publish.jsonl"
        run(
            by_publish,
            options(
                index,
                data,
                crawls=(CRAWL,),
                since=datetime(2025, 1, 1, tzinfo=timezone.utc),
                date_by="publish",
            ),
        )
        assert [r["docid"] for r in lines(by_publish)] == [new]
        until = tmp_path / "until.jsonl"
        run(until, options(index, data, crawls=(CRAWL,), until=late))
        assert [r["docid"] for r in lines(until)] == [new]
        before = len(index.index_hits())
        limited = tmp_path / "limit.jsonl"
        run(limited, options(index, data, crawls=(CRAWL,), limit=1))
        assert len(lines(limited)) == 1
        assert len(index.index_hits()) - before == 2  # page count, then page 0 only: listing stopped


def test_the_index_rate_limit_is_obeyed_and_a_dead_index_stops_the_run(
    archive: Archive, tmp_path: Path
) -> None:
    for i in range(4):
        archive.add(dy(f"KCC{i:013d}"), article_page(f"KCC{i:013d}"), "20250801120000")
    with CdxServer(archive, page_size=2) as index, DataServer(archive) as data:
        index.fault(Respond(503, {"Retry-After": "1"}), Respond(429))
        out = tmp_path / "cc.jsonl"
        summary = run(out, options(index, data, crawls=(CRAWL,)))
        assert summary.done == 4
        hits = index.index_hits()
        assert hits[1].time - hits[0].time >= 0.9  # Retry-After: 1 waited for
        assert len(hits) == 2 + 1 + 2  # two refused tries, the page count, two pages
        index.fault(*[Respond(503)] * 3)  # retries (2) spent: the run cannot list, stops, keeps nothing
        with pytest.raises(ScraperError) as caught:
            run(tmp_path / "other.jsonl", options(index, data, crawls=(CRAWL,)))
        assert caught.value.reason == Reason.http(503)


# -- fetching records -----------------------------------------------------------------------------


def test_gbk_and_utf8_records_are_cleaned_like_the_fixtures(archive: Archive, tmp_path: Path) -> None:
    society, society_gold = fixture("pc-2014/news-society")
    tech, tech_gold = fixture("pc-2021/news-tech")
    gbk_id = "KCCG000000000001"
    gbk = article_page(
        gbk_id, title="国标码页面", paragraphs=("第一段，用国标码写的。", "第二段。"), charset="gbk"
    )
    archive.add(str(society_gold["url"]), society, "20250801120000")
    archive.add(str(tech_gold["url"]), tech, "20250801120100")
    archive.add(dy(gbk_id), gbk, "20250801120200", charset="GBK")
    with CdxServer(archive) as index, DataServer(archive) as data:
        out = tmp_path / "cc.jsonl"
        run(out, options(index, data, crawls=(CRAWL,)))
    got = {r["docid"]: r for r in lines(out)}
    for gold in (society_gold, tech_gold):
        fields = gold["fields"]
        assert isinstance(fields, dict)
        rec = got[fields["docid"]]
        assert rec["title"] == fields["title"]
        assert rec["published_at"] == fields["published_at"]
        assert str(rec["text"]).splitlines() == gold["paragraphs"]
    assert got[gbk_id]["title"] == "国标码页面" and "用国标码写的" in str(got[gbk_id]["text"])


def test_bad_records_fail_alone_with_their_reasons_and_503_is_retried(
    archive: Archive, tmp_path: Path
) -> None:
    ids = [f"KCC{i:013d}" for i in range(8)]
    entries: dict[str, Entry] = {d: archive.add(dy(d), article_page(d), "20250801120000") for d in ids[:6]}
    page = article_page(ids[6])
    entries[ids[6]] = archive.add_member(dy(ids[6]), warc_member(dy(ids[6]), page) * 2, "20250801120000")
    entries[ids[7]] = archive.add_member(
        dy(ids[7]), warc_member(dy(ids[7]), page, record_type="metadata"), "20250801120000"
    )
    corrupt_id = "KCCZ000000000001"
    good = warc_member(dy(corrupt_id), article_page(corrupt_id))
    archive.add_member(dy(corrupt_id), good[:40] + b"\x00" * 40 + good[80:], "20250801120000")
    with CdxServer(archive) as index, DataServer(archive) as data:
        data.fault(entries[ids[0]], Respond(503, {"Retry-After": "0"}))  # retried, then fine
        data.fault(entries[ids[1]], WholeFile())
        data.fault(entries[ids[2]], Short(50))
        data.fault(entries[ids[3]], Respond(404, body=b"NoSuchKey"))
        out = tmp_path / "cc.jsonl"
        summary = run(out, options(index, data, crawls=(CRAWL,)))
        assert sorted(r["docid"] for r in lines(out)) == [ids[0], ids[4], ids[5]]
        assert failures(out) == {
            ids[1]: Reason.BAD_RANGE,
            ids[2]: Reason.BAD_RANGE,
            ids[3]: Reason.http(404),
            ids[6]: Reason.BAD_RECORD,
            ids[7]: Reason.BAD_RECORD,
            corrupt_id: Reason.BAD_RECORD,
        }
        assert summary.failed == {Reason.BAD_RANGE: 2, Reason.BAD_RECORD: 3, "http_404": 1}
        assert (
            len(
                [
                    h
                    for h in data.record_hits()
                    if h.headers["range"].startswith(f"bytes={entries[ids[0]].offset}-")
                ]
            )
            == 2
        )
        # the faults were one-off: --retry-failed gets the range ones, the corrupt ones fail again
        again = run(out, options(index, data, crawls=(CRAWL,), crawl_options=CrawlOptions(
            fetch=FetchOptions(delay=0, retries=0, timeout=10), retry_failed=True)))  # fmt: skip
        assert again.done == 6 and set(failures(out)) == {ids[6], ids[7], corrupt_id}


def test_a_rerun_reuses_the_capture_list_and_writes_nothing_twice(archive: Archive, tmp_path: Path) -> None:
    ids = [f"KCC{i:013d}" for i in range(5)]
    for d in ids:
        archive.add(dy(d), article_page(d), "20250801120000")
    with CdxServer(archive) as index, DataServer(archive) as data:
        out = tmp_path / "cc.jsonl"
        run(out, options(index, data, crawls=(CRAWL,)))
        asked, fetched = len(index.hits), len(data.record_hits())
        summary = run(out, options(index, data, crawls=(CRAWL,)))
        assert (summary.done, summary.new) == (5, 0)
        assert len(index.hits) == asked and len(data.record_hits()) == fetched  # nothing asked again
        plan = captures_path(out).read_text("utf-8").splitlines()
        assert (
            plan[0].startswith("# netease-scraper commoncrawl captures ")
            and plan[-1] == "# end of captures: 5"
        )
        with pytest.raises(ScraperError) as caught:  # another query on this output
            run(out, options(index, data, crawls=(CRAWL,), first=True))
        assert caught.value.reason == Reason.USAGE
    assert sorted(r["docid"] for r in lines(out)) == ids


def test_an_unfinished_capture_list_is_made_again(archive: Archive, tmp_path: Path) -> None:
    archive.add(dy("KCC0000000000001"), article_page("KCC0000000000001"), "20250801120000")
    out = tmp_path / "cc.jsonl"
    with CdxServer(archive) as index, DataServer(archive) as data:
        opts = options(index, data, crawls=(CRAWL,))
        header = "# netease-scraper commoncrawl captures " + json.dumps(opts.query(), sort_keys=True)
        captures_path(out).write_text(header + "\n")  # killed while listing
        assert run(out, opts).done == 1
        mine = tmp_path / "mine.jsonl"
        captures_path(mine).write_text("my notes\n")
        with pytest.raises(ScraperError):
            run(mine, opts)
        assert captures_path(mine).read_text() == "my notes\n"


def test_warc_keeps_each_record_as_common_crawl_stored_it(archive: Archive, tmp_path: Path) -> None:
    from scraper.archive.warc_write import WarcWriter
    from scraper.common_crawl.job import warc_sink

    entries = [
        archive.add(dy(f"KCC{i:013d}"), article_page(f"KCC{i:013d}"), "20250801120000") for i in range(3)
    ]
    warc = tmp_path / "raw.warc.gz"
    with CdxServer(archive) as index, DataServer(archive) as data, WarcWriter(warc) as writer:
        out = tmp_path / "cc.jsonl"
        run(out, options(index, data, crawls=(CRAWL,)), sink=warc_sink(writer))
    stored = warc.read_bytes()
    for e in entries:
        member = bytes(archive.files[e.filename][e.offset : e.offset + e.length])
        assert member in stored
    pages = [item for item in read_warc(warc) if isinstance(item, WarcPage)]
    assert sorted(p.url for p in pages) == sorted(e.url for e in entries)
