"""The Article record: the field table of the README, checked on every cleaned page we have."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from scoring import SHARED_PAGES

from scraper import Article, Image, clean_html
from scraper.writers import open_writer

FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "template": (str,),
    "title": (str,),
    "text": (str,),
    "url": (str, type(None)),
    "final_url": (str, type(None)),
    "canonical_url": (str, type(None)),
    "docid": (str, type(None)),
    "published_at": (str, type(None)),
    "source": (str, type(None)),
    "source_url": (str, type(None)),
    "author": (str, type(None)),
    "editor": (str, type(None)),
    "location": (str, type(None)),
    "category": (str, type(None)),
    "keywords": (list,),
    "description": (str, type(None)),
    "images": (list,),
    "fetched_at": (str, type(None)),
    "status": (int, type(None)),
}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _expects_error(page: Path) -> bool:
    """Fixtures expected to fail (fixtures/lists/: channel, list, rank pages) have no Article to check."""
    expect = page.with_suffix(".json")
    return expect.is_file() and json.loads(expect.read_text("utf-8")).get("expect") == "error"


PAGES = sorted(p for p in FIXTURES.glob("*/*.html") if p.parent.name != "nasty" and not _expects_error(p))
PAGES += sorted(SHARED_PAGES.glob("*.html")) if SHARED_PAGES.is_dir() else []


def test_field_table_matches_the_dataclass() -> None:
    assert list(Article(template="x", title="", text="").to_dict()) == list(FIELD_TYPES)


@pytest.mark.parametrize("path", PAGES, ids=[f"{p.parent.name}/{p.name}" for p in PAGES])
def test_every_field_has_its_documented_type(path: Path) -> None:
    record = clean_html(path.read_bytes()).to_dict()
    for name, types in FIELD_TYPES.items():
        assert isinstance(record[name], types), name
    assert all(isinstance(k, str) and k for k in record["keywords"])
    assert all(set(im) == {"src", "caption"} and im["src"].startswith("http") for im in record["images"])
    if record["published_at"]:
        assert record["published_at"].endswith("+08:00")
    if record["docid"]:
        assert len(record["docid"]) == 16
    json.dumps(record, ensure_ascii=False)  # JSON-ready


def test_to_dict_from_dict_round_trip() -> None:
    article = Article(
        template="pc-2021", title="标题", text="一\n二", docid="K1234567890ABCDE",
        keywords=("a", "b"), images=(Image("https://x/1.jpg", "说明"),), status=200,
    )  # fmt: skip
    assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article
    assert article.paragraphs == ["一", "二"]


def test_repr_is_short() -> None:
    article = Article(template="pc-2021", title="标" * 40, text="正文" * 5000, docid="K1234567890ABCDE")
    shown = repr(article)
    assert shown == f"Article(docid='K1234567890ABCDE', title='{'标' * 29}…', text=10000 chars)"
    assert (
        repr(Article(template="x", title="短标题", text=""))
        == "Article(docid=None, title='短标题', text=0 chars)"
    )


def test_to_json_is_the_line_clean_writes() -> None:
    page = FIXTURES / "pc-2021" / "news-tech.html"
    article = clean_html(page.read_bytes())
    out = io.StringIO()
    writer = open_writer("jsonl", out)
    writer.write(article.to_dict())
    writer.close()
    assert out.getvalue() == article.to_json() + "\n"
    assert "\\u" not in article.to_json() and article.title in article.to_json()
    assert Article.from_dict(json.loads(article.to_json())) == article


@pytest.mark.parametrize(
    ("published_at", "expected"),
    [
        ("2025-10-16T20:02:18+08:00", datetime(2025, 10, 16, 12, 2, 18, tzinfo=timezone.utc)),
        ("2025-10-16T20:02:18", datetime(2025, 10, 16, 12, 2, 18, tzinfo=timezone.utc)),  # Beijing assumed
        ("2025-10-16T12:02:18+00:00", datetime(2025, 10, 16, 12, 2, 18, tzinfo=timezone.utc)),
        (None, None),
        ("", None),
        ("16/10/2025", None),
    ],
)
def test_published_is_an_aware_datetime(published_at: str | None, expected: datetime | None) -> None:
    when = Article(template="x", title="", text="", published_at=published_at).published
    assert when == expected
    if when is not None:
        assert when.utcoffset() is not None


def test_published_of_a_cleaned_page_keeps_the_beijing_offset() -> None:
    article = clean_html((FIXTURES / "pc-2021" / "news-tech.html").read_bytes())
    assert article.published is not None and article.published.isoformat() == article.published_at
