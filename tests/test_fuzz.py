"""Fuzzing ``clean_html``: whatever it is fed, it returns an ``Article`` or raises ``ScraperError``.

Inputs: random bytes, random text, tag soup with NetEase markers, and the fixture pages mutated
(byte flips, truncation, tag deletion/duplication, charset label swaps, junk inserts, splices),
with random ``url``/``charset`` arguments. Any other exception fails the test (hypothesis then
shrinks it to a small reproducer). Hangs are caught by ``pytest-timeout``; the per-example
deadline is generous on purpose: it flags a pathological slowdown, it does not measure speed.
Examples are derandomized so CI sees the same inputs on every run.
"""

from __future__ import annotations

import re
import traceback
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.article import Article
from scraper.clean import clean_html
from scraper.errors import ScraperError

FIXTURES = Path(__file__).parents[1] / "fixtures"
PAGES = tuple(p.read_bytes() for p in sorted(FIXTURES.rglob("*.html")) if p.stat().st_size > 64)
TEMPLATE_PAGE = (FIXTURES / "pc-2021" / "news-tech.html").read_bytes()

FUZZ = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CHARSET_LABELS = (
    "utf-8",
    "UTF8",
    "gb2312",
    "gbk",
    "GB18030",
    "big5",
    "shift_jis",
    "latin-1",
    "windows-1252",
    "utf-16",
    "utf-16le",
    "utf-32",
    "utf-7",
    "ascii",
    "x-user-defined",
    "unicode-1-1-utf-8",
    "base64",
    "rot13",
    "hex",
    "zip",
    "bogus",
    "",
    "  ",
)
URLS = (
    "https://www.163.com/dy/article/JHHN8THO0556QW7K.html",
    "https://www.163.com/news/article/K8HAMTB000097U7R.html?f=post2020_dy_recommends#sns_weixin",
    "http://news.163.com/19/1112/09/ETP8M9DG0001899O.html",
    "https://m.163.com/news/article/K3A6GIL0000189FH.html",
    "https://blog.example.org/post/1.html",
    "http://[::1",
    "http://",
    "//www.163.com/dy/article/.html",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "https://www.163.com:99999/x.html",
    "https://xn--/a",
    "",
)
HTML_TOKENS = (
    "<html>",
    "</html>",
    "<head>",
    "<body>",
    '<meta charset="gb2312">',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-16">',
    '<div class="post_main">',
    '<div class="post_body">',
    '<div id="endText" class="post_text">',
    '<section class="article-body">',
    '<div id="contain" data-docid="K8HAMTB000097U7R" data-ptime="2025-13-45 99:99:99">',
    '<h1 class="post_title">',
    "<h1>",
    '<div class="post_info">2025-02-30 25:61:61　来源: <a href="http://[::1">',
    '<div class="post_author">责任编辑：_NB',
    '<p class="f_center"><img src="https://nimg.ws.126.net/?url=%E0%A4%A&thumbnail=1">',
    '<img data-src="">',
    "<p>",
    "</p>",
    "</div>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![CDATA[",
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "网易",
    "163.com",
    "正文",
    "特别声明：",
    "抱歉，您访问的页面不存在",
    "\u3000",
    "\x00",
    "\ufeff",
    " ",
    "\n",
    "文字",
)
_TAG = re.compile(rb"<[^<>]{0,300}>")
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?[\w-]*", re.IGNORECASE)


