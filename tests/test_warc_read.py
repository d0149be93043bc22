"""WARC reading: every record comes out as a page, a skip or a failure; a broken record never ends the file.

The WARCs are built here with warcio's writer; the helpers are reused by test_sources/test_cli_clean.
"""

from __future__ import annotations

import gzip
import io
import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.archive import WarcBroken, WarcPage, WarcSkip, is_warc_name, read_warc, sniff_warc
from scraper.sources import SNIFF_BYTES as SNIFF

# -- builders shared with the other test files -------------------------------------------------


def netease_page(
    title: str = "测试标题", docid: str = "ABCDEFGH00018990", *, charset: str = "utf-8"
) -> bytes:
    """A small synthetic page in the shape of a 2021+ www.163.com article."""
    html = f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}_网易新闻</title>
<link rel="canonical" href="https://www.163.com/news/article/{docid}.html">
<meta name="keywords" content="测试,新闻"></head>
<body><div class="post_main"><h1 class="post_title">{title}</h1>
<div class="post_info">2025-10-16 20:02:18　来源: <a href="#">新华社</a></div>
<div class="post_body"><p>第一段正文，内容足够长，用来测试清洗器能否识别这是一篇网易新闻文章的正文。</p>
<p>第二段正文，继续描述一些事情，确保正文长度达到最低要求，不被当作空白页面。</p></div></div>
</body></html>"""
    return html.encode(charset)


@dataclass(frozen=True)
class Rec:
    """One WARC record to write."""

    uri: str = "https://www.163.com/news/article/ABCDEFGH00018990.html"
    body: bytes = b""
    rec_type: str = "response"
    status: str = "200 OK"
    content_type: str | None = "text/html; charset=utf-8"
    http_headers: tuple[tuple[str, str], ...] = ()
    warc_headers: tuple[tuple[str, str], ...] = ()


def write_warc(path: Path, records: list[Rec], *, gz: bool = True) -> list[int]:
    """Write ``records`` with warcio (one gzip member per record when ``gz``); return their offsets."""
    offsets = []
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for rec in records:
            offsets.append(f.tell())
            if rec.rec_type in ("response", "request"):
                headers = list(rec.http_headers)
                if rec.content_type is not None:
                    headers.insert(0, ("Content-Type", rec.content_type))
                if rec.rec_type == "response":
                    http = StatusAndHeaders(rec.status, headers, protocol="HTTP/1.1")
                else:
                    http = StatusAndHeaders("GET / HTTP/1.1", headers, is_http_request=True)
                record = writer.create_warc_record(
                    rec.uri,
                    rec.rec_type,
                    payload=io.BytesIO(rec.body),
                    http_headers=http,
                    warc_headers_dict=dict(rec.warc_headers),
                )
            else:
                record = writer.create_warc_record(rec.uri, rec.rec_type, payload=io.BytesIO(rec.body))
            writer.write_record(record)
    return offsets


def kinds(path: Path, **kw: int) -> list[tuple[str, int, str]]:
    """(kind, offset, reason) for every item read from ``path``."""
    out = []
    for item in read_warc(path, **kw):
        reason = "" if isinstance(item, WarcPage) else item.reason
        out.append((type(item).__name__, item.offset, reason))
    return out


def five_pages() -> list[Rec]:
    return [Rec(body=netease_page(f"标题{i}", f"ABCDEFGH0001899{i}")) for i in range(5)]


# -- classification ----------------------------------------------------------------------------


def test_every_record_kind_is_classified(tmp_path: Path) -> None:
    page = netease_page()
    records = [
        Rec(rec_type="warcinfo", uri="", body=b"software: test\r\n"),
        Rec(rec_type="request", body=b""),
        Rec(body=page),
        Rec(uri="https://example.com/a.html", body=page),
        Rec(status="404 Not Found", body=b"<html>gone</html>"),
        Rec(content_type="image/png", body=b"\x89PNG\r\n"),
        Rec(rec_type="metadata", body=b"fetchTimeMs: 12\r\n"),
        Rec(
            uri="https://news.163.com/20/0704/01/FGLHEVF80001899O.html",
            content_type="text/html; charset=GBK",
            body=netease_page(charset="gbk"),
        ),
    ]
    path = tmp_path / "mixed.warc.gz"
    offsets = write_warc(path, records)
    items = list(read_warc(path))
    assert [type(i).__name__ for i in items] == [
        "WarcSkip",
        "WarcSkip",
        "WarcPage",
        "WarcSkip",
        "WarcSkip",
        "WarcSkip",
        "WarcSkip",
        "WarcPage",
    ]
    assert [i.offset for i in items] == offsets
    reasons = [i.reason for i in items if isinstance(i, WarcSkip)]
    assert reasons == ["non_response", "non_response", "non_netease", "http_404", "non_html", "non_response"]
    first, gbk = (i for i in items if isinstance(i, WarcPage))
    assert first.content == page
    assert first.url == records[2].uri
    assert first.charset == "utf-8"
    assert gbk.charset == "gbk"  # read by encoding.charset_from_content_type, as the fetcher reads it
    assert gbk.url == records[7].uri


@pytest.mark.parametrize(
    ("uri", "netease"),
    [
        ("https://www.163.com/dy/article/G33O1QTA05372UZS.html", True),
        ("http://money.163.com/15/0521/05/AQ46OS1Q00253B0H.html", True),
        ("https://nimg.ws.126.net/x.html", True),
        ("http://bbs6.netease.com/ent/readboardthread.php?postid=1", True),
        ("https://163.com/", True),
        ("https://evil163.com/a.html", False),
        ("https://163.com.example.org/a.html", False),
        ("", False),
    ],
)
def test_netease_hosts(tmp_path: Path, uri: str, netease: bool) -> None:
    path = tmp_path / "one.warc"
    write_warc(path, [Rec(uri=uri, body=netease_page())], gz=False)
    (item,) = read_warc(path)
    assert isinstance(item, WarcPage) is netease
    if not netease:
        assert isinstance(item, WarcSkip) and item.reason == "non_netease"


def test_missing_content_type_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "noct.warc.gz"
    write_warc(path, [Rec(content_type=None, body=netease_page())])
    (item,) = read_warc(path)
    assert isinstance(item, WarcPage) and item.charset is None


def test_chunked_and_gzip_encoded_payload_is_decoded(tmp_path: Path) -> None:
    page = netease_page()
    packed = gzip.compress(page)
    chunked = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(packed[i : i + 100]), packed[i : i + 100])
            for i in range(0, len(packed), 100)
        )
        + b"0\r\n\r\n"
    )
    path = tmp_path / "enc.warc.gz"
    write_warc(
        path,
        [Rec(body=chunked, http_headers=(("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")))],
    )
    (item,) = read_warc(path)
    assert isinstance(item, WarcPage)
    assert item.content == page


def test_payload_labelled_chunked_but_stored_decoded_passes_through(tmp_path: Path) -> None:
    page = netease_page()
    path = tmp_path / "dechunked.warc.gz"
    write_warc(path, [Rec(body=page, http_headers=(("Transfer-Encoding", "chunked"),))])
    (item,) = read_warc(path)
    assert isinstance(item, WarcPage) and item.content == page


def test_record_truncated_by_the_crawler_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "crawler-cut.warc.gz"
    cut = Rec(body=netease_page()[:200], warc_headers=(("WARC-Truncated", "length"),))
    write_warc(path, [cut, five_pages()[0]])
    got = list(read_warc(path))
    assert isinstance(got[0], WarcBroken) and got[0].reason == "truncated" and got[0].url == cut.uri
    assert isinstance(got[1], WarcPage)


def test_offsets_match_warcio_index(tmp_path: Path) -> None:
    for gz in (True, False):
        path = tmp_path / ("x.warc.gz" if gz else "x.warc")
        write_warc(path, [Rec(rec_type="request"), *five_pages()], gz=gz)
        with open(path, "rb") as f:
            it = ArchiveIterator(f)
            expected = [it.get_record_offset() for _ in it]
        assert [offset for _, offset, _ in kinds(path)] == expected


# -- broken files: the rest is still read --------------------------------------------------------


def test_truncated_gzip_warc(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, five_pages())
    data = path.read_bytes()
    path.write_bytes(data[: (offsets[2] + offsets[3]) // 2])  # cut in the middle of the third member
    assert kinds(path) == [
        ("WarcPage", offsets[0], ""),
        ("WarcPage", offsets[1], ""),
        ("WarcBroken", offsets[2], "truncated"),
    ]


def test_truncated_plain_warc(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc"
    offsets = write_warc(path, five_pages(), gz=False)
    path.write_bytes(path.read_bytes()[: offsets[4] - 100])  # inside the fourth record's block
    assert [k for k, _, _ in kinds(path)] == ["WarcPage"] * 3 + ["WarcBroken"]
    assert kinds(path)[-1] == ("WarcBroken", offsets[3], "truncated")


def test_any_cut_point_gives_whole_pages_then_at_most_one_failure(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    offsets = write_warc(whole, five_pages()[:3])
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    for end in range(1, len(data), 7):
        cut.write_bytes(data[:end])
        got = kinds(cut)
        ends = [*offsets[1:], len(data)]
        complete = sum(1 for stop in ends if stop <= end)
        pages = [g for g in got if g[0] == "WarcPage"]
        assert len(pages) >= complete, (end, got)
        assert all(g[0] == "WarcBroken" for g in got[len(pages) :]), (end, got)
        assert len(got) - len(pages) <= 1, (end, got)


def test_corrupt_gzip_member_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.warc.gz"
    offsets = write_warc(path, five_pages())
    data = bytearray(path.read_bytes())
    for k in range(offsets[1] + 30, offsets[1] + 60):  # scramble the deflate data of member 2
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    got = kinds(path)
    assert got[0] == ("WarcPage", offsets[0], "")
    assert got[1] == ("WarcBroken", offsets[1], "bad_gzip")
    assert got[2:] == [("WarcPage", o, "") for o in offsets[2:]]


def test_garbage_between_plain_records(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    offsets = write_warc(path, five_pages()[:3], gz=False)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[1]] + b"this is not a warc record\r\n\r\n" + data[offsets[1] :])
    got = kinds(path)
    assert [k for k, _, r in got] == ["WarcPage", "WarcBroken", "WarcPage", "WarcPage"]
    assert got[1][1:] == (offsets[1], "bad_header")


@pytest.mark.parametrize("bad", [b"Content-Length: many\r\n", b""])
def test_bad_or_missing_content_length(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "len.warc"
    write_warc(path, five_pages()[:2], gz=False)
    data = path.read_bytes()
    start = data.index(b"Content-Length: ")
    end = data.index(b"\r\n", start) + 2
    path.write_bytes(data[:start] + bad + data[end:])
    got = kinds(path)
    assert got[0][0::2] == ("WarcBroken", "bad_header")
    assert got[-1][0] == "WarcPage"


def test_oversized_page_is_a_failure_not_a_memory_spike(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    big = netease_page() + b"<!--" + b"x" * 300_000 + b"-->"
    write_warc(path, [Rec(body=big), *five_pages()[:1]])
    got = kinds(path, max_bytes=10_000)
    assert [g[0::2] for g in got] == [("WarcBroken", "too_large"), ("WarcPage", "")]


def test_single_gzip_member_warc_is_still_read(tmp_path: Path) -> None:
    plain = tmp_path / "p.warc"
    write_warc(plain, five_pages()[:3], gz=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))  # not one member per record
    assert [k for k, _, _ in kinds(whole)] == ["WarcPage"] * 3


def test_empty_and_non_warc_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert kinds(empty) == []
    html = tmp_path / "page.warc"
    html.write_bytes(netease_page())
    assert [g[0::2] for g in kinds(html)] == [("WarcBroken", "bad_header")]


def test_names_and_sniffing(tmp_path: Path) -> None:
    assert is_warc_name(Path("a/CC-MAIN-1.warc.gz"))
    assert is_warc_name(Path("x.WARC"))
    assert not is_warc_name(Path("x.html.gz"))
    path = tmp_path / "s.warc.gz"
    write_warc(path, five_pages()[:1])
    assert sniff_warc(path.read_bytes()[:SNIFF])
    assert sniff_warc(b"WARC/1.0\r\n")
    assert not sniff_warc(gzip.compress(b"<html></html>")[:SNIFF])
    assert not sniff_warc(b"\x1f\x8b\x08garbage")
    assert not sniff_warc(zlib.compress(b"WARC/1.0"))


# -- lying or unreadable Content-Length: one failure, the records after it still read ------------


def _five_with_length(path: Path, *, gz: str, record: int, length: Callable[[int], bytes]) -> list[int]:
    """Five pages whose record ``record`` has ``Content-Length: length(true length)``; return offsets.

    ``gz`` is ``plain``, ``members`` (one gzip member per record, as Common Crawl writes them) or
    ``one_member`` (a plain WARC gzipped whole: every record is at offset 0).
    """
    plain = path.with_name(path.name + ".plain")
    offsets = write_warc(plain, five_pages(), gz=False)
    data = plain.read_bytes()
    starts = [*offsets, len(data)]
    chunks = [data[a:b] for a, b in itertools.pairwise(starts)]
    rec = chunks[record]
    head = rec.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = rec.index(b"\r\n", head)
    chunks[record] = rec[:head] + length(int(rec[head:end])) + rec[end:]
    if gz == "one_member":
        path.write_bytes(gzip.compress(b"".join(chunks)))
        return [0] * len(chunks)
    if gz == "members":
        chunks = [gzip.compress(c) for c in chunks]
    path.write_bytes(b"".join(chunks))
    return [sum(len(c) for c in chunks[:i]) for i in range(len(chunks))]


LIES = {
    "superscript": lambda n: "²169".encode(),  # str.isdigit() says yes, int() says no
    "arabic_digits": lambda n: "١٦٩".encode(),  # int() reads it as 169: not a WARC length either
    "too_long": lambda n: str(n + 5000).encode(),  # swallows the next records
    "too_short": lambda n: str(n - 100).encode(),  # cuts the page; its tail looks like garbage
    "past_the_end": lambda n: b"999999999",  # runs past the end of the file
}


@pytest.mark.parametrize("gz", ["members", "one_member", "plain"])
@pytest.mark.parametrize("lie", sorted(LIES))
def test_a_lying_content_length_is_one_failure_and_later_records_are_read(
    tmp_path: Path, gz: str, lie: str
) -> None:
    path = tmp_path / ("lie.warc" if gz == "plain" else "lie.warc.gz")
    offsets = _five_with_length(path, gz=gz, record=1, length=LIES[lie])
    got = kinds(path)
    assert got == [
        ("WarcPage", offsets[0], ""),
        ("WarcBroken", offsets[1], "bad_header"),
        *[("WarcPage", o, "") for o in offsets[2:]],
    ]
    pages = [i for i in read_warc(path) if isinstance(i, WarcPage)]
    assert [p.content for p in pages] == [r.body for i, r in enumerate(five_pages()) if i != 1]


def test_a_lying_length_on_the_last_record_is_still_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "last.warc"
    offsets = _five_with_length(path, gz="plain", record=4, length=lambda n: str(n + 5000).encode())
    assert [g[0] for g in kinds(path)] == ["WarcPage"] * 4 + ["WarcBroken"]
    assert kinds(path)[-1][1:] == (offsets[4], "truncated")


def test_a_length_running_into_a_corrupt_member_is_reported_with_it(tmp_path: Path) -> None:
    path = tmp_path / "lie.warc.gz"
    offsets = _five_with_length(path, gz="members", record=1, length=lambda n: str(n + 5000).encode())
    data = bytearray(path.read_bytes())
    for k in range(offsets[2] + 30, offsets[2] + 60):  # scramble the deflate data of member 3
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    assert kinds(path) == [
        ("WarcPage", offsets[0], ""),
        ("WarcBroken", offsets[1], "bad_header"),
        ("WarcBroken", offsets[2], "bad_gzip"),
        ("WarcPage", offsets[3], ""),
        ("WarcPage", offsets[4], ""),
    ]
