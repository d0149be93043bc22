"""Reading web archives (WARC, plain or gzip) into page records; see :mod:`.warc_read`."""

from __future__ import annotations

from .warc_read import WarcBroken, WarcPage, WarcSkip, is_warc_name, read_warc, read_warc_stream, sniff_warc

__all__ = [
    "WarcBroken",
    "WarcPage",
    "WarcSkip",
    "is_warc_name",
    "read_warc",
    "read_warc_stream",
    "sniff_warc",
]
