"""``clean_html``: one NetEase page (bytes or text) to an :class:`~scraper.article.Article`."""

from __future__ import annotations

from .fallback import warm_up
from .links import article_links, clean_with_links
from .pipeline import clean_html, clean_with

__all__ = ["article_links", "clean_html", "clean_with", "clean_with_links", "warm_up"]
