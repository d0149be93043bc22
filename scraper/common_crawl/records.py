"""One capture's WARC record, fetched by HTTP Range from the data server and checked before cleaning.

A capture names ``filename``, ``offset`` and ``length``; ``GET {data_url}/{filename}`` with
``Range: bytes=offset-(offset+length-1)`` must answer 206 with exactly ``length`` bytes, which must
be one whole gzip member holding one WARC ``response`` record of an HTML page with HTTP 200. Anything
else fails that record: ``bad_range`` (200 with the whole file, a short or long body, a wrong
``Content-Range``) or ``bad_record`` (not gzip, corrupt, several members, not a response, not 200
HTML). The record is parsed by :func:`scraper.archive.warc_read.read_warc_stream`, as ``clean`` reads
a WARC file.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from functools import partial

from ..archive.streams import GZIP_MAGIC
from ..archive.warc_read import WarcBroken, WarcPage, WarcSkip, read_warc_stream
from ..config import MAX_BODY_BYTES
from ..errors import ArchiveError, FetchError, Reason
from ..fetch import Fetcher, FetchResult
from .cdx import Capture

__all__ = ["DEFAULT_DATA_URL", "CapturedPage", "fetch_capture", "page_from_member"]

DEFAULT_DATA_URL = "https://data.commoncrawl.org"
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
_WARC_DATE = re.compile(rb"^WARC-Date:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class CapturedPage(FetchResult):
    """A page taken from a Common Crawl record: ``content`` is the page, ``member`` the raw gzip member
    (what ``--warc`` appends), ``fetched_at`` the capture's ``WARC-Date``."""

    member: bytes = b""


def range_header(capture: Capture) -> dict[str, str]:
    """The headers asking for exactly the capture's record: its byte range, uncompressed in transit
    (a compressed answer would not be the ``length`` bytes the index names)."""
    return {
        "Range": f"bytes={capture.offset}-{capture.offset + capture.length - 1}",
        "Accept-Encoding": "identity",
    }


async def fetch_capture(fetcher: Fetcher, data_url: str, capture: Capture) -> CapturedPage:
    """Range-fetch ``capture``'s record and return its page; raises a ``ScraperError`` for a bad one.

    Retries (timeouts, 503 with ``Retry-After``...) and politeness are the fetcher's.
    """
    url = f"{data_url.rstrip('/')}/{capture.filename.lstrip('/')}"
    result = await fetcher.fetch(url, headers=range_header(capture))
    check_range(result, capture, url)
    return page_from_member(
        result.content, capture, attempts=result.attempts, where=f"{url} @{capture.offset}"
    )


def check_range(result: FetchResult, capture: Capture, url: str) -> None:
    """Raise ``FetchError(bad_range)`` unless the answer is a 206 of exactly the bytes asked for."""
    where = f"{url} bytes {capture.offset}+{capture.length}"
    if result.status != 206:
        raise FetchError(
            f"{where}: HTTP {result.status} instead of 206 Partial Content (the server ignored the Range)",
            url=url,
            attempts=result.attempts,
            reason=Reason.BAD_RANGE,
        )
    if len(result.content) != capture.length:
        raise FetchError(
            f"{where}: got {len(result.content)} bytes, asked for {capture.length}",
            url=url,
            attempts=result.attempts,
            reason=Reason.BAD_RANGE,
        )
    found = _CONTENT_RANGE.fullmatch((result.headers.get("content-range") or "").strip())
    if found is not None and int(found[1]) != capture.offset:
        raise FetchError(
            f"{where}: Content-Range {result.headers['content-range']!r} starts elsewhere",
            url=url,
            attempts=result.attempts,
            reason=Reason.BAD_RANGE,
        )


def page_from_member(member: bytes, capture: Capture, *, attempts: int = 1, where: str = "") -> CapturedPage:
    """The page in one gzip member holding one WARC response; ``ArchiveError(bad_record)`` otherwise
    (its message starts with ``where``: the record's file and offset)."""
    bad = partial(_bad, f"{where}: " if where else "")
    if not member.startswith(GZIP_MAGIC):
        raise bad("not a gzip member")
    inflate = zlib.decompressobj(wbits=31)
    try:
        # Inflate once to check it is whole and alone; its size is bounded by the page cap plus room.
        record = inflate.decompress(member, MAX_BODY_BYTES + 1024 * 1024)
    except zlib.error as exc:
        raise bad(f"corrupt gzip member: {exc}") from None
    if not inflate.eof:
        raise bad(
            "the gzip member is cut short" if not inflate.unconsumed_tail else "the record is too large"
        )
    if inflate.unused_data:
        raise bad(f"{len(inflate.unused_data)} bytes after the first gzip member (several members)")
    items = list(read_warc_stream(io.BytesIO(record)))  # inflated already: read as a plain WARC
    if len(items) != 1:
        raise bad(f"{len(items)} WARC records in the member, expected one")
    item = items[0]
    if isinstance(item, WarcSkip):
        raise bad(f"the record is no HTML page with HTTP 200 ({item.reason})")
    if isinstance(item, WarcBroken):
        raise bad(f"unreadable record ({item.reason}: {item.message})")
    assert isinstance(item, WarcPage)
    date = _WARC_DATE.search(record.split(b"\r\n\r\n", 1)[0])
    return CapturedPage(
        url=capture.url,
        final_url=item.url,
        status=200,
        headers={},
        content=item.content,
        charset=item.charset,
        fetched_at=date[1].decode("ascii", "replace") if date else capture.captured_at.isoformat(),
        attempts=attempts,
        member=member,
    )


def _bad(where: str, message: str) -> ArchiveError:
    return ArchiveError(where + message, reason=Reason.BAD_RECORD)
