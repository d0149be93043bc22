"""The links from a page to other NetEase articles: what ``crawl --follow`` queues.

They are read from the page as fetched, before anything is pruned: the related lists the cleaner
removes from the body (相关推荐, 热点推荐, 延伸阅读, the rank boxes of the sidebar) are exactly the
links worth following. A link counts when :func:`scraper.urls.parse_article_url` takes it for an
article (every NetEase family; a host of ``allow_hosts`` with a NetEase article path) and its
docid is not the page's own. One link per docid, in page order.
"""

from __future__ import annotations

from collections.abc import Collection

from selectolax.lexbor import LexborHTMLParser

from ..article import Article
from ..encoding import decode_html
from ..errors import URLRejected
from ..urls import DOCID_RE, ArticleURL, absolute_url, docid_from_url, parse_article_url
from .page import Page
from .pipeline import clean_with
from .templates import TEMPLATES

__all__ = ["article_links", "clean_with_links", "links_in"]

_MAX_LINKS = 1000  # a NetEase article page links ~10-110 others; a link farm gets no more than this


def article_links(
    html: bytes | str,
    url: str | None = None,
    *,
    charset: str | None = None,
    allow_hosts: Collection[str] = (),
) -> list[ArticleURL]:
    """The NetEase articles that the page ``html`` (fetched from ``url``) links to, in page order.

    ``url`` resolves relative links and names the page's own docid, which is left out. Bytes are
    decoded as :func:`scraper.clean_html` decodes them; raises
    :class:`~scraper.errors.DecodeError` when they cannot be.

        >>> [a.fetch_url for a in article_links(page_bytes, "https://www.163.com/dy/article/J22CN60P0514R9KQ.html")]
    """
    text = decode_html(html, http_charset=charset) if isinstance(html, bytes) else html
    return links_in(LexborHTMLParser(text), url, allow_hosts=allow_hosts)


def links_in(
    tree: LexborHTMLParser, url: str | None, *, allow_hosts: Collection[str] = ()
) -> list[ArticleURL]:
    """:func:`article_links` on a parsed page (before the cleaner prunes it)."""
    base_node = tree.css_first("base[href]")
    base = absolute_url(base_node.attributes.get("href"), url) if base_node is not None else None
    base = base or url
    own = docid_from_url(url) if url else None
    seen_hrefs: set[str] = set()
    found: dict[str, ArticleURL] = {}
    # Every article URL of the grammar has ".html" in it: lexbor drops the other links in C.
    for anchor in tree.css('a[href*="html"]'):
        href = anchor.attrs.get("href")
        # Most links of a page are repeats (nav bars, "more" links) or not articles at all: the
        # cheap tests first (every article URL holds its docid), the URL grammar only for the rest.
        if not href or href in seen_hrefs or DOCID_RE.search(href) is None:
            continue
        seen_hrefs.add(href)
        link = absolute_url(href, base)
        if link is None:
            continue
        try:
            art = parse_article_url(link, allow_hosts=allow_hosts)
        except URLRejected:
            continue
        if art.docid != own and art.docid not in found:
            found[art.docid] = art
            if len(found) >= _MAX_LINKS:
                break
    return list(found.values())


def clean_with_links(
    html: bytes | str,
    url: str | None = None,
    *,
    charset: str | None = None,
    allow_hosts: Collection[str] = (),
) -> tuple[Article, list[ArticleURL]]:
    """:func:`scraper.clean_html` and :func:`article_links` from one parse of the page.

    Raises what ``clean_html`` raises; the article's own docid is left out of the links too.
    """
    links: list[ArticleURL] = []

    def collect(page: Page) -> None:
        links.extend(links_in(page.tree, url, allow_hosts=allow_hosts))

    article = clean_with(html, url, charset=charset, templates=TEMPLATES, on_parsed=collect)
    return article, [link for link in links if link.docid != article.docid]
