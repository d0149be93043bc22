"""The crawl's WARC writer: records as warcio reads them, the stored HTTP message, and crash repair."""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import io
import os
import random
import types
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.archive import WarcBroken, WarcPage, read_warc, warc_repair, warc_write
from scraper.archive.warc_repair import repair_warc
from scraper.archive.warc_write import REQUESTED_URI_HEADER, WarcWriter, page_records
from scraper.errors import ArchiveError
from scraper.fetch import FetchResult

ID = "G33O1QTA05372UZS"
ASKED = f"https://www.163.com/dy/article/{ID}.html"
FINAL = f"https://www.163.com/news/article/{ID}.html?from=x"
HTML = f"<html><head><title>标题</title></head><body data-docid='{ID}'><p>正文</p></body></html>".encode()


def page(n: int = 0, *, content: bytes = HTML, **kw: object) -> FetchResult:
    """A fetched page as the Fetcher returns it (body already decoded by httpx)."""
    fields: dict[str, object] = {
        "url": ASKED.replace(ID, f"{ID[:-2]}{n:02d}"),
        "final_url": FINAL.replace(ID, f"{ID[:-2]}{n:02d}"),
        "status": 200,
        "headers": {
            "content-type": "text/html; charset=utf-8",
            "content-encoding": "gzip",
            "content-length": "77",
            "set-cookie": "a=1",
        },
        "content": content,
        "charset": "utf-8",
        "fetched_at": "2025-10-16T12:02:18Z",
        "request_headers": {
            "host": "www.163.com",
            "user-agent": "netease-scraper/test",
            "accept-encoding": "gzip",
        },
        "http_version": "HTTP/1.1",
    }
    fields.update(kw)
    return FetchResult(**fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Rec:
    """One record as warcio read it."""

    kind: str
    warc: StatusAndHeaders
    http: StatusAndHeaders | None
    payload: bytes


def records(path: Path) -> list[Rec]:
    """Every record, read by warcio with digest checking on."""
    with open(path, "rb") as fh:
        return [
            Rec(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh, check_digests="raise")
        ]


def kinds(path: Path) -> list[str]:
    return [r.kind for r in records(path)]


def write_pages(path: Path, count: int, *, big: bool = False) -> list[int]:
    """Write ``count`` pages; return the file size after the warcinfo record and after each page.

    ``big`` pages inflate to several 64 KB steps (the repair inflates in such steps).
    """
    sizes = []
    with WarcWriter(path) as writer:
        sizes.append(path.stat().st_size)
        for n in range(count):
            writer.write(page(n, content=HTML + bytes(range(256)) * 800 if big else HTML))
            sizes.append(path.stat().st_size)
    return sizes


def test_new_file_has_warcinfo_then_request_response_pairs(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    write_pages(warc, 2)
    assert kinds(warc) == ["warcinfo", "request", "response", "request", "response"]
    info = records(warc)[0]
    assert info.warc.get_header("WARC-Filename") == "raw.warc.gz"
    assert b"netease-scraper/" in info.payload


def test_request_and_response_records_carry_the_exchange(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    with WarcWriter(warc) as writer:
        writer.write(page())
    _, req, resp = records(warc)
    assert req.http is not None and resp.http is not None
    for rec in (req, resp):
        assert rec.warc.get_header("WARC-Target-URI") == page().final_url
        assert rec.warc.get_header("WARC-Date") == "2025-10-16T12:02:18Z"
    assert req.warc.get_header("WARC-Concurrent-To") == resp.warc.get_header("WARC-Record-ID")
    assert resp.warc.get_header("WARC-Concurrent-To") == req.warc.get_header("WARC-Record-ID")
    assert resp.warc.get_header(REQUESTED_URI_HEADER) == page().url

    assert req.http.protocol == "GET"
    assert req.http.statusline == f"/news/article/{ID[:-2]}00.html?from=x HTTP/1.1"
    assert req.http.get_header("User-Agent") == "netease-scraper/test"
    assert req.http.get_header("Host") == "www.163.com"
    assert req.payload == b""

    assert resp.http.get_statuscode() == "200"
    assert resp.http.protocol == "HTTP/1.1"
    # httpx decoded the body: the stored message must not claim gzip, and its length must fit.
    assert resp.http.get_header("Content-Encoding") is None
    assert resp.http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert resp.http.get_header("X-Archive-Orig-Content-Length") == "77"
    assert resp.http.get_header("Content-Length") == str(len(HTML))
    assert resp.http.get_header("Set-Cookie") == "a=1"
    assert resp.payload == HTML
    digest = base64.b32encode(hashlib.sha1(HTML).digest()).decode()
    assert resp.warc.get_header("WARC-Payload-Digest") == f"sha1:{digest}"


def test_digests_verify_and_payload_is_the_body(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    body = HTML + "长".encode() * 50_000  # several deflate blocks
    with WarcWriter(warc) as writer:
        writer.write(page(content=body))
    assert [r.payload for r in records(warc) if r.kind == "response"] == [body]


def test_our_reader_gives_back_the_asked_and_final_url(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    mirror = page(
        url="http://127.0.0.1:8765/dy/article/X.html", final_url="http://127.0.0.1:8765/news/a.html"
    )
    with WarcWriter(warc) as writer:
        writer.write(page())
        writer.write(mirror)  # a host the user allowed: not a NetEase host, still a page
    pages = [item for item in read_warc(warc) if isinstance(item, WarcPage)]
    assert [(p.url, p.final_url, p.charset) for p in pages] == [
        (page().url, page().final_url, "utf-8"),
        (mirror.url, mirror.final_url, "utf-8"),
    ]
    assert pages[0].content == HTML


def test_http2_and_offset_dates_are_stored_faithfully(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    with WarcWriter(warc) as writer:
        writer.write(page(http_version="HTTP/2", fetched_at="2025-10-16T20:02:18+08:00"))
    _, req, resp = records(warc)
    assert resp.http is not None and resp.http.protocol == "HTTP/2"
    assert req.http is not None and req.http.statusline.endswith(" HTTP/2")
    assert resp.warc.get_header("WARC-Date") == "2025-10-16T12:02:18Z"
    assert [p.url for p in read_warc(warc) if isinstance(p, WarcPage)] == [page().url]


def test_every_member_is_plain_gzip_with_its_length_declared(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    write_pages(warc, 2)
    data = warc.read_bytes()
    assert gzip.decompress(data).count(b"WARC/1.0\r\n") == 5  # any gzip reader reads it
    pos, members = 0, 0
    while pos < len(data):
        declared = warc_repair._declared_length(data[pos : pos + 24])
        assert declared is not None
        inflater = zlib.decompressobj(wbits=31)
        inflater.decompress(data[pos:])
        assert inflater.eof and len(data) - len(inflater.unused_data) == pos + declared
        pos += declared
        members += 1
    assert members == 5  # one member per record


def test_reopening_a_whole_file_appends_without_a_second_warcinfo(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    sizes = write_pages(warc, 2)
    with WarcWriter(warc) as writer:
        assert writer.repaired.cut == 0
        writer.write(page(9))
    assert warc.stat().st_size > sizes[-1]
    assert kinds(warc).count("warcinfo") == 1
    assert len(records(warc)) == 7


@pytest.mark.parametrize("big", [False, True])
def test_every_cut_inside_the_last_page_write_is_repaired(tmp_path: Path, big: bool) -> None:
    whole = tmp_path / "whole.warc.gz"
    sizes = write_pages(whole, 3, big=big)
    data = whole.read_bytes()
    start, end = sizes[-2], sizes[-1]  # the bytes of the last page write
    step = max(7, (end - start) // 150)
    cuts = sorted({*range(start + 1, end, step), start + 1, end - 1, *_member_starts(data, start, end)})
    warc = tmp_path / "raw.warc.gz"
    for cut in cuts:
        warc.write_bytes(data[:cut])
        # Before repair, readers see every whole page and at most one failure, for the tail; nothing
        # raises. (A cut in the last few bytes of the response member, after its record's content,
        # leaves that page readable too.)
        items = list(read_warc(warc))
        pages = sum(isinstance(i, WarcPage) for i in items)
        assert pages == 2 or (pages == 3 and cut > end - 32), cut
        broken = [i for i in items if isinstance(i, WarcBroken)]
        assert len(broken) <= 1 and all(b.offset >= start for b in broken), cut
        with WarcWriter(warc) as writer:
            assert writer.repaired.kept == start, cut  # back to the end of the last whole page
            writer.write(page(7))
        assert kinds(warc) == ["warcinfo"] + ["request", "response"] * 3, cut
        assert not [i for i in read_warc(warc) if isinstance(i, WarcBroken)], cut


def test_a_zero_filled_tail_is_cut(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    sizes = write_pages(warc, 2)
    with open(warc, "ab") as fh:
        fh.write(b"\0" * 3000)  # blocks allocated but never written (power failure)
    assert repair_warc(warc).kept == sizes[-1]
    assert warc.stat().st_size == sizes[-1]


def test_a_whole_member_with_corrupt_deflate_data_in_the_last_write_is_cut(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    sizes = write_pages(warc, 2)
    data = bytearray(warc.read_bytes())
    data[-20] ^= 0xFF  # declared length intact, content damaged
    warc.write_bytes(bytes(data))
    assert repair_warc(warc).kept == sizes[-2]


def test_members_without_a_declared_length_are_walked_by_inflating(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    buf = io.BytesIO()
    plain = WARCWriter(buf, gzip=True)  # another tool's writer: no length field
    rng = random.Random(0)
    for n in range(3):  # big in and out: the walk reads and inflates in several steps
        body = rng.randbytes(100_000) + bytes(300_000)
        rec = plain.create_warc_record(f"https://www.163.com/{n}", "resource", payload=io.BytesIO(body))
        plain.write_record(rec)
    whole = buf.getvalue()
    warc.write_bytes(whole[:-30])
    kept = repair_warc(warc).kept
    assert 0 < kept < len(whole) - 30
    assert len(records(warc)) == 2


@pytest.mark.parametrize(
    "content",
    [b"plain text notes, not a WARC at all\n" * 10, b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n"],
)
def test_a_file_that_is_not_our_gzip_warc_is_left_alone(tmp_path: Path, content: bytes) -> None:
    warc = tmp_path / "raw.warc.gz"
    warc.write_bytes(content)
    with pytest.raises(ArchiveError):
        WarcWriter(warc)
    assert warc.read_bytes() == content


def test_a_gzip_file_that_is_not_a_warc_is_left_alone(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    warc.write_bytes(gzip.compress(b"some other data"))
    with pytest.raises(ArchiveError):
        WarcWriter(warc)


@pytest.mark.parametrize("damage", ["header", "length"])
def test_damage_far_from_the_end_is_refused_not_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    warc = tmp_path / "raw.warc.gz"
    sizes = write_pages(warc, 4)
    data = bytearray(warc.read_bytes())
    member = sizes[1]  # the second page's request member
    if damage == "header":
        data[member] = 0x00  # not a gzip member any more: no write of ours leaves that
    else:
        data[member + 23] = 0x7F  # its declared length now runs past the end of the file...
        # ... which looks like a torn write, but more bytes follow than one page write can hold.
        monkeypatch.setattr(warc_repair, "MAX_TORN_BYTES", len(data) - member - 1)
    warc.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="not a torn write"):
        WarcWriter(warc)
    assert warc.read_bytes() == bytes(data)


def test_a_second_writer_on_the_same_file_is_refused(tmp_path: Path) -> None:
    warc = tmp_path / "raw.warc.gz"
    with WarcWriter(warc):
        with pytest.raises(ArchiveError) as info:
            WarcWriter(warc)
        assert info.value.reason == "locked"
    with WarcWriter(warc) as writer:  # released on close
        writer.write(page())


def test_async_write_and_writing_after_close(tmp_path: Path) -> None:
    import asyncio

    warc = tmp_path / "raw.warc.gz"
    writer = WarcWriter(warc)

    async def go() -> None:
        await asyncio.gather(*(writer.awrite(page(n)) for n in range(6)))

    asyncio.run(go())
    writer.close()
    assert kinds(warc) == ["warcinfo"] + ["request", "response"] * 6  # pages never interleave
    with pytest.raises(ArchiveError):
        writer.write(page())


def test_a_failed_write_is_taken_back_and_stops_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warc = tmp_path / "raw.warc.gz"
    writer = WarcWriter(warc)
    writer.write(page(0))
    size = warc.stat().st_size

    def half_then_full(fd: int, data: bytes) -> int:
        if len(data) > 100:
            return os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warc_write, "os", types.SimpleNamespace(**{**vars(os), "write": half_then_full}))
    with pytest.raises(OSError):
        writer.write(page(1))
    monkeypatch.undo()
    assert warc.stat().st_size == size  # the half page is gone
    with pytest.raises(ArchiveError):
        writer.write(page(2))  # nothing may land after a failed write
    writer.close()
    assert kinds(warc) == ["warcinfo", "request", "response"]


def test_page_records_are_two_members(tmp_path: Path) -> None:
    data = page_records(page())
    first = warc_repair._declared_length(data[:24])
    assert first is not None and warc_repair._declared_length(data[first : first + 24]) == len(data) - first


def _member_starts(data: bytes, start: int, end: int) -> list[int]:
    """Offsets of the members inside ``data[start:end]`` (a cut exactly between two members)."""
    starts, pos = [], start
    while pos < end:
        starts.append(pos)
        declared = warc_repair._declared_length(data[pos : pos + 24])
        assert declared is not None
        pos += declared
    return starts


# -- a framing break with whole pages after it is refused, however close to the end ---------------


def _break_before_whole_pages(warc: Path, damage: str) -> bytes:
    """Five pages with a framing break at the third page; the pages after it are intact."""
    sizes = write_pages(warc, 5)
    data = bytearray(warc.read_bytes())
    member = sizes[2]  # the third page's request member
    if damage == "length":
        data[member + 23] = 0x7F  # its declared length now runs past the end of the file
    elif damage == "no_length_corrupt":
        data[member + 3] = 0  # no FEXTRA flag: walked by inflating, and the field is now bad deflate
    elif damage == "zeros":
        data[member:member] = bytes(70_000)  # unwritten blocks, then more pages (not a tail)
    warc.write_bytes(bytes(data))
    return bytes(data)


@pytest.mark.parametrize("damage", ["length", "no_length_corrupt", "zeros"])
def test_a_framing_break_followed_by_whole_pages_is_refused_not_cut(tmp_path: Path, damage: str) -> None:
    warc = tmp_path / "raw.warc.gz"
    data = _break_before_whole_pages(warc, damage)
    assert len(data) < warc_repair.MAX_TORN_BYTES  # well within what one page write can leave
    with pytest.raises(ArchiveError, match="not a torn write") as info:
        WarcWriter(warc)
    assert "intact record" in str(info.value)
    assert warc.read_bytes() == data  # nothing deleted
    pages = [i for i in read_warc(warc) if isinstance(i, WarcPage)]
    assert len(pages) >= 4  # the reader still gets every page it can


def test_a_whole_request_then_a_torn_response_is_still_cut(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    sizes = write_pages(whole, 2)
    data = whole.read_bytes()
    request = warc_repair._declared_length(data[sizes[-2] : sizes[-2] + 24])
    assert request is not None
    warc = tmp_path / "raw.warc.gz"
    warc.write_bytes(data[: sizes[-2] + request + 40])  # the request whole, the response cut
    assert repair_warc(warc).kept == sizes[-2]
