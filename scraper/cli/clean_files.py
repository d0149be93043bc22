"""The files a ``clean`` run writes: the articles output and the failures file.

Both are opened, created and locked before either is emptied, so a run that cannot write one
of them (no such folder, a read-only disk, a file another run holds) stops with exit 2 before
anything is lost; a crawl appending to the same file holds the same kind of lock. A failures
file that ends the run empty is removed again, unless it was there, empty, before the run.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from ..errors import Reason, ScraperError
from ..jsonl import FailureLog, FailureRecord
from ..locks import try_lock

__all__ = ["CleanFiles", "FailureSink"]


@dataclass
class _Opened:
    path: str
    label: str
    fd: int
    created: bool  # by this run: removed again if the run cannot start
    had_records: bool  # a failures file of an earlier run: removed if this run has none


class FailureSink:
    """Failure records go to the failures file or, without one, one line each to stderr."""

    def __init__(self, path: str | None, stream: BinaryIO | None) -> None:
        self.path = path
        self._log = FailureLog(stream) if stream is not None else None

    @property
    def count(self) -> int:
        """Failure records written to the file."""
        return self._log.count if self._log is not None else 0

    def write(self, record: FailureRecord, say: Callable[[str], None]) -> None:
        """Record one failure."""
        if self._log is None:
            say(f"failed: {record.origin}: {record.reason}: {record.message}")
        else:
            self._log.write([record])


class CleanFiles:
    """Open (``-`` is stdout), lock and empty the output and the failures file; closed by ``stack``.

    Raises :class:`ScraperError` (reason ``usage`` or ``locked``) when a file cannot be used; then
    nothing has been written and the files this call created are gone.
    """

    def __init__(
        self, output: str, failures: str | None, stack: ExitStack, *, failures_had_records: bool
    ) -> None:
        opened: list[_Opened] = []
        try:
            if output != "-":
                opened.append(_open_locked(output, "output", had_records=False))
            if failures is not None:
                opened.append(_open_locked(failures, "failures file", had_records=failures_had_records))
        except BaseException:
            for o in opened:
                _discard(o, remove=o.created)
            raise
        for o in opened:
            if stat.S_ISREG(os.fstat(o.fd).st_mode):
                os.ftruncate(o.fd, 0)  # only now: every file of the run is ours to write
        self.output = _stdout() if output == "-" else _text(opened[0], stack)
        log = opened[-1] if failures is not None else None
        if log is not None and (log.created or log.had_records):
            stack.callback(self._drop_empty_failures, log.path)  # after the file is closed (LIFO)
        self.failures = FailureSink(failures, _binary(log, stack) if log is not None else None)

    def _drop_empty_failures(self, path: str) -> None:
        # A failures file with nothing in it would only mislead; a symlink (say /dev/stderr) stays.
        if self.failures.count == 0 and os.path.isfile(path) and not os.path.islink(path):
            os.unlink(path)


def _open_locked(path: str, label: str, *, had_records: bool) -> _Opened:
    existed = os.path.lexists(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)  # no O_TRUNC: the lock comes first
    except OSError as exc:
        raise ScraperError(
            f"cannot write the {label} {path}: {exc.strerror or exc}", reason=Reason.USAGE
        ) from None
    opened = _Opened(path, label, fd, not existed, had_records)
    if not try_lock(fd):
        _discard(opened, remove=False)
        raise ScraperError(
            f"the {label} {path} is in use by another netease-scraper run", reason=Reason.LOCKED
        )
    return opened


def _discard(opened: _Opened, *, remove: bool) -> None:
    os.close(opened.fd)
    if remove:
        os.unlink(opened.path)


def _stdout() -> TextIO:
    out = sys.stdout
    encoding = getattr(out, "encoding", None) or "utf-8"
    if codecs.lookup(encoding).name != "utf-8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")  # Chinese text must not meet an ASCII locale
    return out


def _text(opened: _Opened, stack: ExitStack) -> TextIO:
    return stack.enter_context(open(opened.fd, "w", encoding="utf-8", newline="\n"))


def _binary(opened: _Opened, stack: ExitStack) -> BinaryIO:
    return stack.enter_context(open(opened.fd, "wb"))
