"""The crawl state store: one embedded SQLite file next to the output (the only module with SQL).

One row per *item*: an article (key = its docid) or an input line that is no article URL
(key = ``line:<hash of the text>``, failed at once with ``not_netease``/``bad_url``). Rows are numbered by
``seq`` in the order they were first seen; :meth:`StateStore.claim` walks that order forwards, so a
row is handed out at most once per run and the in-memory queue never holds more than a batch.

Articles found by ``crawl --follow`` on a fetched page are rows too: ``depth`` is 0 for the URL
list and one more than the page's for each follow-up, ``parent`` the docid of the page it was found
on. They are inserted by :meth:`StateStore.add_follow_ups` with INSERT OR IGNORE by docid, so an
article known from the list or another page is never queued twice, whatever the order or a kill.
The links a page could not queue (the depth limit, ``--max-pages``, ``--since``) are kept with it
(``withheld``: compressed ``docid<TAB>url`` lines) for a later run with looser limits.

Statuses: ``pending`` → ``done`` (its JSON line is durable in the output) or ``failed`` (reason,
attempts, last HTTP status and error kept). ``meta`` holds the few scalars that make resuming exact:
``output_bytes`` (size of the output file once the last committed batch was on disk), ``lines_read``
and ``input_digest`` (how far into the input earlier runs got and a fingerprint of those lines, so a
rerun over the same list skips them unparsed and does not count them as duplicates again) and
``duplicates``.

The database runs in WAL mode with ``synchronous=NORMAL``: a commit survives a killed process (the
WAL is in the OS page cache); after a power loss the last commits may be lost, which the start-up
reconciliation with the output file repairs (see ``scraper.crawling.runner``).

A store holds an exclusive ``flock`` on its file while open: a second crawl on the same state
(even with another output) is refused instead of fetching every pending article a second time.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Reason, StateStoreError
from ..jsonl import FailureRecord
from .output import RunLock

__all__ = ["SCHEMA", "AddResult", "Failure", "FollowUps", "Item", "Link", "NewItem", "StateStore"]

SCHEMA_VERSION = "2"  # 2: depth, parent, withheld (follow-ups); a version-1 file is migrated in place

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    seq         INTEGER PRIMARY KEY,               -- first-seen order; claims walk it forwards
    key         TEXT    NOT NULL UNIQUE,           -- docid, or 'line:<hash of the text>' for a rejected line
    docid       TEXT,
    url         TEXT    NOT NULL,                  -- the input line as given (first occurrence)
    fetch_url   TEXT,                              -- NULL when it is the url itself
    status      TEXT    NOT NULL DEFAULT 'pending',  -- pending | done | failed
    attempts    INTEGER NOT NULL DEFAULT 0,        -- HTTP attempts over all runs
    reason      TEXT,                              -- failure reason code (errors.py)
    http_status INTEGER,                           -- last HTTP status seen, if any
    last_error  TEXT,
    updated_at  REAL,
    depth       INTEGER NOT NULL DEFAULT 0,        -- 0: from the URL list; n: n links away from it
    parent      TEXT,                              -- docid of the page it was found on (follow-ups)
    withheld    BLOB                               -- links of this page not queued (zlib, docid\turl lines)
);
CREATE INDEX IF NOT EXISTS items_status_seq ON items (status, seq);
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value
);
"""
# Added by schema 2: ALTER TABLE brings a version-1 file up to date (SQLite adds columns in O(1)).
_ADDED_COLUMNS = (
    ("depth", "INTEGER NOT NULL DEFAULT 0"),
    ("parent", "TEXT"),
    ("withheld", "BLOB"),
)
_INDEXES = """
CREATE INDEX IF NOT EXISTS items_withheld ON items (depth) WHERE withheld IS NOT NULL;
"""

LINE_KEY_PREFIX = "line:"
MAX_KEY_CHARS = 2048  # a junk line can be huge; its key (and stored URL) need not be


