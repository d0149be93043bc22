"""``pc-legacy``, 2004-2005 biz.163.com pages: table layout, ``div#text`` or ``span.grayb`` body."""

from __future__ import annotations

from ..common import parse_cn_datetime
from ..page import Page
from .base import Template

TITLE = ("h1",)
TIME_SOURCE = ("#subjection", "td.graysl")
BODY = ("div#text", "span.grayb")


class PcLegacy2004(Template):
    name = "pc-legacy-2004"
    title_selectors = TITLE
    body_selectors = BODY

    def matches(self, page: Page) -> bool:
        return any(page.css_first(sel) is not None for sel in TIME_SOURCE) and super().matches(page)

    def published_at(self, page: Page) -> str | None:
        return parse_cn_datetime(page.first_text(*TIME_SOURCE)) or super().published_at(page)

    def source(self, page: Page) -> tuple[str | None, str | None]:
        return self.labelled(page.first_text(*TIME_SOURCE), "来源"), None
