"""``netease-scraper clean`` never loses a file: refusals (exit 2), locks, nothing-cleaned, pipes.

Every run is a real ``python -m scraper clean`` process on real files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_warc_read import Rec, netease_page, write_warc

from scraper.crawling.output import RunLock

ROOT = Path(__file__).resolve().parents[1]
PAGE = netease_page()


def cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "scraper", "clean", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)


def pages(folder: Path) -> Path:
    folder.mkdir()
    (folder / "1.html").write_bytes(PAGE)
    (folder / "2.html").write_bytes(netease_page("二", "ABCDEFGH00018991"))
    return folder


def assert_refused(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "error:" in done.stderr and words in done.stderr
    assert done.stdout == ""


# -- outputs that are inputs -------------------------------------------------------------------


def test_output_onto_a_file_inside_an_input_folder_is_refused(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in")
    assert_refused(cli(folder, "-o", folder / "1.html"), "inside the input folder")
    assert_refused(cli(folder, "-o", folder / "new.jsonl"), "inside the input folder")
    assert (folder / "1.html").read_bytes() == PAGE
    assert sorted(p.name for p in folder.iterdir()) == ["1.html", "2.html"]


def test_output_onto_a_hard_link_of_an_input_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(PAGE)
    link = tmp_path / "link.jsonl"
    os.link(page, link)
    assert_refused(cli(page, "-o", link), "is the input")
    assert page.read_bytes() == PAGE


def test_output_onto_another_name_of_a_file_in_an_input_folder_is_refused(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in")
    hard, soft = tmp_path / "hard.jsonl", tmp_path / "target.html"
    os.link(folder / "1.html", hard)
    soft.write_bytes(PAGE)
    (folder / "3.html").symlink_to(soft)  # the walk reads symlinked files
    assert_refused(cli(folder, "-o", hard), "under another name")
    assert_refused(cli(folder, "-o", soft), "under another name")
    assert (folder / "1.html").read_bytes() == PAGE and soft.read_bytes() == PAGE


def test_an_existing_output_beside_a_symlink_loop_in_an_input_folder(tmp_path: Path) -> None:
    # The check walks the input folder for other names of the output; an entry the walk cannot
    # read (a symlink loop) is a read_error failure of the run, not a crash of the check.
    folder = pages(tmp_path / "in")
    (folder / "self.html").symlink_to("self.html")
    out = tmp_path / "out.jsonl"
    out.write_text("", encoding="utf-8")
    done = cli(folder, "-o", out)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(out.read_text("utf-8").splitlines()) == 2
    failures = (tmp_path / "out.jsonl.failures.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["reason"] for line in failures] == ["read_error"]


def test_failures_file_onto_an_input_is_refused(tmp_path: Path) -> None:
    page, empty = tmp_path / "p.html", tmp_path / "e.html"
    page.write_bytes(PAGE)
    empty.write_bytes(b"")
    assert_refused(cli(empty, page, "--failures", page), "is the input")
    assert page.read_bytes() == PAGE


# -- the failures file -------------------------------------------------------------------------


def test_failures_file_equal_to_the_output_is_refused(tmp_path: Path) -> None:
    page, empty, out = tmp_path / "p.html", tmp_path / "e.html", tmp_path / "out.jsonl"
    page.write_bytes(PAGE)
    empty.write_bytes(b"")
    assert_refused(cli(page, empty, "-o", out, "--failures", out), "are the same file")
    assert not out.exists()
    out.write_text('{"title": "kept"}\n')  # an earlier output, under another name too
    twin = tmp_path / "twin.jsonl"
    os.link(out, twin)
    assert_refused(cli(page, empty, "-o", out, "--failures", twin), "are the same file")
    assert out.read_text() == '{"title": "kept"}\n'


@pytest.mark.parametrize("how", ["--failures", "default"])
def test_a_failures_path_holding_somebody_elses_file_is_refused(tmp_path: Path, how: str) -> None:
    page, out = tmp_path / "p.html", tmp_path / "out.jsonl"
    page.write_bytes(PAGE)
    notes = tmp_path / "notes.txt" if how == "--failures" else tmp_path / "out.jsonl.failures.jsonl"
    notes.write_text("my notes\nsecond line\n")
    extra = ["--failures", notes] if how == "--failures" else []
    assert_refused(cli(page, "-o", out, *extra), "not a failures file written by netease-scraper")
    assert notes.read_text() == "my notes\nsecond line\n"
    assert not out.exists()


def test_a_failures_file_of_ours_is_replaced_and_removed_when_nothing_fails(tmp_path: Path) -> None:
    page, empty, log = tmp_path / "p.html", tmp_path / "e.html", tmp_path / "fails.jsonl"
    page.write_bytes(PAGE)
    empty.write_bytes(b"")
    assert cli(page, empty, "--failures", log).returncode == 1
    assert json.loads(log.read_text())["reason"] == "empty"
    assert cli(page, empty, empty, "--failures", log).returncode == 1  # rewritten, not appended
    assert [json.loads(x)["reason"] for x in log.read_text().splitlines()] == ["empty", "empty"]
    assert cli(page, "--failures", log).returncode == 0
    assert not log.exists()
    kept = tmp_path / "kept.jsonl"
    kept.write_bytes(b"")  # the user's empty file: used, never removed
    assert cli(page, "--failures", kept).returncode == 0 and kept.exists()


@pytest.mark.parametrize("how", ["no-folder", "folder"])
def test_a_failures_file_that_cannot_be_created_stops_before_anything_is_written(
    tmp_path: Path, how: str
) -> None:
    page, empty, out = tmp_path / "p.html", tmp_path / "e.html", tmp_path / "out.json"
    page.write_bytes(PAGE)
    empty.write_bytes(b"")
    if how == "folder":  # the default OUT.failures.jsonl is a folder
        (tmp_path / "out.json.failures.jsonl").mkdir()
        extra: list[str | Path] = []
    else:
        extra = ["--failures", tmp_path / "no" / "such" / "fails.jsonl"]
    done = cli(page, empty, "-o", out, "--format", "json", *extra)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


# -- locks ---------------------------------------------------------------------------------------


def test_clean_refuses_the_output_of_a_running_crawl(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(PAGE)
    crawl_out = tmp_path / "articles.jsonl"
    crawl_out.write_text('{"docid": "ABCDEFGH00018990", "url": "u"}\n')
    lock = RunLock(crawl_out)  # what a running crawl holds on its output
    lock.acquire()
    try:
        assert_refused(cli(page, "-o", crawl_out), "in use by another netease-scraper run")
    finally:
        lock.release()
    assert crawl_out.read_text() == '{"docid": "ABCDEFGH00018990", "url": "u"}\n'


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_second_clean_on_the_files_of_a_running_one_is_refused(tmp_path: Path) -> None:
    fifo, empty = tmp_path / "slow.html", tmp_path / "e.html"
    os.mkfifo(fifo)
    empty.write_bytes(b"")
    out, log = tmp_path / "out.jsonl", tmp_path / "fails.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "scraper",
        "clean",
        str(empty),
        str(fifo),
        "-o",
        str(out),
        "--failures",
        str(log),
    ]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Its outputs are open and locked before it reads an input: once it opens the pipe, it holds them.
        while (writer := _open_writer(fifo)) is None:
            assert first.poll() is None, first.communicate()
        with os.fdopen(writer, "wb") as fh:
            assert_refused(cli(page_file(tmp_path), "-o", out), "output")
            assert_refused(cli(empty, "-o", tmp_path / "other.jsonl", "--failures", log), "in use")
            fh.write(PAGE)
        assert first.wait(timeout=120) == 1  # the empty page failed, the piped one was cleaned
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert json.loads(out.read_text())["title"] == "测试标题"
    assert json.loads(log.read_text())["reason"] == "empty"


def page_file(tmp_path: Path) -> Path:
    page = tmp_path / "p.html"
    page.write_bytes(PAGE)
    return page


def _open_writer(fifo: Path) -> int | None:
    """The write end of ``fifo`` once a reader has it open (None before: ENXIO)."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        time.sleep(0.01)
        return None
    os.set_blocking(fd, True)
    return fd


