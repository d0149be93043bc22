"""The cheap prefilters in front of costly checks must never change an answer, only skip work.

Each is compared with the check as it was written before the prefilter (the reference below), on
generated inputs that mix the words the check looks for with other letters, digits and marks.
"""

from __future__ import annotations

import random
import re

import pytest
from mixed_lines import mixed_lines

from scraper.clean import images, labels


def share_bar_reference(compact: str) -> bool:
    rest, found = labels._SHARE_WORDS.subn("", compact)
    return found > 0 and len(re.sub(r"[\W\d_]+", "", rest)) <= 1


def ad_label_reference(text: str) -> bool:
    return labels._AD_LABEL_AFTER_SPACE.search(text) is not None


# The image file-name patterns as first written: case-insensitive searches of the name as it is.
PLACEHOLDER_HINT = re.compile(r"empty|blank|placeholder|spacer|lazy|loading|pixel|transparent", re.I)
ONE_PIXEL = re.compile(r"(?<!\d)1x1(?!\d)", re.I)
END_ICON = re.compile(r"end_[a-z]+\.png", re.I)
ICON_HINT = re.compile(r"logo|icon|avatar|qr|erweima|share|sprite", re.I)


def placeholder_reference(src: str) -> bool:
    stem = images._file_name(src).rsplit(".", 1)[0]
    if stem.lower() in images._PLACEHOLDER_STEMS or ONE_PIXEL.search(stem):
        return True
    hinted = PLACEHOLDER_HINT.search(stem)
    return bool(hinted) and not images._words(stem).isdisjoint(images._PLACEHOLDER_WORDS)


def icon_name_reference(src: str) -> bool:
    name = images._file_name(src)
    if END_ICON.fullmatch(name):
        return True
    stem = name.rsplit(".", 1)[0]
    return bool(ICON_HINT.search(stem)) and not images._words(stem).isdisjoint(images._ICON_WORDS)


SHARE_WORDS = labels._SHARE_WORDS.pattern.split("|")
FILLER = [*"到至给：:|｜ ·-_12２我的了在aQLxⅧ①", "微", "Q", "分", "广告", "推广", "AD", "Ad", "×"]


def generated_lines(seed: int, count: int) -> list[str]:
    return mixed_lines(seed, SHARE_WORDS, FILLER, count, most_parts=9)


def test_share_bar_prefilter_keeps_every_answer() -> None:
    lines = generated_lines(1, 20_000)
    got = [labels._is_share_bar(line) for line in lines]
    assert got == [share_bar_reference(line) for line in lines]
    assert 1_000 < sum(got) < 19_000  # both answers are exercised


def test_ad_label_prefilter_keeps_every_answer() -> None:
    lines = [line for line in generated_lines(2, 20_000) if len(line) <= labels._AD_LINE_MAX]
    got = [labels._has_ad_label(line) and ad_label_reference(line) for line in lines]
    assert got == [ad_label_reference(line) for line in lines]
    assert any(got)


NAME_WORDS = ["logo", "Icon", "share", "qr", "avatar", "sprite", "end_news", "empty", "Blank", "lazyload",
              "loading", "pixel", "1x1", "1X1", "21x10", "grey", "s", "a1b2c3", "photo", "iconic", "QRcode",
              "wxShare", "_", "-", "2x", "@", "END_NEWS", "图片", "ſhare", "LOGO图"]  # fmt: skip


@pytest.mark.parametrize("seed", range(3))
def test_image_file_name_prefilters_keep_every_answer(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(5_000):
        stem = "".join(rng.choice(NAME_WORDS) for _ in range(rng.randint(1, 4)))
        src = f"https://img.example.com/2025/{stem}.{rng.choice(['png', 'jpg', 'gif', 'PNG'])}"
        assert images._is_placeholder(src) == placeholder_reference(src), src
        assert images._is_chrome({}, src) == icon_name_reference(src), src


@pytest.mark.parametrize(
    "pattern", [r"\.(?:jpe?g|png|gif)$", "video", r"end_[a-z]+\.png", "logo|qr|share", r"(?<!\d)1x1(?!\d)"]
)
def test_any_case_search_is_a_case_insensitive_search(pattern: str) -> None:
    rng = random.Random(pattern)
    pieces = [*NAME_WORDS, ".JPG", ".jpeg", ".Png", "VIDEO", "Video", "end_", "K", "ſ", "İ", "x", "1"]
    any_case = images._AnyCase(pattern)
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        expected = re.compile(pattern, re.I)
        assert any_case.search(text) == bool(expected.search(text)), text
        assert any_case.fullmatch(text) == bool(expected.fullmatch(text)), text
