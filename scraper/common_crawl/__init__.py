"""Common Crawl as a source: list NetEase captures in the CDX index, range-fetch and clean them.

:mod:`.cdx` (the index), :mod:`.records` (one record by HTTP Range, checked), :mod:`.job` (both
stages, the second one the crawl runner's).
"""

from __future__ import annotations

from .job import CommonCrawlOptions, Listing, commoncrawl, commoncrawl_async

__all__ = ["CommonCrawlOptions", "Listing", "commoncrawl", "commoncrawl_async"]
