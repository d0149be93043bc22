"""Feeding the runner: stream the URL list into the state store, hand out pending articles.

Memory stays flat however long the list is: lines are read a batch at a time, parsed and recorded
in the state store (INSERT OR IGNORE by docid, so de-duplication costs no Python set); articles
to fetch are then claimed back from the store in first-seen order into a bounded queue. Pending
articles left by an earlier run are claimed first, before any new line is read.

With ``crawl --follow`` the fetched pages add rows as they are committed, so the queue is only
finished once no page is in flight any more (:class:`InFlight`); and the whole list is recorded
before the first claim, so that the list's articles come first (breadth first) and ``--max-pages``
knows how many of its articles the list takes.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import Reason, URLRejected
from ..urls import parse_article_url
from .state import AddResult, Item, NewItem, StateStore

__all__ = ["InFlight", "LineParser", "LineReader", "Scheduler", "count_lines", "parse_line"]

UrlSource = str | Path | Iterable[str]
LineParser = Callable[[int, str, tuple[str, ...]], NewItem]
"""``(lineno, text, allow_hosts) -> NewItem``: how an input line becomes an item (:func:`parse_line`)."""
MAX_LINE_CHARS = 8192  # an article URL is < 300 characters; browsers cut far earlier than this
LINE_PREFIX_CHARS = 200


class LineReader:
    """The URL list, read a batch at a time: a file path, ``-`` for stdin, or an iterable of strings.

    Blank lines and ``#`` comments are skipped but still counted, so line numbers match the file.
    :attr:`digest` fingerprints the lines read so far; a rerun over a list *file* uses it to skip
    the part an earlier run already recorded without parsing it again (see :meth:`skip_verified`).
    """

    def __init__(self, source: UrlSource) -> None:
        self._owned: IO[str] | None = None
        lines: Iterable[str]
        if isinstance(source, (str, Path)):
            if str(source) == "-":
                # utf-8-sig: a list saved by a Windows editor starts with a BOM.
                lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
            else:
                self._owned = open(source, encoding="utf-8-sig", errors="replace")  # noqa: SIM115
                lines = self._owned
        else:
            lines = source
        self._it: Iterator[str] = iter(lines)
        self._hash = hashlib.blake2b(digest_size=16)
        self.lineno = 0
        self.exhausted = False

    @property
    def digest(self) -> str:
        """Fingerprint of lines ``1..lineno`` as read."""
        return self._hash.hexdigest()

    def _next(self) -> str | None:
        try:
            line = next(self._it)
        except StopIteration:
            self.exhausted = True
            return None
        self.lineno += 1
        self._hash.update(line.encode("utf-8", "replace"))
        return line

    def read_batch(self, n: int) -> list[tuple[int, str]]:
        """Up to ``n`` non-blank lines as ``(lineno, stripped text)``; empty once the input is over."""
        out: list[tuple[int, str]] = []
        while len(out) < n:
            line = self._next()
            if line is None:
                break
            text = line.strip()
            if text and not text.startswith("#"):
                out.append((self.lineno, text))
        return out

    def skip_verified(self, lines: int, digest: str | None) -> bool:
        """Skip the first ``lines`` lines if they are the ones an earlier run read (same ``digest``).

        Only a list file can be skipped: its lines are hashed, not parsed, and when the digest
        differs (the file was edited) it is rewound so that every line is read again. Returns
        whether the lines were skipped.
        """
        if self._owned is None or not lines or not digest or self.lineno:
            return False
        while self.lineno < lines and self._next() is not None:
            pass
        if self.lineno == lines and self.digest == digest:
            return True
        self._owned.seek(0)
        self._it = iter(self._owned)
        self._hash = hashlib.blake2b(digest_size=16)
        self.lineno = 0
        self.exhausted = False
        return False

    def close(self) -> None:
        """Close the file if this reader opened it (stdin is left open)."""
        if self._owned is not None:
            self._owned.close()


def count_lines(source: UrlSource) -> int | None:
    """Number of non-blank lines of a list file (for the progress bar), or None for stdin/iterables."""
    if not isinstance(source, (str, Path)) or str(source) == "-":
        return None
    n = 0
    with open(source, "rb") as fh:
        for line in fh:
            if line.strip() and not line.lstrip().startswith(b"#"):
                n += 1
    return n


def parse_line(lineno: int, text: str, allow_hosts: tuple[str, ...]) -> NewItem:
    """One input line to a :class:`NewItem`: an article (docid, fetch URL) or a rejection.

    A line longer than ``MAX_LINE_CHARS`` is no article URL: it is rejected as ``bad_url`` and kept
    only as a bounded prefix plus its length and hash (a 300 MB junk line must not be stored whole).
    """
    if len(text) > MAX_LINE_CHARS:
        digest = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=10).hexdigest()
        shown = f"{text[:LINE_PREFIX_CHARS]}… [{len(text)} characters, blake2b {digest}]"
        error = f"line {lineno} is {len(text)} characters long: no article URL is"
        return NewItem(lineno, shown, reason=Reason.BAD_URL, error=error)
    try:
        art = parse_article_url(text, allow_hosts=allow_hosts)
    except URLRejected as exc:
        return NewItem(lineno, text, reason=exc.reason, error=str(exc))
    return NewItem(lineno, text, docid=art.docid, fetch_url=art.fetch_url)


class InFlight:
    """Articles handed to the workers and not committed yet: while there are any, follow-ups may come."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Event()

    def started(self) -> None:
        """One more article handed out."""
        self.count += 1

    def settled(self, n: int) -> None:
        """``n`` articles committed (done or failed), their follow-ups with them."""
        self.count -= n
        self._changed.set()

    async def wait(self) -> bool:
        """Wait for the next commit; False at once when nothing is in flight (no row can come)."""
        if self.count <= 0:
            return False
        self._changed.clear()  # no await since the caller's last claim: no commit is missed
        await self._changed.wait()
        return True


