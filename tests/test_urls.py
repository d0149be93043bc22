"""scraper.urls: every NetEase article URL family, tracking stripped, junk rejected with a reason."""

from __future__ import annotations

import pytest
from hostnames import LOOK_ALIKES, NETEASE_HOSTS
from hypothesis import given
from hypothesis import strategies as st

from scraper.errors import URLRejected
from scraper.urls import (
    ARTICLE_DOMAINS,
    canonical_url,
    docid_from_url,
    host_in,
    is_netease_host,
    is_netease_url,
    parse_article_url,
)

ID = "G33O1QTA05372UZS"

# (line, docid, fetch_url, family, channel)
RECOGNISED = [
    (
        f"https://www.163.com/dy/article/{ID}.html",
        ID,
        f"https://www.163.com/dy/article/{ID}.html",
        "pc",
        "dy",
    ),
    (
        "http://www.163.com/news/article/KC12OUHK000189FH.html",
        "KC12OUHK000189FH",
        "https://www.163.com/news/article/KC12OUHK000189FH.html",
        "pc",
        "news",
    ),
    (
        "https://www.163.com/dy/article/KVMTIJ5A0556KMI7_pdya11y.html",
        "KVMTIJ5A0556KMI7",
        "https://www.163.com/dy/article/KVMTIJ5A0556KMI7.html",
        "pc",
        "dy",
    ),
    (
        "http://news.163.com/20/0229/18/F6ISIFBD0001899O.html",
        "F6ISIFBD0001899O",
        "http://news.163.com/20/0229/18/F6ISIFBD0001899O.html",
        "dated",
        "news",
    ),
    (
        "https://tech.163.com/19/0907/10/EOC3D0KJ00097U7R_all.html",
        "EOC3D0KJ00097U7R",
        "https://tech.163.com/19/0907/10/EOC3D0KJ00097U7R.html",
        "dated",
        "tech",
    ),
    (
        "http://3g.163.com/news/19/0927/11/EQ31D75L0001899O.html",
        "EQ31D75L0001899O",
        "http://3g.163.com/news/19/0927/11/EQ31D75L0001899O.html",
        "dated",
        "news",
    ),
    (
        "http://money.163.com/special/static/a/D9E8ALP100258105.html",
        "D9E8ALP100258105",
        "http://money.163.com/special/static/a/D9E8ALP100258105.html",
        "static",
        "special",
    ),
    (
        "http://dy.163.com/v2/article/detail/EFDAIN1E054550F0.html",
        "EFDAIN1E054550F0",
        "http://dy.163.com/v2/article/detail/EFDAIN1E054550F0.html",
        "dy-v2",
        "dy",
    ),
    (
        "http://dy.163.com/article/EFDAIN1E054550F0.html",
        "EFDAIN1E054550F0",
        "http://dy.163.com/article/EFDAIN1E054550F0.html",
        "dy-v2",
        "dy",
    ),
    (
        "http://predy.163.com/v2/article/EFDAIN1E054550F0.html",
        "EFDAIN1E054550F0",
        "http://predy.163.com/v2/article/EFDAIN1E054550F0.html",
        "dy-v2",
        "dy",
    ),
    (
        "https://m.163.com/news/article/JST65UOV000181BR.html",
        "JST65UOV000181BR",
        "https://m.163.com/news/article/JST65UOV000181BR.html",
        "mobile",
        "news",
    ),
    (
        f"http://3g.163.com/dy/article/{ID}.html",
        ID,
        f"https://3g.163.com/dy/article/{ID}.html",
        "mobile",
        "dy",
    ),
    (
        f"https://3g.163.com/all/article/{ID}.html",
        ID,
        f"https://3g.163.com/all/article/{ID}.html",
        "mobile",
        "all",
    ),
    (
        "https://c.m.163.com/news/a/JST65UOV000181BR.html?spss=newsapp&spsw=1",
        "JST65UOV000181BR",
        "https://c.m.163.com/news/a/JST65UOV000181BR.html",
        "app",
        None,
    ),
    (
        "http://c.m.163.com/nc/article/JST65UOV000181BR/full.html",
        "JST65UOV000181BR",
        "https://c.m.163.com/news/a/JST65UOV000181BR.html",
        "app",
        None,
    ),
    (
        f"//3g.163.com/touch/article.html?docid={ID}&adaptation=pc",
        ID,
        f"https://3g.163.com/all/article/{ID}.html",
        "touch",
        None,
    ),
]


@pytest.mark.parametrize(("line", "docid", "fetch_url", "family", "channel"), RECOGNISED)
def test_every_family_is_recognised(
    line: str, docid: str, fetch_url: str, family: str, channel: str | None
) -> None:
    url = parse_article_url(line)
    assert (url.docid, url.fetch_url, url.family, url.channel) == (docid, fetch_url, family, channel)
    assert url.original == line


