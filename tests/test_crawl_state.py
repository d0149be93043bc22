"""StateStore and the output-file helpers: de-dup, claims, commits, start-up reconciliation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.crawling.output import JsonlOutput, RunLock, scan_output, truncate_partial
from scraper.crawling.state import Failure, NewItem, StateStore
from scraper.errors import StateStoreError
from scraper.jsonl import line_bytes as dumps

D1, D2, D3 = "AAAAAAAA00000001", "AAAAAAAA00000002", "AAAAAAAA00000003"


def art(lineno: int, docid: str, url: str | None = None) -> NewItem:
    url = url or f"https://www.163.com/dy/article/{docid}.html"
    return NewItem(lineno, url, docid=docid, fetch_url=url)


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    s = StateStore(tmp_path / "out.jsonl.state.sqlite")
    yield s
    s.close()


def test_add_dedups_by_docid_and_counts_duplicates(store: StateStore) -> None:
    res = store.add(
        [art(1, D1), art(2, D2), art(3, D1, "http://m.163.com/news/article/" + D1 + ".html")], last_lineno=3
    )
    assert (res.added, res.duplicates) == (2, 1)
    assert [i.docid for i in store.claim(0, 10)] == [D1, D2]
    assert store.claim(0, 10)[0].url.startswith("https://www.163.com")  # first occurrence kept
    assert store.duplicates == 1


def test_rereading_the_same_lines_is_not_counted_as_duplicates(store: StateStore) -> None:
    store.add([art(1, D1), art(2, D2)], last_lineno=2)
    res = store.add([art(1, D1), art(2, D2)], last_lineno=2)  # a rerun reads the list again
    assert (res.added, res.duplicates) == (0, 0)
    res = store.add([art(3, D1)], last_lineno=3)  # but a new line repeating a docid is one
    assert res.duplicates == 1
    assert store.duplicates == 1


def test_rejected_lines_are_failures_recorded_once(store: StateStore) -> None:
    bad = NewItem(1, "https://example.com/x", reason="not_netease", error="not a NetEase URL")
    res = store.add([bad, bad], last_lineno=2)
    assert [f.reason for f in res.rejected] == ["not_netease"]
    assert res.duplicates == 1
    assert store.counts() == (0, 0, {"not_netease": 1})
    assert store.claim(0, 10) == []  # never handed out for fetching


def test_claim_walks_forward_and_skips_done_and_failed(store: StateStore) -> None:
    store.add([art(1, D1), art(2, D2), art(3, D3)], last_lineno=3)
    first = store.claim(0, 1)
    assert [i.docid for i in first] == [D1]
    assert [i.docid for i in store.claim(first[-1].seq, 10)] == [D2, D3]
    store.commit_batch([(D1, 1, 200)], [(D2, Failure("u", D2, "http_404", 1, 404))], output_bytes=10)
    assert [i.docid for i in store.claim(0, 10)] == [D3]
    assert store.counts() == (1, 1, {"http_404": 1})
    assert store.output_bytes == 10


def test_attempts_accumulate_over_runs_and_retry_failed_requeues(store: StateStore) -> None:
    store.add([art(1, D1), NewItem(2, "junk", reason="bad_url")], last_lineno=2)
    store.commit_batch((), [(D1, Failure("u", D1, "timeout", 4, None, "read timed out"))])
    assert store.requeue_failed() == 1
    assert [i.attempts for i in store.claim(0, 10)] == [4]
    assert store.counts() == (0, 1, {})  # the rejected line is forgotten, to be re-read
    store.commit_batch((), [(D1, Failure("u", D1, "timeout", 4, None))])
    assert [f.attempts for f in store.iter_failures()] == [8]


def test_adopt_tail_marks_written_lines_done_even_if_unknown(store: StateStore) -> None:
    store.add([art(1, D1), art(2, D2)], last_lineno=2)
    marked, requeued = store.adopt_output([(D1, "u1"), (D3, "u3")], output_bytes=50)
    assert (marked, requeued) == (2, 0)
    assert [i.docid for i in store.claim(0, 10)] == [D2]
    assert store.output_bytes == 50
    # D3 was not in the state (deleted state file): reading it from the list later is no new article
    assert store.add([art(3, D3)], last_lineno=3).added == 0


def test_adopt_full_requeues_done_rows_missing_from_the_file(store: StateStore) -> None:
    store.add([art(1, D1), art(2, D2), art(3, D3)], last_lineno=3)
    store.commit_batch([(D1, 1, 200), (D2, 1, 200)], [], output_bytes=100)
    marked, requeued = store.adopt_output([(D2, "u2")], output_bytes=40, full=True)
    assert (marked, requeued) == (0, 1)
    assert [i.docid for i in store.claim(0, 10)] == [D1, D3]
    assert store.counts()[0] == 1


def test_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with StateStore(path) as s:
        s.add([art(1, D1)], last_lineno=1)
        s.commit_batch([(D1, 2, 200)], [], output_bytes=7)
    with StateStore(path) as s:
        assert s.counts() == (1, 0, {})
        assert s.output_bytes == 7


def test_a_file_that_is_not_a_database_is_a_state_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StateStoreError):
        StateStore(path)


def test_truncate_partial_cuts_only_an_unfinished_last_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    good = dumps({"docid": D1, "text": "x" * 100_000}) + dumps({"docid": D2, "url": "u2"})
    out.write_bytes(good + b'{"docid": "AAAAAAAA000' + b"y" * 70_000)
    assert truncate_partial(out) == len(good)
    assert out.read_bytes() == good
    assert truncate_partial(out) == len(good)  # idempotent
    out.write_bytes(b'{"docid": "no newline at all"')
    assert truncate_partial(out) == 0
    assert truncate_partial(tmp_path / "missing.jsonl") == 0


def test_scan_output_reads_docids_from_an_offset(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    good = dumps({"docid": D1, "url": "u1"}) + b"not json\n" + dumps({"docid": D2, "url": "u2"})
    out.write_bytes(good)
    assert list(scan_output(out, 0)) == [(D1, "u1"), (D2, "u2")]
    start = len(dumps({"docid": D1, "url": "u1"}))
    assert list(scan_output(out, start)) == [(D2, "u2")]
    assert list(scan_output(tmp_path / "missing.jsonl", 0)) == []


def test_jsonl_output_appends_and_reports_size(tmp_path: Path) -> None:
    out = JsonlOutput(tmp_path / "o.jsonl")
    size = out.append([dumps({"docid": D1, "text": "中文"})])
    out.close()
    data = (tmp_path / "o.jsonl").read_bytes()
    assert size == len(data)
    assert json.loads(data)["text"] == "中文"


def test_run_lock_is_exclusive(tmp_path: Path) -> None:
    first, second = RunLock(tmp_path / "o.jsonl"), RunLock(tmp_path / "o.jsonl")
    first.acquire()
    with pytest.raises(StateStoreError):
        second.acquire()
    first.release()
    second.acquire()
    second.release()
