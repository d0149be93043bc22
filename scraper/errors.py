"""The one exception tree of netease-scraper, and the one list of failure reason codes.

Every error the package raises on purpose is a ``ScraperError``; each carries a short
machine-readable ``reason`` (a :class:`Reason`, used in failure records) and a human message.
The tree, with the reasons each class is raised with (``reason_tree()`` draws it from the
classes; a test keeps this copy and the README's equal to it):

    ScraperError               usage | locked
    ├── URLRejected            not_netease | bad_url
    ├── FetchError             bad_url | bad_encoding | protocol_error | docid_mismatch | internal_error | bad_proxy | bad_transport | bad_index | bad_range
    │   ├── FetchTimeout       timeout
    │   ├── ConnectionFailed   connect_error
    │   ├── HTTPStatusError    http_<status>
    │   ├── HostNotAllowed     host_not_allowed
    │   ├── TooManyRedirects   redirect_loop
    │   ├── BodyTooLarge       too_large
    │   ├── RobotsDisallowed   robots | robots_unreachable
    │   └── Blocked            blocked | captcha
    ├── DecodeError            empty | binary | decode_error
    ├── ParseError             not_netease | not_an_article | deleted | no_body | too_complex
    ├── FeedError              bad_feed | empty_feed | not_a_list
    ├── ArchiveError           warc_error | bad_gzip | locked | bad_record
    └── StateStoreError        state_error | locked | write_failed

Failure records also carry reasons that no exception does (a WARC record cut short, a clean worker
that died, a skipped WARC record): every code is a :class:`Reason` member, except ``http_<status>``
(:meth:`Reason.http`).
"""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

__all__ = [
    "HTTP_REASON",
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
    "Reason",
    "RobotsDisallowed",
    "ScraperError",
    "StateStoreError",
    "TooManyRedirects",
    "URLRejected",
    "reason_tree",
]

HTTP_REASON = "http_<status>"  # how the one dynamic code is written in docs: http_404, http_503...


class Reason(str, Enum):
    """Every failure (and WARC skip) reason code; members are plain strings (``Reason.EMPTY == "empty"``),
    so JSON lines, SQLite rows and counters hold the same text they always did."""

    # input bytes and pages (clean, crawl)
    EMPTY = "empty"
    BINARY = "binary"
    DECODE_ERROR = "decode_error"
    NOT_NETEASE = "not_netease"
    NOT_AN_ARTICLE = "not_an_article"
    DELETED = "deleted"
    NO_BODY = "no_body"
    TOO_COMPLEX = "too_complex"
    TOO_LARGE = "too_large"
    INTERNAL_ERROR = "internal_error"
    WORKER_CRASHED = "worker_crashed"
    # files and WARC records (clean)
    NOT_FOUND = "not_found"
    READ_ERROR = "read_error"
    BAD_GZIP = "bad_gzip"
    TRUNCATED = "truncated"
    BAD_HEADER = "bad_header"
    BAD_HTTP = "bad_http"
    BAD_PAYLOAD = "bad_payload"
    # WARC records skipped, not failed (and http_<status>)
    NON_RESPONSE = "non_response"
    NON_NETEASE = "non_netease"
    NON_HTML = "non_html"
    # URLs and fetching (crawl, discover)
    BAD_URL = "bad_url"
    TIMEOUT = "timeout"
    CONNECT_ERROR = "connect_error"
    PROTOCOL_ERROR = "protocol_error"
    BAD_ENCODING = "bad_encoding"
    HOST_NOT_ALLOWED = "host_not_allowed"
    REDIRECT_LOOP = "redirect_loop"
    ROBOTS = "robots"
    ROBOTS_UNREACHABLE = "robots_unreachable"
    BLOCKED = "blocked"
    CAPTCHA = "captcha"
    DOCID_MISMATCH = "docid_mismatch"
    # discovery sources
    BAD_FEED = "bad_feed"
    EMPTY_FEED = "empty_feed"
    NOT_A_LIST = "not_a_list"
    # errors that stop a run instead of failing one input
    USAGE = "usage"
    LOCKED = "locked"
    BAD_PROXY = "bad_proxy"
    BAD_TRANSPORT = "bad_transport"
    WARC_ERROR = "warc_error"
    # Common Crawl (commoncrawl): an unusable index answer, a Range answer, a record
    BAD_INDEX = "bad_index"
    BAD_RANGE = "bad_range"
    BAD_RECORD = "bad_record"
    STATE_ERROR = "state_error"
    WRITE_FAILED = "write_failed"
    ERROR = "error"  # an error raised without a reason: a bug

    def __str__(self) -> str:
        return str.__str__(self)  # the code itself, on every Python (3.10's Enum.__str__ says "Reason.X")

    def __format__(self, spec: str) -> str:
        return str.__format__(str(self), spec)

    @staticmethod
    def http(status: int) -> str:
        """The reason of an HTTP status that is not a page: ``Reason.http(404) == "http_404"``."""
        return f"http_{status}"


class ScraperError(Exception):
    """Base class of every error raised by netease-scraper.

    ``reasons`` lists the codes a class is raised with (drawn in :func:`reason_tree`); ``reason`` is the
    code of this error.
    """

    reason: str = Reason.ERROR
    reasons: ClassVar[tuple[str, ...]] = (Reason.USAGE, Reason.LOCKED)

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class URLRejected(ScraperError):
    """A URL that is not a NetEase article URL (``not_netease``) or not a URL at all (``bad_url``)."""

    reason = Reason.BAD_URL
    reasons = (Reason.NOT_NETEASE, Reason.BAD_URL)


