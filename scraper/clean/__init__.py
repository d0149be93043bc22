"""``clean_html``: one NetEase page (bytes or text) to an :class:`~scraper.article.Article`."""

from __future__ import annotations

from .fallback import warm_up
from .pipeline import clean_html, clean_with

__all__ = ["clean_html", "clean_with", "warm_up"]
