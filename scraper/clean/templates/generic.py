"""Metadata for layouts no template knows (the body comes from the trafilatura fallback).

Reads what NetEase pages of every era share: ``#ne_article_source``, 来源/责任编辑 labels
near the top of the text, the usual ``<meta>`` tags.
"""

from __future__ import annotations

import re

from ..common import collapse, parse_cn_datetime, strip_editor_code, strip_title_suffix
from ..page import Page
from .base import Template

SOURCE_LINK = "#ne_article_source"
_LABELLED = r"\s*[:：]\s*(?:<[^>]+>\s*)*([^<>\s:：()（）]{1,30})"
_SOURCE = re.compile("(?:本文来源|来源)" + _LABELLED)
_EDITOR = re.compile("责任编辑" + _LABELLED)
_VISIBLE_TIME = re.compile(r"20\d\d[-/年]\d{1,2}[-/月]\d{1,2}日?\s+\d{1,2}:\d{2}(?::\d{2})?")


class Generic(Template):
    name = "fallback"
    channel_comment = True

    def matches(self, page: Page) -> bool:
        return True

    def title(self, page: Page) -> str | None:
        # The headline is the <h1> that agrees with <title>; other <h1>s are logos ("网易商业").
        head = strip_title_suffix(page.meta_value("og:title") or page.title_tag)
        for node in page.tree.css("h1"):
            text = collapse(node.text())
            if text and head and (text in head or head in text):
                return text
        return head or super().title(page)

    def published_at(self, page: Page) -> str | None:
        if found := super().published_at(page):
            return found
        body = page.tree.body
        text = body.text(separator=" ")[:20000] if body is not None else ""
        m = _VISIBLE_TIME.search(text)
        return parse_cn_datetime(m.group(0)) if m else None

    def source(self, page: Page) -> tuple[str | None, str | None]:
        if name := page.first_text(SOURCE_LINK):
            return name, None
        if m := _first_in_markup(_SOURCE, page):
            return collapse(m.group(1)) or None, None
        return self.real_author(page.meta_value("article:author")), None

    def editor(self, page: Page) -> str | None:
        m = _first_in_markup(_EDITOR, page)
        return strip_editor_code(m.group(1)) if m else None


def _first_in_markup(pattern: re.Pattern[str], page: Page) -> re.Match[str] | None:
    """First match in the page markup outside ``<script>`` (label values often sit in their own tag)."""
    body = page.tree.body
    markup = body.html if body is not None else page.html
    markup = re.sub(r"<script\b.*?</script>", "", markup or "", flags=re.S | re.I)
    return pattern.search(markup)