@pytest.mark.parametrize(
    "decoration",
    [
        "?f=post2020_dy_recommends",
        "#f=post1603_tab_news",
        "#sns_weixin",
        "?spss=wap2pc",
        "?referFrom=baidu",
        "?referFrom=163&isFromOtherWeb=true",
        "?from=wap_redirect&spss=newsapp",
        "#adaptation=pc",
        "?noredirect",
        "?f=x#adaptation=pc",
    ],
)
def test_tracking_decorations_are_stripped(decoration: str) -> None:
    url = parse_article_url(f"https://www.163.com/dy/article/{ID}.html{decoration}")
    assert url.fetch_url == f"https://www.163.com/dy/article/{ID}.html"
    assert url.docid == ID


def test_variant_suffix_is_recorded_and_dropped() -> None:
    url = parse_article_url(f"https://www.163.com/dy/article/{ID}_pdya11y.html")
    assert url.variant == "_pdya11y"
    assert url.fetch_url.endswith(f"/{ID}.html")


def test_one_article_many_urls_one_docid() -> None:
    lines = [
        f"https://www.163.com/dy/article/{ID}.html",
        f"http://www.163.com/dy/article/{ID}.html?f=post2020_dy_recommends",
        f"https://www.163.com/dy/article/{ID}_pdya11y.html",
        f"https://3g.163.com/dy/article/{ID}.html#adaptation=pc",
        f"https://c.m.163.com/news/a/{ID}.html?spss=newsapp",
        f"  https://WWW.163.COM/dy/article/{ID}.html  ",
        f"\ufeffhttps://www.163.com/dy/article/{ID}.html",
    ]
    assert {parse_article_url(line).docid for line in lines} == {ID}


def test_lenient_host_spellings() -> None:
    for line in (
        f"https://163.com/dy/article/{ID}.html",
        f"https://www.163.com./dy/article/{ID}.html",
        f"https://www.163.com:443/dy/article/{ID}.html",
        f"www.163.com/dy/article/{ID}.html",
    ):
        assert parse_article_url(line).fetch_url == f"https://www.163.com/dy/article/{ID}.html", line


@pytest.mark.parametrize(
    "line",
    [
        f"https://example.com/dy/article/{ID}.html",
        f"https://www.163.com.evil.example/dy/article/{ID}.html",
        f"https://evil163.com/dy/article/{ID}.html",
        f"http://127.0.0.1:8765/dy/article/{ID}.html",  # not in allow_hosts
        "https://www.163.com/",
        "https://news.163.com/photoview/00AP0001/2278034.html#p=D0BQBL2300AP0001NOS",
        "https://www.163.com/v/video/VVUU3T0GJ.html",
        "https://www.163.com/dy/media/T1536566896022.html",
        f"https://comment.tie.163.com/{ID}.html",
        "https://news.163.com/special/0001386F/rank_news.html",
        "https://www.163.com/dy/article/g33o1qta05372uzs.html",  # docids are upper case
        f"https://www.163.com/dy/article/{ID}X.html",  # 17 characters
        "https://3g.163.com/touch/article.html?docid=short",
    ],
)
def test_not_netease_articles_are_rejected(line: str) -> None:
    with pytest.raises(URLRejected) as info:
        parse_article_url(line)
    assert info.value.reason == "not_netease"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "# a comment",
        "not a url",
        "标题 https://www.163.com/dy/article/G33O1QTA05372UZS.html",
        f"ftp://www.163.com/dy/article/{ID}.html",
        f"javascript:alert('{ID}.html')",
        f"mailto:{ID}@163.com",
        f"file:///tmp/{ID}.html",
        "https://",
        f"https://www.163.com:99999/dy/article/{ID}.html",
        f"https:///dy/article/{ID}.html",
        f"https://www.163.com/dy/article/{ID}.html\x00",
    ],
)
def test_junk_lines_are_bad_urls(line: str) -> None:
    with pytest.raises(URLRejected) as info:
        parse_article_url(line)
    assert info.value.reason == "bad_url"


def test_allowed_host_with_port_keeps_scheme_host_and_port() -> None:
    allow = ["127.0.0.1:8765"]
    cases = {
        f"http://127.0.0.1:8765/dy/article/{ID}.html?f=x#y": f"http://127.0.0.1:8765/dy/article/{ID}.html",
        f"http://127.0.0.1:8765/news/article/{ID}_pdya11y.html": f"http://127.0.0.1:8765/news/article/{ID}.html",
        f"http://127.0.0.1:8765/20/0229/18/{ID}.html": f"http://127.0.0.1:8765/20/0229/18/{ID}.html",
        f"http://127.0.0.1:8765/v2/article/detail/{ID}.html": f"http://127.0.0.1:8765/v2/article/detail/{ID}.html",
        f"http://127.0.0.1:8765/news/a/{ID}.html": f"http://127.0.0.1:8765/news/a/{ID}.html",
    }
    for line, fetch_url in cases.items():
        url = parse_article_url(line, allow_hosts=allow)
        assert (url.fetch_url, url.docid, url.family, url.host) == (fetch_url, ID, "mirror", "127.0.0.1:8765")


