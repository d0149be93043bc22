"""Streaming the URL list into the state store and claiming work back in a bounded queue."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from scraper.crawling import schedule
from scraper.crawling.schedule import LineReader, Scheduler, count_lines, parse_line
from scraper.crawling.state import AddResult, Item, StateStore

D1, D2 = "G33O1QTA05372UZS", "F6ISIFBD0001899O"


def test_line_reader_skips_blanks_and_comments_but_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "urls.txt"
    path.write_text("\ufeffa\n\n# note\n  b  \r\nc", encoding="utf-8")
    reader = LineReader(path)
    assert reader.read_batch(2) == [(1, "a"), (4, "b")]
    assert reader.read_batch(10) == [(5, "c")]
    assert reader.exhausted
    assert reader.read_batch(10) == []
    reader.close()
    assert count_lines(path) == 3
    assert count_lines("-") is None
    assert count_lines(["x"]) is None


def test_line_reader_accepts_an_iterable() -> None:
    reader = LineReader(iter(["x", "", "y"]))
    assert reader.read_batch(5) == [(1, "x"), (3, "y")]


def test_parse_line_gives_docid_or_rejection() -> None:
    ok = parse_line(1, f"https://www.163.com/dy/article/{D1}.html?f=post2020", ())
    assert (ok.docid, ok.fetch_url) == (D1, f"https://www.163.com/dy/article/{D1}.html")
    assert parse_line(2, "https://example.com/a.html", ()).reason == "not_netease"
    assert parse_line(3, "no url here", ()).reason == "bad_url"
    mirror = parse_line(4, f"http://127.0.0.1:8000/dy/article/{D2}.html", ("127.0.0.1:8000",))
    assert mirror.docid == D2


def test_scheduler_streams_dedups_and_stays_bounded(tmp_path: Path) -> None:
    lines = []
    for i in range(300):
        docid = f"AAAAAAAA{i:08d}"
        lines.append(f"https://www.163.com/dy/article/{docid}.html")
        lines.append(f"https://m.163.com/news/article/{docid}.html")  # same article again
    lines.append("https://example.com/nope")
    results: list[AddResult] = []

    async def go() -> list[str]:
        queue: asyncio.Queue[Item | None] = asyncio.Queue(maxsize=8)
        with StateStore(tmp_path / "s.sqlite") as state:
            sched = Scheduler(state, LineReader(lines), queue, batch_size=50, on_added=results.append)
            task = asyncio.create_task(sched.run(workers=2))
            got: list[str] = []
            ends = 0
            max_size = 0
            while ends < 2:
                max_size = max(max_size, queue.qsize())
                item = await queue.get()
                if item is None:
                    ends += 1
                else:
                    got.append(item.docid)
            await task
            assert max_size <= 8
            return got

    got = asyncio.run(go())
    assert len(got) == 300 == len(set(got))
    assert got[0] == "AAAAAAAA00000000" and got[-1] == "AAAAAAAA00000299"  # input order kept
    assert sum(r.duplicates for r in results) == 300
    assert [f.reason for r in results for f in r.rejected] == ["not_netease"]


def test_scheduler_serves_earlier_pending_rows_before_reading_on(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first = [f"https://www.163.com/dy/article/{D1}.html"]
    with StateStore(path) as state:
        state.add([parse_line(1, first[0], ())], last_lineno=1)

    async def go() -> list[str]:
        queue: asyncio.Queue[Item | None] = asyncio.Queue()
        with StateStore(path) as state:
            reader = LineReader([*first, f"https://www.163.com/news/article/{D2}.html"])
            await Scheduler(state, reader, queue).run(workers=1)
        out = []
        while (item := queue.get_nowait()) is not None:
            out.append(item.docid)
        return out

    assert asyncio.run(go()) == [D1, D2]


def test_skip_verified_skips_the_same_prefix_and_rewinds_an_edited_file(tmp_path: Path) -> None:
    path = tmp_path / "urls.txt"
    path.write_text("a\nb\n\nc\nd\n")
    first = LineReader(path)
    first.read_batch(3)  # a, b, c: lines 1-4
    lines, digest = first.lineno, first.digest
    first.close()

    same = LineReader(path)
    assert same.skip_verified(lines, digest)
    assert same.read_batch(10) == [(5, "d")]
    path.write_text("a\nB\n\nc\nd\n")  # edited inside the part already read
    edited = LineReader(path)
    assert not edited.skip_verified(lines, digest)
    assert edited.read_batch(2) == [(1, "a"), (2, "B")]
    assert not LineReader(iter(["a", "b"])).skip_verified(2, digest)  # only files are skipped


def test_rerun_over_a_longer_list_reads_only_the_new_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, db = tmp_path / "urls.txt", tmp_path / "s.sqlite"
    urls = [f"https://www.163.com/dy/article/AAAAAAAA{i:08d}.html" for i in range(600)]
    path.write_text("\n".join(urls[:300]) + "\n")

    async def feed() -> None:
        queue: asyncio.Queue[Item | None] = asyncio.Queue()
        with StateStore(db) as state:
            await Scheduler(state, LineReader(path), queue, batch_size=100).run(workers=1)
            state.commit_batch([(d, 1, 200) for d in _drain(queue)], [])

    asyncio.run(feed())
    path.write_text("\n".join(urls) + "\n")  # the user appended 300 URLs
    parsed: list[int] = []
    real = schedule.parse_line
    monkeypatch.setattr(schedule, "parse_line", lambda n, t, h: parsed.append(n) or real(n, t, h))

    async def second() -> list[str]:
        queue: asyncio.Queue[Item | None] = asyncio.Queue()
        with StateStore(db) as state:
            await Scheduler(state, LineReader(path), queue, batch_size=100).run(workers=1)
        return _drain(queue)

    new = asyncio.run(second())
    assert new == [f"AAAAAAAA{i:08d}" for i in range(300, 600)]
    assert parsed == list(range(301, 601))  # the first 300 lines were hashed, not parsed


def _drain(queue: asyncio.Queue[Item | None]) -> list[str]:
    out = []
    while (item := queue.get_nowait()) is not None:
        out.append(item.docid)
    return out
