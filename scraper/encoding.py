"""Bytes to text: BOM, then the encoding that fits nearly all of the page, labels as tie-breakers.

NetEase served GBK pages until 2021 and labelled many of them ``gb2312``; strict gb2312 garbles
them, so every GB label decodes as ``gb18030`` (a superset). Labels also lie: browser-saved pages
keep a ``gb2312`` meta while the bytes are UTF-8, servers and tools put ``ISO-8859-1`` on pages
that are GBK or UTF-8. Hence the order:

1. strict UTF-8: valid UTF-8 with non-ASCII bytes is almost never GBK by accident, so it wins over
   any label;
2. UTF-8 with a few bad bytes (a short GBK fragment pasted into a UTF-8 page, a page cut
   mid-character): at most :data:`UTF8_MISFIT` of the non-ASCII bytes fail (GBK read as UTF-8
   fails ~65% of them), so it is UTF-8 whatever the label; the bad bytes become U+FFFD;
3. the declared multi-byte charset (HTTP header first, then ``<meta>``), then gb18030, strictly,
   then the same allowing :data:`GB_MISFIT` bad bytes (UTF-8 read as gb18030 fails ~2.7% of them);
4. a single-byte label (``ISO-8859-1``, ``windows-1252``...): every byte decodes in it, so the
   bytes cannot confirm it, and it is used only when neither UTF-8 nor GB fits. (With only such a
   label, gb18030 must also look like GB2312 text, or a few Latin-1 letters would pass as CJK.)
   A ``<meta>`` naming UTF-16/32 is ignored, as browsers do: the page was read as ASCII to find it;
5. a small page cut mid-character: the codec needing the fewest replacements, if at most 8;
6. charset-normalizer detection.

:func:`decode_page` also says which codec was used and how many U+FFFD it put in; a valid page gets
none. Decoding runs once per page cleaned: the common case (valid UTF-8) costs one ``bytes.decode``,
and the UTF-8 check of a GBK page stops as soon as it has seen too many bad bytes.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from email.message import Message

from .errors import DecodeError, Reason

__all__ = [
    "GB_MISFIT",
    "UTF8_MISFIT",
    "Decoded",
    "charset_from_content_type",
    "decode_html",
    "decode_page",
    "normalise_charset",
]

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
_ASCII = bytes(range(128))
# Lead and trail bytes of GB2312 (symbols and hanzi); Latin-1 letters are followed by ASCII instead.
_GB2312_PAIR = re.compile(rb"[\xa1-\xf7][\xa1-\xfe]")
_GB2312_SHARE = 0.8
_REPLACEMENT = "\ufffd"
_UTF8_REPLACEMENT = _REPLACEMENT.encode()
# Share of the non-ASCII bytes allowed to fail in a codec that otherwise fits the page. The margins
# are wide: GBK pages read as UTF-8 fail ~65% (13x UTF8_MISFIT), UTF-8 pages read as gb18030 2.3-4.4%
# (5x GB_MISFIT), measured on shared/netease-pages.
UTF8_MISFIT = 0.05
GB_MISFIT = 0.005
# However few non-ASCII bytes a page has, this many may fail (a small page cut mid-character).
_MIN_BAD_ALLOWED = 8
_UTF8_STEP = 8 * 1024  # the UTF-8 check of a GBK page gives up after a few steps


@dataclass(frozen=True)
class Decoded:
    """A page's text, the codec it was decoded with, and how many U+FFFD replaced bad bytes."""

    text: str
    encoding: str
    replaced: int = 0


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower case, or None."""
    if not content_type:
        return None
    if '"' not in content_type and "*" not in content_type and "\\" not in content_type:
        # The common unquoted form (``text/html; charset=utf-8``), without building a Message.
        for param in content_type.split(";")[1:]:
            name, eq, value = param.partition("=")
            if eq and name.strip().lower() == "charset":
                return value.strip().strip("'").lower() or None
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return None
    charset = charset.strip().strip("\"'").lower()
    return charset or None


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


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Decode a page's bytes to text (see :func:`decode_page`)."""
    return decode_page(data, http_charset).text


