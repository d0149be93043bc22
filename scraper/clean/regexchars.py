"""What a regex match is made of: the characters it can start with, and characters it must hold.

Both let a cheap test skip the positions or the lines where a costly pattern cannot match.

Python's ``re`` skips ahead quickly only when a pattern starts with a literal or a character class.
An alternation of dozens of chrome patterns starts with neither, so a search tries every branch at
every position of every line. Prefixed with a lookahead on its possible first characters, the
search rejects most positions after one character test (10-20x faster on article lines).

Most patterns also hold a character that every match contains (明 in ``特别声明``, 跟 in
``跟贴|跟帖``). A line holding none of a pattern's required characters cannot match it, so one
search for a character class tells which of dozens of patterns are worth trying on a line.

Both are read from the parsed pattern (``re._parser``, ``sre_parse`` before 3.11). When nothing
is known for sure (a pattern may start with anything, or match without a fixed character), the
answer is None and the pattern must be tried as it is.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

__all__ = ["first_char_class", "required_chars", "with_first_char_prefilter"]

_CATEGORIES = {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_WORD: r"\w"}
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = tuple(
    getattr(_c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, name)
)


_CLASS_RANGE_MAX = 256  # code points: a wider range ([一-龥]) is no useful requirement


class _Unbounded(Exception):
    """The pattern may start with any character (or match empty)."""


def first_char_class(pattern: str) -> str | None:
    """A character class (``[…]``) matching every first character of a match of ``pattern``; None if any may be."""
    try:
        parsed = _p.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        items, nullable = _first(list(parsed))
    except (_Unbounded, re.error, AttributeError, TypeError, ValueError):
        return None
    if nullable or not items:
        return None
    return "[" + "".join(sorted(items)) + "]"


def with_first_char_prefilter(pattern: str) -> str:
    """``pattern`` behind a lookahead on its first characters (unchanged when they are unbounded)."""
    first = first_char_class(pattern)
    return f"(?={first})(?:{pattern})" if first else pattern


def _first(sequence: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """(class fragments a match of ``sequence`` can start with, whether it can match empty)."""
    out: set[str] = set()
    for op, av in sequence:
        if op in _ZERO_WIDTH:
            continue  # ^, $, \b and lookarounds consume nothing: the next item starts the match
        items, nullable = _first_of_item(op, av)
        out |= items
        if not nullable:
            return out, False
    return out, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {re.escape(chr(av))}, False
    if op is _c.IN:
        return _class_items(av), False
    if op is _c.BRANCH:
        out: set[str] = set()
        nullable = False
        for branch in av[1]:
            items, empty = _first(list(branch))
            out |= items
            nullable = nullable or empty
        return out, nullable
    if op is _c.SUBPATTERN:
        if av[1] & re.IGNORECASE:
            raise _Unbounded
        return _first(list(av[-1]))
    if op in _REPEATS:
        low, _high, item = av
        items, nullable = _first(list(item))
        return items, nullable or low == 0
    if getattr(_c, "ATOMIC_GROUP", None) is op:
        return _first(list(av))
    raise _Unbounded  # ANY, NOT_LITERAL, GROUPREF ...


def _class_items(items: list[tuple[Any, Any]]) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is _c.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _c.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:
            raise _Unbounded  # a negated class, \W, \S ...
    return out


def required_chars(pattern: str) -> frozenset[str] | None:
    """Characters of which every match of ``pattern`` holds at least one; None when none are known.

    Of the items a match must go through in order, the one with the fewest possible characters is
    taken (on a tie the later one: on NetEase lines that leaves fewer rules to try than the earlier
    one). Optional items, lookarounds, ``.``, negated classes and categories (``\\d``) require
    nothing that can be named.
    """
    try:
        parsed = _p.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        return _required(list(parsed))
    except (re.error, AttributeError, TypeError, ValueError):
        return None


def _required(sequence: list[tuple[Any, Any]]) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for op, av in sequence:
        chars = _required_of_item(op, av)
        if chars is not None and (best is None or len(chars) <= len(best)):
            best = chars
    return best


def _required_of_item(op: Any, av: Any) -> frozenset[str] | None:
    if op is _c.LITERAL:
        return frozenset(chr(av))
    if op is _c.IN:
        return _class_chars(av)
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            chars = _required(list(branch))
            if chars is None:
                return None  # this branch can match without any known character
            union |= chars
        return frozenset(union)
    if op is _c.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _required(list(av[-1]))
    if op in _REPEATS:
        low, _high, item = av
        return _required(list(item)) if low >= 1 else None
    if getattr(_c, "ATOMIC_GROUP", None) is op:
        return _required(list(av))
    return None  # ^, $, lookarounds, ANY, NOT_LITERAL, CATEGORY, GROUPREF ...


def _class_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _CLASS_RANGE_MAX:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None  # a negated class, a category, a wide range
    return frozenset(chars)
