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
2. Opening an existing file repairs it first (:mod:`.warc_repair`): the members are walked from the start (each member
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
import threading
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
from ..errors import ArchiveError, Reason
from ..fetch.result import FetchResult
from .streams import GZIP_MAGIC
from .warc_read import REQUESTED_URI_HEADER
from .warc_repair import FEXTRA, LENGTH_FIELD, LENGTH_ID, repair_warc

__all__ = ["REQUESTED_URI_HEADER", "WarcWriter", "page_records"]

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
    total = len(member) + LENGTH_FIELD.size
    extra = LENGTH_FIELD.pack(LENGTH_FIELD.size - 2, LENGTH_ID, 8, total)
    return member[:3] + bytes([FEXTRA]) + member[4:10] + extra + member[10:]


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

    def write_member(self, member: bytes) -> None:
        """Append one gzip member holding a whole WARC record, as it is (a Common Crawl record)."""
        if not member.startswith(GZIP_MAGIC):
            raise ArchiveError(
                f"{self.path}: refusing to append bytes that are no gzip member", reason=Reason.BAD_GZIP
            )
        self._append(member)

    async def awrite_member(self, member: bytes) -> None:
        """:meth:`write_member` in a worker thread."""
        await asyncio.to_thread(self.write_member, member)

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
                    f"{self.path}: the WARC writer is closed (or a write failed)", reason=Reason.WARC_ERROR
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
        raise ArchiveError(f"another crawl is writing to {path}", reason=Reason.LOCKED) from exc


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/filesystem lets a directory be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
