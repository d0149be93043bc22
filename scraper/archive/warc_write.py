"""The raw pages of a crawl as a ``.warc.gz`` (Common Crawl style), safe across kills and resumes.

Each fetched page becomes two records, each its own gzip member: a ``request`` record (the GET and
its headers as sent) and a ``response`` record (status line, headers, body), linked both ways by
``WARC-Concurrent-To``, dated ``fetched_at``, with payload and block digests. A new file starts
with a ``warcinfo`` record. Both records have ``WARC-Target-URI`` = the final URL (the one that
answered); the response also carries :data:`REQUESTED_URI_HEADER` = the URL the crawl asked for,
so a reader can give back the crawl's own ``url``/``final_url`` pair.

The body is stored as httpx handed it over, i.e. already decoded: ``Content-Encoding`` and
``Transfer-Encoding`` are renamed ``X-Archive-Orig-*`` and ``Content-Length`` is set to the stored
body's length, so the stored HTTP message is consistent with its payload.

Crash safety:

1. A page's two members are built in memory and appended with one ``write`` to a file opened
   ``O_APPEND``, then fsynced, under a lock: writes never interleave and each page is durable before
   the next one starts. So only the last write can be torn (SIGKILL mid-``write``, power loss).
2. Opening an existing file repairs it first: the members are walked from the start (each member
   declares its own length in an RFC 1952 ``FEXTRA`` subfield, so the walk seeks from header to
   header without inflating; members without it are inflated), the last two are inflated and
   CRC-checked, and a torn tail is truncated, together with a ``request`` whose ``response`` was
   cut. Only what a single page write could have left is ever cut: anything else is an
   :class:`~scraper.errors.ArchiveError` and the file is left alone.
3. Until that repair, readers see every complete record and one failure record for the torn tail
   (:mod:`.warc_read` frames records itself: ``truncated``, or ``bad_header``/``bad_gzip`` when the
   cut falls in the first bytes of a record). warcio's ``ArchiveIterator`` is not so careful (it
   may raise, or return the cut record as if whole): it reads the file once repaired.
4. An exclusive ``flock`` on the file for the writer's lifetime stops two crawls appending to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import struct
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from .._version import __version__
from ..config import MAX_BODY_BYTES
from ..errors import ArchiveError
from ..fetch.result import FetchResult
from .streams import GZIP_MAGIC
from .warc_read import REQUESTED_URI_HEADER

__all__ = ["MAX_TORN_BYTES", "REQUESTED_URI_HEADER", "WarcWriter", "page_records", "repair_warc"]

# The most bytes one page write can add: the body cap, its headers, and deflate's worst-case growth.
MAX_TORN_BYTES = MAX_BODY_BYTES + MAX_BODY_BYTES // 100 + 1024 * 1024
_FEXTRA = 0x04  # RFC 1952 FLG bit: an extra field follows the 10-byte header
_LENGTH_ID = b"NS"  # our FEXTRA subfield: the whole member's length, uint64 little-endian
_LENGTH_FIELD = struct.Struct("<H2sHQ")  # XLEN, SI1 SI2, LEN, member length
_HEAD_BYTES = 4096  # decompressed bytes kept from a member: enough for its WARC header
_CHUNK = 64 * 1024
_DECODED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_WARC_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


# -- records -----------------------------------------------------------------------------------


def page_records(page: FetchResult) -> bytes:
    """The ``request`` then ``response`` record of ``page``, each a gzip member, as one buffer."""
    target = page.final_url
    date = _warc_date(page.fetched_at)
    request_id = StatusAndHeadersParser.make_warc_id()
    response_id = StatusAndHeadersParser.make_warc_id()
    builder = RecordBuilder()
    parts = urlsplit(target)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = builder.create_warc_record(
        target,
        "request",
        http_headers=StatusAndHeaders(
            f"GET {path} {page.http_version}", list(page.request_headers.items()), is_http_request=True
        ),
        warc_headers_dict=_warc_fields("request", target, date, request_id, response_id),
    )
    response = builder.create_warc_record(
        target,
        "response",
        payload=io.BytesIO(page.content),
        length=len(page.content),
        http_headers=StatusAndHeaders(
            f"{page.status} {_phrase(page.status)}",
            _stored_headers(page.headers, len(page.content)),
            protocol=page.http_version,
        ),
        warc_headers_dict={
            **_warc_fields("response", target, date, response_id, request_id),
            REQUESTED_URI_HEADER: page.url,
        },
    )
    return _member(request) + _member(response)


def _warc_fields(kind: str, target: str, date: str, own_id: str, other_id: str) -> dict[str, str]:
    """The WARC header fields we set, in Common Crawl's order (warcio adds digests and lengths)."""
    return {
        "WARC-Type": kind,
        "WARC-Date": date,
        "WARC-Record-ID": own_id,
        "WARC-Target-URI": target,
        "WARC-Concurrent-To": other_id,
    }


