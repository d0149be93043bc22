"""``pc-legacy``: GBK-era desktop articles (≈2007-2016): ``ep-*`` classes, ``h1#h1title``, ``#endText``."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..common import parse_cn_datetime
from ..page import Page
from .base import Template

TITLE = ("h1#h1title", "h1.ep-h1", "#epContentLeft h1")
TIME_SOURCE = (".ep-time-soure", ".ep-info", ".ep-time-source")
SOURCE_LINK = "#ne_article_source"
SOURCE_LINE = ".ep-source"  # the whole line: its labels (来源, 作者) are cut from it
EDITOR = (".ep-editor", ".ep-source")
ORIGINAL_TITLE = "#epContentLeft > .otitle"  # （原标题：…） sits just above #endText on some pages
BODY = "#endText"


class PcLegacy(Template):
    name = "pc-legacy"
    comment_docid_keys = ("threadId", "docId")
    title_selectors = TITLE
    body_selectors = (BODY,)

    def matches(self, page: Page) -> bool:
        return page.css_first(BODY) is not None and any(
            page.css_first(sel) is not None for sel in (*TITLE, *TIME_SOURCE)
        )

    def published_at(self, page: Page) -> str | None:
        return parse_cn_datetime(page.first_text(*TIME_SOURCE)) or super().published_at(page)

    def source(self, page: Page) -> tuple[str | None, str | None]:
        return self.linked_source(page, SOURCE_LINK, SOURCE_LINE, *TIME_SOURCE)

    def author(self, page: Page) -> str | None:
        return self.real_author(self.labelled(page.first_text(SOURCE_LINE), "作者", words=4))

    def editor(self, page: Page) -> str | None:
        return self.first_editor(page, *EDITOR)

    def body_nodes(self, page: Page) -> list[LexborNode]:
        nodes = [n for n in (page.css_first(ORIGINAL_TITLE), page.css_first(BODY)) if n is not None]
        return nodes
