"""article_links / clean_with_links: the links a page gives to other articles, by the URL grammar."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper import article_links, clean_html
from scraper.clean import clean_with_links
from scraper.errors import DecodeError, URLRejected
from scraper.urls import parse_article_url

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "netease-pages"
OWN = "J22CN60P0514R9KQ"
PAGE_URL = f"https://www.163.com/dy/article/{OWN}.html"

LINKS = f"""<html><head><title>t</title></head><body>
<a href="https://www.163.com/dy/article/AAAAAAAA00000001.html?f=post2020_dy_recommends">absolute, decorated</a>
<a href="/news/article/AAAAAAAA00000002.html">relative</a>
<a href="//3g.163.com/dy/article/AAAAAAAA00000003.html">protocol-relative</a>
<a href="https://www.163.com/dy/article/AAAAAAAA00000001_pdya11y.html">same docid, variant</a>
<a href="https://news.163.com/20/0229/18/AAAAAAAA00000004.html">dated</a>
<a href="https://3g.163.com/touch/article.html?docid=AAAAAAAA00000005">touch</a>
<a href="{PAGE_URL}#comments">the page itself</a>
<a href="https://news.163.com/">a channel</a>
<a href="https://www.163.com/photoview/00AP0001/2301234.html">a gallery</a>
<a href="https://example.com/dy/article/AAAAAAAA00000006.html">another site</a>
<a href="http://127.0.0.1:8765/dy/article/AAAAAAAA00000007.html">a mirror</a>
<a href="javascript:open('/dy/article/AAAAAAAA00000008.html')">script</a>
<a href="https://[broken/dy/article/AAAAAAAA00000009.html">broken</a>
<a>no href</a>
</body></html>"""


def test_article_links_resolve_dedup_and_keep_only_articles_of_the_grammar() -> None:
    found = article_links(LINKS, PAGE_URL)
    assert [(a.docid, a.fetch_url) for a in found] == [
        ("AAAAAAAA00000001", "https://www.163.com/dy/article/AAAAAAAA00000001.html"),
        ("AAAAAAAA00000002", "https://www.163.com/news/article/AAAAAAAA00000002.html"),
        ("AAAAAAAA00000003", "https://3g.163.com/dy/article/AAAAAAAA00000003.html"),
        ("AAAAAAAA00000004", "https://news.163.com/20/0229/18/AAAAAAAA00000004.html"),
        ("AAAAAAAA00000005", "https://3g.163.com/all/article/AAAAAAAA00000005.html"),
    ]


def test_allowed_hosts_count_as_in_crawl_and_base_href_resolves() -> None:
    found = article_links(LINKS, PAGE_URL, allow_hosts=("127.0.0.1:8765",))
    assert "AAAAAAAA00000007" in [a.docid for a in found]
    based = '<html><head><base href="https://money.163.com/"></head><body><a href="20/0229/18/AAAAAAAA00000004.html">x</a>'
    assert [a.fetch_url for a in article_links(based, None)] == [
        "https://money.163.com/20/0229/18/AAAAAAAA00000004.html"
    ]
    assert article_links('<a href="/dy/article/AAAAAAAA00000002.html">x</a>', None) == []  # no base


def test_bytes_are_decoded_like_clean_html() -> None:
    gbk = '<meta charset="gb2312"><a href="https://www.163.com/dy/article/AAAAAAAA00000001.html">相关新闻</a>'
    assert [a.docid for a in article_links(gbk.encode("gbk"), PAGE_URL)] == ["AAAAAAAA00000001"]
    with pytest.raises(DecodeError):
        article_links(b"", PAGE_URL)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared pages not present")
def test_on_a_real_page_every_related_link_is_found_and_the_cleaning_is_unchanged() -> None:
    html = (SHARED / f"magichtml-dy-{OWN}.html").read_bytes()
    article, links = clean_with_links(html, PAGE_URL)
    assert article == clean_html(html, PAGE_URL)  # reading the links leaves the cleaning alone
    docids = [a.docid for a in links]
    assert OWN not in docids and len(docids) == len(set(docids))
    tree = LexborHTMLParser(html.decode("utf-8"))
    related = set()
    for anchor in tree.css(".post_recommends a[href]"):
        try:
            related.add(parse_article_url(anchor.attributes["href"] or "").docid)
        except URLRejected:
            continue
    assert len(related) >= 20  # the 相关推荐 / 热点推荐 lists of this page
    assert related - {OWN} <= set(docids)
    assert {a.docid for a in article_links(html, PAGE_URL)} == set(docids)
