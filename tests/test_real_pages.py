"""The real-page suite: every page of ../shared/netease-pages against its hand-checked gold file.

Skipped cleanly when the shared folder is absent (a user's clone). Pages are read in place,
never copied into the repository.
"""

from __future__ import annotations

import json
import statistics
from functools import cache

import pytest
from scoring import SHARED_PAGES, char_f1

from scraper import Article, clean_html

GOLD_FILES = sorted(SHARED_PAGES.glob("*.gold.json")) if SHARED_PAGES.is_dir() else []
pytestmark = pytest.mark.skipif(not GOLD_FILES, reason="../shared/netease-pages is not present")
METADATA = ("title", "published_at", "source", "editor", "author", "docid")


@cache
def cleaned(gold_name: str) -> tuple[dict, Article]:
    gold = json.loads((SHARED_PAGES / gold_name).read_text(encoding="utf-8"))
    html = (SHARED_PAGES / gold["page"]).read_bytes()
    return gold, clean_html(html, url=gold.get("url"))


def _ids(paths: list) -> list[str]:
    return [p.name.removesuffix(".gold.json") for p in paths]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_body_f1(gold_path) -> None:
    gold, article = cleaned(gold_path.name)
    f1 = char_f1(article.text, "\n".join(gold["paragraphs"]))
    assert f1 >= 0.98, f"{gold['page']}: body F1 {f1:.4f}"


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_no_boilerplate_leaks(gold_path) -> None:
    gold, article = cleaned(gold_path.name)
    body = "".join(article.text.split())
    leaks = [m for m in gold["must_not"] if "".join(m.split()) in body]
    assert leaks == []


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_metadata_equals_gold(gold_path) -> None:
    gold, article = cleaned(gold_path.name)
    got = {k: getattr(article, k) for k in METADATA}
    want = {k: gold.get(k) for k in METADATA}
    assert got == want


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_template_detected(gold_path) -> None:
    gold, article = cleaned(gold_path.name)
    expected = gold["template"] if gold["template"] != "other" else "bbs"
    # The gold names the family; the 亦观察 column and the 2004 biz pages have parsers of their own.
    family = article.template.removesuffix("-observe").removesuffix("-2004")
    assert family == expected


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_no_replacement_characters(gold_path) -> None:
    _, article = cleaned(gold_path.name)
    assert "\ufffd" not in article.text + article.title


def test_template_names_are_unique() -> None:
    """Each parser names itself, so a record says which one read it."""
    from scraper.clean.templates import TEMPLATES

    names = [t.name for t in TEMPLATES]
    assert len(names) == len(set(names))


def test_corpus_mean_f1() -> None:
    scores = []
    for path in GOLD_FILES:
        gold, article = cleaned(path.name)
        if gold["kind"] == "article":
            scores.append(char_f1(article.text, "\n".join(gold["paragraphs"])))
    assert len(scores) >= 30
    assert statistics.mean(scores) >= 0.995
