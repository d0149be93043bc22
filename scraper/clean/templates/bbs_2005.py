"""``bbs``: NetEase club/forum threads (bbs*.netease.com, ≈2005). The cleaned body is the first post.

Not a news article, but users feed these pages too; a thread is three ``td.p4`` cells per post:
title, poster, post text (ending in a ``------`` signature and a 〓 ... 发布时间 ... 〓 line).
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..common import collapse, parse_cn_datetime
from ..page import Page
from .base import Template

CELLS = "td.p4"
POST_LINE_MARK = "〓"
SIGNATURE_RULE = "------"


class Bbs2005(Template):
    name = "bbs"
    newline_breaks = True

    def matches(self, page: Page) -> bool:
        cells = self._cells(page)
        return len(cells) >= 3 and POST_LINE_MARK in cells[2].text()

    def title(self, page: Page) -> str | None:
        return collapse(self._cells(page)[0].text()) or super().title(page)

    def author(self, page: Page) -> str | None:
        link = self._cells(page)[1].css_first("a")
        return self.real_author(link.text()) if link is not None else None

    def published_at(self, page: Page) -> str | None:
        for line in self._cells(page)[2].css("p"):
            text = line.text()
            if POST_LINE_MARK in text and "发布时间" in text:
                return parse_cn_datetime(text.split("发布时间", 1)[1])
        return None

    def body_nodes(self, page: Page) -> list[LexborNode]:
        return [self._cells(page)[2]]

    def prune(self, body: LexborNode) -> None:
        # Everything from the "------" rule on is the poster's signature and the post footer.
        cut = False
        for child in list(body.iter(include_text=False)):
            if not cut and child.tag == "p" and collapse(child.text()).startswith(SIGNATURE_RULE):
                cut = True
            if cut or (child.tag == "p" and POST_LINE_MARK in child.text()):
                child.decompose()
        super().prune(body)

    @staticmethod
    def _cells(page: Page) -> list[LexborNode]:
        return page.tree.css(CELLS)
