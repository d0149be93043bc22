"""Channel, list, home and rank pages are not articles: they fail as ``not_an_article``.

A page whose "body" is mostly links to other articles (a channel front page, the rolling-news
list, the home page, a rank page, a 网易号 publisher page, a 专题) must raise
``ParseError(reason="not_an_article")``, never come back as an Article made of headlines.

* The six real 2020 pages of ``../shared/netease-lists`` (read in place, never copied; skipped
  cleanly when the folder is absent), cleaned with the ``page_url`` of their MANIFEST row.
* The hand-written ``fixtures/lists/*`` pages are checked by ``tests/test_fixtures.py`` like every
  fixture (their ``.json`` says ``not_an_article``, or ``article`` for the positive controls); this
  module only checks that the group is complete, so a lost file fails loudly.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from scraper import clean_html
from scraper.errors import ParseError, ScraperError

SHARED_LISTS = Path(__file__).resolve().parents[1].parent / "shared" / "netease-lists"
FIXTURE_LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


def _manifest() -> list[tuple[str, str | None]]:
    """(file, url) per MANIFEST row; url is the first word of page_url (the rest is a remark)."""
    manifest = SHARED_LISTS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for row in rows:
        words = (row.get("page_url") or "").split()
        url = words[0] if words and words[0].startswith("http") else None
        out.append((row["file"], url))
    return out


REAL_PAGES = _manifest()


def test_manifest_lists_every_shared_page() -> None:
    if not SHARED_LISTS.is_dir():
        pytest.skip("../shared/netease-lists is not present")
    on_disk = sorted(p.name for p in SHARED_LISTS.glob("*.html"))
    assert sorted(name for name, _ in REAL_PAGES) == on_disk
    assert len(on_disk) == 6


@pytest.mark.skipif(not REAL_PAGES, reason="../shared/netease-lists is not present")
@pytest.mark.parametrize(("name", "url"), REAL_PAGES, ids=[name for name, _ in REAL_PAGES])
def test_real_list_page_is_not_an_article(name: str, url: str | None) -> None:
    """A real NetEase channel/list/rank page raises ParseError(reason="not_an_article")."""
    data = (SHARED_LISTS / name).read_bytes()
    try:
        article = clean_html(data, url=url)
    except ScraperError as err:
        assert isinstance(err, ParseError) and err.reason == "not_an_article", (
            f"got {type(err).__name__}(reason={err.reason!r}): {err}; want ParseError(reason='not_an_article')"
        )
        return
    pytest.fail(
        f"want ParseError(reason='not_an_article'), got an Article (template={article.template!r}, "
        f"title={article.title!r}, {len(article.text.splitlines())} lines, text={article.text[:120]!r})"
    )


# The list-page fixtures and what each models (details in its .json notes).
EXPECTED_FIXTURES = {
    "channel-world": "not_an_article",  # news.163.com/world/ channel: thumbnails, digests, dates
    "rolling-latest": "not_an_article",  # news.163.com/latest/: [社会] headline (time) rows
    "home-www": "not_an_article",  # www.163.com: focus carousel + many link-list sections
    "rank-news": "not_an_article",  # news.163.com/rank/: GBK, rank/headline/count tables
    "dy-media": "not_an_article",  # 网易号 publisher page: author card + article list with summaries
    "special-topic": "not_an_article",  # 专题: a 2-sentence lead + headed link lists
    "channel-at-article-url": "not_an_article",  # a channel page served at an article URL
    "article-short-sidebar": "article",  # control: 3 sentences next to a huge sidebar
    "article-picks": "article",  # control: numbered list of linked items + prose intro
    "article-photo-captions": "article",  # control: images with captions only
}


def test_list_fixtures_complete() -> None:
    """Every list fixture is present with the expected outcome (checked in test_fixtures.py)."""
    got = {}
    for json_path in sorted(FIXTURE_LISTS.glob("*.json")):
        expect = json.loads(json_path.read_text("utf-8"))
        got[json_path.stem] = expect.get("reason") if expect["expect"] == "error" else "article"
        if expect["expect"] == "error":
            assert expect["error_class"] == "ParseError"
    assert got == EXPECTED_FIXTURES


def test_rank_fixture_is_gbk_bytes() -> None:
    """The rank fixture is served as GBK bytes (as news.163.com/special/0001386F/rank_*.html)."""
    data = (FIXTURE_LISTS / "rank-news.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "点击排行" in data.decode("gbk")
