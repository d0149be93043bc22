"""Layer 7 of 7 (``fetcher.LAYERS``): is the final response an article page? Status, block/captcha and docid checks.

Each check raises the ``FetchError`` that names the failure; a page that passes them all goes to the
cleaner.
"""

from __future__ import annotations

from ..errors import Blocked, FetchError, HTTPStatusError, Reason
from ..urls import docid_from_url
from .retry import RetryableStatus

__all__ = ["check_docid", "check_not_captcha", "check_status", "looks_like_captcha"]

# Verification / captcha interstitials are small pages with one of these words.
CAPTCHA_WORDS = ("验证码", "安全验证", "人机验证", "访问验证", "滑块验证", "请完成验证")
CAPTCHA_ASCII = (b"captcha", b"verify you are human")
CAPTCHA_MAX_BYTES = 30_000
# A page with an article body container is an article, even a short one that mentions 验证码.
ARTICLE_MARKERS = (
    b"post_body",
    b"post_text",
    b"endText",
    b"article-body",
    b"post_content",
    b"observe_content",
)
# Matched on the raw bytes in both encodings NetEase used (lower-casing would corrupt GBK bytes).
_ENCODED_WORDS = tuple({m.encode(codec) for m in CAPTCHA_WORDS for codec in ("utf-8", "gb18030")})


def check_status(status: int, url: str, *, retry_statuses: frozenset[int], retry_after: float | None) -> None:
    """Raise for a non-2xx final status: retryable ones as ``RetryableStatus``, 403 as ``Blocked``."""
    if 200 <= status < 300:
        return
    error = HTTPStatusError(f"HTTP {status} for {url}", url=url, status=status)
    if status in retry_statuses:
        raise RetryableStatus(error, retry_after)
    if status == 403:
        raise Blocked(f"HTTP 403 (refused) for {url}", url=url)
    raise error


def looks_like_captcha(content: bytes) -> bool:
    """True for a small page that asks for a captcha / verification and has no article body."""
    if len(content) > CAPTCHA_MAX_BYTES:
        return False
    lowered = content.lower()
    if any(marker.lower() in lowered for marker in ARTICLE_MARKERS):
        return False
    return any(m in lowered for m in CAPTCHA_ASCII) or any(m in content for m in _ENCODED_WORDS)


def check_not_captcha(content: bytes, url: str) -> None:
    """Raise ``Blocked(reason="captcha")`` for a captcha / verification page."""
    if looks_like_captcha(content):
        raise Blocked(f"captcha or verification page instead of {url}", url=url, reason=Reason.CAPTCHA)


def check_docid(expect_docid: str | None, final_url: str, content: bytes, url: str) -> None:
    """Raise ``FetchError(reason="docid_mismatch")`` when the page is not the article asked for.

    A redirect to a home page or another article changes the final URL's docid; the page still counts
    when it names the expected docid itself (e.g. in its canonical link).
    """
    if expect_docid is None or docid_from_url(final_url) == expect_docid:
        return
    if expect_docid.encode("ascii", errors="ignore") in content:
        return
    raise FetchError(
        f"asked for {expect_docid}, got {final_url} without it", url=url, reason=Reason.DOCID_MISMATCH
    )
