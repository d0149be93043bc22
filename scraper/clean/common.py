"""Shared field helpers: dates, labels, editor codes, titles, the body walker (images: images.py)."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator

from selectolax.lexbor import LexborNode

from .boilerplate import is_boilerplate_line
from .images import images_from, unwrap_image_url  # re-exported: the image code lives in images.py

__all__ = [
    "after_label",
    "collapse",
    "images_from",
    "paragraphs_from",
    "parse_cn_datetime",
    "strip_editor_code",
    "strip_title_suffix",
    "unwrap_image_url",
]

_DATETIME = re.compile(
    r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_OFFSET = re.compile(r"([+-]\d{2}):?(\d{2})$|Z$")
# NetEase appends an internal code to editor names: 雷晓_NB26578, 王晓易_NE0011, 李曦_NN2587.
_EDITOR_CODE = re.compile(r"[_＿]\s*[A-Z]{1,5}\d*[A-Z]*\d+[A-Z0-9]*$")
# "_网易财经", "_网易新闻", "|关键词|关键词_网易政务", "_手机网易网", "-网易新闻"
# ASCII "|" separates keywords; a full-width "｜" belongs to the headline itself.
_TITLE_SUFFIX = re.compile(r"\s*(?:\|[^|]*)*[_\-—|]\s*(?:手机)?网易[^_\-|]{0,8}$")
_TITLE_KEYWORD_TAIL = re.compile(r"(?:\s*\|[^|]*)+$")

_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "iframe", "textarea", "select", "button", "input", "video", "audio",
     "object", "embed", "svg", "template", "canvas", "head", "title", "map", "form"}
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote", "pre",
     "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
     "tfoot", "tr", "caption", "figure", "figcaption", "center", "address", "hr", "details", "summary",
     "fieldset", "legend", "body", "html", "text"}
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
# Elements that end, split or hide a paragraph's text: a block holding none of them reads as its text.
PARAGRAPH_BREAKS = _SKIP_TAGS | _BLOCK_TAGS | _CELL_TAGS | {"br"}
_BLOCK_END = "<block end>"
_CELL_END = "<cell end>"


def collapse(text: str) -> str:
    """Collapse every run of whitespace (incl. U+3000 and nbsp) to one space and trim."""
    return " ".join(text.split())


def parse_cn_datetime(value: str | None) -> str | None:
    """First date-time in ``value`` as ISO 8601 in Beijing time (``+08:00``), or None.

    Accepts ``2025-10-16 20:02:18``, ``2025-10-16T20:02:18+08:00``, ``2019年05月17日 20:02``,
    ``2019-05-17`` (midnight). An explicit offset other than +08:00 is converted.
    """
    if not value:
        return None
    m = _DATETIME.search(value)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    hour, minute, second = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60):
        return None
    second = min(second, 59)
    offset = _OFFSET.search(value[m.end() : m.end() + 12].strip())
    if offset and "T" in value and offset.group(0) not in ("+08:00", "+0800"):
        from datetime import datetime, timedelta, timezone

        sign = 1
        if offset.group(0) == "Z":
            delta = timedelta(0)
        else:
            sign = 1 if offset.group(1).startswith("+") else -1
            delta = timedelta(hours=abs(int(offset.group(1))), minutes=int(offset.group(2)))
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone(sign * delta))
        return moment.astimezone(timezone(timedelta(hours=8))).isoformat()
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+08:00"


def after_label(text: str | None, *labels: str, words: int = 1) -> str | None:
    """The value after the first of ``labels`` (``来源``, ``责任编辑`` ...).

    The value ends at whitespace (or after ``words`` space-separated words, for names such as
    ``何苗 张梦洁``), a bracket, or a word that is itself a label (``作者：``).
    """
    if not text:
        return None
    token = r"[^\s:：()（）<>|｜]+"
    more = rf"(?:\s(?!\S*[:：]){token}){{0,{max(0, words - 1)}}}"
    for label in labels:
        m = re.search(re.escape(label) + rf"\s*[:：]\s*({token}{more})", text)
        if m:
            return m.group(1).strip() or None
    return None


def strip_editor_code(name: str | None) -> str | None:
    """``雷晓_NB26578`` → ``雷晓``; a bare code (``NF051``) is kept, since it is all the page gives."""
    if not name:
        return None
    name = collapse(name).strip("()（） ")
    stripped = _EDITOR_CODE.sub("", name).strip()
    return stripped or name or None


def strip_title_suffix(title: str | None) -> str | None:
    """``标题_网易财经`` / ``标题|kw|kw_网易政务`` / ``标题_手机网易网`` → ``标题``."""
    if not title:
        return None
    title = collapse(title)
    stripped = _TITLE_SUFFIX.sub("", title)
    if stripped != title:
        stripped = _TITLE_KEYWORD_TAIL.sub("", stripped)
    return stripped.strip() or title


def _hidden_in(root: LexborNode) -> set[int]:
    """``mem_id`` of the elements in ``root`` hidden by an inline style (one query, not one
    attribute read per block: most bodies have no inline styles at all)."""
    return {node.mem_id for node in root.css("[style]") if _is_hidden(node)}


def _is_hidden(node: LexborNode) -> bool:
    style = node.attrs.get("style")
    return style is not None and "display:none" in style.replace(" ", "").lower()


def paragraphs_from(
    nodes: Iterable[LexborNode], *, newline_breaks: bool = False, whole: Container[int] = frozenset()
) -> list[str]:
    """The body as paragraphs: block elements and ``<br>`` end a paragraph, table cells join with a space.

    ``newline_breaks`` also ends a paragraph at a newline in the text (plain-text forum posts).
    Empty paragraphs and NetEase boilerplate lines (see ``boilerplate.py``) are dropped.
    ``whole`` holds the ``mem_id`` of blocks known to contain none of ``PARAGRAPH_BREAKS`` (the lines
    ``prune_structure`` kept): each is read as its text in one call, not walked node by node.
    """
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            line = collapse("".join(buffer))
            buffer.clear()
            if line and not is_boilerplate_line(line):
                lines.append(line)

    def add(text: str) -> None:
        if newline_breaks and "\n" in text:
            first, *rest = text.split("\n")
            buffer.append(first)
            for part in rest:
                flush()
                buffer.append(part)
        else:
            buffer.append(text)

    # An explicit stack, not recursion: tag soup can nest tens of thousands of levels deep. Each
    # entry is the iterator over one element's children, resumed where it stopped, and what ends
    # the element: _BLOCK_END flushes the paragraph, _CELL_END adds a space, None does nothing.
    for root in nodes:
        flush()
        hidden = _hidden_in(root)
        stack: list[tuple[Iterator[LexborNode], str | None]] = [(root.iter(include_text=True), None)]
        while stack:
            children, end = stack[-1]
            for child in children:
                tag = child.tag
                if tag == "-text":
                    add(child.text_content or "")
                    continue
                if tag in _SKIP_TAGS or tag is None or tag.startswith("-"):
                    continue
                if tag == "br":
                    flush()
                    continue
                if tag in _BLOCK_TAGS:
                    if hidden and child.mem_id in hidden:
                        continue
                    flush()
                    if child.mem_id in whole:
                        add(child.text(separator=""))
                        flush()
                        continue
                    stack.append((child.iter(include_text=True), _BLOCK_END))
                elif tag in _CELL_TAGS:
                    buffer.append(" ")
                    stack.append((child.iter(include_text=True), _CELL_END))
                else:
                    stack.append((child.iter(include_text=True), None))
                break  # go down into the child; this iterator goes on once the child is done
            else:
                stack.pop()
                if end is _BLOCK_END:
                    flush()
                elif end is _CELL_END:
                    buffer.append(" ")
        flush()
    return lines
