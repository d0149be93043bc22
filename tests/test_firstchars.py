"""The first-character prefilter: a lookahead that must never change what a pattern matches."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean import labels
from scraper.clean.firstchars import first_char_class, with_first_char_prefilter

REPO = Path(__file__).resolve().parent.parent
SHARED_PAGES = REPO.parent / "shared" / "netease-pages"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc", "[a]"),
        ("a|b|c", "[a|b|c]".replace("|", "")),
        ("(?:相关|热点)推荐", "[热相]"),
        ("[0-9]+x", "[0-9]"),
        (r"\d{2}", r"[\d]"),
        (r"\bfoo", "[f]"),
        ("a?b", "[ab]"),
        ("(?:x*)y", "[xy]"),
    ],
)
def test_first_chars_of_a_pattern(pattern: str, expected: str) -> None:
    assert first_char_class(pattern) == expected


@pytest.mark.parametrize("pattern", [".abc", "[^a]b", "a?", "(?i)abc", "(?i:a)b", r"\Wx", "(?:a|.)b", ""])
def test_no_prefilter_when_any_first_char_is_possible(pattern: str) -> None:
    assert first_char_class(pattern) is None
    assert with_first_char_prefilter(pattern) == pattern


def _lines() -> list[str]:
    """Every text line of our fixtures and the shared pages, plus random mixes of their characters."""
    files = sorted((REPO / "fixtures").rglob("*.html"))
    if SHARED_PAGES.is_dir():
        files += sorted(SHARED_PAGES.glob("*.html"))
    lines: list[str] = []
    for path in files:
        tree = LexborHTMLParser(path.read_bytes().decode("utf-8", "replace"))
        if tree.body is not None:
            lines += [line.strip() for line in tree.body.text(separator="\n").splitlines() if line.strip()]
    rng = random.Random(7)
    alphabet = "".join(sorted(set("".join(lines)))) or "abc"
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(2000)]
    return lines


def test_every_unanchored_chrome_group_is_prefiltered() -> None:
    # Without a prefilter the alternation is tried at every position of every line (the slow path).
    for _limit, pattern in labels._CHROME_ANYWHERE:
        assert pattern.pattern.startswith("(?=["), pattern.pattern[:80]


def test_prefilter_never_changes_a_match() -> None:
    lines = _lines()
    assert len(lines) > 2000
    for _limit, prefiltered in labels._CHROME_ANYWHERE:
        plain = re.compile(prefiltered.pattern.split(")(?:", 1)[1][:-1])
        for line in lines:
            a, b = prefiltered.search(line), plain.search(line)
            assert (a and a.span()) == (b and b.span()), line