class Scheduler:
    """Fills a bounded queue with claimed :class:`Item`\\ s, then one ``None`` per worker.

    ``on_added`` receives the result of each batch of input lines recorded: the runner appends
    the rejected lines (no article URL) to the failures file and counts duplicates. With
    ``in_flight`` (``--follow``) the list is read whole first, and the queue ends only when no
    article is in flight and none is pending. ``parse`` reads a line (default :func:`parse_line`:
    a URL; ``commoncrawl`` lists captures).
    """

    def __init__(
        self,
        state: StateStore,
        reader: LineReader,
        queue: asyncio.Queue[Item | None],
        *,
        allow_hosts: tuple[str, ...] = (),
        batch_size: int = 256,
        on_added: Callable[[AddResult], None] | None = None,
        in_flight: InFlight | None = None,
        parse: LineParser | None = None,
    ) -> None:
        self._state = state
        self._parse = parse or parse_line
        self._reader = reader
        self._queue = queue
        self._allow_hosts = allow_hosts
        self._batch_size = batch_size
        self._on_added = on_added
        self._in_flight = in_flight
        self._first_read = True

    async def run(self, workers: int) -> None:
        """Feed until the input is exhausted and every pending article is queued."""
        cursor = 0
        if self._in_flight is not None:
            while not self._reader.exhausted:
                await self._read_some()
        while True:
            items = self._state.claim(cursor, self._batch_size)
            if items:
                for item in items:
                    if self._in_flight is not None:
                        self._in_flight.started()
                    await self._queue.put(item)  # blocks while the workers are busy: bounded memory
                cursor = items[-1].seq
                continue
            if not self._reader.exhausted:
                await self._read_some()
            elif self._in_flight is None or not await self._in_flight.wait():
                break
        for _ in range(workers):
            await self._queue.put(None)

    async def _read_some(self) -> None:
        """Record the next batch of input lines in the state."""
        if self._first_read:
            self._first_read = False
            lines_read, digest = self._state.input_progress
            await asyncio.to_thread(self._reader.skip_verified, lines_read, digest)
        # Reading (maybe a pipe) and URL parsing run in a thread; SQLite stays on the loop thread.
        parsed = await asyncio.to_thread(self._read_parsed)
        if parsed:
            result = self._state.add(parsed, last_lineno=self._reader.lineno, digest=self._reader.digest)
            if self._on_added is not None:
                self._on_added(result)

    def _read_parsed(self) -> list[NewItem]:
        return [self._parse(n, t, self._allow_hosts) for n, t in self._reader.read_batch(self._batch_size)]
