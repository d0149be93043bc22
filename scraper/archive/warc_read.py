"""WARC files (plain or ``.warc.gz``, Common Crawl style) to NetEase page records.

Every record of the file comes out as exactly one of:

- :class:`WarcPage`   — a ``response`` record with HTTP 200, an HTML content type and a NetEase
  target URI; carries the payload bytes, the WARC-Target-URI and the HTTP ``charset``. A record
  written by our crawl (:mod:`.warc_write`) has :data:`REQUESTED_URI_HEADER`: then ``url`` is that
  (the URL asked for), ``final_url`` the target URI, and any host is accepted (the crawl fetched it
  because the user allowed it);
- :class:`WarcSkip`   — a well-formed record that is not such a page (``non_response``,
  ``non_netease``, ``http_<status>``, ``non_html``);
- :class:`WarcBroken` — a record that cannot be read (``truncated``, ``bad_header``, ``bad_gzip``,
  ``bad_http``, ``bad_payload``, ``too_large``; a record the crawler marked ``WARC-Truncated`` is
  ``truncated`` too). Reading goes on with the next record.

A ``Content-Length`` is believed only when the record ends there: the block must be followed by the
blank lines that close a record, then the next ``WARC/`` line, the end of the data or (``.warc.gz``)
the end of the gzip member. Otherwise the length lied (too long, it would swallow the records after
it; too short, it cuts the page): the record is ``bad_header`` and reading rescans from the end of
its header for the next ``WARC/1.x`` line, so every later record is still read.

warcio parses the WARC and HTTP header blocks and undoes chunked/compressed HTTP payloads; the
record framing is ours (see :mod:`.streams`) because warcio's ``ArchiveIterator`` hands back a
truncated record as if it were whole, or drops it without a word when the gzip member is cut.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

from ..config import MAX_BODY_BYTES
from ..encoding import charset_from_content_type
from ..errors import ArchiveError, Reason
from ..urls import is_netease_url
from .streams import GZIP_MAGIC, GzipMemberStream, PlainStream, RecordStream

__all__ = [
    "REQUESTED_URI_HEADER",
    "WarcBroken",
    "WarcItem",
    "WarcPage",
    "WarcSkip",
    "is_warc_name",
    "read_warc",
    "read_warc_stream",
    "sniff_warc",
]

WARC_VERSIONS = ("WARC/1.1", "WARC/1.0", "WARC/0.18", "WARC/0.17")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_LINE = 64 * 1024  # longest header line we accept
MAX_HEADER_LINES = 512
# HTTP headers sit inside the record block, so the block may exceed the page cap by this much.
HTTP_HEADER_ROOM = 256 * 1024
# Set by our crawl's WARC writer on response records: the URL asked for, before redirects.
REQUESTED_URI_HEADER = "NetEase-Scraper-Requested-URI"
# ASCII digits only: str.isdigit() also takes "²169", and int() takes Arabic-Indic digits.
_LENGTH = re.compile(r"[0-9]{1,20}")
_TRAILER_PEEK = 16  # enough for the CRLF CRLF that ends a record and the next "WARC/"


@dataclass(frozen=True)
class WarcPage:
    """An HTML page from a NetEase host, as it was served."""

    offset: int
    url: str
    content: bytes
    charset: str | None
    final_url: str | None = None  # only for records written by our crawl (see the module docstring)


@dataclass(frozen=True)
class WarcSkip:
    """A readable record that is not a NetEase HTML page; ``reason`` says why."""

    offset: int
    reason: str


@dataclass(frozen=True)
class WarcBroken:
    """A record that could not be read; ``reason`` is a short code, ``message`` the details."""

    offset: int
    reason: str
    message: str
    url: str | None = None


WarcItem = WarcPage | WarcSkip | WarcBroken


@dataclass(frozen=True)
class _Misframed:
    """The block did not end where its ``Content-Length`` says (``short``: the data ran out first)."""

    short: bool
    message: str


def is_warc_name(path: Path) -> bool:
    """True for ``*.warc`` and ``*.warc.gz`` (any case)."""
    name = path.name.lower()
    return name.endswith((".warc", ".warc.gz"))


def sniff_warc(head: bytes) -> bool:
    """True when the first bytes of a file (plain or gzip) look like a WARC record."""
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def read_warc(path: Path, *, max_bytes: int = MAX_BODY_BYTES) -> Iterator[WarcItem]:
    """Read every record of the WARC file at ``path`` (compression detected from the bytes).

    Pages larger than ``max_bytes`` become ``too_large`` failures without being held in memory.
    Raises ``OSError`` only when the file cannot be opened.
    """
    with open(path, "rb") as raw:
        yield from read_warc_stream(raw, max_bytes=max_bytes)


def read_warc_stream(raw: BinaryIO, *, max_bytes: int = MAX_BODY_BYTES) -> Iterator[WarcItem]:
    """Read every record of a WARC from an open binary stream, as :func:`read_warc` does.

    ``raw`` must be seekable (a local file, an fsspec file) and positioned at the start of the
    WARC; it must give the bytes as stored: gzip members are inflated here, one by one, so that a
    corrupt member costs one record. Raises ``OSError`` only when the stream itself fails.
    """
    start = raw.tell()
    gz = raw.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    raw.seek(start)
    stream: RecordStream = GzipMemberStream(raw) if gz else PlainStream(raw)
    yield from _records(stream, max_bytes)


def _records(stream: RecordStream, max_bytes: int) -> Iterator[WarcItem]:
    pending: bytes | None = None  # a version line found while resynchronising
    offset = 0
    last = -1  # offset of the last record reported
    while True:
        try:
            if pending is None:
                offset = stream.record_offset()
                line = stream.readline(MAX_LINE)
            else:
                line, pending = pending, None
            if not line:
                if stream.truncated and offset != last:  # cut inside a member before any record byte
                    yield WarcBroken(offset, Reason.TRUNCATED, "the file ends inside a gzip member")
                return
            last = offset
            if not line.strip():
                continue  # the blank lines that end every record
            if not line.startswith(b"WARC/"):
                yield WarcBroken(offset, Reason.BAD_HEADER, "expected a WARC version line, found other bytes")
                pending, offset = _next_version_line(stream)
                continue
            header = _read_header(stream, line)
            if isinstance(header, tuple):
                reason, message = header
                yield WarcBroken(offset, reason, message)
                if reason != Reason.TRUNCATED:
                    pending, offset = _next_version_line(stream)
                continue
            block_start = stream.mark()
            url = (header.get_header("WARC-Target-URI") or "").strip().strip("<>") or None
            try:
                item = _read_block(stream, offset, header, max_bytes)
            except ArchiveError:
                if stream.error_offset != offset:  # the block ran on into a later, corrupt member
                    yield _lying_length(offset, "it runs into a later gzip member", url)
                raise
            if not isinstance(item, _Misframed):
                yield item
                continue
            # Rescan from the end of the header: the next record may start inside the bytes read.
            stream.rewind(block_start)
            try:
                pending, next_offset = _next_version_line(stream)
            except ArchiveError:
                yield _lying_length(offset, item.message, url)
                raise
            if pending is None and item.short:
                yield WarcBroken(offset, Reason.TRUNCATED, item.message, url)
            else:
                yield _lying_length(offset, item.message, url)
                offset = next_offset
        except ArchiveError as exc:  # corrupt gzip member: report it, go on at the next member
            last = stream.error_offset
            yield WarcBroken(last, exc.reason, str(exc))
            if not stream.resync():
                return


def _lying_length(offset: int, why: str, url: str | None) -> WarcBroken:
    return WarcBroken(offset, Reason.BAD_HEADER, f"Content-Length does not fit the record: {why}", url)


def _next_version_line(stream: RecordStream) -> tuple[bytes | None, int]:
    """Scan forward to the next line that starts a WARC record (after a framing error)."""
    while True:
        offset = stream.record_offset()
        line = stream.readline(MAX_LINE)
        if not line:
            return None, offset
        if line.rstrip(b"\r\n").decode("latin-1") in WARC_VERSIONS:
            return line, offset


def _read_header(stream: RecordStream, first: bytes) -> StatusAndHeaders | tuple[str, str]:
    """The parsed WARC header, or ``(reason, message)`` when it cannot be read."""
    lines = [first]
    while True:
        line = stream.readline(MAX_LINE)
        if not line:
            return Reason.TRUNCATED, "the file ends inside a WARC header"
        lines.append(line)
        if not line.strip():
            break
        if not line.endswith(b"\n") and len(line) < MAX_LINE:
            return Reason.TRUNCATED, "the file ends inside a WARC header"
        if len(lines) > MAX_HEADER_LINES or not line.endswith(b"\n"):
            return Reason.BAD_HEADER, "WARC header too long"
    try:
        parsed = StatusAndHeadersParser(WARC_VERSIONS).parse(io.BytesIO(b"".join(lines)))
    except Exception as exc:  # warcio raises its own exception types and ValueError alike
        return Reason.BAD_HEADER, f"unreadable WARC header: {exc}"
    length = parsed.get_header("Content-Length")
    if length is None or not _LENGTH.fullmatch(length.strip()):
        return Reason.BAD_HEADER, f"bad or missing Content-Length: {length!r}"
    return parsed


def _ends_here(stream: RecordStream) -> bool:
    """True when the next bytes close a record.

    That is the CRLF CRLF the standard puts there (whatever follows is the next record's business),
    or looser blank lines followed by ``WARC/``, the end of the data or the end of a gzip member.
    """
    after = stream.peek(_TRAILER_PEEK)
    if after.startswith(b"\r\n\r\n"):
        return True
    rest = after.lstrip(b"\r\n")
    return rest.startswith(b"WARC/") or b"WARC/".startswith(rest)


def _read_block(
    stream: RecordStream, offset: int, header: StatusAndHeaders, max_bytes: int
) -> WarcItem | _Misframed:
    length = int(header.get_header("Content-Length").strip())
    item = _read_block_of(stream, offset, header, length, max_bytes)
    if isinstance(item, _Misframed) or _ends_here(stream):
        return item
    return _Misframed(False, f"the {length} bytes it declares are not followed by the end of the record")


def _read_block_of(
    stream: RecordStream, offset: int, header: StatusAndHeaders, length: int, max_bytes: int
) -> WarcItem | _Misframed:
    rec_type = (header.get_header("WARC-Type") or "").strip().lower()
    url = (header.get_header("WARC-Target-URI") or "").strip().strip("<>")  # WARC 1.1 drafts used <...>
    requested = (header.get_header(REQUESTED_URI_HEADER) or "").strip() or None
    skip = None
    if rec_type != "response":
        skip = Reason.NON_RESPONSE
    elif not is_netease_url(url) and requested is None:
        skip = Reason.NON_NETEASE
    if skip is not None:
        if (got := stream.skip(length)) < length:
            return _Misframed(True, f"{rec_type} record has {got} of {length} bytes")
        return WarcSkip(offset, skip)
    if header.get_header("WARC-Truncated"):  # the crawler kept only part of the page
        reason = header.get_header("WARC-Truncated")
        if (got := stream.skip(length)) < length:
            return _Misframed(True, f"record has {got} of {length} bytes")
        return WarcBroken(
            offset, Reason.TRUNCATED, f"the crawler truncated this record (WARC-Truncated: {reason})", url
        )
    keep = min(length, max_bytes + HTTP_HEADER_ROOM)
    block = stream.read(keep)
    if len(block) < keep or (rest := stream.skip(length - keep)) < length - keep:
        got = len(block) if len(block) < keep else keep + rest
        return _Misframed(True, f"record has {got} of {length} bytes")
    page = _page_from_block(offset, url, block, cut=keep < length, max_bytes=max_bytes)
    if requested is not None and isinstance(page, WarcPage):
        return WarcPage(page.offset, requested, page.content, page.charset, final_url=url)
    return page


def _page_from_block(offset: int, url: str, block: bytes, *, cut: bool, max_bytes: int) -> WarcItem:
    body = io.BytesIO(block)
    try:
        http = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0"], verify=False).parse(
            body
        )
        status = int(http.get_statuscode())
    except Exception as exc:  # any unreadable status line or header block
        return WarcBroken(offset, Reason.BAD_HTTP, f"unreadable HTTP response header: {exc}", url)
    if status != 200:
        return WarcSkip(offset, Reason.http(status))
    content_type = http.get_header("Content-Type") or ""
    mime = content_type.partition(";")[0]
    if mime.strip() and mime.strip().lower() not in HTML_TYPES:
        return WarcSkip(offset, Reason.NON_HTML)
    if cut:
        return WarcBroken(offset, Reason.TOO_LARGE, f"page is larger than {max_bytes} bytes", url)
    try:
        payload = _decoded_payload(http, body, max_bytes)
    except Exception as exc:  # broken chunking or compression
        return WarcBroken(offset, Reason.BAD_PAYLOAD, f"cannot decode HTTP payload: {exc}", url)
    if len(payload) > max_bytes:
        return WarcBroken(offset, Reason.TOO_LARGE, f"page is larger than {max_bytes} bytes", url)
    return WarcPage(offset, url, payload, charset_from_content_type(content_type))


def _decoded_payload(http: StatusAndHeaders, body: io.BytesIO, max_bytes: int) -> bytes:
    """Undo ``Transfer-Encoding: chunked`` and ``Content-Encoding`` if the archive kept them.

    warcio is lenient here on purpose: a payload labelled chunked or gzip that is not (some WARC
    writers store the decoded body but keep the header) is passed through as it is.
    """
    encoding = (http.get_header("Content-Encoding") or "").strip().lower() or None
    if encoding == "identity" or (encoding and encoding not in BufferedReader.get_supported_decompressors()):
        encoding = None
    if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
        reader = ChunkedDataReader(body, decomp_type=encoding)
    elif encoding:
        reader = BufferedReader(body, decomp_type=encoding)
    else:
        return body.read()
    out = bytearray()
    while len(out) <= max_bytes:
        piece = reader.read(64 * 1024)
        if not piece:
            break
        out += piece
    return bytes(out)
