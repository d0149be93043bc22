"""``dy-v2``: 网易号 pages on dy.163.com/v2 (2017-2020): ``#contain[data-ptime]`` / ``div#content``."""

from __future__ import annotations

from ..common import collapse
from ..page import Page
from .base import Template

CONTAINER = "#contain[data-wemediaid]"
TITLE = (".article_title h2", ".article_title h1")
TIME_LINE_PARTS = ".article_title .time span"
BODY = (".article_box #content", ".article_box .content")


class DyV2(Template):
    name = "dy-v2"
    title_selectors = TITLE
    body_selectors = BODY

    def matches(self, page: Page) -> bool:
        return page.css_first(".article_box") is not None and page.css_first(BODY[0]) is not None

    def source(self, page: Page) -> tuple[str | None, str | None]:
        # p.time reads "2019-05-17 · 苏皖城市报道": date, dot, publisher.
        parts = [collapse(s.text()) for s in page.tree.css(TIME_LINE_PARTS)]
        names = [p for p in parts if p and p not in ("·", "•") and not p[:4].isdigit()]
        return (names[0] if names else None), None
