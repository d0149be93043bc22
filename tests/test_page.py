"""Page: the facts read in one walk of the tree (meta values, canonical link, data-docid)."""

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
