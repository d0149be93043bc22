"""JSON lines, the one way every command writes them: the encoder and the failure log.

:func:`dumps_line` is the only JSON encoder for output (``clean``'s ``jsonl``/``json`` formats,
``crawl``'s output and failures, ``discover --jsonl``): compact separators, UTF-8 text kept as it
is (no ``\\u`` escapes: the text is Chinese). The same article is the same bytes whichever
command wrote it.

:class:`FailureRecord` is the one shape of a failure line, in ``clean``'s failures file and
``crawl``'s ``<output>.failures.jsonl`` alike; :class:`FailureLog` writes them.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO, Any

__all__ = [
    "FAILURE_KEYS",
    "OLDER_CLEAN_FAILURE_KEYS",
    "OLDER_CRAWL_FAILURE_KEYS",
    "FailureLog",
    "FailureRecord",
    "dumps_line",
    "line_bytes",
]


def dumps_line(record: Mapping[str, Any]) -> str:
    """``record`` as the text of one JSON line (compact, no ASCII escaping), without the newline."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def line_bytes(record: Mapping[str, Any]) -> bytes:
    """``record`` as one JSON line in UTF-8, newline included (:func:`dumps_line`)."""
    return (dumps_line(record) + "\n").encode("utf-8")


@dataclass(frozen=True)
class FailureRecord:
    """One failed input, as a line of a failures file (``clean`` and ``crawl`` write the same keys).

    ``origin`` names the input as the run was given it: a file path, ``<stdin>``, ``path#offset``
    for a WARC record, or (``crawl``) the URL line. ``url`` is the page's URL when known,
    ``docid`` its NetEase docid when known. ``attempts`` and ``status`` are the fetch's (number of
    requests made, last HTTP status) and None where nothing was fetched (``clean``).
    """

    origin: str
    url: str | None
    docid: str | None
    reason: str
    message: str | None
    attempts: int | None = None
    status: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the line's key order (``reason`` a plain string)."""
        row = asdict(self)
        row["reason"] = str(self.reason)
        return row


FAILURE_KEYS = frozenset(f.name for f in fields(FailureRecord))
# Failure lines of netease-scraper before clean and crawl shared one shape: still recognised
# as ours, so a run may replace such a file.
OLDER_CLEAN_FAILURE_KEYS = frozenset({"origin", "url", "reason", "message"})
OLDER_CRAWL_FAILURE_KEYS = frozenset({"url", "docid", "reason", "attempts", "status", "message"})


class FailureLog:
    """Failure records as JSON lines, on a byte stream or appended to a file.

    Given a stream (``clean``: the failures file it opened and locked, or a pipe), it writes there
    and never closes it. Given a path (``crawl``: ``<output>.failures.jsonl``), the file is opened
    for appending on the first write, and :meth:`rewrite` replaces it whole. Each :meth:`write`
    is flushed, so a kill leaves whole lines behind.
    """

    def __init__(self, out: IO[bytes] | Path) -> None:
        self.path = out if isinstance(out, Path) else None
        self._fh: IO[bytes] | None = None if isinstance(out, Path) else out
        self.count = 0  # records written by this object

    def write(self, records: Iterable[FailureRecord]) -> None:
        """Write ``records`` and flush (no fsync: a crawl rebuilds the file from its state)."""
        lines = [line_bytes(r.to_dict()) for r in records]
        if not lines:
            return
        if self._fh is None:
            assert self.path is not None
            self._fh = open(self.path, "ab")  # noqa: SIM115 - closed in close()
        self._fh.write(b"".join(lines))
        self._fh.flush()
        self.count += len(lines)

    def rewrite(self, records: Iterable[FailureRecord]) -> None:
        """Replace the file atomically with ``records``; no file at all when there are none.

        Only for a log made with a path. Lines appended before (which a killed run may have left
        without its state committing them) are gone afterwards.
        """
        if self.path is None:
            raise TypeError("rewrite() needs a FailureLog made with a path")
        self.close()
        tmp = self.path.with_name(self.path.name + ".tmp")
        count = 0
        with open(tmp, "wb") as fh:
            for rec in records:
                fh.write(line_bytes(rec.to_dict()))
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
        if count:
            os.replace(tmp, self.path)
        else:
            tmp.unlink()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def close(self) -> None:
        """Close the file this log opened (a stream it was given stays open)."""
        if self.path is not None and self._fh is not None:
            self._fh.close()
            self._fh = None
