"""netease-scraper: NetEase (163.com) article pages to clean text and metadata.

>>> from scraper import clean_html
>>> article = clean_html(open("page.html", "rb").read(), url="https://www.163.com/dy/article/XXXX.html")
>>> article.title, article.published_at, article.text
"""

from ._version import __version__
from .article import Article, Image
from .clean import article_links, clean_html
from .crawl import crawl
from .discover import DiscoveredURL, discover
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
    RobotsDisallowed,
    ScraperError,
    StateStoreError,
    TooManyRedirects,
    URLRejected,
)

__all__ = [
    "ArchiveError",
    "Article",
    "Blocked",
    "BodyTooLarge",
    "ConnectionFailed",
    "DecodeError",
    "DiscoveredURL",
    "FeedError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "HostNotAllowed",
    "Image",
    "ParseError",
    "RobotsDisallowed",
    "ScraperError",
    "StateStoreError",
    "TooManyRedirects",
    "URLRejected",
    "__version__",
    "article_links",
    "clean_html",
    "crawl",
    "discover",
]
