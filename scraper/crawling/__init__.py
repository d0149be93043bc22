"""The batch crawler: a URL list in, one JSON line per article out, resumable and exactly once.

    >>> from scraper.crawling import crawl, CrawlOptions
    >>> summary = crawl("urls.txt", "articles.jsonl", CrawlOptions())
    >>> summary.done, summary.failed

``runner`` orchestrates (and documents the exactly-once guarantee), ``schedule`` streams the list,
``state`` is the SQLite state store, ``output`` the files written, ``follow`` decides which links
of a fetched page ``--follow`` queues, ``model`` holds the options and summary records.
"""

from __future__ import annotations

from .runner import CrawlOptions, CrawlProgress, CrawlStart, CrawlSummary, PageSink, crawl, crawl_async

__all__ = ["CrawlOptions", "CrawlProgress", "CrawlStart", "CrawlSummary", "PageSink", "crawl", "crawl_async"]
