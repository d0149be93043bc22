"""``pc-2021``: www.163.com news and 网易号 (dy) articles, 2021 on (``post_main`` / ``post_body``)."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..common import collapse, parse_cn_datetime
from ..page import Page
from .base import Template, class_words_above

TITLE = "h1.post_title"
INFO = ".post_info"
SOURCE_LINK = ".post_info > a:not(.post_jubao)"
SOURCE_LOCATION_ICON = '.post_info img[src*="ipLocation"]'
AUTHOR_LINE = ".post_author"
EDITOR_LINES = (".post_author", ".creative_statement")
BODY = ".post_body"


class Pc2021(Template):
    name = "pc-2021"
    channel_comment = True
    title_selectors = (TITLE, ".post_main h1")
    body_selectors = (BODY,)

    def matches(self, page: Page) -> bool:
        body = page.css_first(BODY)  # the rarest marker first: one walk on most other pages
        if body is None:
            return False
        # .post_main on full pages; lighter variants (关怀版 _pdya11y) keep h1.post_title + .post_body.
        # The frames are read from the body's ancestors first: the 2014 layout's .post_body sits in its
        # .post_content_main, and looking for .post_main there would walk its whole page for nothing.
        for words in class_words_above(body):
            if "post_main" in words:
                return True
            if "post_content_main" in words:
                return False
        return page.css_first(f".post_main, {TITLE}") is not None

    def published_at(self, page: Page) -> str | None:
        return super().published_at(page) or parse_cn_datetime(page.first_text(INFO))

    def source(self, page: Page) -> tuple[str | None, str | None]:
        return self.linked_source(page, SOURCE_LINK, INFO)

    def author(self, page: Page) -> str | None:
        return self.real_author(self.labelled(page.first_text(AUTHOR_LINE), "作者", words=4))

    def editor(self, page: Page) -> str | None:
        return self.first_editor(page, *EDITOR_LINES)

    def location(self, page: Page) -> str | None:
        icon = page.css_first(SOURCE_LOCATION_ICON)
        return _text_after(icon) if icon is not None else None


def _text_after(node: LexborNode) -> str | None:
    """The text node right after ``node`` (the IP属地 after its icon), stripped of dots and labels."""
    sibling = node.next
    while sibling is not None and sibling.tag == "-text" and not collapse(sibling.text_content or ""):
        sibling = sibling.next
    if sibling is None or sibling.tag != "-text":
        return None
    value = collapse(sibling.text_content or "").strip("·• ")
    for label in ("IP属地：", "IP属地:", "发布于"):
        value = value.removeprefix(label).strip()
    return value or None
