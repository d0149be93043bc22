"""Body images and captions of the shared real pages against the hand-checked lists in expected_images.py.

Skipped cleanly when ../shared/netease-pages is absent. Pages are read in place, never copied.
"""

from __future__ import annotations

import json

import pytest
from expected_images import EXPECTED_IMAGES
from scoring import SHARED_PAGES

from scraper import clean_html

PAGES = sorted(EXPECTED_IMAGES)
pytestmark = pytest.mark.skipif(not SHARED_PAGES.is_dir(), reason="../shared/netease-pages is not present")


def _images(name: str) -> list[tuple[str, str | None]]:
    gold = json.loads((SHARED_PAGES / f"{name}.gold.json").read_text(encoding="utf-8"))
    article = clean_html((SHARED_PAGES / gold["page"]).read_bytes(), url=gold.get("url"))
    return [(image.src, image.caption) for image in article.images]


@pytest.mark.parametrize("name", PAGES)
def test_images_equal_hand_checked(name: str) -> None:
    assert _images(name) == EXPECTED_IMAGES[name]


def test_every_article_page_has_an_expectation() -> None:
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in SHARED_PAGES.glob("*.gold.json")]
    articles = {g["page"].removesuffix(".html") for g in golds if g["kind"] == "article"}
    assert articles == set(EXPECTED_IMAGES)


@pytest.mark.parametrize("name", PAGES)
def test_captions_are_body_paragraphs(name: str) -> None:
    """Per gold-convention a caption under a body image is also its own body paragraph."""
    gold = json.loads((SHARED_PAGES / f"{name}.gold.json").read_text(encoding="utf-8"))
    captions = [caption for _, caption in EXPECTED_IMAGES[name] if caption is not None]
    assert [c for c in captions if c not in gold["paragraphs"]] == []
