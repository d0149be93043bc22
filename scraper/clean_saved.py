"""One saved page (a file, stdin, a WARC record) to an :class:`Outcome`: an article record or a failure.

The one home of "clean a :class:`~scraper.sources.SavedPage`": ``netease-scraper clean`` (in
process or in its workers) and the datatrove reader (:mod:`scraper.datatrove_step`) both call
:func:`clean_page`, so the same bytes give the same record whichever way they came.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .clean import clean_html
from .errors import Reason, ScraperError
from .sources import SavedPage

__all__ = ["Outcome", "clean_page"]


@dataclass(frozen=True)
class Outcome:
    """What became of one page: an article record, or a failure reason and message."""

    origin: str
    url: str | None
    article: dict[str, Any] | None = None
    reason: str | None = None
    message: str = ""


def clean_page(page: SavedPage) -> Outcome:
    """Clean one page from its bytes (HTTP charset as a hint); any error becomes a failure outcome.

    Never raises for a bad page: a :class:`ScraperError` gives its own ``reason``, anything else
    ``internal_error`` (a bug on one odd page must not stop a million-page run).
    """
    try:
        # Like the crawl: clean against the URL that answered, then record the one asked for.
        article = clean_html(page.content, url=page.final_url or page.url, charset=page.charset)
        if page.final_url is not None:
            article = article.replace(url=page.url, final_url=page.final_url)
    except ScraperError as exc:
        return Outcome(page.origin, page.url, reason=exc.reason, message=str(exc))
    except Exception as exc:
        return Outcome(
            page.origin, page.url, reason=Reason.INTERNAL_ERROR, message=f"{type(exc).__name__}: {exc}"
        )
    return Outcome(page.origin, page.url, article=article.to_dict())
