"""``crawl --follow N``: which links of a fetched page are queued, and which are kept for later.

A page ``depth`` links away from the URL list (the list is depth 0) has its links to other articles
(:func:`scraper.clean.article_links`) queued at ``depth + 1`` while ``depth < N``, skipping those
whose docid says the article was created before ``since`` (NetEase docids encode their creation
time, to the millisecond: :func:`scraper.discovery.model.docid_time`; a docid that encodes none is
followed). The state store applies the last limit, ``max_articles``, when it inserts them, and
keeps whatever a page could not queue with the page, so a later run with a bigger ``N``, a bigger
cap or an earlier ``since`` queues it without fetching the page again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..discovery.model import docid_time, parse_since
from .state import FollowUps, Link

__all__ = ["FollowPolicy"]


@dataclass(frozen=True)
class FollowPolicy:
    """The follow limits of one run: ``depth`` (N), ``max_articles`` (``--max-pages``), ``since``."""

    depth: int
    max_articles: int | None = None
    since: datetime | None = None

    @classmethod
    def of(cls, follow: int, max_pages: int | None, since: datetime | str | None) -> FollowPolicy | None:
        """The policy for these options, None when nothing is followed; ``ValueError`` for bad ones.

        ``since`` is a datetime or ``--since`` text (``2020-02-29``, ``36h``; Beijing time unless an
        offset is given), read now: ``36h`` means 36 hours before this run started.
        """
        if follow < 0:
            raise ValueError("follow must be >= 0")
        if max_pages is not None and max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        cutoff = parse_since(since) if isinstance(since, str) else since
        if cutoff is not None and cutoff.tzinfo is None:
            raise ValueError("since must be an aware datetime (or a text: naive times are Beijing time)")
        if follow == 0:
            if max_pages is not None or cutoff is not None:
                raise ValueError("max_pages and since bound the follow-ups: they need follow >= 1")
            return None
        return cls(follow, max_pages, cutoff)

    def looser_than(self, earlier: FollowPolicy | None) -> bool:
        """True when these limits may let through links an ``earlier`` run's limits kept back.

        Only then are the kept links looked at again: a daily run with ``--since 2d`` has a later
        cutoff each day and would find nothing new in them.
        """
        if earlier is None or self.depth > earlier.depth:
            return True
        if earlier.max_articles is not None and (
            self.max_articles is None or self.max_articles > earlier.max_articles
        ):
            return True
        return earlier.since is not None and (self.since is None or self.since < earlier.since)

    def to_record(self) -> str:
        """The limits as JSON, kept in the state for the next run's :meth:`looser_than`."""
        since = self.since.isoformat() if self.since is not None else None
        return json.dumps({"depth": self.depth, "max_articles": self.max_articles, "since": since})

    @classmethod
    def from_record(cls, record: str | None) -> FollowPolicy | None:
        """The limits :meth:`to_record` wrote, or None (no earlier follow run, or unreadable)."""
        if not record:
            return None
        try:
            data = json.loads(record)
            since = datetime.fromisoformat(data["since"]) if data["since"] else None
            return cls(int(data["depth"]), data["max_articles"], since)
        except (ValueError, KeyError, TypeError):
            return None  # then every kept link is looked at again: slower, never wrong

    def wanted(self, docid: str) -> bool:
        """True unless the docid says the article was created before ``since``."""
        if self.since is None:
            return True
        created = docid_time(docid)
        return created is None or created >= self.since

    def split(self, docid: str, depth: int, links: Sequence[Link]) -> FollowUps:
        """Page ``docid`` at ``depth``: its ``links`` to follow now, and those to keep."""
        if depth >= self.depth:
            return FollowUps(docid, depth, hold=tuple(links))
        follow = tuple(link for link in links if self.wanted(link[0]))
        hold = tuple(link for link in links if not self.wanted(link[0])) if len(follow) < len(links) else ()
        return FollowUps(docid, depth, follow=follow, hold=hold)
