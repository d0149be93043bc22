"""The record of one successful fetch, and small helpers to build it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

__all__ = ["FetchResult", "utc_now_iso"]


@dataclass(frozen=True)
class FetchResult:
    """A page as fetched: what was asked, where it ended, and the raw bytes.

    ``headers`` and ``request_headers`` have lower-case keys (repeated headers joined with ``, ``);
    ``charset`` is the ``charset`` parameter of ``Content-Type``, lower case
    (``scraper.encoding.charset_from_content_type``; it may lie: decoding is ``scraper.encoding``'s job);
    ``fetched_at`` is ISO 8601 UTC; ``attempts`` counts tries including the successful one;
    ``http_version`` is ``HTTP/1.1`` or ``HTTP/2``.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    charset: str | None
    fetched_at: str
    attempts: int = 1
    request_headers: dict[str, str] = field(default_factory=dict)
    http_version: str = "HTTP/1.1"


def utc_now_iso() -> str:
    """Now, as ISO 8601 UTC with a ``Z`` (``2025-10-16T12:02:18Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
