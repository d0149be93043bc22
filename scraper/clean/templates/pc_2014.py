"""``pc-2014``: desktop articles of 2014-2021 (``post_content_main`` / ``#endText.post_text``)."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..common import parse_cn_datetime
from ..page import Page
from .base import Template, class_words_above

TITLE = ("#epContentLeft h1", ".post_content_main h1")
TIME_SOURCE = ".post_time_source"
SOURCE_LINK = "#ne_article_source"
SOURCE_LINE = ".ep-source"  # the whole line: its labels (来源, 作者) are cut from it
EDITOR = (".ep-editor", ".ep-source")
BODY = ("#endText", ".post_text")
FRAME = ".post_content"  # the article area: breadcrumb trail, headline, byline and body


class Pc2014(Template):
    name = "pc-2014"
    title_selectors = TITLE
    body_selectors = BODY

    def matches(self, page: Page) -> bool:
        body = page.css_first(BODY[0])
        if body is None:
            return False
        if any("post_content_main" in words for words in class_words_above(body)):
            return True  # the usual frame, read from the body's ancestors: no second walk
        return page.css_first(f".post_content_main, {TIME_SOURCE}") is not None

    def frame(self, page: Page) -> LexborNode | None:
        return page.tree.css_first(FRAME)

    def published_at(self, page: Page) -> str | None:
        return parse_cn_datetime(page.root_attr("data-publishtime")) or parse_cn_datetime(
            page.first_text(TIME_SOURCE)
        ) or super().published_at(page)  # fmt: skip

    def source(self, page: Page) -> tuple[str | None, str | None]:
        return self.linked_source(page, SOURCE_LINK, SOURCE_LINE, TIME_SOURCE)

    def author(self, page: Page) -> str | None:
        return self.real_author(self.labelled(page.first_text(SOURCE_LINE), "作者", words=4))

    def editor(self, page: Page) -> str | None:
        return self.first_editor(page, *EDITOR)
