"""scraper.fetch against a real local HTTP server with faults: the record or the failure reason for each."""

from __future__ import annotations

import asyncio
import itertools
import re
import socket
from collections.abc import Coroutine
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, TypeVar

import pytest
from httpserver import Delay, Drop, NeteaseServer, Respond, Stall, article_page

from scraper.config import FetchOptions
from scraper.errors import (
    Blocked,
    BodyTooLarge,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    HostNotAllowed,
    HTTPStatusError,
    TooManyRedirects,
)
from scraper.fetch import Backoff, Fetcher, FetchResult

ID = "G33O1QTA05372UZS"
OTHER = "KVMTIJ5A0556KMI7"
PATH = f"/dy/article/{ID}.html"
FAST = Backoff(base=0.01, max=0.05, max_host_delay=0.5)
T = TypeVar("T")


def options(server: NeteaseServer, **changes: Any) -> FetchOptions:
    """Polite defaults shrunk for tests: no delay, short timeouts, two retries."""
    base: dict[str, Any] = {"delay": 0.0, "timeout": 0.5, "retries": 2, "allow_hosts": (server.host,)}
    return FetchOptions(**{**base, **changes})


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fetch(server: NeteaseServer, url: str, *, expect_docid: str | None = None, **changes: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(options(server, **changes), backoff=FAST) as fetcher:
            return await fetcher.fetch(url, expect_docid=expect_docid)

    return run(go())


def failure(
    server: NeteaseServer, url: str, *, expect_docid: str | None = None, **changes: Any
) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(server, url, expect_docid=expect_docid, **changes)
    return info.value


def test_plain_page_gives_a_full_record(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID)
    result = fetch(netease_server, url, expect_docid=ID, user_agent="test-agent/1.0 (+mailto:x@example.org)")
    assert result.url == result.final_url == url
    assert result.status == 200 and result.attempts == 1
    assert result.content == article_page(ID)
    assert result.charset == "utf-8"
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert all(key == key.lower() for key in result.headers)
    assert result.request_headers["user-agent"] == "test-agent/1.0 (+mailto:x@example.org)"
    assert netease_server.requests(PATH)[0].headers["User-Agent"] == "test-agent/1.0 (+mailto:x@example.org)"
    assert result.http_version == "HTTP/1.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.fetched_at)


def test_default_user_agent_is_honest(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID)
    result = fetch(netease_server, url)
    assert result.request_headers["user-agent"].startswith("netease-scraper/")
    assert "zh-CN" in result.request_headers["accept-language"]


def test_500_then_200_is_retried(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID, faults=[Respond(500)])
    result = fetch(netease_server, url)
    assert (result.status, result.attempts, netease_server.hits(PATH)) == (200, 2, 2)


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_retryable_statuses_give_up_after_the_retries(netease_server: NeteaseServer, status: int) -> None:
    url = netease_server.add_article(ID, status=status)
    error = failure(netease_server, url, retries=2)
    assert isinstance(error, HTTPStatusError)
    assert (error.reason, error.status, error.attempts, error.url) == (f"http_{status}", status, 3, url)
    assert netease_server.hits(PATH) == 3


@pytest.mark.parametrize("status", [404, 410, 400, 451])
def test_missing_pages_are_not_retried(netease_server: NeteaseServer, status: int) -> None:
    url = netease_server.add_article(ID, status=status)
    error = failure(netease_server, url)
    assert (error.reason, error.attempts, netease_server.hits(PATH)) == (f"http_{status}", 1, 1)


def test_429_retry_after_seconds_is_honoured_and_slows_the_host(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID, faults=[Respond(429, {"Retry-After": "1"})])

    async def go() -> tuple[FetchResult, float]:
        async with Fetcher(options(netease_server), backoff=FAST) as fetcher:
            result = await fetcher.fetch(url)
            return result, fetcher.host_delay(netease_server.host)

    result, delay_after = run(go())
    assert result.attempts == 2
    first, second = netease_server.requests(PATH)
    assert second.time - first.time >= 0.9  # waited as asked (tolerance for clock granularity)
    assert 0 < delay_after <= FAST.max_host_delay  # slowed down from 0, one success halves it


@pytest.mark.timeout(30)
def test_503_retry_after_http_date_is_capped(netease_server: NeteaseServer) -> None:
    in_an_hour = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    url = netease_server.add_article(ID, faults=[Respond(503, {"Retry-After": in_an_hour})])
    result = fetch(netease_server, url, max_retry_after=0.3)  # an uncapped wait would time the test out
    assert result.attempts == 2
    first, second = netease_server.requests(PATH)
    assert second.time - first.time >= 0.25


def test_slow_response_past_the_timeout(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID, delay=1.5)
    error = failure(netease_server, url, timeout=0.2, retries=1)
    assert isinstance(error, FetchTimeout)
    assert (error.reason, error.attempts, netease_server.hits(PATH)) == ("timeout", 2, 2)


def test_one_slow_response_then_a_fast_one(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID, faults=[Delay(1.5)])
    result = fetch(netease_server, url, timeout=0.2)
    assert (result.status, result.attempts) == (200, 2)


def test_body_that_stalls_midway_times_out(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID, fixed=[Stall(seconds=1.5, after=100)])
    error = failure(netease_server, url, timeout=0.2, retries=0)
    assert error.reason == "timeout"


@pytest.mark.parametrize("reset", [False, True])
def test_dropped_connection_once_is_retried(netease_server: NeteaseServer, reset: bool) -> None:
    url = netease_server.add_article(ID, faults=[Drop(reset=reset)])
    result = fetch(netease_server, url)
    assert (result.status, result.attempts) == (200, 2)


def test_connection_always_dropped(netease_server: NeteaseServer) -> None:
    url = netease_server.add_article(ID, fixed=[Drop()])
    error = failure(netease_server, url, retries=1)
    assert isinstance(error, ConnectionFailed)
    assert (error.reason, error.attempts) == ("connect_error", 2)


def test_connection_refused(netease_server: NeteaseServer) -> None:
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = failure(
        netease_server,
        f"http://127.0.0.1:{port}{PATH}",
        allow_hosts=(f"127.0.0.1:{port}",),
        retries=1,
        ignore_robots=True,  # else robots.txt is unreachable first: robots_unreachable
    )
    assert (error.reason, error.attempts) == ("connect_error", 2)


def test_redirect_within_allowed_hosts_is_followed(netease_server: NeteaseServer) -> None:
    target = netease_server.add_article(ID)
    start = netease_server.redirect(f"/20/0229/18/{ID}.html", PATH, status=301)
    result = fetch(netease_server, start, expect_docid=ID)
    assert (result.url, result.final_url, result.status, result.attempts) == (start, target, 200, 1)


def test_redirect_loop(netease_server: NeteaseServer) -> None:
    start = netease_server.redirect("/dy/article/a.html", "/dy/article/b.html")
    netease_server.redirect("/dy/article/b.html", "/dy/article/a.html")
    error = failure(netease_server, start)
    assert isinstance(error, TooManyRedirects)
    assert (error.reason, error.attempts) == ("redirect_loop", 1)
    assert netease_server.hits("/dy/article/a.html") == 1


def test_redirect_chain_longer_than_the_limit(netease_server: NeteaseServer) -> None:
    for i in range(4):
        netease_server.redirect(f"/r{i}", f"/r{i + 1}")
    netease_server.add_article(ID, path="/r4")
    assert fetch(netease_server, netease_server.url("/r0"), max_redirects=4).status == 200
    error = failure(netease_server, netease_server.url("/r0"), max_redirects=3)
    assert error.reason == "redirect_loop"


@pytest.mark.parametrize(
    "foreign", ["http://example.org/dy/article/{ID}.html", "http://127.0.0.1:1/{ID}.html"]
)
def test_redirect_to_a_foreign_host_is_refused(netease_server: NeteaseServer, foreign: str) -> None:
    start = netease_server.redirect(PATH, foreign.format(ID=ID))
    error = failure(netease_server, start)
    assert isinstance(error, HostNotAllowed)
    assert (error.reason, error.url) == ("host_not_allowed", start)


def test_redirect_to_the_home_page_is_a_docid_mismatch(netease_server: NeteaseServer) -> None:
    netease_server.add("/", body="<html><head><title>网易</title></head><body>首页</body></html>")
    start = netease_server.redirect(PATH, "/")
    error = failure(netease_server, start, expect_docid=ID)
    assert (error.reason, error.url) == ("docid_mismatch", start)
    # without a docid to check, the page is returned (the cleaner will judge it)
    assert fetch(netease_server, start).final_url == netease_server.url("/")


def test_redirect_to_another_article_is_a_docid_mismatch(netease_server: NeteaseServer) -> None:
    netease_server.add_article(OTHER)
    start = netease_server.redirect(PATH, f"/dy/article/{OTHER}.html")
    assert failure(netease_server, start, expect_docid=ID).reason == "docid_mismatch"


def test_page_naming_the_docid_passes_the_docid_check(netease_server: NeteaseServer) -> None:
    netease_server.add_article(ID, path="/latest.html")
    start = netease_server.redirect(PATH, "/latest.html")
    assert fetch(netease_server, start, expect_docid=ID).status == 200


def test_404_and_403_and_captcha(netease_server: NeteaseServer) -> None:
    assert failure(netease_server, netease_server.url(PATH)).reason == "http_404"
    url = netease_server.add_article(ID, status=403)
    error = failure(netease_server, url)
    assert isinstance(error, Blocked) and error.reason == "blocked"
    assert netease_server.hits(PATH) == 2  # one each: neither is retried
    captcha = "<html><head><title>安全验证</title></head><body>请输入验证码后继续访问</body></html>"
    url = netease_server.add(PATH, body=captcha)
    error = failure(netease_server, url)
    assert isinstance(error, Blocked) and error.reason == "captcha"


def test_captcha_page_in_gbk(netease_server: NeteaseServer) -> None:
    captcha = "<html><body><p>访问过于频繁，请完成验证</p></body></html>".encode("gbk")
    url = netease_server.add(PATH, body=captcha, content_type="text/html; charset=gbk")
    assert failure(netease_server, url).reason == "captcha"


@pytest.mark.parametrize("chunked", [False, True])
def test_oversize_body(netease_server: NeteaseServer, chunked: bool) -> None:
    url = netease_server.add_article(ID, padding=100_000, chunked=chunked)
    error = failure(netease_server, url, max_body_bytes=50_000)
    assert isinstance(error, BodyTooLarge)
    assert (error.reason, error.attempts) == ("too_large", 1)
    assert len(fetch(netease_server, url, max_body_bytes=200_000).content) > 100_000


def test_wrong_charset_header_is_reported_not_acted_on(netease_server: NeteaseServer) -> None:
    page = article_page(ID, title="字符集测试")  # UTF-8 bytes ...
    url = netease_server.add(PATH, body=page, content_type="text/html; charset=GB2312")  # ... labelled gb2312
    result = fetch(netease_server, url)
    assert result.charset == "gb2312"
    assert result.content == page  # bytes untouched: decoding is scraper.encoding's job
    from scraper.encoding import decode_html

    assert "字符集测试" in decode_html(result.content, result.charset)


def test_urls_outside_the_allowlist_are_never_requested(netease_server: NeteaseServer) -> None:
    error = failure(netease_server, f"http://example.org/dy/article/{ID}.html")
    assert isinstance(error, HostNotAllowed) and error.attempts == 0
    error = failure(netease_server, netease_server.url(PATH), allow_hosts=())
    assert isinstance(error, HostNotAllowed)
    assert failure(netease_server, "ftp://www.163.com/x.html").reason == "bad_url"
    assert netease_server.requests() == []


def test_per_host_concurrency_cap(netease_server: NeteaseServer) -> None:
    paths = [f"/dy/article/{ID[:-1]}{i}.html" for i in range(6)]
    for path in paths:
        netease_server.add(path, body=article_page(ID), delay=0.2)

    async def go() -> list[FetchResult]:
        async with Fetcher(options(netease_server, per_host=2, concurrency=8), backoff=FAST) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(netease_server.url(p)) for p in paths))

    assert len(run(go())) == 6
    assert netease_server.max_in_flight == 2


