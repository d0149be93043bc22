"""A pathological page fails fast as ``too_complex``; ordinary big or deep pages still clean.

Issue 7 item 5: tens of thousands of nested tags, or one tag with tens of thousands of attributes,
take lexbor seconds to minutes to build. The cleaner must refuse such a page with
``ParseError(reason="too_complex")`` instead of grinding through it.

No timing is asserted (the project forbids timed assertions). Each page is cleaned in a child
process with a generous :data:`TIMEOUT`; a hang (or a crash of the parser) fails the test, whatever
the machine's speed. The pages are generated at run time, never committed: the bombs are put inside
the body of ``fixtures/pc-2021/news-tech.html``, so a cleaner without the guard would (slowly)
return that article, and the answer must be ``too_complex`` all the same.

Controls that must NOT be ``too_complex``: a real shared page with a 100 KB ``data:`` URI image
in it (one huge tag, but no attributes to speak of), 5,000 sibling paragraphs, 300 levels of
nesting around a paragraph.
"""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = REPO.parent / "shared" / "netease-pages"
BASE = REPO / "fixtures" / "pc-2021" / "news-tech"
BASE_URL = "https://www.163.com/tech/article/K8HAMTB000097U7R.html"
TIMEOUT = 20.0  # seconds per page: generous on purpose, it only turns a hang into a failure

# Run in the child: clean one page file, print the outcome as one JSON line.
_CHILD = r"""
import json, sys
from scraper import clean_html
from scraper.errors import ScraperError
data = open(sys.argv[1], "rb").read()
url = sys.argv[2] or None
try:
    article = clean_html(data, url=url)
except ScraperError as err:
    out = {"outcome": "error", "class": type(err).__name__, "reason": err.reason, "message": str(err)[:200]}
else:
    out = {"outcome": "article", "template": article.template, "title": article.title,
           "paragraphs": article.text.split("\n"), "images": len(article.images)}
print(json.dumps(out, ensure_ascii=False))
"""


def _clean_in_child(tmp_path: Path, data: bytes, url: str | None) -> dict[str, Any]:
    page = tmp_path / "page.html"
    page.write_bytes(data)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(page), url or ""],
            capture_output=True,
            timeout=TIMEOUT,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"clean_html did not return within {TIMEOUT:.0f} s on a {len(data):,}-byte page")
    assert proc.returncode == 0, (
        f"child exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}"
    )
    return json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])


def _describe(result: dict[str, Any]) -> str:
    if result["outcome"] == "error":
        return f"{result['class']}(reason={result['reason']!r}): {result['message']}"
    return (
        f"an Article (template={result['template']!r}, {len(result['paragraphs'])} paragraphs, "
        f"first={result['paragraphs'][0][:60]!r})"
    )


def _base_page() -> bytes:
    return BASE.with_suffix(".html").read_bytes()


def _base_paragraphs() -> list[str]:
    return json.loads(BASE.with_suffix(".json").read_text("utf-8"))["paragraphs"]


def _in_body(inner: str) -> bytes:
    """news-tech.html with ``inner`` inserted at the start of its post_body."""
    page = _base_page()
    marker = b'<div class="post_body">'
    assert page.count(marker) == 1
    return page.replace(marker, marker + inner.encode("utf-8"), 1)


# --- the bombs ---------------------------------------------------------------------------------


def nested_divs() -> str:
    """50,000 nested <div>."""
    return "<div>" * 50_000 + "深处的一句话。" + "</div>" * 50_000


def nested_ul_li() -> str:
    """20,000 nested <ul><li>."""
    return "<ul><li>" * 20_000 + "列表的最深一层。" + "</li></ul>" * 20_000


def many_attributes() -> str:
    """One tag with 50,000 attributes."""
    attrs = " ".join(f'data-a{i}="{i}"' for i in range(50_000))
    return f"<div {attrs}>属性很多的一段。</div>"


def many_bare_attributes() -> str:
    """One tag with 30,000 attributes without values (no "=" on the page to give them away)."""
    attrs = " ".join(f"data-a{i}" for i in range(30_000))
    return f"<div {attrs}>属性很多的一段。</div>"


def nested_spans() -> str:
    """100,000 nested <span>."""
    return "<span>" * 100_000 + "很深的行内文字。" + "</span>" * 100_000


def flat_tags() -> str:
    """400,000 sibling tags (no nesting at all)."""
    return "<i>字</i>" * 400_000


