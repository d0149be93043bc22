"""The fallback for layouts no template knows: NetEase chrome pruned, trafilatura, then the line filter."""

from __future__ import annotations

from .boilerplate import PAGE_CHROME_SELECTOR, is_boilerplate_line
from .common import collapse
from .page import Page

__all__ = ["fallback_paragraphs", "remove_chrome", "warm_up"]


def warm_up() -> None:
    """Import trafilatura now (about 1.5 s), so the first page that needs it does not stall a crawl."""
    import trafilatura  # noqa: F401


def remove_chrome(page: Page) -> None:
    """Delete the known page chrome (nav, sidebars, recommendation lists, comments, footer) in place."""
    root = page.tree.root
    if root is not None:
        for node in root.css(PAGE_CHROME_SELECTOR):
            node.decompose()


def fallback_paragraphs(page: Page) -> list[str]:
    """Body paragraphs of an unknown layout as trafilatura finds them (after ``remove_chrome``), minus chrome lines.

    The last resort, for pages where ``content.find_main_content`` finds no prose block.
    """
    import trafilatura  # imported lazily: it is slow to import and only odd layouts need it

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
