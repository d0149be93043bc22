"""Files the crawl writes: the JSONL output (append + fsync), its start-up repair, where the failures go.

Only the runner's writer task appends to the output, one batch at a time; each batch is written,
flushed and fsynced before the state store marks its articles done. :func:`scan_output` reads the
file back at start-up (streamed, one line at a time) after :func:`truncate_partial` has cut off
a partial last line. The lines are :func:`scraper.jsonl.line_bytes`; the failures file is a
:class:`scraper.jsonl.FailureLog` on :func:`failures_path`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import Reason, StateStoreError
from ..locks import try_lock

__all__ = [
    "JsonlOutput",
    "RunLock",
    "failures_path",
    "is_crawl_output",
    "scan_output",
    "state_path",
    "truncate_partial",
]


MAX_FIRST_LINE = 16 * 1024 * 1024  # longer than any article line: a file without a newline there is not ours


def state_path(output: Path) -> Path:
    """The state file that belongs to ``output``."""
    return output.with_name(output.name + ".state.sqlite")


def failures_path(output: Path) -> Path:
    """The failures file that belongs to ``output``."""
    return output.with_name(output.name + ".failures.jsonl")


class JsonlOutput:
    """The articles file, opened for appending; :meth:`append` returns once the lines are durable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] = open(path, "ab")  # noqa: SIM115 - owned by this object, closed in close()
        self.size = self._fh.seek(0, os.SEEK_END)

    def append(self, lines: Iterable[bytes]) -> int:
        """Append complete lines, flush and fsync; return the new file size."""
        self._fh.write(b"".join(lines))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.size = self._fh.tell()
        return self.size

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def truncate_partial(path: Path) -> int:
    """Cut a partial last line (a run killed mid-write) off ``path``; return the resulting size.

    Reads backwards from the end in blocks, so a big output costs only its last line.
    """
    try:
        fh = open(path, "r+b")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return 0
    with fh:
        size = fh.seek(0, os.SEEK_END)
        end = size
        block = 64 * 1024
        while end > 0:
            start = max(0, end - block)
            fh.seek(start)
            chunk = fh.read(end - start)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                end = start + nl + 1
                break
            end = start
        if end < size:
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
        return end


def scan_output(path: Path, start: int) -> Iterator[tuple[str, str]]:
    """Yield ``(docid, url)`` of each line from byte ``start`` on (after :func:`truncate_partial`).

    A line that is not JSON or has no docid (someone edited the file) is skipped: it names no
    article the state could know. Memory is bounded by one line.
    """
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return
    with fh:
        fh.seek(start)
        for raw in fh:
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("docid"), str):
                yield rec["docid"], str(rec.get("url") or "")


def is_crawl_output(path: Path, *, resuming: bool) -> bool:
    """True when the crawl may append to ``path`` (and cut its partial last line): it is ours.

    Ours: a missing or empty file, or one whose first line is a JSON object with a ``docid``;
    while resuming a job (its state exists), also a single unfinished line (a run killed in its
    first write). Anything else is somebody's file: appending would mix articles into it and the
    start-up repair would cut its last line.
    """
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return True
    with fh:
        first = fh.readline(MAX_FIRST_LINE)
    if not first:
        return True
    if not first.endswith(b"\n"):
        return resuming and len(first) < MAX_FIRST_LINE and first.startswith(b'{"')
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and isinstance(record.get("docid"), str)


class RunLock:
    """An exclusive, non-blocking lock on a file (the output, the state) for the length of a run.

    Two crawls appending to one output, or sharing one state, would break exactly-once (or fetch
    everything twice); the second one fails fast. The lock is an ``flock`` on an open file, so the
    kernel releases it when the process dies.
    """

    def __init__(self, path: Path, *, busy: str = "another crawl is writing to {path}") -> None:
        self.path = path
        self._busy = busy
        self._fh: IO[bytes] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`StateStoreError` (reason ``locked``)."""
        try:
            self._fh = open(self.path, "ab")  # noqa: SIM115 - closed in release()
        except OSError as exc:
            raise StateStoreError(f"cannot open {self.path}: {exc.strerror or exc}") from exc
        if not try_lock(self._fh.fileno()):
            self._fh.close()
            self._fh = None
            raise StateStoreError(self._busy.format(path=self.path), reason=Reason.LOCKED)

    def release(self) -> None:
        """Drop the lock."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
