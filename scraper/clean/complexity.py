"""A guard against pathological pages, checked on the text before it is parsed.

lexbor's tree building is quadratic in nesting depth and in the number of distinct attributes of
one tag: 50,000 nested ``<div>`` take 5 s to parse, one tag with 30,000 attributes 3-4 s (with
values or without). Real NetEase pages nest fewer than 100 levels, have a few thousand tags and a
few dozen attributes on a tag, so such a page is refused at once as ``too_complex``.

An ordinary page costs one count of its ``<`` and a few dozen ``str.find`` calls; the depth scan
runs only on pages with many tags, the attribute count only on the rare long tag.
"""

from __future__ import annotations

import re

from ..errors import ParseError, Reason

__all__ = ["check_complexity", "most_words_in_a_tag"]

MAX_TAGS = 300_000  # the largest real list pages hold ~16,000
MAX_DEPTH = 2_000  # unclosed-container depth; real pages stay under a few hundred
MAX_ATTRIBUTES = 5_000  # words inside one start tag; real tags have a few dozen (a data: URI has one)
DEPTH_SCAN_FROM = 8_000  # tags; below this the worst nesting still parses in well under 0.2 s
# A start tag of more than MAX_ATTRIBUTES words is at least 2 * MAX_ATTRIBUTES characters long (a
# word and a space each), so it covers a whole window of this size aligned at a multiple of it,
# and that window holds no "<". Only such windows are looked at closely.
_WINDOW = MAX_ATTRIBUTES // 2

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
# Elements whose end tag may be left out or that have none: they do not nest in practice.
_NOT_NESTING = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "tbody",
        "thead",
        "tfoot",
        "colgroup",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
        "br",
        "img",
        "hr",
        "meta",
        "link",
        "input",
        "area",
        "base",
        "col",
        "embed",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def check_complexity(text: str) -> None:
    """Raise ``ParseError(reason="too_complex")`` for a page that would take seconds to parse."""
    tags = text.count("<")
    if tags > MAX_TAGS:
        raise ParseError(f"the page has {tags:,} tags (more than {MAX_TAGS:,})", reason=Reason.TOO_COMPLEX)
    words = most_words_in_a_tag(text)
    if words > MAX_ATTRIBUTES:
        raise ParseError(
            f"a tag on the page has more than {MAX_ATTRIBUTES:,} attributes", reason=Reason.TOO_COMPLEX
        )
    if tags > DEPTH_SCAN_FROM and _max_depth(text) > MAX_DEPTH:
        raise ParseError(f"the page nests tags more than {MAX_DEPTH:,} deep", reason=Reason.TOO_COMPLEX)


def most_words_in_a_tag(text: str) -> int:
    """The most whitespace-separated words in one long start tag (``<name`` up to its ``>``).

    Exact for every tag of more than ``MAX_ATTRIBUTES`` words; shorter tags may count as 0. Counting
    stops just above ``MAX_ATTRIBUTES``: that is all the guard needs to know. Here a tag ends at its
    first ``>`` or at the next ``<``. lexbor reads on past such a ``<`` (into an attribute name), so
    a page built to slip past the guard could hide a long tag that way; no generator does it by accident.
    """
    most = 0
    window = 0
    while window + _WINDOW <= len(text):
        if text.find("<", window, window + _WINDOW) != -1:
            window += _WINDOW
            continue
        # No "<" in this window: it lies inside one tag or inside text. The window before it held
        # a "<" (runs are skipped whole), so the tag, if any, starts there.
        start = text.rfind("<", max(0, window - _WINDOW), window)
        after = text.find("<", window + _WINDOW)  # where this run without "<" ends
        stop = len(text) if after == -1 else after
        opener = text[start + 1 : start + 2] if start != -1 else ""
        if opener.isascii() and opener.isalpha():  # a start tag, not text, "</" or "<!--"
            end = text.find(">", start, stop)
            tag = text[start : stop if end == -1 else end]
            most = max(most, len(tag.split(None, MAX_ATTRIBUTES)))
        if after == -1:
            break
        window = (after // _WINDOW + 1) * _WINDOW  # the window holding ``after`` has a "<"
    return most


def _max_depth(text: str) -> int:
    depth = deepest = 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _NOT_NESTING:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest
