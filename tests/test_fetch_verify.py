"""scraper.fetch.verify: status mapping, captcha pages, docid mismatches."""

from __future__ import annotations

import pytest
from httpserver import article_page

from scraper.errors import Blocked, FetchError, HTTPStatusError
from scraper.fetch.retry import RetryableStatus
from scraper.fetch.verify import check_docid, check_status, looks_like_captcha

ID = "G33O1QTA05372UZS"
RETRY = frozenset({429, 503})


def test_status_mapping() -> None:
    check_status(200, "u", retry_statuses=RETRY, retry_after=None)
    check_status(203, "u", retry_statuses=RETRY, retry_after=None)
    with pytest.raises(RetryableStatus) as signal:
        check_status(429, "u", retry_statuses=RETRY, retry_after=5.0)
    assert signal.value.retry_after == 5.0 and signal.value.error.reason == "http_429"
    with pytest.raises(Blocked):
        check_status(403, "u", retry_statuses=RETRY, retry_after=None)
    with pytest.raises(HTTPStatusError) as error:
        check_status(301, "u", retry_statuses=RETRY, retry_after=None)  # a redirect without Location
    assert error.value.reason == "http_301"


@pytest.mark.parametrize(
    "page",
    [
        "<title>安全验证</title><div>请拖动滑块</div>".encode(),
        "<p>请输入验证码</p>".encode("gbk"),
        "<p>请输入验证码</p>".encode("gb18030"),
        b"<html><body><div id='CAPTCHA'>Please solve</div></body></html>",
        b"<h1>Verify you are human</h1>",
    ],
)
def test_captcha_pages(page: bytes) -> None:
    assert looks_like_captcha(page)


@pytest.mark.parametrize(
    "page",
    [
        article_page(ID, paragraphs=("警方提醒：不要把验证码告诉陌生人。",)),  # an article about captchas
        b"<html>" + "验证码".encode() + b"x" * 40_000 + b"</html>",  # too big for an interstitial
        article_page(ID),
        b"",
    ],
)
def test_articles_are_not_captchas(page: bytes) -> None:
    assert not looks_like_captcha(page)


def test_docid_check() -> None:
    check_docid(None, "https://www.163.com/", b"", "u")
    check_docid(ID, f"https://www.163.com/dy/article/{ID}.html", b"", "u")
    check_docid(ID, f"https://www.163.com/dy/article/{ID}_pdya11y.html", b"", "u")
    check_docid(ID, "https://www.163.com/latest", article_page(ID), "u")
    with pytest.raises(FetchError) as error:
        check_docid(ID, "https://www.163.com/", b"<html>home</html>", "asked")
    assert (error.value.reason, error.value.url) == ("docid_mismatch", "asked")
    with pytest.raises(FetchError):
        check_docid(ID, "https://www.163.com/dy/article/KVMTIJ5A0556KMI7.html", b"", "u")
