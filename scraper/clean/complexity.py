"""A guard against pathological pages, checked on the text before it is parsed.

lexbor's tree building is quadratic in nesting depth and in the number of attributes of one tag:
50,000 nested ``<div>`` take 5 s to parse, one tag with 50,000 attributes as long. Real NetEase
pages nest fewer than 100 levels and have a few thousand tags, so such a page is refused at once as
``too_complex``. The common case costs one pass over the page's bytes; the depth scan runs only on
pages with many tags.
"""

from __future__ import annotations

import re

from ..errors import ParseError, Reason

__all__ = ["check_complexity"]

MAX_TAGS = 300_000  # the largest real list pages hold ~16,000
MAX_DEPTH = 2_000  # unclosed-container depth; real pages stay under a few hundred
MAX_TAG_LENGTH = 20_000  # characters inside one tag: only such long tags are looked at for attributes
MAX_ATTRIBUTES = 5_000  # words inside one tag; real tags have a few dozen (a data: URI has none)
ATTRIBUTE_SCAN_FROM = 12_000  # "=" signs; the largest real list pages hold ~10,500
DEPTH_SCAN_FROM = 8_000  # tags; below this the worst nesting still parses in well under 0.2 s

# Codecs in which every "<" and "=" of the text is one byte 0x3C / 0x3D of the page, and no other
# character uses those bytes (GBK trail bytes start at 0x40, GB18030's four-byte ones are digits).
# A bad byte sequence replaced by U+FFFD may swallow one, so the bytes' counts are upper bounds.
COUNTED_IN_BYTES = frozenset({"utf-8", "gb18030", "ascii", "latin-1", "iso8859-1", "cp1252"})
_ALL_BUT_MARKS = bytes(b for b in range(256) if b not in b"<=")

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
# Elements whose end tag may be left out or that have none: they do not nest in practice.
_NOT_NESTING = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "tbody",
        "thead",
        "tfoot",
        "colgroup",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
        "br",
        "img",
        "hr",
        "meta",
        "link",
        "input",
        "area",
        "base",
        "col",
        "embed",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def check_complexity(text: str, raw: bytes | None = None, encoding: str | None = None) -> None:
    """Raise ``ParseError(reason="too_complex")`` for a page that would take seconds to parse.

    ``raw`` is the page as served and ``encoding`` the codec ``text`` was decoded with. When the
    codec keeps ``<`` and ``=`` as single bytes, one pass over ``raw`` clears an ordinary page
    (two counts over the text take the same instructions but about 1.3x the time: they read twice
    as many bytes, twice); any other page is judged on its text.
    """
    if raw is not None and encoding in COUNTED_IN_BYTES:
        marks = raw.translate(None, _ALL_BUT_MARKS)  # only the "<" and "=" bytes are left
        tags_at_most = marks.count(b"<")
        if tags_at_most <= DEPTH_SCAN_FROM and len(marks) - tags_at_most <= ATTRIBUTE_SCAN_FROM:
            return  # below every gate: the exact counts would clear it too
    tags = text.count("<")
    if tags > MAX_TAGS:
        raise ParseError(f"the page has {tags:,} tags (more than {MAX_TAGS:,})", reason=Reason.TOO_COMPLEX)
    # A tag with thousands of attributes has thousands of "=": only then is the page looked at closely.
    if text.count("=") > ATTRIBUTE_SCAN_FROM:
        for piece in text.split("<"):  # memchr speed; only the rare long piece is looked at
            if len(piece) > MAX_TAG_LENGTH and piece[:1].isalpha():
                end = piece.find(">")
                words = len(piece[: end if end != -1 else len(piece)].split())
                if words > MAX_ATTRIBUTES:
                    raise ParseError(
                        f"a tag on the page has {words:,} attributes or more", reason=Reason.TOO_COMPLEX
                    )
    if tags > DEPTH_SCAN_FROM and _max_depth(text) > MAX_DEPTH:
        raise ParseError(f"the page nests tags more than {MAX_DEPTH:,} deep", reason=Reason.TOO_COMPLEX)


def _max_depth(text: str) -> int:
    depth = deepest = 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _NOT_NESTING:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest
