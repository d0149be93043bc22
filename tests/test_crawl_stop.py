"""A real ``netease-scraper crawl`` process stopped from outside: signals, ``kill -9`` with clean
workers, a full disk. Each time the run must end (never hang), say what happened, and a rerun must
finish the job with each article exactly once."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from httpserver import NeteaseServer

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and tmpfs are POSIX")

N = 60
IDS = [f"KSTOPSTO{i:08d}" for i in range(N)]


def serve(server: NeteaseServer, tmp: Path, *, delay: float = 0.1, padding: int = 0) -> Path:
    for docid in IDS:
        server.add_article(docid, delay=delay, paragraphs=(f"第一段正文 {docid}。" + "文" * padding,))
    urls = tmp / "urls.txt"
    urls.write_text("\n".join(server.url(f"/dy/article/{d}.html") for d in IDS) + "\n")
    return urls


def command(server: NeteaseServer, urls: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "scraper", "crawl", str(urls), "-o", str(out),
        "--allow-host", server.host, "--delay", "0", "--concurrency", "4", "--per-host", "4",
        "--retries", "0", "--timeout", "10", "--ignore-robots", "--no-progress", *extra,
    ]  # fmt: skip


def lines(out: Path) -> list[str]:
    if not out.exists():
        return []
    data = out.read_bytes()
    return [json.loads(line)["docid"] for line in data[: data.rfind(b"\n") + 1].splitlines()]


def wait_for_lines(proc: subprocess.Popen[str], out: Path, n: int) -> None:
    deadline = time.monotonic() + 60
    while len(lines(out)) < n:
        assert proc.poll() is None, "the crawl ended before it could be stopped"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.01)


def finish(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_signal_stops_with_a_summary_and_the_rerun_resumes(
    netease_server: NeteaseServer, tmp_path: Path, signum: int, workers: str
) -> None:
    urls = serve(netease_server, tmp_path)
    out = tmp_path / "out.jsonl"
    cmd = command(netease_server, urls, out, "--clean-workers", workers)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_lines(proc, out, 5)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err  # before: -15 (SIGTERM), no summary
    assert "crawl: done" in err and "pending" in err
    assert "run the same command again to resume" in err
    assert "Traceback" not in err
    written = lines(out)
    assert 5 <= len(written) < N

    final = finish(cmd)
    assert final.returncode == 0, final.stderr
    assert f"resuming {out}: {len(written)} done, 0 failed" in final.stderr
    assert sorted(lines(out)) == IDS


def test_kill_9_with_clean_workers_leaves_no_orphan_and_no_lock(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = serve(netease_server, tmp_path)
    out = tmp_path / "out.jsonl"
    cmd = command(netease_server, urls, out, "--clean-workers", "2", "--warc", str(tmp_path / "raw.warc.gz"))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_lines(proc, out, 5)  # type: ignore[arg-type]
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive  # before: the workers lived on, holding the output's and the WARC's locks

    final = finish(cmd)
    assert final.returncode == 0, final.stderr  # before: "another crawl is writing to ..." (exit 2)
    assert sorted(lines(out)) == IDS


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_stops_the_crawl_with_exit_2_and_the_rerun_finishes(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = serve(netease_server, tmp_path, delay=0.0, padding=1000)  # ~3 KB a record
    with small_tmpfs(tmp_path / "disk", "2m") as disk:
        out = disk / "out.jsonl"
        filler = disk / "filler"
        with open(filler, "wb") as fh:  # leave ~120 KB: room for the state and a few records
            fh.write(b"\0" * (2048 * 1024 - 120 * 1024))
        cmd = command(netease_server, urls, out)
        first = finish(cmd)  # before: hangs for ever (the writer died, the workers wait on it)
        assert first.returncode == 2, first.stderr
        assert "cannot write" in first.stderr and "run the same command again to resume" in first.stderr
        assert "Traceback" not in first.stderr
        before = lines(out)
        assert len(before) < N

        filler.unlink()  # space again
        final = finish(cmd)
        assert final.returncode == 0, final.stderr
        assert sorted(lines(out)) == IDS  # each article exactly once
