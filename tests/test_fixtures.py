"""The hand-written pages in ``fixtures/`` clean to their hand-written expectations.

Each ``fixtures/<group>/<name>.json`` describes the sibling page ``<name>.<ext>`` (see
``fixtures/README.md``): either an article (fields, exact paragraphs, ``must_not`` strings) or the
exact failure (error class and ``.reason``). The expectations follow the page and
``gold-convention.md``, never the cleaner's output: a failure here is a disagreement to look at.
The 10 MB pages are built at run time from a fixture instead of being committed.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper import errors
from scraper.article import Article
from scraper.clean import clean_html

FIXTURES = Path(__file__).parents[1] / "fixtures"
# Every Article field an expectation pins down; a field left out of "fields" must come out empty.
CHECKED_FIELDS = (
    "template",
    "title",
    "canonical_url",
    "docid",
    "published_at",
    "source",
    "source_url",
    "author",
    "editor",
    "location",
    "category",
    "keywords",
    "description",
    "images",
)
LIST_FIELDS = frozenset({"keywords", "images"})
TEN_MB = 10 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One fixture page and its expectation."""

    page: Path
    expect: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.page.parent.name}/{self.page.name}"


def _load_cases() -> list[Case]:
    cases = []
    for json_path in sorted(FIXTURES.rglob("*.json")):
        pages = [p for p in json_path.parent.glob(f"{json_path.stem}.*") if p.suffix != ".json"]
        if len(pages) != 1:
            raise AssertionError(f"{json_path}: expected exactly one sibling page, found {pages}")
        cases.append(Case(pages[0], json.loads(json_path.read_text("utf-8"))))
    return cases


CASES = _load_cases()
ARTICLE_CASES = [c for c in CASES if c.expect["expect"] == "article"]


def _expected_fields(expect: dict[str, Any]) -> dict[str, Any]:
    given = expect.get("fields", {})
    unchecked = set(expect.get("unchecked", ()))
    out: dict[str, Any] = {}
    for name in CHECKED_FIELDS:
        if name in unchecked:
            continue
        value = given.get(name, [] if name in LIST_FIELDS else None)
        if name == "images":
            value = [{"src": im["src"], "caption": im.get("caption")} for im in value]
        out[name] = value
    return out


def _actual_fields(article: Article, names: dict[str, Any]) -> dict[str, Any]:
    got = article.to_dict()
    return {name: got[name] for name in names}


def _problems(article: Article, expect: dict[str, Any]) -> list[str]:
    """Every way ``article`` differs from the expectation (all reported at once)."""
    problems = []
    want = _expected_fields(expect)
    got = _actual_fields(article, want)
    for name, value in want.items():
        if got[name] != value:
            problems.append(f"field {name}: got {got[name]!r}, want {value!r}")
    if article.url != expect.get("url"):
        problems.append(f"field url: got {article.url!r}, want {expect.get('url')!r}")
    paragraphs = article.text.split("\n")
    if paragraphs != expect["paragraphs"]:
        diff = difflib.unified_diff(expect["paragraphs"], paragraphs, "expected", "cleaned", lineterm="")
        problems.append("paragraphs differ:\n" + "\n".join(diff))
    problems += [
        f"boilerplate leaked into the body: {s!r}" for s in expect.get("must_not", ()) if s in article.text
    ]
    return problems


