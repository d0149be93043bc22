"""Page: the facts read from <head>, else in one walk of the tree (meta values, canonical link, data-docid), the frame."""

from __future__ import annotations

from scraper.clean.page import Page
from scraper.clean.templates.generic import Generic
from scraper.clean.templates.pc_2014 import Pc2014


def test_meta_in_body_is_read_and_the_first_key_wins() -> None:
    page = Page(
        '<html><head><meta name="Keywords" content=" a,b "><title>t</title></head>'
        '<body><div>x</div><meta name="description" content="d"><meta name="keywords" content="z"></body></html>'
    )
    assert page.meta == {"keywords": "a,b", "description": "d"}


def test_meta_value_takes_the_heads_value_else_the_first_in_the_body() -> None:
    page = Page(
        '<html><head><meta name="keywords" content="head"><title>t</title></head>'
        '<body><meta name="keywords" content="body"><meta property="og:url" content=" u "></body></html>'
    )
    assert page.meta_value("keywords") == "head"
    assert page.meta_value("og:url") == "u"  # misplaced in the body, still the page's
    assert page.meta_value("description") is None


def test_the_canonical_link_and_og_url_are_the_heads_only() -> None:
    """As search engines read them: a canonical link or og:url in the body is not the page's address."""
    body_only = Page(
        '<html><head><title>t</title></head><body><p>x</p><link rel="canonical" href="b">'
        '<meta property="og:url" content="b"></body></html>'
    )
    assert body_only.canonical_link is None
    assert body_only.meta_value("og:url", head_only=True) is None
    assert body_only.meta_value("og:url") == "b"
    both = Page(
        '<html><head><link rel="canonical" href="h"></head><body><link rel="canonical" href="b"></body></html>'
    )
    assert both.canonical_link == "h"


def test_the_docid_from_the_head_comes_before_the_bodys_data_docid() -> None:
    tie = '<script>var config = {"docId" : "K8HAMTB000097U7R"};</script>'
    with_tie = Page(
        f'<html><head></head><body><div data-docid="EFDAIN1E054550F0">{tie}<p>x</p></div></body></html>'
    )
    assert Generic().docid(with_tie) == "K8HAMTB000097U7R"  # the text's config before the body walk
    page = Page(
        '<html><head><link rel="canonical" href="https://www.163.com/dy/article/J22CN60P0514R9KQ.html"></head>'
        '<body><div data-docid="EFDAIN1E054550F0"><p>x</p></div></body></html>'
    )
    assert Generic().docid(page) == "J22CN60P0514R9KQ"
    body_only = Page(
        '<html><head></head><body><div data-docid="EFDAIN1E054550F0"><p>x</p></div></body></html>'
    )
    assert Generic().docid(body_only) == "EFDAIN1E054550F0"


def test_the_first_canonical_link_is_the_pages_word_even_when_empty() -> None:
    page = Page('<link rel="canonical" href=" "><link rel="canonical" href="https://www.163.com/a.html">')
    assert page.canonical_link is None
    page = Page(
        '<link rel="stylesheet" href="s.css"><link rel="Canonical" href=" https://www.163.com/b.html ">'
    )
    assert page.canonical_link == "https://www.163.com/b.html"


def test_data_docid_is_the_first_elements_stripped() -> None:
    assert Page('<div data-docid=""></div><div data-docid="GOOD0000000001AB"></div>').docid_attribute is None
    assert Page('<p>x</p><div data-docid=" J22CN60P0514R9KQ "></div>').docid_attribute == "J22CN60P0514R9KQ"
    assert Page("<p>no docid</p>").docid_attribute is None


def test_channel_comment_is_read_only_by_layouts_that_carry_it() -> None:
    html = '<html><body><!-- channelInfo {"name":"新闻","channel":"news"} --><p>x</p></body></html>'
    assert Generic().category(Page(html)) == "新闻"
    assert Pc2014().category(Page(html)) is None


def test_lookups_look_in_the_frame_first_then_in_the_page() -> None:
    page = Page(
        '<html><body><div class="nav"><span class="ep-source">导航</span><h1>频道</h1></div>'
        '<div class="post_content"><h1>标题</h1><div class="ep-source">来源: 某报</div></div>'
        '<div class="post_author">作者: 外面</div></body></html>'
    )
    assert page.first_text("h1") == "频道"  # no frame yet: the first in the page
    page.frame = Pc2014().frame(page)
    assert page.frame is not None
    assert page.first_text("h1") == "标题"
    assert page.first_text(".ep-source") == "来源: 某报"
    assert page.first_text(".post_author") == "作者: 外面"  # not in the frame: the page's
    assert page.attr(".missing", "href") is None