@dataclass(frozen=True)
class NewItem:
    """One input line, parsed: an article (``docid`` set) or a rejected line (``reason`` set)."""

    lineno: int
    url: str
    docid: str | None = None
    fetch_url: str | None = None
    reason: str | None = None
    error: str | None = None

    @property
    def key(self) -> str:
        """The de-duplication key: the docid, else a hash of the line (compact for long junk lists)."""
        if self.docid:
            return self.docid
        return (
            LINE_KEY_PREFIX + hashlib.blake2b(self.url.encode("utf-8", "replace"), digest_size=10).hexdigest()
        )


@dataclass(frozen=True)
class Item:
    """One pending article handed to the runner by :meth:`StateStore.claim`."""

    seq: int
    docid: str
    url: str
    fetch_url: str
    attempts: int
    depth: int = 0  # links away from the URL list


Link = tuple[str, str]
"""A link to an article found on a page: ``(docid, fetch URL)``."""


@dataclass(frozen=True)
class FollowUps:
    """What one fetched page brings: ``follow`` to queue at ``depth + 1``, ``hold`` to keep for later."""

    docid: str  # the page's
    depth: int  # the page's
    follow: tuple[Link, ...] = ()
    hold: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Failure:
    """A failed item as stored (one line of ``<output>.failures.jsonl``)."""

    url: str
    docid: str | None
    reason: str
    attempts: int
    status: int | None
    error: str | None = None

    def to_record(self) -> FailureRecord:
        """The failures-file line of this item (its ``origin`` is the URL line it came from)."""
        return FailureRecord(
            origin=self.url,
            url=self.url,
            docid=self.docid,
            reason=self.reason,
            message=self.error,
            attempts=self.attempts,
            status=self.status,
        )


@dataclass(frozen=True)
class AddResult:
    """What one :meth:`StateStore.add` call did."""

    added: int
    duplicates: int
    rejected: tuple[Failure, ...]  # rejected lines newly recorded (to append to the failures file)


