"""Loopback Common Crawl: a CDX index server and a data server over WARC files built in the test.

    archive = Archive()
    cap = archive.add("https://www.163.com/dy/article/<ID>.html", page_bytes, "20250801120000")
    archive.add_cdx_only("https://www.163.com/photoview/x.html", status="200")    # listed, not stored
    with CdxServer(archive, page_size=3) as index, DataServer(archive) as data:
        index.url, data.url                                                   # http://127.0.0.1:<port>
        data.fault(cap, Respond(503, {"Retry-After": "1"}))                     # next answer for that record
        index.fault(Respond(503, {"Retry-After": "1"}))                         # next index request

The WARC records are written here by hand (one gzip member each, Common Crawl's layout: a
``response`` record whose block is the HTTP response), so the code under test parses bytes it did
not produce. The index answers like pywb: ``/collinfo.json``, ``/<crawl>-index?...&output=json``
with ``showNumPages=true`` and ``page=P`` (``page_size`` lines per page), and 404 "No Captures found"
for a crawl or page without captures. It ignores ``filter=``, so the client's own filters are tested.
The data server honours ``Range: bytes=a-b`` with 206.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from httpserver import Respond  # the same fault the article server takes

__all__ = [
    "Archive",
    "CdxServer",
    "DataServer",
    "Entry",
    "Respond",
    "Short",
    "WholeFile",
    "warc_member",
]


@dataclass(frozen=True)
class WholeFile:
    """Ignore the Range: 200 with the whole WARC file."""


@dataclass(frozen=True)
class Short:
    """206, but only the first ``keep`` bytes of the range."""

    keep: int


Fault = Respond | WholeFile | Short


def warc_member(
    url: str,
    page: bytes,
    *,
    date: str = "2025-08-01T12:00:00Z",
    content_type: str = "text/html; charset=utf-8",
    record_type: str = "response",
    http_status: int = 200,
) -> bytes:
    """One gzip member holding one WARC record, as Common Crawl stores a capture."""
    http = (
        f"HTTP/1.1 {http_status} OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(page)}\r\n\r\n"
    ).encode("latin-1") + page
    header = (
        "WARC/1.0\r\n"
        f"WARC-Type: {record_type}\r\n"
        f"WARC-Date: {date}\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
        f"WARC-Target-URI: {url}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode("latin-1")
    return gzip.compress(header + http + b"\r\n\r\n", mtime=0)


@dataclass(frozen=True)
class Entry:
    """One CDX line (and, when stored, its record at ``filename``/``offset``/``length``)."""

    url: str
    timestamp: str
    crawl: str
    filename: str
    offset: int
    length: int
    status: str = "200"
    mime: str = "text/html"

    def cdx(self) -> dict[str, Any]:
        host = self.url.split("/")[2]
        urlkey = ",".join(reversed(host.split("."))) + ")" + self.url.split(host, 1)[1]
        return {
            "urlkey": urlkey,
            "timestamp": self.timestamp,
            "url": self.url,
            "mime": self.mime,
            "mime-detected": self.mime,
            "status": self.status,
            "digest": f"SHA1{self.offset}",
            "length": str(self.length),
            "offset": str(self.offset),
            "filename": self.filename,
            "languages": "zho",
            "encoding": "UTF-8",
        }


class Archive:
    """WARC files (one per crawl, or more with ``filename``) and the CDX lines that index them."""

    def __init__(self) -> None:
        self.files: dict[str, bytearray] = {}
        self.entries: list[Entry] = []
        self.crawls: list[str] = []  # newest first, as collinfo.json lists them

    def _file(self, crawl: str, filename: str | None) -> str:
        if crawl not in self.crawls:
            self.crawls.append(crawl)
            self.crawls.sort(reverse=True)
        name = filename or f"crawl-data/{crawl}/segments/1/warc/{crawl}-00000.warc.gz"
        self.files.setdefault(name, bytearray())
        return name

    def add_member(
        self,
        url: str,
        member: bytes,
        timestamp: str,
        *,
        crawl: str = "CC-MAIN-2025-33",
        filename: str | None = None,
        status: str = "200",
        mime: str = "text/html",
        length: int | None = None,
    ) -> Entry:
        """Store ``member`` (any bytes) and index it; ``length`` lets the index lie about its size."""
        name = self._file(crawl, filename)
        data = self.files[name]
        entry = Entry(url, timestamp, crawl, name, len(data), length or len(member), status, mime)
        data += member
        self.entries.append(entry)
        return entry

    def add(self, url: str, page: bytes, timestamp: str, *, charset: str = "utf-8", **kw: Any) -> Entry:
        """Store a page as a 200 HTML response record captured at ``timestamp`` (YYYYMMDDhhmmss)."""
        t = timestamp
        date = f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"
        member = warc_member(url, page, date=date, content_type=f"text/html; charset={charset}")
        return self.add_member(url, member, timestamp, **kw)

    def add_cdx_only(self, url: str, timestamp: str = "20250801000000", **kw: Any) -> Entry:
        """An index line with no record behind it (the client should filter it out)."""
        crawl = kw.pop("crawl", "CC-MAIN-2025-33")
        name = self._file(crawl, None)
        entry = Entry(url, timestamp, crawl, name, 0, 100, **kw)
        self.entries.append(entry)
        return entry

    def lines(self, crawl: str) -> list[str]:
        """The crawl's CDX lines, sorted as a CDX server sorts them (urlkey, then time)."""
        chosen = sorted(
            (e for e in self.entries if e.crawl == crawl), key=lambda e: (e.cdx()["urlkey"], e.timestamp)
        )
        return [json.dumps(e.cdx()) for e in chosen]


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    time: float