def warcinfo_record(filename: str) -> bytes:
    """The ``warcinfo`` record that opens a new file, as one gzip member."""
    info = {
        "software": f"netease-scraper/{__version__} (warcio)",
        "format": "WARC File Format 1.0",
        "description": "raw pages of a netease-scraper crawl: request + response per page",
    }
    return _member(RecordBuilder().create_warcinfo_record(filename, info))


def _member(record: object) -> bytes:
    buf = io.BytesIO()
    WARCWriter(buf, gzip=True).write_record(record)
    return _with_length(buf.getvalue())


def _with_length(member: bytes) -> bytes:
    """Add an ``FEXTRA`` subfield holding the member's total length (lets a resume skip members).

    RFC 1952 readers skip extra fields they do not know, so the member stays plain gzip. A header
    that already has flags set is left as it is (the repair then inflates that member instead).
    """
    if len(member) < 18 or not member.startswith(GZIP_MAGIC) or member[3] != 0:
        return member
    total = len(member) + _LENGTH_FIELD.size
    extra = _LENGTH_FIELD.pack(_LENGTH_FIELD.size - 2, _LENGTH_ID, 8, total)
    return member[:3] + bytes([_FEXTRA]) + member[4:10] + extra + member[10:]


def _stored_headers(headers: dict[str, str], length: int) -> list[tuple[str, str]]:
    """Response headers consistent with the stored (already decoded) body."""
    out: list[tuple[str, str]] = []
    for name, value in headers.items():
        if name.lower() not in _DECODED_HEADERS:
            out.append((name, value))
        elif name.lower() != "content-length" or value.strip() != str(length):
            out.append((f"X-Archive-Orig-{name}", value))  # what the server sent, for the record
    out.append(("Content-Length", str(length)))
    return out


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _warc_date(fetched_at: str) -> str:
    """``fetched_at`` as a WARC 1.0 date (``2025-10-16T12:02:18Z``); now if it cannot be read."""
    if _WARC_DATE.fullmatch(fetched_at):
        return fetched_at
    try:
        when = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        when = datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the writer --------------------------------------------------------------------------------


