"""Byte streams under the WARC framing: a plain file, or a multi-member gzip file.

Both give ``read``/``readline``/``skip``/``peek`` on the *decompressed* bytes and tell the offset a
record starts at, as WARC indexes (CDX) count it: the byte offset in a plain file, the offset of the
gzip member in a ``.warc.gz``. ``mark``/``rewind`` go back to a place already read, so the framing can
rescan a record whose ``Content-Length`` lied. The gzip reader is ours rather than :mod:`gzip` or warcio's because it
must (a) say where each member starts, (b) notice a file that ends inside a member instead of
silently dropping the tail, and (c) after corrupt deflate data, resume at the next member so one
bad record does not lose the rest of the file.
"""

from __future__ import annotations

import zlib
from typing import BinaryIO, Protocol

from ..errors import ArchiveError, Reason

__all__ = ["GzipMemberStream", "Mark", "PlainStream", "RecordStream"]

GZIP_MAGIC = b"\x1f\x8b\x08"  # magic + deflate method: how every gzip member starts
_CHUNK = 64 * 1024
_MAX_OUT = 4 * _CHUNK  # cap on one inflate step, so a gzip bomb never lands in memory at once

# A place in the data: (file offset, decompressed bytes after it). Plain files: (offset, 0); gzip:
# (member offset, bytes into that member's output).
Mark = tuple[int, int]


