"""Bytes to text: BOM, HTTP charset, ``<meta>`` charset, then detection.

NetEase served GBK pages until 2021 and labelled many of them ``gb2312``; strict gb2312 garbles
them, so every GB label decodes as ``gb18030`` (a superset). Labels also lie: browser-saved pages
keep a ``gb2312`` meta while the bytes are UTF-8. Valid UTF-8 with non-ASCII bytes is almost never
GBK by accident, so a strict UTF-8 decode wins over a GB label.
"""

from __future__ import annotations

import codecs
import re

from .errors import DecodeError

__all__ = ["decode_html", "normalise_charset"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
# The dataset wrapper of some saved pages: <text id=... encoding="gb2312">
_WRAPPER_ENCODING = re.compile(rb"""<text[^>]+encoding\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_FAMILY = frozenset(
    {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "cp936", "ms936", "euc-cn", "csgb2312", "gb18030"}
)
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\x1f\x8b",
    b"PK\x03\x04",
    b"%PDF",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x00\x00\x01\x00",
)
_SNIFF_BYTES = 4096
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])  # not \t \n \v \f \r
# A few bad bytes (a page cut mid-character) are tolerated; more means a wrong guess.
_MAX_BAD_BYTES = 8


def normalise_charset(label: str | None) -> str | None:
    """Map a charset label to a Python codec name (GB labels to gb18030); None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: labels with NUL bytes
        return None
    # base64, rot13, hex ... are codecs too, but not text encodings
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _looks_binary(head: bytes) -> bool:
    if head.startswith(_BINARY_MAGIC):
        return True
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 20


def _declared_charset(data: bytes, http_charset: str | None) -> str | None:
    if http_charset and (codec := normalise_charset(http_charset)):
        return codec
    head = data[:_SNIFF_BYTES]
    for pattern in (_META_CHARSET, _WRAPPER_ENCODING):
        if m := pattern.search(head):
            codec = normalise_charset(m.group(1).decode("ascii", "ignore"))
            if codec:
                return codec
    return None


def _decode_strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_tolerant(data: bytes, codec: str) -> str | None:
    """Decode allowing a handful of bad bytes (truncated pages); None when the guess is wrong."""
    text = data.decode(codec, errors="replace")
    return text if text.count("\ufffd") <= _MAX_BAD_BYTES else None


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Decode a page's bytes to text.

    Order: BOM, strict UTF-8 (beats a lying GB label), the declared charset (HTTP, then meta),
    gb18030, charset-normalizer detection. Raises :class:`DecodeError` with reason ``empty``,
    ``binary`` or ``decode_error``.
    """
    if not data or not data.strip():
        raise DecodeError("the input is empty", reason="empty")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if _looks_binary(data[:_SNIFF_BYTES]):
        raise DecodeError("the input is binary data, not HTML", reason="binary")

    declared = _declared_charset(data, http_charset)
    if (text := _decode_strict(data, "utf-8")) is not None:
        return text
    candidates = [c for c in (declared, "gb18030") if c and c != "utf-8"]
    for codec in candidates:
        if (text := _decode_strict(data, codec)) is not None:
            return text
    for codec in ("utf-8", *candidates):
        if (text := _decode_tolerant(data, codec)) is not None:
            return text
    return _detect(data)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("cannot tell the text encoding of the input", reason="decode_error")
    codec = normalise_charset(best.encoding) or best.encoding
    return data.decode(codec, errors="replace")
