"""The one JSON encoder and the one failure log that clean, crawl and discover share."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scraper.article import Article
from scraper.jsonl import FAILURE_KEYS, FailureLog, FailureRecord, dumps_line, line_bytes
from scraper.writers import JsonArrayWriter, JsonlWriter

ARTICLE = Article(
    template="pc-2021",
    title='标题 "引号"',
    text="第一段。\n第二段。",
    url="https://www.163.com/news/article/ABCDEFGH00018991.html",
    docid="ABCDEFGH00018991",
    keywords=("新闻", "测试"),
)


def test_lines_are_compact_and_keep_chinese_text() -> None:
    assert dumps_line({"a": 1, "b": ["中文", None]}) == '{"a":1,"b":["中文",null]}'
    assert line_bytes({"t": "中文\n"}) == '{"t":"中文\\n"}\n'.encode()


def test_clean_and_crawl_write_an_article_as_the_same_bytes() -> None:
    out = io.StringIO()
    writer = JsonlWriter(out)
    writer.write(ARTICLE.to_dict())
    writer.close()
    crawl_line = line_bytes(ARTICLE.to_dict())  # what the crawl appends for this article
    assert out.getvalue().encode("utf-8") == crawl_line
    assert ARTICLE.to_json() + "\n" == crawl_line.decode("utf-8")
    assert b'", "' not in crawl_line and b'": ' not in crawl_line
    array = io.StringIO()
    writer = JsonArrayWriter(array)
    writer.write(ARTICLE.to_dict())
    writer.close()
    assert array.getvalue() == "[\n" + ARTICLE.to_json() + "\n]\n"


def test_a_failure_record_has_one_shape_in_a_fixed_order() -> None:
    record = FailureRecord("a.warc.gz#123", "https://www.163.com/x.html", None, "truncated", "cut short")
    assert list(record.to_dict()) == ["origin", "url", "docid", "reason", "message", "attempts", "status"]
    assert set(record.to_dict()) == FAILURE_KEYS
    assert record.to_dict()["attempts"] is None and record.to_dict()["status"] is None


def test_a_log_on_a_stream_writes_lines_and_leaves_the_stream_open() -> None:
    out = io.BytesIO()
    log = FailureLog(out)
    log.write([FailureRecord("a.warc.gz#123", "https://www.163.com/x.html", None, "truncated", "cut")])
    log.write([FailureRecord("<stdin>", None, None, "empty", "the input is empty")])
    log.write([])
    log.close()
    rows = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert rows[0] == {
        "origin": "a.warc.gz#123",
        "url": "https://www.163.com/x.html",
        "docid": None,
        "reason": "truncated",
        "message": "cut",
        "attempts": None,
        "status": None,
    }
    assert rows[1]["url"] is None and log.count == 2 and not out.closed
    with pytest.raises(TypeError):
        log.rewrite([])


def _fail(url: str) -> FailureRecord:
    return FailureRecord(url, url, None, "http_404", "Not Found", attempts=1, status=404)


def test_a_log_on_a_path_appends_and_rewrite_replaces(tmp_path: Path) -> None:
    path = tmp_path / "o.jsonl.failures.jsonl"
    log = FailureLog(path)
    log.write([])
    assert not path.exists()  # opened on the first record, not before
    log.write([_fail("a"), _fail("b")])
    log.rewrite([_fail("b")])
    log.write([_fail("c")])
    log.close()
    assert [json.loads(x)["url"] for x in path.read_text().splitlines()] == ["b", "c"]
    assert json.loads(path.read_text().splitlines()[0])["status"] == 404
    log.rewrite([])
    assert not path.exists()