def test_allowed_host_needs_an_article_path_and_the_right_port() -> None:
    with pytest.raises(URLRejected) as info:
        parse_article_url("http://127.0.0.1:8765/index.html", allow_hosts=["127.0.0.1:8765"])
    assert info.value.reason == "not_netease"
    with pytest.raises(URLRejected):
        parse_article_url(f"http://127.0.0.1:9999/dy/article/{ID}.html", allow_hosts=["127.0.0.1:8765"])
    # a bare host name allows every port
    url = parse_article_url(
        f"https://mirror.example.org:8443/dy/article/{ID}.html", allow_hosts=["mirror.example.org"]
    )
    assert url.fetch_url == f"https://mirror.example.org:8443/dy/article/{ID}.html"


def test_netease_host_in_allow_hosts_keeps_its_family() -> None:
    url = parse_article_url(f"http://www.163.com/dy/article/{ID}.html?f=x", allow_hosts=["www.163.com"])
    assert (url.family, url.fetch_url) == ("pc", f"https://www.163.com/dy/article/{ID}.html")


def test_canonical_url_from_docid() -> None:
    assert canonical_url(ID) == f"https://c.m.163.com/news/a/{ID}.html"  # answers whatever the channel
    assert canonical_url(ID, channel="dy") == f"https://www.163.com/dy/article/{ID}.html"
    assert canonical_url(ID, channel="news") == f"https://www.163.com/news/article/{ID}.html"
    assert parse_article_url(canonical_url(ID)).docid == ID
    with pytest.raises(ValueError):
        canonical_url("abc")
    with pytest.raises(ValueError):
        canonical_url(ID, channel="../x")


def test_docid_from_any_url() -> None:
    assert docid_from_url(f"https://www.163.com/dy/article/{ID}_pdya11y.html?f=1") == ID
    assert docid_from_url(f"http://127.0.0.1:1/x/{ID}.html") == ID
    assert docid_from_url(f"https://3g.163.com/touch/article.html?docid={ID}") == ID
    assert docid_from_url("https://www.163.com/") is None
    assert docid_from_url("http://[::1") is None


@pytest.mark.parametrize("host", NETEASE_HOSTS)
def test_netease_hosts(host: str) -> None:
    assert is_netease_host(host)
    assert is_netease_url(f"https://{host}/news/article/{ID}.html")
    assert is_netease_url(f"//{host}/x.html")


@pytest.mark.parametrize("host", LOOK_ALIKES)
def test_look_alike_hosts_are_not_netease(host: str) -> None:
    assert not is_netease_host(host)
    assert not is_netease_url(f"https://{host}/news/article/{ID}.html")
    assert not is_netease_url(f"https://{host}@evil.org/news/article/{ID}.html")


def test_article_urls_live_on_163_com_only() -> None:
    assert is_netease_host("news.163.com", ARTICLE_DOMAINS)
    assert not is_netease_host("bbs.netease.com", ARTICLE_DOMAINS)
    with pytest.raises(URLRejected):
        parse_article_url(f"http://news.netease.com/20/0229/18/{ID}.html")


def test_netease_url_junk() -> None:
    assert not is_netease_url(None)
    assert not is_netease_url("")
    assert not is_netease_url("http://[::1")
    assert not is_netease_url("/dy/article/x.html")


def test_host_helpers() -> None:
    assert host_in("127.0.0.1", 8765, ["127.0.0.1:8765"])
    assert host_in("mirror.example", 81, ["Mirror.Example"])
    assert not host_in("127.0.0.1", 8766, ["127.0.0.1:8765"])
    assert not host_in("127.0.0.1", 8765, [])


@given(st.text(max_size=200))
def test_arbitrary_lines_only_raise_url_rejected(line: str) -> None:
    try:
        url = parse_article_url(line, allow_hosts=["127.0.0.1:8765"])
    except URLRejected as exc:
        assert exc.reason in {"bad_url", "not_netease"}
    else:
        assert len(url.docid) == 16


@given(
    family=st.sampled_from(
        ["https://www.163.com/dy/article/{}.html", "http://news.163.com/20/0229/18/{}.html"]
    ),
    docid=st.from_regex(r"[A-Z0-9]{16}", fullmatch=True),
    tail=st.sampled_from(["", "?f=x", "#f=y", "?spss=newsapp#adaptation=pc"]),
)
def test_fetch_url_is_a_fixed_point(family: str, docid: str, tail: str) -> None:
    url = parse_article_url(family.format(docid) + tail)
    again = parse_article_url(url.fetch_url)
    assert (again.docid, again.fetch_url) == (docid, url.fetch_url)