class StateStore:
    """The crawl state in one SQLite file. Not thread-safe: use it from one thread (the event loop)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # Two crawls sharing a state would both claim every pending row and fetch it twice.
        self._lock = RunLock(self.path, busy="another crawl is using the state {path}")
        self._lock.acquire()
        try:
            self._open()
        except BaseException:
            self._lock.release()
            raise

    def _open(self) -> None:
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per batch.
            self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(SCHEMA)
            version = self._get("schema_version")
            if version is not None and str(version) not in ("1", SCHEMA_VERSION):
                raise StateStoreError(f"{self.path}: state schema {version}, expected {SCHEMA_VERSION}")
            self._migrate()
            self._db.executescript(_INDEXES)
            if version is None or str(version) != SCHEMA_VERSION:
                self._set("schema_version", SCHEMA_VERSION)
        except sqlite3.DatabaseError as exc:
            raise StateStoreError(f"{self.path}: cannot open crawl state: {exc}") from exc

    def _migrate(self) -> None:
        """Add the columns a version-1 state lacks (each ALTER is atomic; a kill between them is
        finished by the next open)."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(items)")}
        for name, declaration in _ADDED_COLUMNS:
            if name not in have:
                self._db.execute(f"ALTER TABLE items ADD COLUMN {name} {declaration}")

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        with contextlib.suppress(sqlite3.DatabaseError):  # busy: it is checkpointed next time
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()
        # Only now: closing any descriptor of the file drops SQLite's own (POSIX) locks on it.
        self._lock.release()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta scalars ------------------------------------------------------------------------

    def _get(self, name: str) -> str | int | float | None:  # meta values are only ever text or numbers
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def _get_int(self, name: str) -> int:
        value = self._get(name)
        return int(value) if isinstance(value, int | str) else 0

    def _set(self, name: str, value: object) -> None:
        self._db.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    @property
    def output_bytes(self) -> int:
        """Size of the output file as of the last committed batch (0 for a new job)."""
        return self._get_int("output_bytes")

    @property
    def duplicates(self) -> int:
        """Input lines whose key had been seen before, over the whole job."""
        return self._get_int("duplicates")

    # -- start of a run ----------------------------------------------------------------------

    def requeue_failed(self) -> int:
        """``--retry-failed``: failed articles back to pending; rejected lines are forgotten.

        Rejected lines are dropped rather than re-queued: the input is read again, and a line
        that is an article URL now (say ``--allow-host`` was added) is then recorded afresh.
        """
        with self._transaction():
            n = self._db.execute(
                "UPDATE items SET status = 'pending', reason = NULL WHERE status = 'failed' AND docid IS NOT NULL"
            ).rowcount
            self._db.execute("DELETE FROM items WHERE status = 'failed' AND docid IS NULL")
            self._set("input_digest", None)  # so the whole list is read again, not skipped
        return n

    # -- input -------------------------------------------------------------------------------

    @property
    def input_progress(self) -> tuple[int, str | None]:
        """``(lines_read, digest)``: how far earlier runs read the input, and its fingerprint there."""
        digest = self._get("input_digest")
        return self._get_int("lines_read"), None if digest is None else str(digest)

    def add(self, items: Sequence[NewItem], *, last_lineno: int, digest: str | None = None) -> AddResult:
        """Record a batch of input lines (INSERT OR IGNORE by key) in one transaction.

        A line whose key is already known counts as a duplicate, unless an earlier run had
        already read that far into the input (``lineno <= lines_read``): a rerun re-reads the
        list from the top and must not count it twice.
        """
        lines_read = self._get_int("lines_read")
        added = dups = 0
        rejected: list[Failure] = []
        now = time.time()
        with self._transaction():
            for it in items:
                if it.docid:
                    cur = self._db.execute(
                        "INSERT OR IGNORE INTO items (key, docid, url, fetch_url, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (
                            it.key,
                            it.docid,
                            it.url[:MAX_KEY_CHARS],
                            _unless_same(it.fetch_url, it.url[:MAX_KEY_CHARS]),
                            now,
                        ),
                    )
                else:
                    cur = self._db.execute(
                        "INSERT OR IGNORE INTO items (key, url, status, reason, last_error, updated_at) "
                        "VALUES (?, ?, 'failed', ?, ?, ?)",
                        (it.key, it.url[:MAX_KEY_CHARS], it.reason, it.error, now),
                    )
                    if cur.rowcount:
                        rejected.append(
                            Failure(
                                it.url[:MAX_KEY_CHARS], None, it.reason or Reason.BAD_URL, 0, None, it.error
                            )
                        )
                if cur.rowcount:
                    added += 1
                elif it.lineno > lines_read:
                    dups += 1
            if dups:
                self._set("duplicates", self.duplicates + dups)
            if last_lineno > lines_read:
                self._set("lines_read", last_lineno)
                self._set("input_digest", digest)
        return AddResult(added, dups, tuple(rejected))

    # -- the run -----------------------------------------------------------------------------

    def claim(self, after_seq: int, limit: int) -> list[Item]:
        """The next ``limit`` pending articles after ``after_seq``, in first-seen order."""
        rows = self._db.execute(
            "SELECT seq, docid, url, COALESCE(fetch_url, url), attempts, depth FROM items "
            "WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        ).fetchall()
        return [Item(*row) for row in rows]

    def commit_batch(
        self,
        done: Iterable[tuple[str, int, int | None]],
        failed: Iterable[tuple[str, Failure]],
        *,
        output_bytes: int | None = None,
    ) -> None:
        """Mark ``done`` (docid, attempts, status) and ``failed`` (docid, Failure) rows in one transaction.

        Call it only after the done rows' lines are durable in the output, with ``output_bytes``
        the output's size at that point.
        """
        now = time.time()
        with self._transaction():
            self._db.executemany(
                "UPDATE items SET status = 'done', attempts = attempts + ?, http_status = ?, "
                "reason = NULL, last_error = NULL, updated_at = ? WHERE key = ?",
                [(attempts, status, now, docid) for docid, attempts, status in done],
            )
            self._db.executemany(
                "UPDATE items SET status = 'failed', attempts = attempts + ?, reason = ?, "
                "http_status = ?, last_error = ?, updated_at = ? WHERE key = ?",
                [(f.attempts, f.reason, f.status, f.error, now, docid) for docid, f in failed],
            )
            if output_bytes is not None:
                self._set("output_bytes", output_bytes)

    # -- follow-ups (crawl --follow) -----------------------------------------------------------

    def add_follow_ups(self, pages: Sequence[FollowUps], *, max_articles: int | None = None) -> int:
        """Queue the pages' ``follow`` links at depth + 1 (INSERT OR IGNORE by docid), in one transaction.

        Links are queued while the job holds fewer than ``max_articles`` articles (every article
        row counts: done, failed or pending, list or follow-up). Each page's links that were not
        queued (over the cap, or in its ``hold``) and are not known yet are kept in its row, to be
        queued by :meth:`release_withheld` on a run with looser limits. Returns how many were queued.

        Call it before the pages' lines are written: a kill after this commit loses no follow-up,
        even if the start-up repair then marks the pages done from the output without fetching them.
        """
        queued = 0
        now = time.time()
        with self._transaction():
            room = self._room(max_articles)
            for page in pages:
                kept: list[Link] = []
                for docid, url in page.follow:
                    if room is not None and room <= 0:
                        kept.append((docid, url))
                        continue
                    if self._insert_follow_up(docid, url, page, now):
                        queued += 1
                        if room is not None:
                            room -= 1
                kept += page.hold
                self._withhold(page.docid, kept)
        return queued

    def release_withheld(
        self, *, below_depth: int, keep: Callable[[str], bool], max_articles: int | None = None
    ) -> int:
        """Queue the kept links of pages at a depth below ``below_depth`` that ``keep(docid)`` accepts,
        within ``max_articles`` (see :meth:`add_follow_ups`); one transaction. Returns how many."""
        queued = 0
        now = time.time()
        with self._transaction():
            room = self._room(max_articles)
            if room is not None and room <= 0:
                return 0
            rows = self._db.execute(
                "SELECT docid, depth, withheld FROM items WHERE withheld IS NOT NULL AND depth < ? ORDER BY seq",
                (below_depth,),
            ).fetchall()
            for docid, depth, blob in rows:
                page = FollowUps(docid, depth)
                kept: list[Link] = []
                for link in _unpack_links(blob):
                    if (room is not None and room <= 0) or not keep(link[0]):
                        kept.append(link)
                    elif self._insert_follow_up(*link, page, now):
                        queued += 1
                        if room is not None:
                            room -= 1
                self._withhold(docid, kept)
        return queued

    @property
    def follow_limits(self) -> str | None:
        """The follow limits of the last run that followed links (opaque text, see ``follow.py``)."""
        value = self._get("follow_limits")
        return None if value is None else str(value)

    @follow_limits.setter
    def follow_limits(self, value: str) -> None:
        self._set("follow_limits", value)

    def followed(self) -> int:
        """Articles of the job found by following links (depth > 0)."""
        return int(self._db.execute("SELECT count(*) FROM items WHERE depth > 0").fetchone()[0])

    def _room(self, max_articles: int | None) -> int | None:
        if max_articles is None:
            return None
        articles = self._db.execute("SELECT count(*) FROM items WHERE docid IS NOT NULL").fetchone()[0]
        return max_articles - int(articles)

    def _insert_follow_up(self, docid: str, url: str, page: FollowUps, now: float) -> bool:
        cur = self._db.execute(
            "INSERT OR IGNORE INTO items (key, docid, url, depth, parent, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (docid, docid, url[:MAX_KEY_CHARS], page.depth + 1, page.docid, now),
        )
        return bool(cur.rowcount)

    def _withhold(self, docid: str, links: list[Link]) -> None:
        """Keep ``links`` not known yet with page ``docid`` (or clear what it kept)."""
        unknown = [
            link
            for link in links
            if self._db.execute("SELECT 1 FROM items WHERE key = ?", (link[0],)).fetchone() is None
        ]
        self._db.execute(
            "UPDATE items SET withheld = ? WHERE key = ?", (_pack_links(unknown) if unknown else None, docid)
        )

    # -- start-up reconciliation with the output file ------------------------------------------

    def adopt_output(
        self, lines: Iterable[tuple[str, str]], *, output_bytes: int, full: bool = False
    ) -> tuple[int, int]:
        """Make ``done`` agree with the output file, given its ``(docid, url)`` lines.

        With ``full=False`` the lines are the output's tail past :attr:`output_bytes` (written by
        a run killed before it committed them): they become done. With ``full=True`` they are the
        whole file and ``done`` is made to mean exactly "has a line there": rows done but absent
        go back to pending. Articles unknown to the state (a deleted state file) are added as
        done. One transaction, so a kill halfway leaves the previous state.
        Returns ``(marked_done, requeued)``.
        """
        now = time.time()
        marked = requeued = 0
        with self._transaction():
            if full:
                self._db.execute("UPDATE items SET status = 'checking' WHERE status = 'done'")
            for docid, url in lines:
                marked += self._db.execute(
                    "INSERT INTO items (key, docid, url, fetch_url, status, updated_at) "
                    "VALUES (?, ?, ?, ?, 'done', ?) ON CONFLICT (key) DO UPDATE "
                    "SET status = 'done', reason = NULL WHERE status IN ('pending', 'failed')",
                    (docid, docid, url, None, now),
                ).rowcount
                if full:
                    self._db.execute(
                        "UPDATE items SET status = 'done' WHERE key = ? AND status = 'checking'", (docid,)
                    )
            if full:
                requeued = self._db.execute(
                    "UPDATE items SET status = 'pending' WHERE status = 'checking'"
                ).rowcount
            self._set("output_bytes", output_bytes)
        return marked, requeued

    # -- reporting ---------------------------------------------------------------------------

    def counts(self) -> tuple[int, int, dict[str, int]]:
        """``(done, pending, failed by reason)`` over the whole job."""
        done = pending = 0
        failed: dict[str, int] = {}
        for status, reason, n in self._db.execute(
            "SELECT status, reason, count(*) FROM items GROUP BY status, reason"
        ):
            if status == "done":
                done += n
            elif status == "failed":
                failed[reason or Reason.ERROR] = failed.get(reason or Reason.ERROR, 0) + n
            else:
                pending += n
        return done, pending, failed

    def iter_failures(self) -> Iterator[Failure]:
        """Every failed item in first-seen order (streamed, for rewriting the failures file)."""
        cur = self._db.execute(
            "SELECT url, docid, reason, attempts, http_status, last_error FROM items "
            "WHERE status = 'failed' ORDER BY seq"
        )
        for url, docid, reason, attempts, status, error in cur:
            yield Failure(url, docid, reason or Reason.ERROR, attempts, status, error)

    # -- helpers -----------------------------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)


def _pack_links(links: list[Link]) -> bytes:
    """``docid<TAB>url`` lines, zlib-compressed: NetEase URLs share most of their bytes."""
    return zlib.compress("\n".join(f"{docid}\t{url}" for docid, url in links).encode("utf-8"))


def _unpack_links(blob: bytes) -> Iterator[Link]:
    for line in zlib.decompress(blob).decode("utf-8").splitlines():
        docid, _, url = line.partition("\t")
        if docid and url:
            yield docid, url


def _unless_same(value: str | None, other: str) -> str | None:
    """``value``, or None when it equals ``other`` (saves a URL per row in a million-row state)."""
    return None if value == other else value


class _Transaction:
    """``with``: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error; SQLite errors become StateStoreError."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self._path = path

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StateStoreError(f"{self._path}: {exc}") from exc

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
                return
            except sqlite3.DatabaseError as err:
                # A failed COMMIT (disk full) may already have rolled back: then ROLLBACK fails too.
                with contextlib.suppress(sqlite3.DatabaseError):
                    self._db.execute("ROLLBACK")
                raise StateStoreError(f"{self._path}: {err}") from err
        self._db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise StateStoreError(f"{self._path}: {exc}") from exc
