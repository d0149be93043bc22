"""The one exception tree of netease-scraper.

Every error the package raises on purpose is a ``ScraperError``; each carries a short
machine-readable ``reason`` (used in failure records) and a human message.

    ScraperError
    ├── URLRejected            reason: not_netease | bad_url
    ├── FetchError             (url, attempts); reason internal_error: any other exception on one URL
    │   ├── FetchTimeout       reason: timeout
    │   ├── ConnectionFailed   reason: connect_error
    │   ├── HTTPStatusError    reason: http_<status> (carries status)
    │   ├── HostNotAllowed     reason: host_not_allowed
    │   ├── TooManyRedirects   reason: redirect_loop
    │   ├── BodyTooLarge       reason: too_large
    │   ├── RobotsDisallowed   reason: robots | robots_unreachable (robots.txt 5xx / no answer)
    │   └── Blocked            reason: blocked (403 / captcha page)
    ├── DecodeError            reason: decode_error | binary | empty
    ├── ParseError             reason: not_netease | not_an_article | deleted | no_body | too_complex | docid_mismatch
    ├── FeedError              reason: bad_feed | empty_feed | not_a_list (discover: a list/feed source)
    ├── ArchiveError           reason: warc_error
    └── StateStoreError        reason: state_error
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "Blocked",
    "BodyTooLarge",
    "ConnectionFailed",
    "DecodeError",
    "FeedError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "HostNotAllowed",
    "ParseError",
    "RobotsDisallowed",
    "ScraperError",
    "StateStoreError",
    "TooManyRedirects",
    "URLRejected",
]


class ScraperError(Exception):
    """Base class of every error raised by netease-scraper."""

    reason: str = "error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class URLRejected(ScraperError):
    """A URL that is not a NetEase article URL (``not_netease``) or not a URL at all (``bad_url``)."""

    reason = "bad_url"


class FetchError(ScraperError):
    """Fetching a URL failed; ``url`` and ``attempts`` say which and how often."""

    reason = "fetch_error"

    def __init__(
        self, message: str, *, url: str | None = None, attempts: int = 1, reason: str | None = None
    ) -> None:
        super().__init__(message, reason=reason)
        self.url = url
        self.attempts = attempts


class FetchTimeout(FetchError):
    """Connect or read timed out."""

    reason = "timeout"


class ConnectionFailed(FetchError):
    """The connection could not be made or was dropped."""

    reason = "connect_error"


class HTTPStatusError(FetchError):
    """The server answered with a status that is not a page (``reason`` is ``http_<status>``)."""

    def __init__(self, message: str, *, url: str | None = None, status: int, attempts: int = 1) -> None:
        super().__init__(message, url=url, attempts=attempts, reason=f"http_{status}")
        self.status = status


class HostNotAllowed(FetchError):
    """A redirect (or a URL) pointed to a host outside the allow-list."""

    reason = "host_not_allowed"


class TooManyRedirects(FetchError):
    """Redirects looped or went on for too long."""

    reason = "redirect_loop"


class BodyTooLarge(FetchError):
    """The body was larger than the configured cap."""

    reason = "too_large"


class RobotsDisallowed(FetchError):
    """robots.txt forbids fetching this URL."""

    reason = "robots"


class Blocked(FetchError):
    """The site refused us (403) or served a captcha / verification page."""

    reason = "blocked"


class DecodeError(ScraperError):
    """Bytes that cannot be turned into HTML text (empty, binary, undecodable)."""

    reason = "decode_error"


class ParseError(ScraperError):
    """HTML that is not a cleanable NetEase article (see ``reason``)."""

    reason = "not_an_article"


class FeedError(ScraperError):
    """A discovery source (feed, list API, list page) that yields no article URLs: malformed
    (``bad_feed``), empty (``empty_feed``) or of no known list format (``not_a_list``)."""

    reason = "bad_feed"


class ArchiveError(ScraperError):
    """A WARC record or archive that cannot be read."""

    reason = "warc_error"


class StateStoreError(ScraperError):
    """The crawl state file is unusable."""

    reason = "state_error"