# -- usability -----------------------------------------------------------------------------------


def test_an_empty_folder_cleans_nothing_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = cli(tmp_path / "empty")
    assert done.returncode == 1 and done.stdout == ""
    assert "nothing cleaned: no page in the inputs" in done.stderr


def test_a_warc_with_only_skipped_records_cleans_nothing(tmp_path: Path) -> None:
    warc = tmp_path / "w.warc.gz"
    write_warc(warc, [Rec(rec_type="request"), Rec(uri="https://example.com/", body=PAGE)])
    done = cli(warc)
    assert done.returncode == 1
    assert "nothing cleaned: no page to clean" in done.stderr


@pytest.mark.parametrize("suffix", [".json", ".md", ".txt", ".jsonl"])
def test_format_follows_the_output_suffix(tmp_path: Path, suffix: str) -> None:
    folder = pages(tmp_path / "in")
    out = tmp_path / f"out{suffix}"
    assert cli(folder, "-o", out).returncode == 0
    text = out.read_text(encoding="utf-8")
    if suffix == ".json":
        assert [r["title"] for r in json.loads(text)] == ["测试标题", "二"]
    elif suffix == ".md":
        assert text.startswith("# 测试标题\n") and "\n---\n" in text
    elif suffix == ".txt":
        assert text.startswith("测试标题\n") and not text.startswith("{")
    else:
        assert [json.loads(x)["title"] for x in text.splitlines()] == ["测试标题", "二"]
    assert cli(folder, "-o", out, "--format", "jsonl").returncode == 0  # an explicit --format wins
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["title"] == "测试标题"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_read_once_as_the_page(tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    body = PAGE + b"<!--" + b"x" * 40_000 + b"-->"  # longer than the WARC sniff reads

    def feed() -> None:
        with open(fifo, "wb") as fh:
            fh.write(body)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        done = cli(fifo, timeout=60)
    finally:
        if writer.is_alive():  # the run never opened the pipe: let the writer go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(timeout=10)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "测试标题"