def decode_page(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decode a page's bytes in the encoding that fits nearly all of them (order: module docstring).

    Raises :class:`DecodeError` with reason ``empty``, ``binary`` or ``decode_error``.
    """
    if not data or data.isspace():
        raise DecodeError("the input is empty", reason=Reason.EMPTY)
    if data.startswith(codecs.BOM_UTF8):
        return _replacing(data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _replacing(data, "utf-16")
    if _looks_binary(data[:_SNIFF_BYTES]):
        raise DecodeError("the input is binary data, not HTML", reason=Reason.BINARY)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start

    labels = _declared_charsets(data, http_charset)
    multi = [c for c in labels if not _single_byte(c)]
    single = [c for c in labels if _single_byte(c)]
    # A single-byte label gives way to gb18030 only when the bytes read as GB2312 text: a few
    # Latin-1 letters or cp1252 quotes also pass as gb18030, as rare CJK characters.
    gb = [] if single and not multi and not _looks_gb2312(data) else ["gb18030"]
    candidates = list(dict.fromkeys([*multi, *gb]))

    # Only the order of the next two checks depends on this, not their outcome on a real page:
    # when UTF-8 text came before the first bad byte, the UTF-8 check goes first (a short GBK
    # fragment could also pass as gb18030 with the rest of the page garbled); when the first
    # non-ASCII bytes already fail, the page is most likely GBK, and its strict decode goes first.
    utf8_first = not data[:first_bad].isascii()
    if utf8_first and (mostly := _mostly_utf8(data, first_bad)) is not None:
        return mostly
    for codec in candidates:
        try:
            return Decoded(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass
    if not utf8_first and (mostly := _mostly_utf8(data, first_bad)) is not None:
        return mostly
    nonascii = _nonascii(data)
    for codec in candidates:  # a GBK page with a few bad bytes (cut mid-character, a UTF-8 fragment)
        if (decoded := _replacing(data, codec)).replaced <= nonascii * GB_MISFIT:
            return decoded
    for codec in single:  # every byte decodes: only now, when nothing else fits
        try:
            return Decoded(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass
    # A small page cut mid-character (too few non-ASCII bytes for a share): fewest replacements.
    best = min((_replacing(data, c) for c in ("utf-8", *candidates)), key=lambda d: d.replaced)
    if best.replaced <= _MIN_BAD_ALLOWED:
        return best
    return _detect(data)


def _replacing(data: bytes, codec: str) -> Decoded:
    """``data`` in ``codec``, bad bytes replaced (and counted: U+FFFD written in the page are not)."""
    text = data.decode(codec, errors="replace")
    written = data.count(_UTF8_REPLACEMENT) if codec == "utf-8" else 0
    return Decoded(text, codec, text.count(_REPLACEMENT) - written)


def _nonascii(data: bytes) -> int:
    return len(data.translate(None, _ASCII))


def _looks_gb2312(data: bytes) -> bool:
    """True when most non-ASCII bytes pair up as GB2312 characters (real GBK text: ~100%)."""
    return 2 * len(_GB2312_PAIR.findall(data)) >= _nonascii(data) * _GB2312_SHARE


def _mostly_utf8(data: bytes, first_bad: int) -> Decoded | None:
    """``data`` as UTF-8 if at most :data:`UTF8_MISFIT` of its non-ASCII bytes are bad, else None.

    Decodes in steps from the first bad byte and stops once the bad bytes exceed the share: a GBK
    page gets there within the first step or two.
    """
    allowed = int(_nonascii(data) * UTF8_MISFIT)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    parts = [data[:first_bad].decode("utf-8")]  # valid: the strict decode got this far
    bad = 0
    for start in range(first_bad, len(data), _UTF8_STEP):
        end = start + _UTF8_STEP
        part = decoder.decode(data[start:end], final=end >= len(data))
        bad += part.count(_REPLACEMENT)
        # (U+FFFD written in the page itself are no bad bytes; rare, so counted only when it matters)
        if bad > allowed and bad - data.count(_UTF8_REPLACEMENT, first_bad, end) > allowed:
            return None
        parts.append(part)
    text = "".join(parts)
    return Decoded(text, "utf-8", text.count(_REPLACEMENT) - data.count(_UTF8_REPLACEMENT))


@functools.lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    """True for codecs where every byte is one character (latin-1, cp1252, koi8-r, ascii...)."""
    try:
        text = bytes(range(128, 256)).decode(codec, errors="replace")
    except LookupError:
        return False
    # UTF-8 also gives 128 characters here, all U+FFFD; multi-byte codecs pair bytes up.
    return len(text) == 128 and text.count(_REPLACEMENT) < 64


def _looks_binary(head: bytes) -> bool:
    if head.startswith(_BINARY_MAGIC):
        return True
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 20


def _declared_charsets(data: bytes, http_charset: str | None) -> list[str]:
    """The codecs the HTTP header and the page itself (``<meta>``, dataset wrapper) name, in that order."""
    found = [normalise_charset(http_charset)]
    head = data[:_SNIFF_BYTES]
    for pattern in (_META_CHARSET, _WRAPPER_ENCODING):
        if m := pattern.search(head):
            codec = normalise_charset(m.group(1).decode("ascii", "ignore"))
            # The page was read as ASCII to find this label: it cannot really be UTF-16/32.
            found.append(None if codec and codec.startswith(("utf-16", "utf-32")) else codec)
    return [c for c in dict.fromkeys(found) if c and c != "utf-8"]


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("cannot tell the text encoding of the input", reason=Reason.DECODE_ERROR)
    codec = normalise_charset(best.encoding) or best.encoding
    return _replacing(data, codec)
