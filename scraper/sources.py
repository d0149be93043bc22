"""Saved pages as input: CLI paths to a stream of :class:`SavedPage` (and what was not a page).

A path is one of:

- ``-``: the bytes of standard input, one page;
- a folder: walked recursively in sorted order (hidden entries and symlinked folders skipped),
  taking ``.html``/``.htm``/``.shtml`` (optionally ``.gz``) files and ``.warc``/``.warc.gz`` files
  (a symlink loop in it is a ``read_error`` failure);
- a file: a page (gzip-compressed or not, whatever its name) or a WARC (by name, or by its first bytes).

Each input gives items in input order: a :class:`SavedPage` to clean, a :class:`Skipped` for a
WARC record that is not a NetEase HTML page, or a :class:`Failed` for something unreadable
(``not_found``, ``read_error``, ``bad_gzip``, ``too_large`` and the WARC reasons of
:mod:`scraper.archive.warc_read`). Nothing here raises for a bad input: failures are data.
"""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .archive import WarcPage, WarcSkip, is_warc_name, read_warc, sniff_warc
from .archive.warc_read import WarcItem
from .config import MAX_BODY_BYTES
from .errors import Reason

__all__ = [
    "PAGE_SUFFIXES",
    "SNIFF_BYTES",
    "STDIN",
    "Failed",
    "SavedPage",
    "Skipped",
    "SourceItem",
    "input_kind",
    "iter_sources",
    "missing_paths",
    "walk_folder",
    "warc_source_item",
]

STDIN = "-"
STDIN_ORIGIN = "<stdin>"
PAGE_SUFFIXES = (".html", ".htm", ".shtml")
_GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 16 * 1024  # a gzip member needs a few hundred bytes before it yields any output


@dataclass(frozen=True)
class SavedPage:
    """One page to clean: where it came from, its bytes, and what is known about it."""

    origin: str  # file path, ``<stdin>``, or ``path#offset`` for a WARC record
    content: bytes
    url: str | None = None
    charset: str | None = None  # from the HTTP Content-Type header, when there was one
    final_url: str | None = None  # after redirects: only a WARC written by our crawl records it


@dataclass(frozen=True)
class Skipped:
    """A WARC record that is not a NetEase HTML page (``non_response``, ``non_html``, ``http_404``...)."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Failed:
    """An input that could not be read as a page; ``reason`` is a short code, ``message`` the details."""

    origin: str
    reason: str
    message: str
    url: str | None = None


SourceItem = SavedPage | Skipped | Failed


def missing_paths(paths: Iterable[str]) -> list[str]:
    """The paths (other than ``-``) that do not exist; the CLI treats them as a usage error."""
    return [p for p in paths if p != STDIN and not os.path.exists(p)]


def input_kind(raw: str) -> str:
    """What a CLI path is: ``stdin``, ``folder``, ``warc`` or ``page``."""
    if raw == STDIN:
        return "stdin"
    path = Path(raw)
    if path.is_dir():
        return "folder"
    return "warc" if is_warc_name(path) or _sniffs_as_warc(path) else "page"


def iter_sources(
    paths: Iterable[str],
    *,
    url: str | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[SourceItem]:
    """Every page (or skip/failure) of every path, in order.

    ``url`` is attached to plain pages (the CLI allows it with a single page only); ``max_bytes``
    caps one page (a larger one is a ``too_large`` failure, never read whole into memory);
    ``stdin`` replaces ``sys.stdin.buffer`` for ``-``.
    """
    for raw in paths:
        kind = input_kind(raw)
        if kind == "stdin":
            yield _page_from_stream(stdin or sys.stdin.buffer, STDIN_ORIGIN, url, max_bytes)
        elif kind == "folder":
            for found in walk_folder(Path(raw)):
                if isinstance(found, Failed):
                    yield found
                else:
                    yield from _from_file(found, url, max_bytes, is_warc_name(found))
        else:
            yield from _from_file(Path(raw), url, max_bytes, kind == "warc")


def walk_folder(folder: Path) -> Iterator[Path | Failed]:
    """Page and WARC files under ``folder``, recursively, sorted by name at each level.

    An entry that cannot even be told to be a file or a folder (a symlink loop: ``ELOOP``) is a
    ``read_error`` failure in its place, whatever its name: it may stand for pages the user expects.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # an unreadable sub-folder holds nothing we can read
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()  # follows a symlink: raises on a loop
        except OSError as exc:
            yield _os_failure(str(path), exc)
            continue
        if is_dir:
            yield from walk_folder(path)
        elif is_file and (_is_page_name(path) or is_warc_name(path)):
            yield path


