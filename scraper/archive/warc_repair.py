"""Repair a ``.warc.gz`` written by :mod:`.warc_write` after a kill: cut a torn last page write.

The walk (see :mod:`.warc_write`'s docstring, point 2): every member our writer appends declares its
own length in an RFC 1952 ``FEXTRA`` subfield (:data:`LENGTH_ID`), so members are skipped from header
to header without inflating; the last two are inflated and CRC-checked. Only a torn tail is ever cut:
at most what one page write can leave (:data:`MAX_TORN_BYTES`), holding no whole record but the torn
page's own request. Anything else (a framing break with intact records after it, however close to the
end) is an ``ArchiveError`` and the file is left alone.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..config import MAX_BODY_BYTES
from ..errors import ArchiveError, Reason
from .streams import GZIP_MAGIC

__all__ = ["FEXTRA", "LENGTH_FIELD", "LENGTH_ID", "MAX_TORN_BYTES", "Repair", "repair_warc"]

# The most bytes one page write can add: the body cap, its headers, and deflate's worst-case growth.
MAX_TORN_BYTES = MAX_BODY_BYTES + MAX_BODY_BYTES // 100 + 1024 * 1024
FEXTRA = 0x04  # RFC 1952 FLG bit: an extra field follows the 10-byte header
LENGTH_ID = b"NS"  # our FEXTRA subfield: the whole member's length, uint64 little-endian
LENGTH_FIELD = struct.Struct("<H2sHQ")  # XLEN, SI1 SI2, LEN, member length
_HEAD_BYTES = 4096  # decompressed bytes kept from a member: enough for its WARC header
_CHUNK = 64 * 1024


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
            _check_torn(path, fh, kept, size)
        if kept > 0 and not _head(fh, 0).startswith(b"WARC/"):
            raise ArchiveError(
                f"{path} is a gzip file but not a WARC: not appending to it", reason=Reason.WARC_ERROR
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
    header = fh.read(10 + LENGTH_FIELD.size)
    if not header.startswith(GZIP_MAGIC):
        return None
    declared = _declared_length(header)
    if declared is None:
        return _inflate(fh, pos)
    end = pos + declared
    return end if end <= size else None


def _declared_length(header: bytes) -> int | None:
    if len(header) < 10 + LENGTH_FIELD.size or not header[3] & FEXTRA:
        return None
    _, ident, length, total = LENGTH_FIELD.unpack_from(header, 10)
    if ident != LENGTH_ID or length != 8 or total < 18:
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


def _check_torn(path: Path, fh: BinaryIO, kept: int, size: int) -> None:
    """Refuse to cut bytes that a torn page write cannot have left.

    A torn write is the start of one page write: its request member (possibly whole) and a response
    member the file ends inside (or whose data a power cut left damaged), or blocks never written
    (zeros). A whole member anywhere else in the tail is an intact record after a framing break:
    cutting there would delete pages, so the file is refused instead.
    """
    fh.seek(kept)
    tail = fh.read(_CHUNK)
    ours = GZIP_MAGIC.startswith(tail[:3]) or not tail.strip(b"\0")  # a member's start, or unwritten blocks
    why = ""
    if size - kept > MAX_TORN_BYTES:
        why = f"more than one page write ({MAX_TORN_BYTES} bytes) can leave"
    elif not ours:
        why = "it does not start like a gzip member"
    elif (intact := _intact_member(fh, kept, size)) is not None:
        why = f"an intact record follows at byte {intact}"
    if why:
        raise ArchiveError(
            f"{path}: unreadable data from byte {kept} ({size - kept} bytes to the end) is not a torn"
            f" write of this tool ({why}); not appending to it (move it aside or name another --warc file)",
            reason=Reason.WARC_ERROR,
        )


def _intact_member(fh: BinaryIO, kept: int, size: int) -> int | None:
    """Offset of a whole, CRC-checked member in ``fh[kept:size]`` that is not the torn page's request."""
    start = kept
    if (end := _inflate(fh, kept)) is not None:
        if _record_type(_head(fh, kept)) != "request":
            return kept
        start = end  # the torn page's own request: its response is what was cut
    for pos in _magic_offsets(fh, start, size):
        if _inflate(fh, pos) is not None:
            return pos
    return None


def _magic_offsets(fh: BinaryIO, start: int, size: int) -> list[int]:
    """Every offset in ``fh[start:size]`` where a gzip member could start."""
    found: list[int] = []
    fh.seek(start)
    pos, carry = start, b""
    while pos < size:
        block = fh.read(min(_CHUNK, size - pos))
        if not block:
            break
        data = carry + block
        base = pos - len(carry)
        hit = data.find(GZIP_MAGIC)
        while hit >= 0:
            found.append(base + hit)
            hit = data.find(GZIP_MAGIC, hit + 1)
        carry = data[-(len(GZIP_MAGIC) - 1) :]  # a magic split across two reads
        pos += len(block)
    return found
