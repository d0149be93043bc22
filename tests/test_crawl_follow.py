"""crawl(follow=N) against a loopback web of linked pages: depth, cycles, limits, resume, workers."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from follow_graph import NEW, OLD, docid_at, reachable, serve_graph
from httpserver import NeteaseServer

from scraper.config import FetchOptions
from scraper.crawling import CrawlOptions, crawl
from scraper.crawling.output import failures_path, state_path
from scraper.crawling.state import StateStore
from scraper.errors import StateStoreError

# A..J created in 2024; O1, O2 in 2019 (old by their docid). Cycles: A<->B, B<->E, E->A.
A, B, C, D, E, F, G, H, K, J = (docid_at(NEW, n) for n in range(10))
O1, O2 = docid_at(OLD, 1), docid_at(OLD, 2)
MISSING = docid_at(NEW, 99)  # linked, never served: a 404 follow-up
GRAPH = {
    A: [B, C, D],
    B: [A, E, F],
    C: [E, G, O1],
    D: [H, MISSING],
    E: [B, A, K],
    F: [],
    G: [J],
    H: [],
    K: [],
    J: [],
    O1: [O2],
    O2: [],
}


def options(server: NeteaseServer, **crawl_options: object) -> CrawlOptions:
    fetch = FetchOptions(
        allow_hosts=(server.host,), delay=0.0, per_host=4, concurrency=4, retries=0, timeout=5.0,
        ignore_robots=True,
    )  # fmt: skip
    return CrawlOptions(fetch=fetch, **crawl_options)  # type: ignore[arg-type]


def written(out: Path) -> list[str]:
    return [json.loads(line)["docid"] for line in out.read_text("utf-8").splitlines()]


def seeds(tmp: Path, server: NeteaseServer, *docids: str) -> Path:
    path = tmp / "urls.txt"
    path.write_text("".join(server.url(f"/dy/article/{d}.html") + "\n" for d in docids))
    return path


def page_hits(server: NeteaseServer, docid: str) -> int:
    return server.hits(f"/dy/article/{docid}.html") + server.hits(f"/news/article/{docid}.html")


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (0, {A}),
        (1, {A, B, C, D}),
        (2, {A, B, C, D, E, F, G, O1, H}),
        (3, {A, B, C, D, E, F, G, O1, H, K, J, O2}),
    ],
)
def test_follow_depth_gives_exactly_the_pages_that_many_links_away(
    netease_server: NeteaseServer, tmp_path: Path, depth: int, expected: set[str]
) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    summary = crawl(seeds(tmp_path, netease_server, A), out, options(netease_server, follow=depth))
    assert expected == reachable(GRAPH, [A], depth) - {MISSING}  # the graph is what the test says
    docids = written(out)
    assert sorted(docids) == sorted(expected)  # each once: the cycles queue nothing twice
    assert all(page_hits(netease_server, d) == 1 for d in expected)
    assert netease_server.hits("/news/") == netease_server.hits("/photoview/00AP0001/2301234.html") == 0
    missing_failed = {"http_404": 1} if depth >= 2 else {}
    assert summary.failed == missing_failed
    assert summary.followed == len(expected) - 1 + len(missing_failed)
    assert (summary.line().count("followed"), summary.pending) == (1 if depth else 0, 0)


def test_follow_ups_record_depth_and_parent_in_the_state(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    crawl(seeds(tmp_path, netease_server, A), out, options(netease_server, follow=2))
    with StateStore(state_path(out)) as state:
        assert state.claim(0, 100) == []  # nothing pending
    with contextlib.closing(sqlite3.connect(state_path(out))) as db:
        rows = {
            docid: (depth, parent)
            for docid, depth, parent in db.execute("SELECT docid, depth, parent FROM items")
        }
    assert rows[A] == (0, None)
    assert rows[B] == rows[C] == rows[D] == (1, A)
    assert rows[E][0] == 2 and rows[E][1] in (B, C)  # whichever page was committed first
    assert rows[H] == rows[MISSING] == (2, D)
    records = {json.loads(line)["docid"]: json.loads(line) for line in out.read_text("utf-8").splitlines()}
    assert records[E]["url"] == netease_server.url(f"/dy/article/{E}.html")  # the fetch URL, undecorated
    failure = json.loads(failures_path(out).read_text("utf-8"))
    assert (failure["docid"], failure["reason"]) == (MISSING, "http_404")


def test_links_are_read_in_the_clean_workers_too(netease_server: NeteaseServer, tmp_path: Path) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    crawl(seeds(tmp_path, netease_server, A), out, options(netease_server, follow=3, clean_workers=2))
    assert sorted(written(out)) == sorted(reachable(GRAPH, [A], 3) - {MISSING})


def test_since_skips_follow_ups_whose_docid_is_older(netease_server: NeteaseServer, tmp_path: Path) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    opts = options(netease_server, follow=3, since="2020-01-01")
    summary = crawl(seeds(tmp_path, netease_server, A, O2), out, opts)
    # O1 is linked from C but created in 2019: not fetched, and O2 only because the list names it.
    assert sorted(written(out)) == sorted({A, B, C, D, E, F, G, H, K, J, O2})
    assert page_hits(netease_server, O1) == 0
    assert summary.followed == 9 + 1  # B..J and the missing one


def test_max_pages_caps_the_job_and_a_bigger_cap_carries_on_without_refetching(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    urls = seeds(tmp_path, netease_server, A)
    one_by_one = options(netease_server, follow=3, max_pages=5)
    one_by_one = replace(one_by_one, fetch=replace(one_by_one.fetch, concurrency=1))
    summary = crawl(urls, out, one_by_one)
    # Breadth first, one page at a time: A's three links, then B's first new one.
    assert sorted(written(out)) == sorted({A, B, C, D, E})
    assert (summary.done, summary.followed, summary.pending) == (5, 4, 0)

    again = crawl(urls, out, CrawlOptions(fetch=one_by_one.fetch, follow=3, max_pages=8))
    assert again.done + again.failed_total == 8 and again.new == 3
    assert all(page_hits(netease_server, d) == 1 for d in written(out))  # nothing fetched twice

    last = crawl(urls, out, CrawlOptions(fetch=one_by_one.fetch, follow=3))
    assert sorted(written(out)) == sorted(reachable(GRAPH, [A], 3) - {MISSING})
    assert last.failed == {"http_404": 1}


def test_the_list_is_never_cut_by_max_pages(netease_server: NeteaseServer, tmp_path: Path) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    summary = crawl(
        seeds(tmp_path, netease_server, A, F, H), out, options(netease_server, follow=2, max_pages=2)
    )
    assert sorted(written(out)) == sorted({A, F, H}) and summary.followed == 0


def test_a_rerun_with_a_bigger_depth_follows_on_from_the_old_frontier(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    urls = seeds(tmp_path, netease_server, A)
    crawl(urls, out, options(netease_server, follow=1))
    assert sorted(written(out)) == sorted({A, B, C, D})
    again = crawl(urls, out, options(netease_server, follow=2))
    assert sorted(written(out)) == sorted(reachable(GRAPH, [A], 2) - {MISSING})
    assert again.new == 5  # E F G O1 H, from the links B, C and D kept
    assert all(page_hits(netease_server, d) == 1 for d in written(out))  # B C D not fetched again

    same = crawl(urls, out, options(netease_server, follow=2))  # the same limits: nothing to do
    assert same.new == 0 and page_hits(netease_server, A) == 1


def test_a_plain_crawl_after_a_follow_crawl_fetches_nothing_new(
    netease_server: NeteaseServer, tmp_path: Path
) -> None:
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    urls = seeds(tmp_path, netease_server, A)
    crawl(urls, out, options(netease_server, follow=1))
    hits = len(netease_server.requests())
    summary = crawl(urls, out, options(netease_server))
    assert (summary.new, summary.done, summary.followed) == (0, 4, 3)
    assert len(netease_server.requests()) == hits


@pytest.mark.parametrize(
    "bad",
    [
        {"follow": -1},
        {"follow": 1, "max_pages": 0},
        {"max_pages": 10},
        {"since": "2d"},
        {"follow": 1, "since": "yesterday"},
    ],
)
def test_follow_options_that_make_no_sense_are_refused(tmp_path: Path, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        crawl([], tmp_path / "out.jsonl", CrawlOptions(**bad))  # type: ignore[arg-type]
    assert not (tmp_path / "out.jsonl").exists()


def test_follow_ups_survive_a_stop_between_the_written_line_and_its_commit(
    netease_server: NeteaseServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window a kill can hit: the line is on disk, the state does not say done. The rerun marks
    the page done from the output without fetching it, so its follow-ups must already be queued."""
    serve_graph(netease_server, GRAPH)
    out = tmp_path / "out.jsonl"
    urls = seeds(tmp_path, netease_server, A)
    real_commit = StateStore.commit_batch

    def refuse_commit(self: StateStore, *args: object, **kwargs: object) -> None:
        raise StateStoreError("database or disk is full")

    monkeypatch.setattr(StateStore, "commit_batch", refuse_commit)
    with pytest.raises(StateStoreError, match="cannot write"):
        crawl(urls, out, options(netease_server, follow=1))
    assert written(out) == [A]  # A's line was fsynced, its commit refused
    monkeypatch.setattr(StateStore, "commit_batch", real_commit)

    summary = crawl(urls, out, options(netease_server, follow=1))
    assert sorted(written(out)) == sorted({A, B, C, D})
    assert page_hits(netease_server, A) == 1  # adopted from the output, not fetched again
    assert (summary.done, summary.followed) == (4, 3)
