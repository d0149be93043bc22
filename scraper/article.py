"""The Article record: plain data, no I/O."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["Article", "Image"]


@dataclass(frozen=True)
class Image:
    """One body image: the real (unproxied) URL and the caption shown under it, if any."""

    src: str
    caption: str | None = None


@dataclass(frozen=True)
class Article:
    """One cleaned NetEase article. Field meanings are in DESIGN.md and the README."""

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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Inverse of :meth:`to_dict` (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        kwargs["keywords"] = tuple(kwargs.get("keywords") or ())
        kwargs["images"] = tuple(Image(**im) for im in kwargs.get("images") or ())
        return cls(**kwargs)