BOMBS: list[Callable[[], str]] = [
    nested_divs,
    nested_ul_li,
    many_attributes,
    many_bare_attributes,
    nested_spans,
    flat_tags,
]


@pytest.mark.parametrize("bomb", BOMBS, ids=lambda f: f.__name__)
def test_pathological_page_is_too_complex(bomb: Callable[[], str], tmp_path: Path) -> None:
    """The article page with the bomb in its body raises ParseError(reason="too_complex")."""
    result = _clean_in_child(tmp_path, _in_body(bomb()), BASE_URL)
    assert (
        result["outcome"] == "error" and result["class"] == "ParseError" and result["reason"] == "too_complex"
    ), f"{bomb.__doc__} got {_describe(result)}; want ParseError(reason='too_complex')"


@pytest.mark.parametrize("bomb", BOMBS, ids=lambda f: f.__name__)
def test_pathological_bare_page_is_too_complex(bomb: Callable[[], str], tmp_path: Path) -> None:
    """The bomb alone in a minimal NetEase shell (no article frame at all) is too_complex too."""
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试_网易新闻</title></head><body>'
        + bomb()
        + "</body></html>"
    ).encode("utf-8")
    result = _clean_in_child(tmp_path, page, "https://news.163.com/")
    assert (
        result["outcome"] == "error" and result["class"] == "ParseError" and result["reason"] == "too_complex"
    ), f"{bomb.__doc__} got {_describe(result)}; want ParseError(reason='too_complex')"


# --- controls: big or deep, but ordinary ---------------------------------------------------------


def _shared_article() -> tuple[bytes, str | None] | None:
    if not SHARED_PAGES.is_dir():
        return None
    for gold_path in sorted(SHARED_PAGES.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        if gold.get("kind") == "article":
            return (SHARED_PAGES / gold["page"]).read_bytes(), gold.get("url")
    return None


def test_data_uri_image_is_not_too_complex(tmp_path: Path) -> None:
    """A real shared article with a 100 KB data: URI <img> in it cleans exactly as without it."""
    shared = _shared_article()
    if shared is None:
        pytest.skip("../shared/netease-pages is not present")
    data, url = shared
    payload = base64.b64encode(random.Random(7).randbytes(75_000)).decode("ascii")  # 100,000 characters
    img = f'<img src="data:image/png;base64,{payload}" alt="">'.encode("ascii")
    assert len(img) > 100_000
    # inside the page's own markup: right after the first paragraph's start tag
    at = data.find(b"<p")
    at = data.find(b">", at) + 1 if at != -1 else data.find(b"<body")
    assert at > 0
    with_img = data[:at] + img + data[at:]
    plain = _clean_in_child(tmp_path, data, url)
    result = _clean_in_child(tmp_path, with_img, url)
    assert result.get("reason") != "too_complex", f"got {_describe(result)}"
    assert plain["outcome"] == "article", f"the unmodified page gives {_describe(plain)}"
    assert result["outcome"] == "article", f"got {_describe(result)}"
    assert result["paragraphs"] == plain["paragraphs"]


def test_five_thousand_sibling_paragraphs_are_not_too_complex(tmp_path: Path) -> None:
    """5,000 sibling <p> in the body: an ordinary long article, every paragraph comes out."""
    added = [f"第{i + 1}段：试验线连续运行记录，温度、压力与涂布厚度均在设定范围之内。" for i in range(5_000)]
    result = _clean_in_child(tmp_path, _in_body("".join(f"<p>{p}</p>\n" for p in added)), BASE_URL)
    assert result.get("reason") != "too_complex", f"got {_describe(result)}"
    assert result["outcome"] == "article", f"got {_describe(result)}"
    assert result["paragraphs"] == added + _base_paragraphs()


def test_three_hundred_levels_of_nesting_are_not_too_complex(tmp_path: Path) -> None:
    """A paragraph wrapped in 300 nested <div>: deep, but far from pathological."""
    deep = "这一段被三百层容器包着，依然是正文的一部分。"
    inner = "<div>" * 300 + f"<p>{deep}</p>" + "</div>" * 300
    result = _clean_in_child(tmp_path, _in_body(inner), BASE_URL)
    assert result.get("reason") != "too_complex", f"got {_describe(result)}"
    assert result["outcome"] == "article", f"got {_describe(result)}"
    assert result["paragraphs"] == [deep, *_base_paragraphs()]