class RecordStream(Protocol):
    """What the WARC framing needs from the bytes below it."""

    truncated: bool
    error_offset: int

    def record_offset(self) -> int:
        """Offset (as indexes count it) of the next unread byte's record."""

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes; fewer only at the end of the data."""

    def readline(self, limit: int) -> bytes:
        """One line including its ``\\n``, at most ``limit`` bytes; ``b""`` at the end."""

    def skip(self, n: int) -> int:
        """Discard up to ``n`` bytes without keeping them; returns how many were discarded."""

    def peek(self, n: int) -> bytes:
        """Up to ``n`` next bytes, left unread; fewer at the end of the data or of a gzip member."""

    def mark(self) -> Mark:
        """Where the next unread byte is, for :meth:`rewind`."""

    def rewind(self, mark: Mark) -> None:
        """Go back to a place :meth:`mark` returned (slow for gzip: the member is inflated again)."""

    def resync(self) -> bool:
        """After an :class:`ArchiveError`, move to the next place a record may start; False at the end."""


class PlainStream:
    """An uncompressed WARC file."""

    truncated = False  # a plain file cannot tell; short records are caught by Content-Length
    error_offset = 0  # never raises ArchiveError

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw

    def record_offset(self) -> int:
        return self._raw.tell()

    def read(self, n: int) -> bytes:
        return self._raw.read(n)

    def readline(self, limit: int) -> bytes:
        return self._raw.readline(limit)

    def skip(self, n: int) -> int:
        done = 0
        while done < n:
            got = len(self._raw.read(min(_CHUNK, n - done)))
            if not got:
                break
            done += got
        return done

    def peek(self, n: int) -> bytes:
        pos = self._raw.tell()
        data = self._raw.read(n)
        self._raw.seek(pos)  # within the file object's buffer: no system call
        return data

    def mark(self) -> Mark:
        return self._raw.tell(), 0

    def rewind(self, mark: Mark) -> None:
        self._raw.seek(mark[0])

    def resync(self) -> bool:
        return True  # nothing to resync below the framing; it scans for the next WARC/ line


class GzipMemberStream:
    """The decompressed bytes of a multi-member gzip file, with member start offsets."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._in = b""  # compressed bytes read from the file but not yet inflated
        self._in_pos = raw.tell()  # file offset of self._in[0]
        self._inflater: zlib._Decompress | None = None
        self._buf = bytearray()  # inflated bytes not yet handed out
        # (length, member offset, offset in the member's output) runs making up self._buf
        self._pieces: list[tuple[int, int, int]] = []
        self._member = -1  # offset of the member being inflated
        self._member_out = 0  # bytes that member has inflated to so far
        self._failed_member = -1
        self._eof = False
        self.truncated = False  # the file ended inside a member
        self.error_offset = 0  # member offset of the last ArchiveError raised

    # -- public face -------------------------------------------------------------------------
    def record_offset(self) -> int:
        self._fill(1)
        if self._pieces:
            return self._pieces[0][1]
        return self._member if self.truncated else self._in_pos

    def read(self, n: int) -> bytes:
        self._fill(n)
        return self._take(min(n, len(self._buf)))

    def readline(self, limit: int) -> bytes:
        start = 0
        while True:
            end = self._buf.find(b"\n", start, limit)
            if end >= 0:
                return self._take(end + 1)
            if len(self._buf) >= limit:
                return self._take(limit)
            start = len(self._buf)
            if not self._more():
                return self._take(len(self._buf))

    def skip(self, n: int) -> int:
        done = 0
        while done < n:
            got = len(self.read(min(_CHUNK, n - done)))
            if not got:
                break
            done += got
        return done

    def peek(self, n: int) -> bytes:
        # Only the member being inflated is read further: starting the next one may raise for a
        # corrupt member, which belongs to the next record, not to this look ahead.
        while len(self._buf) < n and self._inflater is not None and self._more():
            pass
        return bytes(self._buf[:n])

    def mark(self) -> Mark:
        if self._pieces:
            return self._pieces[0][1], self._pieces[0][2]
        if self._inflater is not None:
            return self._member, self._member_out
        return self._in_pos, 0

    def rewind(self, mark: Mark) -> None:
        member, into = mark
        self._raw.seek(member)
        self._in, self._in_pos, self._eof = b"", member, False
        self._inflater = None
        self._buf.clear()
        self._pieces.clear()
        self._failed_member = -1
        self.truncated = False
        self.skip(into)

    def resync(self) -> bool:
        """Drop what is left of the broken member and continue at the next gzip magic after it."""
        start = self._failed_member if self._failed_member >= 0 else self._member
        self._buf.clear()
        self._pieces.clear()
        self._inflater = None
        self._failed_member = -1
        pos = start + 1
        self._raw.seek(pos)
        tail = b""
        while True:
            block = self._raw.read(_CHUNK)
            if not block:
                self._in, self._in_pos, self._eof = b"", pos, True
                return False
            data = tail + block
            hit = data.find(GZIP_MAGIC)
            if hit >= 0:
                base = pos - len(tail)
                self._in, self._in_pos, self._eof = data[hit:], base + hit, False
                return True
            tail = data[-(len(GZIP_MAGIC) - 1) :]
            pos += len(block)

    # -- inflating ---------------------------------------------------------------------------
    def _take(self, n: int) -> bytes:
        out = bytes(self._buf[:n])
        del self._buf[:n]
        while n and self._pieces:
            length, member, into = self._pieces[0]
            if length > n:
                self._pieces[0] = (length - n, member, into + n)
                break
            n -= length
            self._pieces.pop(0)
        return out

    def _fill(self, n: int) -> None:
        while len(self._buf) < n and self._more():
            pass

    def _more(self) -> bool:
        """Inflate one more step; False when the data is exhausted."""
        if self._eof:
            return False
        if len(self._in) < len(GZIP_MAGIC):
            self._in += self._raw.read(_CHUNK)
        if not self._in:
            self._eof = True
            self.truncated = self._inflater is not None
            self._inflater = None
            return False
        if self._inflater is None:
            if not self._in.startswith(GZIP_MAGIC):
                self._fail(self._in_pos, "bytes between gzip members are not a gzip header")
            self._inflater = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
            self._member = self._in_pos
            self._member_out = 0
        try:
            out = self._inflater.decompress(self._in, _MAX_OUT)
        except zlib.error as exc:
            self._fail(self._member, f"corrupt gzip data: {exc}")
        rest = self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail
        if self._inflater.eof:
            self._inflater = None
        self._in_pos += len(self._in) - len(rest)
        self._in = rest
        if out:
            self._buf += out
            self._pieces.append((len(out), self._member, self._member_out))
            self._member_out += len(out)
        return True

    def _fail(self, member: int, message: str) -> None:
        self._failed_member = self.error_offset = member
        raise ArchiveError(message, reason=Reason.BAD_GZIP)
