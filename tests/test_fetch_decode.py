"""scraper.fetch.decode through a real server: every Content-Encoding decodes under the body cap.

Memory is measured with tracemalloc (allocations, not time): a bomb must never make the fetch hold
much more than the cap, however many layers it stacks.
"""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from typing import Any

import pytest
from httpserver import NeteaseServer, article_page

from scraper.config import FetchOptions
from scraper.errors import BodyTooLarge, FetchError
from scraper.fetch import Backoff, Fetcher, FetchResult
from scraper.fetch.decode import ACCEPT_ENCODING, CappedDecoder

ID = "G33O1QTA05372UZS"
PATH = f"/dy/article/{ID}.html"
CAP = 1 << 20  # 1 MiB body cap in these tests
FAST = Backoff(base=0.01, max=0.05, max_host_delay=0.5)
TRANSPORTS = ("httpx", "aiohttp")


def gzip_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(size // len(block))), packer.flush()])


def fetch(server: NeteaseServer, path: str = PATH, **changes: Any) -> FetchResult:
    opts: dict[str, Any] = {
        "delay": 0.0,
        "timeout": 5.0,
        "retries": 0,
        "ignore_robots": True,
        "allow_hosts": (server.host,),
        "max_body_bytes": CAP,
        **changes,
    }

    async def go() -> FetchResult:
        async with Fetcher(FetchOptions(**opts), backoff=FAST) as fetcher:
            return await fetcher.fetch(server.url(path))

    return asyncio.run(go())


def peak_while(server: NeteaseServer, **changes: Any) -> tuple[int, BaseException | FetchResult]:
    """Peak traced memory (bytes) while fetching PATH, and the result or the error.

    A plain page is fetched first, so that lazy imports (aiohttp) are not counted.
    """
    warm = f"/dy/article/{ID[:-1]}W.html"
    server.add_article(ID[:-1] + "W", path=warm)
    fetch(server, path=warm, **changes)
    tracemalloc.start()
    try:
        outcome: BaseException | FetchResult = fetch(server, **changes)
    except FetchError as exc:
        outcome = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, outcome


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_a_gzip_bomb_stops_at_the_cap_whatever_the_layers(
    netease_server: NeteaseServer, transport: str, layers: int
) -> None:
    body = gzip_zeros(256 << 20)  # 256 MiB of zeros
    for _ in range(layers - 1):
        body = gzip.compress(body, 9)
    netease_server.add(PATH, body=body, headers={"Content-Encoding": ", ".join(["gzip"] * layers)})
    peak, outcome = peak_while(netease_server, transport=transport)
    assert isinstance(outcome, BodyTooLarge)
    assert peak < 3 * CAP  # before: 64 MiB and up (one whole network chunk inflated at once)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("encoding", ["br", "zstd", "deflate"])
def test_other_encodings_stop_at_the_cap_too(
    netease_server: NeteaseServer, transport: str, encoding: str
) -> None:
    zeros = bytes(64 << 20)
    netease_server.add(PATH, body=_compress(encoding, zeros), headers={"Content-Encoding": encoding})
    del zeros
    peak, outcome = peak_while(netease_server, transport=transport)
    assert isinstance(outcome, BodyTooLarge)
    assert peak < 3 * CAP


@pytest.mark.parametrize(
    "encoding",
    ["gzip", "x-gzip", "deflate", "raw-deflate", "br", "zstd", "gzip, gzip", "br, gzip", "identity"],
)
def test_real_pages_decode_in_every_encoding(netease_server: NeteaseServer, encoding: str) -> None:
    page = article_page(ID, padding=300_000)
    body = page
    for name in [n.strip() for n in encoding.split(",")]:
        body = _compress(name, body)
    header = encoding.replace("raw-deflate", "deflate")
    netease_server.add(PATH, body=body, headers={"Content-Encoding": header}, chunked=True)
    assert fetch(netease_server).content == page


def test_a_page_just_under_the_cap_is_kept_whole(netease_server: NeteaseServer) -> None:
    page = article_page(ID, padding=CAP - 2000)
    assert len(page) <= CAP
    netease_server.add(
        PATH, body=gzip.compress(gzip.compress(page)), headers={"Content-Encoding": "gzip, gzip"}
    )
    assert fetch(netease_server).content == page


def test_more_than_three_layers_is_bad_encoding(netease_server: NeteaseServer) -> None:
    body = article_page(ID)
    for _ in range(4):
        body = gzip.compress(body)
    netease_server.add(PATH, body=body, headers={"Content-Encoding": "gzip, gzip, gzip, gzip"})
    with pytest.raises(FetchError) as info:
        fetch(netease_server)
    assert info.value.reason == "bad_encoding"


def test_corrupt_stream_is_bad_encoding(netease_server: NeteaseServer) -> None:
    netease_server.add(PATH, body=b"\x1f\x8b not really gzip", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError) as info:
        fetch(netease_server)
    assert info.value.reason == "bad_encoding"


def test_unknown_encoding_passes_through(netease_server: NeteaseServer) -> None:
    netease_server.add(PATH, body=b"<html>x</html>", headers={"Content-Encoding": "snappy"})
    assert fetch(netease_server).content == b"<html>x</html>"


def test_we_ask_only_for_what_we_decode(netease_server: NeteaseServer) -> None:
    netease_server.add_article(ID)
    fetch(netease_server)
    [hit] = netease_server.requests(PATH)
    assert hit.headers["Accept-Encoding"] == ACCEPT_ENCODING
    assert set(ACCEPT_ENCODING.split(", ")) >= {"gzip", "deflate"}


def test_truncate_keeps_the_first_bytes() -> None:
    decoder = CappedDecoder("gzip", max_bytes=1000, url="u", truncate=True)
    out = b"".join([*decoder.feed(gzip.compress(b"a" * 5000)), *decoder.finish()])
    assert out == b"a" * 1000 and decoder.full


def _compress(name: str, data: bytes) -> bytes:
    if name in ("gzip", "x-gzip"):
        return gzip.compress(data, 9)
    if name == "deflate":
        return zlib.compress(data, 9)
    if name == "raw-deflate":
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()
    if name == "br":
        brotli = pytest.importorskip("brotli")
        return bytes(brotli.compress(data))
    if name == "zstd":
        zstd = pytest.importorskip("backports.zstd")
        return bytes(zstd.compress(data))
    assert name == "identity"
    return data
