"""The cleaning pipeline: decode -> parse once -> pick a template -> fields + body -> Article."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypedDict

from ..article import Article, Image
from ..encoding import decode_html
from ..errors import DecodeError, ParseError, Reason, URLRejected
from ..urls import canonical_url, is_netease_url, parse_article_url
from .boilerplate import remove_noise
from .common import collapse, images_from, paragraphs_from
from .complexity import check_complexity
from .content import find_main_content
from .fallback import fallback_paragraphs, remove_chrome
from .page import Page
from .prune import in_teaser_list, links_to_other_articles, outermost, prune_structure
from .templates import TEMPLATES, Template
from .templates.generic import Generic

__all__ = ["clean_html", "clean_with"]

_GENERIC = Generic()
_NETEASE_MARKERS = re.compile(r"163\.com|126\.net|netease|网易", re.IGNORECASE)
_DELETED_MARKERS = re.compile(
    r"页面不存在|页面没有找到|文章已被?删除|内容已被?删除|该文章不存在|已被作者删除|404\s*Not\s*Found|网易-404|"
    r"您访问的页面|sorry,?\s*the page"
    , re.IGNORECASE,
)  # fmt: skip
# A full stop, or a ！/？ with more text after it (a headline may end in one, a sentence goes on).
_SENTENCE_STOP = re.compile(r"。|[！？!?](?=.)")
_PROSE_MIN_LINE = 15  # characters
LIST_PAGE_LINKS = 5  # links to other articles on a page with no article prose: a list page
SHORT_BODY = 300  # characters: a lead paragraph, not an article
_KEYWORD_SPLIT = re.compile(r"[,，;；|\s]+")


def clean_html(html: bytes | str, url: str | None = None, *, charset: str | None = None) -> Article:
    """Clean one NetEase article page into an :class:`~scraper.article.Article`.

    ``html`` is the page as served (bytes, decoded here: HTTP ``charset``, meta, detection) or
    text; ``url`` is the page's address when known. Raises :class:`~scraper.errors.DecodeError`
    (``empty``, ``binary``, ``decode_error``) or :class:`~scraper.errors.ParseError`
    (``not_netease``, ``deleted``, ``no_body``, ``not_an_article``, ``too_complex``) when the input
    is not a cleanable article.
    """
    return clean_with(html, url, charset=charset, templates=TEMPLATES)


def clean_with(
    html: bytes | str,
    url: str | None = None,
    *,
    charset: str | None = None,
    templates: Sequence[Template] = (),
    on_parsed: Callable[[Page], None] | None = None,
) -> Article:
    """:func:`clean_html` with a chosen template list; ``templates=()`` is the template-free path.

    ``on_parsed`` sees the page once, parsed and not yet pruned (``crawl --follow`` reads its links
    there, so the page is parsed once for both).
    """
    if not isinstance(html, bytes | str):
        raise TypeError(f"clean_html() takes bytes or str, not {type(html).__name__}")
    if isinstance(html, bytes):
        text = decode_html(html, http_charset=charset)
    elif not html.strip():
        raise DecodeError("the input is empty", reason=Reason.EMPTY)
    else:
        text = html
    check_complexity(text)
    page = Page(text, url)
    if on_parsed is not None:
        on_parsed(page)
    template = next((t for t in templates if t.matches(page)), None)
    if template is not None:
        article = _clean_with_template(page, template)
        if article is not None:
            return article
        page = Page(text, url)  # the template pruned this tree; start the generic path afresh
        link_page = _is_link_page(page, _docid_of(page))  # before the generic path prunes the tree
        try:
            return _clean_unknown_layout(page)
        except ParseError as exc:
            if exc.reason != Reason.NOT_AN_ARTICLE or link_page:
                raise
            # An article frame with an empty body: the page is an article, its text is missing.
            raise ParseError(
                f"the {template.name} body is empty and no other prose was found", reason=Reason.NO_BODY
            ) from None
    return _clean_unknown_layout(page)


def _clean_with_template(page: Page, template: Template) -> Article | None:
    """The template's reading of the page; None when its body holds no text (then the generic path runs)."""
    page.frame = template.frame(page)
    fields = _metadata(page, template)  # before the body is pruned: some metadata lives inside it
    nodes = outermost(template.body_nodes(page))
    for node in nodes:
        template.prune(node)
    whole = prune_structure(nodes, fields["docid"])
    paragraphs = paragraphs_from(nodes, newline_breaks=template.newline_breaks, whole=whole)
    if not paragraphs:
        return None
    images = tuple(images_from(nodes, page.url))
    return Article(template=template.name, text="\n".join(paragraphs), images=images, **fields)


