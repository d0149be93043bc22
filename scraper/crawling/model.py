"""The records of a crawl: its options, progress snapshots, and the summary it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..config import FetchOptions

__all__ = ["CrawlOptions", "CrawlProgress", "CrawlStart", "CrawlSummary"]


@dataclass(frozen=True)
class CrawlOptions:
    """How a crawl runs: the fetch policy plus the runner's own knobs."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    retry_failed: bool = False  # put failed articles back in the queue
    state_path: Path | None = None  # default: <output>.state.sqlite
    clean_workers: int = 0  # processes running clean_html; 0 = in the event loop
    batch_size: int = 256  # input lines read / articles claimed per state-store round trip
    write_batch: int = 256  # most outcomes committed in one output fsync + state transaction
    follow: int = 0  # also queue the articles fetched pages link to, up to this many links away
    max_pages: int | None = None  # follow-ups queued only while the job holds fewer articles
    since: datetime | str | None = None  # follow-ups whose docid says they are older are not queued


@dataclass(frozen=True)
class CrawlProgress:
    """A snapshot for progress displays (counts over the whole job, except ``new``)."""

    done: int  # articles in the output (whole job)
    failed: int
    duplicate: int
    new: int  # articles written by this run
    elapsed: float
    followed: int = 0  # articles queued by following links (whole job)

    @property
    def rate(self) -> float:
        """Articles written per second by this run."""
        return self.new / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True)
class CrawlSummary:
    """What the job holds after a run (counts over all runs on this output, except ``new``)."""

    output: Path
    done: int
    duplicate: int
    failed: dict[str, int]
    pending: int
    new: int
    elapsed: float
    interrupted: bool = False  # stopped by ``stop`` (Ctrl-C, SIGTERM) before the list was done
    followed: int = 0  # articles of the job queued by following links (done, failed or pending)

    @property
    def failed_total(self) -> int:
        """All failures, whatever the reason."""
        return sum(self.failed.values())

    def line(self) -> str:
        """One human line: ``done 120 (new 20) · followed 80 · duplicate 3 · failed 2 (http_404 1, …) …``."""
        failed = ", ".join(f"{r} {n}" for r, n in sorted(self.failed.items(), key=lambda kv: -kv[1]))
        text = f"done {self.done} (new {self.new})"
        if self.followed:
            text += f" · followed {self.followed}"
        text += f" · duplicate {self.duplicate} · failed {self.failed_total}"
        if failed:
            text += f" ({failed})"
        if self.pending:
            text += f" · pending {self.pending}"
        return text + f" · {self.elapsed:.1f}s"


@dataclass(frozen=True)
class CrawlStart:
    """What earlier runs left on this output, told before fetching (``on_start``)."""

    done: int
    failed: int
    pending: int

    @property
    def resuming(self) -> bool:
        """True if an earlier run recorded anything."""
        return bool(self.done or self.failed or self.pending)
