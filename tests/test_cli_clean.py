"""``netease-scraper clean``: inputs, formats, failures, summary, exit codes, workers.

Mostly in-process through ``scraper.cli.main``; a few runs go through ``python -m scraper``.
Assertions are on reasons, counts and structure more than on the cleaned text (the cleaner's job).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_warc_read import Rec, netease_page, write_warc

from scraper.cli import main
from scraper.cli.clean_cmd import Outcome, clean_items, process_items
from scraper.sources import SavedPage, SourceItem

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(
    r"^cleaned (\d+), failed (\d+)(?: \(([^)]*)\))?, skipped (\d+)(?: \(([^)]*)\))? in [\d.]+ s"
)
URL = "https://www.163.com/news/article/ABCDEFGH00018990.html"


def not_netease() -> bytes:
    return (
        b"<html><head><title>Hello</title></head><body><div class=content>"
        b"<p>An English article body that is long enough to look like an article on another site.</p>"
        b"</div></body></html>"
    )


def no_body() -> bytes:
    """A NetEase article frame whose body is empty (e.g. a page saved before its text loaded)."""
    return (
        '<html><head><meta charset="utf-8"><title>空_网易新闻</title>'
        f'<link rel="canonical" href="{URL}"></head><body><div class="post_main">'
        '<h1 class="post_title">空</h1><div class="post_body"></div></div></body></html>'
    ).encode()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["clean", *args])
    out, err = capsys.readouterr()
    return code, out, err


def summary(err: str) -> dict[str, object]:
    line = err.strip().splitlines()[-1]
    m = SUMMARY.match(line)
    assert m, line
    reasons = dict(kv.split(": ") for kv in m.group(3).split(", ")) if m.group(3) else {}
    skips = dict(kv.split(": ") for kv in m.group(5).split(", ")) if m.group(5) else {}
    return {
        "cleaned": int(m.group(1)),
        "failed": int(m.group(2)),
        "reasons": {k: int(v) for k, v in reasons.items()},
        "skipped": int(m.group(4)),
        "skips": {k: int(v) for k, v in skips.items()},
    }


def mixed_folder(root: Path) -> Path:
    """Two good pages (one gzipped), and one of each failure the cleaner reports."""
    root.mkdir()
    (root / "1-good.html").write_bytes(netease_page("一"))
    (root / "2-good.html.gz").write_bytes(gzip.compress(netease_page("二", "ABCDEFGH00018991")))
    (root / "3-empty.html").write_bytes(b"")
    (root / "4-binary.html").write_bytes(bytes(range(256)) * 8)
    (root / "5-other-site.html").write_bytes(not_netease())
    (root / "6-no-body.html").write_bytes(no_body())
    return root


# -- single pages ------------------------------------------------------------------------------


def test_one_page_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(netease_page())
    code, out, err = run(capsys, str(page))
    assert code == 0
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["title"] == "测试标题" and record["text"]
    assert summary(err) == {"cleaned": 1, "failed": 0, "reasons": {}, "skipped": 0, "skips": {}}


def test_url_is_attached_to_a_single_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(netease_page())
    code, out, _ = run(capsys, str(page), "--url", URL)
    assert code == 0 and json.loads(out)["url"] == URL


# -- failures ----------------------------------------------------------------------------------


def test_failures_are_records_and_the_run_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = mixed_folder(tmp_path / "in")
    out_file = tmp_path / "out.jsonl"
    code, out, err = run(capsys, str(folder), "-o", str(out_file))
    assert code == 1 and out == ""
    titles = [json.loads(line)["title"] for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert titles == ["一", "二"]
    counts = summary(err)
    assert counts["cleaned"] == 2 and counts["failed"] == 4
    assert counts["reasons"] == {"binary": 1, "empty": 1, "no_body": 1, "not_netease": 1}
    failures = [json.loads(line) for line in (tmp_path / "out.jsonl.failures.jsonl").read_text().splitlines()]
    assert [(Path(f["origin"]).name, f["reason"]) for f in failures] == [
        ("3-empty.html", "empty"),
        ("4-binary.html", "binary"),
        ("5-other-site.html", "not_netease"),
        ("6-no-body.html", "no_body"),
    ]
    assert all(
        set(f) == {"origin", "url", "docid", "reason", "message", "attempts", "status"} and f["message"]
        for f in failures
    )
    assert all(f["attempts"] is None and f["status"] is None for f in failures)  # nothing was fetched
    assert "failures in" in err


def test_failures_go_to_stderr_without_a_failures_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "e.html"
    empty.write_bytes(b"")
    code, out, err = run(capsys, str(empty))
    assert code == 1 and out == ""
    assert f"failed: {empty}: empty:" in err


def test_explicit_failures_file_and_stale_one_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "g.html"
    good.write_bytes(netease_page())
    out_file = tmp_path / "o.jsonl"
    stale = tmp_path / "o.jsonl.failures.jsonl"
    stale.write_text('{"origin": "x.html", "url": null, "reason": "empty", "message": "no bytes"}\n')
    assert run(capsys, str(good), "-o", str(out_file))[0] == 0
    assert not stale.exists()  # the companion of an output we overwrote
    log = tmp_path / "fails.jsonl"
    empty = tmp_path / "e.html"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, str(good), str(empty), "--failures", str(log))
    assert code == 1 and len(out.splitlines()) == 1
    assert json.loads(log.read_text())["reason"] == "empty"


def test_unexpected_exception_is_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("scraper.clean_saved.clean_html", explode)
    (outcome,) = process_items([SavedPage("x.html", b"<html></html>", url=URL)])
    assert isinstance(outcome, Outcome)
    assert (outcome.reason, outcome.url, outcome.article) == ("internal_error", URL, None)
    assert "RuntimeError: boom" in outcome.message


# -- usage errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["{missing}"],
        ["{page}", "{page}", "--url", URL],
        ["{dir}", "--url", URL],
        ["{warc}", "--url", URL],
        ["-", "-"],
        ["{page}", "-o", "{dir}/no/such/dir/out.jsonl"],
        ["{page}", "-o", "{page}"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(netease_page())
    warc = tmp_path / "w.warc.gz"
    write_warc(warc, [Rec(body=netease_page())])
    names = {
        "missing": str(tmp_path / "nope.html"),
        "page": str(page),
        "dir": str(tmp_path),
        "warc": str(warc),
    }
    code, out, err = run(capsys, *(a.format(**names) for a in args))
    assert code == 2 and out == ""
    assert "error:" in err
    assert page.read_bytes() == netease_page()  # nothing was overwritten


@pytest.mark.parametrize("bad", [["--workers", "0"], ["--format", "xml"], []])
def test_argparse_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], bad: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["clean", *bad] + (["x.html"] if bad else []))
    assert exc.value.code == 2


# -- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "md", "txt"])
def test_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    for i, title in enumerate(["甲", "乙"]):
        (tmp_path / f"{i}.html").write_bytes(netease_page(title, f"ABCDEFGH0001899{i}"))
    code, out, _ = run(capsys, str(tmp_path), "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert [r["title"] for r in json.loads(out)] == ["甲", "乙"]
    elif fmt == "md":
        assert [b.splitlines()[0] for b in out.split("\n---\n\n")] == ["# 甲", "# 乙"]
    else:
        assert [b.splitlines()[0] for b in out.rstrip("\n").split("\n\n")] == ["甲", "乙"]


def test_json_with_no_article_is_an_empty_array(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "e.html"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, str(empty), "--format", "json")
    assert code == 1 and json.loads(out) == []


# -- WARC --------------------------------------------------------------------------------------


def test_warc_pages_skips_and_broken_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(
        warc,
        [
            Rec(rec_type="warcinfo", uri="", body=b"software: test\r\n"),
            Rec(rec_type="request"),
            Rec(body=netease_page("网页一")),
            Rec(uri="https://example.com/", body=netease_page()),
            Rec(status="301 Moved Permanently", body=b""),
            Rec(
                uri="https://news.163.com/20/0704/01/FGLHEVF80001899O.html",
                content_type="text/html; charset=gbk",
                body=netease_page("网页二", charset="gbk"),
            ),
            Rec(body=netease_page("被截断")),
        ],
    )
    warc.write_bytes(warc.read_bytes()[: offsets[-1] + 60])  # the last record is cut
    code, out, err = run(capsys, str(warc))
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in records] == ["网页一", "网页二"]
    assert records[0]["url"] == URL
    assert records[1]["url"] == "https://news.163.com/20/0704/01/FGLHEVF80001899O.html"
    counts = summary(err)
    assert (counts["cleaned"], counts["failed"], counts["reasons"]) == (2, 1, {"truncated": 1})
    assert counts["skipped"] == 4
    assert counts["skips"] == {"non_response": 2, "non_netease": 1, "http_301": 1}
    assert f"failed: {warc}#{offsets[-1]}: truncated" in err


# -- processes ---------------------------------------------------------------------------------


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "scraper", "clean", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_stdin_through_python_m(tmp_path: Path) -> None:
    done = cli("-", "--url", URL, stdin=netease_page())
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["url"] == URL and record["title"] == "测试标题"
    assert done.stderr.decode().startswith("cleaned 1, failed 0")


def test_workers_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    for i in range(40):  # enough for several chunks in flight
        (folder / f"7-more-{i:02d}.html").write_bytes(netease_page(f"第{i}篇", f"ABCDEFGH000{i:05d}"))
    warc = folder / "8-crawl.warc.gz"
    write_warc(warc, [Rec(rec_type="request"), Rec(body=netease_page("档案"))])
    one = cli(str(folder), "-o", str(tmp_path / "one.jsonl"), "--workers", "1")
    two = cli(str(folder), "-o", str(tmp_path / "two.jsonl"), "--workers", "2")
    assert one.returncode == two.returncode == 1
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert (tmp_path / "one.jsonl.failures.jsonl").read_bytes() == (
        tmp_path / "two.jsonl.failures.jsonl"
    ).read_bytes()
    assert summary(one.stderr.decode())["cleaned"] == 43
    for key in ("cleaned", "failed", "reasons", "skipped"):
        assert summary(one.stderr.decode())[key] == summary(two.stderr.decode())[key]


def die_on_poison(items: list[SourceItem]) -> list[Outcome | object]:
    """A worker task that kills its process on a page whose bytes say so (a stand-in for a segfault)."""
    if any(isinstance(i, SavedPage) and i.content == b"poison" for i in items):
        os._exit(1)
    return process_items(items)


def test_a_dying_worker_costs_one_page_not_the_run() -> None:
    pages: list[SourceItem] = [SavedPage(f"{i}.html", netease_page(f"第{i}篇")) for i in range(40)]
    pages[21] = SavedPage("poison.html", b"poison")
    results = list(clean_items(pages, workers=2, task=die_on_poison))
    assert [r.origin for r in results] == [p.origin for p in pages]
    crashed = [r for r in results if isinstance(r, Outcome) and r.reason == "worker_crashed"]
    assert [r.origin for r in crashed] == ["poison.html"]
    assert sum(1 for r in results if isinstance(r, Outcome) and r.article) == 39


def test_interrupt_leaves_a_valid_json_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scraper.clean import clean_html

    def stop_at_second(html: bytes, url: str | None = None, *, charset: str | None = None) -> object:
        if b"\xe4\xb9\x99" in html:  # 乙
            raise KeyboardInterrupt
        return clean_html(html, url, charset=charset)

    monkeypatch.setattr("scraper.clean_saved.clean_html", stop_at_second)
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, title in enumerate(["甲", "乙", "丙"]):
        (pages / f"{i}.html").write_bytes(netease_page(title, f"ABCDEFGH0001899{i}"))
    out_file = tmp_path / "out.json"
    code, _, err = run(capsys, str(pages), "--format", "json", "-o", str(out_file))
    assert code == 130
    assert [r["title"] for r in json.loads(out_file.read_text(encoding="utf-8"))] == ["甲"]
    assert "cleaned 1, failed 0" in err and "(interrupted)" in err


def test_pool_reads_ahead_only_a_bounded_window() -> None:
    from itertools import count, islice

    from scraper.cli.clean_cmd import CHUNK_PAGES, IN_FLIGHT_PER_WORKER

    pulled = 0

    def endless() -> Iterator[SourceItem]:  # a WARC that never ends
        nonlocal pulled
        for i in count():
            pulled += 1
            yield SavedPage(f"{i}.html", b"")

    results = list(islice(clean_items(endless(), workers=2), 10))
    assert [r.origin for r in results] == [f"{i}.html" for i in range(10)]
    assert pulled <= 10 + (2 * IN_FLIGHT_PER_WORKER + 1) * CHUNK_PAGES
