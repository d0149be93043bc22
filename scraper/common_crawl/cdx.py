"""Common Crawl's index: which crawls exist, and the NetEase article captures a crawl holds.

Talks to a pywb CDX server (Common Crawl's is ``https://index.commoncrawl.org``) through the one
:class:`~scraper.fetch.Fetcher`, so its retries (503/429 with ``Retry-After``), the per-host delay and
slow-down apply here as to any page; the job runs it with one request in flight. A query walks the
pages ``0..N-1`` that ``showNumPages=true`` announces, one at a time; a 404 (pywb's "No Captures
found") is an empty page, not an error.

Server-side filters (status 200, HTML, the capture dates) only make the answers smaller: every line
is checked again here, and kept only when our URL grammar (:func:`scraper.urls.parse_article_url`)
says it is an article, which also gives its docid. :class:`Selection` keeps one capture per docid.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from ..discovery.model import docid_time
from ..errors import FetchError, HTTPStatusError, Reason, URLRejected
from ..fetch import Fetcher
from ..jsonl import dumps_line
from ..urls import parse_article_url

__all__ = [
    "DEFAULT_INDEX_URL",
    "Capture",
    "CdxClient",
    "DateWindow",
    "Selection",
    "capture_from_cdx",
    "parse_collinfo",
]

DEFAULT_INDEX_URL = "https://index.commoncrawl.org"
DEFAULT_DOMAIN = "163.com"  # every article host (urls.ARTICLE_DOMAINS) is under it
HTML_MIMES = frozenset({"text/html", "application/xhtml+xml"})
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Capture:
    """One capture of an article in a crawl: where its WARC record is and when it was taken."""

    docid: str
    url: str
    timestamp: str  # YYYYMMDDhhmmss, UTC
    crawl: str
    filename: str
    offset: int
    length: int
    digest: str = ""

    @property
    def captured_at(self) -> datetime:
        """The capture time (UTC)."""
        return datetime.strptime(self.timestamp, TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)

    def to_json(self) -> str:
        """One line of the capture list (no newline)."""
        return dumps_line(asdict(self))

    @classmethod
    def from_json(cls, line: str) -> Capture:
        """Read a line of :meth:`to_json` back; raises ``ValueError`` (or ``KeyError``/``TypeError``)."""
        rec = json.loads(line)
        return cls(
            docid=str(rec["docid"]),
            url=str(rec["url"]),
            timestamp=str(rec["timestamp"]),
            crawl=str(rec["crawl"]),
            filename=str(rec["filename"]),
            offset=int(rec["offset"]),
            length=int(rec["length"]),
            digest=str(rec.get("digest", "")),
        )


@dataclass(frozen=True)
class DateWindow:
    """``--since``/``--until``, applied to the capture time (``by="capture"``) or to the publish time a
    docid encodes (``by="publish"``, :func:`~scraper.discovery.model.docid_time`)."""

    since: datetime | None = None
    until: datetime | None = None
    by: str = "capture"  # or "publish"

    def admits(self, capture: Capture) -> bool:
        """True when the capture is inside the window (a docid without a time passes a publish window)."""
        if self.since is None and self.until is None:
            return True
        when = capture.captured_at if self.by == "capture" else docid_time(capture.docid)
        if when is None:
            return True
        if self.since is not None and when < self.since:
            return False
        return self.until is None or when < self.until

    def server_params(self) -> dict[str, str]:
        """``from``/``to`` for the CDX server (capture window only; it is checked again here)."""
        if self.by != "capture":
            return {}
        params = {}
        if self.since is not None:
            params["from"] = self.since.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)
        if self.until is not None:
            params["to"] = self.until.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)
        return params


def capture_from_cdx(line: str, crawl: str) -> Capture | None:
    """One CDX JSON line to a :class:`Capture`, or None when it is no 200 HTML capture of an article."""
    try:
        rec = json.loads(line)
    except ValueError:
        return None
    if not isinstance(rec, dict) or str(rec.get("status", "")) != "200":
        return None
    mime = str(rec.get("mime-detected") or rec.get("mime") or "").partition(";")[0].strip().lower()
    if mime not in HTML_MIMES:
        return None
    try:
        article = parse_article_url(str(rec.get("url", "")))
        offset, length = int(rec["offset"]), int(rec["length"])
        timestamp, filename = str(rec["timestamp"]), str(rec["filename"])
        datetime.strptime(timestamp, TIMESTAMP_FORMAT)
    except (URLRejected, KeyError, TypeError, ValueError):
        return None
    if offset < 0 or length <= 0 or not filename:
        return None
    return Capture(
        article.docid, str(rec["url"]), timestamp, crawl, filename, offset, length, str(rec.get("digest", ""))
    )


def parse_collinfo(body: bytes) -> list[tuple[str, str]]:
    """``collinfo.json`` to ``[(crawl id, cdx-api URL)]``, newest first as the server lists them."""
    try:
        entries = json.loads(body)
    except ValueError as exc:
        raise FetchError(f"collinfo.json is not JSON: {exc}", reason=Reason.BAD_INDEX) from None
    if not isinstance(entries, list):
        raise FetchError("collinfo.json is not a list of crawls", reason=Reason.BAD_INDEX)
    crawls = []
    for entry in entries:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("cdx-api"), str)
        ):
            crawls.append((entry["id"], entry["cdx-api"]))
    return crawls


class Selection:
    """One capture per docid: the newest (or, with ``first``, the oldest) seen; ties keep the first."""

    def __init__(self, *, first: bool = False) -> None:
        self._first = first
        self._by_docid: dict[str, Capture] = {}

    def __len__(self) -> int:
        return len(self._by_docid)

    def offer(self, capture: Capture) -> None:
        """Keep ``capture`` if its docid has none yet or it is newer (older with ``first``)."""
        held = self._by_docid.get(capture.docid)
        if held is None or (
            held.timestamp > capture.timestamp if self._first else held.timestamp < capture.timestamp
        ):
            self._by_docid[capture.docid] = capture

    def captures(self) -> list[Capture]:
        """The kept captures, in the order their docids were first seen."""
        return list(self._by_docid.values())


class CdxClient:
    """Queries a pywb CDX server with a :class:`~scraper.fetch.Fetcher` (which must allow its host)."""

    def __init__(self, fetcher: Fetcher, index_url: str = DEFAULT_INDEX_URL) -> None:
        self._fetcher = fetcher
        self.index_url = index_url.rstrip("/")

    async def crawls(self) -> list[tuple[str, str]]:
        """Every crawl the server has, newest first, as ``(id, cdx-api URL)``."""
        page = await self._fetcher.fetch(f"{self.index_url}/collinfo.json")
        return parse_collinfo(page.content)

    def cdx_api(self, crawl: str) -> str:
        """The CDX endpoint of ``crawl`` on this server (Common Crawl's naming: ``<id>-index``)."""
        return f"{self.index_url}/{crawl}-index"

    async def pages(self, api: str, params: dict[str, str]) -> int:
        """How many result pages the query has (``showNumPages=true``); 0 when nothing matches."""
        body = await self._get(api, {**params, "showNumPages": "true"})
        if body is None:
            return 0
        text = body.decode("utf-8", "replace").strip()
        try:
            answer = json.loads(text.splitlines()[0] if text else "{}")
            return int(answer["pages"]) if isinstance(answer, dict) else int(answer)
        except (ValueError, KeyError, TypeError, IndexError):
            raise FetchError(
                f"{api}: showNumPages answered {text[:200]!r}, not a page count",
                url=api,
                reason=Reason.BAD_INDEX,
            ) from None

    async def captures(
        self, crawl: str, api: str, *, domain: str = DEFAULT_DOMAIN, window: DateWindow | None = None
    ) -> AsyncIterator[list[Capture]]:
        """The article captures of ``domain`` in ``crawl``, one list per result page, filtered here."""
        window = window or DateWindow()
        params = {
            "url": domain,
            "matchType": "domain",
            "output": "json",
            **window.server_params(),
        }
        filters = [("filter", "status:200"), ("filter", "mime:text/html")]
        total = await self.pages(api, params)
        for page in range(total):
            body = await self._get(api, {**params, "page": str(page)}, filters)
            if body is None:
                yield []
                continue
            lines = body.decode("utf-8", "replace").splitlines()
            found = (capture_from_cdx(line, crawl) for line in lines if line.strip())
            yield [c for c in found if c is not None and window.admits(c)]

    async def _get(
        self, api: str, params: dict[str, str], extra: Iterable[tuple[str, str]] = ()
    ) -> bytes | None:
        """The body of one CDX request, None for pywb's 404 "No Captures found"."""
        url = f"{api}?{urlencode([*params.items(), *extra])}"
        try:
            page = await self._fetcher.fetch(url)
        except HTTPStatusError as exc:
            if exc.status == 404:
                return None
            raise
        return page.content
