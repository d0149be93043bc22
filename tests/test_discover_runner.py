"""``discover`` against the loopback server: paging, lying labels, limits, failures per source."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from discover_helpers import ARTI, CM, DY, DY_QUERY, FEEDS, QueryServer, mirrored, options, serve_feeds
from httpserver import Respond

from scraper import discover
from scraper.discovery.model import SourceFailure


@pytest.fixture
def server() -> Iterator[QueryServer]:
    with QueryServer() as srv:
        yield srv


def docids(result: object) -> list[str]:
    return [u.docid for u in result]  # type: ignore[attr-defined]


def test_channel_feed_pages_are_followed_until_404(server: QueryServer) -> None:
    urls = serve_feeds(server)
    result = discover([urls["cm"]], options=options(server))
    assert not result.failures
    # page 1 (GBK under a utf-8 label) + page 2; the photoview item is no article; a decorated duplicate merged
    assert docids(result) == [
        "F6ISID860001899O",
        "F6IN9A3U0001899O",
        "F6IIS0KE000189PS",
        "F6GMGD3M0001899O",
        "F6FB0KVE0001899N",
    ]
    assert server.hits(CM.replace(".js", "_03.js")) == 1  # asked, 404: the end of the list, not a failure
    first = result.urls[0]
    assert first.url == server.url("/news/article/F6ISID860001899O.html")
    assert (first.title, first.published_at, first.source) == (
        "合成要闻一：某市发布春季出行提示",
        "2020-02-29T18:34:31+08:00",
        "测试日报",
    )
    assert result.urls[1].url == server.url("/20/0229/17/F6IN9A3U0001899O.html")


def test_mobile_list_pages_by_offset_until_an_empty_page(server: QueryServer) -> None:
    urls = serve_feeds(server)
    result = discover([urls["arti"]], options=options(server))
    assert not result.failures
    assert docids(result) == ["F6KAL9HE0001899O", "F6K8UBNE0001899O", "F6JBOGTE0001899O", "F6I6011E0001899O"]
    assert [server.hits(ARTI.format(o)) for o in (0, 3, 6, 9)] == [1, 1, 1, 0]
    assert result.urls[1].url == server.url("/dy/article/F6K8UBNE0001899O.html")  # docid only: on the mirror


def test_dy_list_api_pages_by_page_number(server: QueryServer) -> None:
    urls = serve_feeds(server)
    result = discover([urls["dy"]], options=options(server))
    assert not result.failures
    assert docids(result) == ["F6N3TNPE0556ABCD", "F6LJRL1E0556ABCD", "F6CMT05E0556ABCD", "F5QM3V5E0556ABCD"]
    assert all(u.url == server.url(f"/dy/article/{u.docid}.html") and u.source == "合成号" for u in result)
    assert [h.query for h in server.requests(DY)] == [DY_QUERY.format(p) for p in (1, 2, 3)]


def test_limit_stops_the_paging(server: QueryServer) -> None:
    urls = serve_feeds(server)
    result = discover([urls["cm"]], limit=2, options=options(server))
    assert docids(result) == ["F6ISID860001899O", "F6IN9A3U0001899O"]
    assert server.hits(CM.replace(".js", "_02.js")) == 0


def test_since_drops_older_articles_and_stops_the_paging(server: QueryServer) -> None:
    urls = serve_feeds(server)
    result = discover([urls["cm"]], since="2020-02-29T17:00", options=options(server))
    assert docids(result) == ["F6ISID860001899O", "F6IN9A3U0001899O"]
    assert server.hits(CM.replace(".js", "_02.js")) == 0  # page 1 already reaches back past 17:00


def test_sources_merge_newest_first_one_per_docid(server: QueryServer) -> None:
    urls = serve_feeds(server)
    result = discover([urls["rank"], urls["channel"], urls["cm"], urls["publisher"]], options=options(server))
    assert not result.failures
    assert len(set(docids(result))) == len(result)
    times = [u.published_at for u in result]
    assert times == sorted(times, reverse=True)  # every one timed here: rank items get the feed's time
    ranked = next(u for u in result if u.docid == "F6ISID860001899O")
    assert ranked.title == "合成排行一：春季出行提示" and ranked.published_at == "2020-02-29T18:34:31+08:00"


def test_failing_sources_are_records_and_the_others_go_on(server: QueryServer, tmp_path: object) -> None:
    urls = serve_feeds(server)
    bad = {
        "/bad.js": (FEEDS / "cm_malformed.js").read_bytes(),
        "/empty.js": (FEEDS / "cm_empty.js").read_bytes(),
        "/blank.js": b"",
        "/text.txt": b"just some text",
        "/nolinks.html": b"<html><body><a href='https://corp.163.com/'>about</a></body></html>",
    }
    for path, body in bad.items():
        server.add(path, body=body, content_type="application/javascript")
    server.add("/down.js", body=b"", fixed=[Respond(500)])
    sources = [server.url(p) for p in [*bad, "/down.js"]] + ["https://example.com/list.html", urls["cm"]]
    result = discover([*sources, "/no/such/file.html"], options=options(server))
    assert len(result) == 5  # the good feed, whole
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in result.failures}
    assert reasons == {
        "bad.js": "bad_feed",
        "empty.js": "empty_feed",
        "blank.js": "empty",
        "text.txt": "not_a_list",
        "nolinks.html": "empty_feed",
        "down.js": "http_500",
        "list.html": "host_not_allowed",
        "file.html": "not_found",
    }
    assert all(isinstance(f, SourceFailure) and f.error for f in result.failures)


def test_a_malformed_later_page_keeps_the_earlier_items(server: QueryServer) -> None:
    urls = serve_feeds(server)
    page2 = CM.replace(".js", "_02.js")
    server.add(page2, body=mirrored(server, "cm_malformed.js"), content_type="application/javascript")
    result = discover([urls["cm"]], options=options(server))
    assert len(result) == 3
    assert [(f.reason, f.page) for f in result.failures] == [
        ("bad_feed", server.url(page2) + "?callback=data_callback")
    ]


def test_a_server_ignoring_the_paging_is_read_twice_at_most(server: QueryServer) -> None:
    body = mirrored(server, "dy-list-1.txt")
    url = server.add("/feed/normal-list", body=body, content_type="application/json")  # any query: same page
    result = discover([url + "?start=0&tid=T1573700340788&size=2"], options=options(server))
    assert len(result) == 2 and server.hits("/feed/normal-list") == 2


def test_robots_txt_is_obeyed(server: QueryServer) -> None:
    urls = serve_feeds(server)
    server.add("/robots.txt", body="User-agent: *\nDisallow: /special/\n", content_type="text/plain")
    result = discover([urls["cm"], urls["dy"]], options=options(server, ignore_robots=False))
    assert [f.reason for f in result.failures] == ["robots"]
    assert server.hits(CM) == 0 and len(result) == 4


def test_saved_files_are_read_without_fetching() -> None:
    result = discover([FEEDS / "cm_yaowen20200213.js", FEEDS / "rank_news.htm"])
    assert not result.failures
    # feed page 1 (3 articles) and the rank page (2 of them, and a 网易号 one), one per docid; the rank
    # page shows no times, so its own article is placed by the time its docid encodes
    assert docids(result) == ["F6N3TNPE0556ABCD", "F6ISID860001899O", "F6IN9A3U0001899O", "F6IIS0KE000189PS"]
    assert result.urls[0].url == "https://www.163.com/dy/article/F6N3TNPE0556ABCD.html"
    assert result.urls[0].published_at is None


def test_bad_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError):
        discover([], limit=0)
    with pytest.raises(ValueError):
        discover([], since="soon")
    assert len(discover([])) == 0