def test_minimum_delay_between_requests_to_a_host(netease_server: NeteaseServer) -> None:
    paths = [f"/dy/article/{ID[:-1]}{i}.html" for i in range(4)]
    for path in paths:
        netease_server.add(path, body=article_page(ID))

    async def go() -> None:
        async with Fetcher(options(netease_server, delay=0.2, per_host=4), backoff=FAST) as fetcher:
            await asyncio.gather(*(fetcher.fetch(netease_server.url(p)) for p in paths))

    run(go())
    starts = sorted(hit.time for hit in netease_server.requests())  # robots.txt counts too
    assert len(starts) == 5
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.2 * 0.5 - 0.01  # delay jittered by +-50%


def test_proxy_option_sends_requests_through_the_proxy(netease_server: NeteaseServer) -> None:
    netease_server.add_article(ID)
    # ".invalid" never resolves (RFC 2606): the page can only come through the proxy.
    url = f"http://proxied.invalid/dy/article/{ID}.html"
    result = fetch(netease_server, url, proxy=netease_server.url(""), allow_hosts=("proxied.invalid",))
    assert result.content == article_page(ID)
    assert netease_server.hits(PATH) == 1


@pytest.mark.parametrize("proxy", ["not a url", "ftp://proxy.invalid:21"])
def test_unusable_proxy_is_a_fetch_error(proxy: str) -> None:
    with pytest.raises(FetchError) as info:
        Fetcher(FetchOptions(proxy=proxy))
    assert info.value.reason == "bad_proxy"
