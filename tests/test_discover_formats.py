"""The list format modules on hand-written fixtures and on the real 2020 list pages (shared/)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from discover_helpers import FEEDS, SHARED_LISTS
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import FeedError, discover
from scraper.discovery import channel_feed, json_api, links, mobile_list, publisher_page, rank_page
from scraper.discovery.formats import FORMATS, detect
from scraper.encoding import decode_html


def text(name: str) -> str:
    return decode_html((FEEDS / name).read_bytes())


def test_channel_feed_items_and_fields() -> None:
    items = channel_feed.parse(text("cm_yaowen20200213.js"), None)
    assert items[0].link == "https://www.163.com/news/article/F6ISID860001899O.html"
    assert len(items) == 4
    first = items[0]
    assert (first.title, first.published_at, first.source) == (
        "合成要闻一：某市发布春季出行提示",
        "2020-02-29T18:34:31+08:00",
        "测试日报",
    )
    assert items[3].title == "合成要闻三：标题里\t有制表符"  # a raw tab inside a JSON string


def test_channel_feed_pages_are_numbered() -> None:
    first = "https://temp.163.com/special/00804KVA/cm_yaowen20200213.js?callback=data_callback"
    assert channel_feed.next_page(first, 2) == first.replace(".js?", "_02.js?")
    assert channel_feed.next_page(first, 5) == first.replace(".js?", "_05.js?")
    assert channel_feed.next_page("https://temp.163.com/special/x/cm_guonei_03.js", 2).endswith(
        "cm_guonei_04.js"
    )  # type: ignore[union-attr]
    assert channel_feed.next_page("https://news.163.com/", 2) is None


@pytest.mark.parametrize(
    "body",
    [
        text("cm_malformed.js"),
        "data_callback([{]})",
        'data_callback({"a": 1})',
        "data_callback([1, 2]",
        "other_callback([])",
        "[]",
    ],
    ids=["cut", "bad-json", "not-a-list", "unclosed", "other-callback", "bare-json"],
)
def test_malformed_channel_feeds_are_feed_errors(body: str) -> None:
    with pytest.raises(FeedError) as caught:
        channel_feed.parse(body, None)
    assert caught.value.reason == "bad_feed"


def test_mobile_list_items_and_offsets() -> None:
    items = mobile_list.parse(text("artilist-0-3.js"), None)
    assert [i.link for i in items] == ["https://3g.163.com/news/article/F6KAL9HE0001899O.html", None, None]
    assert items[1].docid == "F6K8UBNE0001899O"  # no URL: the runner builds one from the docid
    assert items[2].docid is None  # a photo set is not an article
    base = "https://3g.163.com/touch/reconstruct/article/list/BBM54PGAwangning/0-10.html"
    assert mobile_list.next_page(base, 3) == base.replace("0-10", "20-10")
    assert mobile_list.next_page("https://c.m.163.com/nc/article/headline/T1348647853363/0-20.html", 2) == (
        "https://c.m.163.com/nc/article/headline/T1348647853363/20-20.html"
    )
    assert mobile_list.sniff('{"T1348647853363":[{"docid":"x"}]}', None)


def test_json_api_items_and_paging() -> None:
    base = "https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W351337132999228435&size=10"
    items = json_api.parse(text("dy-list-1.txt"), base)
    assert (items[0].docid, items[0].channel, items[0].link) == ("F6N3TNPE0556ABCD", "dy", None)
    assert items[0].published_at == "2020-03-02T10:00:00+08:00"
    assert json_api.next_page(base, 3) == base.replace("pageNo=1", "pageNo=3")
    gw = "https://gw.m.163.com/nc/api/v1/feed/static/normal-list?start=0&tid=T1573700340788&size=10"
    assert json_api.next_page(gw, 2) == gw.replace("start=0", "start=10")
    assert json_api.next_page("https://m.163.com/fe/api/hot/news/flow", 2) is None
    with pytest.raises(FeedError):
        json_api.parse('{"data": {"list": 3}}', None)


def test_publisher_page_lists_its_articles_with_times() -> None:
    items = publisher_page.parse(text("publisher-T1536566896022.htm"), None)
    assert [i.title for i in items] == ["合成号文章一", "合成号文章二", "合成号文章三"]
    assert items[1].published_at == "2020-03-01T20:00:00+08:00"


def test_rank_page_reads_only_its_tables() -> None:
    page = text("rank_news.htm")  # GBK under a gb2312 meta
    items = rank_page.parse(page, None)
    assert len(items) == 4 and items[0].title == "合成排行一：春季出行提示"
    assert all("F6GMGD3M" not in (i.link or "") for i in items)  # the nav link is not on the list


def test_links_resolve_against_the_base_and_find_times() -> None:
    page = text("channel-lying-charset.htm")  # GBK bytes, utf-8 meta
    items = links.parse(page, "https://news.163.com/news/")
    by_link = {i.link: i for i in items}
    first = by_link["https://news.163.com/news/article/F6ISID860001899O.html#f=post1603_tab_news"]
    assert first.title == "合成频道一：春季出行提示" and first.published_at == "2020-02-29T18:34:31+08:00"
    assert "https://www.163.com/news/article/F6GMGD3M0001899O.html" in by_link  # //www.163.com/...
    without_base = [i.link for i in links.parse(page, None)]  # a saved page: relative links dropped
    assert without_base == ["https://www.163.com/news/article/F6GMGD3M0001899O.html", "https://corp.163.com/"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("cm_yaowen20200213.js", "channel-feed"),
        ("artilist-0-3.js", "mobile-list"),
        ("dy-list-1.txt", "json-api"),
        ("rank_news.htm", "rank-page"),
        ("publisher-T1536566896022.htm", "publisher-page"),
        ("channel-lying-charset.htm", "html-links"),
    ],
)
def test_each_fixture_is_detected_as_its_format(name: str, fmt: str) -> None:
    found = detect(text(name), None)
    assert found is not None and found.name == fmt


def test_plain_text_is_no_format() -> None:
    assert detect("hello, this is not a list", None) is None


SHARED = sorted(SHARED_LISTS.glob("*.html")) if SHARED_LISTS.is_dir() else []


@pytest.mark.skipif(not SHARED, reason="shared/netease-lists is not here (a user's clone)")
@pytest.mark.parametrize("page", SHARED, ids=[p.name for p in SHARED])
def test_real_list_pages_yield_their_articles(page: Path) -> None:
    result = discover([page])
    assert not result.failures
    assert len(result) >= 20
    assert len({u.docid for u in result}) == len(result)
    assert all(u.url.startswith(("http://", "https://")) and u.url.endswith(".html") for u in result)
    if "leaderboard" in page.name:
        assert detect(decode_html(page.read_bytes()), None).name == "rank-page"  # type: ignore[union-attr]
    if "rolling" in page.name:  # the rolling list prints a time beside each link
        assert sum(1 for u in result if u.published_at) >= 20


_PREFIXES = st.sampled_from(
    ["", "data_callback(", "artiList(", '{"data": {"list": [', "<html><a href=", '{"T1348647853363": [']
)


@settings(max_examples=150, deadline=None)
@given(prefix=_PREFIXES, rest=st.text(max_size=200))
def test_parsers_fail_only_with_feed_errors(prefix: str, rest: str) -> None:
    body = prefix + rest
    for fmt in FORMATS:
        with contextlib.suppress(FeedError):
            fmt.parse(body, "https://news.163.com/")
