"""The Article record: plain data, no I/O."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .jsonl import dumps_line

__all__ = ["Article", "Image"]

_BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
_TITLE_SHOWN = 30  # characters of the title in repr()


@dataclass(frozen=True)
class Image:
    """One body image, in reading order.

    ``src`` is the real image URL, absolute: NetEase's resizing proxies (``nimg.ws.126.net/?url=...``)
    are unwrapped and a lazy-loading ``data-src`` is preferred to the placeholder ``src``. ``caption``
    is the text the page shows under the image (its ``<figcaption>``, the text beside it in its centred
    block, or the next paragraph when that reads as a caption: centred, or ``▲``/``图为``...), or None.
    Logos, icons and placeholders are never Images.
    """

    src: str
    caption: str | None = None


@dataclass(frozen=True, repr=False)
class Article:
    """One cleaned NetEase article. Field meanings are in the README's "The Article record".

    ``repr()`` is short (docid, the start of the title, the body's length); :meth:`to_dict` and
    :meth:`to_json` give every field.
    """

    template: str
    title: str
    text: str
    url: str | None = None
    final_url: str | None = None
    canonical_url: str | None = None
    docid: str | None = None
    published_at: str | None = None
    source: str | None = None
    source_url: str | None = None
    author: str | None = None
    editor: str | None = None
    location: str | None = None
    category: str | None = None
    keywords: tuple[str, ...] = ()
    description: str | None = None
    images: tuple[Image, ...] = ()
    fetched_at: str | None = None
    status: int | None = None

    def __repr__(self) -> str:
        title = self.title if len(self.title) <= _TITLE_SHOWN else self.title[: _TITLE_SHOWN - 1] + "…"
        return f"Article(docid={self.docid!r}, title={title!r}, text={len(self.text)} chars)"

    @property
    def published(self) -> datetime | None:
        """``published_at`` as a timezone-aware datetime (Beijing time when the string has no offset);
        None when there is none or it is not ISO 8601 (a record read back from elsewhere)."""
        if not self.published_at:
            return None
        try:
            when = datetime.fromisoformat(self.published_at)
        except ValueError:
            return None
        return when if when.tzinfo is not None else when.replace(tzinfo=_BEIJING)

    @property
    def paragraphs(self) -> list[str]:
        """The body as a list of paragraphs."""
        return self.text.split("\n") if self.text else []

    def replace(self, **changes: Any) -> Article:
        """A copy with some fields changed (e.g. ``url``/``status`` set by the crawler)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (lists instead of tuples), in field order."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "images":
                value = [{"src": im.src, "caption": im.caption} for im in value]
            elif f.name == "keywords":
                value = list(value)
            out[f.name] = value
        return out

    def to_json(self) -> str:
        """The article as the JSON line ``clean`` and ``crawl`` write for it (:func:`scraper.jsonl.dumps_line`)."""
        return dumps_line(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Inverse of :meth:`to_dict` (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        kwargs["keywords"] = tuple(kwargs.get("keywords") or ())
        kwargs["images"] = tuple(Image(**im) for im in kwargs.get("images") or ())
        return cls(**kwargs)
