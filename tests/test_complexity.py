"""The ``too_complex`` guard's attribute rule: windows without ``<`` find every long tag.

``most_words_in_a_tag`` looks closely only at aligned windows of the text that hold no ``<``; a
start tag of more than ``MAX_ATTRIBUTES`` words is long enough to cover one. These tests compare it
with a brute-force reading of every tag, on generated pages with the long tag at every offset
around the window edges, and pin the verdicts on both sides of each gate (the bombs, cleaned whole,
are in tests/test_pathological.py).
"""

from __future__ import annotations

import random
import re

import pytest

from scraper.clean.complexity import (
    _WINDOW,
    DEPTH_SCAN_FROM,
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    check_complexity,
    most_words_in_a_tag,
)
from scraper.errors import ParseError


def _words_brute_force(text: str) -> int:
    """Words of every start tag (``<`` + ASCII letter, up to its ``>`` or the next ``<``), the most."""
    most = 0
    for piece in text.split("<")[1:]:
        if re.match("[A-Za-z]", piece):
            end = piece.find(">")
            most = max(most, len(("<" + piece[: end if end != -1 else len(piece)]).split()))
    return most


def _verdict(text: str) -> str:
    try:
        check_complexity(text)
    except ParseError as err:
        return f"refused ({err.reason})"
    return "cleared"


def _attributes(count: int, *, valued: bool) -> str:
    return " ".join(f'a{i}="{i}"' if valued else f"a{i}" for i in range(count))


def _page_with_tag_at(offset: int, words: int, *, valued: bool) -> str:
    prose = "<p>一段正文，" + "字" * 40 + "。</p>\n"
    head = (prose * (offset // len(prose) + 1))[:offset]
    head = head[: head.rfind("\n") + 1] if "\n" in head else ""  # whole paragraphs, then padding
    head += " " * (offset - len(head))
    return head + f"<div {_attributes(words - 1, valued=valued)}>属性很多的一段。</div>" + prose * 20


@pytest.mark.parametrize("valued", [False, True], ids=["bare", "valued"])
@pytest.mark.parametrize("shift", [0, 1, 2, _WINDOW // 2, _WINDOW - 2, _WINDOW - 1])
def test_a_tag_just_over_the_limit_is_found_at_any_offset(shift: int, valued: bool) -> None:
    for base in (0, _WINDOW, 3 * _WINDOW, 7 * _WINDOW):
        text = _page_with_tag_at(base + shift, MAX_ATTRIBUTES + 1, valued=valued)
        assert _words_brute_force(text) == MAX_ATTRIBUTES + 1
        assert most_words_in_a_tag(text) == MAX_ATTRIBUTES + 1, f"tag at {base + shift}"
        assert _verdict(text) == "refused (too_complex)"


@pytest.mark.parametrize("valued", [False, True], ids=["bare", "valued"])
def test_a_tag_at_the_limit_is_cleared(valued: bool) -> None:
    text = _page_with_tag_at(3 * _WINDOW + 7, MAX_ATTRIBUTES, valued=valued)
    assert most_words_in_a_tag(text) == MAX_ATTRIBUTES
    assert _verdict(text) == "cleared"


def test_random_pages_agree_with_a_brute_force_reading() -> None:
    """Long tags, long scripts, long text and long comments mixed at random: exact above the limit."""
    rng = random.Random(7)
    for _ in range(60):
        parts = []
        for _ in range(rng.randint(1, 12)):
            kind = rng.choice(["prose", "script", "text", "comment", "tag", "tag", "end"])
            size = rng.choice([10, 300, _WINDOW - 1, _WINDOW, 2 * _WINDOW + 3, 5 * _WINDOW])
            if kind == "prose":
                parts.append("<p>一段正文。</p>" * (size // 10 + 1))
            elif kind == "script":
                parts.append("<script>var x = 1;" + "y=2; " * (size // 5) + "</script>")
            elif kind == "text":
                parts.append("很长的一段文字 " * (size // 8))
            elif kind == "comment":
                parts.append("<!-- " + "注 释 " * (size // 4) + " -->")
            elif kind == "tag":
                words = rng.choice([3, MAX_ATTRIBUTES - 1, MAX_ATTRIBUTES + 1, 3 * MAX_ATTRIBUTES])
                parts.append(f"<div {_attributes(words - 1, valued=rng.random() < 0.5)}>文字</div>")
            else:
                parts.append("<span " + "x" * size)  # a tag cut off by the next "<" or the page end
        text = "".join(parts)
        expected = _words_brute_force(text)
        found = most_words_in_a_tag(text)
        if expected > MAX_ATTRIBUTES:
            assert found == MAX_ATTRIBUTES + 1, parts
        else:
            assert found <= expected, parts


def test_long_text_scripts_and_data_uris_are_not_attributes() -> None:
    """Windows without "<" are common (a long inline script, a data: URI, a paragraph): all cleared."""
    script = "<script>var data = [" + "1, 2, 3, " * 20_000 + "];</script>"
    data_uri = '<img src="data:image/png;base64,' + "QUJD" * 50_000 + '" alt="图">'
    paragraph = "<p>" + "一句很长的正文，没有标签， " * 10_000 + "</p>"
    comment = "<!-- " + "old markup " * 10_000 + " -->"
    for text in (script, data_uri, paragraph, comment, script + data_uri + paragraph + comment):
        assert _verdict(text) == "cleared"


def test_a_less_than_sign_not_followed_by_a_letter_opens_no_tag() -> None:
    text = "<中 " + "字 " * (3 * MAX_ATTRIBUTES) + ">"
    assert most_words_in_a_tag(text) == 0
    assert _verdict(text) == "cleared"


def test_the_depth_and_tag_gates() -> None:
    deep = "<div>" * (MAX_DEPTH + 10) + "x" + "</div>" * (MAX_DEPTH + 10)
    assert _verdict("<p>一段正文。</p>" * 100) == "cleared"
    assert _verdict("<i>字</i>" * (DEPTH_SCAN_FROM // 2)) == "cleared"
    assert _verdict(deep) == "cleared"  # deep, but below DEPTH_SCAN_FROM tags: parses fast
    assert _verdict(deep + "<br>" * DEPTH_SCAN_FROM) == "refused (too_complex)"
    assert _verdict("<i>字</i>" * 200_000) == "refused (too_complex)"  # above MAX_TAGS
