"""Find article URLs: NetEase feeds, list APIs, publisher, rank and channel pages → URLs for ``crawl``.

One small module per source format (``channel_feed``, ``mobile_list``, ``json_api``, ``rank_page``,
``publisher_page``, ``links``), detected in the order of ``formats.FORMATS``; ``runner`` fetches
and pages through them. ``discover(sources, since=, limit=)`` is the entry point.
"""

from .model import DiscoveredURL, DiscoveryResult, SourceFailure
from .runner import DiscoverOptions, discover, discover_async

__all__ = [
    "DiscoverOptions",
    "DiscoveredURL",
    "DiscoveryResult",
    "SourceFailure",
    "discover",
    "discover_async",
]
