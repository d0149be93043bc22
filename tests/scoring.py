"""Character-bigram F1, the project's body-text score (as in ../shared/tools/score.py)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

SHARED_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "netease-pages"
_WS = re.compile(r"\s+")


def bigrams(text: str) -> Counter[str]:
    """Multiset of character bigrams of ``text`` with all whitespace removed."""
    s = _WS.sub("", text)
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def char_f1(predicted: str, gold: str) -> float:
    """F1 of the bigram multisets of two texts (1.0 when both are empty)."""
    p, g = bigrams(predicted), bigrams(gold)
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)
