"""Output formats for cleaned articles, each written as a stream (nothing held in memory).

- ``jsonl``: one JSON object per line (``Article.to_dict()``, :func:`scraper.jsonl.dumps_line`);
- ``json``: one JSON array of those objects, one per line, written as they come;
- ``md``: per article ``# title``, a list of metadata lines, then the paragraphs; articles are
  separated by a ``---`` rule;
- ``txt``: per article the title line then one paragraph per line; articles are separated by
  one empty line (a paragraph is never empty, so ``text.split("\\n\\n")`` gives the articles).

Failures are not articles and never go into these outputs; :class:`scraper.jsonl.FailureLog`
writes them to a separate stream.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol, TextIO

from .jsonl import dumps_line

__all__ = [
    "FORMATS",
    "ArticleWriter",
    "JsonArrayWriter",
    "JsonlWriter",
    "MarkdownWriter",
    "TextWriter",
    "open_writer",
]

Record = dict[str, Any]  # an ``Article.to_dict()``

# Metadata lines of the Markdown format, in order: (field, label).
MD_FIELDS = (
    ("url", "URL"),
    ("canonical_url", "Canonical URL"),
    ("published_at", "Published"),
    ("source", "Source"),
    ("author", "Author"),
    ("editor", "Editor"),
    ("location", "Location"),
    ("category", "Category"),
    ("keywords", "Keywords"),
    ("docid", "Docid"),
)
# A paragraph starting like this would turn into a heading, quote, list or rule in Markdown.
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+*=-]|\d+[.)])")


class ArticleWriter(Protocol):
    """Writes article records to a text stream; ``close()`` finishes the format (not the stream)."""

    def write(self, record: Record) -> None:
        """Write one article record."""

    def close(self) -> None:
        """Write whatever ends the output (e.g. the closing bracket of a JSON array)."""


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, record: Record) -> None:
        self._out.write(dumps_line(record) + "\n")

    def close(self) -> None:
        self._out.flush()


class JsonArrayWriter:
    """A single JSON array, streamed: ``[`` first, one object per line, ``]`` on close."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def write(self, record: Record) -> None:
        self._out.write(("[\n" if self._count == 0 else ",\n") + dumps_line(record))
        self._count += 1

    def close(self) -> None:
        self._out.write("[]\n" if self._count == 0 else "\n]\n")
        self._out.flush()


class MarkdownWriter:
    """``# title``, metadata list, paragraphs; a ``---`` rule between articles."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def write(self, record: Record) -> None:
        parts = ["\n---\n\n"] if self._count else []
        parts.append(f"# {_one_line(record.get('title')) or '(untitled)'}\n\n")
        meta = [line for line in (_md_meta(record, field, label) for field, label in MD_FIELDS) if line]
        if meta:
            parts.append("".join(meta) + "\n")
        parts.extend(_md_escape(p) + "\n\n" for p in _paragraphs(record))
        self._out.write("".join(parts).rstrip("\n") + "\n")
        self._count += 1

    def close(self) -> None:
        self._out.flush()


class TextWriter:
    """Title line, then one paragraph per line; an empty line between articles."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def write(self, record: Record) -> None:
        lines = [_one_line(record.get("title")), *_paragraphs(record)]
        self._out.write(("\n" if self._count else "") + "\n".join(line for line in lines if line) + "\n")
        self._count += 1

    def close(self) -> None:
        self._out.flush()


FORMATS: Mapping[str, type[ArticleWriter]] = MappingProxyType(
    {"jsonl": JsonlWriter, "json": JsonArrayWriter, "md": MarkdownWriter, "txt": TextWriter}
)


def open_writer(fmt: str, out: TextIO) -> ArticleWriter:
    """The writer for format ``fmt`` (a key of :data:`FORMATS`) on the text stream ``out``."""
    try:
        return FORMATS[fmt](out)  # type: ignore[call-arg]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None


def _paragraphs(record: Record) -> list[str]:
    return [p.strip() for p in (record.get("text") or "").split("\n") if p.strip()]


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _md_meta(record: Record, field: str, label: str) -> str:
    value = record.get(field)
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    value = _one_line(value)
    if not value:
        return ""
    if field == "source" and record.get("source_url"):
        value = f"[{value}]({record['source_url']})"
    return f"- {label}: {value}\n"


def _md_escape(paragraph: str) -> str:
    """Keep a paragraph a paragraph: backslash-escape a leading Markdown block marker."""
    match = _MD_BLOCK_START.match(paragraph)
    if not match:
        return paragraph
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return indent + marker[:-1] + "\\" + marker[-1] + paragraph[match.end() :]
    return indent + "\\" + paragraph[len(indent) :]
