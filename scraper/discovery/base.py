"""What a list format module provides: recognise a page, read its items, name its next page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import FeedItem

__all__ = ["Format"]


@dataclass(frozen=True)
class Format:
    """One list/feed format.

    ``sniff(text, url)``: does this page look like the format (cheap, on the decoded text and the
    URL it came from, None for a file). ``parse(text, base)``: its items, in page order; raises
    ``FeedError(bad_feed)`` when the page is malformed; ``base`` resolves relative links.
    ``next_page(first_url, n)``: the URL of page ``n`` (2, 3...) of the list whose first page was
    ``first_url``, or None when the format has no paging (or the URL does not show it).
    """

    name: str
    sniff: Callable[[str, str | None], bool]
    parse: Callable[[str, str | None], list[FeedItem]]
    next_page: Callable[[str, int], str | None]


def no_paging(first_url: str, n: int) -> str | None:
    """``next_page`` of a format whose pages do not continue (HTML list pages)."""
    return None