class FetchError(ScraperError):
    """Fetching a URL failed; ``url`` and ``attempts`` say which and how often.

    Raised as such for an unusable URL or ``Location``, a broken body encoding, another HTTP error,
    a page without the docid asked for, an unexpected exception on one URL, and an unusable proxy or
    transport (which stop the run).
    """

    reasons: ClassVar[tuple[str, ...]] = (
        Reason.BAD_URL,
        Reason.BAD_ENCODING,
        Reason.PROTOCOL_ERROR,
        Reason.DOCID_MISMATCH,
        Reason.INTERNAL_ERROR,
        Reason.BAD_PROXY,
        Reason.BAD_TRANSPORT,
        Reason.BAD_INDEX,
        Reason.BAD_RANGE,
    )

    def __init__(
        self, message: str, *, url: str | None = None, attempts: int = 1, reason: str | None = None
    ) -> None:
        super().__init__(message, reason=reason)
        self.url = url
        self.attempts = attempts


class FetchTimeout(FetchError):
    """Connect or read timed out."""

    reason = Reason.TIMEOUT
    reasons = (Reason.TIMEOUT,)


class ConnectionFailed(FetchError):
    """The connection could not be made or was dropped."""

    reason = Reason.CONNECT_ERROR
    reasons = (Reason.CONNECT_ERROR,)


class HTTPStatusError(FetchError):
    """The server answered with a status that is not a page (``reason`` is ``http_<status>``)."""

    reasons = (HTTP_REASON,)

    def __init__(self, message: str, *, url: str | None = None, status: int, attempts: int = 1) -> None:
        super().__init__(message, url=url, attempts=attempts, reason=Reason.http(status))
        self.status = status


class HostNotAllowed(FetchError):
    """A redirect (or a URL) pointed to a host outside the allow-list."""

    reason = Reason.HOST_NOT_ALLOWED
    reasons = (Reason.HOST_NOT_ALLOWED,)


class TooManyRedirects(FetchError):
    """Redirects looped or went on for too long."""

    reason = Reason.REDIRECT_LOOP
    reasons = (Reason.REDIRECT_LOOP,)


class BodyTooLarge(FetchError):
    """The body was larger than the configured cap."""

    reason = Reason.TOO_LARGE
    reasons = (Reason.TOO_LARGE,)


class RobotsDisallowed(FetchError):
    """robots.txt forbids fetching this URL (``robots``), or cannot be read for now (``robots_unreachable``)."""

    reason = Reason.ROBOTS
    reasons = (Reason.ROBOTS, Reason.ROBOTS_UNREACHABLE)


class Blocked(FetchError):
    """The site refused us (403) or served a captcha / verification page."""

    reason = Reason.BLOCKED
    reasons = (Reason.BLOCKED, Reason.CAPTCHA)


class DecodeError(ScraperError):
    """Bytes that cannot be turned into HTML text (empty, binary, undecodable)."""

    reason = Reason.DECODE_ERROR
    reasons = (Reason.EMPTY, Reason.BINARY, Reason.DECODE_ERROR)


class ParseError(ScraperError):
    """HTML that is not a cleanable NetEase article (see ``reason``)."""

    reason = Reason.NOT_AN_ARTICLE
    reasons = (Reason.NOT_NETEASE, Reason.NOT_AN_ARTICLE, Reason.DELETED, Reason.NO_BODY, Reason.TOO_COMPLEX)


class FeedError(ScraperError):
    """A discovery source (feed, list API, list page) that yields no article URLs: malformed
    (``bad_feed``), empty (``empty_feed``) or of no known list format (``not_a_list``)."""

    reason = Reason.BAD_FEED
    reasons = (Reason.BAD_FEED, Reason.EMPTY_FEED, Reason.NOT_A_LIST)


class ArchiveError(ScraperError):
    """A WARC record or archive that cannot be read, or a WARC another crawl is writing (``locked``)."""

    reason = Reason.WARC_ERROR
    reasons = (Reason.WARC_ERROR, Reason.BAD_GZIP, Reason.LOCKED, Reason.BAD_RECORD)


class StateStoreError(ScraperError):
    """The crawl state file (or the output beside it) is unusable, locked, or could not be written."""

    reason = Reason.STATE_ERROR
    reasons = (Reason.STATE_ERROR, Reason.LOCKED, Reason.WRITE_FAILED)


def reason_tree() -> str:
    """The exception tree with the reasons of each class, as drawn in this docstring and the README."""
    lines: list[str] = []

    def draw(cls: type[ScraperError], prefix: str, last: bool, root: bool) -> None:
        branch = "" if root else ("└── " if last else "├── ")
        label = f"{prefix}{branch}{cls.__name__}"
        lines.append(f"{label:<27}{' | '.join(cls.reasons)}".rstrip())
        children = [c for c in cls.__subclasses__() if c.__module__ == __name__]  # not a user's own
        deeper = "" if root else prefix + ("    " if last else "│   ")
        for i, child in enumerate(children):
            draw(child, deeper, i == len(children) - 1, False)

    draw(ScraperError, "", True, True)
    return "\n".join(lines)