def _clean_unknown_layout(page: Page) -> Article:
    """The template-free path: NetEase chrome pruned, the main content found by its prose, then pruned."""
    if not is_netease_url(page.url) and not _NETEASE_MARKERS.search(page.html):
        raise ParseError("not a NetEase page (no 163.com/网易 markers)", reason=Reason.NOT_NETEASE)
    if _looks_deleted(page):
        raise ParseError("the article was deleted or the page does not exist", reason=Reason.DELETED)
    fields = _metadata(page, _GENERIC)  # before anything is pruned
    link_page = _is_link_page(page, fields["docid"])  # before the chrome goes: list pages are mostly chrome
    remove_chrome(page)
    content = find_main_content(page)
    paragraphs: list[str] = []
    images: tuple[Image, ...] = ()
    if content is not None and in_teaser_list(content.nodes[0], fields["docid"]):
        raise ParseError(
            "the page's only prose is the summary of one item in a list of articles (a channel page?)",
            reason=Reason.NOT_AN_ARTICLE,
        )
    if content is not None:
        nodes = list(content.nodes)
        for node in nodes:
            remove_noise(node)
        whole = prune_structure(nodes, fields["docid"])
        paragraphs = _without_headline(paragraphs_from(nodes, whole=whole), fields["title"])
        images = tuple(images_from(nodes, page.url))
    if not paragraphs and content is None and not link_page:
        paragraphs = _without_headline(fallback_paragraphs(page), fields["title"])
        images = ()
    if not paragraphs and link_page:
        raise ParseError(
            "no article prose on the page, only links to other articles (a list, channel or index page?)",
            reason=Reason.NOT_AN_ARTICLE,
        )
    if not paragraphs:
        _raise_no_body(page)
    if not _reads_like_an_article(paragraphs):
        raise ParseError(
            "no article prose on the page (a list, channel or index page?)", reason=Reason.NOT_AN_ARTICLE
        )
    if (
        _at_a_list_address(page.url)
        and sum(map(len, paragraphs)) < SHORT_BODY
        and _is_link_page(page, fields["docid"])
    ):
        raise ParseError(
            "a list address (not an article URL) with a short lead and many links: a channel or topic page",
            reason=Reason.NOT_AN_ARTICLE,
        )
    return Article(template="fallback", text="\n".join(paragraphs), images=images, **fields)


def _docid_of(page: Page) -> str | None:
    return _GENERIC.docid(page)


def _at_a_list_address(url: str | None) -> bool:
    """True for a NetEase URL that the URL grammar does not take for an article (``/special/``, ``/world/``)."""
    if not is_netease_url(url):
        return False
    try:
        parse_article_url(url or "")
    except URLRejected:
        return True
    return False


def _is_link_page(page: Page, own_docid: str | None) -> bool:
    """True for a page whose text is mostly links to other NetEase articles (channel, list, rank pages)."""
    return links_to_other_articles(page, own_docid) >= LIST_PAGE_LINKS


def _without_headline(paragraphs: list[str], title: str) -> list[str]:
    """The body without the headline: generic containers and trafilatura often hold the ``<h1>``."""
    return [p for i, p in enumerate(paragraphs) if not (i < 3 and p == title)]


def _reads_like_an_article(paragraphs: list[str]) -> bool:
    """True when some paragraph is prose: headline lists (channel and index pages) have no full stops."""
    return any(len(p) >= _PROSE_MIN_LINE and _SENTENCE_STOP.search(p) for p in paragraphs)


def _raise_no_body(page: Page) -> None:
    if _looks_deleted(page):
        raise ParseError("the article was deleted or the page does not exist", reason=Reason.DELETED)
    raise ParseError("no article body found on the page", reason=Reason.NO_BODY)


def _looks_deleted(page: Page) -> bool:
    visible = " ".join(filter(None, [page.title_tag, page.first_text("h1", ".error", "body")]))
    return bool(_DELETED_MARKERS.search(visible[:3000]))


class _Fields(TypedDict):
    """The metadata of an Article, read before the body is pruned (see :class:`~scraper.article.Article`)."""

    url: str | None
    canonical_url: str | None
    docid: str | None
    title: str
    published_at: str | None
    source: str | None
    source_url: str | None
    author: str | None
    editor: str | None
    location: str | None
    category: str | None
    keywords: tuple[str, ...]
    description: str | None


def _metadata(page: Page, template: Template) -> _Fields:
    source, source_url = template.source(page)
    docid = template.docid(page)
    keywords_raw = page.meta_value("keywords") or page.root_attr("data-keys") or ""
    keywords = tuple(dict.fromkeys(k for k in _KEYWORD_SPLIT.split(keywords_raw) if k))
    return {
        "url": page.url,
        "canonical_url": template.canonical_url(page) or _canonical_from(page.url, docid),
        "docid": docid,
        "title": template.title(page) or "",
        "published_at": template.published_at(page),
        "source": source,
        "source_url": source_url,
        "author": template.author(page),
        "editor": template.editor(page),
        "location": template.location(page),
        "category": template.category(page),
        "keywords": keywords,
        "description": collapse(page.meta_value("description") or "") or None,
    }


def _canonical_from(url: str | None, docid: str | None) -> str | None:
    """The given URL without decorations when it is this article's; else the docid's app share URL."""
    if url and docid:
        try:
            parsed = parse_article_url(url)
        except URLRejected:
            parsed = None
        if parsed is not None and parsed.docid == docid:
            return parsed.fetch_url
    return canonical_url(docid) if docid else None
