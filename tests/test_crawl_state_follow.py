"""StateStore follow-ups: depth and parent, exactly once by docid, the cap, kept links, old files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.crawling.follow import FollowPolicy
from scraper.crawling.state import FollowUps, NewItem, StateStore

P, Q, R, S, T = (f"BBBBBBBB0000000{i}" for i in range(1, 6))


def url(docid: str) -> str:
    return f"https://www.163.com/dy/article/{docid}.html"


def link(docid: str) -> tuple[str, str]:
    return docid, url(docid)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    s = StateStore(tmp_path / "s.sqlite")
    s.add([NewItem(1, url(P), docid=P, fetch_url=url(P))], last_lineno=1)
    yield s
    s.close()


def rows(path: Path) -> dict[str, tuple[int, str | None, str]]:
    with sqlite3.connect(path) as db:
        return {d: (depth, parent, status) for d, depth, parent, status in db.execute(
            "SELECT docid, depth, parent, status FROM items")}  # fmt: skip


def test_follow_ups_are_queued_once_with_depth_and_parent(store: StateStore) -> None:
    assert store.add_follow_ups([FollowUps(P, 0, follow=(link(Q), link(R), link(P)))]) == 2
    assert store.add_follow_ups([FollowUps(Q, 1, follow=(link(R), link(S)))]) == 1  # R known already
    assert [(i.docid, i.depth) for i in store.claim(0, 10)] == [(P, 0), (Q, 1), (R, 1), (S, 2)]
    assert rows(store.path)[S][:2] == (2, Q)
    assert store.followed() == 3


def test_the_cap_counts_every_article_and_keeps_what_it_stops(store: StateStore) -> None:
    assert store.add_follow_ups([FollowUps(P, 0, follow=(link(Q), link(R), link(S)))], max_articles=3) == 2
    assert store.add_follow_ups([FollowUps(Q, 1, follow=(link(T),))], max_articles=3) == 0
    # S (over the cap on P) and T (on Q) were kept: a bigger cap queues them, depth from their page.
    keep_all = FollowPolicy(depth=5).wanted
    assert store.release_withheld(below_depth=5, keep=keep_all, max_articles=4) == 1
    assert store.release_withheld(below_depth=5, keep=keep_all) == 1
    assert {d: r[:2] for d, r in rows(store.path).items()} == {
        P: (0, None),
        Q: (1, P),
        R: (1, P),
        S: (1, P),
        T: (2, Q),
    }
    assert store.release_withheld(below_depth=5, keep=keep_all) == 0  # nothing kept any more


def test_held_links_wait_for_a_deeper_run_and_known_ones_are_not_kept(store: StateStore) -> None:
    store.add_follow_ups([FollowUps(P, 0, follow=(link(Q),))])
    store.add_follow_ups([FollowUps(Q, 1, hold=(link(P), link(R)))])  # P is known: only R is kept
    assert store.release_withheld(below_depth=1, keep=lambda d: True) == 0  # Q is at depth 1
    assert store.release_withheld(below_depth=2, keep=lambda d: d != R) == 0  # still unwanted
    assert store.release_withheld(below_depth=2, keep=lambda d: True) == 1
    assert rows(store.path)[R][:2] == (2, Q)


V1_SCHEMA = """
CREATE TABLE items (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, docid TEXT, url TEXT NOT NULL,
    fetch_url TEXT, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, reason TEXT,
    http_status INTEGER, last_error TEXT, updated_at REAL);
CREATE INDEX items_status_seq ON items (status, seq);
CREATE TABLE meta (name TEXT PRIMARY KEY, value);
INSERT INTO meta VALUES ('schema_version', '1'), ('output_bytes', 1234);
"""


def test_a_version_1_state_file_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
        db.execute("INSERT INTO items (key, docid, url, status) VALUES (?, ?, ?, 'done')", (P, P, url(P)))
        db.execute("INSERT INTO items (key, docid, url) VALUES (?, ?, ?)", (Q, Q, url(Q)))
    with StateStore(path) as store:
        assert store.output_bytes == 1234
        assert [(i.docid, i.depth) for i in store.claim(0, 10)] == [(Q, 0)]
        assert store.add_follow_ups([FollowUps(Q, 0, follow=(link(R),))]) == 1
    with StateStore(path) as store:  # and opens again as version 2
        assert store.counts() == (1, 2, {})
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() == ("2",)


def test_follow_policy_splits_by_depth_and_docid_time() -> None:
    old, new = "E9642000AAAAAAAA", "J13IF000AAAAAAAA"  # created 2019-03 / 2024-05 by their docids
    policy = FollowPolicy.of(2, None, "2020-01-01")
    assert policy is not None
    assert policy.split(P, 0, [link(old), link(new)]) == FollowUps(
        P, 0, follow=(link(new),), hold=(link(old),)
    )
    assert policy.split(P, 2, [link(new)]) == FollowUps(P, 2, hold=(link(new),))  # at the depth limit
    assert policy.wanted("WWWWWWWWAAAAAAAA")  # no time in it: followed
    assert FollowPolicy.of(0, None, None) is None
    with pytest.raises(ValueError):
        FollowPolicy.of(0, 5, None)


def test_kept_links_are_looked_at_again_only_under_looser_limits() -> None:
    base = FollowPolicy.of(2, 100, "2024-01-01")
    assert base is not None
    same = FollowPolicy.from_record(base.to_record())
    assert same == base and not base.looser_than(same)
    assert FollowPolicy(3, 100, base.since).looser_than(base)
    assert FollowPolicy(2, 101, base.since).looser_than(base) and FollowPolicy(
        2, None, base.since
    ).looser_than(base)
    assert FollowPolicy(2, 100, None).looser_than(base)
    earlier = FollowPolicy.of(2, 100, "2023-01-01")
    later = FollowPolicy.of(2, 100, "2d")  # a daily --since 2d: later each day, never looser
    assert earlier is not None and later is not None
    assert earlier.looser_than(base) and not later.looser_than(base)
    assert not FollowPolicy(1, 50, base.since).looser_than(base)
    assert base.looser_than(None) and base.looser_than(FollowPolicy.from_record("{not json"))
