"""``clean_html``: one NetEase page (bytes or text) to an :class:`~scraper.article.Article`."""

from __future__ import annotations

from .pipeline import clean_html

__all__ = ["clean_html"]
