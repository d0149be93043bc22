"""``pc-legacy``, 网易商业「亦观察」column variant (2015): ``.observe_content`` / ``div.entext`` + ``#endText``."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..common import parse_cn_datetime
from ..page import Page
from .base import Template

CONTAINER = ".observe_content"
TITLE = ("h2.con1_ltle",)
AUTHOR = "span.con1_author"
DATE = "span.con1_date"
BODY_PARTS = (".observe_content .entext", ".observe_content #endText")


class PcLegacyObserve(Template):
    name = "pc-legacy-observe"
    comment_docid_keys = ("threadId", "docId")
    title_selectors = TITLE
    body_selectors = BODY_PARTS

    def matches(self, page: Page) -> bool:
        return page.css_first(CONTAINER) is not None and page.css_first(BODY_PARTS[0]) is not None

    def published_at(self, page: Page) -> str | None:
        return parse_cn_datetime(page.first_text(DATE)) or super().published_at(page)

    def author(self, page: Page) -> str | None:
        return self.real_author(page.first_text(AUTHOR))

    def body_nodes(self, page: Page) -> list[LexborNode]:
        # The column text, then the closing note in #endText; an embedded gallery between them is not body.
        return [n for sel in BODY_PARTS if (n := page.css_first(sel)) is not None]
