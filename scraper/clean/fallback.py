"""The fallback for layouts no template knows: trafilatura, then the NetEase boilerplate line filter."""

from __future__ import annotations

from .boilerplate import is_boilerplate_line
from .common import collapse

__all__ = ["fallback_paragraphs"]


def fallback_paragraphs(html: str, url: str | None = None) -> list[str]:
    """Body paragraphs of an unknown layout, as trafilatura finds them, minus NetEase chrome."""
    import trafilatura  # imported lazily: it is slow to import and only unknown layouts need it

    text = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
    )
    if not text:
        return []
    lines = (collapse(line) for line in text.split("\n"))
    return [line for line in lines if line and not is_boilerplate_line(line)]