def _clean(case: Case) -> Article:
    return clean_html(case.page.read_bytes(), url=case.expect.get("url"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fixture(case: Case) -> None:
    """The page cleans to exactly its expectation, or fails with exactly the expected reason."""
    expect = case.expect
    if expect["expect"] == "error":
        error_class = getattr(errors, expect["error_class"])
        try:
            article = _clean(case)
        except errors.ScraperError as err:
            assert isinstance(err, error_class) and err.reason == expect["reason"], (
                f"got {type(err).__name__}(reason={err.reason!r}): {err}; "
                f"want {expect['error_class']}(reason={expect['reason']!r})"
            )
            return
        pytest.fail(
            f"want {expect['error_class']}(reason={expect['reason']!r}), got an Article "
            f"(template={article.template!r}, title={article.title!r}, text={article.text[:80]!r})"
        )
    problems = _problems(_clean(case), expect)
    assert not problems, "\n".join(problems)


# --- the expectations themselves: guards against typos in hand-written JSON ---------------------


def _page_text(page: Path) -> str:
    """All text of the page (any encoding used in fixtures/), whitespace collapsed like the convention."""
    data = page.read_bytes()
    try:
        html = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            html = data.decode("gb18030")
        except UnicodeDecodeError:  # nasty/mixed-*: UTF-8 with a short GBK fragment
            html = data.decode("utf-8", errors="replace")
    text = LexborHTMLParser(html).root.text() if html.strip() else ""
    return re.sub(r"\s+", " ", text)


def _sorted_keys_everywhere(obj: Any) -> bool:
    if isinstance(obj, dict):
        return list(obj) == sorted(obj) and all(_sorted_keys_everywhere(v) for v in obj.values())
    if isinstance(obj, list):
        return all(_sorted_keys_everywhere(v) for v in obj)
    return True


def _empty_values(obj: Any, path: str = "") -> list[str]:
    if obj in (None, "", [], {}):
        return [path or "<root>"]
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _empty_values(v, f"{path}.{k}")]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _empty_values(v, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_expectation_is_well_formed(case: Case) -> None:
    """Sorted keys, no empty values, known classes/fields, and (articles) text that is on the page."""
    expect = case.expect
    assert _sorted_keys_everywhere(expect), "keys must be sorted"
    assert not _empty_values(expect), f"empty values must be omitted: {_empty_values(expect)}"
    if expect["expect"] == "error":
        assert set(expect) <= {"expect", "error_class", "reason", "url", "notes"}
        assert issubclass(getattr(errors, expect["error_class"]), errors.ScraperError)
        return
    assert expect["expect"] == "article"
    assert set(expect) <= {"expect", "fields", "must_not", "notes", "paragraphs", "unchecked", "url"}
    assert set(expect["fields"]) <= set(CHECKED_FIELDS)
    assert set(expect.get("unchecked", ())) <= set(CHECKED_FIELDS) - set(expect["fields"])
    text = _page_text(case.page)
    for paragraph in expect["paragraphs"]:
        assert paragraph == paragraph.strip() and "\n" not in paragraph
        assert paragraph in text, f"expected paragraph is not on the page: {paragraph!r}"
    for s in expect.get("must_not", ()):
        assert 8 <= len(s) <= 40, f"must_not strings are 8-40 characters: {s!r}"
        assert s in text, f"must_not string is not on the page: {s!r}"
        assert not any(s in p for p in expect["paragraphs"]), f"must_not string is in a paragraph: {s!r}"


# --- 10 MB pages, built at run time -------------------------------------------------------------

_BASE = FIXTURES / "pc-2021" / "news-tech"


def _huge_script_page() -> tuple[bytes, dict[str, Any]]:
    """The news fixture with ~10 MB of inline JSON state in <head>: the body must not change."""
    page = _BASE.with_suffix(".html").read_bytes()
    item = b'{"id": "K8HAMTB000097U7R", "title": "\\u56fa\\u6001\\u7535\\u6c60", "tags": ["a", "b"]},'
    blob = b"<script>window.__HUGE_STATE__ = [" + item * (TEN_MB // len(item) + 1) + b"{}];</script>\n"
    expect = json.loads(_BASE.with_suffix(".json").read_text("utf-8"))
    return page.replace(b"</head>", blob + b"</head>", 1), expect


def _many_paragraphs_page() -> tuple[bytes, dict[str, Any]]:
    """The news fixture whose post_body holds >10 MB of generated paragraphs: all must come out."""
    page = _BASE.with_suffix(".html").read_bytes()
    start = page.index(b'<div class="post_body">') + len(b'<div class="post_body">')
    end = page.index(b"<!-- \xe7\x9b\xb8\xe5\x85\xb3 -->")  # "<!-- 相关 -->", right after post_body
    paragraphs = []
    size = 0
    while size < TEN_MB:
        text = f"第{len(paragraphs) + 1}段：试验线连续运行记录，温度、压力与涂布厚度均在设定范围之内。" * 6
        paragraphs.append(text)
        size += len(text.encode()) + 7
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs).encode()
    expect = json.loads(_BASE.with_suffix(".json").read_text("utf-8"))
    expect["paragraphs"] = paragraphs
    expect["fields"] = {k: v for k, v in expect["fields"].items() if k != "images"}
    return page[:start] + body + b"</div>\n" + page[end:], expect


@pytest.mark.parametrize("build", [_huge_script_page, _many_paragraphs_page], ids=lambda f: f.__name__[1:-5])
def test_ten_megabyte_page(build: Any) -> None:
    """A >10 MB page (huge inline script, or a huge body) still cleans to the right article."""
    data, expect = build()
    assert len(data) >= TEN_MB
    problems = _problems(clean_html(data, url=expect["url"]), expect)
    assert not problems, "\n".join(problem[:2000] for problem in problems)