class WarcWriter:
    """Appends pages to a ``.warc.gz``; use as ``with WarcWriter(path) as w: w.write(page)``.

    Opening locks the file, repairs a torn tail left by a killed run (see the module docstring) and
    writes a ``warcinfo`` record if the file is new or empty. :meth:`write` returns once the page is
    on disk; :meth:`awrite` does the same off the event loop (the crawl's ``sink``). Thread-safe.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        created = not self.path.exists()
        self._fh: BinaryIO | None = open(self.path, "a+b", buffering=0)  # noqa: SIM115 - closed in close()
        try:
            _lock_exclusive(self._fh, self.path)
            self.repaired = repair_warc(self.path, locked=self._fh)
            if created:
                _fsync_dir(self.path.parent)  # the new file's name survives a power failure too
            if self.repaired.kept == 0:
                self._append(warcinfo_record(self.path.name))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def write(self, page: FetchResult) -> None:
        """Append ``page``'s request and response records; return once they are fsynced."""
        self._append(page_records(page))  # compress outside the lock: writers only queue for the disk

    async def awrite(self, page: FetchResult) -> None:
        """:meth:`write` in a worker thread, so compressing and fsyncing never stall the event loop."""
        await asyncio.to_thread(self.write, page)

    def close(self) -> None:
        """Wait for a write in progress, then release the lock and close the file."""
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None

    def _append(self, data: bytes) -> None:
        with self._lock:
            if self._fh is None:
                raise ArchiveError(
                    f"{self.path}: the WARC writer is closed (or a write failed)", reason="warc_error"
                )
            fd = self._fh.fileno()
            start = os.lseek(fd, 0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:  # one write() in practice; the loop only covers a short write
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except BaseException:
                # Disk full or I/O error: take the partial page back off the end, and accept no more
                # writes, so a torn page can only ever be the last thing in the file.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                self._fh.close()
                self._fh = None
                raise


def _lock_exclusive(fh: BinaryIO, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no flock; one writer per file is then the user's business
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        raise ArchiveError(f"another crawl is writing to {path}", reason="locked") from exc


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/filesystem lets a directory be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- repair ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """What :func:`repair_warc` did: the file's size before (``size``) and after (``kept``)."""

    size: int
    kept: int

    @property
    def cut(self) -> int:
        """Bytes truncated off the end."""
        return self.size - self.kept


def repair_warc(path: str | Path, *, locked: BinaryIO | None = None) -> Repair:
    """Cut a torn last page write off the ``.warc.gz`` at ``path`` (see the module docstring).

    ``locked`` is the writer's handle on the file (truncation goes through it). Raises
    :class:`ArchiveError` when the file is damaged in a way a torn write cannot explain, or is not
    a gzip WARC; a missing file is an empty one.
    """
    path = Path(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return Repair(0, 0)
    with fh:
        size = fh.seek(0, os.SEEK_END)
        kept = _complete_prefix(fh, size)
        if kept < size:
            fh.seek(kept)
            _check_torn(path, fh.read(_CHUNK), kept, size)
        if kept > 0 and not _head(fh, 0).startswith(b"WARC/"):
            raise ArchiveError(
                f"{path} is a gzip file but not a WARC: not appending to it", reason="warc_error"
            )
    if kept < size:
        with contextlib.ExitStack() as stack:
            target = locked if locked is not None else stack.enter_context(open(path, "r+b"))
            target.truncate(kept)
            os.fsync(target.fileno())
    return Repair(size, kept)


def _complete_prefix(fh: BinaryIO, size: int) -> int:
    """Length of the longest prefix made of whole members and ending after a whole page."""
    starts: list[int] = []
    pos = 0
    while pos < size:
        end = _member_end(fh, pos, size)
        if end is None:
            break
        starts.append(pos)
        pos = end
    # Only the last write (one page: two members) can be torn: check those two by inflating them,
    # since a declared length says nothing about what a power failure left inside the member.
    for i in range(max(0, len(starts) - 2), len(starts)):
        following = starts[i + 1] if i + 1 < len(starts) else pos
        if _inflate(fh, starts[i]) != following:
            pos = starts[i]
            del starts[i:]
            break
    if starts and _record_type(_head(fh, starts[-1])) == "request":
        pos = starts.pop()  # its response was cut: the page is re-fetched on resume anyway
    return pos


def _member_end(fh: BinaryIO, pos: int, size: int) -> int | None:
    """Where the member at ``pos`` ends, or None if it is not a whole member."""
    fh.seek(pos)
    header = fh.read(10 + _LENGTH_FIELD.size)
    if not header.startswith(GZIP_MAGIC):
        return None
    declared = _declared_length(header)
    if declared is None:
        return _inflate(fh, pos)
    end = pos + declared
    return end if end <= size else None


def _declared_length(header: bytes) -> int | None:
    if len(header) < 10 + _LENGTH_FIELD.size or not header[3] & _FEXTRA:
        return None
    _, ident, length, total = _LENGTH_FIELD.unpack_from(header, 10)
    if ident != _LENGTH_ID or length != 8 or total < 18:
        return None
    return int(total)


def _inflate(fh: BinaryIO, pos: int, *, head: bytearray | None = None) -> int | None:
    """Inflate the member at ``pos`` (CRC checked); return where it ends, None if broken or cut.

    The first decompressed bytes go into ``head`` when given. Output is discarded as it comes, so
    memory stays bounded whatever the member holds.
    """
    fh.seek(pos)
    inflater = zlib.decompressobj(wbits=31)
    data = b""
    while True:
        if not data:
            data = fh.read(_CHUNK)
            if not data:
                return None  # the file ends inside this member
        try:
            out = inflater.decompress(data, _CHUNK)
        except zlib.error:
            return None
        if head is not None and len(head) < _HEAD_BYTES:
            head += out[: _HEAD_BYTES - len(head)]
        if inflater.eof:
            # (at the end, unused_data is all input left over; unconsumed_tail may still repeat it)
            return fh.tell() - len(inflater.unused_data)
        data = inflater.unconsumed_tail


def _head(fh: BinaryIO, pos: int) -> bytes:
    head = bytearray()
    _inflate(fh, pos, head=head)
    return bytes(head)


def _record_type(head: bytes) -> str | None:
    for line in head.split(b"\r\n")[1:]:
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"warc-type":
            return value.strip().decode("latin-1").lower()
    return None


def _check_torn(path: Path, tail: bytes, kept: int, size: int) -> None:
    """Refuse to cut bytes that a torn page write cannot have left."""
    ours = GZIP_MAGIC.startswith(tail[:3]) or not tail.strip(b"\0")  # a member's start, or unwritten blocks
    if size - kept > MAX_TORN_BYTES or not ours:
        raise ArchiveError(
            f"{path}: unreadable data from byte {kept} ({size - kept} bytes to the end) is not a torn"
            " write of this tool; not appending to it (move it aside or name another --warc file)",
            reason="warc_error",
        )
