"""The ``url`` given to clean_html is a hint: a broken one is no error, and it never overrides the page's docid."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import ParseError, clean_html

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "pc-2021" / "news-tech.html"
OWN_DOCID = "K8HAMTB000097U7R"  # the page's canonical URL and data-docid say so


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]:99999/x.html", "https://exa mple.com/", "::"])
def test_an_unparsable_url_is_ignored(url: str) -> None:
    article = clean_html(PAGE.read_bytes(), url=url)
    assert article.docid == OWN_DOCID
    assert article.url == url


def test_a_url_naming_another_article_does_not_override_the_page_docid() -> None:
    other = "https://www.163.com/dy/article/AAAAAAAAAAAAAAAA.html"
    article = clean_html(PAGE.read_bytes(), url=other)
    assert article.docid == OWN_DOCID
    assert article.url == other  # what was given is kept, as given
    assert OWN_DOCID in (article.canonical_url or "")


def test_the_url_gives_the_docid_when_the_page_states_none() -> None:
    html = (
        "<html><head><title>t_网易新闻</title></head><body><div id='endText'><h1 id='h1title'>t</h1>"
        + ("<p>" + "这是一段正文内容，用来测试文章页面的正文提取是否正常工作。" * 3 + "</p>") * 3
        + "</div></body></html>"
    )
    article = clean_html(html, url="https://news.163.com/19/1104/10/ET4N763200018AOR.html")
    assert article.docid == "ET4N763200018AOR"


_NO_MARKERS = (
    "<html><head><title>一篇文章</title></head><body><div class='main'><h1>一篇文章</h1>"
    + ("<p>" + "这是一段正文内容，用来测试文章页面的正文提取是否正常工作。" * 3 + "</p>") * 4
    + "</div></body></html>"
)


@pytest.mark.parametrize("host", ["www.163.com", "bbs.netease.com", "126.net", "WWW.163.COM."])
def test_a_netease_address_makes_a_page_without_markers_netease(host: str) -> None:
    article = clean_html(_NO_MARKERS, url=f"https://{host}/special/x.html")
    assert article.template == "fallback" and "正文内容" in article.text


@pytest.mark.parametrize("host", ["evil163.com", "163.com.evil.org", "x163.com", "163.co", "my126.net"])
def test_a_look_alike_address_does_not(host: str) -> None:
    with pytest.raises(ParseError) as caught:
        clean_html(_NO_MARKERS, url=f"https://{host}/news/article/ET4N763200018AOR.html")
    assert caught.value.reason == "not_netease"