def _clean_or_scraper_error(data: bytes | str, url: str | None = None, charset: str | None = None) -> None:
    """The property: an Article, or one of our own errors; anything else propagates and fails."""
    try:
        result = clean_html(data, url=url, charset=charset)
    except ScraperError:
        return
    except Exception as err:
        # Re-raised short and unchained: a RecursionError's thousand frames take pytest minutes to format.
        frames = traceback.extract_tb(err.__traceback__)[-3:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
        raise AssertionError(f"clean_html raised {type(err).__name__}: {str(err)[:300]} [{where}]") from None
    assert isinstance(result, Article)
    assert isinstance(result.text, str) and isinstance(result.title, str)


# --- mutations of real-looking pages --------------------------------------------------------------


def _flip(draw: st.DrawFn, data: bytearray) -> bytearray:
    for _ in range(draw(st.integers(1, 16))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] ^= draw(st.integers(1, 255))
    return data


def _truncate(draw: st.DrawFn, data: bytearray) -> bytearray:
    return data[: draw(st.integers(0, len(data)))]


def _tag_span(draw: st.DrawFn, data: bytearray) -> tuple[int, int] | None:
    tags = list(_TAG.finditer(data))
    if not tags:
        return None
    m = tags[draw(st.integers(0, len(tags) - 1))]
    return m.start(), m.end()


def _delete_tag(draw: st.DrawFn, data: bytearray) -> bytearray:
    span = _tag_span(draw, data)
    return data if span is None else data[: span[0]] + data[span[1] :]


def _duplicate_tag(draw: st.DrawFn, data: bytearray) -> bytearray:
    span = _tag_span(draw, data)
    if span is None:
        return data
    tag = data[span[0] : span[1]]
    return data[: span[1]] + tag * draw(st.integers(1, 50)) + data[span[1] :]


def _duplicate_chunk(draw: st.DrawFn, data: bytearray) -> bytearray:
    i = draw(st.integers(0, len(data)))
    j = draw(st.integers(i, min(len(data), i + 4000)))
    return data[:j] + data[i:j] + data[j:]


def _swap_charset(draw: st.DrawFn, data: bytearray) -> bytearray:
    label = draw(st.sampled_from(CHARSET_LABELS)).encode()
    if _CHARSET.search(data):
        return bytearray(_CHARSET.sub(b"charset=" + label, bytes(data), count=1))
    return bytearray(b'<meta charset="' + label + b'">') + data


def _insert_junk(draw: st.DrawFn, data: bytearray) -> bytearray:
    i = draw(st.integers(0, len(data)))
    return data[:i] + draw(st.binary(min_size=1, max_size=64)) + data[i:]


def _splice(draw: st.DrawFn, data: bytearray) -> bytearray:
    other = draw(st.sampled_from(PAGES))
    return data[: draw(st.integers(0, len(data)))] + other[draw(st.integers(0, len(other))) :]


MUTATIONS = (
    _flip,
    _truncate,
    _delete_tag,
    _duplicate_tag,
    _duplicate_chunk,
    _swap_charset,
    _insert_junk,
    _splice,
)


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    """A fixture page with 1-4 random mutations applied in turn."""
    data = bytearray(draw(st.sampled_from(PAGES)))
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        if data:
            data = mutate(draw, data)
    return bytes(data)


# --- the properties ---------------------------------------------------------------------------------


@pytest.mark.timeout(120)
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    _clean_or_scraper_error(data)


@pytest.mark.timeout(120)
@FUZZ
@given(text=st.text(max_size=2000))
def test_random_text(text: str) -> None:
    _clean_or_scraper_error(text)
    _clean_or_scraper_error(text.encode("utf-8"))


@pytest.mark.timeout(120)
@FUZZ
@given(tokens=st.lists(st.sampled_from(HTML_TOKENS), max_size=120), as_text=st.booleans())
def test_tag_soup(tokens: list[str], as_text: bool) -> None:
    soup = "".join(tokens)
    _clean_or_scraper_error(soup if as_text else soup.encode("utf-8"))


@pytest.mark.timeout(120)
@settings(FUZZ, max_examples=500)
@given(data=mutated_pages())
def test_mutated_fixture_pages(data: bytes) -> None:
    _clean_or_scraper_error(data)


@pytest.mark.timeout(120)
@FUZZ
@given(
    data=st.one_of(st.sampled_from(PAGES), mutated_pages()),
    url=st.one_of(st.none(), st.sampled_from(URLS), st.text(max_size=80)),
    charset=st.one_of(st.none(), st.sampled_from(CHARSET_LABELS), st.text(max_size=20)),
)
def test_random_url_and_charset(data: bytes, url: str | None, charset: str | None) -> None:
    _clean_or_scraper_error(data, url=url, charset=charset)


# --- hand-picked pathological inputs (size-bounded) ---------------------------------------------


def _in_body(fragment: bytes) -> bytes:
    """The pc-2021 fixture with ``fragment`` placed at the start of its post_body."""
    marker = b'<div class="post_body">'
    return TEMPLATE_PAGE.replace(marker, marker + fragment, 1)


ADVERSARIAL = {
    "deep-nesting": _in_body(b"<div><span>" * 20000 + "深层段落".encode() + b"</span></div>" * 20000),
    "unclosed-paragraphs": _in_body(b"<p>" * 50000 + "没有闭合".encode()),
    "many-brs": _in_body(b"<p>" + b"<br>" * 100000 + b"</p>"),
    "huge-attribute": _in_body(b'<p data-x="' + b"a" * 2_000_000 + '">属性很长</p>'.encode()),
    "one-long-line": _in_body(("长" * 1_000_000).encode()),
    "nul-bytes-in-body": _in_body(b"<p>\x00\x00" + "空字符".encode() + b"\x00</p>"),
    "endless-comment": _in_body(b"<!-- " + b"-" * 100000),
    "lone-surrogate-text": TEMPLATE_PAGE.decode("utf-8").replace("记者9月3日", "记者\ud800日", 1),
    "utf16-bom": "\ufeff".encode("utf-16-le") + TEMPLATE_PAGE.decode("utf-8").encode("utf-16-le"),
    "only-doctype": b"<!DOCTYPE html>",
    "only-bom": b"\xef\xbb\xbf",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input(name: str) -> None:
    _clean_or_scraper_error(ADVERSARIAL[name])