class _Server:
    """A threaded HTTP/1.1 server on 127.0.0.1; subclasses answer in :meth:`answer`."""

    def __init__(self) -> None:
        owner = self
        self.hits: list[Hit] = []
        self._faults: dict[Any, deque[Fault]] = {}
        self._lock = threading.Lock()
        self.delay = 0.0  # seconds before every answer (to be caught mid-run)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                hit = Hit(
                    path, parse_qs(query), {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
                )
                with owner._lock:
                    owner.hits.append(hit)
                if owner.delay:
                    time.sleep(owner.delay)
                status, headers, body = owner.answer(hit)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.host}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def _take_fault(self, key: Any) -> Fault | None:
        with self._lock:
            queue = self._faults.get(key)
            return queue.popleft() if queue else None

    def _add_fault(self, key: Any, *faults: Fault) -> None:
        with self._lock:
            self._faults.setdefault(key, deque()).extend(faults)

    def answer(self, hit: Hit) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> _Server:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class CdxServer(_Server):
    """pywb's CDX API over an :class:`Archive`."""

    def __init__(self, archive: Archive, *, page_size: int = 3) -> None:
        self.archive = archive
        self.page_size = page_size
        super().__init__()

    def __enter__(self) -> CdxServer:
        return self

    def fault(self, *faults: Fault) -> None:
        """Answer the next CDX queries (``/<crawl>-index``) with these faults, in order."""
        self._add_fault("any", *faults)

    def index_hits(self) -> list[Hit]:
        """The CDX queries (not collinfo, not robots.txt)."""
        return [h for h in self.hits if h.path.endswith("-index")]

    def answer(self, hit: Hit) -> tuple[int, dict[str, str], bytes]:
        fault = self._take_fault("any") if hit.path.endswith("-index") else None
        if isinstance(fault, Respond):
            return fault.status, fault.headers, fault.body
        if hit.path == "/collinfo.json":
            info = [
                {"id": c, "name": c, "timegate": f"{self.url}/{c}/", "cdx-api": f"{self.url}/{c}-index"}
                for c in self.archive.crawls
            ]
            return 200, {"Content-Type": "application/json"}, json.dumps(info).encode()
        if not hit.path.endswith("-index"):
            return 404, {}, b"not found"
        crawl = hit.path[1 : -len("-index")]
        lines = self.archive.lines(crawl)
        pages = (len(lines) + self.page_size - 1) // self.page_size
        if not lines:
            return 404, {"Content-Type": "text/plain"}, b"No Captures found for: 163.com"
        if hit.query.get("showNumPages") == ["true"]:
            return (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"pages": pages, "pageSize": 5, "blocks": pages}).encode(),
            )
        page = int(hit.query.get("page", ["0"])[0])
        chunk = lines[page * self.page_size : (page + 1) * self.page_size]
        if not chunk:
            return 404, {"Content-Type": "text/plain"}, b"No Captures found for: 163.com"
        return 200, {"Content-Type": "text/x-ndjson"}, ("\n".join(chunk) + "\n").encode()


class DataServer(_Server):
    """Serves the archive's WARC files with ``Range`` support, and faults per record."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        super().__init__()

    def __enter__(self) -> DataServer:
        return self

    def fault(self, entry: Entry, *faults: Fault) -> None:
        """Answer the next requests for ``entry``'s range with these faults, in order."""
        self._add_fault((entry.filename, entry.offset), *faults)

    def record_hits(self) -> list[Hit]:
        """The requests for WARC files."""
        return [h for h in self.hits if h.path.startswith("/crawl-data/")]

    def answer(self, hit: Hit) -> tuple[int, dict[str, str], bytes]:
        data = self.archive.files.get(hit.path.lstrip("/"))
        if data is None:
            return 404, {}, b"NoSuchKey"
        spec = hit.headers.get("range", "")
        if not spec.startswith("bytes="):
            return 200, {"Content-Type": "application/octet-stream"}, bytes(data)
        first, _, last = spec[len("bytes=") :].partition("-")
        start, end = int(first), min(int(last), len(data) - 1)
        fault = self._take_fault((hit.path.lstrip("/"), start))
        if isinstance(fault, Respond):
            return fault.status, fault.headers, fault.body
        if isinstance(fault, WholeFile):
            return 200, {"Content-Type": "application/octet-stream"}, bytes(data)
        body = bytes(data[start : end + 1])
        if isinstance(fault, Short):
            body = body[: fault.keep]
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {start}-{end}/{len(data)}",
        }
        return 206, headers, body
