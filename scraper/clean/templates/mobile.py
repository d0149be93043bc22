"""``mobile``: m.163.com / 3g.163.com article pages (``section.article-body``; older ``div.content``)."""

from __future__ import annotations

from ..common import collapse, parse_cn_datetime
from ..page import Page
from .base import Template

TITLE = ("h1.article-title", ".article-header h1", "h1.title")
AUTHOR_BLOCK = ".article-info .s-author address"
TIME = ".article-info time"
LOCATION = ".article-info .s-time span"
EDITOR = ".article-footer"  # the whole footer: the 责任编辑 label is cut from it
BODY = ("section.article-body", ".article-body", "article .content")


class Mobile(Template):
    name = "mobile"
    title_selectors = TITLE
    body_selectors = BODY

    def matches(self, page: Page) -> bool:
        return page.css_first(".article-body") is not None or (
            page.css_first("h1.article-title") is not None and page.css_first(BODY[2]) is not None
        )

    def published_at(self, page: Page) -> str | None:
        return super().published_at(page) or parse_cn_datetime(page.attr(TIME, "datetime"))

    def source(self, page: Page) -> tuple[str | None, str | None]:
        block = page.css_first(AUTHOR_BLOCK)
        if block is None:
            return page.meta_value("article:author") or None, None
        link = block.css_first("a")
        name = collapse((link or block).text())
        href = (link.attributes.get("href") or "") if link is not None else ""
        return name or None, href if href.startswith("http") else None

    def editor(self, page: Page) -> str | None:
        return self.editor_from(page.first_text(EDITOR))

    def location(self, page: Page) -> str | None:
        value = (page.first_text(LOCATION) or "").strip("·• ")
        return value or None
