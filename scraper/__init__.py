"""netease-scraper: NetEase (163.com) article pages to clean text and metadata.

>>> from scraper import clean_html
>>> article = clean_html(open("page.html", "rb").read(), url="https://www.163.com/dy/article/XXXX.html")
>>> article.title, article.published_at, article.text

The public API is this module's ``__all__``. Cleaning is imported at once; the crawler and discovery
(httpx, sqlite3, the process pools) load on first use of one of their names, so a user who only
cleans pages never imports them. The subpackages are ``scraper.crawling`` and ``scraper.discovery``,
named apart from the ``crawl`` and ``discover`` functions so that neither ever hides the other
(likewise ``scraper.common_crawl`` and ``commoncrawl``).
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

from ._version import __version__
from .article import Article, Image
from .clean import article_links, clean_html
from .config import FetchOptions  # plain data: no I/O imported
from .errors import (
    ArchiveError,
    Blocked,
    BodyTooLarge,
    ConnectionFailed,
    DecodeError,
    FeedError,
    FetchError,
    FetchTimeout,
    HostNotAllowed,
    HTTPStatusError,
    ParseError,
    Reason,
    RobotsDisallowed,
    ScraperError,
    StateStoreError,
    TooManyRedirects,
    URLRejected,
)

if _TYPE_CHECKING:  # the lazy names, for type checkers and editors
    from .common_crawl import CommonCrawlOptions, commoncrawl
    from .crawling import CrawlOptions, CrawlSummary, crawl, crawl_async
    from .discovery import (
        DiscoveredURL,
        DiscoverOptions,
        DiscoveryResult,
        SourceFailure,
        discover,
        discover_async,
    )

__all__ = [
    "ArchiveError",
    "Article",
    "Blocked",
    "BodyTooLarge",
    "CommonCrawlOptions",
    "ConnectionFailed",
    "CrawlOptions",
    "CrawlSummary",
    "DecodeError",
    "DiscoverOptions",
    "DiscoveredURL",
    "DiscoveryResult",
    "FeedError",
    "FetchError",
    "FetchOptions",
    "FetchTimeout",
    "HTTPStatusError",
    "HostNotAllowed",
    "Image",
    "ParseError",
    "Reason",
    "RobotsDisallowed",
    "ScraperError",
    "SourceFailure",
    "StateStoreError",
    "TooManyRedirects",
    "URLRejected",
    "__version__",
    "article_links",
    "clean_html",
    "commoncrawl",
    "crawl",
    "crawl_async",
    "discover",
    "discover_async",
]

# name -> subpackage that defines it, imported on first access (it pulls in httpx, sqlite3, asyncio...)
_LAZY = {
    "CommonCrawlOptions": "common_crawl",
    "commoncrawl": "common_crawl",
    "CrawlOptions": "crawling",
    "CrawlSummary": "crawling",
    "crawl": "crawling",
    "crawl_async": "crawling",
    "DiscoverOptions": "discovery",
    "DiscoveredURL": "discovery",
    "DiscoveryResult": "discovery",
    "SourceFailure": "discovery",
    "discover": "discovery",
    "discover_async": "discovery",
}


def __getattr__(
    name: str,
) -> object:  # no `from __future__ import annotations` here: it would be a public name
    """Import a lazy public name on first use (PEP 562) and keep it."""
    package = _LAZY.get(name)
    if package is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{package}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
