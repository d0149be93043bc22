"""What every template provides, with defaults that read standard NetEase metadata.

A template reads top to bottom: named selectors, ``matches``, then one short method per field.
Override only what the layout does differently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import ClassVar

from selectolax.lexbor import LexborNode

from ...urls import DOCID_PATTERN, DOCID_RE, docid_from_url
from ..boilerplate import remove_noise
from ..common import after_label, collapse, parse_cn_datetime, strip_editor_code, strip_title_suffix
from ..page import Page

__all__ = ["Template", "class_words_above"]

# The comment widget's config names the docid: "docId" : "ET4T16A00001875P" / threadId = "ATHCB6Q2002551G6"
_TIE_DOCID = re.compile(rf"""["']?(?:docId|threadId)["']?\s*[:=]\s*["']({DOCID_PATTERN})["']""")
_CHANNEL_INFO = re.compile(r"<!--\s*channelInfo\s+(\{[^<>]*?\})\s*-->")
_GENERIC_AUTHORS = frozenset({"网易", "网易新闻", "netease", "NetEase", "手机网易网"})


class Template:
    """Base template: generic NetEase metadata; subclasses name their selectors."""

    name: ClassVar[str] = "base"
    title_selectors: ClassVar[tuple[str, ...]] = ("h1",)
    body_selectors: ClassVar[tuple[str, ...]] = ()
    newline_breaks: ClassVar[bool] = False  # True for plain-text bodies where a newline ends a paragraph
    # The <!-- channelInfo {...} --> comment of the 2021 layout (.post_side). Looking for it is a scan
    # of the whole page text (about 0.1 ms when absent), so layouts that never carry it skip it.
    channel_comment: ClassVar[bool] = False
    # The names the comment widget's config gives the docid, in the order looked for: each miss is a
    # scan of the whole text (0.05-0.1 ms), and the 2010-2015 layouts only ever say threadId.
    comment_docid_keys: ClassVar[tuple[str, ...]] = ("docId", "threadId")

    def matches(self, page: Page) -> bool:
        """True when this template's markers are on the page."""
        return any(page.css_first(sel) is not None for sel in self.body_selectors)

    def frame(self, page: Page) -> LexborNode | None:
        """The element that holds the article's headline, byline and body (None: the whole page)."""
        return None

    # --- fields -----------------------------------------------------------------------------
    def title(self, page: Page) -> str | None:
        return page.first_text(*self.title_selectors) or strip_title_suffix(
            page.meta_value("og:title") or page.title_tag
        )

    def published_at(self, page: Page) -> str | None:
        return (
            parse_cn_datetime(page.root_attr("data-publishtime"))
            or parse_cn_datetime(
                page.attr("#contain[data-ptime]", "data-ptime")
            )  # not .post_next: the next article
            or parse_cn_datetime(page.meta_value("article:published_time"))
            or parse_cn_datetime(page.meta_value("og:release_date"))
        )

    def source(self, page: Page) -> tuple[str | None, str | None]:
        """(name, link) of the 来源."""
        return None, None

    def author(self, page: Page) -> str | None:
        return None

    def editor(self, page: Page) -> str | None:
        return None

    def location(self, page: Page) -> str | None:
        return None

    def category(self, page: Page) -> str | None:
        if value := page.root_attr("data-category"):
            return value
        if self.channel_comment and (m := _search_near(_CHANNEL_INFO, page.html, "channelInfo")):
            try:
                return json.loads(m.group(1)).get("name") or None
            except ValueError:
                pass
        trail = page.css_first(".post_crumb, .ep-crumb, .nav_crumb")  # one walk, then its links
        crumbs = [collapse(a.text()) for a in trail.css("a")] if trail is not None else []
        return crumbs[1] if len(crumbs) > 1 else None

    def docid(self, page: Page) -> str | None:
        # The page's own word first; the address it was fetched or filed under last (a --url or a WARC
        # target URI may name another article: the record must not contradict its own page). Of the
        # page's words, the cheap ones come first: <html data-id>, the head's canonical link and
        # og:url, the comment widget's config in the text; the body's data-docid, which only a walk
        # of the whole tree finds, comes last. On every page seen they name the same article.
        if (value := page.root_attr("data-id")) and DOCID_RE.fullmatch(value):
            return value
        for address in (page.canonical_link, page.meta_value("og:url", head_only=True)):
            if address and (found := docid_from_url(address)):
                return found
        for anchor in self.comment_docid_keys:
            if m := _search_near(_TIE_DOCID, page.html, anchor):
                return m.group(1)
        if (value := page.docid_attribute) and DOCID_RE.fullmatch(value):
            return value
        return docid_from_url(page.url) if page.url else None

    def canonical_url(self, page: Page) -> str | None:
        return page.canonical_link or page.meta_value("og:url", head_only=True) or None

    def body_nodes(self, page: Page) -> list[LexborNode]:
        """The container(s) holding the article body, in reading order."""
        for selector in self.body_selectors:
            node = page.css_first(selector)
            if node is not None:
                return [node]
        return []

    def prune(self, body: LexborNode) -> None:
        """Delete boilerplate blocks inside a body node (in place)."""
        remove_noise(body)

    # --- helpers for subclasses --------------------------------------------------------------
    def linked_source(
        self, page: Page, link_selector: str, *line_selectors: str
    ) -> tuple[str | None, str | None]:
        """来源 from its link (name, and the href when it is a public http(s) address), else from a labelled line."""
        link = page.css_first(link_selector)
        if link is not None and (name := collapse(link.text())):
            return name, _public_href(link.attributes.get("href"))
        return self.labelled(page.first_text(*line_selectors), "本文来源", "来源"), None

    def first_editor(self, page: Page, *selectors: str) -> str | None:
        """责任编辑 from the first of ``selectors`` that names one, NetEase's code stripped."""
        for selector in selectors:
            if editor := self.editor_from(page.first_text(selector)):
                return editor
        return None

    @staticmethod
    def labelled(text: str | None, *labels: str, words: int = 1) -> str | None:
        return after_label(text, *labels, words=words)

    @staticmethod
    def editor_from(text: str | None) -> str | None:
        return strip_editor_code(after_label(text, "责任编辑"))

    @staticmethod
    def real_author(name: str | None) -> str | None:
        name = collapse(name or "")
        return name if name and name not in _GENERIC_AUTHORS else None


def class_words_above(node: LexborNode) -> Iterator[list[str]]:
    """The class words of each ancestor of ``node``, nearest first (a frame found without a walk)."""
    current = node.parent
    while current is not None:
        yield (current.attributes.get("class") or "").split()
        current = current.parent


def _search_near(pattern: re.Pattern[str], text: str, anchor: str, window: int = 400) -> re.Match[str] | None:
    """``pattern.search`` only around occurrences of a literal ``anchor``.

    A regex scan of a whole 500 kB page costs more than the rest of the cleaning; ``str.find`` does not.
    """
    start = text.find(anchor)
    while start != -1:
        if m := pattern.search(text, max(0, start - 20), start + window):
            return m
        start = text.find(anchor, start + 1)
    return None


def _public_href(href: str | None) -> str | None:
    # Source links are sometimes placeholders ("http://#") or NetEase's internal feed servers (192.168.x).
    href = (href or "").strip()
    if not href.startswith(("http://", "https://")) or href in ("http://#", "https://#"):
        return None
    host = href.split("/", 3)[2] if href.count("/") >= 2 else ""
    return None if host.startswith(("192.168.", "10.", "127.", "localhost")) else href
