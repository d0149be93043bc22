"""The datatrove reader (scraper/datatrove_step.py): the same articles as ``netease-scraper clean``.

Four small WARCs are generated here from the fixture pages and synthetic ones (GBK and UTF-8, with
and without an HTTP charset, plain and gzip), with records to skip (requests, other hosts, a 404,
an image) and records that fail (a channel page, a corrupt gzip member, a file cut short). A
LocalPipelineExecutor with ``tasks=4, workers=2`` must write exactly what a serial ``clean`` of the
same files gives, count the same skips and failures, and, after one completion marker is
deleted, run that task alone again.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("orjson")  # datatrove's JsonlWriter

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.writers import JsonlWriter
from test_cli_clean import summary
from test_warc_read import Rec, netease_page, write_warc

from scraper.cli import main
from scraper.datatrove_step import NeteaseWarcReader

ALL_IDS = 15  # articles in the four WARCs of build_warcs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOT_NETEASE = b"<html><head><title>x</title></head><body><p>elsewhere</p></body></html>"


def fixture(rel: str, charset: str | None) -> Rec:
    """A response record for a fixture page, at the URL its expectation names."""
    page = FIXTURES / rel
    url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["url"]
    return Rec(
        uri=url,
        body=page.read_bytes(),
        content_type="text/html" + (f"; charset={charset}" if charset else ""),
    )


def synthetic(n: int, charset: str, *, label: str | None) -> Rec:
    """A small article page numbered ``n`` in ``charset``; ``label`` is the HTTP charset (None: absent)."""
    docid = f"DTRV{n:04d}00018990"
    body = netease_page(f"第{n}篇测试文章", docid, charset=charset)
    content_type = "text/html" + (f"; charset={label}" if label else "")
    return Rec(uri=f"https://www.163.com/news/article/{docid}.html", body=body, content_type=content_type)


def request(uri: str) -> Rec:
    return Rec(uri=uri, rec_type="request", content_type=None)


def build_warcs(folder: Path) -> None:
    """Four WARCs: two GBK, two UTF-8; each with skips, three with a failure."""
    folder.mkdir()
    gbk = "https://money.163.com/15/0612/08/ART6D6U000253B0H.html"
    write_warc(
        folder / "a-gbk.warc.gz",
        [
            request(gbk),
            fixture("pc-legacy/ep-money.html", "gb2312"),
            fixture("dy-v2/wemedia-v2.html", "GBK"),
            *(synthetic(n, "gbk", label="gbk") for n in range(1, 4)),
            Rec(uri="https://www.163.com/news/article/GONE000000018990.html", status="404 Not Found"),
        ],
    )
    write_warc(  # plain WARC, pages with no HTTP charset: decoded from their <meta>
        folder / "b-gbk.warc",
        [
            *(synthetic(n, "gbk", label=None) for n in range(4, 7)),
            fixture("nasty/netease-channel.html", "utf-8"),  # not_an_article
            Rec(uri="https://example.com/page.html", body=NOT_NETEASE),
        ],
        gz=False,
    )
    c = folder / "c-utf8.warc.gz"
    offsets = write_warc(
        c,
        [
            fixture("pc-2014/news-society.html", None),
            fixture("pc-2021/dy-wemedia.html", "utf-8"),
            synthetic(7, "utf-8", label="utf-8"),  # its gzip member is corrupted below: bad_gzip
            fixture("pc-2021/news-tech.html", "UTF-8"),
            Rec(uri="https://www.163.com/logo.png", body=b"\x89PNG\r\n", content_type="image/png"),
        ],
    )
    data = bytearray(c.read_bytes())
    for k in range(offsets[2] + 30, offsets[2] + 60):
        data[k] ^= 0x5A
    c.write_bytes(bytes(data))
    d = folder / "d-utf8.warc.gz"
    write_warc(
        d,
        [
            fixture("mobile/news-m163.html", "utf-8"),
            *(synthetic(n, "utf-8", label="utf-8") for n in range(8, 11)),
            synthetic(11, "utf-8", label="utf-8"),  # cut short below: truncated
        ],
    )
    d.write_bytes(d.read_bytes()[:-200])


def cli_clean(
    warcs: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Articles and summary of a serial ``netease-scraper clean`` of the WARCs."""
    code = main(["clean", *(str(p) for p in sorted(warcs.iterdir())), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err  # some records fail, on purpose
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], summary(err)


def pipeline_run(warcs: Path, out: Path, logs: Path) -> None:
    LocalPipelineExecutor(
        pipeline=[NeteaseWarcReader(str(warcs)), JsonlWriter(str(out), compression=None)],
        tasks=4,
        workers=2,
        logging_dir=str(logs),
    ).run()


def documents(out: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text("utf-8").splitlines()
    ]


def reader_stats(stats_file: Path) -> dict[str, int]:
    (reader,) = [s for s in json.loads(stats_file.read_text()) if "NetEase" in s["name"]]
    return {k: v["total"] if isinstance(v, dict) else v for k, v in reader["stats"].items()}


def test_pipeline_equals_cli_and_reruns_only_a_deleted_task(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warcs, out, logs = tmp_path / "warcs", tmp_path / "out", tmp_path / "logs"
    build_warcs(warcs)
    expected, cli = cli_clean(warcs, tmp_path / "cli.jsonl", capsys)
    assert cli["cleaned"] == ALL_IDS and cli["reasons"] == {
        "not_an_article": 1,
        "bad_gzip": 1,
        "truncated": 1,
    }

    pipeline_run(warcs, out, logs)
    docs = documents(out)
    got = {doc["id"]: doc for doc in docs}
    assert len(docs) == len(got) == len(expected) == ALL_IDS
    for article in expected:  # field by field: text is the body, id the docid, the rest metadata
        doc = got[article["docid"]]
        assert doc["text"] == article["text"]
        meta = dict(doc["metadata"])
        file_path, offset = meta.pop("file_path"), meta.pop("warc_offset")
        assert meta == {k: v for k, v in article.items() if k not in ("text", "docid")}
        assert Path(file_path).parent == warcs and isinstance(offset, int)
    assert {d["metadata"]["file_path"] for d in got.values()} == {str(p) for p in warcs.iterdir()}

    stats = reader_stats(logs / "stats.json")
    assert stats["documents"] == ALL_IDS and stats["input_files"] == 4
    assert stats["failed"] == cli["failed"] == 3
    assert {k[len("failed_") :]: v for k, v in stats.items() if k.startswith("failed_")} == cli["reasons"]
    assert {k[len("skipped_") :]: v for k, v in stats.items() if k.startswith("skipped_")} == cli["skips"]

    # Task 2 read c-utf8.warc.gz (files are dealt out in sorted order). Forget it ran, run again.
    per_task = {f.name: f.read_bytes() for f in out.glob("*.jsonl")}
    for log in (logs / "logs").glob("task_*.log"):
        log.unlink()
    (logs / "completions" / "00002").unlink()
    pipeline_run(warcs, out, logs)
    assert sorted(p.name for p in (logs / "logs").glob("task_*.log")) == ["task_00002.log"]
    assert sorted(p.name for p in (logs / "completions").iterdir()) == ["00000", "00001", "00002", "00003"]
    assert {f.name: f.read_bytes() for f in out.glob("*.jsonl")} == per_task
    ids = Counter(doc["id"] for doc in documents(out))
    assert sum(ids.values()) == ALL_IDS and max(ids.values()) == 1
    assert reader_stats(logs / "stats.json")["input_files"] == 1  # the rerun's own figures


# -- the reader alone, in this process ---------------------------------------------------------


@pytest.fixture(scope="module")
def warcs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dt") / "warcs"
    build_warcs(folder)
    return folder


def read(reader: NeteaseWarcReader, rank: int = 0, world_size: int = 1) -> list[str]:
    return [doc.id for doc in reader.run(rank=rank, world_size=world_size)]


def counts(reader: NeteaseWarcReader) -> dict[str, int]:
    return {k: int(v.total) for k, v in reader.stats.stats.items()}


def test_tasks_share_the_files_and_limit_skip_count_documents(warcs: Path) -> None:
    everything = read(NeteaseWarcReader(str(warcs)))
    assert len(everything) == len(set(everything)) == ALL_IDS
    shards = [read(NeteaseWarcReader(str(warcs)), rank, 3) for rank in range(3)]
    assert sorted(i for shard in shards for i in shard) == sorted(everything) and all(shards)
    assert read(NeteaseWarcReader(str(warcs), limit=4)) == everything[:4]
    assert read(NeteaseWarcReader(str(warcs), skip=6)) == everything[6:]


def test_any_fsspec_filesystem_and_glob(warcs: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for f in warcs.iterdir():
        memory.pipe(f"/dt-test/{f.name}", f.read_bytes())
    try:
        reader = NeteaseWarcReader("memory://dt-test", glob_pattern="*.warc.gz")
        ids = read(reader)
        local = NeteaseWarcReader(str(warcs), glob_pattern="*.warc.gz")
        assert ids == read(local) and len(ids) == ALL_IDS - 3  # b-gbk.warc is not *.warc.gz
        assert counts(reader)["failed_bad_gzip"] == counts(reader)["failed_truncated"] == 1
    finally:
        memory.rm("/dt-test", recursive=True)


def test_a_missing_file_and_a_crash_on_one_page_are_counted_not_raised(
    warcs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scraper.clean_saved

    real = scraper.clean_saved.clean_html

    def crash_on_eighth(html: bytes, url: str | None = None, *, charset: str | None = None) -> Any:
        if url and "DTRV0008" in url:
            raise RuntimeError("boom")
        return real(html, url, charset=charset)

    monkeypatch.setattr(scraper.clean_saved, "clean_html", crash_on_eighth)
    listing = tmp_path / "paths.txt"
    listing.write_text("gone.warc.gz\nd-utf8.warc.gz\n")
    reader = NeteaseWarcReader(str(warcs), paths_file=str(listing))
    ids = read(reader)
    assert len(ids) == 3 and not any("DTRV0008" in i for i in ids)  # mobile, 9 and 10
    stats = counts(reader)
    assert (stats["failed_read_error"], stats["failed_internal_error"], stats["failed_truncated"]) == (
        1,
        1,
        1,
    )
    assert stats["failed"] == 3 and stats["input_files"] == 2


def test_a_page_without_docid_is_named_by_file_and_offset(tmp_path: Path) -> None:
    page = re.sub(rb"<link rel=\"canonical\"[^>]*>", b"", netease_page("无编号"))
    folder = tmp_path / "w"
    folder.mkdir()
    offsets = write_warc(
        folder / "x.warc.gz",
        [
            request("https://www.163.com/special/x.html"),
            Rec(uri="https://www.163.com/special/x.html", body=page),
        ],
    )
    (doc,) = NeteaseWarcReader(str(folder)).run()
    assert doc.id == f"x.warc.gz/{offsets[1]}" and doc.metadata["warc_offset"] == offsets[1]
    assert doc.metadata["title"] == "无编号" and "docid" not in doc.metadata


def test_the_step_pickles_as_executors_send_it(warcs: Path) -> None:
    dill = pytest.importorskip("dill")
    reader = dill.loads(dill.dumps(NeteaseWarcReader(str(warcs), limit=2)))
    assert len(read(reader)) == 2
