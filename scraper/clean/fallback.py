"""The fallback for layouts no template knows: NetEase chrome pruned, trafilatura, then the line filter."""

from __future__ import annotations

from .boilerplate import PAGE_CHROME_SELECTOR, is_boilerplate_line
from .common import collapse
from .page import Page

__all__ = ["fallback_paragraphs"]


def fallback_paragraphs(page: Page) -> list[str]:
    """Body paragraphs of an unknown layout, as trafilatura finds them, minus NetEase chrome.

    Known chrome blocks (nav, sidebars, recommendation lists, comments, footer) are deleted from
    the tree first, so trafilatura cannot mistake a long 相关推荐 list for the article.
    """
    import trafilatura  # imported lazily: it is slow to import and only unknown layouts need it

    root = page.tree.root
    if root is not None:
        for node in root.css(PAGE_CHROME_SELECTOR):
            node.decompose()
    text = trafilatura.extract(
        page.tree.html or page.html,
        url=page.url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=False,
        deduplicate=False,
    )
    if not text:
        return []
    lines = (collapse(line) for line in text.split("\n"))
    return [line for line in lines if line and not is_boilerplate_line(line)]