def _is_page_name(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(PAGE_SUFFIXES)


def _sniffs_as_warc(path: Path) -> bool:
    if not path.is_file():  # a named pipe can be read only once: it is read as a page, by name as a WARC
        return False
    try:
        with open(path, "rb") as f:
            return sniff_warc(f.read(SNIFF_BYTES))
    except OSError:
        return False  # reading it as a page reports the error


def _from_file(path: Path, url: str | None, max_bytes: int, warc: bool) -> Iterator[SourceItem]:
    origin = str(path)
    if not warc:
        try:
            with open(path, "rb") as f:
                yield _page_from_stream(f, origin, url, max_bytes)
        except OSError as exc:
            yield _os_failure(origin, exc)
        return
    try:
        for record in read_warc(path, max_bytes=max_bytes):
            yield warc_source_item(record, origin)
    except OSError as exc:
        yield _os_failure(origin, exc)


def warc_source_item(record: WarcItem, origin: str) -> SourceItem:
    """One WARC record as a source item, with origin ``origin#offset``.

    The one place a WARC record becomes a page to clean (with its target URI and HTTP charset), a
    skip or a failure: ``clean`` and the datatrove reader (:mod:`scraper.datatrove_step`) share it.
    """
    where = f"{origin}#{record.offset}"
    if isinstance(record, WarcPage):
        return SavedPage(
            where, record.content, url=record.url, charset=record.charset, final_url=record.final_url
        )
    if isinstance(record, WarcSkip):
        return Skipped(where, record.reason)
    return Failed(where, record.reason, record.message, url=record.url)


def _page_from_stream(stream: BinaryIO, origin: str, url: str | None, max_bytes: int) -> SavedPage | Failed:
    """Read one page (gunzipping it when it starts with the gzip magic), at most ``max_bytes``."""
    try:
        head = stream.read(len(_GZIP_MAGIC))
        if head == _GZIP_MAGIC:
            data = _gunzip(head, stream, max_bytes + 1)
        else:
            data = head + stream.read(max_bytes + 1 - len(head))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return Failed(origin, Reason.BAD_GZIP, f"cannot decompress: {exc}", url=url)
    except OSError as exc:
        return _os_failure(origin, exc, url)
    if len(data) > max_bytes:
        return Failed(origin, Reason.TOO_LARGE, f"page is larger than {max_bytes} bytes", url=url)
    return SavedPage(origin, data, url=url)


def _gunzip(head: bytes, stream: BinaryIO, limit: int) -> bytes:
    """Decompress a gzip stream whose first bytes were already read, stopping after ``limit`` bytes."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    pending = head + stream.read(64 * 1024)
    while len(out) < limit:
        out += inflater.decompress(pending, limit - len(out))
        if inflater.eof:
            break  # trailing members of a page file are ignored (never seen in practice)
        pending = inflater.unconsumed_tail or stream.read(64 * 1024)
        if not pending:
            raise EOFError("compressed file ended before the end-of-stream marker")
    return bytes(out)


def _os_failure(origin: str, exc: OSError, url: str | None = None) -> Failed:
    reason = Reason.NOT_FOUND if isinstance(exc, FileNotFoundError) else Reason.READ_ERROR
    return Failed(origin, reason, exc.strerror or str(exc), url=url)
