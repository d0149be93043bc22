"""``pc-legacy``: GBK-era desktop articles (≈2007-2016): ``ep-*`` classes, ``h1#h1title``, ``#endText``."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..common import collapse, parse_cn_datetime
from ..page import Page
from .base import Template

TITLE = ("h1#h1title", "h1.ep-h1", "#epContentLeft h1")
TIME_SOURCE = (".ep-time-soure", ".ep-info", ".ep-time-source")
SOURCE_LINK = "#ne_article_source"
SOURCE_LINE = ".ep-source .left, .ep-source"
EDITOR = (".ep-editor", ".ep-source")
ORIGINAL_TITLE = "#epContentLeft > .otitle"  # （原标题：…） sits just above #endText on some pages
BODY = "#endText"


class PcLegacy(Template):
    name = "pc-legacy"
    title_selectors = TITLE
    body_selectors = (BODY,)

    def matches(self, page: Page) -> bool:
        return page.css_first(BODY) is not None and any(
            page.css_first(sel) is not None for sel in (*TITLE, *TIME_SOURCE)
        )

    def published_at(self, page: Page) -> str | None:
        return parse_cn_datetime(page.first_text(*TIME_SOURCE)) or super().published_at(page)

    def source(self, page: Page) -> tuple[str | None, str | None]:
        link = page.css_first(SOURCE_LINK)
        if link is not None and (name := collapse(link.text())):
            href = (link.attributes.get("href") or "").strip()
            return name, href if href.startswith("http") and "//192.168." not in href else None
        line = page.first_text(SOURCE_LINE) or page.first_text(*TIME_SOURCE)
        return self.labelled(line, "本文来源", "来源"), None

    def author(self, page: Page) -> str | None:
        return self.real_author(self.labelled(page.first_text(SOURCE_LINE), "作者", words=4))

    def editor(self, page: Page) -> str | None:
        for selector in EDITOR:
            if editor := self.editor_from(page.first_text(selector)):
                return editor
        return None

    def body_nodes(self, page: Page) -> list[LexborNode]:
        nodes = [n for n in (page.css_first(ORIGINAL_TITLE), page.css_first(BODY)) if n is not None]
        return nodes
