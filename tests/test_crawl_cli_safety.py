"""``netease-scraper crawl`` never clobbers a file: locks, foreign outputs, bad options (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from httpserver import NeteaseServer

from scraper.cli import build_parser, main
from scraper.crawling.state import StateStore

ROOT = Path(__file__).resolve().parents[1]
IDS = ["KEEEEEEE00000001", "KEEEEEEE00000002"]


def crawl_cli(
    server: NeteaseServer, urls: Path | str, out: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable, "-m", "scraper", "crawl", str(urls), "-o", str(out), "--allow-host", server.host,
        "--delay", "0", "--retries", "0", "--ignore-robots", "--no-progress", *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)


def url_list(server: NeteaseServer, path: Path) -> Path:
    path.write_text("".join(server.add_article(d) + "\n" for d in IDS))
    return path


def test_a_second_crawl_on_the_same_state_is_refused(netease_server: NeteaseServer, tmp_path: Path) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    state = tmp_path / "shared.sqlite"
    with StateStore(state):  # what a running crawl holds open
        done = crawl_cli(netease_server, urls, tmp_path / "other.jsonl", "--state", str(state))
    assert done.returncode == 2, done.stderr
    assert "another crawl is using the state" in done.stderr
    assert all(netease_server.hits(f"/dy/article/{d}.html") == 0 for d in IDS)


# -- files the crawl must not touch ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"line one\nline two", b'[\n{"docid": "KEEEEEEE00000001"}\n]', b'{"a": 1}', b"\x89PNG\r\n\x1a\n"],
    ids=["text", "json-array", "one-json-object", "binary"],
)
def test_an_existing_file_that_is_not_a_crawl_output_is_refused(
    netease_server: NeteaseServer, tmp_path: Path, content: bytes
) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    out = tmp_path / "mine.txt"
    out.write_bytes(content)
    done = crawl_cli(netease_server, urls, out)
    assert done.returncode == 2, done.stderr
    assert "is not a crawl output of netease-scraper" in done.stderr
    assert out.read_bytes() == content
    assert not (tmp_path / "mine.txt.state.sqlite").exists()


def test_the_url_list_as_output_is_refused(netease_server: NeteaseServer, tmp_path: Path) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    before = urls.read_bytes()
    done = crawl_cli(netease_server, urls, urls)
    assert done.returncode == 2 and urls.read_bytes() == before


def test_a_state_in_a_missing_folder_is_refused_before_the_output_is_created(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    out = tmp_path / "out.jsonl"
    done = crawl_cli(netease_server, urls, out, "--state", str(tmp_path / "no" / "s.sqlite"))
    assert done.returncode == 2 and "no such directory for the state" in done.stderr
    assert not out.exists()


def test_the_state_as_output_is_refused(netease_server: NeteaseServer, tmp_path: Path) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    out = tmp_path / "out.jsonl"
    done = crawl_cli(netease_server, urls, out, "--state", str(out))
    assert done.returncode == 2 and "the same file" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("kind", ["notes", "folder"])
def test_a_failures_file_the_crawl_did_not_write_is_refused(
    netease_server: NeteaseServer, tmp_path: Path, kind: str
) -> None:
    urls = url_list(netease_server, tmp_path / "urls.txt")
    out = tmp_path / "out.jsonl"
    failures = tmp_path / "out.jsonl.failures.jsonl"
    if kind == "notes":
        failures.write_text("my notes\n")
    else:
        failures.mkdir()
    done = crawl_cli(netease_server, urls, out)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert failures.is_dir() if kind == "folder" else failures.read_text() == "my notes\n"
    assert not out.exists() and all(netease_server.hits(f"/dy/article/{d}.html") == 0 for d in IDS)


def test_its_own_output_and_failures_are_resumed(netease_server: NeteaseServer, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(netease_server.add_article(IDS[0]) + "\nhttps://example.com/x.html\n")
    out = tmp_path / "out.jsonl"
    assert crawl_cli(netease_server, urls, out).returncode == 1
    assert (tmp_path / "out.jsonl.failures.jsonl").exists()
    again = crawl_cli(netease_server, urls, out)
    assert again.returncode == 1, again.stderr
    assert "counts are for the whole job, earlier runs on this output included" in again.stderr
    assert "this run wrote 0 new article(s)" in again.stderr
    assert len(out.read_text().splitlines()) == 1


# -- options -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "http://127.0.0.1:8080",
        "127.0.0.1:8080/x",
        "",
        "mirror:0",
        "mirror:99999",
        "a b",
        "mirror:²",
        "[::1",
        "u@h",
    ],
)
def test_a_bad_allow_host_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    (tmp_path / "urls.txt").write_text("https://example.com/x.html\n")  # never fetched, whatever happens
    with pytest.raises(SystemExit) as exc:
        main(["crawl", str(tmp_path / "urls.txt"), "-o", str(tmp_path / "out.jsonl"), "--allow-host", host])
    assert exc.value.code == 2
    assert "--allow-host" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "Mirror.Example.org", "[::1]:8080", "localhost"])
def test_good_allow_hosts_are_accepted(host: str) -> None:
    args = build_parser().parse_args(["crawl", "urls.txt", "-o", "out.jsonl", "--allow-host", host])
    assert args.allow_host == [host.lower().replace("[", "").replace("]", "")]


@pytest.mark.parametrize("agent", ["", "   ", "bot\r\nX-Evil: 1"])
def test_an_empty_or_multi_line_user_agent_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], agent: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["crawl", "urls.txt", "-o", str(tmp_path / "out.jsonl"), "--user-agent", agent])
    assert exc.value.code == 2
    assert "User-Agent" in capsys.readouterr().err


# -- what a run says -------------------------------------------------------------------------------


def test_an_empty_url_list_crawls_nothing_and_says_so(netease_server: NeteaseServer, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("# nothing yet\n\n")
    done = crawl_cli(netease_server, urls, tmp_path / "out.jsonl")
    assert done.returncode == 1, done.stderr
    assert "nothing crawled: the URL list holds no URL" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_url_list_is_read_once(netease_server: NeteaseServer, tmp_path: Path) -> None:
    fifo = tmp_path / "urls.fifo"
    os.mkfifo(fifo)
    lines = "".join(netease_server.add_article(d) + "\n" for d in IDS).encode()

    def feed() -> None:
        with open(fifo, "wb") as fh:
            fh.write(lines)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        done = crawl_cli(netease_server, fifo, tmp_path / "out.jsonl")
    finally:
        if writer.is_alive():  # the run never opened the pipe: let the writer go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(timeout=10)
    assert done.returncode == 0, done.stderr
    docids = [json.loads(x)["docid"] for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sorted(docids) == IDS
