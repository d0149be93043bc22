"""The ``too_complex`` guard's byte pass: it clears exactly the pages the text counts clear.

``check_complexity(text, raw, encoding)`` counts ``<`` and ``=`` on the page's bytes when the codec
keeps them as single bytes, and falls back to the text for every page above a gate. These tests pin
both halves: the codecs really keep those characters as single bytes, and the verdicts agree with
the text-only guard on pages at, below and above each gate (bombs in tests/test_pathological.py).
"""

from __future__ import annotations

import pytest

from scraper.clean.complexity import (
    ATTRIBUTE_SCAN_FROM,
    COUNTED_IN_BYTES,
    DEPTH_SCAN_FROM,
    MAX_DEPTH,
    check_complexity,
)
from scraper.errors import ParseError


@pytest.mark.parametrize("codec", sorted(COUNTED_IN_BYTES))
def test_no_other_character_of_the_codec_uses_the_bytes_of_lt_and_equals(codec: str) -> None:
    assert "<".encode(codec) == b"<" and "=".encode(codec) == b"="
    for code in [*range(0x10000), *range(0x10000, 0x110000, 251)]:  # the BMP, and astral samples
        char = chr(code)
        if char in "<=" or 0xD800 <= code <= 0xDFFF:
            continue
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        assert b"<" not in encoded and b"=" not in encoded, f"{char!r} in {codec} is {encoded!r}"


def _verdict(text: str, raw: bytes | None = None, encoding: str | None = None) -> str:
    try:
        check_complexity(text, raw, encoding)
    except ParseError as err:
        return f"refused ({err.reason})"
    return "cleared"


def _pages() -> list[str]:
    """Pages at and around each gate, ordinary and pathological."""
    deep = "<div>" * (MAX_DEPTH + 10) + "x" + "</div>" * (MAX_DEPTH + 10)
    return [
        "<p>一段正文。</p>" * 100,
        "<i>字</i>" * (DEPTH_SCAN_FROM // 2),  # exactly DEPTH_SCAN_FROM tags
        "<i>字</i>" * (DEPTH_SCAN_FROM // 2 + 1),
        deep,  # deep, but below DEPTH_SCAN_FROM tags: parses fast, cleared
        deep + "<br>" * DEPTH_SCAN_FROM,  # deep and above the gate: refused
        '<a href="x">链接</a>' * ATTRIBUTE_SCAN_FROM,  # exactly ATTRIBUTE_SCAN_FROM "="
        "<div " + " ".join(f"a{i}=1" for i in range(ATTRIBUTE_SCAN_FROM + 1)) + ">x</div>",
        "<i>字</i>" * 200_000,  # above MAX_TAGS
    ]


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
@pytest.mark.parametrize("index", range(len(_pages())))
def test_the_byte_pass_gives_the_text_guards_verdict(codec: str, index: int) -> None:
    text = _pages()[index]
    raw = text.encode(codec)
    assert _verdict(text, raw, codec) == _verdict(text)


def test_the_verdicts_differ_across_the_gates() -> None:
    """The pages above really sit on both sides (a guard that clears everything fails here)."""
    verdicts = [_verdict(text) for text in _pages()]
    assert verdicts.count("cleared") >= 4 and verdicts.count("refused (too_complex)") >= 3


def test_a_page_with_bad_bytes_is_judged_as_its_text() -> None:
    """U+FFFD may swallow a "<" byte: the byte counts are then upper bounds, and the verdict still agrees.

    The text holds exactly DEPTH_SCAN_FROM tags and a deep nest (cleared: it parses fast); its bytes
    hold more "<", so the byte pass must hand the page to the text guard, not refuse it.
    """
    depth = MAX_DEPTH + 10  # too deep, were the page above the gate
    nest = "<div>" * depth + "x" + "</div>" * depth
    page = nest + "<i>字</i>" * (DEPTH_SCAN_FROM // 2 - depth)
    raw = page.encode("gb18030") + b"\x81\x30<"  # a four-byte sequence cut at the end eats its "<"
    text = raw.decode("gb18030", errors="replace")
    assert text.count("<") == DEPTH_SCAN_FROM < raw.count(b"<")
    assert _verdict(text) == "cleared"
    assert _verdict(text, raw, "gb18030") == "cleared"


def test_other_codecs_are_judged_on_the_text() -> None:
    """In UTF-16 "<" is two bytes: the byte pass must not clear a page it cannot count."""
    text = "<i>字</i>" * 200_000
    raw = text.encode("utf-16-le")
    assert _verdict(text, raw, "utf-16-le") == "refused (too_complex)"
