"""Peak RSS of a real ``netease-scraper crawl`` process fed a decompression bomb.

    python bench/bomb_rss.py                   # gzip-gzip and single-gzip bombs, 1 GiB each once inflated
    python bench/bomb_rss.py --gib 4 --transport httpx

A loopback server (tests/httpserver.py) answers one article URL with a body of zeros compressed as
``Content-Encoding: gzip, gzip`` (two layers) or ``gzip`` (one layer). The crawl runs in a child
process; its peak RSS comes from ``wait4`` (the kernel's high-water mark, nothing sampled). A plain
page is crawled too, as the baseline of an interpreter with everything imported.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from httpserver import NeteaseServer  # noqa: E402

DOCID = "KBOMBBOMB0000001"


def gzip_zeros(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed, without holding them in memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = []
    for _ in range(size // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    return b"".join(parts)


def peak_rss_mib(server: NeteaseServer, url: str, transport: str) -> tuple[float, int, str]:
    """Run a crawl of ``url``; its peak RSS (MiB), exit code and last stderr line."""
    with tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.txt"
        urls.write_text(url + "\n")
        cmd = [
            sys.executable, "-m", "scraper", "crawl", str(urls), "-o", str(Path(tmp) / "out.jsonl"),
            "--allow-host", server.host, "--delay", "0", "--retries", "0", "--ignore-robots",
            "--no-progress", "--transport", transport,
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, cwd=ROOT)
        assert proc.stderr is not None
        err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        return usage.ru_maxrss / 1024, proc.returncode, (err[-1] if err else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0, help="inflated size of each bomb, GiB")
    parser.add_argument("--transport", default="auto", choices=("auto", "httpx", "aiohttp"))
    args = parser.parse_args()
    size = int(args.gib * (1 << 30))
    one = gzip_zeros(size)
    two = gzip.compress(one, 9)
    with NeteaseServer() as server:
        # Article URLs need a NetEase article path.
        two_url = server.add(
            f"/dy/article/{DOCID[:-1]}2.html", body=two, headers={"Content-Encoding": "gzip, gzip"}
        )
        one_url = server.add(
            f"/dy/article/{DOCID[:-1]}3.html", body=one, headers={"Content-Encoding": "gzip"}
        )
        cases = {"plain page": server.add_article(DOCID), "gzip, gzip": two_url, "gzip": one_url}
        sizes = {"plain page": None, "gzip, gzip": len(two), "gzip": len(one)}
        for name, url in cases.items():
            rss, code, last = peak_rss_mib(server, url, args.transport)
            body = f"{sizes[name]:,} B on the wire" if sizes[name] else "normal page"
            print(f"{name:12} ({body}, {args.gib:g} GiB inflated): peak RSS {rss:7.1f} MiB, exit {code}")
            print(f"{'':14}{last}")


if __name__ == "__main__":
    main()
