"""Output formats: structure of jsonl / json / md / txt, streaming, failure records."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from scraper.article import Article, Image
from scraper.writers import FORMATS, JsonArrayWriter, open_writer


def article(n: int = 1, **changes: Any) -> dict[str, Any]:
    base = Article(
        template="pc-2021",
        title=f"标题 {n}",
        text="第一段。\n第二段。",
        url=f"https://www.163.com/news/article/ABCDEFGH0001899{n}.html",
        docid=f"ABCDEFGH0001899{n}",
        published_at="2025-10-16T20:02:18+08:00",
        source="新华社",
        source_url="https://www.news.cn/",
        editor="雷晓",
        keywords=("测试", "新闻"),
        images=(Image("https://cms-bucket.ws.126.net/a.jpg", "图注"),),
    )
    return base.replace(**changes).to_dict()


def render(fmt: str, records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = open_writer(fmt, out)
    for rec in records:
        writer.write(rec)
    writer.close()
    return out.getvalue()


def test_formats_listed() -> None:
    assert list(FORMATS) == ["jsonl", "json", "md", "txt"]
    with pytest.raises(ValueError, match="unknown format"):
        open_writer("xml", io.StringIO())


def test_jsonl_round_trips_and_keeps_chinese_readable() -> None:
    records = [article(1), article(2)]
    text = render("jsonl", records)
    lines = text.splitlines()
    assert len(lines) == 2 and text.endswith("\n")
    assert "标题" in text  # not \\u escaped
    assert [Article.from_dict(json.loads(line)).to_dict() for line in lines] == records


@pytest.mark.parametrize("count", [0, 1, 3])
def test_json_is_one_array(count: int) -> None:
    records = [article(i) for i in range(count)]
    assert json.loads(render("json", records)) == records


def test_json_is_streamed_not_buffered() -> None:
    out = io.StringIO()
    writer = JsonArrayWriter(out)
    writer.write(article(1))
    writer.write(article(2))
    partial = out.getvalue()
    assert partial.startswith("[\n") and partial.count("标题") == 2  # already written before close()
    writer.close()
    assert len(json.loads(out.getvalue())) == 2


def test_markdown_layout() -> None:
    text = render("md", [article(1), article(2, title="", editor=None)])
    first, second = text.split("\n---\n\n")
    lines = first.splitlines()
    assert lines[0] == "# 标题 1"
    assert lines[1] == ""
    assert "- URL: https://www.163.com/news/article/ABCDEFGH00018991.html" in lines
    assert "- Published: 2025-10-16T20:02:18+08:00" in lines
    assert "- Source: [新华社](https://www.news.cn/)" in lines
    assert "- Editor: 雷晓" in lines
    assert "- Keywords: 测试, 新闻" in lines
    assert first.endswith("第一段。\n\n第二段。\n")
    assert second.startswith("# (untitled)\n")
    assert "- Editor:" not in second


def test_markdown_escapes_paragraphs_that_would_become_markup() -> None:
    text = render("md", [article(text="# 不是标题\n1. 不是列表\n- 不是列表\n> 不是引用\n普通段落")])
    body = text.split("\n\n")[-5:]
    assert body == ["\\# 不是标题", "1\\. 不是列表", "\\- 不是列表", "\\> 不是引用", "普通段落\n"]


def test_txt_articles_split_on_blank_lines() -> None:
    text = render("txt", [article(1), article(2, text="")])
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks == ["标题 1\n第一段。\n第二段。", "标题 2"]


def test_txt_drops_empty_paragraphs_so_blocks_stay_whole() -> None:
    text = render("txt", [article(1, text="第一段。\n\n  \n第二段。")])
    assert text == "标题 1\n第一段。\n第二段。\n"
