"""The template-free path on its own: every template disabled, the shared pages still come out clean.

This is what a redesign that renames every class would leave us with, measured on real pages: the
main content found by its prose (``clean/content.py``) and pruned by structure (``clean/prune.py``).
Goal (issue 7): body F1 mean >= 0.98 over the article pages, no ``must_not`` string in any page.
"""

from __future__ import annotations

import json
import statistics
from functools import cache

import pytest
from scoring import SHARED_PAGES, char_f1

from scraper import Article
from scraper.clean import clean_with

GOLD_FILES = sorted(SHARED_PAGES.glob("*.gold.json")) if SHARED_PAGES.is_dir() else []
pytestmark = pytest.mark.skipif(not GOLD_FILES, reason="../shared/netease-pages is not present")
MEAN_F1_GOAL = 0.98
PAGE_F1_FLOOR = 0.95  # no single page may fall apart


@cache
def cleaned_without_templates(gold_name: str) -> tuple[dict, Article]:
    gold = json.loads((SHARED_PAGES / gold_name).read_text(encoding="utf-8"))
    html = (SHARED_PAGES / gold["page"]).read_bytes()
    return gold, clean_with(html, gold.get("url"), templates=())


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=[p.name.removesuffix(".gold.json") for p in GOLD_FILES])
def test_template_free_page(gold_path) -> None:
    gold, article = cleaned_without_templates(gold_path.name)
    assert article.template == "fallback"
    body = "".join(article.text.split())
    leaks = [m for m in gold["must_not"] if "".join(m.split()) in body]
    assert leaks == []
    f1 = char_f1(article.text, "\n".join(gold["paragraphs"]))
    assert f1 >= PAGE_F1_FLOOR, f"{gold['page']}: template-free body F1 {f1:.4f}"


def test_template_free_mean_f1() -> None:
    scores = []
    for path in GOLD_FILES:
        gold, article = cleaned_without_templates(path.name)
        if gold["kind"] == "article":
            scores.append(char_f1(article.text, "\n".join(gold["paragraphs"])))
    assert len(scores) >= 30
    mean = statistics.mean(scores)
    print(f"template-free body F1: mean {mean:.4f}, min {min(scores):.4f} over {len(scores)} articles")
    assert mean >= MEAN_F1_GOAL
