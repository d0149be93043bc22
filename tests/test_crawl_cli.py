"""``netease-scraper crawl``: exit codes, summary line, stdin input, usage errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from httpserver import NeteaseServer

from scraper.cli import main

IDS = ["KDDDDDDD00000001", "KDDDDDDD00000002"]


def argv(server: NeteaseServer, urls: str, out: Path, *extra: str) -> list[str]:
    base = ["crawl", urls, "-o", str(out), "--allow-host", server.host, "--delay", "0", "--retries", "0"]
    return [*base, "--ignore-robots", *extra]


def test_exit_0_and_a_summary_when_everything_is_written(
    netease_server: NeteaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(netease_server.add_article(d) for d in IDS))
    out = tmp_path / "out.jsonl"
    assert main(argv(netease_server, str(urls), out)) == 0
    err = capsys.readouterr().err
    assert "done 2 (new 2)" in err and "failed 0" in err
    assert len(out.read_text().splitlines()) == 2


def test_exit_1_when_some_failed_and_the_failures_file_is_named(
    netease_server: NeteaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(netease_server.add_article(IDS[0]) + "\nhttps://example.com/x.html\n")
    out = tmp_path / "out.jsonl"
    assert main(argv(netease_server, str(urls), out)) == 1
    err = capsys.readouterr().err
    assert "not_netease 1" in err and "out.jsonl.failures.jsonl" in err
    failure = json.loads((tmp_path / "out.jsonl.failures.jsonl").read_text())
    assert failure["url"] == "https://example.com/x.html" and failure["reason"] == "not_netease"
    # The one failure shape clean writes too; the origin of a crawl failure is its URL line.
    assert set(failure) == {"origin", "url", "docid", "reason", "message", "attempts", "status"}
    assert failure["origin"] == failure["url"] and failure["docid"] is None


def test_urls_from_stdin(
    netease_server: NeteaseServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (netease_server.add_article(IDS[1]) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = tmp_path / "out.jsonl"
    assert main(argv(netease_server, "-", out)) == 0
    assert json.loads(out.read_text())["docid"] == IDS[1]


@pytest.mark.parametrize(
    "extra", [(), ("--concurrency", "0"), ("--timeout", "0")], ids=["missing-list", "concurrency", "timeout"]
)
def test_exit_2_on_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...]
) -> None:
    urls = tmp_path / "urls.txt"
    if extra:
        urls.write_text("https://www.163.com/dy/article/KDDDDDDD00000001.html\n")
    code = main(["crawl", str(urls), "-o", str(tmp_path / "out.jsonl"), *extra])
    assert code == 2
    assert "netease-scraper crawl:" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("out", "extra"),
    [("-", ()), ("missing-dir/out.jsonl", ()), ("out.jsonl", ("--proxy", "notaproxy://x"))],
    ids=["stdout", "no-dir", "bad-proxy"],
)
def test_exit_2_on_an_unusable_output_or_proxy(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    out: str,
    extra: tuple[str, ...],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "urls.txt").write_text("https://www.163.com/dy/article/KDDDDDDD00000001.html\n")
    assert main(["crawl", "urls.txt", "-o", out, *extra]) == 2
    assert "netease-scraper crawl:" in capsys.readouterr().err


@pytest.mark.parametrize("proxy", ["socks5://user:s3cr3t@127.0.0.1:1", "ftp://user:s3cr3t@127.0.0.1:1"])
def test_an_unusable_proxy_is_reported_without_its_password(
    netease_server: NeteaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], proxy: str
) -> None:
    pytest.importorskip("aiohttp")
    urls = tmp_path / "urls.txt"
    urls.write_text(netease_server.add_article(IDS[0]) + "\n")
    assert (
        main(
            argv(netease_server, str(urls), tmp_path / "out.jsonl", "--proxy", proxy, "--transport", "httpx")
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "unusable proxy" in err and "user:***@" in err
    assert "s3cr3t" not in err  # before: printed as given


def test_a_dead_proxy_leaves_no_password_in_the_failures(
    netease_server: NeteaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(netease_server.add_article(IDS[0]) + "\n")
    out = tmp_path / "out.jsonl"
    proxy = "http://user:s3cr3t@127.0.0.1:1"
    assert main(argv(netease_server, str(urls), out, "--proxy", proxy, "--transport", "httpx")) == 1
    assert "s3cr3t" not in capsys.readouterr().err
    assert "s3cr3t" not in (tmp_path / "out.jsonl.failures.jsonl").read_text()
    assert b"s3cr3t" not in (tmp_path / "out.jsonl.state.sqlite").read_bytes()


def test_a_huge_junk_line_is_stored_as_a_bounded_prefix(
    netease_server: NeteaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = tmp_path / "urls.txt"
    junk = "https://www.163.com/dy/article/" + "x" * 5_000_000
    urls.write_text(netease_server.add_article(IDS[0]) + "\n" + junk + "\n")
    out = tmp_path / "out.jsonl"
    assert main(argv(netease_server, str(urls), out)) == 1
    [failure] = [
        json.loads(line) for line in (tmp_path / "out.jsonl.failures.jsonl").read_text().splitlines()
    ]
    assert failure["reason"] == "bad_url"
    assert len(json.dumps(failure)) < 2000  # before: 5 MB (the whole line, twice)
    assert "5000031 characters" in failure["url"]
    assert (tmp_path / "out.jsonl.state.sqlite").stat().st_size < 1_000_000
    assert len(out.read_text().splitlines()) == 1
