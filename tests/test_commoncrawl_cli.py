"""``netease-scraper commoncrawl`` as a user runs it: exit codes, messages, refusals, and SIGKILL mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ccservers import Archive, CdxServer, DataServer, Short
from httpserver import article_page

from scraper.cli import main

CRAWL = "CC-MAIN-2025-33"
N = 60
IDS = [f"KCCK{i:012d}" for i in range(N)]


def dy(docid: str) -> str:
    return f"https://www.163.com/dy/article/{docid}.html"


@pytest.fixture
def servers() -> Iterator[tuple[Archive, CdxServer, DataServer]]:
    archive = Archive()
    for i, docid in enumerate(IDS):
        charset = "gbk" if i % 2 else "utf-8"
        archive.add(
            dy(docid),
            article_page(docid, title=f"标题{i}", charset=charset),
            "20250801120000",
            charset=charset,
        )
    with CdxServer(archive, page_size=7) as index, DataServer(archive) as data:
        yield archive, index, data


def args(index: CdxServer, data: DataServer, out: Path, *extra: str) -> list[str]:
    return [
        "commoncrawl", "-o", str(out), "--crawl", CRAWL, "--index-url", index.url, "--data-url", data.url,
        "--delay", "0", "--concurrency", "4", "--per-host", "4", "--retries", "0", "--timeout", "10",
        "--no-progress", *extra,
    ]  # fmt: skip


def docids(out: Path) -> list[str]:
    """Docids of the complete lines of ``out`` (a killed run may leave a partial last one)."""
    if not out.exists():
        return []
    data = out.read_bytes()
    return [json.loads(line)["docid"] for line in data[: data.rfind(b"\n") + 1].splitlines()]


def test_a_run_and_a_rerun_from_the_command_line(
    servers: tuple[Archive, CdxServer, DataServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, index, data = servers
    out = tmp_path / "cc.jsonl"
    assert main(args(index, data, out)) == 0
    err = capsys.readouterr().err
    assert f"listed {N} article(s) from {N} capture(s) on 9 index page(s) of {CRAWL}" in err
    assert f"done {N} (new {N})" in err
    assert sorted(docids(out)) == IDS
    assert main(args(index, data, out)) == 0
    err = capsys.readouterr().err
    assert f"using the capture list of an earlier run: {N} article(s)" in err and "(new 0)" in err
    assert main(args(index, data, out, "--first")) == 2  # another query on this output
    assert "another query" in capsys.readouterr().err


def test_failures_give_exit_1_and_a_failures_file(
    servers: tuple[Archive, CdxServer, DataServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive, index, data = servers
    entry = next(e for e in archive.entries if IDS[5] in e.url)
    data.fault(entry, Short(10))
    out = tmp_path / "cc.jsonl"
    assert main(args(index, data, out, "--limit", "10")) == 1
    assert "failed 1 (bad_range 1)" in capsys.readouterr().err
    failed = [json.loads(line) for line in (tmp_path / "cc.jsonl.failures.jsonl").read_text().splitlines()]
    assert [(f["docid"], f["reason"]) for f in failed] == [(IDS[5], "bad_range")]
    assert main(args(index, data, out, "--limit", "10", "--retry-failed")) == 0


def test_usage_errors_and_files_that_are_not_ours(
    servers: tuple[Archive, CdxServer, DataServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, index, data = servers
    out = tmp_path / "cc.jsonl"
    assert main(["commoncrawl", "-o", str(out)]) == 2
    assert "name a crawl" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["commoncrawl", "-o", str(out), "--crawl", "2025-33"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["commoncrawl", "-o", str(out), "--crawls", "newest"])
    assert main([*args(index, data, out)[:-1], "--index-url", "ftp://x"]) == 2
    plan = tmp_path / "cc.jsonl.captures.jsonl"
    plan.write_text("my own notes\n")
    assert main(args(index, data, out)) == 2
    assert "not a capture list" in capsys.readouterr().err
    assert plan.read_text() == "my own notes\n" and not out.exists()


def test_latest_n_reads_collinfo(servers: tuple[Archive, CdxServer, DataServer], tmp_path: Path) -> None:
    _, index, data = servers
    out = tmp_path / "cc.jsonl"
    cmd = [a for a in args(index, data, out) if a not in ("--crawl", CRAWL)]
    assert main([*cmd, "--crawls", "latest:1", "--limit", "3"]) == 0
    assert len(docids(out)) == 3
    assert [h.path for h in index.hits if h.path == "/collinfo.json"] == ["/collinfo.json"]


# -- SIGKILL -----------------------------------------------------------------------------------------


def kill_when(cmd: list[str], ready: object) -> int:
    """Start ``cmd``; SIGKILL it once ``ready()`` is true; its exit code."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if ready():  # type: ignore[operator]
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.wait(timeout=30)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_while_fetching_then_rerun_writes_each_article_exactly_once(
    servers: tuple[Archive, CdxServer, DataServer], tmp_path: Path
) -> None:
    _, index, data = servers
    data.delay = 0.03  # slow enough to be caught mid-run
    out = tmp_path / "cc.jsonl"
    cmd = [sys.executable, "-m", "scraper", *args(index, data, out)]
    assert kill_when(cmd, lambda: len(docids(out)) >= 15) == -signal.SIGKILL
    written = docids(out)
    assert 15 <= len(written) < N
    listed = len(index.hits)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "using the capture list of an earlier run" in done.stderr
    assert len(index.hits) == listed  # the list survived the kill: the index is not asked again
    final = docids(out)
    assert sorted(final) == IDS and len(final) == len(set(final))
    assert final[: len(written)] == written  # what the killed run committed is kept as it was


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_while_listing_then_rerun_lists_again(
    servers: tuple[Archive, CdxServer, DataServer], tmp_path: Path
) -> None:
    _, index, data = servers
    index.delay = 0.1
    out = tmp_path / "cc.jsonl"
    cmd = [sys.executable, "-m", "scraper", *args(index, data, out)]
    assert kill_when(cmd, lambda: len(index.index_hits()) >= 4) == -signal.SIGKILL
    assert docids(out) == []
    index.delay = 0
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"listed {N} article(s)" in done.stderr
    final = docids(out)
    assert sorted(final) == IDS and len(final) == N


def test_the_progress_bar_path_on_a_terminal(
    servers: tuple[Archive, CdxServer, DataServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, index, data = servers
    out = tmp_path / "cc.jsonl"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the command shows its bar
    with_bar = [a for a in args(index, data, out) if a != "--no-progress"]
    assert main(with_bar) == 0
    err = capsys.readouterr().err
    assert f"listed {N} article(s)" in err and f"done {N} (new {N})" in err
    assert sorted(docids(out)) == IDS
