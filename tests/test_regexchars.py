"""The regex prefilters (first characters, required characters) must never change what a pattern matches."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from mixed_lines import mixed_lines
from selectolax.lexbor import LexborHTMLParser

from scraper.clean import labels
from scraper.clean.regexchars import first_char_class, required_chars, with_first_char_prefilter

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


def _unanchored_rules() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(the pattern as written, the pattern as the chrome check searches with it) of each unanchored rule."""
    pairs = []
    for (written, _limit), rule in zip(labels._CHROME, labels._RULES, strict=True):
        if not written.pattern.startswith("^"):
            pairs.append((written, rule.find.__self__))  # type: ignore[attr-defined]
    return pairs


def test_every_unanchored_chrome_rule_is_prefiltered() -> None:
    # Without a prefilter a pattern is tried at every position of every line (the slow path).
    for _written, searched in _unanchored_rules():
        assert searched.pattern.startswith("(?=["), searched.pattern[:80]


def test_prefilter_never_changes_a_match() -> None:
    lines = _lines() + chrome_like_lines(3, 3_000)
    assert len(lines) > 5000
    for written, searched in _unanchored_rules():
        for line in lines:
            a, b = searched.search(line), written.search(line)
            assert (a and a.span()) == (b and b.span()), line


# --- required characters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc", "c"),  # the later of equally small items
        ("跟贴|跟帖", "跟"),  # the parser factors out the common 跟, a smaller set than 贴帖
        ("特别声明", "明"),
        ("(?:相关|热点)推荐", "荐"),
        ("x[ab]y?", "x"),  # y is optional; x is the smallest required item
        ("[ab]+c*", "ab"),
        (r"\d+人评价|★★", "价★"),
        (r"^\W*(?:返回|回到)\w{0,8}$", "到回"),
        ("(?:a|b)(?:c|d)", "cd"),
        ("[0-9]{2}x", "x"),
        ("[0-9]{2}", "0123456789"),
    ],
)
def test_required_chars_of_a_pattern(pattern: str, expected: str) -> None:
    assert required_chars(pattern) == frozenset(expected)


@pytest.mark.parametrize(
    "pattern",
    [".", ".*", "a?", "a*b?", "(?i)abc", "(?i:ab)", r"\d+", "[^a]", "(?:a|.)", "", "[一-龥]", "(?=a)"],
)
def test_no_required_chars_when_a_match_may_do_without(pattern: str) -> None:
    assert required_chars(pattern) is None


def _literal_pieces() -> list[str]:
    """The literal words of the chrome patterns (特别, 声明, 网易号 ...): lines made of them match."""
    pieces: set[str] = set()
    for pattern, _limit in labels._CHROME:
        pieces.update(p for p in re.split(r"[\\^$.|?*+()\[\]{}]+|\\[dDwWsS]", pattern.pattern) if p)
    return sorted(pieces)


CHROME_FILLER = [*"1２3 :：|｜>›-—=·。，#©ADad★☆（(【", "2024", "12:30", "新闻", "记者", "今天", "网易"]


def chrome_like_lines(seed: int, count: int) -> list[str]:
    """Lines mixing the chrome patterns' own words with digits, marks and ordinary words."""
    return mixed_lines(seed, _literal_pieces(), CHROME_FILLER, count, most_parts=12)


def test_every_match_holds_a_required_char() -> None:
    lines = _lines() + chrome_like_lines(4, 5_000)
    matched = 0
    for pattern, _limit in labels._CHROME:
        chars = required_chars(pattern.pattern)
        assert chars, pattern.pattern  # every chrome pattern has a trigger: none is tried on every line
        for line in lines:
            if pattern.search(line):
                matched += 1
                assert not chars.isdisjoint(line), (pattern.pattern, line)
    assert matched > 1_000


def _any_rule_matches(compact: str) -> bool:
    """The chrome rules as written: every pattern tried on every line it is short enough for."""
    for pattern, limit in labels._CHROME:
        if len(compact) <= limit:
            found = pattern.match(compact) if pattern.pattern.startswith("^") else pattern.search(compact)
            if found:
                return True
    return False


def test_rules_tried_by_trigger_give_every_answer() -> None:
    lines = ["".join(line.split()) for line in _lines() + chrome_like_lines(5, 10_000)]
    lines = [line for line in lines if line]
    got = [labels._matches_a_rule(line) for line in lines]
    assert got == [_any_rule_matches(line) for line in lines]
    assert 1_000 < sum(got) < len(lines) - 1_000  # both answers are exercised
